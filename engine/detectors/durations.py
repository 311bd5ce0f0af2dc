"""The durations detector: KS distance between a file's note durations and the reference's."""
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
        self.tail = calibration.tail_model(profile["cal_durations"])
        self.method = "KS statistic between the file's note durations and the reference's; calibration cross-fitted"

    def scores(self, batch):
        return specification.duration_distance(batch.x, batch.groups, self.reference)

    def reason(self, batch, g, score, p):
        return (f"durations: KS distance {score:.2f} to the reference note durations (reference calibration files: "
                f"median {median(self.tail):.2f}); tail probability {p:.2g}")
