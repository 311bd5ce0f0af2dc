"""Calibrated, explained verdicts on evidence files (per file and per batch).

Each detector of the case (engine/detectors/suite.py, engine/detectors/learned.py)
scores every file; the scores become tail probabilities against held-out reference
files and are combined as engine/detectors/calibration.py documents. A batch verdict
adds KS and JSD of the suspect set against the reference. Broken files, and files of
another modality or shape than the reference, go to batch["rejected"] with a reason
and never stop the others.
"""
import functools
import os

import numpy as np

from engine import case as case_store
from engine.npz import load_arrays
from engine.data import representations
from engine.detectors import calibration, channels, suite
from engine.errors import InputError


CHUNK_FILES = 32


def expand_paths(paths):
    """Files named directly, and every file under named folders, sub-folders included
    (sorted by path, hidden files and folders left out): evidence often arrives as a tree."""
    out = []
    for path in paths:
        if not os.path.isdir(path):
            out.append(path)
            continue
        found = []
        for folder, subfolders, files in os.walk(path):
            subfolders[:] = [d for d in subfolders if not d.startswith(".")]
            found += [os.path.join(folder, f) for f in files if not f.startswith(".")]
        out += sorted(found)
    return out


def load_evidence(paths, profile):
    """(accepted [(path, SampleSet)], rejected [{"path", "reason"}])."""
    from engine.data.loaders import load_path

    modality, shape = str(profile["modality"]), tuple(int(s) for s in profile["shape"])
    accepted, rejected = [], []
    for path in paths:
        try:
            samples = load_path(path)
        except InputError as err:
            rejected.append({"path": os.path.abspath(path), "reason": err.reason})
            continue
        if samples.meta.get("modality_recorded") is False and samples.shape == shape:
            samples.modality = modality  # a bare array of the reference's shape (as load_spec does)
        if samples.modality != modality:
            reason = f"{samples.modality} file, but the case reference is {modality}"
        elif samples.shape != shape:
            reason = f"samples of shape {samples.shape}, the case reference has {shape}"
        elif samples.n == 0:
            reason = "no samples in the file"
        else:
            accepted.append((path, samples))
            continue
        rejected.append({"path": os.path.abspath(path), "reason": reason})
    return accepted, rejected


def case_detectors(case, profile):
    from engine.detectors.learned import run_detectors

    return suite.profile_detectors(profile) + run_detectors(case, profile)


def judge(case_dir, paths, alpha=calibration.DEFAULT_ALPHA, state=None):
    """The verdict JSON for `paths` (DESIGN.md); verdicts are recorded in the case."""
    progress = state.progress if state is not None else (lambda *a: None)
    check_alpha(alpha)
    with case_store.open_case(case_dir) as case:
        ref = case.reference()
        profile = load_arrays(case.path(ref["profile_path"]))
        paths = expand_paths(paths)
        progress(0.05, f"reading {len(paths)} files")
        accepted, rejected = load_evidence(paths, profile)
        detectors = case_detectors(case, profile)
        weights = suite.weights(detectors, alpha)
        from engine.detectors.learned import latest_runs

        judging = Judging(profile, detectors, alpha, latest_runs(case, "gan"))
        files = []
        # Files are scored a chunk at a time, so a window shows verdicts as they come
        # (state.partial) while the detectors are loaded only once.
        for start in range(0, len(accepted), CHUNK_FILES):
            if state is not None:
                state.check()
            progress(0.1 + 0.85 * start / len(accepted), f"verdicts {start + 1}-"
                     f"{min(start + CHUNK_FILES, len(accepted))} of {len(accepted)}")
            files += _judge_chunk(case, accepted[start:start + CHUNK_FILES], judging)
            if state is not None:
                state.partial({"files": list(files), "rejected": list(rejected)})
        result = {"files": files, "batch": batch_summary(profile, accepted, files, rejected, alpha, detectors, weights)}
        case.log("verdict_batch", {"paths": [os.path.abspath(p) for p in paths], "alpha": alpha,
                                   "labels": result["batch"]["labels"], "rejected": rejected})
        progress(1.0, "verdicts done")
        return result


class Judging:
    """The detectors for each channel a file can come through (engine/detectors/channels.py),
    their per-file weights, and the speech level normalisation, computed once per batch."""

    def __init__(self, profile, detectors, alpha, gan_runs=()):
        self.profile, self.detectors, self.alpha, self.gan_runs = profile, detectors, alpha, gan_runs
        self.normalise = "level_version" in profile
        self.for_channel = functools.lru_cache(maxsize=None)(self._for_channel)
        # A detector a file's format leaves mute (grid, for a PNG) or whose trait its channel
        # destroys gets weight 0 for that file.
        self.weights = functools.lru_cache(maxsize=None)(
            lambda key, mask: suite.weights(self.for_channel(key)[0], alpha, mask))

    def _for_channel(self, key):
        return (self.detectors, None) if key is None else channels.channel_detectors(
            self.detectors, self.profile, key, self.gan_runs)


