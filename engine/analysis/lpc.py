"""Linear prediction per frame by the autocorrelation method, every frame of a recording at once.

Each frame's predictor x[t] ~ sum_k a_k x[t-1-k] solves the normal equations R a = r, R the Toeplitz matrix of
its autocorrelations at lags 0..order-1 and r those at lags 1..order. Solved frame by frame (scipy's
solve_toeplitz, Levinson's recursion) a second of speech costs a hundred Python-level calls with their argument
checks, which dominated the speech detectors' reading; here the autocorrelations are one product per lag over all
frames and the systems one batched LU solve. The coefficients agree with Levinson's to rounding (the systems are
well posed: lag 0 carries a whisker of white noise, WHITE_NOISE).
"""
import numpy as np

WHITE_NOISE = 1e-6  # lag 0 raised by this share, as a whisker of white noise keeps every system well posed


def autocorrelations(frames, order):
    """(n, order + 1) autocorrelations at lags 0..order of each row of `frames` (n, length)."""
    length = frames.shape[1]
    return np.stack([np.einsum("ij,ij->i", frames[:, :length - k], frames[:, k:]) for k in range(order + 1)], 1)


def predictors(frames, order):
    """(coefficients (n, order), solved (n,)) of each row of `frames`: a frame with no energy (lag 0 not
    positive) is not solved and its coefficients are zeros."""
    ac = autocorrelations(frames, order)
    solved = ac[:, 0] > 0
    ac = ac[solved]
    ac[:, 0] *= 1 + WHITE_NOISE
    lags = np.abs(np.subtract.outer(np.arange(order), np.arange(order)))
    coefficients = np.zeros((frames.shape[0], order))
    if ac.size:
        coefficients[solved] = np.linalg.solve(ac[:, lags], ac[:, 1:, None])[..., 0]
    return coefficients, solved


def prediction_errors(signals, coefficients, start):
    """(n, length - start) errors of each row of `signals` (n, length) under its predictor, from sample `start`
    (at least the order) on: x[t] - sum_k a_k x[t-1-k]."""
    length, order = signals.shape[1], coefficients.shape[1]
    errors = signals[:, start:].copy()
    for k in range(order):
        errors -= coefficients[:, k, None] * signals[:, start - 1 - k:length - 1 - k]
    return errors
