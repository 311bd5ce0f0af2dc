"""KS and JSD of a whole batch of suspect values against the reference sample, in memory that
does not grow with the batch (concatenating every suspect value once took ~9 MB per minute of
audio judged, 4 GB at about 430 one-minute recordings).

Values are fed file by file, in chunks; what is kept is sized by the reference sample
(profile["ks_sample"], m sorted values) and the 100 JSD bins, never by the batch:

- For KS, two counts per gap between consecutive reference values: how many suspect values
  v have #{r < v} = j and how many have #{r <= v} = j. Their cumulative sums are the suspect
  ECDF at every reference value and just below it, and between two reference values the
  reference ECDF is constant while the suspect ECDF only rises, so |F_suspect - F_reference|
  reaches its supremum at those points. The statistic is therefore EXACTLY the two-sample KS
  statistic of all suspect values against the reference sample (what scipy.stats.ks_2samp
  returns on the concatenated values), ties included.
- The p-value is engine.analysis.stats.ks_pvalue's: its exact small-sample path needs the raw
  values, which are kept only while the batch is that small (n*m/(n+m) <= EXACT_MAX_EN); above
  it the asymptotic Kolmogorov distribution needs only n, m and the statistic. A reference
  sample of fewer than EXACT_MAX_EN values keeps the exact path open for any batch, so there
  the raw values are kept up to MAX_KEPT only, and beyond it the p-value is the asymptotic one.
- For JSD, the 100-bin histogram on [0, 1] adds up exactly chunk by chunk.
"""
import numpy as np

from engine.analysis.stats import EXACT_MAX_EN, jsd_counts, ks_pvalue

CHUNK = 1 << 18  # values per step (1 MiB of float32): bounds the temporaries
MAX_KEPT = 1 << 20  # raw values kept for an exact p-value (8 MiB)
HIST_BINS = 100


class BatchDistribution:
    """Suspect values accumulated against one sorted reference sample."""

    def __init__(self, reference):
        self.reference = np.sort(np.asarray(reference, np.float64).ravel())
        m = self.reference.size
        self.below = np.zeros(m + 1, np.int64)  # below[j]: values with j reference values < v
        self.at_or_below = np.zeros(m + 1, np.int64)  # at_or_below[j]: values with j reference values <= v
        self.hist = np.zeros(HIST_BINS, np.int64)
        self.n = 0
        self.small = []  # raw values while the exact p-value may still need them

    def add(self, values):
        values = np.asarray(values).reshape(-1)
        for start in range(0, values.size, CHUNK):
            part = values[start:start + CHUNK].astype(np.float64)
            m = self.reference.size
            self.below += np.bincount(np.searchsorted(self.reference, part, side="left"), minlength=m + 1)
            self.at_or_below += np.bincount(np.searchsorted(self.reference, part, side="right"), minlength=m + 1)
            self.hist += np.histogram(part, HIST_BINS, (0.0, 1.0))[0]
            self.n += part.size
            if self.small is not None:
                self.small.append(part)
                if self.n * m / (self.n + m) > EXACT_MAX_EN or self.n > MAX_KEPT:
                    self.small = None

    def ks(self):
        """(statistic, p-value) of the two-sample KS test of all values added against the reference."""
        n, m = self.n, self.reference.size
        r = self.reference
        ref_at = np.searchsorted(r, r, side="right") / m  # F_ref at each reference value
        ref_below = np.searchsorted(r, r, side="left") / m  # F_ref just below it
        suspect_at = np.cumsum(self.below)[:m] / n  # values <= r_j: those with fewer than j+1 r < v
        suspect_below = np.cumsum(self.at_or_below)[:m] / n  # values < r_j
        d = float(max(np.max(np.abs(suspect_at - ref_at)), np.max(np.abs(suspect_below - ref_below))))
        if self.small is None and d > 0 and n * m / (n + m) <= EXACT_MAX_EN:
            from scipy.special import kolmogorov  # ks_pvalue's asymptotic branch, for a tiny reference

            return d, float(np.clip(kolmogorov(np.sqrt(n * m / (n + m)) * d), 0.0, 1.0))
        return d, ks_pvalue(d, n, m, lambda: (np.sort(np.concatenate(self.small)), r))

    def jsd(self):
        """JSD in bits between the 100-bin histograms on [0, 1] of the values and the reference."""
        return jsd_counts(self.hist, np.histogram(self.reference, HIST_BINS, (0.0, 1.0))[0])
