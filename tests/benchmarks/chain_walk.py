"""Whole-file readings of a first-order chain over JSB's quarter chords against the reference chorales (issue #14;
docs/studies.md, "A first-order chain's whole file: familiar pairs, a wandering key and second-order steps",
forty-fifth pass). Not part of the product: it measures candidate statistics offline and relabels a case's verdicts
as if `slice-familiarity` had read one more view, or another in place of one.

A first-order chain makes every quarter-to-quarter step a step of its corpus and forgets everything else, so the
statistics read what lies beyond one step, over the whole file, each file against the reference's chorales sampled
at their quarter beats (leave-one-out where a statistic matches against the reference):

- `pairs`: `slice-familiarity`'s quarter-pair view as the case scores it (its share of quarter pairs the closest
  reference piece lacks found in other pieces; the reference's own scores are the profile's cross-fitted ones);
- `far`: the share of 2-bar windows (a bar's hop) whose best major or harmonic-minor scale lies two or more fifths
  from the whole file's (relative keys as one; the thirty-seventh pass's reading);
- `joint`: -ln p(pairs) - ln p(far), each p under the calibration's tail model of the reference's values (Fisher's
  combination: on the reference the two are nearly uncorrelated, Spearman 0.06);
- `tune pairs`: the quarter-pair view's share counted outside the file's tune: the pairs that the reference piece
  holding most of them (at any shift) or any piece whose soprano shares a stretch of TUNE_STEPS melodic steps with
  the file's holds are set aside (another setting of a chorale's tune, or a piece its closest alignment misses, makes
  the quarter-pair view's real tail), its score as the view's; emulated in place of that view, its tail on the
  reference's leave-one-out scores;
- `order`: the mean per quarter step of ln P2 - ln P1, an interpolated second-order model of the reference's quarter
  chords (transposition-invariant) against its first-order one: a real piece's steps depend on more than the last
  chord, a first-order chain's do not;
- `intervals`: the mean per step of ln P(i_t | i_t-1) - ln P(i_t), successive intervals of each of four voices (chords
  of four pitches, read in order) under the reference's counts: a melody's successive intervals depend on each
  other, a chain's only through the chord between them.

    PYTHONPATH=. python tests/benchmarks/chain_walk.py CASE SET_DIR [SET_DIR ...] [--verdicts DIR]

Per set and statistic: its median (the share of files beyond the reference's 1st or 99th percentile, on the chain's
side / beyond all of the reference). DIR holds `main.py verdict --json` outputs named SET.json (SET a set folder's
name): with it the joint reading is put beside `slice-familiarity`'s three views as a fourth (one more share), and
apart `tune pairs` in place of its quarter-pair view, and each file relabelled both ways.
"""
import argparse
import json
import os
from collections import Counter

import numpy as np

from engine.data import representations
from engine.detectors import calibration, copying
from engine.detectors.familiarity import SliceFamiliarity, grams_of, share_score
from engine.detectors.tonality import best_scale
from tests.benchmarks.chorale_excerpts import chorales

PAIRS_VIEW = 1  # slice-familiarity's quarter pairs
WINDOW, HOP = 8, 4  # quarters: two 4/4 bars, a bar's hop
DISCOUNT = 0.75  # absolute discounting of the chord models
INTERVAL_CAP = 12  # voice intervals beyond an octave counted as an octave
VOICES = 4
TUNE_STEPS = 6  # melodic steps of the soprano (repeated notes merged) that make two pieces share a tune


def piece_roll(path):
    import pretty_midi

    return representations.piano_roll(pretty_midi.PrettyMIDI(path)) > 0


def quarter_chords(roll):
    """The chords sounding on the roll's quarter beats, each a tuple of MIDI pitches."""
    return [tuple(np.flatnonzero(roll[:, t]).tolist()) for t in range(0, roll.shape[1], copying.BEAT)]


def circle_position(scale):
    """A scale's place on the circle of fifths, a minor scale at its relative major's."""
    tonic = scale % 12
    return ((tonic if scale < 12 else tonic + 3) * 7) % 12


def fifths_apart(a, b):
    d = abs(circle_position(a) - circle_position(b)) % 12
    return min(d, 12 - d)


