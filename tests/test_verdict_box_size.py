"""The box-size detector (engine/detectors/box_size.py): a figure whose box is wider than the reference's fitting
(MNIST: 20 pixels) is flagged, real digits pass as PNG and through JPEG (where it is recalibrated on the channelled
reference, reading the values above the codec's ringing), and a rotation with interpolation, which it does not
forgive, is flagged."""
import numpy as np
import pytest

from engine.data.specs import load_spec
from engine.detectors import box_size, suite
from engine.detectors.channel_keys import channel_key
from engine.detectors.channels import StandAside, channel_detectors
from engine.detectors.profile import build_profile
from tests import synthetic_images
from tests.detector_checks import fitted_on_digits, judged


@pytest.fixture(scope="module")
def digits():
    return fitted_on_digits(box_size.BoxSize, "builtin:mnist[0:400]", "builtin:mnist[9000:9040]")


def widened(x, value=3 / 255):
    """Each digit with a value (a faint one of 3 steps) two pixels above and left of its box: both sides grow by
    two."""
    out = x.copy()
    for image in out[:, 0]:
        rows, columns = np.flatnonzero(image.any(axis=1)), np.flatnonzero(image.any(axis=0))
        image[rows[0] - 2, columns[0] - 2] = value
    return out


def test_the_longer_side_counts_every_value_that_rounding_keeps():
    x = np.zeros((3, 1, 28, 28))
    x[0, 0, 4:24, 10:18] = 1.0  # 20 rows, 8 columns
    x[1, 0, 10:14, 2:27] = 0.4 / 255  # below half a step: rounds to 0
    x[1, 0, 12, 5:9] = 1.0
    x[2, :, 0, 0] = x[2, :, 27, 27] = 1 / 255
    assert box_size.longer_sides(x).tolist() == [20, 4, 28]
    assert box_size.longer_sides(np.repeat(x, 3, axis=1)).tolist() == [20, 4, 28]  # grey stored as colour


def test_a_wider_figure_is_flagged_and_real_digits_pass(digits):
    detector, profile, real = digits
    assert profile["cal_box_size"].shape == (400,)
    assert np.median(profile["cal_box_size"]) == 20 and profile["cal_box_size"].max() == 20  # MNIST's fitting
    _, _, p_real = judged(detector, real)
    assert np.all(p_real > 0.01)
    batch, scores, p = judged(detector, widened(real))
    assert np.all(p <= 1 / 401 + 1e-12)  # beyond every reference figure: the calibration's floor
    reason = detector.reason(batch, 0, scores[0], p[0])
    assert "0 of 400 reference figures" in reason and "the widest 20" in reason


def test_a_real_digit_rotated_with_interpolation_is_not_forgiven(digits):
    detector, _, real = digits
    _, _, p = judged(detector, synthetic_images.rotate(real, 10))
    assert np.mean(p <= 0.01) > 0.8  # the limit the detector's docstring states


@pytest.mark.parametrize("quality", [75, 90])
def test_under_jpeg_it_reads_the_values_above_the_ringing_recalibrated_on_the_channelled_reference(quality):
    profile = build_profile(load_spec("builtin:mnist[0:300]"))
    detectors = suite.profile_detectors(profile)
    real = load_spec("builtin:mnist[9000:9040]").x
    x, channel = synthetic_images.through_pil(np.concatenate([real, widened(real, 1.0)]), "JPEG", quality)
    judging = {d.name: d for d in channel_detectors(detectors, profile, channel_key({"channel": channel}))[0]}
    channelled = judging["box-size"]
    assert not isinstance(channelled, StandAside) and channelled.level == box_size.LOSSY_LEVEL
    clean = next(d for d in detectors if d.name == "box-size")
    assert not np.array_equal(channelled.tail["sorted"], clean.tail["sorted"])  # the channel's files calibrate it
    _, _, p = judged(channelled, x)
    floor = 1 / (channelled.tail["sorted"].size + 1)  # beyond every channelled reference figure
    assert np.all(p[:40] > 0.01) and np.mean(p[40:] <= floor + 1e-12) >= 0.9
