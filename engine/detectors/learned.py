"""Detectors that come from training runs registered in the case (`train ... --case`).

- generator runs (GANs and the zoo's families, engine/runs.py GENERATOR_KINDS): one
  logistic regression on the per-sample features and texture features, reference (the
  profile's fitting part) vs as many samples of each registered generator, at most
  GENERATOR_SAMPLES each and GENERATOR_SAMPLES_TOTAL in all (seed fixed); refitted whenever
  a generator is registered, so the latest registration holds the model for all of them
  (one detector, not one per generator); images and speech only, like the features themselves;
- a classifier run (CNN, real vs generators): score = log-odds of 1 - P(real); with more
  than one generator class it also attributes the file to the most probable generator;
- an inverse run: score = minus the reconstruction distance ||x - G(E(x))|| to its
  generator (small distance = likely made by that generator).
In a speech case the classifier and the inverse model judge mel maps only, never a recording
(judged_by_learned: weight 0 for it, the reason saying why).

Each is calibrated once, at registration: the logistic regression by cross-fitting over
every reference file, the others on the held-out reference samples stored in the
profile. The calibration is cached in the case (profiles/run<ID>_<detector>.npz).
"""
import os
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from engine.data import representations
from engine.data.sampleset import MODALITIES
from engine.npz import load_arrays
from engine.detectors import calibration, resampling, statistical
from engine.detectors.profile import CONTINUOUS_MODALITIES, cross_fitted, renumber
from engine.detectors.detector import HELD_OUT, HELD_OUT_AND_RESAMPLED
from engine.detectors.logistic import LogisticFeatures

GENERATOR_SAMPLES = 2000
GENERATOR_SAMPLES_TOTAL = 20_000  # a zoo of many families: fewer each, the fit's cost bounded
MIN_GENERATOR_SAMPLES = 200
SAMPLING_SEED = 12345
# Classifier calibrations stored before log-odds were taken from log probabilities hold
# scores clipped at P(real) in [EPS, 1 - EPS] (their arrays say unclipped = False, since
# engine/case_upgrades.py); evidence is clipped alike for them.
EPS = 1e-6
OLD_SCORE_LIMIT = float(np.log((1 - EPS) / EPS))


def real_index(labels):
    return labels.index("real") if "real" in labels else 0


def classifier_sample_scores(run_dir, x):
    """(log-odds of "not real" per sample, probabilities (n, k), labels). Taken from log
    probabilities, so a confident model's real files do not all tie at one clipped value,
    which would leave the calibration no tail and the detector a floor of 1/(n+1)."""
    from engine.runs import classifier_log_probabilities

    log_p, labels = classifier_log_probabilities(run_dir, x)
    r = real_index(labels)
    others = np.logaddexp.reduce(np.delete(log_p, r, axis=1), axis=1)
    return others - log_p[:, r], np.exp(log_p), labels


def inverse_sample_scores(run_dir, x):
    from engine.runs import inverse_distances

    return -np.asarray(inverse_distances(run_dir, x)[0], dtype=np.float64)


def calibrate_run(case, run):
    """(detector name, calibration arrays) of the detector a run about to be registered
    brings (`run`: its kind, name, run_dir), or None (a run kind whose detector does not apply
    to the case's modality). Computed before the registration's transaction, so verdicts go on meanwhile."""
    profile = case.profile()
    kind = RUN_KINDS[run["kind"]]
    if str(profile["modality"]) not in kind.modalities:
        return None
    return kind.detector, kind.calibrate(case, run, profile)


def calibrate_generators(case, run, profile):
    """The pooled logistic regression of every generator run (GANs and zoo families)
    registered so far and `run`."""
    generators = [r for r in generator_runs(case) if r["run_dir"] != run["run_dir"]] + [run]
    return fit_generators_logistic(generators, profile)


def calibrate_classifier(case, run, profile):
    def score(x):
        return classifier_sample_scores(run["run_dir"], x)[0]

    return {"cal": held_out_calibration(score, profile), "unclipped": np.array(True)}


