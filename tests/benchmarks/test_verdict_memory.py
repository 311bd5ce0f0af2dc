"""Peak memory of `verdict` on 10 and on 100 one-minute recordings (issue #12: it grew by
~9 MB per minute judged, 158 MB for 10 files and 972 MB for 100). Baseline: the 10-file run
in the same session; the 100-file run should stay within 1.5 times its peak.

    .venv/bin/python -m pytest tests/benchmarks/test_verdict_memory.py -s -o addopts=""
"""
import numpy as np
import pytest

from measure import run_measured

RATE = 8000


def one_minute(path, seed):
    """A minute of a wandering tone in noise, as 16-bit PCM WAV."""
    import soundfile

    rng = np.random.default_rng(seed)
    t = np.arange(60 * RATE) / RATE
    pitch = 200 + 100 * np.sin(2 * np.pi * t / (3 + seed % 5))
    signal = 0.3 * np.sin(2 * np.pi * np.cumsum(pitch) / RATE) + 0.05 * rng.standard_normal(t.size)
    soundfile.write(str(path), signal.astype(np.float32), RATE, subtype="PCM_16")


@pytest.mark.slow
def test_verdict_peak_memory_does_not_grow_with_the_batch(tmp_path):
    case = tmp_path / "case"
    assert run_measured(["case", "new", case, "--reference", "builtin:fsdd[0:200]"])[0] == 0
    evidence = tmp_path / "evidence"
    evidence.mkdir()
    for k in range(100):
        one_minute(evidence / f"rec{k:03d}.wav", k)
    peaks = {}
    for n in (10, 100):
        paths = sorted(evidence.iterdir())[:n]
        code, seconds, peak, out, err = run_measured(["verdict", *paths, "--case", case])
        assert code == 0, err[-2000:]
        peaks[n] = peak
        print(f"\nverdict on {n} one-minute recordings: {seconds:.1f} s, peak {peak:.0f} MiB")
    ratio = peaks[100] / peaks[10]
    print(f"peak ratio 100 / 10 files: {ratio:.2f} (target <= 1.5)")
    assert ratio <= 1.5
