"""AAC and AMR-NB recordings in an MP4 / M4A / 3GP container, as a raw ADTS stream or a raw `.amr` file (phone
voice memos, messenger voice notes, Android voice recorders), recordings in a WebM / Matroska or Apple CAF
container (a browser's Opus, Apple Lossless, PCM), and the telephone codecs of voice-over-IP and cordless phones in
WAV (G.722, G.726, G.723.1; G.722 in AU too), decoded by PyAV (ffmpeg's decoders), which libsndfile lacks.
Speex (OGG, .spx) and iLBC are recognised and refused by name: no encoder here passes the reference through them.

Hostile files: the container's declared sample rate, channels and duration are checked against
engine/data/limits before decoding, and decoding stops as soon as the samples decoded so far pass
MAX_AUDIO_SECONDS or the decoded-size budget, so a header that understates (or, in ADTS, does not
state) the length cannot make it decode more. Only the first audio stream is read (an MP4 with
video keeps its sound); ffmpeg's errors become one-line InputErrors. An AMR-NB stream's frame types are read
before decoding: one not AMR-NB's, or none speech, is refused; comfort-noise and no-data frames (DTX, lost
frames), which ffmpeg's decoder refuses, are decoded by OpenCORE's.
"""
import errno
import io

import numpy as np

from engine.data import limits, vorbis_quality
from engine.data.formats import ogg_opus
from engine.errors import InputError

# AMR-NB's eight modes (bit/s) by the frame type in each frame's header byte (3GPP TS 26.101; 8-15: comfort noise
# and no data). A file's encoding names its commonest mode ("AMR_NB_12200"): the channel the reference passes.
AMR_NB_MODES = (4750, 5150, 5900, 6700, 7400, 7950, 10200, 12200)
AMR_NB_SID, AMR_NB_NO_DATA = 8, 15  # frame types 9-11 (other codecs' comfort noise) and 12-14 are not AMR-NB's
AMR_NB_DEFAULT = 12200  # where no speech frame states its mode: the highest, a phone recorder's default
# ffmpeg's decoder name -> the encoding name engine/data/channels.py knows (AMR-NB's: amr_nb_encoding; libsndfile's
# names where libsndfile reads the codec in another container: Opus and Vorbis in WebM / Matroska, the G.711 laws and
# 8-bit PCM in CAF, each then judged as in an OGG, WAV or AU file)
ENCODINGS = {"aac": "AAC", "amrnb": "AMR_NB", "opus": "OPUS", "libopus": "OPUS", "vorbis": "VORBIS",
             "libvorbis": "VORBIS", "mp3": "MPEG_LAYER_III", "mp3float": "MPEG_LAYER_III", "pcm_mulaw": "ULAW",
             "pcm_alaw": "ALAW", "pcm_u8": "PCM_U8", "pcm_s8": "PCM_S8", "g722": "G722", "g726": "G726",
             "g726le": "G726", "g723_1": "G723_1"}
# Lossless codecs (Apple Lossless, FLAC, PCM) in these containers: named as the PCM they hold, by its sample size, so
# that a codec decoded before them is read from the samples as in a WAV file (engine/data/audio_history.py).
LOSSLESS = ("alac", "flac") + tuple(f"pcm_{kind}{bits}{order}" for kind in "sf" for bits in (16, 24, 32, 64)
                                    for order in ("le", "be"))
LOSSLESS_ENCODINGS = {"s16": "PCM_16", "flt": "FLOAT", "dbl": "DOUBLE"}  # by decoded sample format
NO_ENCODER = "is not read: no {} encoder here passes the reference through its channel"
REFUSED = {"amrwb": "AMR-WB " + NO_ENCODER.format("AMR-WB"), "speex": "Speex " + NO_ENCODER.format("Speex"),
           "ilbc": "iLBC " + NO_ENCODER.format("iLBC")}
