"""The logistic regression of the case's registered GANs (engine/detectors/learned.py fits it)."""
import numpy as np

from engine.detectors import resampling, statistical
from engine.detectors.detector import CROSS_FITTED, CROSS_FITTED_AND_RESAMPLED, HELD_OUT


NAMED_GENERATORS = 3  # more generators than this (a zoo): the name counts them, the method lists them


def generators_named(generators, separator="+"):
    """The generator runs as the detector's name and its reasons say them: each by name, or how many."""
    return separator.join(generators) if len(generators) <= NAMED_GENERATORS else f"{len(generators)} generator runs"


class LogisticFeatures:
    """Logistic regression on the features (and, for models fitted since texture features
    exist, the texture features), reference vs the case's generators."""
    learned = True

    def __init__(self, arrays, generators):
        self.name = f"logistic:{generators_named(generators)}"
        self.model = {k: arrays[k] for k in ("mean", "scale", "coef", "intercept")}
        # 0: features only; else the texture features' version
        self.texture_version = int(arrays["texture"])
        self.tail = resampling.tail(arrays["cal"])
        # models from before texture features were calibrated on the held-out files
        self.calibration = CROSS_FITTED if self.texture_version else HELD_OUT
        if "parts" in self.tail:  # fitted with resampled copies of the reference on the real side
            self.calibration = CROSS_FITTED_AND_RESAMPLED
        self.generators = generators
        inputs = "per-sample features and texture features" if self.texture_version else "per-sample features"
        self.method = (f"logistic regression (numpy, Newton, L2 {statistical.L2}) on the {inputs}, "
                       f"fitted on reference vs samples of {', '.join(generators)}; score = mean logit")

    def scores(self, batch):
        texture = batch.texture(self.texture_version) if self.texture_version else None
        inputs = statistical.logistic_inputs(batch.features, texture)
        return batch.file_mean(statistical.logistic_logits(self.model, inputs))

    def reason(self, batch, g, score, p):
        prob = 1.0 / (1.0 + np.exp(-score))
        inputs = "features and texture" if self.texture_version else "features"
        return (f"logistic regression on {inputs} (reference vs {generators_named(self.generators, ', ')}): "
                f"P(generated) {prob:.2f}; tail probability {p:.2g}")
