"""A file's channel as a key: what is read of it (channel_key, from the loader's `channel` metadata and the reference's
noise floors) and the key's parts, which the calibration (engine/detectors/channels.py), the reference's passage
through the channel (engine/detectors/channel_media.py) and its words (engine/detectors/channel_words.py) read back
(docs/verdicts.md, "Channels and level")."""
import numpy as np

from engine.data import representations
from engine.data.channels import noise_levels
from engine.detectors import eight_bit_floor, far_field, low_rumble, noisy_pauses, quarter_grid, time_scale
from engine.detectors.channel_losses import (AMR_NB, INVERSION_LOST, MP3_INVERSION_MIN, OPUS_INVERSION_MIN,
                                             VORBIS_INVERSION_MIN)
from engine.detectors.profile import reference_audio

FULL_BANDWIDTH = 0.9  # a recording with content up to 90% of 4 kHz is not band-limited
# Band edges to the nearest 100 Hz (a mel band is about 100 Hz wide at 3 kHz): files of one
# telephone line share one channel, and the reference is passed through it once per batch, not
# once per file for edges a few Hz apart.
BAND_STEP_HZ = 100
# An AMR-NB file's band edge (engine/data/channels.py effective_bandwidth) is the codec's, not a microphone's: clean
# FSDD takes read at 3.7-3.8 kHz come out of it at 2.4-3.6 kHz (4_jackson_9: 3844 -> 2406 Hz at 12.2 kbit/s), and 34
# of 40 untouched real takes read as band-limited through it, which put synthetic-voice aside for nearly every file.
# So no band limit is read under AMR-NB: the reference passes the codec, which sets its own.
# A quiet recording through a lossy codec is another matter: GSM 06.10 quantises 13-bit integers, so a speaker
# peaking at 3 % of full scale comes out with 5-12 % of his samples exactly 0, and `features` read that against the
# versions of engine/detectors/channel_media.py RECORDERS (an unseen quiet speaker through GSM 06.10: 3 of 100
# labelled generated; a fourth version at a thirtieth of the level: 4 of 100). So a file through a codec with a fixed
# quantisation scale whose speech level (engine/data/channels.py speech_level_db) lies below QUIET_DB is judged
# against the reference passed through the codec at its own level instead, to LEVEL_STEP_DB (a batch recalibrates
# once per step, not per file), as recorded and as 8 bits. On nicolas' recordings at a tenth to a thirtieth of their
# level (features alone, p < 0.002, of 100 per set: docs/studies.md, "Quiet speakers through codecs"): the three
# versions gave 1, 2 and 8 through GSM 06.10, mu-law and A-law (over three levels); the file's level as recorded
# and as 8 bits 0, 1 and 5; the file's level alone 0, 1 and 8 (the 8-bit version carries an 8-bit recorder's
# digital silence, which A-law writes as a constant step).
LEVEL_CODECS = ("GSM610", "ULAW", "ALAW", "PCM_U8", "PCM_S8")  # codecs with a fixed quantisation scale
QUIET_DB = -30.0  # dB relative to full scale: the FSDD reference speakers' levels lie at -24 to -14
# nicolas at -40 to -48 dB through GSM 06.10: features alike against references at -39, -45 and -48 dB
LEVEL_STEP_DB = 10
# Added noise (a noisy line, a street, a fan): read from the recording itself as its noise floor
# per band relative to its speech (engine/data/channels.py `noise_levels`). A file whose floor
# lies above NOISE_GATE_QUANTILE of the reference recordings' floors in some band, or in all bands
# above 500 Hz at once (broadband: real pink noise at 10 dB SNR left out by the per-band test alone,
# 12 of 300 labelled generated, all of them with floors near -24 dB in every band), carries noise
# the reference does not; the reference recordings are then brought up to the file's floor with
# Gaussian noise of the same spectrum (levels to NOISE_STEP_DB) before the detectors are refitted.
# Real recordings of an unseen speaker with white noise at 10 dB SNR: 298 of 300 labelled
# generated against the clean reference (docs/verdicts.md, "Added noise").
# A file inside the reference's range keeps the clean calibration: a clean synthesiser's silence or
# a GAN's floor cannot buy a noisier reference.
NOISE_GATE_QUANTILE = 0.99
# A floor is read to the nearest NOISE_STEP_DB, so a file's calibration follows from its own floor alone, whatever
# else the batch holds, and is matched to within half a step. Each floor costs a recalibration of every detector
# (about 10 s on the FSDD case): at 3 dB nearly every noisy file read a floor of its own (30 takes with white noise
# at 20 dB: 28 floors), at 6 dB 18 (docs/studies.md, "Noisy batches: floors read to 6 dB").
NOISE_STEP_DB = 6
# Where an MP3 file's frame headers state its bitrate (engine/data/formats/mp3_frames.py, the channel's
# mp3_bitrate), the reference passes LAME (FFmpeg's libmp3lame, the encoder of most MP3 files) at it instead, as
# mono or as a mono recording saved on two channels like the file, and decoded by libsndfile as the file is: the
# audio key ends in (MP3_BITRATE, bit/s, channels); a VBR file's mean is matched by the nearest constant bitrate, so
# a batch's files share at most one channel per bitrate and sample rate (ENCODABLE: 8-14 of them).
MP3_BITRATE = "mp3 bitrate"
OPUS_INVERSION = "opus bitrate at least"  # an Opus key's last part where its packets carry OPUS_INVERSION_MIN or more


