"""Judging arrays with a detector set, as a verdict does, and counting with confidence intervals.

The labels come from the verdict's own rule (engine/detectors/calibration.py): each detector's
tail probability against its calibration, the weighted Bonferroni combination with the
weights `suite.weights` gives at alpha, "generated" when the combined p is at most alpha.
Nothing is recorded in the case: the self-test's files are not evidence.
"""
import numpy as np

from engine.detectors import calibration, suite

CONFIDENCE = 0.95


def labels(detectors, batch, alpha, informative=None, scored=None):
    """The label of every file of `batch`; `informative` (files x detectors, bool) marks the
    detectors that may speak on each file (the others get weight 0, as in a verdict). `scored`, a dict
    kept over calls on the same batch, holds each detector's scores under its name: a detector of the same
    name (the profile's, rebuilt from the same profile) is not scored again."""
    scored = {} if scored is None else scored
    scores = np.stack([scored[d.name] if d.name in scored else scored.setdefault(d.name, d.scores(batch))
                       for d in detectors], 1)
    p = np.stack([calibration.tail_probability(d.tail, scores[:, k]) for k, d in enumerate(detectors)], 1)
    mask = np.ones(p.shape, dtype=bool) if informative is None else np.asarray(informative, dtype=bool)
    cache = {}
    out = []
    for g in range(batch.n_files):
        key = tuple(mask[g])
        if key not in cache:
            cache[key] = suite.weights(detectors, alpha, key)
        out.append(calibration.label_for(calibration.combine(p[g], cache[key])[0], alpha, cache[key]))
    return out


def clopper_pearson(k, n, confidence=CONFIDENCE):
    """The exact (Clopper-Pearson) two-sided interval of a binomial proportion k/n: [low, high]."""
    from scipy.stats import beta

    if n == 0:
        return [0.0, 1.0]
    tail = (1 - confidence) / 2
    low = 0.0 if k == 0 else float(beta.ppf(tail, k, n - k + 1))
    high = 1.0 if k == n else float(beta.ppf(1 - tail, k + 1, n - k))
    return [round(low, 6), round(high, 6)]


def rate(k, n):
    return round(k / n, 6) if n else None
