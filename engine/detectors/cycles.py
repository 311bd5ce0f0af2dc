"""Pitch cycles of a recording, tracked once for every detector of the glottal cycle (cycle-jitter,
repeated-cycle, pulse-grid), on the waveform at the speech rate (engine/data/representations.py):

- a 40 ms autocorrelation starts a run of cycles at normalised correlation >= VOICED (0.8), its lag
  halved when the half is nearly as strong (an octave error);
- each one-period window is matched with the next period, 60-400 Hz, within 15 % of the last period,
  the lag refined to a fraction of a sample by a parabola through the correlation's peak;
- a run ends where the match falls below CONTINUE (0.5);
- a cycle that is a pure tone (`pure_tone`: a signal generator's test tone or bleep in the recording, which
  repeats exactly and holds its period by its nature) ends its run and belongs to none.

Tracking is nearly all of cycle-jitter's time on a recording and a third to a half of the others', and the
three read the same recordings: a batch's files, the reference recordings a profile keeps, a channelled
reference. So the runs are kept with those recordings (engine.detectors.batch.Recordings), tracked the first
time any detector asks (`measured`), and so is each detector's own statistic of a recording: its reason reads
what its score measured. A plain list of waveforms is tracked for that call alone.
"""
import numpy as np

from engine.data import representations
from engine.detectors.batch import Recordings

RATE = representations.SPEECH_RATE
MIN_LAG, MAX_LAG = RATE // 400, RATE // 60  # 60-400 Hz
VOICED = 0.8  # normalised correlation that starts a run of cycles
CONTINUE = 0.5  # and keeps it going
TONE_SHARE = 3e-6  # of a stretch's power a sinusoid's recursion leaves unexplained, below which it is a pure tone


def next_period_match(x, t, length, low, high):
    """(lag, normalised correlation) of the best match within [low, high] samples further on of
    x[t:t+length], the lag refined by a parabola through the peak; None at the end of the file."""
    if low < 2 or t + high + length + 2 > x.size:
        return None
    a = x[t:t + length] - x[t:t + length].mean()
    norm = np.sqrt(a @ a)
    if norm == 0:
        return None
    lags = np.arange(low - 1, high + 2)
    later = np.lib.stride_tricks.sliding_window_view(x[t + low - 1:t + high + 2 + length], length)[:lags.size]
    later = later - later.mean(axis=1, keepdims=True)
    c = later @ a / (np.sqrt((later * later).sum(axis=1)) * norm + 1e-20)
    k = int(np.argmax(c[1:-1])) + 1
    curvature = c[k - 1] - 2 * c[k] + c[k + 1]
    offset = 0.5 * (c[k - 1] - c[k + 1]) / curvature if curvature < 0 else 0.0
    return lags[k] + offset, c[k]


def pure_tone(stretch):
    """Whether a stretch is one sinusoid (a test tone, a censor's bleep): x[n] + x[n-2] = 2 cos(w) x[n-1], fitted by
    least squares with an offset, leaves less than TONE_SHARE of its power unexplained. A signal generator
    writes such a stretch, which repeats exactly at its period; a voice's cycle holds harmonics: the least of 60,497
    FSDD cycles and 20,000 of outside real recordings 1.5e-5 (a high voice at 8 kHz), of synthesisers' 5e-6 (HTS
    `slt`), where a 16-bit tone's cycles at -26 dB of full scale leave 1e-8 to 4e-7 and a tone resampled to the speech
    rate up to 1.7e-6 (docs/studies.md, "A tone in a real recording", fortieth pass)."""
    x = np.asarray(stretch, dtype=np.float64)
    if x.size < 4:
        return False
    before, around = x[1:-1] - x[1:-1].mean(), x[2:] + x[:-2]
    around = around - around.mean()  # an offset as fitted (a stretch of a few periods holds no whole number of them)
    power = before @ before
    if power == 0:
        return False
    residual = around - (before @ around) / power * before
    centred = x - x.mean()
    return bool(residual @ residual < TONE_SHARE * (centred @ centred))


def without_tones(audio, runs):
    """The runs of cycles tracked in `audio` cut where a cycle is a pure tone: the stretches of consecutive cycles
    that are not, so that a signal generator's tone in the recording (which the tracker may follow from the speech
    beside it) lends no cycle to a statistic of the voice."""
    x = np.asarray(audio, dtype=np.float64)
    out = []
    for run in runs:
        kept = []
        for cycle in run:
            if pure_tone(x[cycle[0]:cycle[0] + cycle[1]]):
                if kept:
                    out.append(kept)
                kept = []
            else:
                kept.append(cycle)
        if kept:
            out.append(kept)
    return out


def _coarse_period(x, t):
    """(period in samples, normalised autocorrelation) of the 40 ms from t; the half period when
    it is nearly as strong (an octave error)."""
    segment = x[t:t + 320]
    if segment.size < 320:
        return None
    segment = segment - segment.mean()
    ac = np.correlate(segment, segment, "full")[319:]
    if ac[0] <= 0:
        return None
    nac = ac / np.sqrt(ac[0] * np.cumsum(segment[::-1] ** 2)[::-1] + 1e-20)
    k = MIN_LAG + int(np.argmax(nac[MIN_LAG:MAX_LAG]))
    half = k // 2
    if half - 1 >= MIN_LAG and nac[half - 1:half + 2].max() > 0.9 * nac[k]:
        k = half - 1 + int(np.argmax(nac[half - 1:half + 2]))
    return k, nac[k]


def cycle_runs(audio):
    """Runs of pitch cycles through the voiced stretches of a recording at RATE: per run, a list
    of (start sample, window length, period in samples)."""
    x = np.asarray(audio, dtype=np.float64)
    runs, current, t = [], [], 0
    while t + 400 < x.size:
        if not current:
            found = _coarse_period(x, t)
            if found is None or found[1] < VOICED:
                t += 40
                continue
            period = float(found[0])
        window = int(round(period))
        match = next_period_match(x, t, window, int(np.floor(0.85 * period)), int(np.ceil(1.15 * period)))
        if match is None or match[1] < CONTINUE or not MIN_LAG <= match[0] <= MAX_LAG:
            if current:
                runs.append(current)
            current, t = [], t + max(window, MIN_LAG)
            continue
        period = match[0]
        current.append((t, window, period))
        t += int(round(period))
    if current:
        runs.append(current)
    return without_tones(x, runs)


def measured(recordings, k, statistic):
    """statistic(recording k, its cycle_runs) (not None), computed once per Recordings and statistic, the
    runs tracked once per Recordings for every statistic."""
    return Recordings.of(recordings).derived(k, _measure, statistic)


def tracked_runs(recordings, k):
    """Recording k's cycle_runs, tracked once per Recordings (the runs `measured` hands its statistics)."""
    return Recordings.of(recordings).derived(k, _track)


def _measure(recordings, k, statistic):
    return statistic(recordings[k], recordings.derived(k, _track))


def _track(recordings, k):
    return cycle_runs(recordings[k])
