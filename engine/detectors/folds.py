"""Cross-fitting over the reference's files: every reference file is scored by a detector
fitted without it, so that detectors cheap to refit calibrate on every reference file."""
import numpy as np

CROSS_FIT_FOLDS = 5


def renumber(groups):
    """File ids renumbered 0..G-1 in order (calibration.group_mean takes them so)."""
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
