"""The reference profile: everything the detectors need from the reference, computed
once when the case is created, so that a verdict never re-reads the reference.

The reference's files (or items, for arrays) are split in the spec's own order: the
last CALIBRATION_SHARE of them is held out for calibration and used for nothing else;
the others fit the detectors. A file's patches never straddle the split. Because the
fitting part is a contiguous slice, it can be named as a spec (`fit_spec`) for
training the learned detectors of the case without touching the held-out files.
`build_profile` keeps what every detector shares (features, intensity distribution, the
split, held-out samples for the learned detectors) and then lets each registered detector
(engine/detectors/registry.py) that applies to the reference's modality fit its own arrays;
each is calibrated as its `calibration` says: on every reference file when it fits nothing,
cross-fitted over the reference's files (engine/detectors/folds.py) when it is cheap to refit;
noise-floor on every reference recording kept in the profile (the `Reference`'s `kept_recordings`).
Speech maps are brought to one loudness first (representations.normalise_level;
`level_version`), and the reference recordings are kept (`ref_audio`) so that a verdict can
pass them through an evidence file's channel (engine/detectors/channels.py).
Figures on a blank background are also resampled (engine/detectors/resampling.py): the image
detectors calibrate on the copies too, and the copies' features and texture features are kept
(`features_resampled`, `texture_resampled`, `resampled_group`) for the logistic regression of the
case's generators (engine/detectors/learned.py).
Saved as a plain .npz (loaded with allow_pickle=False).
"""
import os
from dataclasses import replace

import numpy as np

from engine.data import dc_offset, representations
from engine.detectors import registry, resampling, statistical
from engine.detectors.batch import Reference
from engine.detectors.folds import cross_fitted, renumber
from engine.modality import CONTINUOUS_MODALITIES

CALIBRATION_SHARE = 0.2
MIN_FILES = 5
MAX_CALIBRATION_SAMPLES = 1000  # raw held-out samples kept for calibrating learned detectors
KS_SAMPLE = 100_000  # reference intensities kept for the batch KS test
HIST_BINS = 100


def item_groups(items, n):
    """An integer file id per sample ("path#patch3" -> "path"), numbered in order of appearance."""
    keys = [str(item).split("#")[0] for item in items] if len(items) == n else [str(i) for i in range(n)]
    _, first, ids = np.unique(np.asarray(keys), return_index=True, return_inverse=True)
    order = np.argsort(first)  # unique() sorts by name; renumber by first appearance
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    return rank[ids.ravel()], order.size


def split(groups, n_groups):
    """(fit mask, calibration mask, number of fitting files): the last files are held out."""
    if n_groups < MIN_FILES:
        raise ValueError(f"the reference needs at least {MIN_FILES} files or items to hold some out for calibration")
    n_fit = n_groups - max(1, int(round(CALIBRATION_SHARE * n_groups)))
    cal = groups >= n_fit
    return ~cal, cal, n_fit


def fit_spec(reference_spec, n_fit):
    """The spec of the fitting part (the reference's first n_fit files or items), or None
    when the reference's slice cannot be narrowed (negative or stepped bounds)."""
    from engine.data.specs import split_slice

    source, select = split_slice(reference_spec)
    start = select.start or 0
    if start < 0 or select.step not in (None, 1) or (select.stop is not None and select.stop < 0):
        return None
    return f"{source}[{start}:{start + n_fit}]"


MAX_KEPT_RECORDINGS = 500  # reference recordings kept for channel calibration (evenly spaced)


def reference_recordings(items, groups, n_groups):
    """The reference's recordings at SPEECH_RATE, for passing them through an evidence file's
    channel (engine/detectors/channels.py): {"ref_audio", "ref_audio_bounds", "ref_audio_group"}
    for up to MAX_KEPT_RECORDINGS files spread over the reference; {} when a file cannot be
    re-read (a built-in or folder that has gone)."""
    from engine.data.builtins import corpus_files
    from engine.data.loaders import load_recording
    from engine.errors import InputError

    first = {}
    for item, g in zip(items, groups):
        first.setdefault(int(g), str(item).split("#")[0])
    keep = np.unique(np.linspace(0, n_groups - 1, min(n_groups, MAX_KEPT_RECORDINGS)).round().astype(int))
    builtin = {}
    audio = []
    for g in keep:
        path = first[int(g)]
        if path.startswith("builtin:"):
            source, name = path[len("builtin:"):].split("/", 1)
            if source not in builtin:
                builtin[source] = {os.path.basename(f): f for f in corpus_files(source)}
            path = builtin[source].get(name, path)
        try:
            mono, rate = load_recording(path)
        except InputError:
            return {}
        audio.append(representations.to_speech_rate(dc_offset.removed(mono, rate)[0], rate))  # as its map was read
    bounds = np.concatenate([[0], np.cumsum([a.size for a in audio])]).astype(np.int64)
    return {"ref_audio": np.concatenate(audio).astype(np.float32), "ref_audio_bounds": bounds,
            "ref_audio_group": keep.astype(np.int64)}


