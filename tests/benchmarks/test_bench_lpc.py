"""Per-frame linear prediction for pulse-grid's excitation and synthetic-voice's residual kurtosis: the batched
solve (engine/analysis/lpc.py) against the baseline that solved each frame with scipy's solve_toeplitz (Levinson)
and filtered it with np.convolve, as both detectors did before. Times the two on the same FSDD takes (rounds
alternate; medians and their ratio) and prints the largest relative difference of the residuals.

    python tests/benchmarks/test_bench_lpc.py [N] [ROUNDS]        # N FSDD takes (default 100)
    python -m pytest tests/benchmarks/test_bench_lpc.py -s -o addopts=""
"""
import sys
import time

import numpy as np

from engine.detectors.pulse_grid import FRAME, HOP, ORDER, lpc_residual


def baseline_residual(x):
    """pulse_grid.lpc_residual as it was: one Levinson solve and one convolution per frame."""
    from scipy.linalg import solve_toeplitz

    out, window = np.zeros_like(x), np.hanning(FRAME)
    for start in range(0, x.size - FRAME - ORDER, HOP):
        frame = x[start:start + FRAME] * window
        ac = np.correlate(frame, frame, "full")[FRAME - 1:FRAME + ORDER]
        if ac[0] <= 0:
            continue
        ac[0] *= 1 + 1e-6
        a = solve_toeplitz(ac[:ORDER], ac[1:])
        piece = x[start:start + ORDER + HOP]
        out[start + ORDER:start + ORDER + HOP] = np.convolve(piece, np.r_[1.0, -a])[ORDER:piece.size]
    return out


def takes(n):
    import soundfile

    from engine.data.builtins import corpus_files

    files = corpus_files("fsdd")
    return [soundfile.read(files[int(k)], dtype="float64")[0] for k in np.linspace(0, len(files) - 1, n)]


def measure(n=100, rounds=3):
    audio = takes(n)
    times = {"baseline": [], "batched": []}
    for _ in range(rounds):
        for name, residual in (("baseline", baseline_residual), ("batched", lpc_residual)):
            start = time.perf_counter()
            found = [residual(x) for x in audio]
            times[name].append(time.perf_counter() - start)
            if name == "baseline":
                expected = found
    difference = max(np.abs(a - b).max() / max(np.abs(a).max(), 1e-30) for a, b in zip(expected, found))
    medians = {k: float(np.median(v)) for k, v in times.items()}
    print(f"{n} FSDD takes, {rounds} rounds: baseline (solve_toeplitz per frame) {medians['baseline']:.3f} s, "
          f"batched {medians['batched']:.3f} s, ratio {medians['baseline'] / medians['batched']:.1f}x; "
          f"largest relative difference of the residuals {difference:.1e}")
    return medians, difference


def test_batched_prediction_matches_the_per_frame_solve_and_is_faster():
    medians, difference = measure(n=30, rounds=2)
    assert difference < 1e-8 and medians["batched"] < medians["baseline"]


if __name__ == "__main__":
    measure(*(int(a) for a in sys.argv[1:3]))
