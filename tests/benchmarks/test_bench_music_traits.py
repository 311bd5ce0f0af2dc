"""Why chord chains pass as real chorales (docs/studies.md, "Non-GAN music: why
chord chains pass", fourth pass): long-range traits of a chorale measured on the fourth pass's tuning sets only.

Every statistic is per file and invariant to transposition (the roll counts quarter notes and
reads any velocity as on, so tempo, resolution and velocity do not reach it). Real files are the
Bach case's reference (`builtin:bach[0:300]`, whole files and one random 8-bar excerpt of each)
and `bach[300:380]`; generated files are test_bench_families.fourth_music_sets("fourth-tuning").

    python tests/benchmarks/test_bench_music_traits.py traits     # each trait: medians, share past the real 99th percentile
    python tests/benchmarks/test_bench_music_traits.py splices    # where the outside-corpus chains join their fragments
    python tests/benchmarks/test_bench_music_traits.py duplicates # real chorales that replay one reference piece
    python tests/benchmarks/test_bench_music_traits.py pooled     # all traits in one logistic model, inside the case's rule
"""
import sys

import numpy as np

from engine.detectors.tonality import SCALES, best_scale
from tests import synthetic_music
from tests.benchmarks import test_bench_families as bench

BAR, BEAT = synthetic_music.BAR, 4
FIFTHS = np.array([(7 * pc) % 12 for pc in range(12)])  # pitch class -> place on the circle of fifths
KEY_CHANGE_COST = 3.0  # out-of-scale beats a key change must explain (Viterbi key path)


def _pitch_classes(roll):
    return np.array([roll[pc::12].any(axis=0) for pc in range(12)])


def _line(roll, top):
    """The highest (or lowest) sounding pitch per step, -1 where silent, as notes (onsets, pitches, lengths)."""
    sounding = roll.any(axis=0)
    line = np.where(sounding, 127 - np.argmax(roll[::-1], axis=0) if top else np.argmax(roll, axis=0), -1)
    starts = np.concatenate([[0], np.flatnonzero(np.diff(line)) + 1])
    lengths = np.diff(np.concatenate([starts, [line.size]]))
    keep = line[starts] >= 0
    return starts[keep], line[starts][keep], lengths[keep]


def key_path(pcs):
    """Per quarter beat, the place on the circle of fifths of the tonic (minor keys: their relative
    major's) of the Viterbi path over 12 major and 12 harmonic-minor scales."""
    beats = pcs.shape[1] // BEAT
    emission = -(pcs[:, :beats * BEAT].reshape(12, beats, BEAT).sum(axis=2).T @ (1 - SCALES).T)
    value, back = emission[0].copy(), []
    switch = KEY_CHANGE_COST * (1 - np.eye(len(SCALES)))
    for t in range(1, beats):
        candidates = value[None, :] - switch
        back.append(candidates.argmax(axis=1))
        value = candidates.max(axis=1) + emission[t]
    keys = [int(value.argmax())]
    for b in reversed(back):
        keys.append(int(b[keys[-1]]))
    keys = np.array(keys[::-1])
    return FIFTHS[np.where(keys < 12, keys % 12, (keys % 12 + 3) % 12)]


def traits(roll):
    """The long-range statistics of one boolean (128, T) roll."""
    bars = roll.shape[1] / BAR
    _, soprano, _ = _line(roll, top=True)
    _, bass, _ = _line(roll, top=False)
    steps = np.diff(soprano)
    steps = steps[steps != 0]
    leaps = np.flatnonzero(np.abs(steps[:-1]) > 4)
    recovered = [np.sign(steps[i + 1]) != np.sign(steps[i]) and abs(steps[i + 1]) <= 2 for i in leaps]
    pcs = _pitch_classes(roll)
    windows = [best_scale(pcs[:, s:s + 2 * BAR].sum(axis=1).astype(float))
               for s in range(0, roll.shape[1] - 2 * BAR + 1, BAR)]
    whole_key = best_scale(pcs.sum(axis=1).astype(float))
    path = key_path(pcs)
    moves = (np.diff(path) + 6) % 12 - 6
    states = (1 << np.arange(12)) @ pcs.astype(np.int64)
    changes = np.flatnonzero(states[1:] != states[:-1]) + 1
    long_starts = [s for s, _, n in zip(*_line(roll, top=True)) if n >= 2 * BEAT]
    gaps = np.diff(long_starts)
    half_notes = np.concatenate([np.flatnonzero(np.diff(np.concatenate([[0], row, [0]]).astype(int)) == 1)[
        _run_lengths(row) >= 2 * BEAT] for row in roll[roll.any(axis=1)]])
    half_notes = half_notes[half_notes % BEAT == 0] // BEAT % 2
    return {"soprano steps (<= 2 semitones)": np.mean(np.abs(steps) <= 2) if steps.size else 0.0,
            "soprano leaps (> 4 semitones)": np.mean(np.abs(steps) > 4) if steps.size else 0.0,
            "soprano leaps not recovered by a step back": 1 - np.mean(recovered) if recovered else 0.0,
            "soprano range (semitones)": float(np.ptp(soprano)) if soprano.size else 0.0,
            "bass range (semitones)": float(np.ptp(bass)) if bass.size else 0.0,
            "key changes between 2-bar windows, per bar": np.mean(np.diff(windows) != 0) if len(windows) > 1 else 0.0,
            "2-bar windows off the file's key": np.mean(np.array(windows) != whole_key) if windows else 0.0,
            "key path: fifths moved per bar": np.abs(moves).sum() / bars,
            "key path: span in fifths": float(np.ptp(np.cumsum(np.concatenate([[0], moves])))),
            "chord changes per beat": changes.size / (roll.shape[1] / BEAT),
            "chord changes on the half bar / on the beat": (np.mean(changes % (2 * BEAT) == 0)
                                                            / max(np.mean(changes % BEAT == 0), 1e-9)) if changes.size else 0.0,
            "soprano half notes: gaps off the half-bar grid": np.mean(gaps % (2 * BEAT) != 0) if gaps.size else 0.0,
            "half notes on the file's commoner beat parity": (np.bincount(half_notes, minlength=2).max() / half_notes.size
                                                               if half_notes.size else 1.0)}


