"""A candidate speech detector, not in the product: looped floor, whether a recording's quiet stretches repeat
themselves every few milliseconds. Not registered because a real recording's buzz repeats too (below; docs/studies.md,
"Looped floor ... not kept"); tests/benchmarks/test_bench_looped_floor.py measures it with the registry patched.

A unit-concatenation synthesiser (festival's diphone voices, flite's `kal`) fills its pauses and its quiet
edges with the noise recorded in its units, and stretching a unit to the length its prosody asks for overlap-adds
the same few milliseconds of that noise again and again (at its pitch marks: festival's every 10 ms). A
microphone's floor is room and self-noise, new at every instant: it does not repeat. The statistic, on the
waveform at the speech rate (engine/data/representations.py):

- quiet frames: 50 ms frames (every 25 ms) whose power lies QUIET_DB below the recording's loudest frame
  (35-90 dB: under the speech, above digital silence, which noise-floor reads);
- each frame band-passed into BANDS (1-2, 2-3, 3-3.9 kHz: above a voice's strong low harmonics and a hum's
  fundamental, where a microphone's floor is mostly plain noise);
- per band and frame, the largest correlation coefficient between the frame and itself LAGS later (5-25 ms),
  the two overlapping stretches each normalised to unit energy (1 for a stretch that repeats exactly, about
  0.3 for noise that does not);
- looping = the smallest over bands of the upper quartile (FRAME_QUANTILE) over quiet frames: every band must
  repeat (one alone is a tone), and only part of a synthesiser's quiet frames are stretched unit noise
  (the rest its speech's quiet edges; the median read 4 of 14 festival `hy_fi_mv` sentences beyond PLAUSIBLE,
  the upper quartile 11, FSDD's largest 0.39 and 0.48 on the tuning set), and
  score = max(0, looping - PLAUSIBLE), PLAUSIBLE = 0.6; 0 with fewer than MIN_FRAMES quiet frames.

A ratio of correlations, so any gain leaves it unchanged. It fits nothing: every reference recording kept in
the profile calibrates it; when they all score 0 it is one of the bounds that share one weight
(engine/detectors/suite.py). Measured in
docs/studies.md ("Looped floor"). What it wrongly calls synthetic: a real floor that repeats, a mains hum
with harmonics over 1-3.9 kHz (CMU Arctic's `aew`, every 16.6 ms: 2 of 8 outside recordings) or a looped room
tone an editor pasted into the pauses; what it cannot see: a synthesiser whose pauses are digitally silent
(MBROLA's: noise-floor's trait) or carry fresh noise (flite's statistical voices); a codec or added noise on
the way over the loop is not measured.
"""
import numpy as np

from engine.data.representations import SPEECH_RATE
from engine.detectors import calibration
from engine.detectors.detector import RecordingDetector