def calibrate_inverse(case, run, profile):
    return {"cal": held_out_calibration(lambda x: inverse_sample_scores(run["run_dir"], x), profile)}


def generator_samples(runs, n_reference):
    """The samples the pooled logistic regression is fitted against: per generator run as many
    as the reference side (n_reference), at most GENERATOR_SAMPLES, and GENERATOR_SAMPLES_TOTAL
    shared out among many runs (at least MIN_GENERATOR_SAMPLES each)."""
    from engine.runs import sample_run

    n = min(GENERATOR_SAMPLES, n_reference, max(MIN_GENERATOR_SAMPLES, GENERATOR_SAMPLES_TOTAL // len(runs)))
    return np.concatenate([sample_run(run["run_dir"], n, SAMPLING_SEED)[0] for run in runs])


def fit_generators_logistic(gan_runs, profile):
    """The logistic regression of every reference file vs the samples of every generator run, on
    the features and texture features, calibrated by cross-fitting over the reference files
    (engine/detectors/profile.py); its arrays name the generators. A profile from before
    texture features and cross-fitting gets the older model: the features alone, fitted on
    the fitting part, calibrated on the held-out files."""
    fakes = generator_samples(gan_runs, len(profile["features_fit"]))
    if "level_version" in profile:  # each generated sample is a file of its own, at the evidence's level
        fakes = representations.normalise_level(fakes, np.arange(len(fakes)))
    fake_features = statistical.feature_matrix(fakes)[0]
    if "fit_group" not in profile:
        model = statistical.fit_logistic(profile["features_fit"], fake_features)
        model["cal"] = calibration.group_mean(statistical.logistic_logits(model, profile["features_cal"]),
                                              profile["cal_group"])
        model["texture"] = np.array(0)
    else:
        version = texture_version(profile)
        fake_inputs = statistical.logistic_inputs(fake_features, statistical.texture_features(fakes, version))
        reference = statistical.logistic_inputs(np.concatenate([profile["features_fit"], profile["features_cal"]]),
                                                np.concatenate([profile["texture_fit"], profile["texture_cal"]]))
        groups = np.concatenate([profile["fit_group"], profile["cal_group"] + int(profile["n_fit_files"])])
        if "features_resampled" in profile:
            model = fit_logistic_with_resampled(reference, groups, fake_inputs, profile)
        else:
            model = statistical.fit_logistic(reference, fake_inputs)
            model["cal"] = cross_fitted(groups, int(groups.max()) + 1, lambda train, held: calibration.group_mean(
                statistical.logistic_logits(statistical.fit_logistic(reference[train], fake_inputs), reference[held]),
                renumber(groups[held])))
        model["texture"] = np.array(version)
    model["generators"] = np.array([run["name"] for run in gan_runs])
    model["pooled"] = np.array(True)
    return model


def fit_logistic_with_resampled(reference, groups, fake_inputs, profile):
    """The logistic regression with the reference's resampled copies (engine/detectors/resampling.py)
    on the real side too, so that it does not learn interpolation's softer edges as a generator's
    (a GAN's alone made it flag 12 % of real digits resized through 40 x 40; docs/verdicts.md,
    "Images, second pass (2026-12-01)"), calibrated by cross-fitting on the reference's files and,
    apart, on their copies (each copy scored by the fold model that did not see its file)."""
    copies = statistical.logistic_inputs(profile["features_resampled"], profile["texture_resampled"])
    copy_groups = profile["resampled_group"]
    n_files = int(groups.max()) + 1
    owner = copy_groups % n_files
    copy_scores = np.empty(int(copy_groups.max()) + 1)

    def fold(train, held):
        seen = np.isin(owner, np.unique(groups[train]))
        model = statistical.fit_logistic(np.concatenate([reference[train], copies[seen]]), fake_inputs)
        unseen = np.unique(copy_groups[~seen])
        copy_scores[unseen] = calibration.group_mean(statistical.logistic_logits(model, copies), copy_groups)[unseen]
        return calibration.group_mean(statistical.logistic_logits(model, reference[held]), renumber(groups[held]))

    clean = cross_fitted(groups, n_files, fold)
    model = statistical.fit_logistic(np.concatenate([reference, copies]), fake_inputs)
    model["cal"] = resampling.calibration_rows(clean, copy_scores)
    return model


def held_out_calibration(score, profile):
    """Calibration arrays of a held-out-calibrated detector (`score`: samples -> per-sample scores): the
    held-out files' scores and, for an image case calibrated on resampled copies (resampling.py),
    apart, those of the held-out files' copies."""
    cal = calibration.group_mean(score(profile["cal_x"]), profile["cal_x_group"])
    if "features_resampled" not in profile:
        return cal
    x, kinds = resampling.resampled_copies(profile["cal_x"], int(profile["levels"]))
    n_files = int(profile["cal_x_group"].max()) + 1
    copy_groups = kinds * n_files + np.tile(profile["cal_x_group"], len(resampling.RESAMPLINGS))
    return resampling.calibration_rows(cal, calibration.group_mean(score(x), copy_groups))


def texture_version(profile):
    """The texture features' version of a continuous reference's profile (statistical.texture_version_for)."""
    return int(profile["texture_version"])


def generator_runs(case):
    """The case's latest generator runs (GANs and zoo families), in registration order."""
    from engine.runs import GENERATOR_KINDS

    return [run for run in latest_runs(case) if run["kind"] in GENERATOR_KINDS]


def latest_runs(case, kind=None):
    """The case's runs, each run folder once (its latest registration, after more training), in registration order."""
    latest = {run["run_dir"]: run for run in case.runs(kind)}
    return sorted(latest.values(), key=lambda run: run["id"])


def judged_by_learned(samples):
    """Whether a learned detector judges these samples: not a speech recording. A speech case's CNN and inverse model
    learn its few speakers' recordings against its generators' mel maps, and read other speakers and set-ups as
    generated: in a `case zoo` case the zoo's CNN labelled real outside recordings generated (Speech Commands clips 10
    of 152; other speakers' 8 kHz words 3 of 60 as recorded and through SoX) and decided no synthesiser's file the
    profile detectors missed (docs/studies.md, "The hidden check rehearsed in zoo cases", fifty-fourth pass). They
    judge mel maps (.npy), the form the case's generators write."""
    return not (samples.modality == "speech" and getattr(samples, "audio", None) is not None)


def muted_note(batch, g):
    """What a learned detector's reason adds for a file it does not judge (judged_by_learned), else ""."""
    if batch.audio is None or batch.audio[g] is None:  # images, mel maps
        return ""
    return (" [weight 0: a speech recording, which this case's learned detectors do not judge (they learned the "
            "reference speakers' recordings and read other set-ups as generated); mel maps only]")


class ClassifierDetector:
    learned = True
    calibration = HELD_OUT
    informative = staticmethod(judged_by_learned)

    def __init__(self, run, arrays):
        self.run_dir = run["run_dir"]
        self.name = f"cnn:{run['name']}"
        self.tail = resampling.tail(arrays["cal"])
        self.calibration = HELD_OUT_AND_RESAMPLED if "parts" in self.tail else HELD_OUT
        self.limit = np.inf if bool(arrays["unclipped"]) else OLD_SCORE_LIMIT
        self.method = (f"CNN classifier run {run['name']} (test accuracy "
                       f"{run['metrics'].get('test_accuracy', float('nan')):.3f}); score = mean log-odds of 1 - P(real)")
        self._cache = None

    def _run(self, batch):
        if self._cache is None or self._cache[0] is not batch:
            self._cache = (batch, *classifier_sample_scores(self.run_dir, batch.x))
        return self._cache[1:]

    def scores(self, batch):
        return batch.file_mean(np.clip(self._run(batch)[0], -self.limit, self.limit))

    def attribute(self, batch):
        """Per file: the most probable generator class and its probability (mean over patches)."""
        _, probs, labels = self._run(batch)
        generators = [k for k in range(len(labels)) if k != real_index(labels)]
        if not generators or labels == ["real", "generated"]:  # a binary classifier names no generator
            return [None] * batch.n_files
        mean = batch.file_mean(probs)[:, generators]
        best = mean.argmax(axis=1)
        return [{"generator": labels[generators[b]], "probability": round(float(mean[g, b]), 4)}
                for g, b in enumerate(best)]

    def reason(self, batch, g, score, p):
        _, probs, labels = self._run(batch)
        p_real = float(batch.file_mean(probs[:, real_index(labels)])[g])
        return (f"CNN classifier (run {self.name[4:]}): P(real) {p_real:.3f}; held-out real files score median "
                f"{np.median(self.tail['sorted']):.2f}; tail probability {p:.2g}{muted_note(batch, g)}")


class InverseDetector:
    learned = True
    calibration = HELD_OUT
    informative = staticmethod(judged_by_learned)

    def __init__(self, run, arrays):
        self.run_dir = run["run_dir"]
        self.generator = os.path.basename(str(run["data"].get("generator_run", run["name"])).rstrip("/"))
        self.name = f"inverse:{self.generator}"
        self.tail = resampling.tail(arrays["cal"])
        self.calibration = HELD_OUT_AND_RESAMPLED if "parts" in self.tail else HELD_OUT
        self.method = (f"inverse model run {run['name']} of generator {self.generator}; "
                       f"score = minus the mean reconstruction distance ||x - G(E(x))||")

    def scores(self, batch):
        return batch.file_mean(inverse_sample_scores(self.run_dir, batch.x))

    def reason(self, batch, g, score, p):
        return (f"inverse model of {self.generator}: reconstruction distance {-score:.3f} (held-out real files: "
                f"median {-np.median(self.tail['sorted']):.3f}); tail probability {p:.2g}{muted_note(batch, g)}")


def logistic_detector(run, arrays):
    return LogisticFeatures(arrays, [str(g) for g in arrays["generators"]])


@dataclass(frozen=True)
class RunKind:
    """What a kind of training run brings to its case: its detector's name (its calibration
    file's), `calibrate(case, run, profile)` -> calibration arrays at registration, and
    `make(run, arrays)` -> the detector. `pooled`: one detector for all runs of the kind, the
    latest registration's; kinds pooled under one detector name share it (GANs and zoo
    generators: one logistic regression fitted on both)."""
    detector: str
    calibrate: Callable
    make: Callable
    modalities: tuple = MODALITIES
    pooled: bool = False


RUN_KINDS = {
    # the features describe continuous samples only (engine/detectors/statistical.py)
    "gan": RunKind("logistic", calibrate_generators, logistic_detector, CONTINUOUS_MODALITIES, pooled=True),
    "generator": RunKind("logistic", calibrate_generators, logistic_detector, CONTINUOUS_MODALITIES, pooled=True),
    "classifier": RunKind("cnn", calibrate_classifier, ClassifierDetector),
    "inverse": RunKind("inverse", calibrate_inverse, InverseDetector),
}


def run_detectors(case, profile):
    """The detectors of every registered run, with their cached calibration. The runs of a
    pooled kind bring one detector per detector name: the latest registration's, fitted on all
    of them (GANs of a case from before pooling: one each, their models say pooled = False),
    listed after the others."""
    found, pooled = [], {}
    for run in latest_runs(case):
        kind = RUN_KINDS[run["kind"]]
        path = case.calibration_path(run["id"], kind.detector)
        if not path or str(profile["modality"]) not in kind.modalities:
            continue
        arrays = load_arrays(path)
        if kind.pooled and bool(arrays["pooled"]):
            pooled[kind.detector] = kind.make(run, arrays)  # a later registration's model supersedes this one
        else:
            found.append(kind.make(run, arrays))
    return found + list(pooled.values())
