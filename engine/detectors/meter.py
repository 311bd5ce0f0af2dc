"""Meter: whether a piece's notes fall where the reference's notes fall in the bar.

A chorale is written in a meter: its half notes start on the strong beats, its quarter notes on
the beats, its eighth notes on the eighths, and that grid runs through the whole piece. A model
without a sense of position in the bar (a Markov chain over chord events, whose lengths it draws
one after another; any splice of fragments taken at different places in their bars) lets its
notes drift across the grid: a half note on a weak beat, a quarter note between beats. Chains
over chords keep every chord and transition (chroma, copying and familiarity look at those);
where they splice, the meter breaks, whatever corpus they were trained on.

The reference's metric template: for each class of note length (LENGTH_CLASSES, in sixteenth-note
steps) the distribution of its onsets over the positions of a metric period (PERIODS: 8 steps, a
half bar of 4/4; 12, a bar of 3/4), learned from the reference files' notes (every run of one
pitch) by hard expectation-maximisation: each file is placed at the period and phase under which
its notes are likeliest, the templates are counted again from the placed files (add-one
smoothing), EM_ROUNDS times, starting from every file placed in a half bar by its half notes (a
uniform start ties every phase). Each distribution is mixed with FLOOR of a uniform one, so that
one odd note (an ornament, a note cut at the file's end) costs at most log(1/FLOOR) and not
the log of a count in the thousands (tuning, the start and the mixing together: 34 of 100
first-order 8-bar chains reach a Bonferroni share's threshold, 27 without). A file's statistic is its notes' mean surprise under the templates
at its own best period and phase, -max over (period, phase) of the mean over its notes of
log(P_period(position | length class) * period): the log of the period makes periods of
different lengths comparable (a note placed at random scores 0 either way). A real chorale
scores a median -1.0 (its notes are where the template expects them), a first-order chord chain
-0.4 (8 bars) to -0.25 (16 bars). The score is the signed square d|d| of the statistic's distance
d from the reference files' median, for the reason tonality's is (engine/detectors/tonality.py):
the calibration's exponential tail model extrapolates a roughly normal statistic far too
cautiously, its square well.

Invariances: positions are taken modulo the period at the file's own best phase (a file shifted
in time scores the same), lengths and positions are in sixteenth-note steps (the piano roll reads
them from the tempo map, so tempo and MIDI resolution change nothing), pitches are not read
(transposition changes nothing) and a note is any run of an on pitch (velocity changes nothing).
The templates are fitted, so the calibration is cross-fitted.
"""
import numpy as np

from engine.detectors import calibration
from engine.detectors.copying import file_roll, file_rolls
from engine.detectors.detector import CROSS_FITTED, Detector, median
from engine.detectors.voice_leading import note_runs

LENGTH_CLASSES = np.array([1, 2, 3, 4, 6, 8, 12])  # lower bounds, in sixteenth-note steps
PERIODS = (8, 12)  # half a 4/4 bar, a 3/4 bar
EM_ROUNDS = 5
LONG_CLASS = 3  # a quarter note or more: the classes the reason counts
OFF_GRID = 0.05  # a position where the template puts less than this share of a class's notes
FLOOR = 0.05  # share of a uniform placement mixed into each template: one odd note costs at most log(1/FLOOR)
FIRST_PLACEMENT = 8  # notes at least this long (a half note) place a file before there is a template


def notes_of(roll):
    """(onsets, length classes) of the notes (runs of one pitch) of a boolean (128, steps) roll."""
    onsets, lengths = note_runs(roll)
    return onsets, np.searchsorted(LENGTH_CLASSES, lengths, side="right") - 1


def log_templates(counts):
    """{period: log P(position | length class)}, each distribution mixed with FLOOR of a uniform one."""
    return {p: np.log((1 - FLOOR) * c / c.sum(axis=1, keepdims=True) + FLOOR / p) for p, c in counts.items()}


def placement(onsets, classes, templates):
    """(mean log-likelihood ratio per note against a random placement, period, phase) at the file's best period and phase."""
    if onsets.size == 0:
        return 0.0, PERIODS[0], 0
    best = (-np.inf, PERIODS[0], 0)
    for period, log_t in templates.items():
        for phase in range(period):
            total = log_t[classes, (onsets - phase) % period].sum() + np.log(period) * onsets.size
            if total > best[0]:
                best = (total, period, phase)
    return best[0] / onsets.size, best[1], best[2]


