"""The case's detectors together: which the reference profile holds, and their weights in
the combination (engine/detectors/calibration.py).

Each detector (engine/detectors/detector.py) is calibrated against reference files (held-out,
cross-fitted or all: its `calibration`). The detectors of registered runs
(engine/detectors/learned.py) say `learned = True`: they share one weight in the combination.
"""
import numpy as np

from engine.detectors import calibration, registry
from engine.detectors.detector import KEPT_RECORDINGS
from engine.detectors.batch import Batch  # noqa: F401  (the files under examination; imported from here)


def informative(detectors, samples):
    """Per detector, whether it can tell anything about this file (its format decides, not its content)."""
    return tuple(d.informative(samples) if hasattr(d, "informative") else True for d in detectors)


def weights(detectors, alpha, informative=None):
    """The combination's weight of each detector at false-positive rate alpha
    (calibration.share_weights; a detector's `shares`, one per statistic its score sums);
    detectors flagged not informative for a file get 0 and
    the others share as if they were alone. The members of a union (`unions`) share one
    weight, each carrying all of it."""
    keep = np.ones(len(detectors), dtype=bool) if informative is None else np.asarray(informative, dtype=bool)
    chosen = [d for d, k in zip(detectors, keep) if k]
    out = np.zeros(len(detectors))
    if not chosen:
        return out  # nothing can speak: every combined tail probability is 1
    unit = unions(chosen)
    first = [unit.index(u) for u in range(max(unit) + 1)]  # each unit's first detector stands for it
    shared = calibration.share_weights([getattr(chosen[k], "learned", False) for k in first],
                                       [calibration.tail_floor(chosen[k].tail) for k in first], alpha,
                                       [getattr(chosen[k], "shares", 1) for k in first])
    out[keep] = shared[unit]
    return out


def unions(detectors):
    """Per detector, the number of its unit in the combination: the binary detectors
    (calibration.is_binary) of the waveform calibrated on the same kept recordings form one
    unit (calibration.py's docstring says why that is valid), every other detector its own.
    Only KEPT_RECORDINGS is trusted to mean the same files for every detector naming it,
    clean and through a channel (engine/detectors/channels.py calibrates them on one list)."""
    unit, keys = [], {}
    for d in detectors:
        shared = (getattr(d, "calibration", None) == KEPT_RECORDINGS and not getattr(d, "learned", False)
                  and calibration.is_binary(d.tail))
        key = ("binary", d.tail["sorted"].size) if shared else len(unit)
        unit.append(keys.setdefault(key, len(keys)))
    return unit


def profile_detectors(profile):
    """The detectors that need nothing but the reference profile: every registered detector
    whose arrays it holds (ValueError when it holds only some of a detector's arrays)."""
    return [detector(profile) for detector in registry.DETECTORS if detector.present(profile)]
