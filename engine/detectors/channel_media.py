"""Reference media passed through a channel: the reference's images through a JPEG, lossy WebP or a resize, its
recordings through a resampler, a band limit, a codec, added noise or an automatic gain control, as a channel key
(engine/detectors/channel_keys.py) says, for the calibration of engine/detectors/channels.py (docs/verdicts.md,
"Channels and level")."""
import io

import numpy as np

from engine.data import picture_size, representations
from engine.data.channels import NOISE_BANDS_HZ, band_powers, speech_and_floor, speech_level_db, webp_grey
from engine.data.formats.container_audio import AMR_NB_MODES, TELEPHONE
from engine.data.formats.audio import codec_silence
from engine.detectors import resampling
from engine.detectors.channel_keys import (BOX_FRAMED, EQUALISED, FRAMED_BEFORE, NOISY_BEFORE, NOISY_PICTURE,
                                           OPENCV_ROUND_TRIP, RESIZED_BEFORE,
                                           TONED, TONED_BEFORE, framed, jpeg_after, jpeg_alone, jpeg_befores,
                                           mp3_bitrate, vorbis_quality, webp_quality)
from engine.detectors.profile import reference_audio

WEBP_QUALITIES = (50, 65, 80, 90, 95)  # WebP keeps no tables: calibrate over typical qualities
# A resize read from the pixels (engine/data/resize_history.py) records no size: the reference is resized with
# Lanczos by these factors of its side and back, in turn (for 28 x 28 digits through 17-64 pixels). A trip through a
# side near the figure's own keeps saturated strokes just below white, which farther trips smooth away: without
# 0.95-1.1, real digits through 30 x 30 were 7 of 300 "generated" (`features`: values in [0.95, 1) +8-9 SD).
RESIZE_FACTORS = (0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.05, 1.1, 1.15, 1.3, 1.45, 1.7, 2.0, 2.3)
# A JPEG records only its last encoding's tables, and a photo or a digit that was saved as JPEG
# before (a phone, then a web site) carries both losses: real digits saved at quality 90 and
# again at 85 were labelled generated 12 times in 500 against reference digits encoded once.
# So a quarter of the reference digits are saved at each of these qualities first (None: not).
JPEG_EARLIER_QUALITIES = (None, None, None, 90)
# A quality read from a lossless image's pixels may be one off where adjacent qualities' tables differ
# only in steps the image has no coefficient at (builtin:mnist[8000:8500] at 55 read as 54, 7 of 500;
# against the reference at 54 alone, 5 of those 7 labelled generated), and `features` reads even that
# table difference. So the reference is encoded at the estimated quality and its two neighbours in turn.
HISTORY_SPREAD = (-1, 0, 1)
# A lossy codec's error depends on the level and resolution of what it is given (GSM 06.10
# quantises 13-bit integers; mu-law and A-law steps grow with the level), and real recorders
# differ in both: one FSDD speaker's recordings take about 50 distinct 16-bit values (an 8-bit
# recorder), the others thousands. Reference recordings pass a lossy codec as recorded, requantised
# to 8 bits, and at a tenth of their level (16 bits), each version a calibration file of its own:
# GSM 06.10 on an unseen 8-bit speaker, 16 of 500 real recordings labelled generated with the
# recordings as made only (docs/verdicts.md, "Speech channels").
RECORDERS = (("as recorded", lambda audio: audio),
             ("8-bit", lambda audio: np.round(audio * 128) / 128),
             ("16-bit at a tenth of the level", lambda audio: np.round(audio * 0.1 * 32768) / 32768))


def at_level(level_db):
    """The recorders for a file at speech level `level_db`: as recorded and 8-bit (RECORDERS), each
    recording then scaled to that level and stored as 16-bit."""
    def version(recorder):
        def scaled(audio):
            gain = 10 ** ((level_db - speech_level_db(audio)) / 20)
            return np.round(recorder(audio) * gain * 32768) / 32768

        return scaled

    return tuple((f"{words}, scaled to {level_db} dB", version(recorder)) for words, recorder in RECORDERS[:2])


