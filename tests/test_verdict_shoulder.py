"""The shoulder detector (engine/detectors/shoulder.py): a figure whose greys crowd just below the strokes' plateau,
as a saturating output activation leaves them, is flagged against the reference's files alone, while real digits,
rotated or rescaled with interpolation, or through JPEG (where it is recalibrated on the channelled reference), pass."""
import numpy as np
import pytest

from engine.data.specs import load_spec
from engine.detectors import calibration, resampling, shoulder
from engine.detectors.channels import StandAside
from tests import synthetic_images
from tests.detector_checks import fitted_on_digits, judged, through_jpeg


# A real digit passes well above a detector's share of alpha (about 0.001 among the image detectors); against 400
# files alone one of these 40 lies at 0.009
PASSES = 0.005


@pytest.fixture(scope="module")
def digits():
    return fitted_on_digits(shoulder.Shoulder, "builtin:mnist[0:400]", "builtin:mnist[9000:9040]")


def saturated(x, sigma=0.5, gain=10.0, centre=0.7):
    """Each digit as a smooth field through a sigmoid, the way a generator's output layer writes it: blurred, its
    brightest value set to 1, then sigmoid(gain (field - centre)), rounded to 8 bits."""
    from scipy import ndimage

    field = ndimage.gaussian_filter(np.asarray(x, dtype=np.float64)[:, 0], (0, sigma, sigma))
    field /= field.max(axis=(1, 2), keepdims=True)
    return synthetic_images.as_png((1.0 / (1.0 + np.exp(-gain * (field - centre))))[:, None])


def test_the_score_is_the_binomial_z_of_the_greys_in_the_shoulder():
    image = np.zeros((1, 1, 10, 10))
    image[0, 0, 0, :6] = 0.5  # six greys below the shoulder
    image[0, 0, 1, :4] = 0.9  # four in it
    image[0, 0, 2, :] = 1.0  # the plateau: not a grey
    image[0, 0, 3, :3] = 0.03  # faint: not a grey
    n, k = 10, 4
    expected = (k - shoulder.SHARE * n) / np.sqrt(shoulder.SHARE * (1 - shoulder.SHARE) * n + 1)
    assert shoulder.shoulder_z(image)[0] == pytest.approx(expected)
    assert shoulder.shoulder_z(np.zeros((1, 1, 5, 5)))[0] == 0.0  # no greys
    assert shoulder.shoulder_z(np.repeat(image, 3, axis=1))[0] == pytest.approx(expected)  # channels averaged


def test_a_saturating_activations_shoulder_is_flagged_and_real_digits_pass(digits):
    detector, profile, real = digits
    assert profile["cal_shoulder"].shape == (400,)  # the files alone
    _, _, p_real = judged(detector, real)
    assert np.all(p_real > PASSES)
    batch, scores, p = judged(detector, saturated(real))
    assert np.mean(p < 1e-3) >= 0.7  # beyond the reference's files and their resampled copies
    flagged = int(np.argmin(p))
    reason = detector.reason(batch, flagged, scores[flagged], p[flagged])
    assert "greys lie just below the strokes' plateau" in reason and "beyond every reference file" in reason


def test_the_resampled_copies_do_not_calibrate_it(digits):
    """A milder saturation is flagged far more often against the files alone than against them and, apart, their
    resampled copies, whose top tail (bold digits enlarged) is longer; a profile made before, which holds the copies'
    rows, is read on its files' row (resampling.files_only)."""
    detector, profile, real = digits
    ref = load_spec("builtin:mnist[0:400]").x
    copies, _ = resampling.resampled_copies(ref, 255)
    with_copies = resampling.calibration_rows(profile["cal_shoulder"], shoulder.shoulder_z(copies))
    before = shoulder.Shoulder({"cal_shoulder": with_copies})
    assert np.array_equal(before.tail["sorted"], detector.tail["sorted"])
    _, scores, p = judged(detector, saturated(real, centre=0.5))
    against_every_copy = calibration.tail_probability(resampling.tail(with_copies), scores)
    assert np.mean(p < 0.01) >= 0.3 and np.mean(against_every_copy < 0.01) <= 0.2


def test_a_real_digit_with_its_contrast_lowered_keeps_its_score(digits):
    detector, _, real = digits
    darker = synthetic_images.as_png(real * 0.9)  # the plateau (253 of 255) moves to 228, into an absolute shoulder
    assert np.allclose(detector.statistic(darker), detector.statistic(real), atol=1.0)
    _, _, p = judged(detector, darker)
    assert np.all(p > PASSES)


@pytest.mark.parametrize("resample", [lambda x: synthetic_images.rotate(x, 10),
                                      lambda x: synthetic_images.random_similarity(x, 10, 0.12, order=3),
                                      lambda x: synthetic_images.rescale(x, 1.1)],
                         ids=["rotated-bilinear", "cubic-spline", "scaled-bilinear"])
def test_real_digits_rotated_or_rescaled_with_interpolation_pass(digits, resample):
    detector, _, real = digits
    _, _, p = judged(detector, resample(real))
    assert np.all(p > PASSES)


def test_under_jpeg_it_is_recalibrated_on_the_channelled_reference():
    clean, judging, x = through_jpeg()
    channelled = judging["shoulder"]
    assert not isinstance(channelled, StandAside)
    channelled_files, clean_files = channelled.tail["sorted"], clean["shoulder"].tail["sorted"]
    assert np.median(channelled_files) > np.median(clean_files)  # JPEG's ringing puts greys in the shoulder
    _, _, p = judged(channelled, x)
    assert np.all(p > 0.01)
