"""Repeated cycle: whether any pitch cycle of a recording repeats the one before it exactly, or a quiet stretch
copies the waveform an echo's delay before it.

A microphone never records the same waveform twice: the glottis, aspiration and room noise
change every cycle, and a recording's quiet stretches hold noise that is not periodic at all. A
concatenative synthesiser that stretches a stored unit to its target duration duplicates the
unit's pitch-synchronous frames: festival's diphone voices (UniSyn, residual-excited LPC) keep
placing pitch marks at a fixed period through their pauses and write the same frame there over
and over, so stretches 40-60 dB under the speech repeat sample for sample; some of flite's
voiced frames repeat too. The statistic, on the waveform at the speech rate
(engine/data/representations.py):

- pitch cycles are tracked as cycle-jitter tracks them (engine/detectors/cycles.py: once per
  recording for the three detectors of the cycle), at any level: a repeat in a pause counts as
  much as one in a vowel;
- each cycle is matched with the next period (normalised correlation c after removing the mean,
  the lag refined to a fraction of a sample);
- a cycle whose steps from sample to sample hold less than MIN_BITS of information (their number times
  the entropy of their values) is left out: on a codec's coarse grid (A-law writes a faint hum or a quiet
  room's noise as a square wave of its two innermost levels) such a cycle matches the next by chance, whoever
  made it;
- its closeness = -log10 of the smallest 1 - c of the recording, capped at MAX_SCORE (0 with no
  cycle); the profile keeps the reference recordings' closeness (`cal_repeated_cycle`);
- score = the closeness where it reaches PLAUSIBLE (1 - c = 10^-6), 0 below it.

How closely a voice repeats depends on the recording chain, not on the voice: FSDD's recorders (8-bit
and noisy) keep every real take's smallest 1 - c above 10^-3.3 (george, jackson and lucas takes 0-19;
400 other takes of the four speakers, clean and through codecs, rooms and gain controls, above
10^-3.2), but clean studio read speech repeats closer: LJ Speech 10^-3.8, CMU Arctic sentences
10^-4.1, a 44.1 kHz Praat example 10^-4.0. Graded against FSDD's reference, such recordings read as
synthetic (docs/studies.md, fourteenth pass). A duplicated frame repeats sample for sample: 10^-12 and
beyond (festival `kal_diphone`, `pc_diphone`, `czech_machac`: every digit; docs/studies.md, "Speech
synthesis: unit joins of diphone voices (2026-12-01, ninth pass)"). So a closeness short of PLAUSIBLE, two
decades past the closest real repeat measured, counts as 0 (tail probability 1), and one beyond it keeps
its tail probability under the exponential tail fitted on the reference's closeness (calibration.tail_model,
an ordinary share: no floor weight). Setting a real file's score to 0 below the bound can only raise its
tail probability, so the rate of real files labelled generated stays at most alpha. A bound no voice
reaches does not grow with a recording's length, so long recordings are judged whole (no segments). The
price: a synthesiser whose closest repeats lie between FSDD's and PLAUSIBLE (flite `kal` 10^-4.3 to 10^-4.8
in some digits; `lpc-lattice` catches it) is not read by this detector. It fits nothing.

A-law decodes everything within 1/2048 of full scale to its two innermost levels, so the pauses of real
recordings through it (outside speech, 8 kHz A-law: 2 of 47) held 20-sample stretches of two values that
repeated exactly (1 - c 10^-14): 6 bits of steps each. The steps, not the values, are counted because a
square wave's values look random (32 samples of two values: 32 bits) while its steps are nearly all 0 (13
bits), however long its period. festival's and flite's duplicated frames through A-law and mu-law hold 68-210
bits of steps (80-98 samples of 3-11 values), clean 500 and more. A random pattern of MIN_BITS bits matches a
given one with chance 2^-32, so a recording's thousand cycles do not reach the bound by chance (docs/studies.md,
"Outside speech through channels", thirty-first pass).

The echo copy (engine/detectors/echo_copy.py): espeak-ng's echoing voices (`en+f2`, `f3`, `f4`, `f5`, ...) write
their last 120-140 ms, and any pause, as the sound 120-140 ms before it scaled by 10-15/256, rounded; such a window
is that earlier waveform through a short filter, unexplained to 10^-3.3-10^-6.6 of its power at 8 kHz; real
recordings' quiet windows stay above 10^-1.9 (3,863 of eleven sets; docs/studies.md, "espeak-ng's echo",
thirty-sixth pass). Its closeness counts from ECHO_PLAUSIBLE, a decade past the closest real copy measured, as a
cycle repeat at PLAUSIBLE plus its excess, and 0 below it: like PLAUSIBLE, a bound no recorded voice reaches, so real
files' tail probabilities are those of the cycles' reading; the profile's calibration (the cycles' closeness) is
unchanged.

The native copy (engine/detectors/native_copy.py): festival's diphone voices written at 16 kHz (`ked_diphone`,
`rab_diphone`) repeat a stored 10 ms frame in the pause closing a short word, but for a period or two only, which the
speech rate's resampler blurs below PLAUSIBLE; in the file's 16-bit samples as written the copy is exact (57-294
samples, 170-1,400 bits of steps), and a stretch of COPY_BITS or more equal to the one a period before it counts as
MAX_SCORE. Real 16-bit recordings above 8 kHz reach 69 bits at most (964 of eight sets; docs/studies.md,
"Diphone and MBROLA voices on short words", fortieth pass); the reference, at the speech rate, is not read so, and
its calibration is unchanged.

What it cannot see: a synthesiser that never duplicates a frame (statistical and HTS voices;
most of flite's diphone output); a repeat undone on the way (GSM 06.10's long-term predictor, MP3,
Vorbis, added noise); a period that is no whole number of 8 kHz samples (not measured). What it
would wrongly call synthetic: a recording whose quiet stretches are a digital loop, or hold a
periodic tone with no noise above the quantisation step (an electronic hum, not a microphone's).
"""
import numpy as np

