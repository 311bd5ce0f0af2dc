"""engine/analysis/zero_phase.py: the numpy zero-phase Butterworth filter gives what scipy's sosfiltfilt gives (the
app's bundle leaves scipy.signal out), low-pass and high-pass, away from the ends where the two pad differently."""
import numpy as np
import pytest
from scipy.signal import butter, sosfiltfilt

from engine.analysis.zero_phase import butterworth_zero_phase


@pytest.mark.parametrize("highpass, cut", [(False, 4000.0), (True, 500.0)])
def test_matches_scipys_forward_and_back_butterworth_inside_the_signal(highpass, cut):
    rate = 16000
    x = np.random.default_rng(0).standard_normal(rate)
    ours = butterworth_zero_phase(x, rate, cut, 8, highpass=highpass)
    theirs = sosfiltfilt(butter(8, cut, "highpass" if highpass else "lowpass", fs=rate, output="sos"), x)
    inside = slice(800, -800)
    assert ours.shape == x.shape
    assert np.sqrt(np.mean((ours[inside] - theirs[inside]) ** 2)) < 1e-6 * np.sqrt(np.mean(theirs[inside] ** 2))


def test_a_short_signal_keeps_its_length_and_a_low_pass_keeps_a_constant():
    assert butterworth_zero_phase(np.ones(1), 8000, 1000.0, 8).shape == (1,)
    np.testing.assert_allclose(butterworth_zero_phase(np.full(300, 0.25), 8000, 1000.0, 8), 0.25, atol=1e-12)