NOISE_LOWEST_HZ = 60.0  # the synthetic noise's density is held flat below this (mains hum's region)
# Automatic gain control (phones, conferencing apps) acts after the room's noise: in the pauses its
# gain rises and lifts the noise, so the floor follows the speech and the quietest frames (which the
# noise key reads) understate the noise in the rest; against stationary noise at that floor, real
# recordings with white noise at 20 dB SNR through an AGC were labelled generated 43 times in 300
# (features: too many mel cells at intensity 0.05-0.2). So under added noise each detector is also
# calibrated on the noise-matched reference through a typical AGC, fixed here, not read from the file
# (its time constants are in no header), and NoiseUnion takes the largest tail probability. The cost:
# a noisy synthetic file's features alarm may fall (a buzz through GSM 06.10, whose quantisation
# reads as added noise: features 0.004 -> 0.025, generated -> inconclusive).
AGC_ATTACK_MS, AGC_RELEASE_MS, AGC_MAX_GAIN_DB = 10, 500, 20
NOISE_CENTRES_HZ = tuple((lo + hi) / 2 for lo, hi in zip(NOISE_BANDS_HZ[:-1], NOISE_BANDS_HZ[1:]))
# Where an MP3 file's bitrate is not read from its frame headers (engine/detectors/channel_keys.py MP3_BITRATE), and
# an MP3 encoder at its lowest bitrate writes the quiet stretches of a real recording as digital silence: real
# recordings of an unseen speaker through MP3 at 8 kbit/s were labelled generated by noise-floor 13 times in
# 300 against references encoded at libsndfile's default bitrate. So noise-floor is calibrated
# on the reference recordings encoded both ways.
LOWEST_BITRATE_SUBTYPES = ("MPEG_LAYER_III",)  # (libsndfile sets no constant bitrate for Vorbis or Opus)
LOWEST_BITRATE = {"compression_level": 0.99, "bitrate_mode": "CONSTANT"}
# Under 8-bit PCM `features` reads which way the samples were rounded in a quiet recording's pauses (a held-out lucas
# take at a tenth of its level written to the nearest 8-bit step: p 0.002 against the reference through libsndfile's
# 8-bit WAV, 0.12 through its 8-bit FLAC), so under 8-bit PCM the reference passes both ways, each a version.
CODEC_TWINS = {"PCM_U8": ("PCM_U8", "PCM_S8"), "PCM_S8": ("PCM_S8", "PCM_U8")}
CODEC_FORMATS = {"VORBIS": "OGG", "OPUS": "OGG", "MPEG_LAYER_III": "MP3", "MPEG_LAYER_II": "MP3",
                 "MPEG_LAYER_I": "MP3"}
# Other codecs go into the first of these containers libsndfile can write them in: 8-bit signed PCM
# (an 8-bit FLAC reads as PCM_S8) has no WAV form, and passing the reference through WAV failed the verdict.
CODEC_CONTAINERS = ("WAV", "FLAC", "AU", "AIFF")
# libsndfile reads MPEG layer I and II (an .mp2 file) but writes neither: the reference passes through
# the nearest codec it writes, and the verdict names it.
CODEC_STAND_INS = {"MPEG_LAYER_I": "MPEG_LAYER_III", "MPEG_LAYER_II": "MPEG_LAYER_III"}
# Codecs libsndfile neither reads nor writes: the reference passes through PyAV's (ffmpeg's) encoder, (codec,
# bitrate bit/s, container); an AAC file's bitrate is read (its channel's aac_bitrate) but not part of the channel:
# following it gained nothing (docs/studies.md, twentieth and twenty-first passes); an AMR-NB file's mode is (its
# frames state it): the reference passes OpenCORE's encoder at that mode.
# A telephone codec's (G.722, G.726, G.723.1) bitrate is in its name: the reference passes FFmpeg's encoder at it,
# in WAV.
PYAV_CODECS = {"AAC": ("aac", 64000, "ipod"), **{f"AMR_NB_{mode}": ("amr_nb", mode, "amr") for mode in AMR_NB_MODES},
               **{name: (name.rsplit("_", 1)[0].lower(), int(name.rsplit("_", 1)[1]), "wav") for name in TELEPHONE}}


