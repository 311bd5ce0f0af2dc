"""From detector scores to calibrated probabilities (the rule docs/verdicts.md states).

Every detector score is oriented so that higher means "less like the reference". A
score s is turned into a tail probability p = P(S >= s | real) against the scores of
held-out reference files that were used for nothing else:

- inside the bulk (s at or below the 90th percentile u of the calibration scores), the
  conformal estimate p = (1 + #{c >= s}) / (n + 1);
- in the tail (s > u), peaks over threshold: p = p(u) * exp(-(s - u) / tau), an
  exponential tail, so that scores beyond the largest calibration score still get a
  graded, finite probability. tau is the one-sided 95% upper confidence bound of the
  mean excess over u of the k calibration scores above it, 2k * mean / chi2_0.05(2k):
  a small calibration set gets a heavier, more cautious tail (k = 6: 2.3 times the
  mean excess; k = 100: 1.19 times).

A detector calibrated on several kinds of real file (image cases: the reference's files and,
apart, their copies rotated, rescaled or shifted with interpolation, engine/detectors/
resampling.py) gives the larger of its tail probabilities against each kind, which is valid for
a real file of either kind.

The detector probabilities of a file are combined with the weighted Bonferroni rule,
p = min(1, min_k p_k / w_k) with weights summing to 1 (a union, below, counted once), which is a valid tail probability
whatever the dependence between detectors. The weights are fixed by the case's detectors,
never by the evidence's values: every detector that needs only the reference (those of the
reference profile, engine/detectors/registry.py) gets one share, and the learned detectors of the
registered runs share one share between them. They all ask the same question (does the
file look like the case's own generators?), so registering another run splits the learned
share instead of diluting the reference detectors, which are the ones that see a
generator nobody registered. A detector whose score sums several named statistics, each a
rule of its own that a detector of its own could have asked (`voice-leading`'s part-writing rules,
`tonality`'s key and beat), takes one share per statistic (its `shares`): how the rules are packaged
into detectors then does not decide their weight, and a statistic added to such a score keeps its
share instead of thinning the others' (docs/studies.md, "voice-leading's weight", thirty-sixth pass). A detector whose tail probability cannot go below a floor
(a count that every calibration file ties at, like a grid that all reference files keep,
reaches at best 1/(n+1)) could not decide on its own if alpha * weight were below that
floor. Such a detector is given the weight floor / alpha, the others keeping their shares'
proportions (w_k = max(floor_k / alpha, c * share_k), summing to 1), and a detector whose
floor is above alpha itself, which no weight lets decide, gets weight 0 (Tarone's remedy
for discrete tests, in weighted form). Binary detectors (`is_binary`: a bound no calibration file
passes, p = 1/(n+1) above it) calibrated on the same files share one weight, each carrying all of it:
"any of them above its bound" is itself a conformal test on those files, at 1/(n+1) when no
calibration file passes any bound (the file is then the only one of n + 1 exchangeable files to pass),
so a further bound of that kind costs the graded detectors nothing (engine/detectors/suite.py). The weights depend on alpha, on the calibration
sets' sizes and on which detectors a file's format or channel leaves able to speak (an 8-bit
PNG is on the 8-bit grid whatever made it, so `grid` gets weight 0 for it and the others share
as if it were absent; the logistic regression, fitted against generators' mel maps, stands
aside for a recording that came through an audio codec), never on a file's content. A file
from a lossy channel (JPEG, lossy WebP, an audio codec, a resampler, a band limit) is compared
with reference files passed through the same channel (engine/detectors/channels.py). The file's `score` is 1 - p; its label is "generated" when
p <= alpha (the false-positive rate, 1% by default), "real" when p > INCONCLUSIVE_FACTOR
* alpha, and "inconclusive" in between.
"""
import numpy as np

TAIL_QUANTILE = 0.9
TAIL_CONFIDENCE = 0.95
DEFAULT_ALPHA = 0.01
INCONCLUSIVE_FACTOR = 5.0


def sorted_scores(calibration_scores):
    """The calibration scores flattened and sorted; none, or any not finite, is a broken calibration."""
    c = np.sort(np.asarray(calibration_scores, dtype=np.float64).ravel())
    if c.size == 0 or not np.all(np.isfinite(c)):
        raise ValueError("calibration needs finite scores")
    return c