from engine.detectors import calibration
from engine.detectors.batch import Recordings
# the cycles' tracker and its sub-sample matcher of one period with the next (one tracker for the detectors of the cycle)
from engine.detectors.cycles import RATE, cycle_runs, measured, next_period_match
from engine.detectors.detector import RecordingDetector
from engine.detectors.echo_copy import closest_echo, echo_closeness
from engine.detectors.native_copy import COPY_BITS, exact_copy

MAX_SCORE = 12.0  # -log10 of 1 - c where rounding, not the waveform, sets the difference
PLAUSIBLE = 6.0  # -log10 of 1 - c that no recorded voice reaches (module docstring)
MIN_KEPT = 100  # kept recordings the fitted tail needs
MIN_BITS = 32.0  # a cycle's information (its steps x the entropy of their values, bits) a chance match falls short of
ECHO_PLAUSIBLE = 3.0  # -log10 of an echo copy's unexplained share that no recorded voice reaches (module docstring)


def cycle_bits(cycle):
    """The information of a cycle's steps from sample to sample, in bits: their number times the entropy of their
    values (a codec's grid leaves few, a square wave nearly all 0; a continuous waveform, one per step)."""
    steps = np.diff(np.asarray(cycle, dtype=np.float64))
    _, counts = np.unique(steps, return_counts=True)
    return float(-(counts * np.log2(counts / steps.size)).sum())


def closest_repeat(audio, runs=None):
    """(1 - c, start sample, cycle RMS relative to the loudest cycle) of the recording's cycle of at least
    MIN_BITS that the next period matches best; None without such a cycle. `runs`: its cycle_runs,
    tracked here when not given."""
    x = np.asarray(audio, dtype=np.float64)
    best, loudest = None, 0.0
    for run in cycle_runs(x) if runs is None else runs:
        for t, window, period in run:
            rms = float(np.sqrt(np.mean(x[t:t + window] ** 2)))
            loudest = max(loudest, rms)
            if cycle_bits(x[t:t + window]) < MIN_BITS:  # too few changes to tell a repeat from chance
                continue
            found = next_period_match(x, t, window, int(np.floor(0.85 * period)), int(np.ceil(1.15 * period)))
            if found is not None and (best is None or 1 - found[1] < best[0]):
                best = (max(0.0, 1 - found[1]), t, rms)
    return None if best is None else (best[0], best[1], best[2] / loudest)


def repeat_scores(recordings):
    """(n,) closeness: -log10 of the smallest 1 - c, capped at MAX_SCORE; 0 for no waveform or no cycle."""
    recordings = Recordings.of(recordings)
    out = np.zeros(len(recordings))
    for k, audio in enumerate(recordings):
        found = measured(recordings, k, closest_repeat) if audio is not None else None
        if found is not None:
            out[k] = min(MAX_SCORE, -np.log10(max(found[0], 10 ** -MAX_SCORE)))
    return out


def counted_closeness(closeness):
    """The scores of closeness values: the closeness where it reaches PLAUSIBLE, 0 below it."""
    closeness = np.asarray(closeness, dtype=np.float64)
    return np.where(closeness >= PLAUSIBLE, closeness, 0.0)


def enough_bits(window):
    """Whether a window changes enough (MIN_BITS of steps) to tell a copy from chance."""
    return cycle_bits(window) >= MIN_BITS


def echo_of(recordings, k):
    """closest_echo of recording k (None for no waveform), derived once per Recordings."""
    return None if recordings[k] is None else closest_echo(recordings[k], enough_bits)


