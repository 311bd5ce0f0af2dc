"""The clean-ups tests/benchmarks/cleaned_output.py writes (docs/studies.md, "Cleaned generator output", forty-third
pass): each does what its name says to a ramp of float values.

    .venv/bin/python -m pytest tests/benchmarks/test_bench_cleaned_output.py -o addopts=""
"""
import numpy as np

from tests.benchmarks.cleaned_output import cleanups


def test_each_clean_up_does_what_it_names():
    x = np.linspace(0, 1, 1001).reshape(1, 7, 143)
    out = {name: images.reshape(-1).astype(int) for name, images in cleanups(x).items()}
    r = out["round"]
    assert set(np.unique(out["clean"])) == {0, 255} | set(np.unique(r[(r >= 30) & (r <= 230)]))
    assert np.all(out["low30"][r < 30] == 0) and np.array_equal(out["low30"][r >= 30], r[r >= 30])
    assert np.all(out["clip"][x.reshape(-1) <= 0.1] == 0) and np.all(out["clip"][x.reshape(-1) >= 0.9] == 255)
    assert np.unique(out["clip"]).size == 256  # rescaled from floats: every level used, no gap
    assert np.unique(out["levels16"]).size == 16 and np.unique(out["levels8"]).size == 8
    assert set(np.unique(out["binary"])) == {0, 255}
