"""The case's detectors together: which the reference profile holds, and their weights in
the combination (engine/detectors/calibration.py).

Each detector (engine/detectors/detector.py) is calibrated against reference files (held-out,
cross-fitted or all: its `calibration`). The detectors of registered runs
(engine/detectors/learned.py) say `learned = True`: they share one weight in the combination.
"""
import numpy as np

from engine.detectors import calibration, registry
from engine.detectors.batch import Batch  # noqa: F401  (the files under examination; imported from here)


def informative(detectors, samples):
    """Per detector, whether it can tell anything about this file (its format decides, not its content)."""
    return tuple(d.informative(samples) if hasattr(d, "informative") else True for d in detectors)


def weights(detectors, alpha, informative=None):
    """The combination's weight of each detector at false-positive rate alpha
    (calibration.share_weights); detectors flagged not informative for a file get 0 and
    the others share as if they were alone."""
    keep = np.ones(len(detectors), dtype=bool) if informative is None else np.asarray(informative, dtype=bool)
    chosen = [d for d, k in zip(detectors, keep) if k]
    out = np.zeros(len(detectors))
    if not chosen:
        return out  # nothing can speak: every combined tail probability is 1
    out[keep] = calibration.share_weights([getattr(d, "learned", False) for d in chosen],
                                          [calibration.tail_floor(d.tail) for d in chosen], alpha)
    return out


def profile_detectors(profile):
    """The detectors that need nothing but the reference profile: every registered detector
    whose arrays it holds (ValueError when it holds only some of a detector's arrays)."""
    return [detector(profile) for detector in registry.DETECTORS if detector.present(profile)]
