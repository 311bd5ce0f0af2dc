"""Familiarity: whether a piece's chord-to-chord steps are all steps the reference makes.

A first-order Markov chain over chords (or any model that learned only which chord follows
which) emits nothing but transitions of its corpus: every pair of successive chords it writes
is a pair some training piece contains. A real chorale the reference has not seen is half new
at this scale (its voices move in ways no other piece combines the same way). Longer sequences
are the copying detector's; at length two the chain's memory does not matter, only what it was
trained on.

The statistic reads copying's (engine/detectors/copying.py) n-grams: pairs and triples of successive
chord events (pitch sets up to transposition, with their lengths in sixteenth-note steps;
`familiarity`), or pairs of the chords sounding on successive eighth notes and on successive quarter
notes (`slice-familiarity`: a chain over chords sliced at a fixed length drops the notes between its
slices, so its chord events are not the corpus', but its slices are). An order-k chain writes only
(k+1)-grams of its corpus, so the triples catch second-order chains where they splice pieces: of the
triples their closest piece lacks a median 100 % are found elsewhere, a real chorale's 20 % (90th
percentile 36 %; tuning sets, 2026-12-01, sixth pass). A chorale the collection holds
twice is familiar to itself and says nothing, so the pairs that the file's closest reference piece
(the one it shares most with) or that piece's duplicates hold are set aside; of the others, the
share found in other reference pieces is the statistic. A chain trained on the reference's pieces
writes no pair the reference lacks, so every pair its closest piece does not hold is found
elsewhere: 100 % (a median 41 such chord-event pairs in an 8-bar first-order chain), against a real
chorale's median 50 % (69 % on eighths, 59 % on quarters; tuning sets, 2026-12-01, fifth pass).
Profiles made before keep what they were made with: version 1 (no `familiarity_version`), the share
of ALL the file's chord-event pairs found outside the closest piece and its duplicates, which the
pairs that only the closest piece holds diluted (an 8-bar chain: a median 88 %, too close to the real
chorales' 99th percentile to decide at a Bonferroni share); version 2, pairs alone; `case new` gives
version 3 (pairs and triples) and `slice-familiarity`.

`slice-familiarity`'s quarter pairs set the file's tune aside too (forty-sixth pass; docs/studies.md, "The
quarter-pair view's set-aside rule: the piece holding most pairs and its tune's settings"). A real chorale is
familiar pair by pair to its own piece wherever the closest alignment misses it, and to the other settings of its
tune (engine/detectors/tunes.py: the same melody draws the same chords), which made the view's real tail heavy
(the reference's own chorales: 99th percentile 6.3, largest 17.7, where a first-order chain over 8 bars has a
median 3.6). So the pairs that the reference piece holding most of the file's pairs at any shift holds, or any
piece sharing a stretch of six melodic steps with its soprano, are set aside as well: the 99th percentile falls to
2.2, while an 8-bar chain keeps a median 18 of its 31 quarter pairs (a real JSB chorale whose piece the reference
holds, 2). A share of a few pairs is no evidence: two of two found scores 2.6, past that 99th percentile, so a file
with fewer than LEFT_FLOOR pairs left scores 0, as one with none. Eight, all found, is the fewest whose share
decides alone with a margin (tail probability 1.8e-4 where the view needs 4.5e-4), and fewer than an 8-bar
chain's 10th percentile (11).

`slice-familiarity`'s quarter triples are bridged (forty-eighth pass; docs/studies.md, "The set-aside rule on the
triple, eighth-pair and chord-event views"). A chain trained on another edition of the chorales (JSB's quarter chords)
copies stretches of a piece whose chords now and then differ from the reference's: 14 % of a JSB chorale's quarter
triples are found nowhere in the embedded collection (median). Its triples the closest piece holds are set aside,
those through a differing chord are not, so they made up most of what an order-2 or order-3 chain left not found (a
chain labelled real: a median 37-68 % of its counted triples found). A triple found nowhere
that lies in a run of such triples between two that one reference piece holds at one shift is such a chord inside a
copied stretch, so it is not counted (`bridged`); a real piece's new steps are bridged only where another piece
follows it at one shift on both sides. Quarter chains of order 2 and 3 at 8-16 bars: 77 -> 91 of 160 (tuning); the
real chorales' 99th percentile 0.13 -> 0.43. The same rule on the eighth pairs raised their real tail (99th
percentile 8.6 -> 9.9) and caught none more; the tune rule of the quarter pairs, on the triples, set aside the very
pieces a higher-order chain copies (77 -> 12 of 160), and on the eighth or chord-event views moved nothing.

The score is the signed square l|l| of the logit l of the share smoothed as (k + 1/2) / (n + 1)
for k of n pairs: the logit gives a bounded share an open tail and a file with few such pairs
weaker evidence (all n found: l = log(2n + 1)); the square (a monotone map, so it changes no
ranking) gives that tail the exponential shape the calibration's tail model extrapolates
(engine/detectors/calibration.py); on the logit itself the model's cautious tail let only 13 % of
a first-order chain's files reach a Bonferroni share's threshold where the square lets 60 %
(version 1, tuning set). A real chorale's triples are mostly new, so their smoothing counts one
triple not found instead of half a one: (k + 1/2) / (n + 3/2), under which a file with two triples
found of two (one reference chorale in 300, held out) is not evidence. Each view is calibrated apart,
and a detector's tail probability is the smaller of its views' times their number (Bonferroni inside
the detector; its score is -log10 of that): the sliced views' real tails are heavier (coarser chords
recur more), and one score taking the largest would have raised the chord-event view's threshold with
it (an 8-bar first-order chain: 98 % past the threshold alone, 83 % on the larger of it and the
quarter notes'). The chord-event triples go into `familiarity` rather than a detector of their own: a
tenth music detector would take a share from every other (weights 0.083 to 0.074) and caught no more
on the tuning sets. `slice-familiarity` reads triples on quarter notes too (a third view, since the
twenty-eighth pass): the larger the reference, the more of a real chorale's quarter steps other
pieces make, while its triples stay its own, so in `bach[0:300]` a chain of order 2 or 3 over quarter
chords, every step of it one of the reference's, is told from real chorales by its triples, hardly by
its pairs (docs/studies.md, "Quarter-note chord chains").

Calibration is cross-fitted with one fold per file: each reference file is scored against the
pairs of every other reference file, and evidence against those of all of them, so both see
an index of (nearly) the same size (a larger index finds more, which five folds of four fifths
each against a full index on evidence would have turned into false alarms).
"""
from typing import NamedTuple

