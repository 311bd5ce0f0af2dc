"""The checkerboard detector: spectral power at the highest frequencies (engine/detectors/spectral.py)."""
from engine.detectors import calibration, spectral, statistical
from engine.detectors.detector import EVERY_FILE, Detector, median
from engine.modality import CONTINUOUS_MODALITIES


class Checkerboard(Detector):
    name = "checkerboard"
    modalities = CONTINUOUS_MODALITIES
    calibration = EVERY_FILE  # it fits nothing
    arrays = ("cal_checkerboard",)

    @classmethod
    def fit(cls, ref, groups, n_groups, cross_fitted):
        return {"cal_checkerboard": calibration.group_mean(spectral.nyquist_share(ref.x), groups)}

    def __init__(self, profile):
        self.tail = calibration.tail_model(profile["cal_checkerboard"])
        self.method = ("log10 of the share of spectral power at the highest frequency of either axis "
                       "(the period-2 checkerboard of upsampling layers)")

    def scores(self, batch):
        return batch.file_mean(spectral.nyquist_share(batch.x))

    def reason(self, batch, g, score, p):
        ref_max = float(self.tail["sorted"][-1])
        return (f"checkerboard: {10 ** score:.2%} of the spectral power at the highest frequencies "
                f"(reference files: median {10 ** median(self.tail):.2%}, max {10 ** ref_max:.2%}); "
                f"tail probability {p:.2g}")
