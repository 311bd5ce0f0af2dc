"""Meter shift: whether a piece's notes keep one place in the bar from beginning to end.

A chorale keeps its beat: once its half notes fall on the strong beats and its quarter notes on
the beats, they do so to the end (a pickup moves where the grid starts, not the grid). A chain
over chord events joins fragments where one or two chords are identical, and it draws each
fragment's place in the bar from nowhere: at every join the grid may jump. A first-order chain
trained on chorales the case has never seen jumps by an eighth note at about 40 % of its joins,
so its fragments sit on different grids; each fragment is metrical, and a chain's file as a whole
fits `meter`'s template (engine/detectors/meter.py) about as well as a real chorale whose
rhythm is freer, so `meter`, reading the best single phase, sees few of them.

The statistic reads the change of grid itself. Each note is scored by `meter`'s templates (the
log-likelihood ratio of its onset position for its length class against a random placement,
under each of the 20 metric states: 8 phases of a half bar of 4/4, 12 of a bar of 3/4); a
Viterbi path over the notes' onset times may change state at a cost of PENALTY nats; the
statistic is how many nats per note the best path gains over the best single state for the
whole file (0 when no change pays for itself). Per note, because the real files whose grid does
change are long pieces with instrumental interludes in another rhythm (bwv248.64-6: 126 nats over
68 bars at 4 nats a change), and a chain's changes come at every few joins whatever its length.
On the reference `bach[0:300]` (cross-fitted) 87 % of the files gain nothing, the 90th percentile
is 0.003 nats per note and the largest 0.22; first-order chains trained on chorales the case lacks
gain a median 0.41 (8 bars) to 0.53 (16 bars). PENALTY was chosen on the tuning chains (docs/studies.md,
nineteenth pass): at 3-4 nats a change 82-85 % of the 8-bar first-order chains reach a Bonferroni
share's threshold alone, at 6 nats 55 %; the total gain instead of the per-note one reaches it in
0-11 % at 4-16 nats (the interludes' 126 nats set the tail).

What it reads, and what it does not: positions relative to the file's own grid (a file shifted
in time scores the same, and cutting a file cannot create a change of grid: an excerpt gains only
from changes the piece itself has; it does not read how a file begins or ends), lengths and
positions in sixteenth-note steps (tempo and MIDI resolution change nothing), no pitch
(transposition changes nothing), notes as runs of on pitches (velocity changes nothing). It does
not see joins that keep the beat: a chain of order 2 or more over chord events mostly joins at
whole beats, where the roll does not mark the bar well enough (docs/studies.md, fourth pass).
It reads `meter`'s templates from the profile; its own calibration is cross-fitted (each fold's
templates fitted without its files).
"""
import numpy as np

from engine.detectors import calibration, meter
from engine.detectors.copying import file_roll, file_rolls
from engine.detectors.detector import CROSS_FITTED, Detector, median

PENALTY = 4.0  # nats a change of metric state costs
BAR = 16  # sixteenth-note steps in a 4/4 bar (engine/data/representations.py)


def _states(templates):
    return [(period, phase) for period in templates for phase in range(period)]


def onset_scores(onsets, classes, templates):
    """(distinct onset times, (times, states) summed log-likelihood ratios of the notes starting there)."""
    times, at = np.unique(onsets, return_inverse=True)
    columns = [np.bincount(at, weights=templates[period][classes, (onsets - phase) % period] + np.log(period),
                           minlength=times.size) for period, phase in _states(templates)]
    return times, np.array(columns).T


def best_path(onsets, classes, templates):
    """(gain in nats per note of the best path over the best single state, onset steps where the path changes state)."""
    if onsets.size == 0:
        return 0.0, []
    times, scores = onset_scores(onsets, classes, templates)
    total = scores[0].copy()
    came_from = np.zeros(scores.shape, dtype=np.int64)  # the state each state's best path was in one onset before
    for t in range(1, len(times)):
        stay, leave = total, total.max() - PENALTY
        came_from[t] = np.where(stay >= leave, np.arange(total.size), int(np.argmax(total)))
        total = np.maximum(stay, leave) + scores[t]
    state, changes = int(np.argmax(total)), []
    for t in range(len(times) - 1, 0, -1):
        before = int(came_from[t, state])
        if before != state:
            changes.append(int(times[t]))
        state = before
    # a path that never changes state is the best single state: exactly 0 (no rounding residue)
    return (float(total.max() - scores.sum(axis=0).max()) / onsets.size if changes else 0.0), changes[::-1]


def gains(notes, templates):
    return np.array([best_path(onsets, classes, templates)[0] for onsets, classes in notes])


class MeterShift(Detector):
    name = "meter-shift"
    modalities = ("music",)
    calibration = CROSS_FITTED
    # it reads meter's templates (meter.Meter.arrays, which every music profile with these holds)
    arrays = ("cal_meter_shift",)

    @classmethod
    def present(cls, profile):
        return super().present(profile) and meter.Meter.present(profile)

    @classmethod
    def fit(cls, ref, groups, n_groups, cross_fitted):
        notes = [meter.notes_of(r) for r in file_rolls(ref.x, groups)]

        def fold_scores(train, held):
            train_files, held_files = np.unique(groups[train]), np.unique(groups[held])
            templates = meter.log_templates(meter.fit_templates([notes[f] for f in train_files]))
            return gains([notes[f] for f in held_files], templates)

        return {"cal_meter_shift": cross_fitted(groups, n_groups, fold_scores)}

    def __init__(self, profile):
        self.templates = meter.log_templates(meter.counts_of(profile))
        self.tail = calibration.tail_model(profile["cal_meter_shift"])
        self.method = (f"nats per note gained over the file's best single meter and phase by letting the phase change (at "
                       f"{PENALTY:.0f} nats a change) along its notes, under the reference's metric templates (those of "
                       "`meter`): a chain that joins fragments from different places in the bar changes its grid; "
                       "calibration cross-fitted")

    def scores(self, batch):
        return gains([meter.notes_of(r) for r in file_rolls(batch.x, batch.groups)], self.templates)

    def reason(self, batch, g, score, p):
        onsets, classes = meter.notes_of(file_roll(batch.x, batch.groups, g))
        gain, changes = best_path(onsets, classes, self.templates)
        where = ", ".join(f"{t / BAR + 1:.2f}" for t in changes[:4]) + (" ..." if len(changes) > 4 else "")
        times = f"{len(changes)} time" + ("s" if len(changes) > 1 else "")
        moved = (f"its notes' place in the bar moves {times} (at 4/4 bar {where}, counted from the file's start)"
                 if changes else "its notes keep one place in the bar")
        return (f"meter-shift: {moved}; letting it move fits the reference's metric template better by {gain:.3f} nats "
                f"per note than the best single meter and phase, at {PENALTY:.0f} nats a move (reference calibration files: "
                f"median {median(self.tail):.3f}); tail probability {p:.2g}")
