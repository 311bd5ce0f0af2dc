"""Batched linear prediction (engine/analysis/lpc.py) against scipy's Levinson solve and numpy's convolution,
frame by frame, on speech frames and on frames with no energy."""
import numpy as np
import soundfile
from scipy.linalg import solve_toeplitz

from engine.analysis import lpc
from engine.data.builtins import corpus_files

ORDER, FRAME, HOP = 10, 200, 80


def speech_frames():
    audio = soundfile.read(corpus_files("fsdd")[7], dtype="float64")[0]
    starts = np.arange(0, audio.size - FRAME, HOP)
    frames = np.stack([audio[s:s + FRAME] * np.hanning(FRAME) for s in starts])
    frames[3] = 0.0  # a gated frame: nothing to predict
    return frames


def test_predictors_solve_each_frames_normal_equations_as_levinson_does():
    frames = speech_frames()
    coefficients, solved = lpc.predictors(frames, ORDER)
    assert solved.sum() == len(frames) - 1 and not solved[3] and np.all(coefficients[3] == 0)
    for frame, a in zip(frames[solved], coefficients[solved]):
        ac = np.correlate(frame, frame, "full")[FRAME - 1:FRAME + ORDER]
        ac[0] *= 1 + lpc.WHITE_NOISE
        expected = solve_toeplitz(ac[:ORDER], ac[1:])
        assert np.allclose(a, expected, rtol=1e-7, atol=1e-9 * np.abs(expected).max())


def test_prediction_errors_are_the_inverse_filter_applied_to_each_row():
    rng = np.random.default_rng(0)
    signals, coefficients = rng.normal(size=(5, ORDER + HOP)), rng.normal(size=(5, ORDER))
    errors = lpc.prediction_errors(signals, coefficients, ORDER)
    for x, a, e in zip(signals, coefficients, errors):
        assert np.allclose(e, np.convolve(x, np.r_[1.0, -a])[ORDER:x.size], rtol=1e-10, atol=1e-12)


def test_no_frames_give_empty_results():
    coefficients, solved = lpc.predictors(np.zeros((0, FRAME)), ORDER)
    assert coefficients.shape == (0, ORDER) and solved.shape == (0,)
