"""The bitrate an Ogg Opus file was written at, read from its pages (pure Python, no decoder) and recorded in its
channel (`opus_bitrate`), as an AAC file's is (container_audio.aac_bitrate); the reference is not passed through it.

Opus states no bitrate anywhere: it is what the audio packets carry over the stream's duration (RFC 7845): their
bytes over the last page's granule position (48 kHz samples whatever the input and decoded rates) less the pre-skip
the identification header (OpusHead) states. libopus' VBR (its default) meets its target only on average over long
recordings: on half-second digits at 24 kbit/s the packets carry 21-34 kbit/s.

Passing the reference through libopus at the file's own setting instead of libsndfile's default (an Opus encoder
at about 21 kbit/s on these clips at 8 kHz, 35 at 24 kHz) caught fewer synthesisers at 16, 24 and 32 kbit/s (tuning:
25, 32, 41 of 80 against 30, 35, 42) with real takes alike (0 of 100 labelled generated at 16 kbit/s either way):
below libsndfile's default the matched reference is the lossier and synthetic-voice's calibration on it the wider,
and above it nothing was gained (docs/studies.md, twenty-eighth pass). So the bitrate is recorded, not followed
(engine/detectors/channel_limits.py CHANNEL_LIMITS).

The bytes are outside input: no Ogg page where one must start, a first page that is not an Opus identification
header, a major version other than 0, no channel or more than two, granule positions that go backwards, too little
audio or a bitrate Opus cannot have are refused with a reason, never an exception; a page cut short ends the walk
(the complete pages are counted, as a truncated MP3's last frame is not). Pages are read by ogg_pages.py.
"""
from engine.data.formats.ogg_pages import HEADER_SIZE, page_at

OPUS_RATE = 48000  # granule positions count samples at 48 kHz whatever the input and decoded rates
BOUNDS = (2000, 520000)  # bit/s: below DTX's silence, above libopus' 510 kbit/s stereo ceiling
MIN_SECONDS = 0.1  # less audio states too little to trust
MAX_PAGES = 100000  # pages walked at most (a page holds up to about a second of audio at most encoders' settings)


def identification(data, page):
    """(channels, pre-skip, input sample rate) from an OpusHead packet opening `page`, else a string saying why not."""
    packet = data[page["start"]:page["end"]]
    if len(packet) < 19 or packet[:8] != b"OpusHead":
        return "the first page holds no Opus identification header (OpusHead)"
    if packet[8] >> 4:  # the major version is the upper four bits: 0 is the only one readers accept
        return f"Opus header version {packet[8]} (major version 0 only)"
    return packet[9], int.from_bytes(packet[10:12], "little"), int.from_bytes(packet[12:16], "little")


def opus_bitrate(data):
    """What the Ogg Opus file's pages carry: a dict with `bit_rate` (bit/s: the audio packets' bytes over the
    duration; None where not read), `read` (how, or why not, in words) and where read `channels`, `input_rate`
    (OpusHead's), `seconds`."""
    first = page_at(data, 0)
    if isinstance(first, str):
        return _not_read(first)
    head = identification(data, first)
    if isinstance(head, str):
        return _not_read(head)
    channels, pre_skip, input_rate = head
    serial, packets, audio_bytes, granule, pos, stop = first["serial"], 0, 0, 0, 0, None
    for _ in range(MAX_PAGES):
        if pos >= len(data):
            break
        page = page_at(data, pos)
        if isinstance(page, str):
            stop = page
            break
        pos = page["end"]
        if page["serial"] != serial:  # another logical stream (a chained or multiplexed one): not this one's audio
            continue
        if packets >= 2:  # the identification and comment headers end on a page boundary (RFC 7845 section 3)
            audio_bytes += page["end"] - page["start"]
            if page["granule"] != -1:  # -1: no packet ends on this page
                if page["granule"] < granule:
                    return _not_read(f"granule positions go backwards at byte {page['start'] - HEADER_SIZE}")
                granule = page["granule"]
        packets += sum(1 for value in page["lacing"] if value < 255)
    seconds = (granule - pre_skip) / OPUS_RATE
    if seconds < MIN_SECONDS:
        why = stop or "the stream ends"
        return _not_read(f"{max(seconds, 0):.3g} s of audio before {why} (at least {MIN_SECONDS} s are needed)")
    return carried(audio_bytes * 8 / seconds, channels,
                   f"{audio_bytes} bytes of audio packets over {seconds:.2f} s" + (
                       f"; the pages break after them ({stop})" if stop else ""),
                   input_rate=input_rate, seconds=round(seconds, 3))


def carried(bit_rate, channels, how, **more):
    """The bitrate an Opus stream's packets carry (`bit_rate` bit/s, as `how` says in words), as opus_bitrate's
    dict, or not read where it lies outside BOUNDS or the stream has other than one or two channels (a WebM file's
    too: engine/data/formats/container_audio.py)."""
    if not 1 <= channels <= 2:
        return _not_read(f"{channels} channels (one or two are read)")
    bit_rate = round(bit_rate)
    if not BOUNDS[0] <= bit_rate <= BOUNDS[1]:
        return _not_read(f"{bit_rate / 1000:.1f} kbit/s ({how}), outside Opus' {BOUNDS[0] // 1000}-"
                         f"{BOUNDS[1] // 1000} kbit/s")
    return {"bit_rate": bit_rate, "read": f"{bit_rate / 1000:.1f} kbit/s: {how}", "channels": channels, **more}


def _not_read(why):
    return {"bit_rate": None, "read": f"not read: {why}"}
