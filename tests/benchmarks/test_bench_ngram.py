"""Chord-chain sampling (training/ngram.py, the zoo's `ngram-*` families) against a straightforward per-draw
`rng.choice` over the context's counts, the sampler it replaced: the same pieces, drawn from the same seed.

Run: .venv/bin/python -m pytest tests/benchmarks/test_bench_ngram.py -s -o addopts=""
"""
import time

import numpy as np
import pytest

from training.ngram import NGramModel

PIECES = 32


def per_draw_choice(model, n, seed):
    """NGramModel.sample with each event drawn by rng.choice over its context's counts, normalised per draw."""
    rng = np.random.default_rng(seed)
    out = np.zeros((n, 1, model.pitches, model.steps), dtype=np.float32)
    for i in range(n):
        history, t = [], 0
        while t < model.steps:
            for k in range(min(model.order - 1, len(history)), -1, -1):
                table = model.counts[k].get(tuple(history[len(history) - k:]))
                if table:
                    events, counts = zip(*table.items())
                    event = events[rng.choice(len(events), p=np.asarray(counts) / sum(counts))]
                    break
            history.append(event)
            pitches, duration = model.events[event]
            out[i, 0, list(pitches), t:t + duration] = model.velocity
            t += duration
    return out


@pytest.mark.parametrize("order", [1, 2])
def test_chain_sampling_against_a_per_draw_choice(order):
    from engine.training_jobs import load_set

    rolls = load_set("builtin:bach[0:240]").x
    start = time.perf_counter()
    baseline = per_draw_choice(NGramModel(rolls, order), PIECES, 7)
    baseline_s = time.perf_counter() - start
    start = time.perf_counter()
    ours = NGramModel(rolls, order).sample(PIECES, 7)
    ours_s = time.perf_counter() - start
    print(f"\norder {order}, {PIECES} pieces of {rolls.shape[-1]} steps: per-draw rng.choice {baseline_s:.2f} s, "
          f"cached distributions {ours_s:.3f} s ({baseline_s / ours_s:.0f}x)")
    assert np.array_equal(ours, baseline)
