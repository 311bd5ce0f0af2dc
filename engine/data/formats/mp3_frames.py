"""The bitrate an MP3 file was written at, read from its MPEG audio frame headers (pure Python, no decoder).

libsndfile decodes an MP3 but reports no bitrate, and the reference must pass the file's own encoder setting to be
judged through the same channel (engine/detectors/channels.py): through libmp3lame at 32 kbit/s espeak-ng's digits
were caught 8 and 5 of 40 against a reference through libsndfile's default and lowest bitrates (docs/studies.md,
twenty-sixth pass). Every frame header states its bitrate (a VBR file's vary: their mean over time is taken, as
each frame lasts as long as the next), sample rate and channel mode. The first frame may be a Xing/Info or VBRI
tag frame that carries no audio (LAME and FFmpeg write one): it is not counted.

The bytes are outside input: a header that is not a layer III frame, a bitrate index 0 (free format: no bitrate
stated) or 15, a reserved version or sample rate, frames that do not chain, too few frames, a stream that changes
its sample rate or version midway are refused with a reason, never an exception; the caller then falls back to the
reference through libsndfile's own bitrates and the channel records why.
"""
SYNC_SCAN_BYTES = 65536  # how far past an ID3v2 tag the first frame is looked for
MIN_FRAMES = 4  # fewer audio frames (about 0.1 s) state too little to trust
MAX_FRAMES = 200000  # frames walked at most (about 87 minutes at 44.1 kHz; longer files are refused by the loader)
# Bitrates in kbit/s by bitrate index 1-14: MPEG-1 layer III, and MPEG-2 / 2.5 layer III (one table).
BITRATES = {1: (32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
            2: (8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)}
SAMPLE_RATES = {1: (44100, 48000, 32000), 2: (22050, 24000, 16000), 2.5: (11025, 12000, 8000)}
VERSIONS = {0b11: 1, 0b10: 2, 0b00: 2.5}  # 0b01 is reserved
# The bitrates LAME writes at each version's sample rates: MPEG 2.5 (8-12 kHz) at most 64 kbit/s (it writes 64 when
# asked for more), so a header stating more there is matched at 64.
ENCODABLE = {1: BITRATES[1], 2: BITRATES[2], 2.5: BITRATES[2][:8]}
MODES = ("stereo", "joint stereo", "dual channel", "mono")
FREE_FORMAT = "free format (bitrate index 0: the headers state no bitrate)"


def frame_header(data, pos):
    """The layer III frame header at `pos`: a dict (version, bit_rate bit/s, sample_rate, mode, length in bytes,
    side information's end), or a string saying why the four bytes there are not one."""
    if pos + 4 > len(data):
        return "the stream ends inside a frame header"
    b0, b1, b2, b3 = data[pos:pos + 4]
    if b0 != 0xFF or b1 & 0xE0 != 0xE0:
        return f"no frame sync at byte {pos}"
    version = VERSIONS.get((b1 >> 3) & 0b11)
    if version is None:
        return f"a reserved MPEG version at byte {pos}"
    if (b1 >> 1) & 0b11 != 0b01:
        return f"not a layer III frame at byte {pos}"
    index, rate_index = b2 >> 4, (b2 >> 2) & 0b11
    if index == 0:
        return FREE_FORMAT
    if index == 15 or rate_index == 3:
        return f"an invalid bitrate or sample rate index at byte {pos}"
    bit_rate = BITRATES[1 if version == 1 else 2][index - 1] * 1000
    sample_rate = SAMPLE_RATES[version][rate_index]
    mode = MODES[b3 >> 6]
    # layer III: 1152 samples a frame for MPEG-1, 576 for MPEG-2 and 2.5; slot 1 byte
    length = (144 if version == 1 else 72) * bit_rate // sample_rate + ((b2 >> 1) & 1)
    side = (17 if mode == "mono" else 32) if version == 1 else (9 if mode == "mono" else 17)
    return {"version": version, "bit_rate": bit_rate, "sample_rate": sample_rate, "mode": mode, "length": length,
            "side_end": pos + 4 + side + (0 if b1 & 1 else 2)}  # a protection bit of 0: a 16-bit CRC follows


def id3v2_end(data):
    """Where the audio starts after an ID3v2 tag at the start (0 without one), or None for a malformed size."""
    if data[:3] != b"ID3":
        return 0
    if len(data) < 10 or any(b & 0x80 for b in data[6:10]):  # the size is four 7-bit bytes
        return None
    size = 0
    for b in data[6:10]:
        size = size << 7 | b
    return 10 + size + (10 if data[5] & 0x10 else 0)  # a footer follows where the flag says so


def is_tag_frame(data, header, pos):
    """Whether the frame at `pos` is a Xing/Info or VBRI tag frame (an encoder's summary, no audio)."""
    at = header["side_end"]
    return data[at:at + 4] in (b"Xing", b"Info") or data[pos + 36:pos + 40] == b"VBRI"


def first_frame(data, start):
    """(the first position from `start`, within SYNC_SCAN_BYTES, holding a layer III header whose frame is
    followed by another with the same version and sample rate (a false sync in a tag or in garbage chains to
    nothing), None) or (None, why there is none)."""
    free = False
    for pos in range(start, min(len(data), start + SYNC_SCAN_BYTES)):
        if data[pos] != 0xFF:
            continue
        header = frame_header(data, pos)
        free = free or header == FREE_FORMAT
        if isinstance(header, str):
            continue
        following = frame_header(data, pos + header["length"])
        if not isinstance(following, str) and all(following[k] == header[k] for k in ("version", "sample_rate")):
            return pos, None
    return None, FREE_FORMAT if free else (f"no chain of layer III frames within {SYNC_SCAN_BYTES} bytes of the "
                                           f"audio's start")


def mp3_bitrate(data, decoded_rate=None):
    """What the MP3 file's frame headers state: a dict with `bit_rate` (bit/s: a constant bitrate, or a VBR
    stream's mean over time; None where not read, or where the headers' sample rate is not `decoded_rate`, the
    decoder's), `read` (how, or why not, in words) and where read `sample_rate`, `mode`, `vbr` (whether the frames'
    bitrates vary), `frames` (audio frames counted)."""
    start = id3v2_end(data)
    if start is None:
        return _not_read("an ID3v2 tag with a malformed size")
    pos, why = first_frame(data, start)
    if pos is None:
        return _not_read(why)
    first, start = frame_header(data, pos), pos
    rates, stop = [], None
    while len(rates) < MAX_FRAMES:
        header = frame_header(data, pos)
        if isinstance(header, str):
            stop = None if pos >= len(data) or data[pos:pos + 3] in (b"TAG", b"APE", b"LYR") else header
            break
        if header["version"] != first["version"] or header["sample_rate"] != first["sample_rate"]:
            stop = f"the stream changes its MPEG version or sample rate at byte {pos}"
            break
        if pos + header["length"] > len(data):  # a truncated last frame: what it states is not counted
            break
        if not (pos == start and is_tag_frame(data, header, pos)):
            rates.append(header["bit_rate"])
        pos += header["length"]
    if stop is not None and len(rates) < MIN_FRAMES:
        return _not_read(stop)
    if len(rates) < MIN_FRAMES:
        return _not_read(f"{len(rates)} audio frames (at least {MIN_FRAMES} are needed)")
    if decoded_rate is not None and first["sample_rate"] != decoded_rate:
        return _not_read(f"the headers state {first['sample_rate']} Hz, the decoder read {decoded_rate} Hz")
    vbr = min(rates) != max(rates)
    mean = round(sum(rates) / len(rates))
    read = (f"{mean / 1000:.1f} kbit/s, the mean of {len(rates)} frames' bitrates ({min(rates) // 1000}-"
            f"{max(rates) // 1000} kbit/s)" if vbr else f"{mean // 1000} kbit/s stated by all {len(rates)} frames")
    return {"bit_rate": mean, "read": read + (f"; the frames' chain breaks after them ({stop})" if stop else ""),
            "sample_rate": first["sample_rate"], "mode": first["mode"], "vbr": vbr, "frames": len(rates)}


def nearest_bitrate(bit_rate, sample_rate):
    """The bitrate (bit/s) LAME writes at `sample_rate` (ENCODABLE) nearest to `bit_rate` (a VBR stream's mean):
    what a constant-bitrate encoder can be set to, so that a batch's VBR files share a few channels; None for a
    sample rate no MPEG version has."""
    version = next((v for v, rates in SAMPLE_RATES.items() if sample_rate in rates), None)
    if version is None:
        return None
    return min(ENCODABLE[version], key=lambda kbit: abs(kbit * 1000 - bit_rate)) * 1000


def _not_read(why):
    return {"bit_rate": None, "read": f"not read: {why}"}
