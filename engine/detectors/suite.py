"""The detectors of a case, each with its calibration against held-out reference files.

A detector has a `name`, a `method` (one line for the report's methods section), a
`tail` model (calibration.tail_model of the scores of its reference calibration files:
held-out, cross-fitted or all, see engine/detectors/profile.py), and
`scores(batch)` -> one score per file (higher = less like the reference), and
`reason(batch, g, score, p)` -> a sentence with numbers. Files with several patches
get the mean of their patch scores, in calibration as in use. The detectors of registered
runs (engine/detectors/learned.py, and LogisticFeatures here) say `learned = True`: they
share one weight in the combination (engine/detectors/calibration.py).
"""
import numpy as np

from engine.detectors import calibration, spectral, specification, statistical
from engine.detectors.profile import CONTINUOUS_MODALITIES
from engine.detectors.copying import Copying
from engine.detectors.edge_width import EdgeWidth
from engine.detectors.faint_background import FaintBackground
from engine.detectors.tonality import Tonality


class Batch:
    """The samples of the files under examination; features computed once, on demand."""

    def __init__(self, x, groups):
        self.x, self.groups = x, groups
        self.n_files = int(groups.max()) + 1 if groups.size else 0
        self._features, self._texture = None, {}

    @property
    def features(self):
        if self._features is None:
            self._features = statistical.feature_matrix(self.x)[0]
        return self._features

    def texture(self, version):
        if version not in self._texture:
            self._texture[version] = statistical.texture_features(self.x, version)
        return self._texture[version]

    def file_mean(self, per_sample):
        return calibration.group_mean(per_sample, self.groups)

    def file_features(self, g):
        return self.features[self.groups == g]


def _median(model):
    return float(np.median(model["sorted"]))


class FeatureOutlier:
    name = "features"

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
                f"{_median(self.tail):.1f}); largest deviations {worst}; tail probability {p:.2g}")


class OffGrid:
    name = "grid"

    def __init__(self, profile):
        self.levels = int(profile["levels"])
        self.tail = calibration.tail_model(profile["cal_grid"])
        self.method = f"share of values off the reference's {specification.grid_name(self.levels)}"

    def informative(self, samples):
        """A file whose format decides its grid (an 8-bit PNG for k/255 or for k/16) says nothing here."""
        return not specification.format_decides_grid(samples.meta.get("format_levels"), self.levels)

    def scores(self, batch):
        return batch.file_mean(specification.off_grid_fraction(batch.x, self.levels))

    def reason(self, batch, g, score, p):
        grid = specification.grid_name(self.levels)
        ref_max = float(self.tail["sorted"][-1])
        if score <= ref_max:
            return (f"grid: {score:.1%} of values off the {grid}, as in the reference (max {ref_max:.1%}); "
                    f"{specification.grid_note(self.levels)}")
        return (f"grid: {score:.1%} of values are off the {grid}, reference files at most {ref_max:.1%}; "
                f"{specification.grid_note(self.levels)}; tail probability {p:.2g}")


class Checkerboard:
    name = "checkerboard"

    def __init__(self, profile):
        self.tail = calibration.tail_model(profile["cal_checkerboard"])
        self.method = ("log10 of the share of spectral power at the highest frequency of either axis "
                       "(the period-2 checkerboard of upsampling layers)")

    def scores(self, batch):
        return batch.file_mean(spectral.nyquist_share(batch.x))

    def reason(self, batch, g, score, p):
        ref_max = float(self.tail["sorted"][-1])
        return (f"checkerboard: {10 ** score:.2%} of the spectral power at the highest frequencies "
                f"(reference files: median {10 ** _median(self.tail):.2%}, max {10 ** ref_max:.2%}); "
                f"tail probability {p:.2g}")


class NearZero:
    """Values just off the reference's point mass at 0 (statistical.NEAR_ZERO's bin)."""
    name = "near-zero"

    def __init__(self, profile):
        self.tail = calibration.tail_model(profile["cal_near_zero"])
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
                f"{_median(self.tail):.1%}, max {ref_max:.1%}), {reading}; tail probability {p:.2g}")


class ChromaViolations:
    name = "chroma"

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
                f"(reference calibration files: median {_median(self.tail):.1f}){'; e.g. ' + common if common else ''}; "
                f"tail probability {p:.2g}")


class DurationDistance:
    name = "durations"

    def __init__(self, profile):
        self.reference = profile["ref_durations"]
        self.tail = calibration.tail_model(profile["cal_durations"])
        self.method = "KS statistic between the file's note durations and the reference's; calibration cross-fitted"

    def scores(self, batch):
        return specification.duration_distance(batch.x, batch.groups, self.reference)

    def reason(self, batch, g, score, p):
        return (f"durations: KS distance {score:.2f} to the reference note durations (reference calibration files: "
                f"median {_median(self.tail):.2f}); tail probability {p:.2g}")


class LogisticFeatures:
    """Logistic regression on the features (and, for models fitted since texture features
    exist, the texture features), reference vs the case's generators."""
    learned = True

    def __init__(self, arrays, generators):
        self.name = f"logistic:{'+'.join(generators)}"
        self.model = {k: arrays[k] for k in ("mean", "scale", "coef", "intercept")}
        # 0: features only; else the texture features' version (True, from before versions: 1)
        self.texture_version = int(arrays.get("texture", 0))
        self.tail = calibration.tail_model(arrays["cal"])
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
        return (f"logistic regression on {inputs} (reference vs {', '.join(self.generators)}): "
                f"P(generated) {prob:.2f}; tail probability {p:.2g}")


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
    """The detectors that need nothing but the reference profile."""
    found = [FeatureOutlier(profile)] if str(profile["modality"]) in CONTINUOUS_MODALITIES else []
    if "cal_grid" in profile:
        found.append(OffGrid(profile))
    if "cal_checkerboard" in profile:
        found.append(Checkerboard(profile))
    if "cal_faint_background" in profile:  # near-zero's successor (engine/detectors/faint_background.py)
        found.append(FaintBackground(profile))
    elif "cal_near_zero" in profile:
        found.append(NearZero(profile))
    if "chroma_spec" in profile:
        found += [ChromaViolations(profile), DurationDistance(profile)]
    if "cal_tonality" in profile:
        found.append(Tonality(profile))
    if "cal_edge_width" in profile:
        found.append(EdgeWidth(profile))
    if "cal_copying" in profile:
        found.append(Copying(profile))
    return found
