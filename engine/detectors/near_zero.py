"""The near-zero detector: values just off the reference's point mass at 0 (statistical.NEAR_ZERO's bin)."""
import numpy as np

from engine.detectors import calibration, statistical
from engine.detectors.detector import EVERY_FILE, Detector, median
from engine.detectors.faint_background import FaintBackground
from engine.detectors.statistical import blank_background
from engine.modality import CONTINUOUS_MODALITIES


class NearZero(Detector):
    name = "near-zero"
    modalities = CONTINUOUS_MODALITIES
    calibration = EVERY_FILE  # it fits nothing
    arrays = ("cal_near_zero", "zero_share", "near_zero_share")

    @classmethod
    def fit(cls, ref, groups, n_groups, cross_fitted):
        if FaintBackground.applies(ref.modality) and blank_background(ref.x):
            return {}  # faint-background judges it (cases made before it exist keep near-zero)
        return cls.arrays_of(ref.features, groups)

    @staticmethod
    def arrays_of(features, groups):
        """Its arrays from the reference's per-sample features, {} without a point mass at 0."""
        zero, near_zero = features[:, statistical.EXACT_ZERO].mean(), features[:, statistical.NEAR_ZERO].mean()
        if zero <= near_zero:
            return {}
        # A point mass at exactly 0 (a digit's background) that outweighs the faint values
        # around it: a generator's smooth output smears it into those faint values
        # (TequilaGAN), which every reference file calibrates.
        return {"cal_near_zero": calibration.group_mean(features[:, statistical.NEAR_ZERO], groups),
                "zero_share": np.array(zero), "near_zero_share": np.array(near_zero)}

    def __init__(self, profile):
        self.tail = calibration.versions_tail_model(profile["cal_near_zero"], int(profile.get("recorder_versions", 1)))
        self.method = (f"share of values in (0, 0.05), just off the reference's point mass at exactly 0 "
                       f"({float(profile['zero_share']):.0%} of its values, {float(profile['near_zero_share']):.1%} "
                       f"in (0, 0.05)), which a generator's smooth output smears (TequilaGAN)")

    def scores(self, batch):
        return batch.file_mean(batch.features[:, statistical.NEAR_ZERO])

    def reason(self, batch, g, score, p):
        ref_max = float(self.tail["sorted"][-1])
        reading = ("within the reference's range" if score <= ref_max else
                   "more than any reference file: the reference's exact 0 smeared, as a generator's smooth output does")
        return (f"near-zero: {score:.1%} of values lie just above 0, in (0, 0.05) (reference files: median "
                f"{median(self.tail):.1%}, max {ref_max:.1%}), {reading}; tail probability {p:.2g}")
