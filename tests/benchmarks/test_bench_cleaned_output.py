"""The clean-ups tests/benchmarks/cleaned_output.py writes (docs/studies.md, "Cleaned generator output", forty-third
and forty-eighth passes): each does what its name says to a ramp of float values.

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
    halves = np.isclose(np.modf(x.reshape(-1) * 255)[0], 0.5)
    assert np.array_equal(out["savegrid"][~halves], r[~halves])  # floor(x * 255 + 0.5) is rint but at exact halves
    assert np.all(out["savegrid"][halves] - r[halves] >= 0)  # which it rounds up, rint to even


def test_the_per_image_clean_ups_stretch_each_figure_on_its_own():
    x = np.stack([np.linspace(0.2, 0.6, 784).reshape(28, 28), np.linspace(0, 1, 784).reshape(28, 28)])
    out = cleanups(x)
    for name in ("minmax", "stretch", "autocontrast"):
        assert out[name][0].min() == 0 and out[name][0].max() == 255, name  # the dim figure spread to full range
    assert np.array_equal(out["minmax"][1], out["round"][1])  # already spanning [0, 1]: unchanged
    spike = np.zeros((1, 28, 28))
    spike[0, 14, 14] = 1.0
    assert cleanups(spike)["median"].max() == 0  # a lone pixel is removed by the 3 x 3 median
    assert 0 < cleanups(spike)["gauss"].max() < 255  # and spread by the Gaussian