# Telephone codecs (voice over IP, DECT cordless phones), each named with its bitrate as AMR-NB's modes are: G.722
# (sub-band ADPCM, 16 kHz wideband; FFmpeg writes and reads 64 kbit/s), G.726 (ADPCM at 8 kHz, 2-5 bits a sample,
# either bit order), G.723.1 (8 kHz; FFmpeg encodes its 6.3 kbit/s rate only, so a 5.3 kbit/s stream is refused).
G722_RATE, G726_RATE = 64000, 8000
G726_BITRATES = (16000, 24000, 32000, 40000)
G723_1_HIGH, G723_1_LOW = 6300, 5300  # frame types 0 and 1 in each frame's first byte (2: comfort noise, 3: none)
TELEPHONE = ("G722_64000",) + tuple(f"G726_{rate}" for rate in G726_BITRATES) + (f"G723_1_{G723_1_HIGH}",)
# Containers libsndfile lacks these codecs in: WAV format tags (FFmpeg's riff.c) and AU encodings
WAV_TAGS = {0x0042: "G.723.1", 0x0045: "G.726", 0x0064: "G.726", 0x028F: "G.722"}
AU_ENCODINGS = {24: "G.722"}
SCALES = {"flt": 1.0, "fltp": 1.0, "dbl": 1.0, "dblp": 1.0, "s16": 2.0**15, "s16p": 2.0**15,
          "s32": 2.0**31, "s32p": 2.0**31}  # ffmpeg's sample formats -> full scale
ENCODERS = {"aac": ("aac", "flt", 1024), "amr_nb": ("libopencore_amrnb", "s16", 160),  # encoder, format, frame
            "g722": ("g722", "s16", 320), "g726": ("g726", "s16", 320), "g723_1": ("g723_1", "s16", 240),
            "mp3": ("libmp3lame", "fltp", 1152), "opus": ("libopus", "flt", None)}  # Opus: 20 ms frames at any rate
AMR_NB_RATE, AMR_NB_FRAME = 8000, 160  # a frame is 20 ms
# An AAC file's own bitrate is read and recorded in its channel (aac_bitrate), not followed: the reference passes
# FFmpeg's AAC at 64 kbit/s whatever it is (engine/detectors/channel_media.py PYAV_CODECS). Passing it through the
# file's bitrate instead (snapped to 32/64/96/128/192 kbit/s) caught 1 fewer of 40 synthesised digits at 16 kHz 32,
# 44.1 kHz 64 and 128 kbit/s and as many at 16 kHz 128, and left the real takes' lowest tail probability closer to
# alpha at 32 kbit/s (0.028 -> 0.017): docs/studies.md, twenty-first pass; at 44.1 kHz 32 kbit/s 16 of 40 against 17
# (twenty-eighth pass). FFmpeg's encoder spends less than asked on speech (asked 128 kbit/s at 44.1 kHz: 63-133).
AAC_BOUNDS = (6000, 320000)  # bit/s per channel: AAC's frames hold at most 6144 bits a channel (288 kbit/s at 48 kHz)
# A stated bitrate further than this factor from the packets' is a lie: FFmpeg's M4A headers (their sample-size table
# over their duration) state 0.79-1.0 of it on 602 tuning files (the packets' count the encoder's priming frame).
AAC_AGREE = 1.5