def broadband(levels):
    """The floor of a recording in every band above 500 Hz at once (dB): the lowest of them.
    Added noise raises them all; a recorder's hum, hiss or quantisation raises some."""
    return np.min(np.asarray(levels, dtype=np.float64)[..., 1:], axis=-1)


def reference_noise_gate(profile):
    """The median, the NOISE_GATE_QUANTILE and far_field.FAR_FIELD_QUANTILE of the reference recordings'
    floors kept in the profile (dB relative to their speech), per band and, last, of their broadband floor:
    a (3, bands + 1) array; None when the profile keeps no recordings (images, music, older cases)."""
    if "ref_audio" not in profile:
        return None
    levels = np.array([noise_levels(audio, representations.SPEECH_RATE) for _, audio in reference_audio(profile)])
    levels = np.concatenate([levels, broadband(levels)[:, None]], axis=1)
    return np.quantile(levels, far_field.gate_quantiles(NOISE_GATE_QUANTILE), axis=0)


def noise_key(channel, gate):
    """None unless the file's floor lies above the reference's NOISE_GATE_QUANTILE in some band or
    in all bands above 500 Hz at once (noise the reference does not carry); then per band the file's
    floor to NOISE_STEP_DB, or None for a band where it lies below the reference's median (no noise
    to match there)."""
    levels = channel.get("noise_db")
    if gate is None or levels is None:
        return None
    found = np.append(np.asarray(levels, dtype=np.float64), broadband(levels))
    if not np.any(found > gate[1]):
        return None
    return tuple(int(NOISE_STEP_DB * round(v / NOISE_STEP_DB)) if v > median else None
                 for v, median in zip(levels, gate[0]))


def channel_key(meta, noise_gate=None):
    """A hashable description of the file's channel when it changes what detectors read, else None.
    `noise_gate`: reference_noise_gate of the case (None: added noise, a low rumble and far-field speech are not
    looked for)."""
    channel = meta.get("channel") or {}
    key = halo_marked(in_frame_marked(_read_key(meta, channel, noise_gate), channel), channel)
    key = low_rumble.marked(eight_bit_floor.marked(key, channel), channel, noise_gate)
    return far_field.marked(noisy_pauses.marked(key, channel, noise_gate), channel, noise_gate)