import numpy as np

from engine.detectors import calibration, copying, tunes
from engine.detectors.detector import CROSS_FITTED, Detector, median

VERSION = 3  # the statistic (module docstring); profiles without `familiarity_version` hold version 1
CLOSEST_SET_ASIDE = 2  # the version from which the n-grams the closest piece holds are set aside
LEFT_FLOOR = 8  # fewer quarter pairs left outside the file's tune than this: no evidence (module docstring)


class View(NamedTuple):
    """A view of the statistic: n-grams of `length` of copying's units `step` (0: chord events;
    else the chords sounding every `step` steps), smoothed with `unseen` n-grams not found elsewhere;
    `tune`: the file's tune is set aside too; `bridged`: n-grams found nowhere inside a copied stretch are not
    counted (`share_and_score`)."""
    step: int
    length: int
    unseen: float = 0.5
    tune: bool = False
    bridged: bool = False


PAIRS, TRIPLES = View(0, 2), View(0, 3, 1.0)
UNITS = {2: "pairs", 3: "sequences of three"}


def grams_of(roll, view=PAIRS):
    return copying.gram_hashes(roll, view.step, view.length)


def typical_share(tail):
    """The share whose score is the calibration scores' median (for reasons)."""
    centre = median(tail)
    return 1.0 / (1.0 + np.exp(-np.sign(centre) * np.sqrt(abs(centre))))


def share_score(k, n, unseen=PAIRS.unseen):
    """The signed square of the logit of k found of n, smoothed with `unseen` n-grams not found (module docstring)."""
    smoothed = (k + 0.5) / (n + 0.5 + unseen)
    logit = float(np.log(smoothed / (1.0 - smoothed)))
    return logit * abs(logit)


def held_aside(hashes, index, settings):
    """Per n-gram, whether the reference piece holding most of the file's n-grams (at any shift) or one of the
    pieces `settings` holds it."""
    ref_hashes, ref_sources = index[0], index[1]
    lo, hi = np.searchsorted(ref_hashes, hashes, "left"), np.searchsorted(ref_hashes, hashes, "right")
    aside = np.zeros(hashes.size, dtype=bool)
    if not np.any(hi > lo):
        return aside
    position = np.repeat(np.arange(hashes.size), hi - lo)
    source = ref_sources[np.concatenate([np.arange(a, b) for a, b in zip(lo, hi)])]
    held = np.unique(np.stack([source, position], axis=1), axis=0)  # each piece counted once per n-gram
    most = np.bincount(held[:, 0]).argmax()
    aside[position[np.isin(source, np.append(settings, most))]] = True
    return aside


