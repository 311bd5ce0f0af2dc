"""Familiarity: whether a piece's chord-to-chord steps are all steps the reference makes.

A first-order Markov chain over chord events (or any model that learned only which chord
follows which) emits nothing but transitions of its corpus: every pair of successive chord
events it writes is a pair some training piece contains. A real chorale the reference has not
seen is half new at this scale (its voices move in ways no other piece combines the same way):
cross-fitted on the Bach reference, a median 50 % of a chorale's pairs occur in other pieces,
against 92 % for a first-order chain. Longer sequences are the copying detector's; at length
two the chain's memory does not matter, only what it was trained on.

The statistic is copying's (engine/detectors/copying.py) at n = 2 in its chord-event view:
the share of the file's pairs of successive chord events (pitch sets up to transposition, with
their lengths in sixteenth-note steps) found in reference pieces other than the one it shares
most with and that piece's duplicates (a chorale the collection holds twice is familiar to
itself and says nothing). The score is the signed square l|l| of its logit l, the share smoothed
as (k + 1/2) / (m + 1) for k of m pairs: the logit gives a bounded share an open tail and a
short file weaker evidence; the square (a monotone map, so it changes no ranking) gives that
tail the exponential shape the calibration's tail model extrapolates (engine/detectors/
calibration.py); on the logit itself the model's cautious tail let only 13 % of a first-order
chain's files reach a Bonferroni share's threshold where the square lets 60 % (tuning set).

Calibration is cross-fitted with one fold per file: each reference file is scored against the
pairs of every other reference file, and evidence against those of all of them, so both see
an index of (nearly) the same size (a larger index finds more, which five folds of four fifths
each against a full index on evidence would have turned into false alarms).
"""
import numpy as np

from engine.detectors import calibration, copying
from engine.detectors.detector import CROSS_FITTED, Detector, median

LENGTH = 2  # chord events per n-gram
VIEW = 0  # copying's chord-event view


def grams_of(roll):
    return copying.gram_hashes(roll, VIEW, LENGTH)


def share_and_score(grams, index):
    """(share of the pairs found elsewhere, the score: signed square of its smoothed logit, closest piece or -1)."""
    share, top, _ = copying.copied_share(grams, index)
    m = grams[0].size
    smoothed = (share * m + 0.5) / (m + 1.0)
    logit = float(np.log(smoothed / (1.0 - smoothed)))
    return share, logit * abs(logit), top


def without(index, f):
    """The index without reference file f."""
    hashes, sources, starts = index
    keep = sources != f
    return hashes[keep], sources[keep], starts[keep]


class Familiarity(Detector):
    name = "familiarity"
    modalities = ("music",)
    calibration = CROSS_FITTED
    arrays = ("familiarity_hashes", "familiarity_sources", "familiarity_starts", "cal_familiarity")

    @classmethod
    def fit(cls, ref, groups, n_groups, cross_fitted):
        """The index of every reference file's pairs; each file calibrates against the others'."""
        grams = [[grams_of(r)] for r in copying.file_rolls(ref.x, groups)]
        index = copying.index_of(grams, np.arange(n_groups))
        cal = np.array([share_and_score(grams[f][0], without(index, f))[1] for f in range(n_groups)])
        return {"familiarity_hashes": index[0], "familiarity_sources": index[1], "familiarity_starts": index[2],
                "cal_familiarity": cal}

    def __init__(self, profile):
        self.index = (profile["familiarity_hashes"], profile["familiarity_sources"], profile["familiarity_starts"])
        self.tail = calibration.tail_model(profile["cal_familiarity"])
        self.method = (f"signed square of the logit of the share of the file's pairs of successive chord events (pitch sets up to "
                       f"transposition, with their lengths) found in reference pieces other than the one it shares "
                       f"most with (a chain over chords makes only steps of its corpus; a real piece half new ones); "
                       f"calibration cross-fitted, each reference file against the others")

    def scores(self, batch):
        return np.array([share_and_score(grams_of(r), self.index)[1] for r in copying.file_rolls(batch.x, batch.groups)])

    def reason(self, batch, g, score, p):
        roll = np.concatenate(list(batch.x[batch.groups == g, 0] > 0), axis=1)
        share = share_and_score(grams_of(roll), self.index)[0]
        centre = median(self.tail)
        logit = np.sign(centre) * np.sqrt(abs(centre))
        typical = 1.0 / (1.0 + np.exp(-logit))
        return (f"familiarity: {share:.0%} of its {grams_of(roll)[0].size} pairs of successive chords occur "
                f"(up to transposition) in reference pieces other than its closest one (reference calibration files: "
                f"about {typical:.0%}); score {score:.2f}; tail probability {p:.2g}")
