"""Mel inversion: a spectrum too smooth above 2.5 kHz, as Griffin-Lim makes it from a mel spectrogram.

Every mel-spectrogram generator without a neural vocoder (a GAN, a VAE or a diffusion model over mel
patches, as this product's speech generators; an analyst's Griffin-Lim or librosa `mel_to_audio`
resynthesis of real recordings) reaches a waveform the same way: the mel power is taken back to
linear frequency (a pseudo-inverse or non-negative least squares of the filterbank) and Griffin-Lim
finds a waveform whose short-time magnitude matches it. Above about 2.5 kHz a 64-band mel filter at
8 kHz is wider than two harmonics of a voice, so the magnitude handed to Griffin-Lim is smooth across
frequency there, and Griffin-Lim matches it: the waveform's spectrum, read at the resolution the
inversion used, has no fine structure. A recording never has that little: its voiced frames carry
harmonic peaks, its noise (breath, fricatives, the room) the random fine structure of any noise
(the log power of a noise's bin scatters by 5.6 dB about its local mean). The statistic, on the
waveform at the speech rate:

    roughness = min over RESOLUTIONS of the median, over the frames whose 2.5-3.8 kHz power lies within
                FRAME_RANGE_DB of the loudest frame's, of the standard deviation (dB) of the frame's
                log power spectrum in 2.5-3.8 kHz about its SMOOTH_HZ moving average

the minimum over the STFTs (n_fft 512, 1024, 2048; periodic Hann, centred) because the inversion's
own resolution is where the smoothness shows (Griffin-Lim at n_fft 2048 read at 1024 looks rough).
A ratio of powers: any gain leaves it unchanged; noise added on the way only roughens it. The score
counts only smoothness beyond what a recording shows:

    score = max(0, PLAUSIBLE_DB - roughness)

PLAUSIBLE_DB = 3.75 dB: the smoothest of 800 FSDD recordings of four speakers measures 4.37 dB, Griffin-Lim
audio of the same speakers mostly 1.5-3.4 dB (docs/studies.md, "Mel inversion as a trait"). It fits nothing:
every reference recording kept in the profile calibrates it (under an audio channel the channelled ones do,
engine/detectors/channels.py); when they all score 0 a positive score gets the conformal floor 1/(n+1), deciding
with the weight it shares with the other bounds of the kept recordings (engine/detectors/suite.py unions), so a
profile keeping fewer than MIN_KEPT = 99 recordings (a floor above 1 %) does not get it.
It stands aside for codecs that re-synthesise the waveform (GSM 06.10, MP3, Vorbis, Opus) and for band limits, which
decide the band it reads; not where the file's own bitrate keeps Griffin-Lim's band smooth: an MP3 whose frame headers
state 32 kbit/s or more (engine/detectors/channel_losses.py MP3_INVERSION_MIN), an Opus file whose packets carry
30 kbit/s or more over its duration (OPUS_INVERSION_MIN) and a Vorbis file whose header states quality 7 or more
(VORBIS_INVERSION_MIN); where that cannot be read it stands aside. What it cannot see: an inversion by a neural
vocoder (its waveform is not constrained to the smooth magnitude), a file whose 2.5-3.8 kHz band holds no sound,
and Griffin-Lim audio with noise added after it.
"""
import numpy as np

from engine.data.representations import SPEECH_RATE
from engine.detectors import calibration
from engine.detectors.detector import RecordingDetector

RESOLUTIONS = ((512, 128), (1024, 160), (2048, 256))  # (n_fft, hop): the product's own (1024, 160) and either side
BAND_HZ = (2500, 3800)  # where a 64-band mel filter at 8 kHz spans two harmonics or more; below a resampler's edge
SMOOTH_HZ = 150  # the fine structure is read about a moving average this wide (a voice's harmonic spacing)
FRAME_RANGE_DB = 60  # frames with a band power this far below the loudest frame's are not read
PLAUSIBLE_DB = 3.75  # the least roughness a recording is taken to show (module docstring)
# Every kept recording scores 0, so it decides only at the conformal floor 1/(n+1), which at alpha = 1 % needs
# n + 1 >= 100 (engine/detectors/calibration.py): a profile keeping fewer does not get the detector.
MIN_KEPT = 99