def bridged(grams, index):
    """Per n-gram, whether it is found nowhere in the reference yet lies in a run of such n-grams between two that
    one reference piece holds at one shift (a piece's stretch copied with a chord of another edition inside)."""
    hashes, starts = grams
    ref_hashes, ref_sources, ref_starts = index[:3]
    lo, hi = np.searchsorted(ref_hashes, hashes, "left"), np.searchsorted(ref_hashes, hashes, "right")
    found = np.concatenate([[True], hi > lo, [True]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(found))  # runs of n-grams found nowhere: [edges[0], edges[1]), ...
    inside = np.zeros(hashes.size, dtype=bool)

    def alignments(i):
        return set(zip(ref_sources[lo[i]:hi[i]].tolist(), (ref_starts[lo[i]:hi[i]] - starts[i]).tolist()))

    for a, b in zip(edges[::2], edges[1::2]):
        if a > 0 and b < hashes.size and alignments(a - 1) & alignments(b):
            inside[a:b] = True
    return inside


def share_and_score(grams, index, version=VERSION, view=PAIRS, settings=None):
    """(k n-grams found elsewhere, of n counted, the score: signed square of the smoothed logit of k/n).
    From version 2 the n-grams the closest piece and its duplicates hold are not counted; in a view that sets
    aside the file's tune, neither are those that the piece holding most of them or a setting of its tune
    (`settings`: reference piece numbers, tunes.settings) holds, and a file with fewer than LEFT_FLOOR counted
    scores 0, as one with none; in a bridged view, neither are those found nowhere inside a copied stretch
    (`bridged`; module docstring)."""
    elsewhere, closest, _ = copying.placed(grams, index)
    counted = ~closest if version >= CLOSEST_SET_ASIDE else np.ones(elsewhere.size, dtype=bool)
    if view.bridged:
        counted &= ~bridged(grams, index)
    if view.tune:
        counted &= ~held_aside(grams[0], index, np.zeros(0, np.int64) if settings is None else settings)
    k, n = int(np.count_nonzero(elsewhere & counted)), int(np.count_nonzero(counted))
    if view.tune and n < LEFT_FLOOR:
        return k, n, 0.0
    return k, n, share_score(k, n, view.unseen)


def without(index, f):
    """The index (hashes, sources, starts and any further per-n-gram arrays) without reference file f."""
    keep = index[1] != f
    return tuple(a[keep] for a in index)


def fitted(ref, groups, n_groups, views):
    """(index of every reference file's n-grams in the given views, (n_groups, views) calibration
    scores: each file against the others' n-grams and the others' tunes, index of their tunes' stretches
    (tunes.index_of) or None when no view sets the tune aside)."""
    rolls = copying.file_rolls(ref.x, groups)
    grams = [[grams_of(r, view) for view in views] for r in rolls]
    index = copying.index_of(grams, np.arange(n_groups))
    tune_index = tunes.index_of([tunes.stretches(r) for r in rolls]) if any(v.tune for v in views) else None
    cal = []
    for f in range(n_groups):
        others = without(index, f)
        settings = None if tune_index is None else \
            np.setdiff1d(tunes.settings(tunes.stretches(rolls[f]), tune_index), f)  # its own stretches found itself
        cal.append([share_and_score(g, others, view=view, settings=settings)[2] for g, view in zip(grams[f], views)])
    return index, np.array(cal), tune_index


class Views:
    """Several views of the statistic, each calibrated apart: a file's tail probability is the smallest
    of its views' times their number (Bonferroni inside the detector), its score -log10 of that. Each view is a
    test a detector of its own could make, so the detector takes one share of the combination per view
    (calibration.share_weights): k views at k shares weigh as k detectors of one share would, where at one share
    the Bonferroni factor k and the single share both thinned them (docs/studies.md, thirty-eighth pass)."""

    def __init__(self, views, cal, index, tune_index=None):
        self.views, self.index, self.tune_index = views, index, tune_index
        cal = np.asarray(cal, dtype=np.float64).reshape(-1, len(views))
        self.tails = [calibration.tail_model(cal[:, v]) for v in range(len(views))]
        floor = len(views) * max(calibration.tail_floor(t) for t in self.tails)
        self.tail = calibration.log_p_model(self.combined(cal)[0], floor)

    def combined(self, view_scores):
        """(Bonferroni tail probability over the views, index of the smaller view's) per row of view scores."""
        p = np.stack([calibration.tail_probability(t, view_scores[:, v]) for v, t in enumerate(self.tails)], axis=1)
        return np.minimum(1.0, len(self.views) * p.min(axis=1)), p.argmin(axis=1)

    def counts(self, roll):
        """(k, n, score) of the file's n-grams in each view."""
        settings = None if self.tune_index is None else tunes.settings(tunes.stretches(roll), self.tune_index)
        return [share_and_score(grams_of(roll, view), self.index, view=view, settings=settings) for view in self.views]

    def scores(self, rolls):
        view_scores = np.array([[score for _, _, score in self.counts(r)] for r in rolls]).reshape(-1, len(self.views))
        return -np.log10(self.combined(view_scores)[0])

    def decisive(self, roll):
        """(the view that decides the file's tail probability, its k, its n)."""
        counts = self.counts(roll)
        v = int(self.combined(np.array([[c[2] for c in counts]]))[1][0])
        return v, counts[v][0], counts[v][1]


class Familiarity(Detector):
    name = "familiarity"
    modalities = ("music",)
    calibration = CROSS_FITTED
    arrays = ("familiarity_hashes", "familiarity_sources", "familiarity_starts", "cal_familiarity", "familiarity_version")
    views = (PAIRS, TRIPLES)

    @classmethod
    def present(cls, profile):
        # Profiles made before versions hold every array but the version: version 1.
        *held, version = cls.arrays
        if version not in profile and all(key in profile for key in held):
            profile = {**profile, version: np.array(1)}
        return super().present(profile)

    @classmethod
    def fit(cls, ref, groups, n_groups, cross_fitted):
        """The index of every reference file's pairs and triples; each file calibrates against the others'."""
        index, cal, _ = fitted(ref, groups, n_groups, cls.views)
        return dict(zip(cls.arrays, (*index, cal, np.array(VERSION))))

    def __init__(self, profile):
        hashes, sources, starts, cal, version = self.arrays
        self.index = (profile[hashes], profile[sources], profile[starts])
        self.version = int(profile.get(version, 1))
        # versions 1 and 2: the pairs' score itself, calibrated as one view
        self.combination = Views(self.views, profile[cal], self.index) if self.version >= VERSION else None
        self.shares = len(self.views) if self.combination else 1  # one per view (Views)
        self.tail = self.combination.tail if self.combination else calibration.tail_model(profile[cal])
        lacks = "that the reference piece it shares most with (and that piece's duplicates) lacks"
        counted = f"its pairs of successive chord events {lacks}" if self.version >= CLOSEST_SET_ASIDE else \
            "its pairs of successive chord events"
        found = ("(pitch sets up to transposition) found in other reference pieces (a chain over chords makes only "
                 "steps of its corpus; a real piece half new ones); calibration cross-fitted, each reference file "
                 "against the others")
        self.method = f"signed square of the logit of the share of {counted} {found}"
        if self.combination:
            self.method = (f"-log10 of twice the smaller tail probability of two views (pairs, and sequences of "
                           f"three, of successive chord events) of the share of its n-grams {lacks} {found}")

    def scores(self, batch):
        rolls = copying.file_rolls(batch.x, batch.groups)
        if self.combination:
            return self.combination.scores(rolls)
        return np.array([share_and_score(grams_of(r), self.index, self.version)[2] for r in rolls])

    def reason(self, batch, g, score, p):
        roll = copying.file_roll(batch.x, batch.groups, g)
        if self.combination:
            v, k, n = self.combination.decisive(roll)
            tail, unit = self.combination.tails[v], UNITS[self.views[v].length]
        else:
            k, n, _ = share_and_score(grams_of(roll), self.index, self.version)
            tail, unit = self.tail, UNITS[PAIRS.length]
        lacks = " that its closest reference piece lacks" if self.version >= CLOSEST_SET_ASIDE else ""
        return (f"familiarity: {k} of its {n} {unit} of successive chords{lacks} occur (up to transposition) in "
                f"other reference pieces ({k / max(n, 1):.0%}; reference calibration files: about "
                f"{typical_share(tail):.0%}); score {score:.2f}; tail probability {p:.2g}")


class SliceFamiliarity(Detector):
    """Familiarity's statistic on the chords sounding every eighth and every quarter note: pairs on both, triples on
    quarter notes (Views)."""
    name = "slice-familiarity"
    modalities = ("music",)
    calibration = CROSS_FITTED
    # pairs on eighth and on quarter notes, triples on quarter notes, apart; a profile made before the triples
    # (twenty-eighth pass) holds the first two views' calibration and n-grams only. The triples count two not
    # found: a chorale in another edition (JSB) whose closest piece lacks three triples, all found elsewhere, was
    # inconclusive with one (3 of 305). The quarter pairs set the file's tune aside (module docstring); a profile
    # made before (forty-sixth pass) lacks the tunes' index, and its quarter pairs are read as they were calibrated.
    # The triples are bridged (module docstring); a profile made before (forty-eighth pass) lacks the flag, and its
    # triples are read as they were calibrated
    views = (View(copying.BEAT // 2, 2), View(copying.BEAT, 2, tune=True), View(copying.BEAT, 3, 2.0, bridged=True))
    misreading_only_lowers = True  # judged as written alone where two time scales are read (time_scale.union)
    arrays = ("slice_familiarity_hashes", "slice_familiarity_sources", "slice_familiarity_starts",
              "cal_slice_familiarity", "slice_familiarity_tunes", "slice_familiarity_tune_sources",
              "slice_familiarity_bridged")
    added_later = arrays[4:]

    @classmethod
    def fit(cls, ref, groups, n_groups, cross_fitted):
        index, cal, tune_index = fitted(ref, groups, n_groups, cls.views)
        return dict(zip(cls.arrays, (*index, cal, *tune_index, np.array(True))))

    def __init__(self, profile):
        cal = np.asarray(profile[self.arrays[3]])
        tunes_key, _, bridged_key = self.added_later
        tune_index = tuple(profile[key] for key in self.added_later[:2]) if tunes_key in profile else None
        self.views = tuple(v._replace(tune=v.tune and tune_index is not None,
                                      bridged=v.bridged and bridged_key in profile) for v in self.views[:cal.shape[1]])
        self.combination = Views(self.views, cal, tuple(profile[key] for key in self.arrays[:3]), tune_index)
        self.shares = len(self.views)  # one per view (Views), as many as the profile holds
        self.tail = self.combination.tail
        triples = ", and triples on successive quarter notes" if len(self.views) > 2 else ""
        tune = (f"; on quarter pairs also those of the piece holding most of them and of its tune's other settings, "
                f"at least {LEFT_FLOOR} left" if tune_index is not None else "")
        tune += ("; on quarter triples not those found nowhere inside a stretch copied from one piece"
                 if any(v.bridged for v in self.views) else "")
        self.method = (f"-log10 of {len(self.views)} times the smallest tail probability of {len(self.views)} views "
                       f"(pairs of the chords sounding on successive eighth notes, on successive quarter notes"
                       f"{triples}) "
                       "of the share of its n-grams of successive chords that "
                       "the reference piece it shares most with (and that piece's duplicates) lacks (pitch sets up to "
                       f"transposition) found in other reference pieces{tune} (a chain over chords sliced at a fixed "
                       "length makes only steps of its corpus; a real piece half new ones); calibration cross-fitted, "
                       "each reference file against the others")

    def scores(self, batch):
        return self.combination.scores(copying.file_rolls(batch.x, batch.groups))

    def reason(self, batch, g, score, p):
        roll = copying.file_roll(batch.x, batch.groups, g)
        v, k, n = self.combination.decisive(roll)
        view = self.views[v]
        beat = {copying.BEAT // 2: "eighth", copying.BEAT: "quarter"}[view.step]
        lacks = ("that neither its closest reference pieces nor its tune's other settings hold" if view.tune else
                 "that its closest reference piece lacks")
        if view.bridged:
            lacks += " (those found nowhere inside a stretch copied from one piece left out)"
        return (f"slice-familiarity: {k} of its {n} {UNITS[view.length]} of chords on successive {beat} notes "
                f"{lacks} occur (up to transposition) in other reference pieces "
                f"({k / max(n, 1):.0%}; reference calibration files: about "
                f"{typical_share(self.combination.tails[v]):.0%}); tail probability {p:.2g}")
