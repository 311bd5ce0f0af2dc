"""Pulse grid: whether a recording's glottal pulses are spaced by whole samples of a synthesis rate.

A vocoder's excitation places each pitch pulse at a whole sample of its own rate (flite's statistical
clustergen voices and their MLSA filter at 16 kHz: the LPC residual's peaks sit within a few hundredths of
a sample of the 16 kHz grid), while a voice's glottal closures fall anywhere in time. Resampled to the
speech rate the pulse positions lose that precision (the 4-8 kHz half of each pulse is cut), but the
spacing of consecutive pulses keeps it: their shapes are nearly alike, so a common shift cancels. The
statistic, on the waveform at the speech rate (engine/data/representations.py):

- pitch cycles are tracked as cycle-jitter tracks them (engine/detectors/cycles.py: once per recording
  for the three detectors of the cycle);
- the LPC residual (order ORDER, 25 ms frames every 10 ms) is upsampled UPSAMPLE times and, in each
  cycle, its largest magnitude located to a fraction of a sample (a parabola through the peak);
- the intervals between consecutive pulses of a run, in samples of GRID_RATE (16 kHz: twice the speech
  rate, so an 8 kHz synthesiser's whole samples lie on it too), are read as phases 2 pi x interval;
- score = Rayleigh's z = n R^2 (R the length of the mean phase vector, n the intervals): about 1 for
  intervals that fall anywhere (its tail probability is exp(-z)), growing with n on the grid;
  0 with fewer than MIN_INTERVALS intervals.

Measured (docs/studies.md, "Pulse grid"): it reads statistical-parametric voices, not diphone or MBROLA
voices, whose pulses are recorded glottal closures overlap-added (their residual peaks are no nearer the
grid at their own rate than a microphone's). It fits nothing: every reference recording kept in the
profile calibrates it (calibration.tail_model, an ordinary share; under an audio channel the channelled ones
do, engine/detectors/channels.py). Codecs that re-synthesise each pitch
period at whole 8 kHz lags (GSM 06.10's long-term predictor) would put a real voice on the grid, so it
stands aside under them (engine/detectors/channel_losses.py PULSE_LOST). So does clipping: a flat top at full
scale puts a real cycle's residual peak on a sample, and it stands aside for a recording read as clipped at its
native rate (engine/data/clipping.py; a synthesiser's clipped output loses it too).
"""
import numpy as np

from engine.analysis import lpc
from engine.detectors import calibration
from engine.detectors.batch import Recordings
from engine.detectors.cycles import MAX_LAG, MIN_LAG, RATE, cycle_runs, measured
from engine.detectors.detector import RecordingDetector

ORDER = 10  # LPC order at 8 kHz: the vocal tract's formants below 4 kHz
FRAME, HOP = RATE * 25 // 1000, RATE * 10 // 1000
UPSAMPLE = 16  # the residual's sub-sample resolution before the parabola
GRID_RATE = 2 * RATE  # 16 kHz: the grid the intervals are read on
MIN_INTERVALS = 10
MIN_KEPT = 100  # kept recordings the fitted tail needs


def lpc_residual(x):
    """The prediction error of x under an LPC fit per frame (the excitation, its pulses sharp): each Hann-windowed
    frame's predictor inverse-filters the HOP samples after the frame's first ORDER (an FIR, 1 - sum a_k z^-k)."""
    from numpy.lib.stride_tricks import sliding_window_view

    out = np.zeros_like(x)
    starts = np.arange(0, x.size - FRAME - ORDER, HOP)
    if not starts.size:
        return out
    coefficients, solved = lpc.predictors(sliding_window_view(x, FRAME)[starts] * np.hanning(FRAME), ORDER)
    errors = lpc.prediction_errors(sliding_window_view(x, ORDER + HOP)[starts[solved]], coefficients[solved], ORDER)
    out[(starts[solved, None] + ORDER + np.arange(HOP)).ravel()] = errors.ravel()
    return out


def pulse_intervals(audio, runs=None):
    """The intervals in samples at RATE between consecutive pulses of each run of tracked cycles
    (`runs`: the recording's cycle_runs, tracked here when not given)."""
    import soxr

    x = np.asarray(audio, dtype=np.float64)
    fine = soxr.resample(lpc_residual(x), RATE, RATE * UPSAMPLE, quality="VHQ")
    intervals = []
    for run in cycle_runs(x) if runs is None else runs:
        pulses = []
        for t, _, period in run:
            a, b = t * UPSAMPLE, int((t + period) * UPSAMPLE)
            magnitude = np.abs(fine[a:b])
            k = int(np.argmax(magnitude)) if magnitude.size else 0
            if not 0 < k < magnitude.size - 1:
                pulses.append(np.nan)
                continue
            left, peak, right = magnitude[k - 1:k + 2]
            curvature = left - 2 * peak + right
            pulses.append((a + k + (0.5 * (left - right) / curvature if curvature < 0 else 0.0)) / UPSAMPLE)
        gaps = np.diff(pulses)
        intervals.extend(gaps[(gaps >= MIN_LAG) & (gaps <= MAX_LAG)])
    return np.array(intervals)


def grid_z(intervals):
    """(Rayleigh's z of the intervals' phases on the GRID_RATE grid, R)."""
    if intervals.size == 0:
        return 0.0, 0.0
    r = abs(np.mean(np.exp(2j * np.pi * intervals * GRID_RATE / RATE)))
    return float(intervals.size * r * r), float(r)


def grid_scores(recordings):
    """(n,) scores: Rayleigh's z; 0 for no waveform or fewer than MIN_INTERVALS intervals."""
    recordings = Recordings.of(recordings)
    out = np.zeros(len(recordings))
    for k, audio in enumerate(recordings):
        if audio is not None:
            intervals = measured(recordings, k, pulse_intervals)
            out[k] = grid_z(intervals)[0] if intervals.size >= MIN_INTERVALS else 0.0
    return out


class PulseGrid(RecordingDetector):
    name = "pulse-grid"
    min_kept = MIN_KEPT
    score_recordings = staticmethod(grid_scores)
    arrays = ("cal_pulse_grid",)

    def __init__(self, profile):
        self.tail = calibration.tail_model(profile["cal_pulse_grid"])
        self.method = ("Rayleigh's z of the spacing of consecutive glottal pulses (LPC residual peaks located to a "
                       f"fraction of a sample) on the grid of whole {GRID_RATE // 1000} kHz samples: a vocoder places "
                       "its pulses at whole samples of its rate, a voice anywhere; calibrated on every kept reference "
                       "recording")

    def informative(self, samples):
        """A recording that clips says nothing here (engine/data/clipping.py): its flat tops put pulses on samples."""
        return super().informative(samples) and not (samples.meta.get("channel") or {}).get("clipping")

    def recording_reason(self, audio, batch, g, score, p):
        intervals = measured(batch.recordings(), g, pulse_intervals)
        if intervals.size < MIN_INTERVALS:
            return (f"pulse-grid: too few pulse intervals to read ({intervals.size} of {MIN_INTERVALS}); "
                    f"tail probability {p:.2g}")
        z, r = grid_z(intervals)
        return (f"pulse-grid: {intervals.size} intervals between consecutive pitch pulses lie on the grid of whole "
                f"{GRID_RATE // 1000} kHz samples with concentration R = {r:.2f} (Rayleigh z = {z:.1f}; about 1 for "
                f"pulses placed anywhere, as a voice places them); tail probability {p:.2g}")