def tail_model(calibration_scores):
    """Summarises calibration scores as the arrays `tail_probability` needs."""
    c = sorted_scores(calibration_scores)
    from scipy.special import gammaincinv

    u = float(np.quantile(c, TAIL_QUANTILE))
    excess = c[c > u] - u
    k = excess.size
    # chi2 quantile with 2k degrees of freedom: 2 * gammaincinv(k, q)
    tau = float(excess.sum() / gammaincinv(k, 1 - TAIL_CONFIDENCE)) if k else 0.0
    return {"sorted": c, "threshold": u, "tau": tau}


def union_tail_model(populations):
    """A tail model for real files of several kinds (the reference's files and its resampled copies,
    engine/detectors/resampling.py): its tail probability is the largest of the kinds' own, so it
    stays valid for a real file of each kind; "sorted" pools them (for medians, figures, counts)."""
    parts = [tail_model(scores) for scores in populations]
    return {**tail_model(np.concatenate([part["sorted"] for part in parts])), "parts": parts}


def versions_tail_model(calibration_scores, versions=1):
    """The tail model of calibration scores where each reference file was passed `versions` times (a recording
    through a codec as recorded, requantised to 8 bits and at a tenth of its level: engine/detectors/channel_media.py
    RECORDERS; file g's version k at g * versions + k): the union of each version's own tail model over the files
    (union_tail_model). Pooled, the versions of one recording counted as files of their own, which they are not:
    three near-equal scores per recording tightened the exponential tail's confidence bound and lowered the
    conformal floor as if the reference held three times the recordings (docs/studies.md, "Real digits through
    G.711: a recording counted once", fortieth pass). One version: tail_model."""
    scores = np.asarray(calibration_scores, dtype=np.float64).ravel()
    if versions <= 1:
        return tail_model(scores)
    if scores.size % versions:  # a version missing would pair one recording's versions with another's
        raise ValueError(f"{scores.size} calibration scores are not {versions} versions of each reference file")
    return union_tail_model(list(scores.reshape(-1, versions).T))


def log_p_model(calibration_p, floor):
    """A tail model for scores that are already -log10 of a tail probability (a detector that
    combines the tail probabilities of two calibrations, engine/detectors/channels.py NoiseUnion):
    its tail probability is 10^-s, never below `floor` (the smallest the combination can give);
    "sorted" holds the calibration files' scores (for medians, figures, counts)."""
    return {"sorted": np.sort(-np.log10(np.asarray(calibration_p, dtype=np.float64))), "log_p_floor": float(floor)}


def empirical_tail(calibration_scores):
    """A tail model of the calibration scores alone, without the fitted exponential: for a score of a few distinct
    values (a side's rarity), where the exponential fitted beyond the 0.9 quantile would spread a handful of tied rare
    values over the whole tail; a score beyond every calibration score gets the floor 1/(n + 1)."""
    c = sorted_scores(calibration_scores)
    return {"sorted": c, "threshold": float(c[-1]), "tau": 0.0}


def tail_probability(model, scores):
    """P(S >= s | real) for each score s (vectorised)."""
    if "log_p_floor" in model:
        return np.clip(10.0 ** -np.asarray(scores, dtype=np.float64), model["log_p_floor"], 1.0)
    if "parts" in model:
        return np.max([tail_probability(part, scores) for part in model["parts"]], axis=0)
    c, u, tau = model["sorted"], float(model["threshold"]), float(model["tau"])
    s = np.asarray(scores, dtype=np.float64)
    n = c.size
    at_least = n - np.searchsorted(c, s, side="left")
    p = (1.0 + at_least) / (n + 1.0)
    if tau > 0:
        p_u = (1.0 + n - np.searchsorted(c, u, side="left")) / (n + 1.0)
        tail = p_u * np.exp(-np.maximum(s - u, 0.0) / tau)  # only s > u takes it; far below u it would overflow
        p = np.where(s > u, tail, p)
    return np.clip(p, 1e-15, 1.0)  # the exponential tail is not credible beyond this


