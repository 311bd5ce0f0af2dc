"""The edge-width detector (engine/detectors/edge_width.py; cases made before 2026-12-01, which
stroke-ramp replaces) on a few real digits and on blurred, cleaned-up ones, and the invariances
it claims."""
import numpy as np
import pytest

from engine.data.specs import load_spec
from engine.detectors import edge_width
from engine.detectors.profile import cross_fitted, item_groups
from tests import synthetic_images
from tests.detector_checks import judged


@pytest.fixture(scope="module")
def digits():
    ref = load_spec("builtin:mnist[0:600]")
    groups, n = item_groups(ref.items, ref.n)
    detector = edge_width.EdgeWidth(edge_width.EdgeWidth.arrays_of(ref.x, groups))  # as older cases hold it
    return detector, load_spec("builtin:mnist[9000:9040]").x



def test_real_digits_pass_and_blurred_cleaned_ones_are_flagged(digits):
    detector, held = digits
    _, _, p_real = judged(detector, synthetic_images.as_png(held))
    assert np.mean(p_real <= 0.01) <= 0.05, p_real
    batch, scores, p_fake = judged(detector, synthetic_images.blurred_cleaned(held))
    assert np.mean(p_fake <= 0.01) >= 0.9, (scores, p_fake)
    worst = int(np.argmax(scores))
    assert "blurred strokes" in detector.reason(batch, worst, scores[worst], p_fake[worst])
    # the clean-up erased what near-zero reads: no value in (0, 0.05)
    cleaned = synthetic_images.blurred_cleaned(held)
    assert not np.any((cleaned > 0) & (cleaned < 0.05))


def test_binarised_digits_have_no_edge_and_score_the_cap(digits):
    detector, held = digits
    batch, scores, p = judged(detector, synthetic_images.binarise(held))
    np.testing.assert_array_equal(scores, edge_width.MAX_WIDTH)
    assert np.all(p <= 0.01)
    assert "no dim ink at all" in detector.reason(batch, 0, scores[0], p[0])


def test_width_does_not_change_with_contrast_shift_or_mirror(digits):
    _, held = digits
    x = synthetic_images.as_png(held)
    width = edge_width.edge_width(x)
    np.testing.assert_allclose(edge_width.edge_width(x * 0.8), width, atol=1e-12)  # a darker scan
    np.testing.assert_allclose(edge_width.edge_width(x[..., ::-1]), width, atol=1e-12)
    shifted = np.roll(x, (1, -1), axis=(2, 3))  # MNIST digits have a blank border
    np.testing.assert_allclose(edge_width.edge_width(shifted), width, atol=1e-12)


def test_left_out_without_a_blank_background_and_in_new_image_cases():
    for spec in ("builtin:fsdd[0:10]", "builtin:mnist[0:50]"):
        ref = load_spec(spec)
        groups, n = item_groups(ref.items, ref.n)
        assert edge_width.EdgeWidth.fit(ref, groups, n, cross_fitted) == {}