# --- passing reference files through a channel ----------------------------------------


def jpeg_images(x, key):
    """Samples (n, c, h, w) in [0,1] re-encoded as JPEG with the file's tables, decoded again;
    sample k saved as JPEG at JPEG_EARLIER_QUALITIES[k % 4] before that (None: not before). For a
    quality read from the pixels, sample k is encoded at the quality HISTORY_SPREAD[k % 3] from it."""
    subsampling = key[2]
    options = [{"qtables": [list(t) for _, t in tables]} | ({"subsampling": subsampling} if subsampling >= 0 else {})
               for tables in jpeg_history_tables(key)]

    def save(image, buffer, k):
        earlier = JPEG_EARLIER_QUALITIES[k % len(JPEG_EARLIER_QUALITIES)]
        if earlier is not None:
            from PIL import Image

            first = io.BytesIO()
            image.save(first, format="JPEG", quality=earlier)
            image = Image.open(first)
        image.save(buffer, format="JPEG", **options[k % len(options)])

    return _through_pil(x, save)


def jpeg_history_tables(key):
    """The tables a JPEG key's reference is encoded with, in turn: the file's own; for a quality read
    from the pixels (key[3] "pixels"), the IJG tables at each quality HISTORY_SPREAD from it."""
    if "pixels" not in key[3:]:
        return [key[1]]
    from engine.data.channels import ijg_tables, jpeg_quality

    quality = jpeg_quality(key[1][0][1])[0]
    return [tuple((k, tuple(int(v) for v in ijg_tables()[q][k])) for k, _ in key[1]) for q in history_spread(quality)]


def history_spread(quality):
    """The qualities HISTORY_SPREAD from a quality read from the pixels, within the lattice's range or at the
    quality itself (99, read as a fixed point of the encoder, is not spread to 100)."""
    from engine.data.channels import HISTORY_QUALITIES

    return [int(np.clip(quality + step, HISTORY_QUALITIES[0], max(HISTORY_QUALITIES[-1], quality)))
            for step in HISTORY_SPREAD]


def image_through(x, key):
    """Samples (n, c, h, w) in [0, 1] through the image channel `key` (JPEG, lossy WebP, a Lanczos resize or a
    resize read with its filter and side, or such a resize, a small collection's framing or EMNIST's and then JPEG; a
    tone line, noise or an equaliser read from the pixels)."""
    if jpeg_befores(key):  # one reading before the JPEG (a key with several is judged reading by reading)
        (before,) = jpeg_befores(key)
        prepare = {RESIZED_BEFORE: resampled_images, FRAMED_BEFORE: framed_images, BOX_FRAMED: box_framed_images,
                   TONED_BEFORE: lambda pictures, *levels: toned_images(pictures, *levels, back=False),
                   NOISY_BEFORE: noisy_images}
        prepared = prepare[before[0]](x, *before[1:])
        return webp_images(prepared, webp_quality(key)) if key[0] == "WebP lossy" else jpeg_images(
            prepared, jpeg_alone(key))
    if key[0] == "JPEG":
        return jpeg_images(x, key)
    if key[0] == "enlarged":
        return enlarged_images(x, key[1], key[2], key[3] if len(key) > 3 else key[2], jpeg_after(key))
    if key[0] == "resized" and framed(key):
        return framed_images(x, key[2], key[3])
    if key[0] == BOX_FRAMED:
        return box_framed_images(x, key[1])
    if key[0] == TONED:
        return toned_images(x, *key[1:])
    if key[0] == NOISY_PICTURE:
        return noisy_images(x, key[1])
    if key[0] == OPENCV_ROUND_TRIP:
        from engine.data.opencv_round_trip import round_tripped_as

        return (round_tripped_as(grey_pixels(x), *key[1:]) / 255).astype(np.float32)[:, None]
    if key[0] == EQUALISED:
        from engine.data.equalisation import equalised

        return equalised(x, key[1])
    if key[0] == "resized" and len(key) > 2:
        return resampled_images(x, key[2], key[3])
    return webp_images(x, webp_quality(key)) if key[0] == "WebP lossy" else resized_images(x)