def score_threshold(model, alpha):
    """The smallest score whose tail probability is at most alpha (for the report); inf
    when no score reaches alpha (alpha below the model's tail_floor, or a weight of 0)."""
    if alpha <= 0:
        return np.inf
    if "log_p_floor" in model:
        return float(-np.log10(alpha)) if alpha >= model["log_p_floor"] else np.inf
    if "parts" in model:
        return max(score_threshold(part, alpha) for part in model["parts"])
    c, u, tau = model["sorted"], float(model["threshold"]), float(model["tau"])
    n = c.size
    p_u = (1.0 + n - np.searchsorted(c, u, side="left")) / (n + 1.0)
    if tau > 0 and alpha < p_u:
        return u + tau * np.log(p_u / alpha)
    k = int(np.floor(alpha * (n + 1) - 1))  # need #{c >= s} <= k; scores above c[n - k - 1]
    if k < 0:
        return np.inf
    return float(c[n - k - 1]) if k < n else float(c[0])


def is_binary(model):
    """Whether every calibration score ties (no tail fitted): the model then gives a score above them
    1/(n+1) and any other 1, nothing between (a bound that no reference file passes)."""
    return "parts" not in model and "log_p_floor" not in model and model["sorted"][0] == model["sorted"][-1]


def tail_floor(model):
    """The smallest tail probability the model can give (1/(n+1) when no tail is fitted)."""
    return float(tail_probability(model, [np.inf])[0])


def share_weights(learned, floors=None, alpha=DEFAULT_ALPHA, shares=None):
    """Weighted-Bonferroni weights (see the module docstring): `shares` (default one) per reference
    detector, one share split among the learned ones (`learned`: one flag per detector);
    with `floors` (each detector's tail_floor), adjusted so that every detector that can
    decide at `alpha` can do so on its own."""
    learned = np.asarray(learned, dtype=bool)
    own = np.ones(learned.size) if shares is None else np.asarray(shares, dtype=np.float64)
    total = float(own[~learned].sum()) + int(learned.any())
    base = np.where(learned, 1.0 / (total * max(1, int(learned.sum()))), own / total)
    if floors is None:
        return base
    # The floor is reached exactly (p = floor once the score passes every calibration
    # score), so a hair above floor / alpha keeps "p <= alpha * w" true in floating point.
    need = np.asarray(floors, dtype=np.float64) / alpha * (1 + 1e-9)
    usable = need < 1
    while usable.any() and need[usable].sum() >= 1:  # the floors cannot all be met
        usable[np.argmax(np.where(usable, need, -np.inf))] = False
    if not usable.any() or (usable.all() and np.all(need <= base)):
        return base
    return _water_fill(np.where(usable, base, 0.0), np.where(usable, need, 0.0))


def _water_fill(shares, need):
    """w = max(need, c * shares) with c (bisection) such that the weights sum to 1; the
    sum is at most 1 to rounding, which keeps the combination valid."""
    low, high = 0.0, 1.0 / shares.sum()
    for _ in range(100):
        c = (low + high) / 2
        low, high = (low, c) if np.maximum(need, c * shares).sum() > 1 else (c, high)
    return np.maximum(need, low * shares)


def weighted(p_values, weights):
    """p_k / w_k per detector; inf for a detector of weight 0, which never decides."""
    p, w = np.asarray(p_values, dtype=np.float64), np.asarray(weights, dtype=np.float64)
    return np.divide(p, w, out=np.full(p.shape, np.inf), where=w > 0)


def combine(p_values, weights):
    """Weighted Bonferroni: (combined p, index of the decisive detector)."""
    ratio = weighted(p_values, weights)
    k = int(np.argmin(ratio))
    return float(min(1.0, ratio[k])), k


def label_for(p, alpha=DEFAULT_ALPHA, weights=None):
    """The label of a combined tail probability p; "inconclusive" where every detector's weight is 0 (each stood
    aside: a channel that erases every trait the case reads), since then nothing was tested and p = 1 says nothing."""
    if weights is not None and not np.any(np.asarray(weights) > 0):
        return "inconclusive"
    if p <= alpha:
        return "generated"
    if p > INCONCLUSIVE_FACTOR * alpha:
        return "real"
    return "inconclusive"


def group_mean(values, groups):
    """Mean of per-sample values within each group (one file's patches -> one value).

    `groups` holds integer ids 0..G-1; returns (G,) or (G, k) like `values`.
    """
    values = np.asarray(values, dtype=np.float64)
    groups = np.asarray(groups)
    counts = np.bincount(groups).astype(np.float64)
    if values.ndim == 1:
        return np.bincount(groups, weights=values) / counts
    sums = np.stack([np.bincount(groups, weights=values[:, j], minlength=counts.size)
                     for j in range(values.shape[1])], axis=1)
    return sums / counts[:, None]