def _run_lengths(row):
    """Lengths of the runs of True in a boolean row, in order."""
    edges = np.diff(np.concatenate([[0], row, [0]]).astype(int))
    return np.flatnonzero(edges == -1) - np.flatnonzero(edges == 1)


def excerpts(rolls, bars=8, seed=0):
    """One random whole-bar excerpt of `bars` bars of each roll at least that long."""
    rng = np.random.default_rng(seed)
    length = bars * BAR
    return [roll[:, s:s + length] for roll in rolls if roll.shape[1] >= length
            for s in [int(rng.integers(0, (roll.shape[1] - length) // BAR + 1)) * BAR]]


def sets():
    """(reference rolls, real sets, generated tuning sets)."""
    from engine.data.specs import load_spec
    from engine.detectors.profile import item_groups

    ref = load_spec("builtin:bach[0:300]")
    pieces = synthetic_music.file_rolls(ref.x, item_groups(ref.items, ref.n)[0])
    outside = bench.outside_pieces()
    real = {"reference files": pieces, "reference, 8-bar excerpts": excerpts(pieces),
            "bach[300:380]": outside, "bach[300:380], 8-bar excerpts": excerpts(outside, seed=1)}
    return pieces, real, bench.fourth_music_sets("fourth-tuning", pieces[:240])


def trait_table():
    _, real, generated = sets()
    values = {name: [traits(r) for r in rolls] for name, rolls in {**real, **generated}.items()}
    for trait in values["reference files"][0]:
        column = {name: np.array([v[trait] for v in rows]) for name, rows in values.items()}
        low, high = np.quantile(np.concatenate([column[n] for n in list(real)[:2]]), [0.01, 0.99])
        print(f"{trait}: reference median {np.median(column['reference files']):.2f}, 1st-99th percentile "
              f"{low:.2f}-{high:.2f}")
        for name, v in column.items():
            print(f"    {name}: median {np.median(v):.2f}, above the 99th {np.mean(v > high):.0%}, below the 1st {np.mean(v < low):.0%}")


def _segments(events, corpus, index):
    """Greedy longest verbatim stretches of `events` in one corpus piece: [(start, length, (piece, event))]."""
    out, pos = [], 0
    while pos < len(events):
        best = (1, None)
        for piece, j in index.get(events[pos], ()):
            k = 0
            while pos + k < len(events) and j + k < len(corpus[piece]) and corpus[piece][j + k] == events[pos + k]:
                k += 1
            best = max(best, (k, (piece, j)), key=lambda b: b[0])
        out.append((pos, *best))
        pos += best[0]
    return out


def splice_table():
    _, _, generated = sets()
    outside = bench.outside_pieces()
    corpus = [synthetic_music._events(r) for r in outside]
    onsets = [np.concatenate([[0], np.cumsum([n for _, n in seq])]) for seq in corpus]
    index = {}
    for piece, seq in enumerate(corpus):
        for j, event in enumerate(seq):
            index.setdefault(event, []).append((piece, j))
    for name, rolls in generated.items():
        if "bach[300:380]" not in name:
            continue
        counts, before, shift = [], [], []
        for roll in rolls:
            events = synthetic_music._events(roll)
            at = np.concatenate([[0], np.cumsum([n for _, n in events])])
            found = [s for s in _segments(events, corpus, index) if s[2] is not None]
            counts.append(len(found))
            for (_, _, _), (start, _, (piece, j)) in zip(found, found[1:]):
                before.append(events[start - 1][1])
                shift.append((onsets[piece][j] - at[start]) % BAR)
        print(f"{name}: fragments per file median {np.median(counts):.0f}; splices {len(before)}, after an "
              f"eighth-note chord {np.mean(np.array(before) == 2):.0%}, after a quarter {np.mean(np.array(before) == 4):.0%}; "
              f"shift of the bar position (steps from the source's, mod 16): {np.bincount(shift, minlength=BAR).tolist()}")


def duplicate_table(length=4):
    """Per real file, the share of its chord-event `length`-grams found in the single reference piece
    sharing most: near 1 for a chorale the collection holds twice (a replay looks the same)."""
    pieces, real, _ = sets()
    corpus = [synthetic_music._events(r) for r in pieces]
    owners = {}
    for piece, seq in enumerate(corpus):
        for j in range(len(seq) - length + 1):
            owners.setdefault(tuple(seq[j:j + length]), set()).add(piece)

    def best_share(events, skip=-1):
        counts = {}
        for j in range(len(events) - length + 1):
            for piece in owners.get(tuple(events[j:j + length]), ()):
                if piece != skip:
                    counts[piece] = counts.get(piece, 0) + 1
        return max(counts.values(), default=0) / max(len(events) - length + 1, 1)

    held = [synthetic_music._events(r) for r in real["bach[300:380]"]]
    from engine.data.specs import load_spec
    from engine.detectors.profile import item_groups

    late = load_spec("builtin:bach[380:]")
    held += [synthetic_music._events(r) for r in synthetic_music.file_rolls(late.x, item_groups(late.items, late.n)[0])]
    for name, shares in {"held-out bach[300:]": [best_share(e) for e in held],
                         "reference, each against the others": [best_share(e, f) for f, e in enumerate(corpus)]}.items():
        shares = np.array(shares)
        print(f"{name} ({shares.size}): >= 50 % in one reference piece {np.sum(shares >= 0.5)}, >= 80 % {np.sum(shares >= 0.8)}")


def pooled_table():
    """Every trait in one logistic model, reference files and excerpts against chains the reference's
    fitting part trains (orders 1-2), its calibration cross-fitted on the reference files; then its
    tail probability inside the case's weighted Bonferroni rule as a ninth detector."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    from engine.data.specs import load_spec
    from engine.detectors import calibration, suite
    from engine.detectors.profile import build_profile

    _, real, generated = sets()

    def matrix(rolls):
        return np.array([[*traits(r).values(), np.log(r.shape[1] / BAR)] for r in rolls])

    whole, cut = matrix(real["reference files"]), matrix(real["reference, 8-bar excerpts"])
    chains = np.vstack([matrix(rolls) for name, rolls in generated.items() if "fitting part" in name])

    def fitted(real_rows):
        x = np.vstack([real_rows, chains])
        scaler = StandardScaler().fit(x)
        model = LogisticRegression(C=0.3, max_iter=3000).fit(scaler.transform(x), np.r_[np.zeros(len(real_rows)), np.ones(len(chains))])
        return lambda rows: model.decision_function(scaler.transform(rows))

    fold = np.arange(len(whole)) % 5
    cut_fold = fold[[i for i, r in enumerate(real["reference files"]) if r.shape[1] >= 8 * BAR]]  # excerpts() keeps these
    held_scores = np.zeros(len(whole))
    for f in range(5):
        held_scores[fold == f] = fitted(np.vstack([whole[fold != f], cut[cut_fold != f]]))(whole[fold == f])
    score = fitted(np.vstack([whole, cut]))
    tail = calibration.tail_model(held_scores * np.abs(held_scores))
    detectors = suite.profile_detectors(build_profile(load_spec("builtin:bach[0:300]")))
    weights = calibration.share_weights([False] * (len(detectors) + 1),
                                        [calibration.tail_floor(d.tail) for d in detectors] + [calibration.tail_floor(tail)])
    real_99th = np.quantile(score(matrix(real["bach[300:380]"])), 0.99)
    for name, rolls in {**real, **generated}.items():
        x, groups = synthetic_music.as_batch(rolls)
        batch = suite.Batch(x, groups)
        p = np.stack([calibration.tail_probability(d.tail, d.scores(batch)) for d in detectors], axis=1)
        s = score(matrix(rolls))
        p_new = calibration.tail_probability(tail, s * np.abs(s))
        before = [calibration.label_for(calibration.combine(row, suite.weights(detectors, 0.01))[0]) for row in p]
        after = [calibration.label_for(calibration.combine(row, weights)[0]) for row in np.column_stack([p, p_new])]
        print(f"{name}: pooled score past bach[300:380]'s 99th percentile {np.mean(s > real_99th):.0%}, "
              f"at its Bonferroni share {np.mean(p_new <= 0.01 * weights[-1]):.0%}; labelled generated by the case "
              f"{before.count('generated')}/{len(rolls)} -> {after.count('generated')}/{len(rolls)} with it")


if __name__ == "__main__":
    {"traits": trait_table, "splices": splice_table, "duplicates": duplicate_table, "pooled": pooled_table}[sys.argv[1]]()