def noisy_images(x, sigma):
    """Samples (n, c, h, w) in [0, 1] with Gaussian noise of `sigma` levels added (engine/data/image_noise.py)."""
    from engine.data.image_noise import noisy

    return noisy(x, sigma)


def toned_images(x, black, white, reference_black, reference_white, back=True):
    """Grey samples (n, 1, h, w) in [0, 1] put through the tone line from the reference's levels to (black, white) and,
    where `back`, back, as a lossless file read so is undone (engine/data/tone_curve.py); a JPEG or lossy WebP read so
    is judged as it is."""
    from engine.data import tone_curve

    reference = {"black": reference_black, "white": reference_white}
    pictures = tone_curve.eight_bit(np.asarray(x)[:, 0])
    out = [tone_curve.toned(p, black, white, reference) for p in pictures]
    out = [tone_curve.undone(p, black, white, reference) for p in out] if back else out
    return (np.stack(out) / tone_curve.LEVELS).astype(np.float32)[:, None]


def resized_images(x):
    """Sample k resized with Lanczos by RESIZE_FACTORS[k % 15] and back, in 8 bits at both steps (as an editor
    saves it)."""
    from PIL import Image

    def save(image, buffer, k):
        side = [max(1, round(s * RESIZE_FACTORS[k % len(RESIZE_FACTORS)])) for s in image.size]
        image.resize(side, Image.LANCZOS).resize(image.size, Image.LANCZOS).save(buffer, format="PNG")

    return _through_pil(x, save)


PIL_FILTERS = {"nearest": "NEAREST", "box": "BOX", "bilinear": "BILINEAR", "hamming": "HAMMING", "bicubic": "BICUBIC",
               "lanczos": "LANCZOS"}


def enlarged_images(x, size, kernel, reduced_as, jpeg=None):
    """Grey samples (n, 1, h, w) enlarged to `size` with Pillow's filter `kernel` (8 bits; picture_size.FLOAT_KERNELS
    as picture_size models them), through JPEG channel `jpeg` at that size where given (an enlargement saved as JPEG),
    and reduced back as a file enlarged with `reduced_as` is (engine/data/picture_size.reduced; None: the box filter,
    for a filter not read)."""
    from PIL import Image

    pixels = grey_pixels(x)
    out = np.empty(x.shape, dtype=np.float32)
    for first in range(0, len(pixels), ENLARGED_AT_ONCE):  # memory bounded at any size (limits.MAX_ENLARGEMENT)
        chunk = pixels[first:first + ENLARGED_AT_ONCE]
        if kernel in picture_size.FLOAT_KERNELS:
            big = picture_size.upsampled(chunk.astype(np.float64), size, kernel).astype(np.uint8)  # as a file holds it
        else:
            method = getattr(Image.Resampling, kernel.upper())
            big = np.stack([np.asarray(Image.fromarray(p).resize(size[::-1], method)) for p in chunk])
        if jpeg is not None:
            big = grey_pixels(jpeg_images(big[:, None] / 255.0, jpeg))
        out[first:first + ENLARGED_AT_ONCE, 0] = picture_size.reduced(big, x.shape[2:], reduced_as) / 255
    return out


ENLARGED_AT_ONCE = 64


def resampled_images(x, filters, side):
    """Sample k resized to side x side with filters[k % len(filters)] and back (PIL, 8 bits at both steps): the
    reference through the resize read from a file (engine/data/resize_history.resample_history)."""
    from PIL import Image

    def save(image, buffer, k):
        method = getattr(Image.Resampling, PIL_FILTERS[filters[k % len(filters)]])
        image.resize((side, side), method).resize(image.size, method).save(buffer, format="PNG")

    return _through_pil(x, save)


