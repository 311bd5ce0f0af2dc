"""Copying: whether a piece replays long stretches of several reference pieces.

An order-k Markov chain (or any model that memorises) trained on a small corpus replays it:
every (k+1)-gram of its output occurs in the corpus, and where the corpus' contexts branch it
jumps from one piece into another, or to another place in the same piece. A real chorale the
reference has not seen shares short formulas with it (a cadence), rarely a stretch of N chords.
Some chorales are in the collection more than once (the same harmonisation under two numbers,
once with its repeat written out), so a real file may copy ONE reference piece throughout;
what a chain does and a real piece does not is copy long stretches of SEVERAL.

Each n-gram match is an alignment: a reference piece at a shift in time. The alignment
covering most of the file, every alignment of the same piece (repeats) and every alignment
whose matches lie mostly inside the top one's (duplicate pieces) are set aside; the score is
the share of the file's n-grams matched by the others. A model copies in the units it was
trained on, so two views are read and the larger share counts: chord events (N successive
chords, each a set of sounding pitches with its length in steps) and the chord sounding on
each quarter beat (BEAT_N beats). Chords are taken relative to the lowest pitch of the
n-gram's first chord, so a transposed copy is a copy (and a transposed real file scores as it
is); velocity is ignored (notes are on or off) and lengths are in sixteenth-note steps, which
the piano roll takes from the file's tempo map and resolution. The reference n-grams are stored
as 64-bit hashes with the piece and step they come from; the calibration is cross-fitted.
The score is the squared share, for the reason durations' is a squared distance
(engine/detectors/durations.py): the share is bounded, and on the share itself the calibration's
exponential tail let 54 % of a quarter-note chain of order 2 reach the threshold of a Bonferroni
share of 0.111, on its square 76 %. The profile keeps the shares (`cal_copying`).

Profiles made since the fifty-fifth pass read a second view, calibrated apart: whole bars of different reference
pieces joined (engine/detectors/bar_joins.py), which a model recombining the reference's bars writes and whose
n-grams are too short for the share to see. The detector's tail probability is then twice the smaller of the two
views' (Bonferroni inside it), its score -log10 of that, and it takes a share per view (calibration.share_weights,
as familiarity's views). Profiles made before hold no bar index and read the share alone, as they were calibrated.
"""
import numpy as np

from engine.detectors import bar_joins, calibration
from engine.detectors.chord_grams import gram_hashes
from engine.detectors.detector import CROSS_FITTED, Detector, median

N = 6  # chord events per n-gram of the events view
BEAT = 4  # steps per quarter note (engine/data/representations.py)
BEAT_N = 7  # quarter beats per n-gram of the beats view
VIEWS = (0, BEAT)  # chord events; the chord on every quarter beat
DUPLICATE_OVERLAP = 0.8  # an alignment whose matches lie this much inside the top one's duplicates it
BAR_ARRAYS = ("copying_bar_hashes", "copying_bar_sources")


def file_roll(x, groups, g):
    """File g's boolean (128, steps) roll: its patches end to end, any velocity = on."""
    return np.concatenate(list(x[groups == g, 0] > 0), axis=1)


def file_rolls(x, groups):
    """One boolean (128, steps) roll per file (file_roll)."""
    n_files = int(groups.max()) + 1 if groups.size else 0
    return [file_roll(x, groups, g) for g in range(n_files)]


def all_grams(roll):
    """gram_hashes of every view (N chord events; BEAT_N quarter beats), one (hashes, starts) per view in VIEWS
    order."""
    return [gram_hashes(roll, view, N if view == 0 else BEAT_N) for view in VIEWS]


