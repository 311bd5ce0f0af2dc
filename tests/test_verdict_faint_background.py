"""The faint-background detector (engine/detectors/faint_background.py): a smeared background
is flagged, real digits pass, also when a rotation or rescaling put faint values beside their
strokes (which near-zero reads as a smear)."""
import numpy as np
import pytest

from engine.data.specs import load_spec
from engine.detectors import calibration, faint_background
from engine.detectors.batch import Reference
from engine.detectors.profile import cross_fitted, item_groups
from tests import synthetic_images
from tests.detector_checks import judged


@pytest.fixture(scope="module")
def digits():
    ref = load_spec("builtin:mnist[0:600]")
    groups, n = item_groups(ref.items, ref.n)
    profile = faint_background.FaintBackground.fit(Reference(ref, groups), groups, n, cross_fitted)
    return faint_background.FaintBackground(profile), load_spec("builtin:mnist[9000:9040]").x



def test_a_smeared_background_is_flagged_and_real_digits_pass(digits):
    detector, real = digits
    faint = np.random.default_rng(0).uniform(0.004, 0.04, real.shape).astype(np.float32)
    smeared = np.where(real == 0, faint, real)
    _, _, p_real = judged(detector, synthetic_images.as_png(real))
    assert np.mean(p_real <= 0.01) <= 0.05
    batch, scores, p = judged(detector, synthetic_images.as_png(smeared))
    # no reference digit has a faint value away from its strokes: every smeared one is beyond
    # them all, at the conformal floor 1/(n + 1)
    assert np.all(p <= calibration.tail_floor(detector.tail) * (1 + 1e-9)) and np.all(p < 0.002), p
    assert "smeared" in detector.reason(batch, 0, scores[0], p[0])


def test_faint_values_beside_the_strokes_of_a_resampled_digit_are_not_a_smear(digits):
    detector, real = digits
    rotated = synthetic_images.rotate(real, 8)
    # interpolation does put faint values beside the strokes (what near-zero counts) ...
    assert np.mean(((rotated > 0) & (rotated < 0.05)).reshape(len(real), -1).mean(axis=1)
                   > ((real > 0) & (real < 0.05)).reshape(len(real), -1).mean(axis=1)) > 0.8
    # ... but none far from them
    for resampled in (rotated, synthetic_images.rescale(real, 0.9), synthetic_images.rescale(real, 1.1)):
        _, _, p = judged(detector, resampled)
        assert np.mean(p <= 0.01) <= 0.05, p


def test_only_values_away_from_ink_count():
    image = np.zeros((1, 1, 9, 9), dtype=np.float32)
    image[0, 0, 4, 4] = 1.0
    image[0, 0, 3, 3] = 0.02  # diagonal neighbour of the ink: beside the stroke
    image[0, 0, 0, 0] = 0.02  # far from it
    assert faint_background.faint_background(image)[0] == pytest.approx(1 / 81)
