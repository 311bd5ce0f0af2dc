"""Familiarity: whether a piece's chord-to-chord steps are all steps the reference makes.

A first-order Markov chain over chords (or any model that learned only which chord follows
which) emits nothing but transitions of its corpus: every pair of successive chords it writes
is a pair some training piece contains. A real chorale the reference has not seen is half new
at this scale (its voices move in ways no other piece combines the same way). Longer sequences
are the copying detector's; at length two the chain's memory does not matter, only what it was
trained on.

The statistic reads copying's (engine/detectors/copying.py) n-grams at n = 2: pairs of
successive chord events (pitch sets up to transposition, with their lengths in sixteenth-note
steps; `familiarity`), or of the chords sounding on successive quarter beats (`beat-familiarity`:
a chain over chords sliced at the beat drops the passing eighths, so its chord events are not
the corpus', but its beat chords are). A chorale the collection holds twice is familiar to
itself and says nothing, so the pairs that the file's closest reference piece (the one it
shares most with) or that piece's duplicates hold are set aside; of the others, the share found
in other reference pieces is the statistic. A chain trained on the reference's pieces writes no
pair the reference lacks, so every pair its closest piece does not hold is found elsewhere:
100 % (a median 41 such chord-event pairs in an 8-bar first-order chain), against a real
chorale's median 50 % (59 % on the beats; tuning sets, 2026-12-01, fifth pass). Profiles made
before (no `familiarity_version`) keep version 1, the share of ALL the file's chord-event pairs
found outside the closest piece and its duplicates, which the pairs that only the closest piece
holds diluted (an 8-bar chain: a median 88 %, too close to the real chorales' 99th percentile to
decide at a Bonferroni share); `case new` gives a case version 2 and `beat-familiarity`.

The score is the signed square l|l| of the logit l of the share smoothed as (k + 1/2) / (n + 1)
for k of n pairs: the logit gives a bounded share an open tail and a file with few such pairs
weaker evidence (all n found: l = log(2n + 1)); the square (a monotone map, so it changes no
ranking) gives that tail the exponential shape the calibration's tail model extrapolates
(engine/detectors/calibration.py); on the logit itself the model's cautious tail let only 13 % of
a first-order chain's files reach a Bonferroni share's threshold where the square lets 60 %
(version 1, tuning set). The two views are two detectors, each with its own calibration: the
beat view's real tail is heavier (coarser chords recur more), and one score taking the larger of
the two would have raised the chord-event view's threshold with it (an 8-bar first-order chain:
98 % past the threshold alone, 83 % on the larger of the two).

Calibration is cross-fitted with one fold per file: each reference file is scored against the
pairs of every other reference file, and evidence against those of all of them, so both see
an index of (nearly) the same size (a larger index finds more, which five folds of four fifths
each against a full index on evidence would have turned into false alarms).
"""
import numpy as np

from engine.detectors import calibration, copying
from engine.detectors.detector import CROSS_FITTED, Detector, median

LENGTH = 2  # chords per n-gram
VERSION = 2  # the statistic (module docstring); profiles without `familiarity_version` hold version 1


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


class Familiarity(Detector):
    name = "familiarity"
    modalities = ("music",)
    calibration = CROSS_FITTED
    view = 0  # copying's chord-event view
    unit = "pairs of successive chords"
    arrays = ("familiarity_hashes", "familiarity_sources", "familiarity_starts", "cal_familiarity", "familiarity_version")

    @classmethod
    def present(cls, profile):
        # Profiles made before versions hold every array but the version: version 1.
        *held, version = cls.arrays
        if version not in profile and all(key in profile for key in held):
            profile = {**profile, version: np.array(1)}
        return super().present(profile)

    @classmethod
    def grams_of(cls, roll):
        return copying.gram_hashes(roll, cls.view, LENGTH)

    @classmethod
    def fit(cls, ref, groups, n_groups, cross_fitted):
        """The index of every reference file's pairs; each file calibrates against the others'."""
        grams = [[cls.grams_of(r)] for r in copying.file_rolls(ref.x, groups)]
        index = copying.index_of(grams, np.arange(n_groups))
        cal = np.array([share_and_score(grams[f][0], without(index, f))[2] for f in range(n_groups)])
        return dict(zip(cls.arrays, (*index, cal, np.array(VERSION))))

    def __init__(self, profile):
        hashes, sources, starts, cal, version = self.arrays
        self.index = (profile[hashes], profile[sources], profile[starts])
        self.version = int(profile.get(version, 1))
        self.tail = calibration.tail_model(profile[cal])
        counted = (f"its {self.unit}" if self.version < VERSION else
                   f"its {self.unit} that the reference piece it shares most with (and that piece's duplicates) lacks")
        self.method = (f"signed square of the logit of the share of {counted} (pitch sets up to transposition) found "
                       f"in other reference pieces (a chain over chords makes only steps of its corpus; a real piece "
                       f"half new ones); calibration cross-fitted, each reference file against the others")

    def scores(self, batch):
        return np.array([share_and_score(self.grams_of(r), self.index, self.version)[2]
                         for r in copying.file_rolls(batch.x, batch.groups)])

    def reason(self, batch, g, score, p):
        roll = np.concatenate(list(batch.x[batch.groups == g, 0] > 0), axis=1)
        k, n, _ = share_and_score(self.grams_of(roll), self.index, self.version)
        centre = median(self.tail)
        logit = np.sign(centre) * np.sqrt(abs(centre))
        typical = 1.0 / (1.0 + np.exp(-logit))
        counted = self.unit if self.version < VERSION else f"{self.unit} that its closest reference piece lacks"
        return (f"{self.name}: {k} of its {n} {counted} occur (up to transposition) in other reference pieces "
                f"({k / max(n, 1):.0%}; reference calibration files: about {typical:.0%}); score {score:.2f}; "
                f"tail probability {p:.2g}")


class BeatFamiliarity(Familiarity):
    name = "beat-familiarity"
    view = copying.BEAT  # copying's view of the chord sounding on each quarter beat
    unit = "pairs of chords on successive quarter beats"
    arrays = ("beat_familiarity_hashes", "beat_familiarity_sources", "beat_familiarity_starts", "cal_beat_familiarity",
              "beat_familiarity_version")