def reference_audio(profile):
    """[(file id, audio at SPEECH_RATE)] of the reference recordings kept in the profile."""
    bounds = profile["ref_audio_bounds"]
    return [(int(g), profile["ref_audio"][a:b]) for g, a, b in zip(profile["ref_audio_group"], bounds[:-1], bounds[1:])]


def build_profile(ref, state=None):
    """Arrays describing the reference SampleSet `ref` (see module docstring)."""
    progress = state.progress if state is not None else (lambda *a: None)
    groups, n_groups = item_groups(ref.items, ref.n)
    fit, cal, n_fit_files = split(groups, n_groups)
    cal_groups = renumber(groups[cal])
    levels = int(ref.levels or 0)
    level_keys = {}
    if ref.modality == "speech":
        # Every map at one loudness (representations.normalise_level): the detectors see the
        # voice, not the gain. Evidence is normalised alike when the profile says so.
        ref = replace(ref, x=representations.normalise_level(ref.x, groups))
        level_keys["level_version"] = np.array(representations.LEVEL_VERSION)
        level_keys.update(reference_recordings(ref.items, groups, n_groups))
    progress(0.1, "features of the reference")
    features, names = statistical.feature_matrix(ref.x)
    out = {
        **level_keys,
        "modality": np.array(ref.modality),
        "name": np.array(ref.name),
        "shape": np.array(ref.shape, dtype=np.int64),
        "levels": np.array(levels),
        "n": np.array(ref.n),
        "n_fit": np.array(int(fit.sum())),
        "n_fit_files": np.array(n_fit_files),
        "n_calibration_files": np.array(int(cal_groups.max()) + 1),
        "feature_names": np.array(names),
        "features_fit": features[fit],
        "features_cal": features[cal],
        "fit_group": groups[fit],  # the fitting files come first, numbered 0..n_fit_files-1
        "cal_group": cal_groups,
    }
    progress(0.3, "intensity distribution")
    values = ref.x.reshape(-1)
    out["hist"] = np.histogram(values, bins=HIST_BINS, range=(0.0, 1.0))[0].astype(np.int64)
    rng = np.random.default_rng(0)
    out["ks_sample"] = np.sort(values if values.size <= KS_SAMPLE else rng.choice(values, KS_SAMPLE, replace=False))
    if ref.modality in CONTINUOUS_MODALITIES:
        # For the logistic regressions of the case's generators (engine/detectors/learned.py).
        version = statistical.texture_version_for(ref.modality)
        texture = statistical.texture_features(ref.x, version)
        out["texture_fit"], out["texture_cal"] = texture[fit], texture[cal]
        out["texture_version"] = np.array(version)
    kept = [audio for _, audio in reference_audio(level_keys)] if "ref_audio" in level_keys else []
    reference = Reference(ref, groups, features, kept_recordings=kept)
    if ref.modality in CONTINUOUS_MODALITIES and resampling.applies(reference):
        # For the logistic regression, which learns that a resampled real figure is real
        # (engine/detectors/learned.py); copy kind k of file g is file k * n_groups + g.
        copies = reference.resampled()
        out["features_resampled"] = copies.features
        out["texture_resampled"] = statistical.texture_features(copies.x, version)
        out["resampled_group"] = copies.groups
    fitted = [detector for detector in registry.DETECTORS if detector.applies(ref.modality)]
    for k, detector in enumerate(fitted):
        progress(0.4 + 0.55 * k / len(fitted), f"{detector.name} detector")
        arrays = detector.fit(reference, groups, n_groups, cross_fitted)
        if arrays and set(arrays) != set(detector.arrays):  # a misspelt key would hide the detector
            raise RuntimeError(f"detector {detector.name} fitted {sorted(arrays)}, but declares {sorted(detector.arrays)}")
        out.update(arrays)
    # Whole held-out files, up to MAX_CALIBRATION_SAMPLES samples, for detectors added later.
    keep = np.cumsum(np.bincount(cal_groups)) <= MAX_CALIBRATION_SAMPLES
    keep[0] = True
    take = keep[cal_groups]
    out["cal_x"] = ref.x[cal][take].astype(np.float32)
    out["cal_x_group"] = cal_groups[take]
    progress(1.0, "profile done")
    return out