def read_recording(path, data, details=None):
    """(mono float32 samples, rate, encoding name) of the first audio stream; limits checked from the
    container's header first, then while decoding. `details`, a dict, receives what else was read: an AAC
    file's bitrate (aac_bitrate), an Opus one's (opus_bitrate: engine/data/formats/ogg_opus.py), a Vorbis track's
    quality (engine/data/vorbis_quality.py)."""
    import av

    problem = adts_header_problem(data) or declared_format_problem(data) or (REFUSED["speex"] if speex_in_ogg(data)
                                                                            else None)
    if problem:  # (Speex named from its header page: FFmpeg would call a cut Speex file merely corrupt)
        raise InputError(path, problem)
    try:
        with open_media(data) as container:
            stream = next(iter(container.streams.audio), None)
            if stream is None:
                raise InputError(path, "holds no audio stream")
            if details is not None and len(container.streams.audio) > 1:
                details["audio_streams"] = len(container.streams.audio)  # the others are not judged: say so
            if stream.codec_context is None:  # PyAV's stream without a decoder (an M4A cut before its stsd box)
                raise InputError(path, "its audio stream has no codec FFmpeg can decode (the sample description is "
                                       "cut off, damaged or of an unknown codec)")
            codec = stream.codec_context.name
            if codec in REFUSED:
                raise InputError(path, REFUSED[codec])
            if codec not in ENCODINGS and codec not in LOSSLESS:
                raise InputError(path, f"audio codec {codec} is not supported here (AAC, AMR-NB, Opus, Vorbis, MP3, "
                                       f"G.711, G.722, G.726, G.723.1, Apple Lossless, FLAC and PCM are)")
            # ADTS and raw AMR state no length (ffmpeg guesses one from the bitrate): only an MP4's is taken
            in_mp4 = container.format.name.startswith("mov")
            rate, declared = _check_header(path, stream, in_mp4)
            # the bitrate an MP4's header states (ADTS states none: FFmpeg's guess from its first frames is not taken)
            stated, channels = int(stream.bit_rate or 0) if in_mp4 else 0, int(stream.codec_context.layout.nb_channels)
            private = stream.codec_context.extradata
            modes = _amr_frame_types(path, data) if codec == "amrnb" else []
            telephone = telephone_encoding(path, codec, rate, stream.codec_context.bit_rate, data)
            mono, size = _decode(path, container, stream, rate, _decoder(stream, modes))
            measured = size * 8 * rate / mono.size  # over every sample decoded, as the packets carry them
    except av.FFmpegError as err:
        raise InputError(path, ffmpeg_reason(err)) from None
    if declared is not None:
        # An MP4 states the duration without the encoder's last frame's padding: keep that much.
        if mono.size < declared - ENCODERS["aac"][2]:  # the longer frame of the two codecs
            raise InputError(path, f"truncated: the header declares {declared} samples, the file holds {mono.size}")
        mono = mono[:declared]
    limits.check_samples(path, mono)
    if codec == "amrnb":
        return mono, rate, amr_nb_encoding(modes)
    if telephone:
        return mono, rate, telephone
    if codec in LOSSLESS:
        if details is not None:
            details["lossless_codec"] = codec
        return mono, rate, lossless_encoding(stream.codec_context)
    if codec == "aac" and details is not None:
        details["aac_bitrate"] = aac_bitrate(stated, measured, max(channels, 1))
    if ENCODINGS[codec] == "VORBIS" and details is not None:  # in WebM: the header from the track's private data
        details["vorbis_quality"] = vorbis_quality.quality_of(vorbis_quality.codec_private_identification(private))
    if ENCODINGS[codec] == "OPUS" and details is not None:  # a browser's WebM: recorded as an Ogg file's is
        details["opus_bitrate"] = ogg_opus.carried(measured, channels, "carried by the packets over the samples "
                                                                       "decoded")
    return mono, rate, ENCODINGS[codec]


def lossless_encoding(context):
    """libsndfile's name of the PCM a lossless stream decodes to (24-bit Apple Lossless or FLAC decode to 32-bit
    samples: PCM_32; PyAV does not say how many of their bits were coded)."""
    return LOSSLESS_ENCODINGS.get(context.format.name.rstrip("p"), "PCM_32")


def open_media(data):
    """PyAV's container over `data`, FFmpeg told to refuse more than MAX_MEDIA_STREAMS streams; tags that are not UTF-8
    are read with replacement characters (PyAV's default raised UnicodeDecodeError, reported as the file's reason)."""
    import av

    return av.open(io.BytesIO(data), mode="r", options={"max_streams": str(limits.MAX_MEDIA_STREAMS)},
                   metadata_errors="replace")


def ffmpeg_reason(err):
    """An FFmpeg error on outside data, in words. Its out-of-memory error is how it refuses a header declaring too
    much (more than MAX_MEDIA_STREAMS streams, a sample table of 2^31 entries), not this machine running out."""
    if err.errno == errno.ENOMEM:
        return (f"its header declares more than FFmpeg reads (over {limits.MAX_MEDIA_STREAMS} streams, or a table of "
                f"billions of entries)")
    return f"corrupt or truncated: {err.strerror or type(err).__name__}"


def aac_bitrate(stated, measured, channels):
    """The bitrate an AAC stream was written at, per channel: the header's `stated` bit/s (0: none) where the
    packets' `measured` one (their bytes over the samples decoded) agrees within AAC_AGREE, else the measured one
    where none is stated; not taken where the value lies outside AAC_BOUNDS or the header contradicts the packets.
    A dict: bit_rate (per channel, None when not taken), read (how, in words)."""
    if stated and not 1 / AAC_AGREE <= stated / max(measured, 1) <= AAC_AGREE:
        return _bitrate_fallback(f"the header states {stated / 1000:.1f} kbit/s, the packets carry "
                                 f"{measured / 1000:.1f}")
    value = (stated or measured) / channels
    read = f"{value / 1000:.1f} kbit/s a channel, {'stated in the header' if stated else 'carried by the packets'}"
    if not AAC_BOUNDS[0] <= value <= AAC_BOUNDS[1]:
        return _bitrate_fallback(f"{read}, outside {AAC_BOUNDS[0] // 1000}-{AAC_BOUNDS[1] // 1000} kbit/s")
    return {"bit_rate": round(value), "read": read}


