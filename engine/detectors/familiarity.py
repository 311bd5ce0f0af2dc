"""Familiarity: whether a piece's chord-to-chord steps are all steps the reference makes.

A first-order Markov chain over chords (or any model that learned only which chord follows
which) emits nothing but transitions of its corpus: every pair of successive chords it writes
is a pair some training piece contains. A real chorale the reference has not seen is half new
at this scale (its voices move in ways no other piece combines the same way). Longer sequences
are the copying detector's; at length two the chain's memory does not matter, only what it was
trained on.

The statistic reads copying's (engine/detectors/copying.py) n-grams at n = 2: pairs of successive
chord events (pitch sets up to transposition, with their lengths in sixteenth-note steps;
`familiarity`), or of the chords sounding on successive eighth notes and on successive quarter notes
(`slice-familiarity`: a chain over chords sliced at a fixed length drops the notes between its
slices, so its chord events are not the corpus', but its slices are). A chorale the collection holds
twice is familiar to itself and says nothing, so the pairs that the file's closest reference piece
(the one it shares most with) or that piece's duplicates hold are set aside; of the others, the
share found in other reference pieces is the statistic. A chain trained on the reference's pieces
writes no pair the reference lacks, so every pair its closest piece does not hold is found
elsewhere: 100 % (a median 41 such chord-event pairs in an 8-bar first-order chain), against a real
chorale's median 50 % (69 % on eighths, 59 % on quarters; tuning sets, 2026-12-01, fifth pass).
Profiles made before (no `familiarity_version`) keep version 1, the share of ALL the file's
chord-event pairs found outside the closest piece and its duplicates, which the pairs that only the
closest piece holds diluted (an 8-bar chain: a median 88 %, too close to the real chorales' 99th
percentile to decide at a Bonferroni share); `case new` gives a case version 2 and
`slice-familiarity`.

The score is the signed square l|l| of the logit l of the share smoothed as (k + 1/2) / (n + 1)
for k of n pairs: the logit gives a bounded share an open tail and a file with few such pairs
weaker evidence (all n found: l = log(2n + 1)); the square (a monotone map, so it changes no
ranking) gives that tail the exponential shape the calibration's tail model extrapolates
(engine/detectors/calibration.py); on the logit itself the model's cautious tail let only 13 % of
a first-order chain's files reach a Bonferroni share's threshold where the square lets 60 %
(version 1, tuning set). The sliced views are calibrated apart from the chord events' and from
each other: their real tails are heavier (coarser chords recur more), and one score taking the
largest would have raised the chord-event view's threshold with it (an 8-bar first-order chain:
98 % past the threshold alone, 83 % on the larger of it and the quarter notes').

Calibration is cross-fitted with one fold per file: each reference file is scored against the
pairs of every other reference file, and evidence against those of all of them, so both see
an index of (nearly) the same size (a larger index finds more, which five folds of four fifths
each against a full index on evidence would have turned into false alarms).
"""
import numpy as np

from engine.detectors import calibration, copying
from engine.detectors.detector import CROSS_FITTED, Detector, median

LENGTH = 2  # chords per n-gram
VIEW = 0  # copying's chord-event view
VERSION = 2  # the statistic (module docstring); profiles without `familiarity_version` hold version 1


def grams_of(roll):
    return copying.gram_hashes(roll, VIEW, LENGTH)


def typical_share(tail):
    """The share whose score is the calibration scores' median (for reasons)."""
    centre = median(tail)
    return 1.0 / (1.0 + np.exp(-np.sign(centre) * np.sqrt(abs(centre))))


def share_and_score(grams, index, version=VERSION):
    """(k pairs found elsewhere, of n counted, the score: signed square of the smoothed logit of k/n).
    Version 2 counts the pairs the closest piece and its duplicates lack, version 1 all pairs."""
    elsewhere, closest, _ = copying.placed(grams, index)
    counted = ~closest if version >= VERSION else np.ones(elsewhere.size, dtype=bool)
    k, n = int(np.count_nonzero(elsewhere & counted)), int(np.count_nonzero(counted))
    smoothed = (k + 0.5) / (n + 1.0)
    logit = float(np.log(smoothed / (1.0 - smoothed)))
    return k, n, logit * abs(logit)


def without(index, f):
    """The index without reference file f."""
    hashes, sources, starts = index
    keep = sources != f
    return hashes[keep], sources[keep], starts[keep]


def fitted(ref, groups, n_groups, views):
    """(index of every reference file's pairs in the given views, (n_groups, views) calibration
    scores: each file against the others' pairs)."""
    grams = [[copying.gram_hashes(r, view, LENGTH) for view in views] for r in copying.file_rolls(ref.x, groups)]
    index = copying.index_of(grams, np.arange(n_groups))
    others = [without(index, f) for f in range(n_groups)]
    return index, np.array([[share_and_score(g, others[f])[2] for g in grams[f]] for f in range(n_groups)])