def far_windows(chords):
    """Share of the 2-bar windows whose best scale lies two or more fifths from the whole file's."""
    pcs = np.zeros((12, len(chords)))
    for t, chord in enumerate(chords):
        pcs[[p % 12 for p in chord], t] = 1
    key = best_scale(pcs.sum(axis=1))
    starts = range(0, max(len(chords) - WINDOW, 0) + 1, HOP)
    return float(np.mean([fifths_apart(best_scale(pcs[:, a:a + WINDOW].sum(axis=1)), key) >= 2 for a in starts]))


def tune_stretches(chords):
    """The soprano's stretches of TUNE_STEPS successive melodic steps (its top pitch per quarter, repeats merged)."""
    top = [max(c) for c in chords if c]
    steps = [b - a for a, b in zip(top[:-1], top[1:]) if b != a]
    return {tuple(steps[i:i + TUNE_STEPS]) for i in range(len(steps) - TUNE_STEPS + 1)}


class TunePairs:
    """The quarter-pair view's share with the file's tune set aside (module docstring), against the case's index."""

    def __init__(self, index, reference):
        self.index = index
        self.tunes = {}
        for f, chords in enumerate(reference):
            for stretch in tune_stretches(chords):
                self.tunes.setdefault(stretch, set()).add(f)

    def score(self, roll, chords, leave_out=None):
        hashes, _ = grams_of(roll, SliceFamiliarity.views[PAIRS_VIEW])
        ref_hashes, ref_sources = self.index[0], self.index[1]
        lo, hi = np.searchsorted(ref_hashes, hashes, "left"), np.searchsorted(ref_hashes, hashes, "right")
        holders = [set(ref_sources[a:b].tolist()) - {leave_out} for a, b in zip(lo, hi)]
        held = Counter(f for h in holders for f in h)
        aside = {f for stretch in tune_stretches(chords) for f in self.tunes.get(stretch, ())} - {leave_out}
        aside |= {held.most_common(1)[0][0]} if held else set()
        counted = [h for h in holders if not h & aside]
        return share_score(sum(bool(h) for h in counted), len(counted), SliceFamiliarity.views[PAIRS_VIEW].unseen)


def chord_grams(chords):
    """Transposition-invariant pairs and triples of successive chords: shapes above their lowest pitch and the
    lowest pitches' steps from the first chord's (None where a chord is silent)."""
    shapes = [tuple(p - c[0] for p in c) for c in chords]
    low = [c[0] if c else None for c in chords]

    def step(a, b):
        return None if low[a] is None or low[b] is None else low[b] - low[a]

    pairs = [(shapes[t], shapes[t + 1], step(t, t + 1)) for t in range(len(chords) - 1)]
    triples = [(shapes[t], shapes[t + 1], shapes[t + 2], step(t, t + 1), step(t, t + 2))
               for t in range(len(chords) - 2)]
    return shapes, pairs, triples


class ChordModels:
    """First- and second-order models of quarter chords, interpolated with absolute discounting (each order backs
    off to the one below, the unigram of chord shapes at the bottom), from per-piece counts so that a reference piece
    can be left out."""

    def __init__(self, pieces):
        self.counts = [tuple(Counter(g) for g in chord_grams(c)) for c in pieces]
        self.totals = tuple(sum((c[k] for c in self.counts), Counter()) for k in range(3))
        self.fit(self.totals)

    def fit(self, totals):
        self.shapes, self.pairs, self.triples = totals
        self.n_shapes = sum(self.shapes.values())
        self.after_one, self.kinds_one = Counter(), Counter()
        for (a, _, _), n in self.pairs.items():
            self.after_one[a] += n
            self.kinds_one[a] += 1
        self.after_two, self.kinds_two = Counter(), Counter()
        for (a, b, _, ab, _), n in self.triples.items():
            self.after_two[a, b, ab] += n
            self.kinds_two[a, b, ab] += 1

    def without(self, f):
        other = ChordModels.__new__(ChordModels)
        other.fit(tuple(total - own for total, own in zip(self.totals, self.counts[f])))
        return other

    def unigram(self, shape):
        return (self.shapes[shape] + 0.5) / (self.n_shapes + 0.5 * len(self.shapes) + 0.5)

    def first(self, a, b, ab):
        seen, lower = self.after_one[a], self.unigram(b)
        if not seen:
            return lower
        return (max(self.pairs[a, b, ab] - DISCOUNT, 0) + DISCOUNT * self.kinds_one[a] * lower) / seen

    def second(self, a, b, c, ab, ac):
        lower = self.first(b, c, None if ab is None or ac is None else ac - ab)
        seen = self.after_two[a, b, ab]
        if not seen:
            return lower
        return (max(self.triples[a, b, c, ab, ac] - DISCOUNT, 0) + DISCOUNT * self.kinds_two[a, b, ab] * lower) / seen

    def order_gain(self, chords):
        """Mean ln P2 - ln P1 over the steps that have two chords before them."""
        _, pairs, triples = chord_grams(chords)
        if not triples:
            return 0.0
        return float(np.mean([np.log(self.second(*t)) - np.log(self.first(*p)) for t, p in zip(triples, pairs[1:])]))


