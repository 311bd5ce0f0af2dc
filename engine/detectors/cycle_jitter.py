"""Cycle jitter: how much a recording's pitch period varies from one glottal cycle to the next.

A voice never holds its period exactly: the glottis perturbs each cycle (jitter), and a
microphone, a room and a codec only add to what is measured. A synthesiser that repeats a
stored pitch period at a flat or straight-line F0 contour (diphone voices with no intonation
model, pitch-synchronous overlap-add at a constant period) writes cycles whose period does not
change at all. The statistic, on the waveform at the speech rate (engine/data/representations.py):

- pitch cycles are tracked through strongly voiced stretches (engine/detectors/cycles.py: a 40 ms
  autocorrelation starts a run at normalised correlation >= 0.8; each one-period window is matched
  with the next period, 60-400 Hz, the lag refined to a fraction of a sample by a parabola through
  the correlation's peak; a run ends where the match falls below 0.5; tracked once per recording
  for the three detectors of the cycle);
- within each run of >= 5 cycles the smooth F0 trend is removed by the second difference of the
  periods (zero for a contour that is straight over three cycles);
- jitter = median |second difference| / period x 1.4826 / sqrt(6), in percent: the standard
  deviation of independent period noise that would give that median.

The score counts only jitter below what a voice produces, like noise-floor's depth beyond a
microphone's reach:

    score = max(0, PLAUSIBLE_PERCENT - jitter)          [0 with fewer than MIN_CYCLES measured]

PLAUSIBLE_PERCENT = 0.05 %: the steadiest of the 1,400 FSDD recordings of the tuning speakers
measures 0.117 % (docs/verdicts.md, "Speech synthesis, third pass"), and only noise, a codec or
a voice's own perturbation can raise what a real recording measures. It fits nothing: every
reference recording kept in the profile calibrates it (engine/detectors/channels.py: the
channelled ones under an audio channel). When they all score 0 a positive score gets the
conformal floor 1/(n+1), which the weight it shares with the other such bounds lets decide; a
profile keeping fewer than MIN_KEPT = 400 recordings does not get the detector (MIN_KEPT says why).

What it cannot see (measured): synthesisers whose F0 moves (intonation models, statistical
voices, flite's and festival's English voices, HTS): their measured jitter at 8 kHz, 0.2-1.2 %,
lies in the human range, partly because periods are rounded to whole samples at the
synthesiser's rate; and noise, GSM 06.10 or MP3 on the way hide a constant period.
"""
import numpy as np

from engine.detectors import calibration
from engine.detectors.batch import Recordings
from engine.detectors.cycles import cycle_runs, measured
from engine.detectors.detector import RecordingDetector

MIN_RUN = 5  # cycles in a run before its second differences count
MIN_CYCLES = 10  # second differences a recording needs for a jitter at all
PLAUSIBLE_PERCENT = 0.05  # the least jitter a voice is taken to show (module docstring)
# Every kept recording scores 0, so the detector decides at the conformal floor 1/(n+1) with the weight
# floor/alpha, which it shares with the other bounds of the kept recordings (noise-floor, mel-inversion:
# engine/detectors/suite.py unions). The bound was set when it took that weight alone (with fewer than 400
# recordings, more than a quarter of it); sharing it, a smaller reference would cost the others nothing more,
# but lowering the bound was not measured.
MIN_KEPT = 400
SCALE = 1.4826 / np.sqrt(6)  # median |second difference| of i.i.d. period noise -> its standard deviation


def jitter(audio, runs=None):
    """(jitter in percent or None, number of second differences measured) of one recording, from its
    cycle_runs (`runs`, tracked here when not given)."""
    ratios = []
    for run in cycle_runs(audio) if runs is None else runs:
        p = np.array([period for _, _, period in run])
        if p.size >= MIN_RUN:
            ratios.extend(np.abs(p[2:] - 2 * p[1:-1] + p[:-2]) / p[1:-1])
    if len(ratios) < MIN_CYCLES:
        return None, len(ratios)
    return float(np.median(ratios) * SCALE * 100), len(ratios)


def jitter_scores(recordings):
    """(n,) scores: jitter below PLAUSIBLE_PERCENT; 0 for no waveform or too few cycles."""
    recordings = Recordings.of(recordings)
    out = np.zeros(len(recordings))
    for k, audio in enumerate(recordings):
        if audio is not None:
            value, _ = measured(recordings, k, jitter)
            out[k] = max(0.0, PLAUSIBLE_PERCENT - value) if value is not None else 0.0
    return out


class CycleJitter(RecordingDetector):
    name = "cycle-jitter"
    min_kept = MIN_KEPT
    score_recordings = staticmethod(jitter_scores)
    arrays = ("cal_cycle_jitter",)

    def __init__(self, profile):
        self.tail = calibration.tail_model(profile["cal_cycle_jitter"])
        self.method = (f"cycle-to-cycle pitch-period jitter (median detrended second difference of sub-sample "
                       f"periods, from the waveform) below {PLAUSIBLE_PERCENT} %: a voice never holds its period "
                       f"exactly, a synthesiser repeating a stored period at a flat F0 does; calibrated on every "
                       f"kept reference recording")

    def recording_reason(self, audio, batch, g, score, p):
        value, n = measured(batch.recordings(), g, jitter)
        if value is None:
            return f"cycle-jitter: too few voiced pitch cycles to measure ({n} of {MIN_CYCLES}); tail probability {p:.2g}"
        reading = ("below what a voice produces: its pitch period repeats exactly, as a synthesiser's stored "
                   "period does" if value < PLAUSIBLE_PERCENT else "within what a voice produces")
        return (f"cycle-jitter: its pitch period varies by {value:.3f} % from cycle to cycle over {n} cycles once the "
                f"F0 trend is removed, {reading} (the steadiest real voices measured: about 0.12 %); "
                f"tail probability {p:.2g}")