def first_phase(onsets, classes):
    """The commonest onset of a file's long notes modulo the first period: where its strong beats are."""
    long_notes = classes >= np.searchsorted(LENGTH_CLASSES, FIRST_PLACEMENT)
    return int(np.argmax(np.bincount(onsets[long_notes] % PERIODS[0], minlength=PERIODS[0])))


def fit_templates(notes):
    """{period: (len(LENGTH_CLASSES), period) onset counts} by hard EM over the files' (onsets, classes),
    starting from every file placed in the first period by its long notes (a uniform start ties every
    phase, and the first would win)."""
    counts = {p: np.ones((len(LENGTH_CLASSES), p)) for p in PERIODS}
    for onsets, classes in notes:
        np.add.at(counts[PERIODS[0]], (classes, (onsets - first_phase(onsets, classes)) % PERIODS[0]), 1)
    for _ in range(EM_ROUNDS):
        templates = log_templates(counts)
        counts = {p: np.ones((len(LENGTH_CLASSES), p)) for p in PERIODS}
        for onsets, classes in notes:
            _, period, phase = placement(onsets, classes, templates)
            np.add.at(counts[period], (classes, (onsets - phase) % period), 1)
    return counts


def statistic(notes, templates):
    """Per file: its notes' mean surprise at its best period and phase (higher = less metrical)."""
    return np.array([-placement(onsets, classes, templates)[0] for onsets, classes in notes])


def signed_square(stat, centre):
    d = stat - centre
    return d * np.abs(d)


def counts_of(profile):
    return {p: profile[f"meter_counts_{p}"] for p in PERIODS}


class Meter(Detector):
    name = "meter"
    modalities = ("music",)
    calibration = CROSS_FITTED
    arrays = tuple(f"meter_counts_{p}" for p in PERIODS) + ("meter_centre", "cal_meter")

    @classmethod
    def fit(cls, ref, groups, n_groups, cross_fitted):
        """Templates and median fitted on every reference file, calibration cross-fitted."""
        notes = [notes_of(r) for r in file_rolls(ref.x, groups)]
        counts = fit_templates(notes)
        centre = float(np.median(statistic(notes, log_templates(counts))))

        def fold_scores(train, held):
            train_files, held_files = np.unique(groups[train]), np.unique(groups[held])
            templates = log_templates(fit_templates([notes[f] for f in train_files]))
            fold_centre = np.median(statistic([notes[f] for f in train_files], templates))
            return signed_square(statistic([notes[f] for f in held_files], templates), fold_centre)

        return {**{f"meter_counts_{p}": counts[p] for p in PERIODS}, "meter_centre": np.array(centre),
                "cal_meter": cross_fitted(groups, n_groups, fold_scores)}

    def __init__(self, profile):
        self.templates = log_templates(counts_of(profile))
        self.centre = float(profile["meter_centre"])
        self.tail = calibration.tail_model(profile["cal_meter"])
        self.method = ("signed square of the distance from the reference files' median of the file's notes' mean surprise "
                       "under the reference's metric templates (onset position of each note-length class in a half bar "
                       "of 4/4 or a bar of 3/4, fitted by EM) at the file's best meter and phase (a model without a "
                       "sense of the bar, or splicing fragments, puts notes off the grid); calibration cross-fitted")

    def scores(self, batch):
        notes = [notes_of(r) for r in file_rolls(batch.x, batch.groups)]
        return signed_square(statistic(notes, self.templates), self.centre)

    def reason(self, batch, g, score, p):
        onsets, classes = notes_of(file_roll(batch.x, batch.groups, g))
        fit, period, phase = placement(onsets, classes, self.templates)
        fit = round(float(fit), 2) + 0.0  # no "-0.00"
        share = np.exp(self.templates[period])
        long_notes = classes >= LONG_CLASS
        off = share[classes[long_notes], (onsets[long_notes] - phase) % period] < OFF_GRID
        off_share = float(off.mean()) if long_notes.any() else 0.0
        meter = "a half bar of 4/4" if period == 8 else "a bar of 3/4"
        return (f"meter: read in {meter}, its notes fit the reference's metric template by {fit:.2f} nats per note "
                f"over a random placement (reference files: median {-self.centre:.2f}); {off_share:.0%} of its "
                f"{int(long_notes.sum())} notes of a quarter or longer start where fewer than {OFF_GRID:.0%} of the "
                f"reference's notes of their length start; score {score:.2f} (reference calibration files: median "
                f"{median(self.tail):.2f}); tail probability {p:.2g}")