def voice_intervals(chords):
    """Per voice (of chords of four pitches, read in order), its successive intervals as (previous, next) pairs."""
    lines = np.array([sorted(c) if len(c) == VOICES else [None] * VOICES for c in chords], dtype=object).T
    found = []
    for line in lines:
        steps = [None if a is None or b is None else int(np.clip(b - a, -INTERVAL_CAP, INTERVAL_CAP))
                 for a, b in zip(line[:-1], line[1:])]
        found += [(a, b) for a, b in zip(steps[:-1], steps[1:]) if a is not None and b is not None]
    return found


class IntervalModel:
    """Counts of successive voice intervals over the reference, per piece so that one can be left out."""

    SMOOTHING = 0.1  # pseudo-counts per interval value

    def __init__(self, pieces):
        self.counts = [Counter(voice_intervals(c)) for c in pieces]
        self.total = sum(self.counts, Counter())

    def gain(self, chords, leave_out=None):
        pairs = self.total - self.counts[leave_out] if leave_out is not None else self.total
        nexts, befores = Counter(), Counter()
        for (a, b), n in pairs.items():
            nexts[b] += n
            befores[a] += n
        values, n_all = 2 * INTERVAL_CAP + 1, sum(nexts.values())
        found = voice_intervals(chords)
        if not found:
            return 0.0
        gains = []
        for a, b in found:
            p_next = (nexts[b] + self.SMOOTHING) / (n_all + self.SMOOTHING * values)
            p_given = (pairs[a, b] + self.SMOOTHING * values * p_next) / (befores[a] + self.SMOOTHING * values)
            gains.append(np.log(p_given) - np.log(p_next))
        return float(np.mean(gains))


def tail_p(values, scores):
    return calibration.tail_probability(calibration.tail_model(values), scores)


def left_out_p(values):
    """Each reference value's tail probability against the others'."""
    return np.array([tail_p(np.delete(values, f), [v])[0] for f, v in enumerate(values)])


def relabel(files, views_p, added):
    """(generated, inconclusive) with `slice-familiarity`'s views' tail probabilities `views_p` per file name: 3 as it
    reads them (one in place of another), or 4, `added` one, its weight then 4 shares, every other weight thinned by
    the added share."""
    p = []
    for entry in files:
        p_views, detectors = views_p[os.path.basename(entry["path"])], entry["detectors"]
        own = detectors["slice-familiarity"]
        thinned = 1 / (1 + own["weight"] / 3) if added else 1.0
        ratios = [d["tail_probability"] / (d["weight"] * thinned) for name, d in detectors.items()
                  if d["weight"] > 0 and name != "slice-familiarity"]
        combined = min(1.0, len(p_views) * min(p_views))
        ratios.append(combined / (own["weight"] * len(p_views) / 3 * thinned))
        p.append(min(1.0, min(ratios)))
    return labelled(p)


