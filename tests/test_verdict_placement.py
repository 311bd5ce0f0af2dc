"""The placement detector (engine/detectors/placement.py): a digit whose centre of mass lies off where the
reference's lie is flagged, while real digits, rotated or rescaled about their centre, or through JPEG or
lossy WebP (where it is recalibrated, not set aside), pass; a case made before it keeps its detectors."""
import numpy as np
import pytest

from engine.data.specs import load_spec
from engine.detectors import calibration, placement, resampling, suite
from engine.detectors.channel_keys import channel_key
from engine.detectors.channels import StandAside, channel_detectors
from engine.detectors.profile import build_profile
from tests import synthetic_images
from tests.detector_checks import fitted_on_digits, judged


@pytest.fixture(scope="module")
def digits():
    return fitted_on_digits(placement.Placement, "builtin:mnist[0:400]", "builtin:mnist[9000:9040]")


@pytest.fixture(scope="module")
def case_profile():
    return build_profile(load_spec("builtin:mnist[0:300]"))


def shifted(x, rows):
    """Each digit moved down by `rows` whole pixels (no new values: only the placement changes)."""
    return np.roll(x, rows, axis=2)


def test_an_off_centre_digit_is_flagged_and_real_digits_pass(digits):
    detector, profile, real = digits
    assert profile["cal_placement"].shape == (1 + len(resampling.RESAMPLINGS), 400)
    assert profile["placement_reference"].shape == (2, 400)
    _, _, p_real = judged(detector, real)
    assert np.all(p_real > 0.01)
    batch, scores, p = judged(detector, shifted(real, 2))
    assert np.all(p < 1e-3)  # beyond every reference file and every resampled copy
    reason = detector.reason(batch, 0, scores[0], p[0])
    assert "centre of mass" in reason and "below" in reason and "400 of 400 reference figures" in reason


def test_the_score_is_the_most_extreme_axis_in_the_reference_half_widths(digits):
    detector, profile, real = digits
    middle, below, above = placement.half_widths(profile["placement_reference"])
    moved = placement.centres(shifted(np.roll(real[:1], -1, axis=3), 2))[0] - middle
    expected = max(moved[0] / above[0] if moved[0] > 0 else -moved[0] / below[0],
                   moved[1] / above[1] if moved[1] > 0 else -moved[1] / below[1])
    assert detector.statistic(shifted(np.roll(real[:1], -1, axis=3), 2))[0] == pytest.approx(expected)


def test_a_colour_figure_is_placed_by_its_channels_mean(digits):
    _, _, real = digits
    assert np.allclose(placement.centres(np.repeat(real, 3, axis=1)), placement.centres(real))


@pytest.mark.parametrize("resample", [lambda x: synthetic_images.rotate(x, 10),
                                      lambda x: synthetic_images.random_similarity(x, 10, 0.12, order=3),
                                      lambda x: synthetic_images.as_png(resampling.resample(
                                          x[:, 0], 0.0, 0.12, 0.0, 1, np.random.default_rng(3))[:, None])],
                         ids=["rotated-bilinear", "cubic-spline", "scaled-bilinear"])
def test_real_digits_rotated_or_rescaled_about_their_centre_pass(digits, resample):
    detector, _, real = digits
    _, _, p = judged(detector, resample(real))
    # At most one of 40: without the shifted copies (resampling.without_shifts) the 400-file calibration's tail is
    # tighter, and one digit rotated and rescaled with a cubic spline lies at p 0.009 (0.064 against every copy)
    assert np.sum(p <= 0.01) <= 1


def test_the_copies_shifted_by_a_fraction_of_a_pixel_do_not_calibrate_it(digits):
    """MNIST centred its figures by whole pixels: a real digit moved by three quarters of a pixel with interpolation
    is flagged far more often than against every resampled copy, the shifted ones included, which the profile keeps
    (resampling.without_shifts)."""
    from scipy import ndimage

    detector, profile, real = digits
    assert detector.tail["parts"][1]["sorted"].size == sum(row[3] == 0 for row in resampling.RESAMPLINGS) * 400
    moved = synthetic_images.as_png(np.stack([ndimage.shift(figure[0], (0.75, 0), order=1) for figure in real])[:, None])
    _, scores, p = judged(detector, moved)
    against_every_copy = calibration.tail_probability(resampling.tail(profile["cal_placement"]), scores)
    assert np.mean(p < 0.01) >= 0.5 and np.mean(against_every_copy < 0.01) <= 0.3


@pytest.mark.parametrize("fmt, quality", [("JPEG", 75), ("WEBP", 75)])
def test_under_jpeg_and_lossy_webp_it_is_recalibrated_on_the_channelled_reference(case_profile, fmt, quality):
    detectors = suite.profile_detectors(case_profile)
    assert "placement" in [d.name for d in detectors]
    real = load_spec("builtin:mnist[9000:9040]").x
    x, channel = synthetic_images.through_pil(np.concatenate([real, shifted(real, 3)]), fmt, quality)
    judging = {d.name: d for d in channel_detectors(detectors, case_profile, channel_key({"channel": channel}))[0]}
    channelled = judging["placement"]
    assert not isinstance(channelled, StandAside)
    clean = next(d for d in detectors if d.name == "placement")
    assert not np.array_equal(channelled.tail["sorted"], clean.tail["sorted"])  # calibrated on the channel's files
    _, _, p = judged(channelled, x)
    assert np.all(p[:40] > 0.01) and np.all(p[40:] < 1e-3)


def test_a_case_made_before_keeps_its_detectors(case_profile):
    before = {k: v for k, v in case_profile.items() if k not in placement.Placement.arrays}
    names = [d.name for d in suite.profile_detectors(before)]
    assert "placement" not in names
    # shoulder-placement and weak-traits read placement: a case made before placement has none of them
    assert names == [d.name for d in suite.profile_detectors(case_profile)
                     if d.name not in ("placement", "shoulder-placement", "weak-traits")]