def _read_key(meta, channel, noise_gate):
    """channel_key before the readings that set detectors aside (engine/detectors/aside_marks.py)."""
    codec = channel.get("codec", "")
    on_grid = quarter_grid.channel_key(channel)  # a piece sampled at its quarter beats: calibrated at `case new`
    if time_scale.channel_key(channel):  # a MIDI file's two readings: no reference passes through anything
        return time_scale.channel_key(channel) + (on_grid or ())
    if on_grid:
        return on_grid
    if "enlarged" in channel and not channel["enlarged"]["exact"]:  # (a lossy codec before it is refused)
        found = channel["enlarged"]
        key = ("enlarged", tuple(found["size"]), found["filter"])
        after = found.get("jpeg_after")  # saved as JPEG at that size: (reduced with the box filter, the JPEG's key)
        return key + (None, jpeg_key(after["tables"], after["subsampling"])) if after else key
    if "tables" in channel and (codec == "JPEG" or "jpeg_history" in channel):
        key = jpeg_key(channel["tables"], channel.get("subsampling", -1))
        # the same channel as a JPEG file with these tables, marked so that the verdict says how it was read
        key = key + ("pixels",) if "jpeg_history" in channel else key
        read = channel.get("resample_history")  # a resize before the JPEG, read approximately: each reading judged
        if read:
            found = (tuple(read["filter"]), int(read["side"]))
            key = key + ((RESIZED_BEFORE,) + found,) + (((FRAMED_BEFORE,) + found,) if read.get("fills_frame") else ())
        elif channel.get("fills_frame"):  # the figure fills the frame, no resize read: filters and side not read
            key = key + ((FRAMED_BEFORE,) + UNREAD_FRAMING,)
        key = key + ((BOX_FRAMED, int(channel["box_framed"])),) if "box_framed" in channel else key
        # a tone line and noise read through the JPEG (engine/data/tone_curve.py, image_noise.py)
        key = key + ((TONED_BEFORE,) + tone_levels(channel["tone_before"]),) if "tone_before" in channel else key
        return key + ((NOISY_BEFORE, float(channel["noise_before"]["sigma"])),) if "noise_before" in channel else key
    if codec == "WebP lossy":  # a figure filling its frame: framed as a small collection's, assumed (nothing is read
        # through WebP's noise): untouched USPS digits enlarged then WebP 50-95 were 90-93 of 100 labelled generated
        key = ("WebP lossy",) + (((WEBP_QUALITY, int(channel["quality"])),) if "quality" in channel else ())
        key = key + (((FRAMED_BEFORE,) + UNREAD_FRAMING,) if channel.get("fills_frame") else ())
        return key + ((TONED_BEFORE,) + tone_levels(channel["tone_before"]),) if "tone_before" in channel else key
    if "webp_history" in channel:  # the same channel, marked so that the verdict says how it was read
        return ("WebP lossy", "pixels")
    if "resize_history" in channel:
        return ("resized", "pixels")
    if "resample_history" in channel:  # a filter that does not ring: the reference resized exactly as read
        read = channel["resample_history"]
        key = ("resized", "pixels", tuple(read["filter"]), int(read["side"]))
        return key + ((FILLS_FRAME,),) if read.get("fills_frame") else key
    if "opencv_round_trip" in channel:
        read = channel["opencv_round_trip"]
        return (OPENCV_ROUND_TRIP, read["up"], int(read["side"]), read["down"])
    if "equalised" in channel:
        return (EQUALISED, channel["equalised"]["equaliser"])
    if "oriented" in channel:
        return (ORIENTED,) + tuple(channel["oriented"]["edits"])
    if "image_noise" in channel:
        return (NOISY_PICTURE, float(channel["image_noise"]["sigma"]))
    if "tone" in channel:
        return (TONED,) + tone_levels(channel["tone"])
    if "box_framed" in channel:  # a lossless figure centred by its box, fitted into the frame (box_frame.py)
        return (BOX_FRAMED, int(channel["box_framed"]))
    if "subtype" in channel:
        history = channel.get("codec_history")  # decoded and re-saved as PCM: the codec read from the samples
        subtype = history["subtype"] if history else channel["subtype"] if channel.get("lossy") else None
        rate = channel["native_sample_rate"]
        rate = rate if rate != representations.SPEECH_RATE else None  # the resampler's filter is a channel too
        nyquist = min(channel["native_sample_rate"], representations.SPEECH_RATE) / 2
        band = channel["bandwidth_hz"] if channel["bandwidth_hz"] < FULL_BANDWIDTH * nyquist else None
        band = None if subtype in AMR_NB else band  # AMR-NB's own edge, which the reference passes (AMR_NB)
        band = int(round(band / BAND_STEP_HZ) * BAND_STEP_HZ) if band else None
        noise = noise_key(channel, noise_gate)
        level = level_key(channel) if subtype in LEVEL_CODECS else None
        if subtype or rate or band or noise:  # a quiet recording's level follows, where read, then how the codec was
            key = ("audio", subtype, rate, band, noise) + ((level,) if level is not None else ()) + (
                mp3_key_part(channel) if subtype == "MPEG_LAYER_III" else ())
            if subtype == "VORBIS" and not history and channel.get("vorbis_quality") is not None:
                return key + ((VORBIS_QUALITY, int(channel["vorbis_quality"])),)
            if subtype == "OPUS" and not history:
                return key + opus_key_part(channel)
            # the same channel as a file in the codec's container, marked so that the verdict says how it was read
            return key + ((SAMPLES, history["codec"]),) if history else key
    return None