def index_of(grams, files, with_views=False):
    """(sorted hashes, file numbers, start steps) of the given files' n-grams of every view
    (`grams`: all_grams per file); `with_views`: and each n-gram's view (its place in VIEWS)."""
    files = np.asarray(files, dtype=np.int64)
    h = np.concatenate([hashes for f in files for hashes, _ in grams[f]] + [np.zeros(0, np.int64)])
    t = np.concatenate([starts for f in files for _, starts in grams[f]] + [np.zeros(0, np.int64)])
    s = np.repeat(files, [sum(hashes.size for hashes, _ in grams[f]) for f in files]).astype(np.int64)
    v = np.concatenate([np.full(hashes.size, k, np.int8) for f in files for k, (hashes, _) in enumerate(grams[f])]
                       + [np.zeros(0, np.int8)])
    order = np.argsort(h, kind="stable")
    return (h[order], s[order], t[order]) + ((v[order],) if with_views else ())


def placed(grams, index):
    """(elsewhere, closest, top) of the file's n-grams against the reference: per n-gram, whether
    it is found off the alignment the file shares most with and that alignment's duplicates, and
    whether that alignment's piece or its duplicates hold it; the piece of that alignment (-1 when
    nothing is found). An alignment is a reference piece at a fixed shift in time: a copy of a
    piece, however edited, keeps one; a model that splices pieces, or jumps within one, does not."""
    hashes, starts = grams
    ref_hashes, ref_sources, ref_starts = index
    elsewhere, closest = np.zeros(hashes.size, dtype=bool), np.zeros(hashes.size, dtype=bool)
    lo, hi = np.searchsorted(ref_hashes, hashes, "left"), np.searchsorted(ref_hashes, hashes, "right")
    if not np.any(hi > lo):
        return elsewhere, closest, -1
    position = np.repeat(np.arange(hashes.size), hi - lo)
    match = np.concatenate([np.arange(a, b) for a, b in zip(lo, hi)])
    key = np.stack([ref_sources[match], ref_starts[match] - starts[position]], axis=1)
    alignments, which = np.unique(key, axis=0, return_inverse=True)
    which = which.ravel()
    # (alignment, position) pairs, kept sparse: a long file of one repeated chord can match
    # thousands of alignments at thousands of positions
    pairs = np.unique(which * hashes.size + position)
    which, position = pairs // hashes.size, pairs % hashes.size
    covered = np.bincount(which, minlength=len(alignments))
    top = int(np.argmax(covered))
    in_top = np.zeros(hashes.size, dtype=bool)
    in_top[position[which == top]] = True
    shared = np.bincount(which, weights=in_top[position], minlength=len(alignments))
    inside = (shared >= DUPLICATE_OVERLAP * covered) | (alignments[:, 0] == alignments[top, 0])
    elsewhere[position[~inside[which]]] = True
    closest[position[inside[which]]] = True
    return elsewhere, closest, int(alignments[top, 0])


def best_alignment(grams, index, top):
    """(shift, at_best, held, only_top) of a file's n-grams against piece `top`: the shift in time at which that piece
    holds most of them (None when it holds none), and per n-gram whether the piece holds it at that shift, at any
    shift, and whether no other piece holds it."""
    hashes, starts = grams
    ref_hashes, ref_sources, ref_starts = index[:3]
    lo, hi = np.searchsorted(ref_hashes, hashes, "left"), np.searchsorted(ref_hashes, hashes, "right")
    position = np.repeat(np.arange(hashes.size), hi - lo)
    match = np.concatenate([np.arange(a, b) for a, b in zip(lo, hi)] + [np.zeros(0, np.int64)])
    in_top = ref_sources[match] == top
    only_top = np.bincount(position[~in_top], minlength=hashes.size) == 0
    shift = ref_starts[match] - starts[position]
    pairs = np.unique(np.stack([shift[in_top], position[in_top]], axis=1), axis=0)
    at_best, held = np.zeros(hashes.size, dtype=bool), np.zeros(hashes.size, dtype=bool)
    if pairs.size == 0:
        return None, at_best, held, only_top
    shifts, covered = np.unique(pairs[:, 0], return_counts=True)
    best = shifts[np.argmax(covered)]
    at_best[pairs[pairs[:, 0] == best, 1]] = True
    held[pairs[:, 1]] = True
    return best, at_best, held, only_top