def labelled(p):
    """(generated, inconclusive) of files whose weighted tail probabilities are `p`."""
    p = np.asarray(p)
    alpha = calibration.DEFAULT_ALPHA
    return int(np.sum(p <= alpha)), int(np.sum((alpha < p) & (p <= calibration.INCONCLUSIVE_FACTOR * alpha)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("case"), parser.add_argument("sets", nargs="+"), parser.add_argument("--verdicts")
    args = parser.parse_args()
    profile = dict(np.load(os.path.join(args.case, "profiles", "reference.npz"), allow_pickle=True))
    views = SliceFamiliarity(profile).combination
    reference_pairs = np.asarray(profile["cal_slice_familiarity"])[:, PAIRS_VIEW]
    paths = chorales("bach[0:]")
    if len(paths) != reference_pairs.size:
        raise SystemExit(f"the case's reference is not builtin:bach ({reference_pairs.size} files)")
    reference_rolls = [piece_roll(p) for p in paths]
    reference = [quarter_chords(r) for r in reference_rolls]
    chord_models, intervals = ChordModels(reference), IntervalModel(reference)
    tune_pairs = TunePairs(views.index, reference)
    reference_far = np.array([far_windows(c) for c in reference])
    reference_joint = -np.log(left_out_p(reference_pairs)) - np.log(left_out_p(reference_far))
    rows = {"reference (leave-one-out)": dict(
        pairs=reference_pairs, far=reference_far, joint=reference_joint,
        tune_pairs=np.array([tune_pairs.score(r, c, f) for f, (r, c) in enumerate(zip(reference_rolls, reference))]),
        order=np.array([chord_models.without(f).order_gain(c) for f, c in enumerate(reference)]),
        intervals=np.array([intervals.gain(c, f) for f, c in enumerate(reference)]))}
    real = rows["reference (leave-one-out)"]
    high = {"pairs": True, "far": True, "joint": True, "tune_pairs": True, "order": False, "intervals": False}
    for folder in args.sets:
        name = os.path.basename(os.path.normpath(folder))
        names = sorted(n for n in os.listdir(folder) if n.endswith(".mid"))
        rolls = [piece_roll(os.path.join(folder, n)) for n in names]
        chords = [quarter_chords(r) for r in rolls]
        view_scores = np.array([[score for _, _, score in views.counts(r)] for r in rolls])
        far = np.array([far_windows(c) for c in chords])
        rows[name] = dict(
            pairs=view_scores[:, PAIRS_VIEW], far=far,
            joint=-np.log(tail_p(reference_pairs, view_scores[:, PAIRS_VIEW])) - np.log(tail_p(reference_far, far)),
            tune_pairs=np.array([tune_pairs.score(r, c) for r, c in zip(rolls, chords)]),
            order=np.array([chord_models.order_gain(c) for c in chords]),
            intervals=np.array([intervals.gain(c) for c in chords]))
        view_p = np.stack([calibration.tail_probability(t, view_scores[:, v]) for v, t in enumerate(views.tails)], 1)
        joint_p = tail_p(real["joint"], rows[name]["joint"])
        tune_p = tail_p(real["tune_pairs"], rows[name]["tune_pairs"])
        print(report(name, rows[name], real, high), flush=True)
        judged = os.path.join(args.verdicts or "", f"{name}.json")
        if args.verdicts and os.path.exists(judged):
            with open(judged) as f:
                verdicts = json.load(f)["files"]
            before = [sum(e["label"] == label for e in verdicts) for label in ("generated", "inconclusive")]
            added = relabel(verdicts, dict(zip(names, np.column_stack([view_p, joint_p]))), added=True)
            replaced = view_p.copy()
            replaced[:, PAIRS_VIEW] = tune_p
            in_place = relabel(verdicts, dict(zip(names, replaced)), added=False)
            print(f"    generated (inconclusive) of {len(verdicts)}: as judged {before[0]} ({before[1]}); joint as a "
                  f"fourth view {added[0]} ({added[1]}); tune pairs for quarter pairs {in_place[0]} ({in_place[1]})")
    print(report("reference (leave-one-out)", real, real, high))


def report(name, row, real, high):
    cells = []
    for statistic, values in row.items():
        side = 1 if high[statistic] else -1  # the chain's side up
        bounds = np.percentile(side * real[statistic], [99, 100])
        past = [np.mean(side * values > bound) for bound in bounds]
        cells.append(f"{statistic} {np.median(values):.2f} ({past[0]:.0%} / {past[1]:.0%})")
    return f"{name} ({len(row['far'])}): " + "; ".join(cells)


if __name__ == "__main__":
    main()