def _bitrate_fallback(why):
    return {"bit_rate": None, "read": f"not taken: {why}"}


def amr_nb_encoding(modes):
    """The encoding name of an AMR-NB stream from its frames' types: its commonest speech mode, else the default."""
    speech = [m for m in modes if m < len(AMR_NB_MODES)]
    mode = AMR_NB_MODES[max(set(speech), key=speech.count)] if speech else AMR_NB_DEFAULT
    return f"AMR_NB_{mode}"


def adts_header_problem(data):
    """What is wrong with an ADTS stream's first frame header that FFmpeg would skip, finding no stream parameters
    (it then reports a sample rate of 0), or None (as for data that is not ADTS): a reserved sampling-frequency
    index, a channel configuration of 0 (the layout in a program config element, which FFmpeg's ADTS reader does not
    take), a frame shorter than its header."""
    from engine.data.sniff import ADTS, kind_by_content

    if kind_by_content(data) is not ADTS:
        return None
    if len(data) < 7:
        return f"corrupt or truncated: {len(data)} bytes, shorter than an ADTS frame header"
    index, length = data[2] >> 2 & 0x0F, (data[3] & 0x03) << 11 | data[4] << 3 | data[5] >> 5
    if index > 12:
        return f"ADTS header: sampling-frequency index {index} is reserved (0-12 name a rate)"
    if not (data[2] & 0x01) << 2 | data[3] >> 6:
        return "ADTS header: channel configuration 0 (a layout in a program config element) is not read"
    header = 7 if data[1] & 1 else 9  # 9 bytes with a CRC
    if length < header:
        return f"ADTS header: a frame of {length} bytes, shorter than its {header}-byte header"
    return None


def _check_header(path, stream, states_length):
    """The stream's rate and declared length in samples (None where the container states none: ADTS),
    refused when out of limits."""
    context = stream.codec_context
    rate, channels = int(context.sample_rate or 0), int(context.layout.nb_channels or 0)
    if not limits.MIN_SAMPLE_RATE <= rate <= limits.MAX_SAMPLE_RATE:
        raise InputError(path, f"implausible sample rate {rate} Hz")
    limits.check_at_most(path, "number of channels", channels, limits.MAX_AUDIO_CHANNELS)
    if not states_length or stream.duration is None or stream.time_base is None:
        return rate, None
    declared = int(round(float(stream.duration * stream.time_base) * rate))
    if declared <= 0:  # a fragmented MP4's, or a header FFmpeg found lying (a timescale of 0): decoding tells
        return rate, None
    limits.check_at_most(path, "duration", round(declared / rate, 1), limits.MAX_AUDIO_SECONDS, " s")
    limits.check_decoded_size(path, declared * max(channels, 1), "samples x channels")
    return rate, declared


def _amr_frame_types(path, data):
    """The frame type of each packet of an AMR-NB stream (its first frame's header byte, bits 3-6), read without
    decoding: refused where none is speech or one is not an AMR-NB frame type."""
    types = [first >> 3 & 0x0F for first in _frame_headers(path, data, AMR_NB_FRAME / AMR_NB_RATE, "AMR-NB")]
    foreign = next((t for t in types if AMR_NB_SID < t < AMR_NB_NO_DATA), None)
    if foreign is not None:
        raise InputError(path, f"frame type {foreign} is not an AMR-NB one (0-7 speech, 8 comfort noise, "
                               f"15 no data)")
    if not types:
        raise InputError(path, "holds no AMR-NB frames")
    if not any(t < len(AMR_NB_MODES) for t in types):
        raise InputError(path, f"holds no speech: its {len(types):,} AMR-NB frames are all comfort noise or no data")
    return types


