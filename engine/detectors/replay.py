"""Replay: whether a piece replays part of one reference piece and stops where that piece goes on.

A Markov chain of order 3 or 4 over chord events, trained on the reference, has so few branching
contexts that it mostly replays one training chorale from its start, verbatim, until the file's length
is reached, now and then jumping into another piece for a few bars: nothing or little outside that
piece, so neither copying nor familiarity has enough to go on (engine/detectors/copying.py,
familiarity.py). A real chorale shares long stretches with a reference piece only when the collection
holds the same harmonisation twice, and then it holds (nearly) all of that piece, not a part; and what
it has beyond that piece is mostly its own. The statistic weighs what the closest piece has that the
file lacks against what the file has that no reference piece has.

Copying's n-grams (six chord events, or seven chords on the quarter beats; pitch sets up to
transposition, lengths in sixteenth-note steps) and its closest piece P (the alignment the file shares
most with, `copying.placed`) give, per view,
- new: the file's n-grams found in no reference piece (a chain's are the few that span its jumps);
- missing: P's n-grams that the file does not hold, at most as many as the file has (a long P next to
  a short, unrelated file would otherwise weigh its length, not the file);
and the score is log((missing + 1/2) / (new + 1/2)), the larger of the two views'. A chain's replay of
the first 8 bars of a 12-bar chorale: new 0, missing about 20, score 3.7; a duplicate harmonisation:
both near 0, score near 0; an unrelated chorale: both about the file's length, score near or below 0
(reference files, each against the others: median -0.74, largest 0.72; 2026-12-02, fifteenth pass). Counting as "new" every n-gram outside
P and its duplicates instead (found elsewhere or not) let through the chains that jump once or twice:
an order-3 16-bar chain alone past a Bonferroni share's threshold 23 % against 80 %, the reference's
calibration unchanged. A file that replays a whole reference piece, P being no longer than the file,
is that piece and says nothing here.

Calibration is cross-fitted with one fold per file, as familiarity's: each reference file against
every other, so that the collection's duplicate pairs are judged as a held-out duplicate would be.
"""
import numpy as np

from engine.detectors import calibration, copying
from engine.detectors.detector import CROSS_FITTED, Detector, median
from engine.detectors.familiarity import without

VIEWS = copying.VIEWS
HALF = 0.5  # added to both counts: a file with nothing new is judged by how much P has beyond it


def piece_lengths(grams, n_views=len(VIEWS)):
    """(pieces, views) number of n-grams of each reference piece in each view (`grams`: all_grams per piece)."""
    return np.array([[hashes.size for hashes, _ in views] for views in grams], dtype=np.int64).reshape(-1, n_views)


def counts(view_grams, index, lengths):
    """Per view (missing, new, closest piece or -1) of a file's n-grams (`view_grams`: copying.all_grams)."""
    ref_hashes, ref_sources, _ = index
    out = []
    for v, grams in enumerate(view_grams):
        hashes = grams[0]
        elsewhere, closest, top = copying.placed(grams, index)
        new = int(hashes.size - np.count_nonzero(elsewhere | closest))
        if top < 0:
            out.append((0, new, top))
            continue
        held = int(np.count_nonzero(np.isin(ref_hashes[ref_sources == top], hashes)))
        out.append((min(int(lengths[top, v]) - held, hashes.size), new, top))
    return out


def view_scores(found):
    return [float(np.log((missing + HALF) / (new + HALF))) for missing, new, _ in found]


def file_score(view_grams, index, lengths):
    """(score, view, missing, new, closest piece): the view in which the file replays most."""
    found = counts(view_grams, index, lengths)
    scores = view_scores(found)
    v = int(np.argmax(scores))
    return (scores[v], v, *found[v])


class Replay(Detector):
    name = "replay"
    modalities = ("music",)
    calibration = CROSS_FITTED
    # it reads copying's index of the reference (its arrays, which every music profile with these holds)
    arrays = ("replay_lengths", "cal_replay")

    @classmethod
    def fit(cls, ref, groups, n_groups, cross_fitted):
        """Each reference piece's n-gram counts; each file calibrates against all the others in copying's index."""
        grams = [copying.all_grams(r) for r in copying.file_rolls(ref.x, groups)]
        index = copying.index_of(grams, np.arange(n_groups))
        lengths = piece_lengths(grams)
        cal = [file_score(grams[f], without(index, f), lengths)[0] for f in range(n_groups)]
        return {"replay_lengths": lengths, "cal_replay": np.asarray(cal)}

    def __init__(self, profile):
        self.index = (profile["copying_hashes"], profile["copying_sources"], profile["copying_starts"])
        self.lengths = np.asarray(profile["replay_lengths"]).reshape(-1, len(VIEWS))
        self.names = [str(n) for n in profile["copying_names"]]
        self.tail = calibration.tail_model(profile["cal_replay"])
        self.method = (f"log of (the n-grams of its closest reference piece that the file lacks, at most as many as "
                       f"the file has, + 1/2) over (the file's n-grams that no reference piece has + 1/2), "
                       f"n-grams of {copying.N} chord events or {copying.BEAT_N} chords on the quarter beats (pitch sets "
                       f"up to transposition), the larger view (a high-order chain replays part of one piece and "
                       f"stops; a real duplicate holds all of it); calibration cross-fitted, each reference file "
                       f"against the others")

    def scores(self, batch):
        return np.array([file_score(copying.all_grams(r), self.index, self.lengths)[0]
                         for r in copying.file_rolls(batch.x, batch.groups)])

    def reason(self, batch, g, score, p):
        roll = copying.file_roll(batch.x, batch.groups, g)
        _, view, missing, new, top = file_score(copying.all_grams(roll), self.index, self.lengths)
        unit = f"sequences of {copying.N} chords" if view == 0 else f"sequences of {copying.BEAT_N} chords on the quarter beats"
        closest = self.names[top] if top >= 0 else "none"
        return (f"replay: its closest reference piece, {closest}, has {missing} {unit} that the file lacks, and the "
                f"file has {new} that no reference piece has (up to transposition): it replays part of that piece "
                f"(score {score:.2f}; reference calibration files: median {median(self.tail):.2f}, max "
                f"{self.tail['sorted'][-1]:.2f}); tail probability {p:.2g}")
