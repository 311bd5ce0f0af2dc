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

Read at the file's own rate (thirty-seventh pass): a 16-bit PCM file written above the speech rate keeps its
samples as written (SampleSet.native_audio; not where a codec was read in its samples), and up to NATIVE_MAX_RATE its
pulses are read there (native_pulse_intervals): the cycles tracked at the speech rate, the LPC residual at the file's
rate (order NATIVE_ORDER per 8 kHz of rate, at most NATIVE_MAX_ORDER) upsampled NATIVE_UPSAMPLE times, each cycle's
peak located by the parabola, and the intervals' phases read on the grid of the file's own whole samples. A vocoder
writing at a rate above 16 kHz (festival's HTS voice at 32 kHz) places its pulses on a grid that half of the 16 kHz
grid misses, and the speech rate cannot resolve (the 4 kHz and up of each pulse is cut); at the file's rate flite's
statistical voices lie on it more sharply too. But not every synthesiser's pulses do (Pico's read on the 16 kHz grid
at the speech rate and not at its own 16 kHz), so such a file is read both ways and scored by the larger z less
ln 2: z's tail under a voice is about exp(-z), and the larger of two readings exceeds z at most twice as often
(Bonferroni). A voice's closures fall anywhere whatever the rate, so z keeps Rayleigh's law, and the reference's
calibration (at the speech rate, on the 16 kHz grid) is kept: measured on real 16 kHz speech (docs/studies.md,
"flite's kal16 read at its own rate", thirty-seventh pass).

