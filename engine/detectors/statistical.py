"""Statistical detectors on per-sample features (intensity histogram, spectral
centroid and slope moments; ANALYSIS's `sample_features`).

- `outlier`: how far a sample's features lie from the reference's, as a squared
  Mahalanobis distance with a shrunk covariance (needs no generator).
- `logistic`: logistic regression in numpy on the same features plus four texture
  features, fitted on reference vs generator samples once the case has generators; its
  score is the logit.
"""
import numpy as np

from engine.detectors import spectral

SHRINKAGE = 0.1  # covariance shrinkage towards the identity (standardised features)
SCALE_FLOOR = 1e-2  # a feature constant in the reference counts deviations in units of 0.01


# Per-sample intensity histogram. Besides tenths of [0, 1] it keeps the point masses at
# exactly 0 and exactly 1 and the faint values just off them apart: real data have modes
# at the extremes that a generator's smooth output smears (TequilaGAN), and a 10-bin
# histogram would lump them together.
EXACT = 1e-6
INTENSITY_EDGES = np.array([0.0, EXACT, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1 - EXACT])
EXACT_ZERO, NEAR_ZERO = 0, 1  # the histogram's columns of values at exactly 0 and in (0, 0.05)
INTENSITY_NAMES = (["intensity exactly 0", "intensity in (0,0.05)", "intensity in [0.05,0.1)"]
                   + [f"intensity in [{a:.1f},{a + 0.1:.1f})" for a in np.arange(0.1, 0.9, 0.1)]
                   + ["intensity in [0.9,0.95)", "intensity in [0.95,1)", "intensity exactly 1"])


def blank_background(x):
    """Whether values at exactly 0 outnumber those in (0, 0.05) (the histogram's NEAR_ZERO bin):
    figures on a blank background, as MNIST's digits are (82 % against 0.9 %)."""
    flat = np.asarray(x).reshape(-1)
    return bool((flat == 0).mean() > ((flat > 0) & (flat < INTENSITY_EDGES[NEAR_ZERO + 1])).mean())


def intensity_histograms(x):
    """(n, 14): each sample's share of values in the INTENSITY_EDGES bins (the last one is [1-1e-6, 1])."""
    flat = np.asarray(x).reshape(x.shape[0], -1)
    bins = len(INTENSITY_EDGES)
    codes = np.clip(np.searchsorted(INTENSITY_EDGES, flat, side="right") - 1, 0, bins - 1)
    codes += bins * np.arange(flat.shape[0])[:, None]
    return np.bincount(codes.ravel(), minlength=bins * flat.shape[0]).reshape(-1, bins) / max(1, flat.shape[1])


def feature_matrix(x):
    """(n, k) features of samples x and their k names, in a fixed order: the per-sample
    intensity histogram, then ANALYSIS's centroid and slope moments."""
    from engine.analysis.features import MOMENTS, sample_features

    feats = {"intensity": intensity_histograms(x), **sample_features(x)}
    names, columns = [], []
    for key in feats:
        values = np.asarray(feats[key], dtype=np.float64).reshape(x.shape[0], -1)
        columns.append(values)
        if key == "intensity":
            names += INTENSITY_NAMES
        else:
            names += [f"{key} {m}" for m in MOMENTS]
    return np.nan_to_num(np.concatenate(columns, axis=1)), names


def fit_outlier(features):
    """Mean, scale and shrunk precision matrix of reference features."""
    mean = features.mean(axis=0)
    scale = np.maximum(features.std(axis=0), SCALE_FLOOR)
    z = (features - mean) / scale
    cov = np.cov(z, rowvar=False) if z.shape[0] > 1 else np.eye(z.shape[1])
    cov = (1 - SHRINKAGE) * np.atleast_2d(cov) + SHRINKAGE * np.eye(z.shape[1])
    return {"mean": mean, "scale": scale, "precision": np.linalg.inv(cov)}


def outlier_scores(model, features):
    z = (features - model["mean"]) / model["scale"]
    return np.einsum("ij,jk,ik->i", z, model["precision"], z)


def rank_normal(ranks, features):
    """Features as normal scores of their mid-ranks among calibration files (`ranks`: each feature's values in
    those files, sorted by column): a value beyond all n of them lands at most Phi^-1((n + 0.5) / (n + 1)) from
    the centre (3.1 for 1,000 files), since n files attest no rarer a value than that. For a feature that the
    files leave nearly constant with a long tail (a resize round trip keeps saturated pixels only in bold
    strokes) the plain scale would count a bold real file at 11 SD; its rank counts it at 3."""
    from scipy.special import ndtri

    n = ranks.shape[0]
    mid = np.stack([np.searchsorted(column, features[:, j], "left") + np.searchsorted(column, features[:, j], "right")
                    for j, column in enumerate(ranks.T)], axis=1) / 2
    return ndtri((mid + 0.5) / (n + 1))