def past_stored(grams, index, top, view, shift):
    """Whether each of the file's n-grams, placed at `shift` in piece `top`, starts past the piece's last stored
    n-gram (of view number `view` where the index holds each n-gram's view as a fourth array): the bars the piece's
    roll drops (after its last whole 4-bar patch), of which the reference knows nothing."""
    stored = (index[1] == top) & ((index[3] == view) if len(index) > 3 else True)
    return grams[1] + shift > index[2][stored].max()


def copied_share(grams, index):
    """(share of the file's n-grams found in the reference off the alignment it shares most
    with and that alignment's duplicates, reference piece of that alignment or -1, share found
    anywhere); see `placed`."""
    elsewhere, closest, top = placed(grams, index)
    if elsewhere.size == 0:
        return 0.0, -1, 0.0
    return float(elsewhere.mean()), top, float((elsewhere | closest).mean())


def file_score(view_grams, index):
    """(copied share, view, closest reference piece or -1, share found anywhere, number of
    n-grams) of the view in which the file copies most (`view_grams`: all_grams of the file).
    A memorising model copies in the units it was trained on, which a judge cannot know."""
    found = [(*copied_share(grams, index), view, grams[0].size) for grams, view in zip(view_grams, VIEWS)]
    share, top, anywhere, view, n = max(found, key=lambda f: f[0])
    return share, view, top, anywhere, n


def piece_names(items, groups, n_groups):
    """The reference pieces' file names (for reasons), one per file id."""
    first = {}
    for item, g in zip(items, groups):
        first.setdefault(int(g), str(item).split("#")[0].rsplit("/", 1)[-1])
    return [first.get(g, str(g)) for g in range(n_groups)]


def profile_arrays(x, groups, n_groups, cross_fitted, names):
    """The profile's copying arrays: the index of every reference file and the files' names,
    calibration cross-fitted (`cross_fitted` is engine/detectors/profile.cross_fitted)."""
    grams = [all_grams(r) for r in file_rolls(x, groups)]

    def fold_scores(train, held):
        index = index_of(grams, np.unique(groups[train]))
        return np.array([file_score(grams[f], index)[0] for f in np.unique(groups[held])])

    ref_hashes, ref_sources, ref_starts = index_of(grams, np.arange(n_groups))
    rolls = file_rolls(x, groups)
    bars = bar_joins.index_of(rolls)
    return {"copying_hashes": ref_hashes, "copying_sources": ref_sources, "copying_starts": ref_starts,
            "copying_names": np.asarray(names),
            "cal_copying": cross_fitted(groups, n_groups, fold_scores),
            **dict(zip(BAR_ARRAYS, bars)), "cal_copying_bars": bar_joins.calibration_scores(rolls, bars)}