A third reading at the file's own rate (thirty-eighth pass): SVOX Pico places its pulses at whole 16 kHz samples
too (a period rounded to whole samples each 4 ms frame), but its phase codebook disperses each pulse, so the
residual's peak wanders by fractions of a sample. Neighbouring pulses keep alike shapes, so their distance is read
by matching one pulse's surroundings with the next's (native_lag_intervals, below 4 kHz, where Pico's phases are not
drawn anew each frame); a voice's lags fall anywhere, Pico's pile up at whole samples beside a spread of pairs whose
shapes changed. The test counts one vote per whole-sample lag value the file visits, near where that value's lags lie
within LAG_NEAR of it (a steady voice holds its period, and its lags at one value are one observation, not many), and
takes the binomial tail of the votes (near_whole_z, as -ln of it: exp(-z) at most under a voice, like Rayleigh's z);
the file is scored by the largest of the three z less ln 3 (docs/studies.md, "SVOX Pico's pulses matched by their
shapes", thirty-eighth pass, and "Pulse lags counted per value", thirty-ninth pass).

The pooled reading at the speech rate (fiftieth pass; a profile made since holds `pulse_grid_pooled`, an older one
reads and calibrates as above): a synthesiser written above 8 kHz and resampled to it (a telephone path, `sox -r
8000`) keeps its grid only at the speech rate, where the 16 kHz grid alone missed festival's HTS voice (whole 32 kHz
samples) and read SVOX Pico's dispersed pulses softly. So the speech rate is read twice: Rayleigh's z of the residual
peaks' intervals and the pulses' shape lags (native_lag_intervals on the 8 kHz samples; one per whole-sample value,
lag_values) pooled on the 16 kHz grid, and of the intervals on the 32 kHz grid (FINE_GRID_RATE: a 16 kHz whole sample
is two 32 kHz ones, so a 16 kHz voice lies on it too, more softly); the larger less ln 2, in the reference's
calibration too. A file read as written adds its own
two readings: the largest of the four less ln 4. Every reading counts a run of cycles that repeats an earlier stretch
of the recording once (engine/detectors/distinct_runs.py): z = n R^2 grows with a loop's copies, and a real take looped
ten times read as a grid (docs/studies.md, "A loop-robust pooled pulse grid at the speech rate", fiftieth pass).

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
from engine.data.sampleset import NativeAudio
from engine.detectors import calibration
from engine.detectors.batch import Recordings
from engine.detectors.cycles import MAX_LAG, MIN_LAG, RATE, cycle_runs, measured, tracked_runs
from engine.detectors.detector import RecordingDetector
from engine.detectors.distinct_runs import distinct_runs

ORDER = 10  # LPC order at 8 kHz: the vocal tract's formants below 4 kHz
FRAME, HOP = RATE * 25 // 1000, RATE * 10 // 1000
UPSAMPLE = 16  # the residual's sub-sample resolution before the parabola
GRID_RATE = 2 * RATE  # 16 kHz: the grid the intervals are read on
MIN_INTERVALS = 10
MIN_KEPT = 100  # kept recordings the fitted tail needs
NATIVE_ORDER = 10  # LPC order per 8 kHz of a file's own rate (ORDER at the speech rate)
NATIVE_MAX_ORDER = 24  # and at most: the formants lie below 8 kHz whatever the rate
NATIVE_UPSAMPLE = 8  # the residual's sub-sample resolution at the file's rate
NATIVE_READINGS = 2  # a file read as written adds its residual's peaks and its pulses' lags on its own grid
NATIVE_MARGIN = 256  # samples of the residual kept either side of a run of cycles, beyond the resampler's reach
# No synthesiser writes above 48 kHz: a file above it was resampled there (FFmpeg's loudnorm writes 192 kHz), its own
# whole samples hold no synthesis grid, and its resampler's interpolation can put a voice's residual peaks on them
# (Speech Commands clips through loudnorm read as written: z 8.9 and 10.7, 2 of 40 labelled generated; FFmpeg's
# resampler to 192 kHz alone 6.3; docs/studies.md, "Synthesisers through the channel matrix", fifty-seventh pass).
NATIVE_MAX_RATE = 48000
# The lag reading at the file's own rate (thirty-eighth pass): consecutive pulses matched by their shapes
LAG_LOWPASS = 4000.0  # Hz: the shapes compared below it (SVOX Pico draws its phases above 4.5 kHz anew each frame)
LAG_ORDER = 8  # of the zero-phase Butterworth low-pass there
LAG_HALF = 0.0015  # seconds of each pulse's neighbourhood compared either side of its peak
LAG_SEARCH = 3  # the file's samples either side of the peak-to-peak distance searched for the best match
LAG_UPSAMPLE = 32  # the lag's resolution before the parabola, per sample of the file (no bias toward 1/8 samples)
LAG_MATCH = 0.5  # the normalised correlation a pair of pulses needs for its lag to count
LAG_PERIOD = 0.1  # and the lag within this share of the tracked period (not a pulse matched to a later one)
LAG_NEAR = 0.03  # samples: a lag this near a whole number of samples counts as on the file's grid
# The pooled reading at the speech rate (fiftieth pass; profiles holding POOLED_KEY)
POOLED_KEY = "pulse_grid_pooled"
FINE_GRID_RATE = 4 * RATE  # 32 kHz: festival's HTS voice's whole samples
POOLED_READINGS = 2  # the speech rate pooled on the 16 kHz grid and its intervals on the 32 kHz grid


def lpc_residual(x, order=ORDER, frame=FRAME, hop=HOP):
    """The prediction error of x under an LPC fit per frame (the excitation, its pulses sharp): each Hann-windowed
    frame's predictor inverse-filters the `hop` samples after the frame's first `order` (an FIR, 1 - sum a_k z^-k)."""
    from numpy.lib.stride_tricks import sliding_window_view

    out = np.zeros_like(x)
    starts = np.arange(0, x.size - frame - order, hop)
    if not starts.size:
        return out
    coefficients, solved = lpc.predictors(sliding_window_view(x, frame)[starts] * np.hanning(frame), order)
    errors = lpc.prediction_errors(sliding_window_view(x, order + hop)[starts[solved]], coefficients[solved], order)
    out[(starts[solved, None] + order + np.arange(hop)).ravel()] = errors.ravel()
    return out


def cycle_pulses(fine, runs, scale, upsample, offset=0):
    """The intervals, in samples of the residual's rate, between consecutive pulses of each run of cycles (tracked
    at RATE; `scale` samples of the residual's rate per sample at RATE): in each cycle the largest magnitude of
    `fine` (the residual from sample `offset` on, upsampled `upsample` times), located by a parabola through its
    peak."""
    intervals = []
    for run in runs:
        pulses = []
        for t, _, period in run:
            a, b = int(t * scale * upsample) - offset * upsample, int((t + period) * scale * upsample) - offset * upsample
            magnitude = np.abs(fine[a:b])
            k = int(np.argmax(magnitude)) if magnitude.size else 0
            if not 0 < k < magnitude.size - 1:
                pulses.append(np.nan)
                continue
            left, peak, right = magnitude[k - 1:k + 2]
            curvature = left - 2 * peak + right
            pulses.append((a + k + (0.5 * (left - right) / curvature if curvature < 0 else 0.0)) / upsample)
        gaps = np.diff(pulses)
        intervals.extend(gaps[(gaps >= MIN_LAG * scale) & (gaps <= MAX_LAG * scale)])
    return np.array(intervals)


def pulse_intervals(audio, runs=None):
    """The intervals in samples at RATE between consecutive pulses of each run of tracked cycles
    (`runs`: the recording's cycle_runs, tracked here when not given)."""
    import soxr

    x = np.asarray(audio, dtype=np.float64)
    fine = soxr.resample(lpc_residual(x), RATE, RATE * UPSAMPLE, quality="VHQ")
    return cycle_pulses(fine, cycle_runs(x) if runs is None else runs, 1, UPSAMPLE)


def native_pulse_intervals(native, runs):
    """The intervals in samples of the file's own rate between consecutive pulses, read on its 16-bit samples as
    written (`native`: a NativeAudio, Batch.native) along the cycles tracked at RATE (`runs`)."""
    import soxr

    rate, samples = native.rate, native.samples
    scale = rate / RATE
    order = min(NATIVE_MAX_ORDER, int(round(NATIVE_ORDER * scale)))
    x = np.asarray(samples, dtype=np.float64) / 32768.0
    residual = lpc_residual(x, order, int(round(FRAME * scale)), int(round(HOP * scale)))
    intervals = []
    for run in runs:  # each run's stretch upsampled apart: memory bounded by a run, not by the recording (48 kHz x 8)
        first, last = run[0][0], run[-1][0] + run[-1][2]
        lo = max(0, int(first * scale) - NATIVE_MARGIN)
        hi = min(residual.size, int(np.ceil(last * scale)) + NATIVE_MARGIN)
        fine = soxr.resample(residual[lo:hi], rate, rate * NATIVE_UPSAMPLE, quality="VHQ")
        intervals.extend(cycle_pulses(fine, [run], scale, NATIVE_UPSAMPLE, lo))
    return np.array(intervals)


def native_lag_intervals(native, runs):
    """The lags in samples of the file's own rate between consecutive pulses, each matched by its shape: the
    samples as written (`native`, Batch.native) low-passed at LAG_LOWPASS, each run of cycles (tracked at RATE:
    `runs`) upsampled LAG_UPSAMPLE times, a pulse taken at its cycle's largest magnitude, and the LAG_HALF
    seconds either side of it matched with the next pulse's surroundings slid LAG_SEARCH samples either way
    (normalised correlation; the best lag refined by a parabola). A residual's peak is a poor locator where a
    synthesiser's pulses are dispersed (Pico's phase codebook): a pair's shapes, alike for neighbours, still show
    their distance. Pairs matching below LAG_MATCH or off the tracked period by LAG_PERIOD are left out."""
    import soxr
    from numpy.lib.stride_tricks import sliding_window_view

    from engine.analysis.zero_phase import butterworth_zero_phase

    rate, up = native.rate, LAG_UPSAMPLE
    scale = rate / RATE
    x = np.asarray(native.samples, dtype=np.float64) / 32768.0
    x = butterworth_zero_phase(x, rate, min(LAG_LOWPASS, 0.45 * rate), LAG_ORDER)
    half, search = int(round(LAG_HALF * rate)) * up, LAG_SEARCH * up
    lags = []
    for run in runs:
        lo = max(0, int(run[0][0] * scale) - NATIVE_MARGIN)
        hi = min(x.size, int(np.ceil((run[-1][0] + 2 * run[-1][2]) * scale)) + NATIVE_MARGIN)
        fine = soxr.resample(x[lo:hi], rate, rate * up, quality="VHQ")
        peaks = []
        for t, _, period in run:
            a, b = int(t * scale * up) - lo * up, int((t + period) * scale * up) - lo * up
            magnitude = np.abs(fine[max(a, 0):b])
            peaks.append(max(a, 0) + int(np.argmax(magnitude)) if magnitude.size else -1)
        for (t, _, period), first, second in zip(run, peaks, peaks[1:]):
            if first - half < 0 or second - half - search < 0 or second + half + search + 1 > fine.size:
                continue
            shape = fine[first - half:first + half:up]
            later = sliding_window_view(fine[second - half - search:second + half + search], 2 * half)[:, ::up]
            c = later @ shape / (np.sqrt((later * later).sum(axis=1) * (shape @ shape)) + 1e-30)
            k = int(np.argmax(c))
            if c[k] < LAG_MATCH:
                continue
            offset = 0.0
            if 0 < k < c.size - 1 and c[k - 1] - 2 * c[k] + c[k + 1] < 0:
                offset = 0.5 * (c[k - 1] - c[k + 1]) / (c[k - 1] - 2 * c[k] + c[k + 1])
            lag = (second - first + k - search + offset) / up
            if abs(lag - period * scale) <= LAG_PERIOD * period * scale:
                lags.append(lag)
    return np.array(lags)


def lag_votes(lags):
    """(Whole-sample lag values the lags visit whose lags lie within LAG_NEAR of it (their median distance), values
    visited): one vote per value, as near_whole_z counts them."""
    whole = np.round(lags)
    values = np.unique(whole)
    return sum(int(np.median(np.abs(lags[whole == v] - v)) < LAG_NEAR) for v in values), values.size


def near_whole_z(lags):
    """-ln of the binomial tail of lag_votes: a voice's period bears no relation to the file's samples, so a value's
    vote is near with chance 2 LAG_NEAR; but a steady voice holds its period over many pulses, so its lags at one
    value move together and count once (counted one by one, a held vowel whose period happened to sit near a whole
    sample read as a grid). The tail probability is then at most exp(-z), as Rayleigh's z's is; 0 with fewer than
    MIN_INTERVALS lags."""
    from scipy.stats import binom

    if lags.size < MIN_INTERVALS:
        return 0.0
    near, values = lag_votes(lags)
    return float(-np.log(max(binom.sf(near - 1, values, 2 * LAG_NEAR), 1e-300))) if near else 0.0


def grid_z(intervals, per_sample=GRID_RATE / RATE):
    """(Rayleigh's z of the intervals' phases on a grid of `per_sample` steps per sample of theirs (GRID_RATE's for
    intervals at RATE; 1 for intervals in samples of a file's own rate, read on its own grid), R)."""
    if intervals.size == 0:
        return 0.0, 0.0
    r = abs(np.mean(np.exp(2j * np.pi * intervals * per_sample)))
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


def speech_rate_pulses(audio, runs):
    """(The residual peaks' intervals, the pulses' shape lags), in samples at RATE, along the runs of `runs` that repeat
    no earlier stretch of `audio` (distinct_runs): the pooled reading's material."""
    x = np.asarray(audio, dtype=np.float64)
    runs = distinct_runs(x, runs)
    samples = np.round(np.clip(x, -1.0, 32767 / 32768) * 32768).astype(np.int16)
    return pulse_intervals(x, runs), native_lag_intervals(NativeAudio(RATE, samples, RATE // 2), runs)


def read_as_written(native):
    """Whether a file kept as written (a NativeAudio, or None) is read at its own rate too: up to NATIVE_MAX_RATE."""
    return native is not None and native.rate <= NATIVE_MAX_RATE


def lag_values(lags):
    """One lag per whole 16 kHz sample value the lags (in samples at RATE) visit, at their mean phase on that grid: a
    steady voice holds its period, and its lags at one value are one observation (near_whole_z's rule), where counted
    one by one a held vowel whose period sat near a whole sample would read as a grid."""
    on_grid = lags * (GRID_RATE / RATE)
    values = np.round(on_grid)
    phases = [np.angle(np.mean(np.exp(2j * np.pi * on_grid[values == v]))) for v in np.unique(values)]
    return np.array(phases) / (2 * np.pi) / (GRID_RATE / RATE)


def pooled_readings(intervals, lags):
    """[Rayleigh's z of the intervals pooled with the lags' values (lag_values) on the 16 kHz grid, of the intervals on
    the 32 kHz grid], each 0 with fewer than MIN_INTERVALS."""
    pooled = np.concatenate([intervals, lag_values(lags)])
    return [grid_z(pooled)[0] if pooled.size >= MIN_INTERVALS else 0.0,
            grid_z(intervals, FINE_GRID_RATE / RATE)[0] if intervals.size >= MIN_INTERVALS else 0.0]


def pooled_scores(recordings):
    """(n,) scores: the larger pooled reading less ln POOLED_READINGS, never below 0; 0 for no waveform."""
    recordings = Recordings.of(recordings)
    out = np.zeros(len(recordings))
    for k, audio in enumerate(recordings):
        if audio is not None:
            out[k] = max(0.0, max(pooled_readings(*measured(recordings, k, speech_rate_pulses)))
                         - np.log(POOLED_READINGS))
    return out


class PulseGrid(RecordingDetector):
    name = "pulse-grid"
    min_kept = MIN_KEPT
    score_recordings = staticmethod(grid_scores)
    arrays = ("cal_pulse_grid", POOLED_KEY)
    added_later = (POOLED_KEY,)  # profiles made before the pooled reading: the 16 kHz grid alone, every run

    @classmethod
    def calibrate(cls, audio, pooled=True):
        """The reference recordings' scores, pooled (and the key saying so) unless an older profile is refitted."""
        if not pooled:
            return {"cal_pulse_grid": grid_scores(audio)}
        return {"cal_pulse_grid": pooled_scores(audio), POOLED_KEY: np.array(POOLED_READINGS)}

    def __init__(self, profile):
        self.tail = calibration.tail_model(profile["cal_pulse_grid"])
        self.pooled = POOLED_KEY in profile
        self.method = ("Rayleigh's z of the spacing of consecutive glottal pulses (LPC residual peaks located to a "
                       f"fraction of a sample) on the grid of whole {GRID_RATE // 1000} kHz samples: a vocoder places "
                       "its pulses at whole samples of its rate, a voice anywhere; calibrated on every kept reference "
                       "recording; a 16-bit PCM file written above the speech rate (up to 48 kHz) read at its own "
                       "rate, on its own samples' grid"
                       + ("; at the speech rate the pulses' shape lags pooled with the intervals, and the intervals on "
                          f"the {FINE_GRID_RATE // 1000} kHz grid too, a run repeating an earlier stretch counted once"
                          if self.pooled else ""))
        self._native = None  # (batch, {file: its intervals read at its own rate}) of the last batch scored

    def scores(self, batch):
        """grid_scores (pooled_scores for a pooled profile); a file whose samples the batch keeps as written
        (Batch.native) read at its own rate too, its residual's peaks and its pulses' lags, scored by the largest z
        less ln of the readings' number (the module's docstring), never below 0."""
        recordings = batch.recordings()
        out = (pooled_scores if self.pooled else grid_scores)(recordings)
        for g, native in enumerate(batch.native):
            if read_as_written(native) and recordings[g] is not None:
                intervals, lags = self.native_intervals(batch, g)
                readings = self.speech_rate_readings(recordings, g) + [
                    grid_z(intervals, 1.0)[0] if intervals.size >= MIN_INTERVALS else 0.0, near_whole_z(lags)]
                out[g] = max(0.0, max(readings) - np.log(len(readings)))
        return out

    def speech_rate_readings(self, recordings, g):
        """Recording g's z at the speech rate: pooled_readings for a pooled profile, else the 16 kHz grid's alone."""
        if self.pooled:
            return pooled_readings(*measured(recordings, g, speech_rate_pulses))
        intervals = measured(recordings, g, pulse_intervals)
        return [grid_z(intervals)[0] if intervals.size >= MIN_INTERVALS else 0.0]

    def native_intervals(self, batch, g):
        """(The intervals of file g's residual peaks read at its own rate (native_pulse_intervals), its pulses' lags
        (native_lag_intervals)), read once for score and reason."""
        if self._native is None or self._native[0] is not batch:
            self._native = (batch, {})
        found = self._native[1]
        if g not in found:
            runs = tracked_runs(batch.recordings(), g)
            runs = distinct_runs(batch.recordings()[g], runs) if self.pooled else runs
            found[g] = (native_pulse_intervals(batch.native[g], runs), native_lag_intervals(batch.native[g], runs))
        return found[g]

    def informative(self, samples):
        """A recording that clips says nothing here (engine/data/clipping.py): its flat tops put pulses on samples."""
        return super().informative(samples) and not (samples.meta.get("channel") or {}).get("clipping")

    def recording_reason(self, audio, batch, g, score, p):
        recordings = batch.recordings()
        if self.pooled:
            intervals, lags = measured(recordings, g, speech_rate_pulses)
            values = lag_values(lags)
            readings = [(np.concatenate([intervals, values]), GRID_RATE / RATE,
                         f"whole {GRID_RATE // 1000} kHz samples",
                         f"{intervals.size} intervals between consecutive pitch pulses and {lags.size} lags of pulses "
                         f"matched by their shapes (at {values.size} values, one each)"),
                        (intervals, FINE_GRID_RATE / RATE, f"whole {FINE_GRID_RATE // 1000} kHz samples",
                         f"{intervals.size} intervals")]
            runs = tracked_runs(recordings, g)
            repeated = len(runs) - len(distinct_runs(audio, runs))
            repeat_said = (f"; {repeated} runs of cycles repeating an earlier stretch of the recording counted once"
                           if repeated else "")
        else:
            intervals = measured(recordings, g, pulse_intervals)
            readings = [(intervals, GRID_RATE / RATE, f"whole {GRID_RATE // 1000} kHz samples",
                         f"{intervals.size} intervals between consecutive pitch pulses")]
            repeat_said = ""
        lag_said = ""
        if read_as_written(batch.native[g]):
            intervals, lags = self.native_intervals(batch, g)
            readings.append((intervals, 1.0,
                             f"the file's own whole samples at {batch.native[g].rate / 1000:g} kHz, read as written",
                             f"{intervals.size} intervals"))
            lag_said = (f"; {lags.size} lags between consecutive pulses matched by their shapes below "
                        f"{LAG_LOWPASS / 1000:g} kHz, ")
            if lags.size >= MIN_INTERVALS:
                near, values = lag_votes(lags)
                lag_said += (f"at {values} whole-sample values of the file, {near} of them with their lags within "
                             f"{LAG_NEAR} ({2 * LAG_NEAR:.0%} by chance; z = {near_whole_z(lags):.1f})")
            else:
                lag_said += f"too few to read (of {MIN_INTERVALS})"
        said = [f"{what} on the grid of {grid}: "
                + (f"concentration R = {grid_z(found, per)[1]:.2f} (Rayleigh z = {grid_z(found, per)[0]:.1f})"
                   if found.size >= MIN_INTERVALS else f"too few to read (of {MIN_INTERVALS})")
                for found, per, grid, what in readings]
        n = len(readings) + bool(lag_said)
        several = f"; the largest z less ln {n} for the {n} readings" if n > 1 else ""
        return (f"pulse-grid: {'; '.join(said)}{lag_said}{repeat_said} (z about 1 for pulses placed anywhere, as a "
                f"voice places them{several}); tail probability {p:.2g}")
