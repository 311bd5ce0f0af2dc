"""The feature outlier detector: how far a file's per-sample features lie from the reference's."""
from engine.detectors import calibration, statistical
from engine.detectors.detector import CROSS_FITTED, Detector, median
from engine.detectors.folds import renumber
from engine.modality import CONTINUOUS_MODALITIES


class FeatureOutlier(Detector):
    name = "features"
    modalities = CONTINUOUS_MODALITIES
    # Cross-fitted: with folds in the spec's order, files from a speaker, writer or
    # collection the fold's model has not seen calibrate the new-source shift that
    # evidence brings, on five times the held-out files.
    calibration = CROSS_FITTED
    arrays = ("outlier_mean", "outlier_scale", "outlier_precision", "cal_outlier")

    @classmethod
    def fit(cls, ref, groups, n_groups, cross_fitted):
        features = ref.features
        outlier = statistical.fit_outlier(features)  # all reference files
        return {**{f"outlier_{k}": v for k, v in outlier.items()},
                "cal_outlier": cross_fitted(groups, n_groups, lambda train, held: calibration.group_mean(
                    statistical.outlier_scores(statistical.fit_outlier(features[train]), features[held]),
                    renumber(groups[held])))}

    def __init__(self, profile):
        self.model = {k: profile[f"outlier_{k}"] for k in ("mean", "scale", "precision")}
        self.names = [str(s) for s in profile["feature_names"]]
        self.tail = calibration.tail_model(profile["cal_outlier"])
        self.method = (f"squared Mahalanobis distance of {len(self.names)} per-sample features "
                       f"({', '.join(sorted({n.split(' ')[0] for n in self.names}))}) to the reference, "
                       f"covariance shrunk {statistical.SHRINKAGE:.0%} towards the identity")

    def scores(self, batch):
        return batch.file_mean(statistical.outlier_scores(self.model, batch.features))

    def reason(self, batch, g, score, p):
        worst = statistical.largest_deviations(self.model, batch.file_features(g), self.names)
        return (f"features: distance to the reference {score:.1f} (reference calibration files: median "
                f"{median(self.tail):.1f}); largest deviations {worst}; tail probability {p:.2g}")
