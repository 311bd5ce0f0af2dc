"""The box-size detector (engine/detectors/box_size.py): a figure whose ink box is wider or narrower than the
reference's fitting (MNIST: 20 pixels) is flagged (an older profile reads the wider side only), real digits pass as PNG, resized and back, and through JPEG (where it is recalibrated on
the channelled reference), and a rotation with interpolation, which it does not forgive, is flagged more often than
its share allows."""
import numpy as np
import pytest

from engine.data.specs import load_spec
from engine.detectors import box_size, calibration, suite
from engine.detectors.channel_keys import channel_key
from engine.detectors.channels import StandAside, channel_detectors
from engine.detectors.profile import build_profile
from tests import synthetic_images
from tests.detector_checks import fitted_on_digits, judged


@pytest.fixture(scope="module")
def digits():
    return fitted_on_digits(box_size.BoxSize, "builtin:mnist[0:400]", "builtin:mnist[9000:9040]")


def widened(x):
    """Each digit with a pixel of ink two pixels above and left of its box: both sides grow by two."""
    out = x.copy()
    for image in out[:, 0]:
        rows, columns = np.flatnonzero(image.any(axis=1)), np.flatnonzero(image.any(axis=0))
        image[rows[0] - 2, columns[0] - 2] = 1.0
    return out


def test_the_longer_side_is_the_ink_box_not_the_faint_values_around_it():
    x = np.zeros((3, 1, 28, 28))
    x[0, 0, 4:24, 10:18] = 1.0  # 20 rows, 8 columns
    x[1, 0, 2:27, 2:27] = box_size.LEVEL - 0.01  # a haze below the ink's level
    x[1, 0, 12, 5:9] = 1.0
    x[2, :, 0, 0] = x[2, :, 27, 27] = box_size.LEVEL + 0.01
    assert box_size.longer_sides(x).tolist() == [20, 4, 28]
    assert box_size.longer_sides(np.repeat(x, 3, axis=1)).tolist() == [20, 4, 28]  # grey stored as colour


def narrowed(x, side=24):
    """Each picture reduced to side x side (Pillow's box filter) and put back in the middle of a blank 28 x 28: the
    figure shrinks by side / 28, its ink box's 20 pixels to about 17."""
    from PIL import Image

    out = np.zeros_like(x)
    at = (28 - side) // 2
    for image, source in zip(out[:, 0], x[:, 0]):
        image[at:at + side, at:at + side] = np.asarray(Image.fromarray(np.rint(source * 255).astype(np.uint8))
                                                       .resize((side, side), Image.Resampling.BOX)) / 255
    return out


def test_a_wider_figure_is_flagged_and_real_digits_pass(digits):
    detector, profile, real = digits
    assert profile["box_sides"].shape == profile["cal_box_size"].shape == (400,)
    assert np.median(profile["box_sides"]) == 20 and profile["box_sides"].max() == 20  # MNIST's fitting
    _, _, p_real = judged(detector, real)
    assert np.all(p_real > 0.01)
    batch, scores, p = judged(detector, widened(real))
    assert np.all(p <= 1 / 401 + 1e-12)  # beyond every reference figure: the calibration's floor
    reason = detector.reason(batch, 0, scores[0], p[0])
    assert "22 px along its longer side; 0 of 400 reference figures" in reason
    assert "commonest side 20 px, the narrowest 19, the widest 20" in reason


def test_a_narrower_figure_is_flagged_as_rarely_as_the_reference_has_its_side(digits):
    detector, profile, real = digits
    sides = box_size.longer_sides(narrowed(real))
    assert np.all(sides <= 18)  # no figure of mnist[0:400] is narrower than 19
    batch, scores, p = judged(detector, narrowed(real))
    assert np.all(p <= 1 / 401 + 1e-12)
    k = 0
    assert f"spans {sides[k]:.0f} px along its longer side; 0 of 400 reference figures span as many" in (
        detector.reason(batch, k, scores[k], p[k]))
    nineteen = int(np.sum(profile["box_sides"] == 19))
    assert 0 < nineteen < 10
    one_short = box_size.rarity([19.0], profile["box_sides"])
    assert calibration.tail_probability(detector.tail, one_short) == pytest.approx((1 + nineteen) / 401)  # its share


def test_an_older_profile_reads_the_wider_side_only(digits):
    _, profile, real = digits
    older = box_size.BoxSize({"cal_box_size": profile["box_sides"]})
    _, _, p_narrow = judged(older, narrowed(real))
    _, _, p_wide = judged(older, widened(real))
    assert np.all(p_narrow > 0.01) and np.all(p_wide <= 1 / 401 + 1e-12)


def test_rarity_leaves_each_reference_figure_out_of_its_own_count():
    reference = np.array([20.0, 20, 20, 19])
    assert box_size.rarity(reference, reference, own=True) == pytest.approx(-np.log([3 / 4, 3 / 4, 3 / 4, 1 / 4]))
    assert box_size.rarity([20, 19, 18, 21], reference) == pytest.approx(-np.log([4 / 5, 2 / 5, 1 / 5, 1 / 5]))


@pytest.mark.parametrize("side, method", [(34, "bicubic"), (56, "bilinear"), (22, "bicubic")])
def test_real_digits_resized_and_back_keep_the_ink_box(digits, side, method):
    detector, _, real = digits
    _, _, p = judged(detector, synthetic_images.resized_through(real, side, method))
    assert np.mean(p <= 0.01) <= 0.05


def test_a_real_digit_rotated_with_interpolation_is_not_forgiven(digits):
    detector, _, real = digits
    _, _, p = judged(detector, synthetic_images.rotate(real, 10))
    assert np.mean(p <= 0.01) > 0.2  # the limit the detector's docstring states


@pytest.mark.parametrize("quality", [75, 90])
def test_under_jpeg_it_is_recalibrated_on_the_channelled_reference(quality):
    profile = build_profile(load_spec("builtin:mnist[0:300]"))
    detectors = suite.profile_detectors(profile)
    real = load_spec("builtin:mnist[9000:9040]").x
    x, channel = synthetic_images.through_pil(np.concatenate([real, widened(real)]), "JPEG", quality)
    judging = {d.name: d for d in channel_detectors(detectors, profile, channel_key({"channel": channel}))[0]}
    channelled = judging["box-size"]
    assert not isinstance(channelled, StandAside)
    clean = next(d for d in detectors if d.name == "box-size")
    assert channelled.tail["sorted"].size != clean.tail["sorted"].size  # the channel's held-out files calibrate it
    assert channelled.sides.size == channelled.tail["sorted"].size and channelled.sides.max() == 20  # and their ink
    # keeps MNIST's box through the JPEG
    _, _, p = judged(channelled, x)
    floor = 1 / (channelled.tail["sorted"].size + 1)  # beyond every channelled reference figure
    assert np.all(p[:40] > 0.01) and np.mean(p[40:] <= floor + 1e-12) >= 0.9


def test_a_picture_with_no_ink_is_no_figure_to_read(digits):
    from types import SimpleNamespace

    detector, profile, real = digits
    blank, faint = np.zeros((1, 1, 28, 28)), np.full((1, 1, 28, 28), box_size.LEVEL - 0.05)
    assert not detector.informative(SimpleNamespace(x=blank)) and not detector.informative(SimpleNamespace(x=faint))
    assert detector.informative(SimpleNamespace(x=real[:1]))
    assert box_size.BoxSize({"cal_box_size": profile["box_sides"]}).informative(SimpleNamespace(x=blank))  # older
