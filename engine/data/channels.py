"""The channel a file went through, read from the file itself (recorded in meta["channel"]).

Real evidence rarely arrives as it was made: images are saved as JPEG, voices pass a
telephone codec, a lossy codec or a resampler. The verdict must compare a file with
reference files that went through the same channel (engine/detectors/channels.py), so
the loaders record what the file itself says about its channel:

- JPEG: the quantisation tables (they are the whole lossy step: re-encoding with the same
  tables reproduces it), the chroma subsampling and the IJG quality they correspond to;
- WebP: lossy (VP8) or lossless (VP8L);
- audio: the codec (soundfile's subtype: ULAW, ALAW, GSM610, VORBIS, OPUS, MPEG_LAYER_III,
  PCM_16 ...), the native sample rate before resampling, whether the samples sit on at
  most 256 levels (an 8-bit or companded recording re-saved as PCM), and the effective
  bandwidth: the highest frequency whose long-term power is within BANDWIDTH_DB of the
  strongest frequency;
- MIDI: the resolution and tempo, which the piano roll does not depend on (it counts in
  quarter notes), recorded so that the report can say so.

`lossy` is True when the channel changes the values a detector reads, beyond what the
representation already removes.
"""
from functools import lru_cache

import numpy as np

BANDWIDTH_DB = 50.0  # a band this far below the strongest one carries nothing audible
LOSSY_AUDIO_SUBTYPES = ("ULAW", "ALAW", "GSM610", "VORBIS", "OPUS", "MPEG_LAYER_I", "MPEG_LAYER_II",
                        "MPEG_LAYER_III", "G721_32", "G723_24", "G723_40", "IMA_ADPCM", "MS_ADPCM",
                        "VOX_ADPCM", "PCM_U8", "PCM_S8", "DWVW_12", "DWVW_16", "DWVW_24", "NMS_ADPCM_16",
                        "NMS_ADPCM_24", "NMS_ADPCM_32")
FEW_LEVELS = 256


@lru_cache(maxsize=1)
def _ijg_luma_tables():
    """The luminance table PIL (libjpeg) writes at each quality 1..100, for estimating quality."""
    import io

    from PIL import Image

    grey = Image.new("L", (8, 8))
    tables = {}
    for quality in range(1, 101):
        buffer = io.BytesIO()
        grey.save(buffer, format="JPEG", quality=quality)
        tables[quality] = np.asarray(Image.open(buffer).quantization[0], dtype=np.float64)
    return tables


def jpeg_quality(luma_table):
    """The IJG quality whose luminance table is nearest (mean absolute difference) to this one,
    and that difference (0 for a table written by libjpeg at that quality)."""
    table = np.asarray(luma_table, dtype=np.float64)
    best = min(_ijg_luma_tables().items(), key=lambda kv: np.abs(kv[1] - table).mean())
    return best[0], round(float(np.abs(best[1] - table).mean()), 3)


def image_channel(image, format_label, data):
    """The channel of an opened PIL image (before conversion) read from the file's bytes."""
    if format_label == "JPEG":
        tables = {int(k): [int(v) for v in t] for k, t in getattr(image, "quantization", {}).items()}
        if not tables:
            return {"codec": "JPEG", "lossy": True}
        quality, off = jpeg_quality(tables[min(tables)])
        from PIL import JpegImagePlugin

        subsampling = JpegImagePlugin.get_sampling(image) if len(image.getbands()) > 1 else -1
        return {"codec": "JPEG", "lossy": True, "quality": quality, "table_distance": off,
                "subsampling": int(subsampling), "tables": tables}
    if format_label == "WebP":
        lossless = data[12:16] == b"VP8L"  # the first chunk: VP8 (lossy), VP8L (lossless) or VP8X
        return {"codec": "WebP lossless" if lossless else "WebP lossy", "lossy": not lossless}
    return {"codec": format_label, "lossy": False}


def webp_grey(values):
    """WebP has no grey mode: a grey image comes back as RGB channels within 1 of each other
    (chroma rounding). Such an image is grey, the channels' rounded mean; others unchanged."""
    if values.ndim == 3 and values.dtype == np.uint8 and np.abs(values.astype(np.int16) - values[..., :1]).max() <= 1:
        return np.rint(values.mean(axis=-1)).astype(np.uint8)
    return values


def audio_channel(subtype, rate, mono, format_label, speech_audio=None):
    """The channel of a recording: codec, native rate, levels, effective bandwidth, and the noise
    floor per band (`noise_db`, from `speech_audio`, the recording at the speech rate)."""
    levels = int(np.unique(mono[: 1 << 16]).size) if mono.size else 0
    channel = {"codec": f"{format_label} {subtype}", "subtype": subtype, "native_sample_rate": int(rate),
               "bandwidth_hz": effective_bandwidth(mono, rate)}
    channel["few_levels"] = levels <= FEW_LEVELS and mono.size > 4 * FEW_LEVELS
    # Informative only: quiet recordings made with 16 bits can use few levels too (FSDD does).
    channel["lossy"] = subtype in LOSSY_AUDIO_SUBTYPES
    if speech_audio is not None:
        from engine.data.representations import SPEECH_RATE

        channel["noise_db"] = [round(float(v), 1) for v in noise_levels(speech_audio, SPEECH_RATE)]
    return channel