def mp3_key_part(channel):
    """An MP3 file's audio key's last part, (MP3_BITRATE, bit/s, channels), where its headers' bitrate was read
    (at the rate the file decodes at: mp3_frames.mp3_bitrate); else () (the reference then passes libsndfile's
    default and lowest bitrates)."""
    from engine.data.formats.mp3_frames import nearest_bitrate

    found = channel.get("mp3_bitrate") or {}
    if not found.get("bit_rate"):
        return ()
    channels = 1 if found["mode"] == "mono" else 2
    return ((MP3_BITRATE, nearest_bitrate(found["bit_rate"], found["sample_rate"]), channels),)


def opus_key_part(channel):
    """An Opus file's audio key's last part, (OPUS_INVERSION, OPUS_INVERSION_MIN), where its packets carry at least
    that bitrate (the channel's opus_bitrate); else (): not read, or less."""
    found = (channel.get("opus_bitrate") or {}).get("bit_rate")
    return ((OPUS_INVERSION, OPUS_INVERSION_MIN),) if found and found >= OPUS_INVERSION_MIN else ()


def opus_inversion(key):
    """The bitrate an Opus key's file carries at least (opus_key_part), or None."""
    return (last_part(key, OPUS_INVERSION) or (None,))[0]


def jpeg_key(tables, subsampling):
    """A JPEG channel's key from a file's quantisation tables ({slot: 64 values}) and chroma subsampling (-1: grey)."""
    return ("JPEG", tuple((k, tuple(v)) for k, v in sorted(tables.items())), subsampling)


def jpeg_after(key):
    """The JPEG key of an enlargement saved as JPEG at its own size (its key's fifth part), or None."""
    return key[4] if key[0] == "enlarged" and len(key) > 4 else None


def calibrated_key(key):
    """The key whose calibration a channel's is: without the Opus part, which decides a stand-aside only."""
    return key[:-1] if opus_inversion(key) else key


def inversion_lost(key):
    """Whether mel-inversion stands aside under audio key `key`'s codec (INVERSION_LOST): always under those, but
    for an MP3 whose frame headers state MP3_INVERSION_MIN or more, an Opus file whose packets carry
    OPUS_INVERSION_MIN or more and a Vorbis file whose header states VORBIS_INVERSION_MIN or more."""
    if key[1] == "MPEG_LAYER_III":
        return (mp3_bitrate(key) or (0,))[0] < MP3_INVERSION_MIN
    if key[1] == "OPUS":
        return not opus_inversion(key)
    if key[1] == "VORBIS":
        return vorbis_quality(key) is None or vorbis_quality(key) < VORBIS_INVERSION_MIN
    return key[1] in INVERSION_LOST


def last_part(key, tag):
    """The values of a channel key's last part (tag, values...) where it ends in one tagged `tag`, else None: how a
    key records what was read beyond its channel's kind (MP3_BITRATE, VORBIS_QUALITY, SAMPLES, FILLS_FRAME, FRAMED)."""
    last = key[-1] if key else None
    return last[1:] if isinstance(last, tuple) and last[:1] == (tag,) else None


# A lossy WebP's quality, estimated from its header and its pixels (engine/data/webp_quality.py): its key's second
# part (WEBP_QUALITY, q), before any reading before the codec; the reference passes lossy WebP at q instead of over
# channel_media.WEBP_QUALITIES (real digits through WebP 30 against those: 6 of 200 labelled generated).
WEBP_QUALITY = "WebP quality"


def webp_quality(key):
    """The quality a lossy WebP key's reference passes the codec at, or None (the typical qualities in turn)."""
    part = key[1] if len(key) > 1 and key[0] == "WebP lossy" else None
    return part[1] if isinstance(part, tuple) and part[:1] == (WEBP_QUALITY,) else None


def mp3_bitrate(key):
    """(bit/s, channels) an MP3 channel's reference passes LAME at (mp3_key_part), or None."""
    return last_part(key, MP3_BITRATE)


RESIZED_BEFORE = "resized before"  # a JPEG key's part (RESIZED_BEFORE, filters, side): a resize read before it


# Where the figure of a resize read before a JPEG fills its frame (an enlargement from a small collection's pictures),
# the key also holds (FRAMED_BEFORE, filters, side): the reference framed as such a collection frames its figures,
# enlarged, then through the JPEG (as FILLS_FRAME does for a lossless picture).
FRAMED_BEFORE = "framed before"
# Where no resize is read (a ringing filter's enlargement; a bilinear one that a high quality's noise hides from the
# reader), the framing is assumed: the commonest small collection's side (USPS, Semeion: 16) enlarged with bilinear
# (torchvision's Resize) and bicubic (PIL's resize), alternately (channel_media.framed_images).
UNREAD_FRAMING = (("bilinear", "bicubic"), 16)