def _frame_headers(path, data, seconds, name):
    """The first byte of each packet of the first audio stream (a frame's header: AMR-NB's, G.723.1's), read without
    decoding; refused where more frames of `seconds` each than MAX_AUDIO_SECONDS holds (a no-data frame is 1 byte)."""
    firsts, most = [], int(limits.MAX_AUDIO_SECONDS / seconds)
    with open_media(data) as container:
        for packet in container.demux(container.streams.audio[0]):
            if packet.size:
                firsts.append(memoryview(packet)[:1].tobytes()[0])  # the header byte, not a copy
            if len(firsts) > most:
                raise InputError(path, f"holds more than {most:,} {name} frames of {seconds * 1000:g} ms, over the "
                                       f"limit of {limits.readable(limits.MAX_AUDIO_SECONDS)} s")
    return firsts


def telephone_encoding(path, codec, rate, bit_rate, data):
    """The encoding name of a G.722, G.726 or G.723.1 stream (TELEPHONE; None for other codecs), refused where no
    encoder here writes its channel: G.726 at a rate other than 8 kHz or a size other than 2-5 bits a sample (its
    bitrate over its rate, as the WAV header states them), G.723.1 at 5.3 kbit/s (its commonest speech frame)."""
    if codec == "g722":
        return f"G722_{G722_RATE}"
    if codec in ("g726", "g726le"):
        bits = round((bit_rate or 0) / rate)
        if rate != G726_RATE or bits * rate not in G726_BITRATES:
            raise InputError(path, f"G.726 at {rate} Hz and {bits} bits a sample is not read: the reference passes "
                                   f"it at 8000 Hz and 2-5 bits (16-40 kbit/s) only")
        return f"G726_{bits * rate}"
    if codec != "g723_1":
        return None
    types = [first & 0x03 for first in _frame_headers(path, data, 0.03, "G.723.1")]
    speech = [t for t in types if t < 2]
    if not speech:
        raise InputError(path, f"holds no speech: its {len(types):,} G.723.1 frames are all comfort noise or empty")
    if max(set(speech), key=speech.count) == 1:
        raise InputError(path, f"G.723.1 at {G723_1_LOW / 1000:g} kbit/s " + NO_ENCODER.format(
            f"{G723_1_LOW / 1000:g} kbit/s"))
    return f"G723_1_{G723_1_HIGH}"


def pyav_codec(data):
    """Whether a WAV, AU or OGG file holds a codec libsndfile lacks and FFmpeg reads (WAV_TAGS, AU_ENCODINGS, Speex
    in OGG, which is then refused by name)."""
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        found = wav_format(data)
        return found is not None and found[0] in WAV_TAGS
    if data[:4] == b".snd" and len(data) >= 16:
        return int.from_bytes(data[12:16], "big") in AU_ENCODINGS
    return speex_in_ogg(data)


def speex_in_ogg(data):
    """Whether an OGG file's first page's first packet is a Speex header."""
    return data[:4] == b"OggS" and len(data) > 27 and data[27 + data[26]:35 + data[26]] == b"Speex   "


def wav_format(data):
    """(format tag, channels, sample rate) of a RIFF WAVE file's fmt chunk, or None where it holds none whole."""
    at = 12
    while at + 8 <= len(data):
        size = int.from_bytes(data[at + 4:at + 8], "little")
        if data[at:at + 4] == b"fmt ":
            if size < 8 or at + 16 > len(data):
                return None
            return tuple(int.from_bytes(data[at + 8 + a:at + 8 + b], "little") for a, b in ((0, 2), (2, 4), (4, 8)))
        at += 8 + size + (size & 1)  # chunks are padded to even sizes
    return None


def declared_format_problem(data):
    """What is wrong with the rate or channel count a WAV's fmt chunk or an AU header declares (engine/data/limits),
    stated before FFmpeg reads it, or None."""
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        found = wav_format(data)
        channels, rate = found[1:] if found else (1, limits.MIN_SAMPLE_RATE)
    elif data[:4] == b".snd" and len(data) >= 24:
        rate, channels = (int.from_bytes(data[a:a + 4], "big") for a in (16, 20))
    else:
        return None
    if not limits.MIN_SAMPLE_RATE <= rate <= limits.MAX_SAMPLE_RATE:
        return f"implausible sample rate {rate} Hz"
    if channels > limits.MAX_AUDIO_CHANNELS:
        return (f"number of channels {limits.readable(channels)} exceeds the limit of "
                f"{limits.readable(limits.MAX_AUDIO_CHANNELS)}")
    if channels < 1:
        return "its header declares 0 channels"
    return None


