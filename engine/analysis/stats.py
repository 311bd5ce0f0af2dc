"""Distribution statistics: histograms, ECDFs, the two-sample Kolmogorov–Smirnov test and the
Jensen–Shannon divergence (base 2, histograms normalised to probabilities: the papers' convention).

A sample of real values is summarised exactly by a `Distribution`: when every value lies on a
grid k/levels (8-bit pixels, boolean rolls, integer durations) it keeps the count of each grid
value, made with np.bincount and no sort; otherwise it keeps the sorted values (one sort). The
KS statistic from either form equals scipy.stats.ks_2samp's on the raw values.
"""
import math
import warnings
from dataclasses import dataclass

import numpy as np

# Exact p-values up to this effective sample size n*m/(n+m); the Kolmogorov limit above it,
# where its error is a few percent of p at most and the exact path count (cost ~ n*m) is not needed.
EXACT_MAX_EN = 1_000
# Grids with more codes than this are summarised by sorted values instead of counts.
MAX_CODES = 2**20
# Values counted per chunk: small enough to stay in cache, large enough to amortise Python.
_CHUNK = 1 << 16


def grid_values(levels, size, dtype=np.float32):
    """The values k/levels for k = 0..size-1, correctly rounded to `dtype` (as the data hold them)."""
    return (np.arange(size, dtype=np.float64) / levels).astype(dtype)


def level_counts(a, levels):
    """Counts of each grid value k/levels (k >= 0) in `a`, or None when any value is off the grid.

    A value counts as on the grid only if it equals k/levels correctly rounded in `a`'s dtype,
    so the counts describe the data exactly (ties and order included).
    """
    a = np.ascontiguousarray(a).ravel()
    if a.dtype not in (np.float32, np.float64) or a.size == 0:
        return None
    scale = a.dtype.type(levels)
    counts = np.zeros(levels + 1, np.int64)
    codes = np.empty(min(a.size, _CHUNK), a.dtype)
    back = np.empty_like(codes)
    for start in range(0, a.size, _CHUNK):
        part = a[start:start + _CHUNK]
        c, b = codes[: part.size], back[: part.size]
        np.rint(np.multiply(part, scale, out=c), out=c)
        if not (c.min() >= 0 and c.max() < MAX_CODES):  # also False for NaN
            return None
        if not np.array_equal(np.divide(c, scale, out=b), part):
            return None
        chunk_counts = np.bincount(c.astype(np.intp), minlength=levels + 1)
        if chunk_counts.size > counts.size:
            counts = np.pad(counts, (0, chunk_counts.size - counts.size))
        counts[: chunk_counts.size] += chunk_counts
    return counts


def common_levels(a, b):
    """The finest grid both grids sit on (their least common multiple), or None if too fine."""
    if a is None or b is None:
        return None
    m = math.lcm(int(a), int(b))
    return m if m < MAX_CODES else None


@dataclass(frozen=True)
class Distribution:
    """One sample of real values: counts on the grid k/levels, or the sorted values."""

    counts: np.ndarray | None = None  # int64, counts[k] = number of values equal to k/levels
    levels: int | None = None
    values: np.ndarray | None = None  # sorted, when not on a grid
    dtype: str = "float32"  # the dtype the grid values are materialised in (the data's own)

    @classmethod
    def of(cls, a, levels=None):
        """Summarises `a` (any shape): counts when `levels` is given and every value is on that grid."""
        a = np.asarray(a)
        if levels:
            counts = level_counts(a, int(levels))
            if counts is not None:
                return cls(counts=counts, levels=int(levels), dtype=a.dtype.name)
        return cls(values=np.sort(a.ravel()), dtype=a.dtype.name)

    @classmethod
    def of_integers(cls, k):
        """Non-negative integers (e.g. note durations) as counts on the grid with levels = 1."""
        return cls(counts=np.bincount(np.asarray(k, np.intp).ravel()), levels=1, dtype="float64")

    @property
    def n(self):
        return int(self.counts.sum()) if self.counts is not None else int(self.values.size)

    def on_grid(self, levels):
        """Counts re-expressed on the finer grid `levels` (a multiple of self.levels)."""
        step = levels // self.levels
        out = np.zeros((self.counts.size - 1) * step + 1, np.int64)
        out[::step] = self.counts
        return out

    def sorted_values(self):
        if self.values is not None:
            return self.values
        return np.repeat(grid_values(self.levels, self.counts.size, self.dtype), self.counts)

    def histogram(self, bins=100, range=(0.0, 1.0)):
        """Counts in `bins` equal bins over `range` (np.histogram's edges; values outside dropped)."""
        if self.counts is not None:
            grid = grid_values(self.levels, self.counts.size, self.dtype)
            h, _ = np.histogram(grid, bins, range, weights=self.counts)
            return np.rint(h).astype(np.int64)
        return np.histogram(self.values, bins, range)[0]

    def ecdf(self, max_points=None):
        """(x, F(x)) at the distinct values, F right-continuous; optionally thinned for plotting."""
        if self.counts is not None:
            keep = self.counts > 0
            x = grid_values(self.levels, self.counts.size, np.float64)[keep]
            f = np.cumsum(self.counts)[keep] / self.n
        else:
            x = np.unique(self.values)
            f = np.searchsorted(self.values, x, side="right") / self.n
        if max_points and x.size > max_points:
            pick = np.unique(np.linspace(0, x.size - 1, max_points).astype(np.intp))
            x, f = x[pick], f[pick]
        return x.astype(np.float64), f

    def to_arrays(self, prefix):
        """Plain arrays for np.savez (no pickling): `prefix`counts/levels or `prefix`values."""
        if self.counts is not None:
            return {f"{prefix}counts": self.counts, f"{prefix}levels": np.asarray(self.levels),
                    f"{prefix}dtype": np.asarray(self.dtype)}
        return {f"{prefix}values": self.values}

    @classmethod
    def from_arrays(cls, arrays, prefix):
        if f"{prefix}counts" in arrays:
            return cls(counts=np.asarray(arrays[f"{prefix}counts"], np.int64),
                       levels=int(arrays[f"{prefix}levels"]), dtype=str(arrays[f"{prefix}dtype"]))
        values = np.asarray(arrays[f"{prefix}values"])
        return cls(values=values, dtype=values.dtype.name)


