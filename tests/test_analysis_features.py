"""Spectral centroid, slope and moments: vectorised results against plain per-sample loops."""
import numpy as np
import pytest
import scipy.stats

import engine.analysis.features as features
from engine.analysis.features import (
    centroid_slopes, moments, sample_features, spectral_centroid, spectral_slope,
)


def loop_centroid(image):
    """One (h, w) image, column by column: expected row under the normalised column."""
    out = np.full(image.shape[1], np.nan)
    for j in range(image.shape[1]):
        column = image[:, j].astype(np.float64)
        if column.sum() > 0:
            out[j] = np.sum(np.arange(image.shape[0]) * column) / column.sum()
    return out


def loop_slope(centroids, window=7):
    """polyfit of the defined centroids on the column number within each window."""
    out = np.full(centroids.size - window + 1, np.nan)
    for start in range(out.size):
        y = centroids[start:start + window]
        k = np.arange(window)[np.isfinite(y)]
        if k.size >= 2:
            out[start] = np.polyfit(k, y[np.isfinite(y)], 1)[0]
    return out


@pytest.fixture(scope="module")
def images():
    rng = np.random.default_rng(0)
    x = (rng.random((6, 2, 10, 12)) * (rng.random((6, 2, 10, 12)) < 0.4)).astype(np.float32)
    x[0, 0, :, 3] = 0.0  # an empty column
    x[1, 1, :, 2:9] = 0.0  # seven empty columns: a window with no centroid at all
    x[2, 0, :, :] = 0.0
    x[2, 0, 4, 5] = 1.0  # a single defined column
    return x


def test_centroid_is_expected_row_per_column_and_nan_for_empty_columns(images):
    got = spectral_centroid(images)
    assert got.shape == (6, 2, 12)
    for i in range(6):
        for c in range(2):
            np.testing.assert_allclose(got[i, c], loop_centroid(images[i, c]), rtol=1e-12, equal_nan=True)
    assert np.isnan(got[0, 0, 3])


def test_slope_is_least_squares_over_windows_of_seven_using_defined_centroids(images):
    centroids = spectral_centroid(images)
    got = spectral_slope(images)
    assert got.shape == (6, 2, 12 - 7 + 1)
    for i in range(6):
        for c in range(2):
            np.testing.assert_allclose(got[i, c], loop_slope(centroids[i, c]), rtol=1e-9, atol=1e-12,
                                       equal_nan=True)
    assert np.isnan(got[1, 1, 2])  # no defined centroid in columns 2..8
    assert np.isnan(got[2, 0]).all()  # one defined centroid per window at most


def test_slope_of_a_straight_line_is_its_gradient():
    c = 3.0 + 0.25 * np.arange(20.0)
    np.testing.assert_allclose(centroid_slopes(c[None]), 0.25)


def test_moments_match_scipy_population_moments_with_nan_omitted():
    rng = np.random.default_rng(1)
    v = rng.gamma(2.0, size=(5, 40))
    v[1, ::3] = np.nan
    got = moments(v)
    for i in range(5):
        row = v[i][np.isfinite(v[i])]
        expected = [row.mean(), row.std(), scipy.stats.skew(row), scipy.stats.kurtosis(row)]
        np.testing.assert_allclose(got[i], expected, rtol=1e-10)


def test_moments_of_constant_and_empty_rows():
    got = moments(np.array([[2.5, 2.5, 2.5], [np.nan, np.nan, np.nan]]))
    assert got[0, 0] == 2.5 and got[0, 1] == 0.0 and np.isnan(got[0, 2:]).all()
    assert np.isnan(got[1]).all()


def test_sample_features_give_moments_per_sample_independent_of_chunking(images, monkeypatch):
    whole = sample_features(images)
    assert whole["centroid"].shape == (6, 4) and whole["slope"].shape == (6, 4)
    monkeypatch.setattr(features, "_CHUNK_VALUES", 250)  # one sample per chunk
    chunked = sample_features(images)
    for key in ("centroid", "slope"):
        np.testing.assert_array_equal(chunked[key], whole[key])
    expected = moments(spectral_centroid(images[3:4]).reshape(1, -1))
    np.testing.assert_allclose(whole["centroid"][3], expected[0], rtol=1e-12)


def test_bernoulli_noise_has_its_mean_centroid_at_the_centre_row():
    """The paper's observation: spatially uniform noise centres at (h - 1) / 2."""
    rng = np.random.default_rng(2)
    x = (rng.random((400, 1, 28, 28)) < 0.13).astype(np.float32)
    means = sample_features(x)["centroid"][:, 0]
    assert abs(np.nanmedian(means) - 13.5) < 0.3