def fit_ranked_outlier(features):
    """(ranks, model) for outlier_scores of rank_normal(ranks, features): each feature ranked among these files,
    its normal scores' variance counted as at least 1, the untied scores' (ties shrink it: a feature the files
    leave constant would otherwise count any other value in units of SCALE_FLOOR)."""
    ranks = np.sort(features, axis=0)
    z = rank_normal(ranks, features)
    cov = np.atleast_2d(np.cov(z, rowvar=False))
    cov += np.diag(np.maximum(0.0, 1.0 - np.diag(cov)))  # still positive semi-definite
    cov = (1 - SHRINKAGE) * cov + SHRINKAGE * np.eye(z.shape[1])
    return ranks, {"mean": z.mean(axis=0), "scale": np.ones(z.shape[1]), "precision": np.linalg.inv(cov)}


def largest_deviations(model, features, names, top=2):
    """Plain words for the features of one file that deviate most, in reference SDs."""
    z = ((features - model["mean"]) / model["scale"]).mean(axis=0)
    order = np.argsort(-np.abs(z))[:top]
    return ", ".join(f"{names[j]} {z[j]:+.1f} SD" for j in order)


# Pixel-scale texture. Upsampling layers leave a period-2 pattern and excess roughness at
# the scale of one pixel (one mel band, one frame) in any generator's output, while real
# digits and mel spectrograms are smooth there. On its own a roughness score also flags
# some real recordings; the logistic regression learns from the case's own generators how
# much of it, along which axis, marks generated samples.
TEXTURE_NAMES = ("period-2 power along columns", "period-2 power along rows",
                 "roughness along columns", "roughness along rows")


def texture_version_for(modality):
    """Version 2 measures roughness on the recorded part only, for speech: a mel map shorter
    than a patch is zero-padded to one (representations.split_patches), and the step into
    the padding made short recordings look rough (one speaker's recordings: 18% flagged by
    time roughness alone, 1-3% without the step). An image's empty margin is part of the
    image, so images keep version 1 (the whole sample), as do models fitted before versions."""
    return 2 if modality == "speech" else 1


def texture_features(x, version):
    """(n, 4) per sample, channels pooled: log10 of the share of (mean-removed) spectral
    power at the highest frequency along columns and along rows of the 2-D DFT
    (engine/detectors/spectral.py), and the log of the ratio of mean absolute second to
    first differences along columns and rows (version: see texture_version_for)."""
    x = np.asarray(x, dtype=np.float64)
    x = x.reshape(x.shape[0], -1, x.shape[-2], x.shape[-1])
    rows, columns, _ = spectral.nyquist_power_shares(x)
    return np.stack([np.log10(columns + spectral.FLOOR), np.log10(rows + spectral.FLOOR),
                     _roughness(x, -1, version >= 2), _roughness(x, -2, version >= 2)], axis=1)


def _roughness(x, axis, recorded_only):
    """log(mean |second difference| / mean |first difference|) along `axis` of (n, c, h, w)
    samples; with recorded_only, differences that touch a line (a column, along columns)
    that is exactly 0 throughout, i.e. padding or digital silence, are left out."""
    x = np.moveaxis(x, axis, -1)
    if x.shape[-1] < 3:
        return np.zeros(x.shape[0])
    first, second = np.abs(np.diff(x, 1)), np.abs(np.diff(x, 2))
    live = np.any(x != 0, axis=(1, 2), keepdims=True) if recorded_only else np.ones((1, 1, 1, x.shape[-1]), bool)
    on_first = np.broadcast_to(live[..., 1:] & live[..., :-1], first.shape)
    on_second = np.broadcast_to(live[..., 2:] & live[..., 1:-1] & live[..., :-2], second.shape)

    def mean(values, mask):
        return (values * mask).sum(axis=(1, 2, 3)) / np.maximum(mask.sum(axis=(1, 2, 3)), 1)

    return np.log(mean(second, on_second) / (mean(first, on_first) + spectral.FLOOR) + spectral.FLOOR)


def logistic_inputs(features, texture=None):
    """The logistic regression's inputs: the features, with the texture features when given."""
    return features if texture is None else np.concatenate([features, texture], axis=1)


# --- logistic regression (reference = 0, generated = 1) -----------------------------

L2 = 1e-2


def fit_logistic(real, fake, iterations=50):
    """Balanced, L2-regularised logistic regression fitted by Newton's method."""
    x = np.concatenate([real, fake])
    y = np.concatenate([np.zeros(len(real)), np.ones(len(fake))])
    weights = np.where(y == 1, len(x) / (2 * len(fake)), len(x) / (2 * len(real)))
    mean, scale = x.mean(axis=0), np.maximum(x.std(axis=0), SCALE_FLOOR)
    z = np.column_stack([(x - mean) / scale, np.ones(len(x))])
    w = np.zeros(z.shape[1])
    ridge = L2 * len(x) * np.eye(z.shape[1])
    ridge[-1, -1] = 0.0  # no penalty on the intercept
    for _ in range(iterations):
        prob = 1.0 / (1.0 + np.exp(-np.clip(z @ w, -30, 30)))
        grad = z.T @ (weights * (prob - y)) + ridge @ w
        hess = (z * (weights * prob * (1 - prob))[:, None]).T @ z + ridge
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    return {"mean": mean, "scale": scale, "coef": w[:-1], "intercept": np.array(w[-1])}


def logistic_logits(model, features):
    z = (features - model["mean"]) / model["scale"]
    return z @ model["coef"] + float(model["intercept"])