FRAMES_AT_ONCE = 4096


def effective_bandwidth(mono, rate, n_fft=512):
    """The highest frequency (Hz) whose long-term mean power is within BANDWIDTH_DB of the
    strongest frequency's (Welch average over frames of n_fft samples)."""
    mono = np.asarray(mono, dtype=np.float64)
    if mono.size < n_fft:
        mono = np.pad(mono, (0, n_fft - mono.size))
    frames = np.lib.stride_tricks.sliding_window_view(mono, n_fft)[:: n_fft // 2]
    window, power = np.hanning(n_fft), np.zeros(n_fft // 2 + 1)
    for start in range(0, len(frames), FRAMES_AT_ONCE):  # memory bounded whatever the recording's length
        power += (np.abs(np.fft.rfft(frames[start:start + FRAMES_AT_ONCE] * window, axis=1)) ** 2).sum(axis=0)
    power /= len(frames)
    power[0] = 0.0  # DC says nothing about bandwidth
    if power.max() <= 0:
        return 0
    above = np.flatnonzero(10 * np.log10(power / power.max() + 1e-30) > -BANDWIDTH_DB)
    return int(round(np.fft.rfftfreq(n_fft, 1.0 / rate)[above.max()]))


def midi_channel(midi):
    """MIDI timing and loudness of a pretty_midi.PrettyMIDI: resolution, tempi, velocities
    (the piano roll counts in quarter notes, so neither tempo nor resolution changes it)."""
    tempi = sorted({round(float(t), 1) for t in midi.get_tempo_changes()[1]})
    velocities = sorted({n.velocity for inst in midi.instruments if not inst.is_drum for n in inst.notes})
    return {"codec": "MIDI", "lossy": False, "resolution": int(midi.resolution), "tempo_bpm": tempi[:8],
            "velocities": velocities[:8] if len(velocities) <= 8 else f"{len(velocities)} distinct"}


# --- added noise, estimated from the recording itself -----------------------------------
# Noise added on the way (a noisy line, a street, a fan) is not written in any header, but it
# is in the recording: between and under the words. Its spectrum is read from the quietest
# frames (minimum statistics: speech pauses, which every spoken-digit recording has) and given
# per band relative to the speech level (the mean power of the loudest quarter of frames, as
# noise-floor and the level normalisation take it), so it is gain-invariant.
NOISE_FRAME, NOISE_HOP = 256, 128  # 32 ms frames at 8 kHz
NOISE_BANDS_HZ = (0, 500, 1000, 2000, 4000)  # octave-like bands of the telephone range
NOISE_QUIET_SHARE = 0.1  # the quietest tenth of the frames: the floor
NOISE_LOUD_SHARE = 0.25  # the loudest quarter: the speech level
NOISE_FLOOR_DB = -120.0  # a band with nothing in its quiet frames (digital silence) reads as this


def band_powers(audio, rate):
    """(frames, bands) power of each 32 ms Hann-windowed frame in each of NOISE_BANDS_HZ."""
    audio = np.asarray(audio, dtype=np.float64)
    if audio.size < NOISE_FRAME:
        audio = np.pad(audio, (0, NOISE_FRAME - audio.size))
    frames = np.lib.stride_tricks.sliding_window_view(audio, NOISE_FRAME)[::NOISE_HOP]
    spectra = np.abs(np.fft.rfft((frames - frames.mean(axis=1, keepdims=True)) * np.hanning(NOISE_FRAME), axis=1)) ** 2
    freqs = np.fft.rfftfreq(NOISE_FRAME, 1.0 / rate)
    edges = np.searchsorted(freqs, NOISE_BANDS_HZ[1:-1])
    return np.stack([part.sum(axis=1) for part in np.split(spectra[:, 1:], edges - 1, axis=1)], axis=1)


def speech_and_floor(power):
    """(speech level, floor per band) of band_powers(): the mean total power of the loudest
    NOISE_LOUD_SHARE of frames, and the mean band powers of the quietest NOISE_QUIET_SHARE."""
    total = power.sum(axis=1)
    order = np.argsort(total, kind="stable")
    loud = total[order[-max(1, int(round(NOISE_LOUD_SHARE * total.size))):]].mean()
    return loud, power[order[:max(2, int(round(NOISE_QUIET_SHARE * total.size)))]].mean(axis=0)


def noise_levels(audio, rate):
    """The noise floor in each band of NOISE_BANDS_HZ, in dB relative to the speech level
    (speech_and_floor). All NOISE_FLOOR_DB for a recording with no signal."""
    loud, quiet = speech_and_floor(band_powers(audio, rate))
    if loud <= 0:
        return np.full(len(NOISE_BANDS_HZ) - 1, NOISE_FLOOR_DB)
    return np.maximum(10 * np.log10(np.maximum(quiet, 1e-300) / loud), NOISE_FLOOR_DB)