def jpeg_befores(key):
    """What was read before a JPEG: its key's trailing parts (RESIZED_BEFORE, filters, side), (FRAMED_BEFORE, filters,
    side), (BOX_FRAMED, span), (TONED_BEFORE, black, white, the reference's black, its white) and (NOISY_BEFORE,
    sigma), in that order; before a lossy WebP, (FRAMED_BEFORE, filters, side) and (TONED_BEFORE, ...); () for any other
    key."""
    if not key or key[0] not in ("JPEG", "WebP lossy"):
        return ()
    tags = ((RESIZED_BEFORE,), (FRAMED_BEFORE,), (BOX_FRAMED,), (TONED_BEFORE,), (NOISY_BEFORE,))
    return tuple(p for p in key[3 if key[0] == "JPEG" else 1:] if isinstance(p, tuple) and p[:1] in tags)


def lossy_codec(key):
    """The lossy codec of a key with readings before it, in words."""
    return "lossy WebP" if key[0] == "WebP lossy" else "JPEG"


def _before(key, tag):
    return next((p[1:] for p in jpeg_befores(key) if p[0] == tag), None)


def resized_before(key):
    """(filters, side) of a resize read before a JPEG, or None."""
    return _before(key, RESIZED_BEFORE)


def framed_before(key):
    """(filters, side) of an enlargement whose figure fills its frame read before a JPEG, or None."""
    return _before(key, FRAMED_BEFORE)


def box_framed_before(key):
    """The span of a figure centred by its box and fitted into the frame read before a JPEG, or None."""
    found = _before(key, BOX_FRAMED)
    return found[0] if found else None


def toned_before(key):
    """(black, white, the reference's black, its white) of a tone line read through a JPEG or a lossy WebP, or None."""
    return _before(key, TONED_BEFORE)


def noisy_before(key):
    """The level of noise read through a JPEG, or None."""
    found = _before(key, NOISY_BEFORE)
    return found[0] if found else None


def jpeg_alone(key):
    """A JPEG key without what was read before it."""
    return key[:len(key) - len(jpeg_befores(key))]


# A picture read as the enlargement of a smaller one whose figure fills its frame (resize_history.fills_frame) may
# come from a collection of small pictures, which frames its figures its own way (USPS: size-normalised into 16 x 16;
# Semeion: stretched into it; MNIST: a 20 x 20 box centred by the centre of mass in 28 x 28): its key ("resized",
# "pixels", filters, side, (FILLS_FRAME,)) is judged against the reference resized so and, apart, against the key
# ending in (FRAMED,), whose reference is framed so (channel_media.framed_images; channels.framed_union).
FILLS_FRAME = "fills its frame"
FRAMED = "framed"


# A lossless picture whose figure's box is centred and spans most of the frame (engine/data/box_frame.py: EMNIST
# prepared its digits so) has the key (BOX_FRAMED, span): judged as it is and, apart, against the key
# (BOX_FRAMED, span, (FRAMED,)), whose reference is prepared so (channel_media.box_framed_images;
# channels.boxed_union). A JPEG of such a figure ends in (BOX_FRAMED, span) (jpeg_befores): judged through the JPEG alone
# and, apart, prepared so then through the JPEG (channels.jpeg_before_union).
BOX_FRAMED = "box framed"

# A lossless grey picture whose background or stroke plateau lies off the reference's (engine/data/tone_curve.py) is
# judged with its tone line undone: key (TONED, black, white, the reference's black, its white), its reference put
# through that line and back (channel_media.toned_images).
TONED = "toned"
# A grey JPEG or lossy WebP whose smeared background or plateau lies off the reference's (tone_curve.read_before_lossy):
# its key ends in (TONED_BEFORE, black, white, the reference's black, its white), judged through the codec alone and,
# apart, against the reference put through the tone line (not back) and then the codec (channels.jpeg_before_union).
TONED_BEFORE = "toned before"


def tone_levels(read):
    """(black, white, the reference's black, its white) of a tone reading, as a key holds them."""
    return tuple(int(read[part]) for part in ("black", "white", "reference_black", "reference_white"))


# A lossless grey picture whose empty background holds noise pixel by pixel (engine/data/image_noise.py): key
# (NOISY_PICTURE, sigma), its reference with that noise added (channel_media: image_noise.noisy). A grey JPEG whose
# stroke-free blocks hold noise (image_noise.read_before_jpeg): its JPEG key ends in (NOISY_BEFORE, sigma), judged
# through the JPEG alone and, apart, against the reference with that noise added and then the JPEG.
NOISY_PICTURE = "noisy picture"
NOISY_BEFORE = "noisy before"

