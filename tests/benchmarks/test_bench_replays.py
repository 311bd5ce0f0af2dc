"""High-order chord chains and chains trained on chorales the reference lacks (docs/studies.md, "Chord
chains that replay", fifteenth pass, 2026-12-02).

The sets were written down and committed before anything was measured. A case's profile on
builtin:bach[0:300]; chains over chord events (tests/synthetic_music.chord_chain) trained on its fitting
part (the first 240 files) unless the row says "elsewhere" (trained on bach[300:380], which the reference
lacks). Every file is labelled by the case's profile detectors and the weighted Bonferroni rule at
alpha = 1 %, with the new detectors and without them (baseline: the same profile less NEW_DETECTORS).

- "tuning" (looked at while choosing the statistic): orders 3 and 4 at 8 bars, order 3 at 16 bars, order 4
  at 12 bars; elsewhere: order 3 at 8 bars, order 2 at 16 bars; real bach[300:380] as is and transposed.
- "untouched" (sealed, run once with the final code): new seeds of orders 3 and 4 at 8 bars, order 4 at
  16 bars, order 3 at 12 bars; elsewhere: order 3 at 16 bars, order 4 at 8 bars; orders 1 and 2 at 8 bars
  (no regression); real bach[380:] as is, transposed, at tempo x0.8 with velocity 64 (MIDI).
- "real-untouched" (sealed): a case on bach[110:410] judging bach[0:110] as is, transposed, at tempo x0.8.
- "zoo" (decided after the untouched run, run once): the zoo's n-gram model (training/ngram.py) of orders 3
  and 4 trained on the fitting part's patches, 4-bar samples.

- "whole-midi" (decided after the untouched run): chains trained on the fitting part's whole MIDI files (every
  bar, where the reference's rolls drop those after the last whole four-bar patch): order 3 at 8 bars, order 4 at
  8 and 16 bars (seeds 1581-1583); "whole-midi-untouched" (sealed): order 3 at 8 and 12 bars, order 4 at 8 bars
  (seeds 1591-1593).

    python tests/benchmarks/test_bench_replays.py tuning|untouched|real-untouched|zoo|whole-midi|whole-midi-untouched
"""
import sys

import numpy as np

from engine.detectors import suite
from tests import synthetic_music
from tests.benchmarks.test_bench_families import BAR, N_GENERATED, labels, real_rows, summary

NEW_DETECTORS = ("replay",)
ELSEWHERE = (300, 380)  # chorales the reference bach[0:300] lacks, for chains trained elsewhere
# (order, bars, seed, trained elsewhere)
TUNING = [(3, 8, 1501, False), (4, 8, 1502, False), (3, 16, 1503, False), (4, 12, 1504, False),
          (3, 8, 1505, True), (2, 16, 1506, True)]
UNTOUCHED = [(3, 8, 1551, False), (4, 8, 1552, False), (4, 16, 1553, False), (3, 12, 1554, False),
             (3, 16, 1555, True), (4, 8, 1556, True), (1, 8, 1557, False), (2, 8, 1558, False)]
WHOLE_MIDI = [(3, 8, 1581, False), (4, 8, 1582, False), (4, 16, 1583, False)]
WHOLE_MIDI_UNTOUCHED = [(3, 8, 1591, False), (3, 12, 1592, False), (4, 8, 1593, False)]
REAL = {"tuning": "builtin:bach[300:380]", "untouched": "builtin:bach[380:]"}
REAL_CASE = ("builtin:bach[110:410]", "builtin:bach[0:110]")


def chains(specs, fit_pieces, elsewhere_pieces):
    return {f"chord-event chain, order {k}, {bars} bars (seed {seed}){', trained elsewhere' if out else ''}":
            synthetic_music.chord_chain(elsewhere_pieces if out else fit_pieces, k, N_GENERATED, steps=bars * BAR,
                                        seed=seed)
            for k, bars, seed, out in specs}


def judged(ref_spec, rows):
    """Each row labelled by a profile on ref_spec, with and without NEW_DETECTORS."""
    from engine.data.specs import load_spec
    from engine.detectors.profile import build_profile

    detectors = suite.profile_detectors(build_profile(load_spec(ref_spec)))
    baseline = [d for d in detectors if d.name not in NEW_DETECTORS]
    print(f"case on {ref_spec}: detectors {[d.name for d in detectors]}, "
          f"weights {np.round(suite.weights(detectors, 0.01), 3).tolist()}", flush=True)
    for name, (x, g) in rows.items():
        print(f"{name}: with: {summary(labels(detectors, x, g))} | baseline: {summary(labels(baseline, x, g))}",
              flush=True)


def held_rows(spec, seed, retimed):
    from engine.data.specs import load_spec
    from engine.detectors.profile import item_groups

    held = load_spec(spec)
    groups, _ = item_groups(held.items, held.n)
    if retimed:
        return real_rows(spec, held.x, groups, seed)
    rolls = synthetic_music.file_rolls(held.x, groups)
    return {f"real {spec} ({len(rolls)})": (held.x, groups),
            "the same, transposed by -6..+6": synthetic_music.as_batch(synthetic_music.transposed(rolls, seed=seed))}


def pieces(spec):
    from engine.data.specs import load_spec
    from engine.detectors.profile import item_groups

    samples = load_spec(spec)
    return synthetic_music.file_rolls(samples.x, item_groups(samples.items, samples.n)[0])


def whole_midi(n):
    """Boolean rolls of the first n Bach chorales with every bar (the product's patches drop a piece's last partial one)."""
    import pretty_midi

    from engine.data.builtins import corpus_files
    from engine.data.representations import piano_roll

    return [piano_roll(pretty_midi.PrettyMIDI(path)) > 0 for path in corpus_files("bach")[:n]]


def main(which):
    if which == "real-untouched":
        ref_spec, held_spec = REAL_CASE
        return judged(ref_spec, held_rows(held_spec, seed=1561, retimed=True))
    fit_pieces = pieces("builtin:bach[0:240]")
    if which == "zoo":
        from training.ngram import NGramModel

        x, _ = synthetic_music.as_batch(fit_pieces)
        return judged("builtin:bach[0:300]", {f"zoo n-gram model, order {k}, 4 bars (seed {seed})": synthetic_music.as_batch(
            [sample[0] > 0 for sample in NGramModel(x, k).sample(N_GENERATED, seed=seed)]) for k, seed in ((3, 1571), (4, 1572))})
    if which.startswith("whole-midi"):
        specs = WHOLE_MIDI if which == "whole-midi" else WHOLE_MIDI_UNTOUCHED
        return judged("builtin:bach[0:300]", {f"{name}, trained on whole MIDI files": synthetic_music.as_batch(rolls)
                                              for name, rolls in chains(specs, whole_midi(240), []).items()})
    elsewhere = pieces(f"builtin:bach[{ELSEWHERE[0]}:{ELSEWHERE[1]}]")
    rows = held_rows(REAL[which], seed=1507 if which == "tuning" else 1559, retimed=which == "untouched")
    sets = chains(TUNING if which == "tuning" else UNTOUCHED, fit_pieces, elsewhere)
    rows.update({name: synthetic_music.as_batch(rolls) for name, rolls in sets.items()})
    judged("builtin:bach[0:300]", rows)


if __name__ == "__main__":
    main(sys.argv[1])