class Familiarity(Detector):
    name = "familiarity"
    modalities = ("music",)
    calibration = CROSS_FITTED
    arrays = ("familiarity_hashes", "familiarity_sources", "familiarity_starts", "cal_familiarity", "familiarity_version")

    @classmethod
    def present(cls, profile):
        # Profiles made before versions hold every array but the version: version 1.
        *held, version = cls.arrays
        if version not in profile and all(key in profile for key in held):
            profile = {**profile, version: np.array(1)}
        return super().present(profile)

    @classmethod
    def fit(cls, ref, groups, n_groups, cross_fitted):
        """The index of every reference file's pairs; each file calibrates against the others'."""
        index, cal = fitted(ref, groups, n_groups, (VIEW,))
        return dict(zip(cls.arrays, (*index, cal[:, 0], np.array(VERSION))))

    def __init__(self, profile):
        hashes, sources, starts, cal, version = self.arrays
        self.index = (profile[hashes], profile[sources], profile[starts])
        self.version = int(profile.get(version, 1))
        self.tail = calibration.tail_model(profile[cal])
        counted = ("its pairs of successive chord events" if self.version < VERSION else "its pairs of successive "
                   "chord events that the reference piece it shares most with (and that piece's duplicates) lacks")
        self.method = (f"signed square of the logit of the share of {counted} (pitch sets up to transposition) found "
                       f"in other reference pieces (a chain over chords makes only steps of its corpus; a real piece "
                       f"half new ones); calibration cross-fitted, each reference file against the others")

    def scores(self, batch):
        return np.array([share_and_score(grams_of(r), self.index, self.version)[2]
                         for r in copying.file_rolls(batch.x, batch.groups)])

    def reason(self, batch, g, score, p):
        roll = np.concatenate(list(batch.x[batch.groups == g, 0] > 0), axis=1)
        k, n, _ = share_and_score(grams_of(roll), self.index, self.version)
        counted = "pairs of successive chords" + (" that its closest reference piece lacks" if self.version >= VERSION else "")
        return (f"familiarity: {k} of its {n} {counted} occur (up to transposition) in other reference pieces "
                f"({k / max(n, 1):.0%}; reference calibration files: about {typical_share(self.tail):.0%}); score "
                f"{score:.2f}; tail probability {p:.2g}")


class SliceFamiliarity(Detector):
    """Familiarity's statistic on the chords sounding every eighth and every quarter note, each view
    calibrated apart; the file's tail probability is the smaller of the views' times two
    (Bonferroni inside the detector), its score -log10 of that."""
    name = "slice-familiarity"
    modalities = ("music",)
    calibration = CROSS_FITTED
    views = (copying.BEAT // 2, copying.BEAT)  # steps between the chords read: eighth and quarter notes
    arrays = ("slice_familiarity_hashes", "slice_familiarity_sources", "slice_familiarity_starts",
              "cal_slice_familiarity")

    @classmethod
    def fit(cls, ref, groups, n_groups, cross_fitted):
        index, cal = fitted(ref, groups, n_groups, cls.views)
        return dict(zip(cls.arrays, (*index, cal)))

    def __init__(self, profile):
        self.index = tuple(profile[key] for key in self.arrays[:3])
        cal = np.asarray(profile[self.arrays[3]], dtype=np.float64)
        self.tails = [calibration.tail_model(cal[:, v]) for v in range(len(self.views))]
        floor = len(self.views) * max(calibration.tail_floor(t) for t in self.tails)
        self.tail = calibration.log_p_model(self.combined(cal)[0], floor)
        self.method = ("-log10 of twice the smaller tail probability of two views (the chords sounding on successive "
                       "eighth notes, on successive quarter notes) of the share of its pairs of successive chords that "
                       "the reference piece it shares most with (and that piece's duplicates) lacks (pitch sets up to "
                       "transposition) found in other reference pieces (a chain over chords sliced at a fixed length "
                       "makes only steps of its corpus; a real piece half new ones); calibration cross-fitted, each "
                       "reference file against the others")

    def combined(self, view_scores):
        """(Bonferroni tail probability over the views, index of the smaller view's) per row of view scores."""
        p = np.stack([calibration.tail_probability(t, view_scores[:, v]) for v, t in enumerate(self.tails)], axis=1)
        return np.minimum(1.0, len(self.views) * p.min(axis=1)), p.argmin(axis=1)

    def counts(self, roll):
        """(k, n, score) of the file's pairs in each view."""
        return [share_and_score(copying.gram_hashes(roll, view, LENGTH), self.index) for view in self.views]

    def scores(self, batch):
        rolls = copying.file_rolls(batch.x, batch.groups)
        view_scores = np.array([[score for _, _, score in self.counts(r)] for r in rolls]).reshape(-1, len(self.views))
        return -np.log10(self.combined(view_scores)[0])

    def reason(self, batch, g, score, p):
        roll = np.concatenate(list(batch.x[batch.groups == g, 0] > 0), axis=1)
        counts = self.counts(roll)
        v = int(self.combined(np.array([[c[2] for c in counts]]))[1][0])
        k, n, _ = counts[v]
        return (f"slice-familiarity: {k} of its {n} pairs of chords on successive {('eighth', 'quarter')[v]} notes "
                f"that its closest reference piece lacks occur (up to transposition) in other reference pieces "
                f"({k / max(n, 1):.0%}; reference calibration files: about {typical_share(self.tails[v]):.0%}); "
                f"tail probability {p:.2g}")
