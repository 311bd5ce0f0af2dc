"""The reference profile: everything the detectors need from the reference, computed
once when the case is created, so that a verdict never re-reads the reference.

The reference's files (or items, for arrays) are split in the spec's own order: the
last CALIBRATION_SHARE of them is held out for calibration and used for nothing else;
the others fit the detectors. A file's patches never straddle the split. Because the
fitting part is a contiguous slice, it can be named as a spec (`fit_spec`) for
training the learned detectors of the case without touching the held-out files.
Detectors that fit nothing (grid, checkerboard, near-zero, faint-background, edge-width) are
calibrated on every reference file, and the cheap ones (the feature outlier model, the music
specifications chroma and durations, tonality and copying) are cross-fitted so that every
reference file calibrates them too.
Speech maps are brought to one loudness first (representations.normalise_level;
`level_version`), and the reference recordings are kept (`ref_audio`) so that a verdict can
pass them through an evidence file's channel (engine/detectors/channels.py).
Saved as a plain .npz (loaded with allow_pickle=False).
"""
import os
from dataclasses import replace

import numpy as np

from engine.data import representations
from engine.detectors import calibration, spectral, specification, statistical, tonality
from engine.detectors.copying import Copying
from engine.detectors.edge_width import EdgeWidth
from engine.detectors.faint_background import FaintBackground

CALIBRATION_SHARE = 0.2
MIN_FILES = 5
MAX_CALIBRATION_SAMPLES = 1000  # raw held-out samples kept for calibrating learned detectors
KS_SAMPLE = 100_000  # reference intensities kept for the batch KS test
HIST_BINS = 100
CROSS_FIT_FOLDS = 5
# Samples whose values are measurements (pixels, mel energies). The per-sample features
# and the checkerboard describe them; a piano roll is a set of notes, whose "intensity
# histogram" is its note density and whose "spectral centroid" is its register: traits
# that differ legitimately between pieces, so music is judged by its notes (grid, chroma,
# durations) and the classifiers instead.
CONTINUOUS_MODALITIES = ("image", "speech")


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
        audio.append(representations.to_speech_rate(mono, rate))
    bounds = np.concatenate([[0], np.cumsum([a.size for a in audio])]).astype(np.int64)
    return {"ref_audio": np.concatenate(audio).astype(np.float32), "ref_audio_bounds": bounds,
            "ref_audio_group": keep.astype(np.int64)}


def renumber(groups):
    return np.unique(groups, return_inverse=True)[1].ravel()


def cross_fitted(groups, n_groups, fit_and_score):
    """Per reference file, its score from a detector fitted without it.

    The files are cut into CROSS_FIT_FOLDS contiguous folds in the spec's order;
    `fit_and_score(train_mask, held_mask)` fits on the other folds and returns one score
    per held-out file, in file order. The detector used on evidence is fitted on all the
    reference files, a quarter more than each fold's: a larger transition set can only
    remove chroma violations (the cautious direction), and the duration distribution and
    the features' mean and covariance change little.
    """
    fold = groups * CROSS_FIT_FOLDS // n_groups
    out = np.empty(n_groups)
    for k in range(CROSS_FIT_FOLDS):
        held = fold == k
        out[np.unique(groups[held])] = fit_and_score(~held, held)
    return out


def build_profile(ref, state=None, recordings=True):
    """Arrays describing the reference SampleSet `ref` (see module docstring). `recordings=False`
    keeps no reference recordings (a profile rebuilt for a self-test judges no channels)."""
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
        if recordings:
            level_keys.update(reference_recordings(ref.items, groups, n_groups))
    progress(0.1, "features of the reference")
    features, names = statistical.feature_matrix(ref.x)
    outlier = statistical.fit_outlier(features)  # all reference files; calibrated by cross-fitting below
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
        **{f"outlier_{k}": v for k, v in outlier.items()},
        # Cross-fitted: with folds in the spec's order, files from a speaker, writer or
        # collection the fold's model has not seen calibrate the new-source shift that
        # evidence brings, on five times the held-out files.
        "cal_outlier": cross_fitted(groups, n_groups, lambda train, held: calibration.group_mean(
            statistical.outlier_scores(statistical.fit_outlier(features[train]), features[held]),
            renumber(groups[held]))),
    }
    progress(0.5, "intensity distribution")
    values = ref.x.reshape(-1)
    out["hist"] = np.histogram(values, bins=HIST_BINS, range=(0.0, 1.0))[0].astype(np.int64)
    rng = np.random.default_rng(0)
    out["ks_sample"] = np.sort(values if values.size <= KS_SAMPLE else rng.choice(values, KS_SAMPLE, replace=False))
    if levels:
        # The grid detector fits nothing, so every reference file can calibrate it.
        out["cal_grid"] = calibration.group_mean(specification.off_grid_fraction(ref.x, levels), groups)
    if ref.modality in CONTINUOUS_MODALITIES:
        # Fits nothing either: every reference file calibrates it.
        out["cal_checkerboard"] = calibration.group_mean(spectral.nyquist_share(ref.x), groups)
        zero, near_zero = features[:, statistical.EXACT_ZERO].mean(), features[:, statistical.NEAR_ZERO].mean()
        if zero > near_zero:
            # A point mass at exactly 0 (a digit's background) that outweighs the faint values
            # around it: a generator's smooth output smears it into those faint values
            # (TequilaGAN), which every reference file calibrates (this fits nothing).
            out["cal_near_zero"] = calibration.group_mean(features[:, statistical.NEAR_ZERO], groups)
            out["zero_share"], out["near_zero_share"] = np.array(zero), np.array(near_zero)
        out.update(FaintBackground.fit(ref, groups, n_groups, cross_fitted))
        out.update(EdgeWidth.fit(ref, groups, n_groups, cross_fitted))
        # For the logistic regressions of the case's generators (engine/detectors/learned.py).
        version = statistical.texture_version_for(ref.modality)
        texture = statistical.texture_features(ref.x, version)
        out["texture_fit"], out["texture_cal"] = texture[fit], texture[cal]
        out["texture_version"] = np.array(version)
    if ref.modality == "music":
        progress(0.7, "chroma transitions and note durations")
        from engine.analysis.specifications import chroma_transition_spec

        # Cheap to refit, so cross-fitted: every reference file calibrates (see cross_fitted).
        out["chroma_spec"] = np.asarray(chroma_transition_spec(ref.x))
        out["cal_chroma"] = cross_fitted(groups, n_groups, lambda train, held: calibration.group_mean(
            specification.transition_violations(ref.x[held], chroma_transition_spec(ref.x[train])),
            renumber(groups[held])))
        out["ref_durations"] = specification.durations_of(ref.x)
        out["cal_durations"] = cross_fitted(groups, n_groups, lambda train, held: specification.duration_distance(
            ref.x[held], renumber(groups[held]), specification.durations_of(ref.x[train])))
        out.update(tonality.profile_arrays(ref.x, groups, n_groups, cross_fitted))
        out.update(Copying.fit(ref, groups, n_groups, cross_fitted))
    # Whole held-out files, up to MAX_CALIBRATION_SAMPLES samples, for detectors added later.
    keep = np.cumsum(np.bincount(cal_groups)) <= MAX_CALIBRATION_SAMPLES
    keep[0] = True
    take = keep[cal_groups]
    out["cal_x"] = ref.x[cal][take].astype(np.float32)
    out["cal_x_group"] = cal_groups[take]
    progress(1.0, "profile done")
    return out
