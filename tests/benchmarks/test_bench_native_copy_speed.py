"""Speed of the native copy's search (engine/detectors/native_copy.py, `exact_copy`) against the plain search it
replaced, on the same samples: seconds per file, their ratio, and whether the copies found agree.

The baseline, `baseline_copy`, compares every sample with the one a lag before it at every lag and counts the bits of
every run of MIN_RUN equal samples or more. The search compares a grid of every STRIDE-th sample first and counts only
runs whose changing steps could hold COPY_BITS; a square wave's plateaus, which match at every lag, made the baseline
count thousands of runs per lag.

Signals (made here, 16-bit at 16 and 48 kHz, 10 s): noise at a room's level, a coarse quiet recording (five levels),
noise with a stored frame written again (a copy), and a square wave (plateaus).

Run: PYTHONPATH=. OMP_NUM_THREADS=1 python -m pytest tests/benchmarks/test_bench_native_copy_speed.py -s
"""
import time

import numpy as np

from engine.data.sampleset import NativeAudio
from engine.detectors.native_copy import COPY_BITS, MIN_RUN, PITCH_HZ, exact_copy, step_bits

SECONDS = 10


def baseline_copy(native):
    """The plain search: every lag compared over the whole file, every run's bits counted."""
    x = np.asarray(native.samples, dtype=np.int64)
    best = None
    for lag in range(native.rate // PITCH_HZ[1], min(native.rate // PITCH_HZ[0], x.size - 1) + 1):
        equal = np.concatenate([[False], x[lag:] == x[:-lag], [False]])
        edges = np.flatnonzero(np.diff(equal.astype(np.int8)))
        starts, stops = edges[0::2], edges[1::2]
        for a, b in zip(starts[stops - starts >= MIN_RUN], stops[stops - starts >= MIN_RUN]):
            bits = step_bits(x[a + lag:a + lag + min(b - a, lag)])
            if bits >= COPY_BITS and (best is None or bits > best[0]):
                best = (bits, int(a + lag), int(b - a), lag)
    return best


def signals(rate, seed=0):
    rng = np.random.default_rng(seed)
    n = SECONDS * rate
    copy = rng.normal(0, 300, n).astype(np.int16)
    copy[5000:5400] = np.resize(copy[4800:4961], 400)
    return {"noise": rng.normal(0, 1000, n).astype(np.int16),
            "coarse": rng.integers(-2, 3, n).astype(np.int16),
            "copy": copy,
            "square": np.resize(np.r_[np.full(40, 3), np.full(40, -3)], n).astype(np.int16)}


def timed(search, native):
    start = time.perf_counter()
    found = search(native)
    return time.perf_counter() - start, found


def test_native_copy_speed():
    print(f"\n{'signal':8s} {'kHz':>4s} {'baseline s':>11s} {'search s':>9s} {'ratio':>6s}  copy")
    for rate in (16000, 48000):
        for name, samples in signals(rate).items():
            native = NativeAudio(rate, samples, rate // 2)
            base_s, base = timed(baseline_copy, native)
            new_s, new = timed(exact_copy, native)
            assert (base is None) == (new is None) and (base is None or (np.isclose(base[0], new[0])
                                                                         and base[1:] == new[1:]))
            print(f"{name:8s} {rate // 1000:4d} {base_s:11.3f} {new_s:9.3f} {base_s / new_s:6.1f}  "
                  f"{'none' if new is None else f'{new[0]:.0f} bits at lag {new[3]}'}")