def band_roughness(audio, n_fft, hop):
    """Median over the loud frames of the standard deviation (dB) of the log power spectrum in BAND_HZ
    about its SMOOTH_HZ moving average, at one STFT resolution; None when no frame has power there."""
    padded = np.pad(np.asarray(audio, dtype=np.float64), n_fft // 2)
    if padded.size < n_fft:
        return None
    window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n_fft) / n_fft)
    frames = np.lib.stride_tricks.sliding_window_view(padded, n_fft)[::hop]
    low, high = (int(hz * n_fft / SPEECH_RATE) for hz in BAND_HZ)
    power = np.abs(np.fft.rfft(frames * window, axis=1)[:, low:high]) ** 2
    level = power.mean(axis=1)
    loud = level > level.max() * 10 ** (-FRAME_RANGE_DB / 10)
    if level.max() <= 0 or not loud.any():
        return None
    width = max(3, int(SMOOTH_HZ * n_fft / SPEECH_RATE)) | 1
    log_power = 10 * np.log10(power[loud] + 1e-20)
    average = np.lib.stride_tricks.sliding_window_view(log_power, width, axis=1).mean(axis=2)
    return float(np.median((log_power[:, width // 2:-(width // 2)] - average).std(axis=1)))


def roughness(audio):
    """(roughness in dB, the n_fft it was read at) of one recording; (None, None) with no sound in BAND_HZ."""
    found = [(band_roughness(audio, n_fft, hop), n_fft) for n_fft, hop in RESOLUTIONS]
    found = [pair for pair in found if pair[0] is not None]
    return min(found) if found else (None, None)


def inversion_scores(recordings):
    """(n,) score of each recording: smoothness beyond PLAUSIBLE_DB (0 without a waveform or sound in the band)."""
    values = [roughness(audio)[0] if audio is not None else None for audio in recordings]
    return np.array([max(0.0, PLAUSIBLE_DB - value) if value is not None else 0.0 for value in values])


class MelInversion(RecordingDetector):
    name = "mel-inversion"
    min_kept = MIN_KEPT
    score_recordings = staticmethod(inversion_scores)
    arrays = ("cal_mel_inversion",)
    # the codecs that re-synthesise the waveform, and band limits, decide the band it reads (channel_losses.py)
    aside_reason = "re-synthesises or band-limits the waveform, which decides the 2.5-3.8 kHz fine structure it reads"

    def __init__(self, profile):
        self.tail = calibration.tail_model(profile["cal_mel_inversion"])
        self.method = (f"fine structure (dB) of the 2.5-3.8 kHz log spectrum about its {SMOOTH_HZ} Hz moving average, "
                       f"at the smoothest of three STFT resolutions, below {PLAUSIBLE_DB} dB: Griffin-Lim inversion of "
                       f"a mel spectrogram leaves the bands where a mel filter spans several harmonics smooth, a "
                       f"recording's harmonics and noise never are; calibrated on every kept reference recording")

    def recording_reason(self, audio, batch, g, score, p):
        value, n_fft = roughness(audio)
        if value is None:
            return f"mel-inversion: no sound in {BAND_HZ[0]}-{BAND_HZ[1]} Hz to read; tail probability {p:.2g}"
        reading = ("smoother than any recording: harmonics and noise there are missing, as after Griffin-Lim "
                   "inversion of a mel spectrogram" if value < PLAUSIBLE_DB else "within what recordings show")
        return (f"mel-inversion: its {BAND_HZ[0]}-{BAND_HZ[1]} Hz spectrum (n_fft {n_fft}) scatters {value:.1f} dB "
                f"about its {SMOOTH_HZ} Hz average, {reading} (recordings measured 4.4 dB and more, any noise 5.6 dB; "
                f"below {PLAUSIBLE_DB} dB counts); tail probability {p:.2g}")
