"""Dithered silence: digital silence requantised to 16 bits with triangular dither.

A resampler or converter that writes 16 bits adds dither before rounding; SoX does by default, with a triangular
(TPDF) dither of one step either way. On exact digital silence that leaves the silence's constant and its two
neighbours, independently from sample to sample, in proportions 1/8, 3/4, 1/8 (a sum of two uniform steps
rounded): 0.5 step RMS, which noise-floor would read as a noise suppressor's sub-step residual rounded to 16 bits
(engine/detectors/noise_floor.py `rounded_floor`). A microphone's floor, even after a suppressor or a gate, is not
so exact: its quiet stretches within one step of a constant carry the residual's own level and colour. Of 1,200
FSDD takes of six speakers, as recorded and through six suppressors, gates and fades (8,400 versions), none holds
one; of espeak-ng's words and sentences resampled to 8 kHz by SoX, 69 of 96 do (docs/studies.md, "espeak-ng's
variants", thirtieth pass). So such a stretch reads as the digital silence under it (`undithered`); a gate's
release into it is still a gate's (engine/detectors/gate_release.py), so a gated take dithered afterwards reads as
gated.
"""
import numpy as np
from scipy import stats

from engine.data.padding import SPEECH_RATE, STEP_16, samples

MIN_SECONDS = 0.05  # a stretch this long at least (400 samples at 8 kHz)
TPDF = np.array([0.125, 0.75, 0.125])  # the constant less a step, itself, plus a step
FIT_P = 1e-3  # the proportions' chi-square test must not reject TPDF below this ...
WHITE_SDS = 4.0  # ... nor the lag-1 correlation lie this many standard errors (1 / sqrt(n)) from 0


def dithered_runs(audio, rate=SPEECH_RATE):
    """[(start, stop, constant in steps)] of the stretches of `audio` (on the 16-bit grid; none otherwise) that are
    triangular dither on a constant: at least MIN_SECONDS of samples within a step of the file's commonest value,
    in TPDF's proportions (chi-square p >= FIT_P) and uncorrelated from one sample to the next."""
    scaled = np.asarray(audio, dtype=np.float64) / STEP_16
    steps = np.round(scaled)
    if steps.size == 0 or np.max(np.abs(scaled - steps)) > 1e-3:
        return []
    values, counts = np.unique(steps, return_counts=True)
    constant = values[np.argmax(counts)]
    near = np.abs(steps - constant) <= 1
    edges = np.flatnonzero(np.diff(np.concatenate([[0], near.astype(np.int8), [0]])))
    runs = []
    for start, stop in zip(edges[::2], edges[1::2]):
        if stop - start < samples(MIN_SECONDS, rate):
            continue
        d = steps[start:stop] - constant
        observed = np.array([np.sum(d == -1), np.sum(d == 0), np.sum(d == 1)])
        centred = d - d.mean()
        lag1 = float(np.dot(centred[:-1], centred[1:]) / max(np.dot(centred, centred), 1e-12))
        if (stats.chisquare(observed, d.size * TPDF).pvalue >= FIT_P
                and abs(lag1) <= WHITE_SDS / np.sqrt(d.size)):
            runs.append((int(start), int(stop), float(constant)))
    return runs


def undithered(audio, rate=SPEECH_RATE):
    """`audio` with its dithered silences (dithered_runs) written as the constant they dither, and how many samples
    were."""
    out = np.array(audio, dtype=np.float64)
    runs = dithered_runs(out, rate)
    for start, stop, constant in runs:
        out[start:stop] = constant * STEP_16
    return out, sum(stop - start for start, stop, _ in runs)
