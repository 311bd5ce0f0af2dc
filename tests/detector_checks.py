"""A detector's scores and tail probabilities on a batch, as the verdict computes them: shared by
the detectors' tests."""
import numpy as np

from engine.detectors import calibration, suite


def judged(detector, x, groups=None):
    """(batch, scores, tail probabilities) of `x`, each sample its own file unless `groups` says."""
    batch = suite.Batch(x, np.arange(len(x)) if groups is None else groups)
    scores = detector.scores(batch)
    return batch, scores, calibration.tail_probability(detector.tail, scores)
