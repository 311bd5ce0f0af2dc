"""Spectral centroid, spectral slope and their per-sample moments (TequilaGAN, section 3.2),
vectorised over (n, channels, rows, columns).

Conventions (docs/analysis.md):
- centroid of a column = expected row index (row 0 = first row of the array) under the column's
  intensities normalised to sum 1; an all-zero column has no centroid: NaN.
- slope = least-squares slope of the centroids regressed on the column number within each window
  of 7 consecutive columns (stride 1), using the window's defined centroids; NaN when fewer
  than two are defined.
- moments of a sample = mean, std, skewness, kurtosis (population formulas, Fisher's excess
  kurtosis, as scipy.stats' defaults) over its defined values; NaN entries are left out.
"""
import numpy as np

MOMENTS = ("mean", "std", "skewness", "kurtosis")
SLOPE_WINDOW = 7
# Input values per chunk in sample_features: bounds the float64 working arrays to a few tens of MB.
_CHUNK_VALUES = 4_000_000


def spectral_centroid(x):
    """(n, c, h, w) intensities -> (n, c, w) float64 centroids (row units); NaN for empty columns."""
    x = np.asarray(x)
    rows = np.arange(x.shape[-2], dtype=np.float64)
    # einsum accumulates in float64 without a float64 copy of x
    mass = np.einsum("...hw->...w", x, dtype=np.float64)
    weighted = np.einsum("...hw,h->...w", x, rows)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(mass > 0, weighted / mass, np.nan)


def spectral_slope(x):
    """(n, c, h, w) intensities -> (n, c, w - 6) spectral slopes (row units per column)."""
    return centroid_slopes(spectral_centroid(x))


def centroid_slopes(centroids, window=SLOPE_WINDOW):
    """(..., w) centroids -> (..., w - window + 1) slopes of every window of `window` columns."""
    c = np.asarray(centroids, np.float64)
    if c.shape[-1] < window:
        return np.full(c.shape[:-1] + (0,), np.nan)
    defined = np.isfinite(c)
    y = np.lib.stride_tricks.sliding_window_view(np.where(defined, c, 0.0), window, axis=-1)
    w = np.lib.stride_tricks.sliding_window_view(defined.astype(np.float64), window, axis=-1)
    k = np.arange(window, dtype=np.float64)  # column number within the window
    # Weighted least squares (weight 0 = undefined centroid) from five window sums; einsum reads
    # the sliding views in place.
    s, sk, skk = (np.einsum("...k,k->...", w, k**p) for p in (0, 1, 2))
    sy, sky = (np.einsum("...k,k->...", y, k**p) for p in (0, 1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(s >= 2, (s * sky - sk * sy) / (s * skk - sk * sk), np.nan)


def moments(v):
    """(n, k) values (NaN = undefined) -> (n, 4): mean, std, skewness, excess kurtosis per row.

    A row with no defined value gives NaN throughout; a constant row gives std 0 and NaN skewness
    and kurtosis (scipy's rule: variance below (eps * mean)^2 counts as zero).
    """
    v = np.asarray(v, np.float64)
    v = v.reshape(v.shape[0], -1)
    defined = np.isfinite(v)
    count = defined.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(defined, v, 0.0).sum(axis=1) / count
        d = np.where(defined, v - mean[:, None], 0.0)
        d2 = d * d
        m2 = d2.sum(axis=1) / count
        m3 = (d2 * d).sum(axis=1) / count
        m4 = (d2 * d2).sum(axis=1) / count
        flat = m2 <= (np.finfo(np.float64).eps * mean) ** 2
        skewness = np.where(flat, np.nan, m3 / m2**1.5)
        kurtosis = np.where(flat, np.nan, m4 / (m2 * m2) - 3.0)
    std = np.where(flat, 0.0, np.sqrt(m2))
    return np.stack([mean, std, skewness, kurtosis], axis=1)


def sample_features(x):
    """Per-sample moments of centroid and slope: {"centroid": (n, 4), "slope": (n, 4)}."""
    x = np.asarray(x)
    if x.shape[0] == 0:
        return {"centroid": np.empty((0, 4)), "slope": np.empty((0, 4))}
    step = max(1, _CHUNK_VALUES // max(1, int(np.prod(x.shape[1:]))))
    centroid_moments, slope_moments = [], []
    for start in range(0, x.shape[0], step):  # chunks of many samples bound memory; no per-sample loop
        centroids = spectral_centroid(x[start:start + step])
        centroid_moments.append(moments(centroids))
        slope_moments.append(moments(centroid_slopes(centroids)))
    return {"centroid": np.concatenate(centroid_moments), "slope": np.concatenate(slope_moments)}
