"""Comparison of a sample set with a reference: one "results" entry of the analyze JSON."""
import math

import numpy as np

from engine.analysis.features import MOMENTS
from engine.analysis.profile import HIST_BINS, profile
from engine.analysis.specifications import violations_of
from engine.analysis.stats import Distribution, jsd_counts, ks_test, pooled_range


def compare_sets(reference, other):
    """Compares two SampleSets; see compare_profiles."""
    return compare_profiles(profile(reference), profile(other))


def compare_profiles(reference, other):
    """{"name", "n", "intensity", "centroid", "slope"[, "violations", "transitions", "durations"]}.

    Every test is {"ks_statistic", "ks_pvalue", "jsd"} (null when a side has no values);
    centroid and slope hold one test per moment of the per-sample distributions.
    """
    result = {
        "name": str(other["name"]),
        "n": int(other["n"]),
        "intensity": _intensity(reference, other),
        "centroid": _moments(reference["centroid"], other["centroid"]),
        "slope": _moments(reference["slope"], other["slope"]),
    }
    if "transition_codes" in reference and "transition_codes" in other:
        result["violations"] = violations_of(
            other["transition_codes"], other["transition_counts"], reference["transition_codes"])
        result["transitions"] = int(np.sum(other["transition_counts"]))
        ref_d = Distribution.from_arrays(reference, "durations_")
        other_d = Distribution.from_arrays(other, "durations_")
        result["durations"] = _test(ref_d, other_d, lambda: jsd_counts(ref_d.counts, other_d.counts))
    return result


def _intensity(reference, other):
    ref_i = Distribution.from_arrays(reference, "intensity_")
    other_i = Distribution.from_arrays(other, "intensity_")
    out = _test(ref_i, other_i, lambda: jsd_counts(reference["intensity_hist"], other["intensity_hist"]))
    out["jsd_mid"] = _finite(jsd_counts(reference["intensity_hist_mid"], other["intensity_hist_mid"]))
    return out


def _moments(reference, other):
    """KS and JSD per moment; JSD over 100 bins spanning the pooled range of both sets."""
    out = {}
    for i, name in enumerate(MOMENTS):
        a, b = reference[:, i], other[:, i]
        a, b = a[np.isfinite(a)], b[np.isfinite(b)]
        if a.size == 0 or b.size == 0:
            out[name] = _test(None, None, None)
            continue
        span = pooled_range(a, b)
        out[name] = _test(Distribution.of(a), Distribution.of(b), lambda: jsd_counts(
            np.histogram(a, HIST_BINS, span)[0], np.histogram(b, HIST_BINS, span)[0]))
    return out


def _test(a, b, jsd):
    """One KS + JSD entry; nulls when either Distribution is missing or empty."""
    if a is None or b is None or a.n == 0 or b.n == 0:
        return {"ks_statistic": None, "ks_pvalue": None, "jsd": None}
    statistic, pvalue = ks_test(a, b)
    return {"ks_statistic": statistic, "ks_pvalue": pvalue, "jsd": _finite(jsd())}


def _finite(value):
    """JSON has no NaN: undefined values become null."""
    return value if value is not None and math.isfinite(value) else None