def ks_test(a: Distribution, b: Distribution):
    """Two-sided two-sample KS test of two Distributions -> (statistic, p-value).

    Counts on a common grid give the statistic from cumulative counts; otherwise the sorted values
    are compared as scipy does (searchsorted of the concatenation). P-value from `ks_pvalue`.
    """
    n1, n2 = a.n, b.n
    if n1 == 0 or n2 == 0:
        raise ValueError("KS test of an empty sample")
    grid = common_levels(a.levels, b.levels)
    if grid is not None and a.counts is not None and b.counts is not None:
        ca, cb = a.on_grid(grid), b.on_grid(grid)
        size = max(ca.size, cb.size)
        cdf1 = np.cumsum(np.pad(ca, (0, size - ca.size))) / n1
        cdf2 = np.cumsum(np.pad(cb, (0, size - cb.size))) / n2
    else:
        sa, sb = a.sorted_values(), b.sorted_values()
        both = np.concatenate([sa, sb])
        cdf1 = np.searchsorted(sa, both, side="right") / n1
        cdf2 = np.searchsorted(sb, both, side="right") / n2
    d = float(np.max(np.abs(cdf1 - cdf2)))
    return d, ks_pvalue(d, n1, n2, lambda: (a.sorted_values(), b.sorted_values()))


def ks_pvalue(d, n1, n2, samples):
    """Two-sided p-value of KS statistic `d` for sample sizes n1, n2.

    Small samples (n1*n2/(n1+n2) <= EXACT_MAX_EN): scipy's exact distribution, which needs the
    samples (`samples()` returns them; they are small there). Larger: the asymptotic Kolmogorov
    distribution of sqrt(n1*n2/(n1+n2)) * d (scipy.special.kolmogorov, i.e. kstwobign.sf), which
    keeps scipy.stats - a second of imports - off the analyze path.
    """
    if d == 0.0:
        return 1.0
    en = n1 * n2 / (n1 + n2)
    if en <= EXACT_MAX_EN:
        from scipy.stats import ks_2samp

        with warnings.catch_warnings():  # scipy falls back to its asymptotic formula when exact fails
            warnings.simplefilter("ignore", RuntimeWarning)
            return float(ks_2samp(*samples(), method="exact").pvalue)
    from scipy.special import kolmogorov

    return float(np.clip(kolmogorov(math.sqrt(en) * d), 0.0, 1.0))


def ks_2samp(a, b, levels=None):
    """KS two-sample test of two arrays of values -> (statistic, p-value).

    `levels`: the grid k/levels the values lie on, if any (255 for 8-bit images, 1 for boolean
    rolls); the values are then counted, not sorted. Off-grid data fall back to sorting.
    """
    return ks_test(Distribution.of(a, levels), Distribution.of(b, levels))


def histogram(a, bins=100, range=(0.0, 1.0), levels=None):
    """Counts of `a` in `bins` equal bins over `range`, as np.histogram."""
    return Distribution.of(a, levels).histogram(bins, range)


def ecdf(a, levels=None):
    """Empirical CDF of `a`: (distinct values, fraction of values <= each)."""
    return Distribution.of(a, levels).ecdf()


def jsd_counts(ha, hb):
    """Jensen–Shannon divergence in bits between two histograms over the same bins.

    Both are first normalised to probabilities; 0·log 0 = 0. NaN if either histogram is empty.
    """
    ha, hb = np.asarray(ha, np.float64), np.asarray(hb, np.float64)
    size = max(ha.size, hb.size)
    ha, hb = np.pad(ha, (0, size - ha.size)), np.pad(hb, (0, size - hb.size))
    if ha.sum() <= 0 or hb.sum() <= 0:
        return float("nan")
    p, q = ha / ha.sum(), hb / hb.sum()
    m = 0.5 * (p + q)

    def kl_to_m(r):
        nz = r > 0
        return float(np.sum(r[nz] * np.log2(r[nz] / m[nz])))

    return max(0.0, 0.5 * kl_to_m(p) + 0.5 * kl_to_m(q))


def jsd(a, b, bins=100, range=(0.0, 1.0), levels=None):
    """JSD in bits between the `bins`-bin histograms of two arrays over `range` (papers: 100, [0,1])."""
    return jsd_counts(histogram(a, bins, range, levels), histogram(b, bins, range, levels))


def pooled_range(a, b):
    """The range spanned by two arrays together (for histograms of features with no fixed range)."""
    lo = min(float(np.min(a)), float(np.min(b)))
    hi = max(float(np.max(a)), float(np.max(b)))
    return lo, hi
