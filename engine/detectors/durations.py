"""The durations detector: KS distance between a file's note durations and the reference's.

The score is the squared distance. The distance is bounded and its calibration files' tail is
light, so the calibration's exponential tail model (engine/detectors/calibration.py), fitted above
their 90th percentile, extrapolated it so cautiously that a chain over half-note chords (KS 0.87
where the largest reference file's is 0.64) stayed above 0.0011 (the threshold at a Bonferroni
share of 0.111) while it stayed below 0.0017 (at 0.167); the square, a monotone map that changes
no ranking, gives the exponential tail the model expects (as tonality's z|z| does). The profile
keeps the distances (`cal_durations`); the square is taken on reading, for older cases too.
"""
import numpy as np

from engine.detectors import calibration, specification
from engine.detectors.detector import CROSS_FITTED, Detector, median
from engine.detectors.folds import renumber


class DurationDistance(Detector):
    name = "durations"
    modalities = ("music",)
    calibration = CROSS_FITTED  # cheap to refit
    arrays = ("ref_durations", "cal_durations")

    @classmethod
    def fit(cls, ref, groups, n_groups, cross_fitted):
        x = ref.x
        return {"ref_durations": specification.durations_of(x),
                "cal_durations": cross_fitted(groups, n_groups, lambda train, held: specification.duration_distance(
                    x[held], renumber(groups[held]), specification.durations_of(x[train])))}

    def __init__(self, profile):
        self.reference = profile["ref_durations"]
        self.tail = calibration.tail_model(np.asarray(profile["cal_durations"]) ** 2)
        self.method = ("squared KS statistic between the file's note durations and the reference's; calibration "
                       "cross-fitted")

    def scores(self, batch):
        return specification.duration_distance(batch.x, batch.groups, self.reference) ** 2

    def reason(self, batch, g, score, p):
        return (f"durations: KS distance {np.sqrt(score):.2f} to the reference note durations (reference calibration "
                f"files: median {np.sqrt(median(self.tail)):.2f}); tail probability {p:.2g}")