RATE = SPEECH_RATE
FRAME, HOP = RATE * 50 // 1000, RATE * 25 // 1000
QUIET_DB = (35.0, 90.0)  # dB below the loudest frame: a quiet frame
BANDS = ((1000.0, 2000.0), (2000.0, 3000.0), (3000.0, 3900.0))  # Hz
LAGS = (RATE * 5 // 1000, RATE * 25 // 1000)  # samples: a unit's pitch marks repeat its noise this often
PLAUSIBLE = 0.6  # looping beyond this is a repeated floor (FSDD tuning takes: at most 0.48, docs/studies.md)
MIN_FRAMES = 3
FRAME_QUANTILE = 75  # percent: the quiet frames' upper quartile
BAND_ORDER = 4
_FILTERS = {}


def band_filters():
    """The Butterworth band-passes of BANDS (second-order sections), made once."""
    if not _FILTERS:
        from scipy.signal import butter

        _FILTERS["sos"] = [butter(BAND_ORDER, band, btype="bandpass", fs=RATE, output="sos") for band in BANDS]
    return _FILTERS["sos"]


def quiet_starts(x):
    """The start samples of the quiet frames of x (QUIET_DB below its loudest frame)."""
    if x.size < FRAME:
        return np.zeros(0, dtype=int)
    starts = np.arange(0, x.size - FRAME + 1, HOP)
    frames = x[starts[:, None] + np.arange(FRAME)]
    power = np.mean((frames - frames.mean(axis=1, keepdims=True)) ** 2, axis=1)
    loud = power.max()
    if loud <= 0:
        return np.zeros(0, dtype=int)
    with np.errstate(divide="ignore"):
        depth = 10 * np.log10(loud / power)
    return starts[(depth >= QUIET_DB[0]) & (depth <= QUIET_DB[1])]


def repeat_peaks(frames):
    """(k,) the largest correlation coefficient of each frame (rows) with itself LAGS later: the products of the
    overlapping stretches (an FFT autocorrelation) over the square root of their energies (cumulative sums)."""
    n = frames.shape[1]
    spectrum = np.fft.rfft(frames, 2 * n, axis=1)
    products = np.fft.irfft(spectrum.real ** 2 + spectrum.imag ** 2, 2 * n, axis=1)[:, :n]
    energy = np.cumsum(frames ** 2, axis=1)
    lags = np.arange(LAGS[0], LAGS[1] + 1)
    head = energy[:, n - 1 - lags]  # x[0 : n - lag]
    tail = energy[:, [n - 1]] - energy[:, lags - 1]  # x[lag : n]
    with np.errstate(divide="ignore", invalid="ignore"):
        r = products[:, lags] / np.sqrt(head * tail)
    r[~np.isfinite(r)] = 0.0
    return r.max(axis=1)


def band_peaks(audio):
    """(number of quiet frames, (bands,) upper quartile of the repeat peaks over them per band) of one recording."""
    from scipy.signal import sosfiltfilt

    x = np.asarray(audio, dtype=np.float64)
    starts = quiet_starts(x)
    if starts.size == 0:  # else x holds a whole frame, longer than the filters' padding
        return 0, np.zeros(len(BANDS))
    index = starts[:, None] + np.arange(FRAME)
    peaks = [np.percentile(repeat_peaks(sosfiltfilt(sos, x)[index]), FRAME_QUANTILE) for sos in band_filters()]
    return int(starts.size), np.array(peaks)


def looping(audio):
    """(looping: the smallest band's upper-quartile repeat peak, quiet frames read); 0 below MIN_FRAMES frames."""
    n, peaks = band_peaks(audio)
    return (float(peaks.min()) if n >= MIN_FRAMES else 0.0), n


def looping_scores(recordings):
    """(n,) scores: looping beyond PLAUSIBLE; 0 for no waveform or too few quiet frames."""
    return np.array([max(0.0, looping(a)[0] - PLAUSIBLE) if a is not None else 0.0 for a in recordings])


class LoopedFloor(RecordingDetector):
    name = "looped-floor"
    score_recordings = staticmethod(looping_scores)
    arrays = ("cal_looped_floor",)

    def __init__(self, profile):
        self.tail = calibration.tail_model(profile["cal_looped_floor"])
        self.method = (f"how strongly the quiet 50 ms frames ({QUIET_DB[0]:.0f}-{QUIET_DB[1]:.0f} dB under the "
                       f"loudest) repeat themselves {LAGS[0] * 1000 // RATE}-{LAGS[1] * 1000 // RATE} ms later in "
                       f"every band of 1-3.9 kHz (smallest band's upper quartile of the correlation peaks), beyond "
                       f"{PLAUSIBLE}: a diphone synthesiser's pauses loop its units' recorded noise, a microphone's "
                       f"floor does not repeat; calibrated on every kept reference recording")

    def recording_reason(self, audio, batch, g, score, p):
        n, peaks = band_peaks(audio)
        if n < MIN_FRAMES:
            return f"looped-floor: too few quiet frames to read ({n} of {MIN_FRAMES}); tail probability {p:.2g}"
        value = float(peaks.min())
        reading = ("repeats itself, as a diphone synthesiser's looped unit noise does" if value > PLAUSIBLE
                   else "does not repeat beyond what a microphone's floor does")
        bands = ", ".join(f"{lo / 1000:g}-{hi / 1000:g} kHz {m:.2f}" for (lo, hi), m in zip(BANDS, peaks))
        return (f"looped-floor: over {n} quiet frames the floor {reading} (upper quartile of the correlation with "
                f"itself {LAGS[0] * 1000 // RATE}-{LAGS[1] * 1000 // RATE} ms later: {bands}; beyond {PLAUSIBLE} in "
                f"every band reads as looped); tail probability {p:.2g}")
