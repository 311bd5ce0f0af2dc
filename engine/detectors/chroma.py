"""The chroma detector: chroma transitions the reference chorales never make (TequilaGAN's specification)."""
import numpy as np

from engine.detectors import calibration, specification
from engine.detectors.detector import CROSS_FITTED, Detector, median
from engine.detectors.folds import renumber


class ChromaViolations(Detector):
    name = "chroma"
    modalities = ("music",)
    calibration = CROSS_FITTED  # cheap to refit
    arrays = ("chroma_spec", "cal_chroma")

    @classmethod
    def fit(cls, ref, groups, n_groups, cross_fitted):
        from engine.analysis.specifications import chroma_transition_spec

        x = ref.x
        return {"chroma_spec": np.asarray(chroma_transition_spec(x)),
                "cal_chroma": cross_fitted(groups, n_groups, lambda train, held: calibration.group_mean(
                    specification.transition_violations(x[held], chroma_transition_spec(x[train])),
                    renumber(groups[held])))}

    def __init__(self, profile):
        self.spec = profile["chroma_spec"]
        self.tail = calibration.tail_model(profile["cal_chroma"])
        self.method = (f"chroma transitions (t -> t+1, 12 pitch classes) never made in the reference "
                       f"({self.spec.size} distinct transitions seen there), counted per patch; "
                       f"calibration cross-fitted")

    def scores(self, batch):
        return batch.file_mean(specification.transition_violations(batch.x, self.spec))

    def reason(self, batch, g, score, p):
        from engine.analysis.specifications import describe_transition

        codes = np.concatenate([specification.violating_transitions(roll, self.spec)[1]
                                for roll in batch.x[batch.groups == g]])
        unique, counts = np.unique(codes, return_counts=True)
        common = ", ".join(f"{describe_transition(c)} ({k}x)" for c, k in
                           sorted(zip(unique, counts), key=lambda t: -t[1])[:3])
        return (f"chroma: {score:.1f} transitions per patch that the reference chorales never make "
                f"(reference calibration files: median {median(self.tail):.1f}){'; e.g. ' + common if common else ''}; "
                f"tail probability {p:.2g}")