def _judge_chunk(case, accepted, judging):
    """Verdicts of some accepted (path, SampleSet) pairs, each file one group of patches,
    scored with the detectors of its channel."""
    keys = [channels.channel_key(samples.meta) for _, samples in accepted]
    out = [None] * len(accepted)
    for key in dict.fromkeys(keys):
        members = [k for k, found in enumerate(keys) if found == key]
        chosen = [accepted[k] for k in members]
        detectors, note = judging.for_channel(key)
        groups = np.repeat(np.arange(len(chosen)), [s.n for _, s in chosen])
        x = np.concatenate([s.x for _, s in chosen]).astype(np.float32)
        batch = suite.Batch(representations.normalise_level(x, groups) if judging.normalise else x, groups)
        scores = np.stack([detector.scores(batch) for detector in detectors], 1)
        p = np.stack([calibration.tail_probability(d.tail, scores[:, k]) for k, d in enumerate(detectors)], 1)
        attributions = _attributions(detectors, batch)
        for g, ((path, samples), k) in enumerate(zip(chosen, members)):
            weights = judging.weights(key, suite.informative(detectors, samples))
            out[k] = _file_verdict(case, path, samples, detectors, weights, batch, g, scores[g], p[g],
                                   attributions[g], judging.alpha, note)
    return out


def check_alpha(alpha):
    if not 0 < alpha < 1:
        raise InputError("--fpr", f"the false-positive rate must lie between 0 and 1, got {alpha}")


def _attributions(detectors, batch):
    """Per file, the most probable generator from the attribution detectors, or None."""
    best = [None] * batch.n_files
    for detector in detectors:
        if not hasattr(detector, "attribute"):
            continue
        for g, found in enumerate(detector.attribute(batch)):
            if found and (best[g] is None or found["probability"] > best[g]["probability"]):
                best[g] = found
    return best


def _file_verdict(case, path, samples, detectors, weights, batch, g, scores, p, attribution, alpha, note=None):
    p_file, decisive = calibration.combine(p, weights)
    label = calibration.label_for(p_file, alpha)
    order = np.argsort(calibration.weighted(p, weights), kind="stable")  # the decisive detector first
    reasons = [detectors[k].reason(batch, g, float(scores[k]), float(p[k])) for k in order]
    reasons.insert(0, _summary(label, p_file, alpha, detectors, weights, decisive, samples.n))
    if note:
        reasons.insert(2, note)  # after the summary and the decisive detector (the report's main reason)
    record = samples.files[0] if samples.files else {}
    row = case_store.intake(case, path, samples.modality, record.get("sha256"), record.get("size"))
    verdict = {
        "path": row["path"], "sha256": row["sha256"], "modality": samples.modality, "label": label,
        "score": round(1.0 - p_file, 6), "reasons": reasons,
        "attribution": attribution if label != "real" else None,
        "tail_probability": p_file, "patches": samples.n, "channel": _channel_json(samples.meta, note),
        "detectors": {d.name: {"score": float(scores[k]), "tail_probability": float(p[k]), "weight": float(weights[k])}
                      for k, d in enumerate(detectors)},
    }
    case_store.record_verdict(case, row["id"], verdict, {"alpha": alpha, "channel": verdict["channel"],
                                                         **verdict["detectors"]})
    return verdict


def _channel_json(meta, note):
    """The file's channel as read from it (quantisation tables left out) and the one assumed."""
    channel = {k: v for k, v in (meta.get("channel") or {}).items() if k != "tables"}
    channel["assumed"] = note or "none: the detectors' clean calibration applies"
    return channel


def _summary(label, p, alpha, detectors, weights, decisive, patches):
    patch_text = f" ({patches} patches, scores averaged)" if patches > 1 else ""
    rule = (f"weighted Bonferroni over {int(np.count_nonzero(weights))} detectors, "
            f"decisive: {detectors[decisive].name} with weight {weights[decisive]:.2g}")
    return (f"{label}: combined tail probability {p:.2g} ({rule}) "
            f"against a false-positive rate of {alpha:.0%}; 'generated' at <= {alpha:.2g}, 'real' above "
            f"{calibration.INCONCLUSIVE_FACTOR * alpha:.2g}{patch_text}")


def _finite_or_none(value):
    """JSON has no infinity: a threshold no score can reach is null."""
    return float(value) if np.isfinite(value) else None


def batch_summary(profile, accepted, files, rejected, alpha, detectors, weights):
    """The batch part of the verdict JSON: counts, KS/JSD against the reference, rejects."""
    labels = {name: sum(f["label"] == name for f in files) for name in ("generated", "real", "inconclusive")}
    out = {"n_files": len(files), "n_samples": int(sum(s.n for _, s in accepted)), "alpha": alpha,
           "inconclusive_band": [alpha, calibration.INCONCLUSIVE_FACTOR * alpha], "labels": labels,
           "detectors": [{"name": d.name, "method": d.method, "weight": float(w),
                          "threshold": _finite_or_none(calibration.score_threshold(d.tail, alpha * w)),
                          "calibration_files": int(d.tail["sorted"].size)}
                         for d, w in zip(detectors, weights)],
           "rejected": rejected}
    if accepted:
        from engine.analysis.stats import jsd, ks_2samp

        values = np.concatenate([s.x.reshape(-1) for _, s in accepted])
        ks, pvalue = ks_2samp(values, profile["ks_sample"])
        out["intensity"] = {"ks_statistic": float(ks), "ks_pvalue": float(pvalue),
                            "jsd": float(jsd(values, profile["ks_sample"]))}
    return out