def framed_images(x, filters, side):
    """Sample k's figure (its lit pixels' bounding box) brought to fill a side x side picture with
    filters[k % len(filters)], its aspect kept for even k (centred on the box, as USPS's size normalisation) and
    stretched to the whole frame for odd k (as Semeion's), then enlarged to the sample's size with the same filter
    (PIL, 8 bits at each step): the reference as a collection of small pictures frames its figures, and a user
    enlarges them (channel_keys.FRAMED). A blank sample is resized down and back."""
    from PIL import Image

    def save(image, buffer, k):
        method = getattr(Image.Resampling, PIL_FILTERS[filters[k % len(filters)]])
        box = image.getbbox()
        small = Image.new(image.mode, (side, side))
        if box is not None:
            figure = image.crop(box)
            w, h = figure.size
            scale = side / max(w, h)
            fitted = (side, side) if k % 2 else (max(1, round(w * scale)), max(1, round(h * scale)))
            small.paste(figure.resize(fitted, method), ((side - fitted[0]) // 2, (side - fitted[1]) // 2))
        else:
            small = image.resize((side, side), method)
        small.resize(image.size, method).save(buffer, format="PNG")

    return _through_pil(x, save)


def box_framed_images(x, span):
    """Grey samples (n, 1, side, side) prepared as EMNIST's digits were, their figure's box spanning `span` pixels
    (engine/data/box_frame.py: each made a binary 128 x 128 scan, blurred, cropped to its box, centred in a square,
    bordered and reduced with bicubic): the reference as that collection frames its figures (channel_keys.BOX_FRAMED)."""
    from engine.data.box_frame import box_fitted, nist_scan

    pixels = grey_pixels(x)
    side = x.shape[-1]
    return np.stack([box_fitted(nist_scan(p), side, span) for p in pixels])[:, None].astype(np.float32) / 255


def webp_images(x, quality=None):
    """Samples through lossy WebP at `quality`, or at WEBP_QUALITIES in turn where the file's was not estimated."""
    qualities = WEBP_QUALITIES if quality is None else (quality,)
    return _through_pil(x, lambda image, buffer, k: image.save(
        buffer, format="WEBP", quality=qualities[k % len(qualities)]))


def grey_pixels(x):
    """Grey samples (n, 1, h, w) in [0, 1] as the 8-bit pictures (n, h, w) a file would hold."""
    return np.rint(np.clip(x[:, 0], 0, 1) * 255).astype(np.uint8)


def _through_pil(x, save):
    from PIL import Image

    out = np.empty_like(x, dtype=np.float32)
    for k, sample in enumerate(x):
        pixels = np.rint(np.clip(sample, 0, 1) * 255).astype(np.uint8)
        image = Image.fromarray(pixels[0] if pixels.shape[0] == 1 else np.moveaxis(pixels, 0, -1))
        buffer = io.BytesIO()
        save(image, buffer, k)
        opened = Image.open(buffer)
        decoded = np.asarray(opened if opened.mode == "L" else opened.convert("RGB"))
        if image.mode == "L" and decoded.ndim == 3:  # as the loader reads a grey WebP
            decoded = webp_grey(decoded)
        decoded = decoded.astype(np.float32) / 255
        out[k] = decoded[None] if decoded.ndim == 2 else np.moveaxis(decoded, -1, 0)
    return out


def audio_through(audio, key, options=None):
    """A recording at SPEECH_RATE through the channel: sample rate, band limit, codec (soundfile's
    write `options`, e.g. LOWEST_BITRATE; the default: libsndfile's)."""
    import soundfile

    _, subtype, rate, band = key[:4]
    sr = representations.SPEECH_RATE
    if rate:
        audio = _resample(audio, sr, rate)
        sr = rate
    if band:  # an ideal low-pass (the evidence's own filter is unknown; its band edge is what was read)
        spectrum = np.fft.rfft(audio)
        spectrum[np.fft.rfftfreq(audio.size, 1.0 / sr) > band] = 0
        audio = np.fft.irfft(spectrum, audio.size).astype(np.float32)
    if vorbis_quality(key) is not None:
        from engine.data.vorbis_quality import compression_level

        options = {"compression_level": compression_level(vorbis_quality(key)), **(options or {})}
    if mp3_bitrate(key):
        audio = _through_lame(audio, sr, *mp3_bitrate(key))
    elif subtype in PYAV_CODECS:
        audio = _through_pyav(audio, sr, subtype, (options or {}).get("bit_rate", PYAV_CODECS[subtype][1]))
    elif subtype:
        subtype = CODEC_STAND_INS.get(subtype, subtype)
        buffer = io.BytesIO()
        soundfile.write(buffer, np.clip(audio, -1, 1), sr, subtype=subtype, format=codec_container(subtype),
                        **(options or {}))
        buffer.seek(0)
        audio = soundfile.read(buffer, dtype="float32")[0]
        audio = audio.mean(axis=1) if audio.ndim > 1 else audio
    audio = codec_silence(audio, sr, subtype)  # as the loader reads the evidence (engine/data/formats/audio.py)
    return _resample(audio, sr, representations.SPEECH_RATE) if sr != representations.SPEECH_RATE else audio


def _through_pyav(audio, sr, subtype, bit_rate):
    """A recording through a codec libsndfile lacks, encoded and decoded by PyAV as the loader decodes it."""
    from engine.data.formats import container_audio

    codec, _, container = PYAV_CODECS[subtype]
    data = container_audio.encoded(audio, sr, bit_rate, container, codec)
    return container_audio.read_recording("the reference passed through " + subtype, data)[0][:audio.size]


def _through_lame(audio, sr, bit_rate, channels):
    """A recording through LAME at `bit_rate` on `channels` (1 or 2: the recording on both), decoded by libsndfile
    as an MP3 file is, mixed to mono."""
    import soundfile

    from engine.data.formats import container_audio

    data = container_audio.encoded(audio, sr, bit_rate, "mp3", "mp3", channels)
    decoded = soundfile.read(io.BytesIO(data), dtype="float32", always_2d=True)[0]
    return decoded.mean(axis=1)[:audio.size]


def codec_container(subtype):
    """The container the reference is written in to pass it through codec `subtype` (CODEC_FORMATS, else
    the first of CODEC_CONTAINERS that holds it)."""
    import soundfile

    if subtype in CODEC_FORMATS:
        return CODEC_FORMATS[subtype]
    return next((f for f in CODEC_CONTAINERS if soundfile.check_format(f, subtype)), CODEC_CONTAINERS[0])


def with_noise_floor(audio, levels_db, seed):
    """A recording at SPEECH_RATE brought up to a noise floor of `levels_db` per band of
    NOISE_BANDS_HZ (dB relative to its own speech level, as noise_levels reads them; None: the
    band is left as it is) by adding Gaussian noise: in each band only the power its own floor
    lacks, shaped by interpolating the target's spectral density (dB over log frequency) between
    the centres of the bands given, and scaled so that noise_levels' own measure of it is the target."""
    sr = representations.SPEECH_RATE
    audio = np.asarray(audio, dtype=np.float64)
    loud, own = speech_and_floor(band_powers(audio, sr))
    if loud <= 0:
        return audio.astype(np.float32)
    given = np.array([level is not None for level in levels_db])
    target = 10 ** (np.array([level if level is not None else -np.inf for level in levels_db]) / 10) * loud
    lacking = np.maximum(target - own, 0.0)
    freqs = np.fft.rfftfreq(audio.size, 1.0 / sr)
    density_db = _log_interp(np.log10(np.maximum(freqs, NOISE_LOWEST_HZ)), np.log10(np.asarray(NOISE_CENTRES_HZ)[given]),
                             10 * np.log10(target[given] / np.diff(NOISE_BANDS_HZ)[given]))
    shape = np.sqrt(10 ** ((density_db - density_db.max()) / 10))
    rng = np.random.default_rng(seed)
    out = audio.copy()
    for b, (lo, hi) in enumerate(zip(NOISE_BANDS_HZ[:-1], NOISE_BANDS_HZ[1:])):
        spectrum = np.fft.rfft(rng.normal(size=audio.size)) * shape
        spectrum[(freqs <= lo) | (freqs > hi)] = 0
        part = np.fft.irfft(spectrum, audio.size)
        measured = band_powers(part, sr)[:, b].mean()
        if lacking[b] > 0 and measured > 0:
            out += part * np.sqrt(lacking[b] / measured)
    return out.astype(np.float32)


def gain_controlled(audio, attack_ms=AGC_ATTACK_MS, release_ms=AGC_RELEASE_MS, max_gain_db=AGC_MAX_GAIN_DB):
    """A recording at SPEECH_RATE through an automatic gain control: a peak follower over 1 ms blocks
    (rising with `attack_ms`, falling with `release_ms`), and a gain that brings it to the loudest
    block's level, at most `max_gain_db` (so the pauses' noise rises after each word); the result
    scaled back to the recording's own peak."""
    sr = representations.SPEECH_RATE
    audio = np.asarray(audio, dtype=np.float64)
    step = sr // 1000
    blocks = np.abs(np.pad(audio, (0, -audio.size % step))).reshape(-1, step).max(axis=1)
    attack, release = (np.exp(-1.0 / ms) for ms in (attack_ms, release_ms))  # per 1 ms block
    envelope, level = np.empty_like(blocks), 0.0
    for i, v in enumerate(blocks):
        c = attack if v > level else release
        level = c * level + (1 - c) * v
        envelope[i] = level
    if envelope.max() <= 0:
        return audio.astype(np.float32)
    gain = np.minimum(envelope.max() / np.maximum(envelope, 1e-12), 10 ** (max_gain_db / 20))
    out = audio * np.repeat(gain, step)[: audio.size]
    return (out * np.abs(audio).max() / np.abs(out).max()).astype(np.float32)  # the recording's own peak (a codec clips at 1)


def _log_interp(x, centres, values):
    """Piecewise-linear through (centres, values), continued beyond the end centres with the slope
    of the nearest two (pink noise keeps rising below the lowest band's centre), flat for one."""
    inside = np.interp(x, centres, values)
    if centres.size < 2:
        return inside
    low = values[0] + (x - centres[0]) * (values[1] - values[0]) / (centres[1] - centres[0])
    high = values[-1] + (x - centres[-1]) * (values[-1] - values[-2]) / (centres[-1] - centres[-2])
    return np.where(x < centres[0], low, np.where(x > centres[-1], high, inside))


def _resample(audio, sr, rate):
    import soxr

    return soxr.resample(np.asarray(audio, dtype=np.float32), sr, rate).astype(np.float32)


_floored = (None, None, None)  # (profile, noise floor, its recordings) last made by noise_floored_reference


def noise_floored_reference(profile, noise):
    """[(file id, audio)] of the reference recordings brought up to noise floor `noise` (with_noise_floor, seeded by
    file id): the room's noise reaches the microphone before any gain control, recorder or codec. The last floor's
    are kept, as a noise channel's calibration is followed by its gain-controlled twin (channel_detectors) on the same
    noisy recordings (their making is about a quarter of each calibration's time). The cache is one tuple, replaced
    whole, so that a verdict in another thread never reads another floor's recordings."""
    global _floored
    found = _floored
    if found[0] is not profile or found[1] != noise:
        found = (profile, noise, [(g, with_noise_floor(audio, noise, seed=g)) for g, audio in reference_audio(profile)])
        _floored = found
    return found[2]



def resampled_through(profile, key, groups, n_files):
    """The profile's held-out figures resampled (engine/detectors/resampling.py) and then passed through
    the image channel `key`, as a Batch (copy kind j of file g is file j n + g), for a case whose image
    detectors are calibrated on resampled copies too (a real digit rotated, then saved as JPEG: 10 of
    500 labelled generated against the channel's files alone, docs/verdicts.md, "Images, second pass"); else None."""
    from engine.detectors import suite

    through = ("JPEG", "WebP lossy", "enlarged", TONED, NOISY_PICTURE, EQUALISED)
    if key[0] not in through or np.ndim(profile.get("cal_stroke_ramp", ())) != 2:
        return None
    copies, kinds = resampling.resampled_copies(profile["cal_x"], int(profile.get("levels", 0)))
    copies = image_through(copies, key)
    return suite.Batch(copies, kinds * n_files + np.tile(groups, len(resampling.RESAMPLINGS)))