class Copying(Detector):
    name = "copying"
    modalities = ("music",)
    calibration = CROSS_FITTED
    arrays = ("copying_hashes", "copying_sources", "copying_starts", "copying_names", "cal_copying", *BAR_ARRAYS,
              "cal_copying_bars")
    added_later = arrays[5:]  # the bar joins' view (module docstring)

    def __init__(self, profile):
        self.index = (profile["copying_hashes"], profile["copying_sources"], profile["copying_starts"])
        self.names = [str(n) for n in profile["copying_names"]]
        self.share_tail = calibration.tail_model(np.asarray(profile["cal_copying"]) ** 2)
        shared = (f"squared share of the file's sequences of {N} chord events, or of {BEAT_N} chords taken on the "
                  f"quarter beats (pitch sets up to transposition), that occur verbatim in reference pieces other than "
                  f"the one it shares most with and that piece's duplicates, in whichever of these views it copies "
                  f"most (a model that memorises splices several pieces; a real piece copies at most one)")
        self.bars = tuple(profile[key] for key in BAR_ARRAYS) if "cal_copying_bars" in profile else None
        if self.bars is None:
            self.tail, self.method = self.share_tail, f"{shared}; calibration cross-fitted"
            return
        self.shares = 2  # one per view
        self.bar_tail = calibration.tail_model(profile["cal_copying_bars"])
        p = self.views_p(np.asarray(profile["cal_copying"]) ** 2, np.asarray(profile["cal_copying_bars"]))
        floor = 2 * max(calibration.tail_floor(self.share_tail), calibration.tail_floor(self.bar_tail))
        self.tail = calibration.log_p_model(np.minimum(1.0, 2 * p.min(axis=1)), floor)
        self.method = (f"-log10 of twice the smaller tail probability of two views: the {shared}; and the squared "
                       f"number of joins of two whole 4/4 bars, each found verbatim in the reference (up to "
                       f"transposition), that no reference piece holds together, pieces holding two bars of the file "
                       f"set aside (distinct joins at one phase of the bar: a model recombining the "
                       f"reference's bars); calibration cross-fitted, for the bars each reference file against the "
                       f"others")

    def views_p(self, share_scores, bar_scores):
        """(files, 2) tail probabilities of the share's and the bar joins' scores."""
        return np.stack([calibration.tail_probability(self.share_tail, share_scores),
                         calibration.tail_probability(self.bar_tail, bar_scores)], axis=1)

    def bar_joins(self, roll):
        """(joins, phase) of one file's roll (bar_joins.joins)."""
        return bar_joins.joins(roll, self.bars)

    @classmethod
    def fit(cls, ref, groups, n_groups, cross_fitted):
        return profile_arrays(ref.x, groups, n_groups, cross_fitted, piece_names(ref.items, groups, n_groups))

    def scores(self, batch):
        rolls = file_rolls(batch.x, batch.groups)
        shares = np.array([file_score(all_grams(r), self.index)[0] for r in rolls]) ** 2
        if self.bars is None:
            return shares
        p = self.views_p(shares, np.array([self.bar_joins(r)[0] for r in rolls], dtype=np.float64) ** 2)
        return -np.log10(np.minimum(1.0, 2 * p.min(axis=1)))

    def reason(self, batch, g, score, p):
        roll = file_roll(batch.x, batch.groups, g)
        share, view, top, anywhere, n = file_score(all_grams(roll), self.index)
        shared = self.share_reason(share, view, top, anywhere, n)
        if self.bars is None:
            return f"copying: {shared}; tail probability {p:.2g}"
        count, phase = self.bar_joins(roll)
        p_share, p_bars = self.views_p(np.array([share ** 2]), np.array([float(count) ** 2]))[0]
        where = f" (at step {phase} of the bar)" if count else ""
        bars = (f"{count} joins of two whole bars, each found verbatim (up to transposition) in the reference, that no "
                f"reference piece holds together{where} (reference calibration files: "
                f"{np.count_nonzero(self.bar_tail['sorted'] > 0)} of {self.bar_tail['sorted'].size} with any, at most "
                f"{np.sqrt(self.bar_tail['sorted'][-1]):.0f})")
        first, second = ((bars, p_bars), (shared, p_share)) if p_bars < p_share else ((shared, p_share), (bars, p_bars))
        return (f"copying: {first[0]}, tail probability {first[1]:.2g}; {second[0]}, tail probability {second[1]:.2g}; "
                f"the two views together (twice the smaller): tail probability {p:.2g}")

    def share_reason(self, share, view, top, anywhere, n):
        """The share view's words (without its tail probability)."""
        unit = f"sequences of {N} chords" if view == 0 else f"sequences of {BEAT_N} chords on the quarter beats"
        closest = (f"; {anywhere:.0%} occur somewhere in the reference, its closest piece {self.names[top]} included"
                   if top >= 0 else "")
        return (f"{share:.0%} of its {n} {unit} occur verbatim (up to transposition) in reference pieces "
                f"other than its closest one and that piece's duplicates (reference calibration files: median "
                f"{np.sqrt(median(self.share_tail)):.0%}, max {np.sqrt(self.share_tail['sorted'][-1]):.0%}){closest}")