# A lossless grey picture that is nearly a fixed point of an equaliser (engine/data/equalisation.py): key (EQUALISED,
# the equaliser's name), judged against the reference equalised so, figure by figure (channel_media: equalisation.
# equalised), and as it is (channels.channel_detectors: generated only where both say so).
EQUALISED = "equalised"
# A lossless grey picture that is a fixed point of OpenCV's enlargement through a larger side and reduction back
# (engine/data/opencv_round_trip.py): key (OPENCV_ROUND_TRIP, enlarging, side, reducing), judged against the
# reference round-tripped so (channel_media: opencv_round_trip.round_tripped_as) and as it is (channels.
# channel_detectors: generated only where both say so).
OPENCV_ROUND_TRIP = "OpenCV round trip"
# A lossless grey figure read as mirrored or turned a quarter (engine/data/orientation.py): key (ORIENTED, the edits
# read...), judged as it is and put back as each, against the case's own calibration (channels.oriented_union).
ORIENTED = "oriented"
# A grey figure whose soft edges read as resampled within its frame (engine/data/in_frame.py): key (IN_FRAME,) for a
# lossless file with nothing else read, else the key of what was read (EMNIST's framing, a mirror or a quarter turn, a
# JPEG) ended by (IN_FRAME,); that channel's detectors, `box-size` and `placement` judged also against the reference
# resampled so (and through the JPEG; channels.in_frame_union).
IN_FRAME = "resampled in frame"


def in_frame_marked(key, channel):
    """`key` ended by (IN_FRAME,) where the channel read a resample within the frame; (IN_FRAME,) for a file with
    nothing else read."""
    if "in_frame" not in channel:
        return key
    return (IN_FRAME,) if key is None else key + ((IN_FRAME,),)


# A lossless grey figure with a decoder's halo and nothing else read (engine/data/decoder_halo.py): `stroke-ramp` is
# judged against the reference's files alone (engine/detectors/files_alone.py).
DECODER_HALO = "decoder halo"


def halo_marked(key, channel):
    """(DECODER_HALO,) for a file with nothing else read whose channel read a decoder's halo; `key` otherwise."""
    return (DECODER_HALO,) if key is None and "decoder_halo" in channel else key


def in_frame_read(key):
    """Whether an image key is that of a figure read as resampled within its frame (in_frame_marked)."""
    return key == (IN_FRAME,) or last_part(key, IN_FRAME) is not None


def in_frame_base(key):
    """The key of the channel read besides the resample (in_frame_read): EMNIST's framing, a mirror or a quarter turn,
    a JPEG; None for a file with nothing else read."""
    return None if key == (IN_FRAME,) else key[:-1]


def framed(key):
    """Whether an image key's reference is framed as a collection of pictures at the read side frames its figures."""
    return last_part(key, FRAMED) is not None


def fills_frame(key):
    """Whether an image key is that of an enlargement whose figure fills its frame (judged against both framings)."""
    return last_part(key, FILLS_FRAME) is not None


SAMPLES = "samples"  # an audio key's last part (SAMPLES, the codec's name): the codec was read from the samples


# A Vorbis file's quality read from its header (engine/data/vorbis_quality.py, ffmpeg's -q:a scale): an audio key's last
# part (VORBIS_QUALITY, q), and the reference passes libvorbis at it instead of at libsndfile's default (quality 4).
VORBIS_QUALITY = "vorbis quality"


def vorbis_quality(key):
    """The Vorbis quality an audio key's reference is encoded at (ffmpeg's -q:a scale), or None: libsndfile's default."""
    return (last_part(key, VORBIS_QUALITY) or (None,))[0]


def quiet_level(key):
    """The speech level an audio key calibrates at (level_key), or None: the recording's own levels."""
    return key[5] if len(key) > 5 and isinstance(key[5], int) else None


def codec_from_samples(key):
    """The name of the codec an audio key's file was decoded from, read from its samples, or None."""
    return (last_part(key, SAMPLES) or (None,))[0]


def level_key(channel):
    """The file's speech level to LEVEL_STEP_DB when it lies below QUIET_DB, else None."""
    level = channel.get("level_db")
    if level is None or level >= QUIET_DB:
        return None
    return int(LEVEL_STEP_DB * round(level / LEVEL_STEP_DB))