def counted_echo(closeness):
    """The scores of echo copies' closeness: PLAUSIBLE plus its excess over ECHO_PLAUSIBLE where it reaches it,
    0 below."""
    closeness = np.asarray(closeness, dtype=np.float64)
    return np.where(closeness >= ECHO_PLAUSIBLE, PLAUSIBLE + closeness - ECHO_PLAUSIBLE, 0.0)


def counted_scores(recordings):
    """(n,) scores: the larger of the cycles' counted closeness and the echo copy's."""
    recordings = Recordings.of(recordings)
    echo = [echo_closeness(recordings.derived(k, echo_of)) for k in range(len(recordings))]
    return np.maximum(counted_closeness(repeat_scores(recordings)), counted_echo(echo))


class RepeatedCycle(RecordingDetector):
    name = "repeated-cycle"
    min_kept = MIN_KEPT
    score_recordings = staticmethod(repeat_scores)  # the closeness, as the profile keeps it
    arrays = ("cal_repeated_cycle",)

    def __init__(self, profile):
        closeness = np.asarray(profile["cal_repeated_cycle"], dtype=np.float64)
        self.closest_reference = float(closeness.max())
        self.tail = calibration.tail_model(closeness)
        self._copies = None  # (batch, {file: exact_copy}) of the last batch scored
        self.method = ("-log10 of the smallest 1 - c over the recording's pitch cycles, c the normalised correlation "
                       "of a cycle with the next (aligned to a fraction of a sample; cycles at any level, pauses "
                       f"included), counted from {PLAUSIBLE:.0f}: no microphone recording repeats a cycle that closely, a "
                       "concatenative synthesiser duplicating a stored frame does; or a quiet stretch's copy of the "
                       f"waveform 50-250 ms before it, unexplained to 1e-{ECHO_PLAUSIBLE:.0f} of its power or less (a "
                       "digital echo, as espeak-ng's echoing voices add; counted from the same bound on); or, in a "
                       "16-bit file as written above 8 kHz, a stretch equal sample for sample to the one a pitch period "
                       f"before it ({COPY_BITS:.0f} bits of steps or more: a copy, 1 - c = 0); calibrated on every kept "
                       "reference recording")

    def scores(self, batch):
        """counted_scores; a file whose samples the batch keeps as written (Batch.native) holding an exact copy of a
        period (engine/detectors/native_copy.py) scores MAX_SCORE, a cycle repeated with 1 - c = 0."""
        out = counted_scores(batch.recordings())
        for g in range(len(out)):
            if self.native_copy(batch, g) is not None:
                out[g] = MAX_SCORE
        return out

    def native_copy(self, batch, g):
        """exact_copy of file g's samples as written (None where the batch keeps none), read once per batch for
        score and reason."""
        if batch.native[g] is None:
            return None
        if self._copies is None or self._copies[0] is not batch:
            self._copies = (batch, {})
        found = self._copies[1]
        if g not in found:
            found[g] = exact_copy(batch.native[g])
        return found[g]

    def recording_reason(self, audio, batch, g, score, p):
        copy = self.native_copy(batch, g)
        if copy is not None:
            bits, start, length, lag = copy
            rate = batch.native[g].rate
            return (f"repeated-cycle: the {length} samples at {start / rate:.3f} s of the file as written "
                    f"({rate / 1000:g} kHz) repeat those {lag} samples ({1000 * lag / rate:.1f} ms) before them "
                    f"exactly, {bits:.0f} bits of steps: a stored frame written again, which no microphone's noise "
                    f"repeats (a chance copy falls short of {COPY_BITS:.0f} bits); tail probability {p:.2g}")
        echo = batch.recordings().derived(g, echo_of)
        if score > 0 and counted_echo(echo_closeness(echo)) >= score:
            share, delay, start, gain = echo
            return (f"repeated-cycle: the stretch at {start / RATE:.2f} s is the waveform {1000 * delay / RATE:.0f} "
                    f"ms before it, {-gain:.0f} dB down, to within {share:.1e} of its power: a digital echo, beyond "
                    f"what a recorded voice copies (1e-{ECHO_PLAUSIBLE:.0f}); tail probability {p:.2g}")
        found = measured(batch.recordings(), g, closest_repeat)
        if found is None:
            return f"repeated-cycle: no pitch cycle tracked; tail probability {p:.2g}"
        gap, start, level = found
        difference = f"{gap:.1e}" if gap > 0 else "0, a sample-for-sample repeat"
        reading = ("beyond what a recorded voice repeats" if score > 0 else
                   "within what a recorded voice repeats")
        return (f"repeated-cycle: the pitch cycle at {start / RATE:.2f} s, {20 * np.log10(max(level, 1e-12)):.0f} dB "
                f"re its loudest cycle, differs from the next by 1 - c = {difference}, {reading} (1e-{PLAUSIBLE:.0f}; "
                f"the reference's closest repeat: {10 ** -self.closest_reference:.1e}); tail probability {p:.2g}")
