"""KS, JSD, histograms and ECDFs of engine.analysis.stats against scipy/numpy on the same data."""
import gzip
import io
import pathlib

import numpy as np
import pytest
import scipy.stats
from scipy.spatial.distance import jensenshannon

from engine.analysis.stats import (
    EXACT_MAX_EN, Distribution, ecdf, histogram, jsd, jsd_counts, ks_2samp, ks_test, level_counts,
)

MNIST = pathlib.Path(__file__).resolve().parents[1] / "resources" / "mnist" / "t10k-images-idx3-ubyte.gz"


def kolmogorov_pvalue(d, n1, n2):
    en = n1 * n2 / (n1 + n2)
    return scipy.stats.kstwobign.sf(np.sqrt(en) * d)


@pytest.fixture(scope="module")
def pixels():
    """The first 600 MNIST test images as float32 k/255 values (n, 784)."""
    with gzip.open(MNIST) as fh:
        raw = fh.read(16 + 600 * 784)
    return (np.frombuffer(raw, np.uint8, offset=16).reshape(600, 784) / np.float32(255)).astype(np.float32)


def test_ks_statistic_on_discrete_pixels_equals_scipy_without_sorting(pixels):
    a, b = pixels[:400].ravel(), pixels[400:].ravel()  # heavy ties: ~80% zeros
    assert Distribution.of(a, 255).counts is not None  # counted, not sorted
    ours, p = ks_2samp(a, b, levels=255)
    ref = scipy.stats.ks_2samp(a, b)
    assert ours == pytest.approx(ref.statistic, abs=1e-12)
    assert p == pytest.approx(kolmogorov_pvalue(ours, a.size, b.size), rel=1e-9)


def test_ks_merges_grids_of_different_levels(pixels):
    """Bernoulli draws (levels 1) and digits-like data (levels 16) against 8-bit pixels."""
    rng = np.random.default_rng(0)
    bern = (rng.random(50_000) < 0.13).astype(np.float32)
    sixteenths = (rng.integers(0, 17, 30_000) / np.float32(16)).astype(np.float32)
    a = pixels.ravel()
    for other, levels in ((bern, 1), (sixteenths, 16)):
        ours = ks_test(Distribution.of(a, 255), Distribution.of(other, levels))
        ref = scipy.stats.ks_2samp(a, other)
        assert ours[0] == pytest.approx(ref.statistic, abs=1e-12)
        assert ours[1] == pytest.approx(kolmogorov_pvalue(ours[0], a.size, other.size), rel=1e-9, abs=1e-300)


def test_ks_on_continuous_data_with_ties_equals_scipy_statistic():
    rng = np.random.default_rng(1)
    for n1, n2 in ((300, 200), (2000, 3001), (12_000, 15_000)):
        a = np.round(rng.normal(size=n1), 1)  # rounding makes many ties
        b = np.round(rng.normal(0.05, 1.1, size=n2), 1)
        assert ks_2samp(a, b)[0] == pytest.approx(scipy.stats.ks_2samp(a, b).statistic, abs=1e-12)


def test_pvalue_is_exact_for_small_samples_and_kolmogorov_for_large_ones():
    rng = np.random.default_rng(4)
    small_a, small_b = rng.normal(size=700), rng.normal(0.15, size=500)  # n*m/(n+m) = 292
    d, p = ks_2samp(small_a, small_b)
    assert p == pytest.approx(scipy.stats.ks_2samp(small_a, small_b, method="exact").pvalue, rel=1e-9)
    large_a, large_b = rng.normal(size=3000), rng.normal(0.05, size=2500)  # n*m/(n+m) = 1364
    assert 3000 * 2500 / 5500 > EXACT_MAX_EN
    d, p = ks_2samp(large_a, large_b)
    assert p == pytest.approx(kolmogorov_pvalue(d, 3000, 2500), rel=1e-12)
    exact = scipy.stats.ks_2samp(large_a, large_b, method="exact").pvalue
    assert p == pytest.approx(exact, rel=0.05)  # the asymptotic law is close at this size already


def test_off_grid_values_fall_back_to_sorting_and_stay_exact():
    rng = np.random.default_rng(2)
    a = rng.random(5000).astype(np.float32)  # continuous, although levels is claimed
    b = (rng.integers(0, 256, 4000) / np.float32(255)).astype(np.float32)
    assert Distribution.of(a, 255).counts is None
    ours = ks_2samp(a, b, levels=255)
    assert ours[0] == pytest.approx(scipy.stats.ks_2samp(a, b).statistic, abs=1e-12)


def test_level_counts_counts_grid_values_and_refuses_anything_else():
    values = np.array([0, 1, 1, 254, 255, 255, 255], np.float32) / np.float32(255)
    counts = level_counts(values, 255)
    assert counts[0] == 1 and counts[1] == 2 and counts[254] == 1 and counts[255] == 3 and counts.sum() == 7
    assert level_counts(np.array([0.5, np.nan], np.float32), 1) is None
    assert level_counts(np.array([0.5 + 1e-4], np.float32), 255) is None
    assert level_counts(np.array([-1 / 255], np.float32), 255) is None


def test_identical_samples_give_ks_zero_p_one_jsd_zero(pixels):
    a = pixels.ravel()
    assert ks_2samp(a, a.copy(), levels=255) == (0.0, 1.0)
    assert jsd(a, a.copy()) == 0.0


def test_jsd_is_squared_scipy_jensenshannon_base_2_on_normalised_histograms():
    rng = np.random.default_rng(3)
    a, b = rng.beta(0.5, 2.0, 20_000), rng.beta(2.0, 2.0, 7_000)
    ha, hb = np.histogram(a, 100, (0, 1))[0], np.histogram(b, 100, (0, 1))[0]
    expected = jensenshannon(ha / ha.sum(), hb / hb.sum(), base=2) ** 2
    assert jsd(a, b) == pytest.approx(expected, rel=1e-10)
    assert jsd_counts([5, 0], [0, 7]) == pytest.approx(1.0)  # disjoint supports: 1 bit
    assert np.isnan(jsd_counts([0, 0], [1, 2]))


def test_histogram_from_counts_equals_numpy_histogram_on_both_ranges(pixels):
    a = pixels.ravel()  # includes k = 51, 102, ... that fall exactly on bin edges 0.2, 0.4, ...
    for span in ((0.0, 1.0), (0.11, 0.88)):
        expected = np.histogram(a, 100, span)[0]
        np.testing.assert_array_equal(histogram(a, 100, span, levels=255), expected)
        np.testing.assert_array_equal(histogram(a, 100, span), expected)


def test_ecdf_gives_fraction_at_or_below_each_distinct_value():
    x, f = ecdf(np.array([0.5, 0.0, 0.5, 1.0]))
    np.testing.assert_array_equal(x, [0.0, 0.5, 1.0])
    np.testing.assert_allclose(f, [0.25, 0.75, 1.0])
    xg, fg = ecdf(np.array([0.5, 0.0, 0.5, 1.0], np.float32), levels=2)
    np.testing.assert_array_equal(xg, x)
    np.testing.assert_allclose(fg, f)


def test_distribution_round_trips_through_npz_without_pickle(pixels):
    for dist in (Distribution.of(pixels, 255), Distribution.of(np.linspace(0, 1, 7))):
        buffer = io.BytesIO()
        np.savez(buffer, **dist.to_arrays("x_"))
        buffer.seek(0)
        with np.load(buffer, allow_pickle=False) as data:
            back = Distribution.from_arrays({k: data[k] for k in data.files}, "x_")
        assert back.n == dist.n
        np.testing.assert_array_equal(back.sorted_values(), dist.sorted_values())