def _decoder(stream, modes):
    """FFmpeg's own decoder (the one the reference is passed through), or OpenCORE's for an AMR-NB stream holding
    comfort-noise or no-data frames (DTX, lost frames), which FFmpeg's refuses and OpenCORE fills as 3GPP says."""
    import av

    if all(m < len(AMR_NB_MODES) for m in modes):
        return stream.codec_context
    decoder = av.CodecContext.create("libopencore_amrnb", "r")
    decoder.sample_rate, decoder.layout = AMR_NB_RATE, "mono"
    return decoder


def _decode(path, container, stream, rate, decoder):
    """The stream's samples mixed to mono, decoding stopped where they pass the limits, and the packets' bytes."""
    parts, samples, values, size, packets = [], 0, 0, 0, 0
    for packet in container.demux(stream):
        size, packets = size + packet.size, packets + bool(packet.size)
        for frame in decoder.decode(packet):
            if frame.sample_rate != rate:
                raise InputError(path, f"sample rate changes within the stream ({rate} -> {frame.sample_rate} Hz)")
            block = _frame_samples(path, frame)
            limits.check_at_most(path, "number of channels", block.shape[0], limits.MAX_AUDIO_CHANNELS)
            samples, values = samples + block.shape[1], values + block.size
            limits.check_at_most(path, "decoded duration", round(samples / rate, 1), limits.MAX_AUDIO_SECONDS, " s")
            limits.check_decoded_size(path, values, "decoded samples x channels")
            parts.append(block.mean(axis=0, dtype=np.float64).astype(np.float32))
    if not samples:  # an empty stream, or packets the header's tables lump together wrongly (a timescale of 0)
        raise InputError(path, f"no audio could be decoded ({packets:,} packets read)")
    return np.concatenate(parts), size


def _frame_samples(path, frame):
    """A decoded frame as (channels, samples) float32 at full scale 1."""
    name = frame.format.name
    if name not in SCALES:
        raise InputError(path, f"decoded to an unexpected sample format {name}")
    values = frame.to_ndarray()
    channels = frame.layout.nb_channels
    block = values if frame.format.is_planar else values.reshape(-1, channels).T
    return block.astype(np.float32) / np.float32(SCALES[name])


def encoded(audio, rate, bitrate, container="ipod", codec="aac", channels=1):
    """The bytes of mono `audio` (float, clipped to [-1, 1]) encoded at `bitrate` bit/s in `container` by ffmpeg's
    native AAC encoder ("ipod": M4A, "mp4", "adts"), or by `codec`'s encoder in ENCODERS: "amr_nb", OpenCORE's AMR-NB
    ("amr", "3gp"; 8 kHz only, the bitrate one of AMR_NB_MODES), "mp3", LAME ("mp3"; `channels` 2: the recording on
    both, as a mono recording saved as stereo): how the reference is passed through an AAC, AMR-NB or MP3 channel
    (engine/detectors/channel_media.py) and how tests make such files without the ffmpeg binary; "opus", libopus
    ("ogg", "webm"; 8, 12, 16, 24 or 48 kHz; VBR as FFmpeg sets it): how tests make Opus files."""
    import av

    name, sample_format, size = ENCODERS[codec]
    size = size or int(rate) // 50
    layout = "stereo" if channels == 2 else "mono"
    audio = np.clip(np.asarray(audio, dtype=np.float32), -1, 1)
    if sample_format == "s16":
        audio = np.round(audio * 32767).astype(np.int16)
    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format=container) as out:
        stream = out.add_stream(name, rate=int(rate), layout=layout)
        stream.bit_rate = int(bitrate)
        for start in range(0, audio.size, size):
            block = np.repeat(audio[None, start:start + size], channels, axis=0)
            if not sample_format.endswith("p"):  # a packed format: the channels interleaved in one plane
                block = block.T.reshape(1, -1)
            if block.shape[1] < size and sample_format == "s16":  # OpenCORE takes whole 20 ms frames only
                block = np.pad(block, ((0, 0), (0, size - block.shape[1])))
            frame = av.AudioFrame.from_ndarray(block, format=sample_format, layout=layout)
            frame.sample_rate, frame.pts = int(rate), start
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return buffer.getvalue()
