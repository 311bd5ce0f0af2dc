"""The faint-speck detector (engine/detectors/faint_speck.py): a stray value of a step or two far from
the strokes is flagged, while real digits rotated or rescaled with any interpolation or through a JPEG
saved again as PNG, and a real speck of ink dimmed by interpolation, pass; under JPEG it stands aside."""
import numpy as np
import pytest

from engine.data.specs import load_spec
from engine.detectors import calibration, faint_speck, resampling
from engine.detectors.channel_keys import channel_key
from engine.detectors.channels import StandAside, channel_detectors
from engine.detectors.profile import build_profile
from tests import synthetic_images
from tests.detector_checks import fitted_on_digits, judged


@pytest.fixture(scope="module")
def digits():
    return fitted_on_digits(faint_speck.FaintSpeck, "builtin:mnist[0:400]", "builtin:mnist[9000:9040]")


def with_speck(x, value=1 / 255):
    """Each digit with one stray value (a generator's near-0 output) in the corner of its image with the
    least ink in the corner's 8 x 8 block."""
    out = x.copy()
    for image in out[:, 0]:
        row, col = min(((0, 0), (0, -1), (-1, 0), (-1, -1)), key=lambda c: image[
            slice(0, 8) if c[0] == 0 else slice(-4, None), slice(0, 8) if c[1] == 0 else slice(-4, None)].sum())
        image[row, col] = value
    return out


def test_a_stray_step_far_from_the_strokes_is_flagged_and_real_digits_pass(digits):
    detector, profile, real = digits
    assert profile["cal_faint_speck"].shape == (1 + len(resampling.RESAMPLINGS), 400)
    assert not np.any(profile["cal_faint_speck"])  # no reference digit nor resampled copy holds one
    _, _, p_real = judged(detector, real)
    assert np.all(p_real == 1.0)
    specked = with_speck(real)
    assert np.all(faint_speck.faint_specks(specked) == 1)
    batch, scores, p = judged(detector, specked)
    # beyond every calibration file: the conformal floor 1/(n + 1) of the reference's 400 files
    assert np.allclose(p, 1 / 401) and np.all(p < 0.003)
    assert "alone in the background" in detector.reason(batch, 0, scores[0], p[0])


@pytest.mark.parametrize("resample", [lambda x: synthetic_images.rotate(x, 10),
                                      lambda x: synthetic_images.rescale(x, 1.12),
                                      lambda x: synthetic_images.random_similarity(x, 10, 0.12, order=3),
                                      lambda x: synthetic_images.resized_through(x, 40, "bicubic"),
                                      lambda x: synthetic_images.resized_through(x, 20, "lanczos"),
                                      lambda x: synthetic_images.through_pil(x, "JPEG", 100)[0]],
                         ids=["rotated-bilinear", "scaled-1.12", "cubic-spline", "through-40-bicubic",
                              "through-20-lanczos", "jpeg-100-as-png"])
def test_interpolation_and_a_jpeg_round_trip_put_no_speck_far_from_the_strokes(digits, resample):
    detector, _, real = digits
    resampled = resample(real)
    assert np.any((resampled > 0) & (resampled <= faint_speck.SPECK))  # it does make values of a step or two
    _, _, p = judged(detector, resampled)
    assert np.all(p == 1.0)


def test_a_real_speck_of_ink_dimmed_by_interpolation_is_not_a_stray_step():
    from scipy import ndimage

    image = np.zeros((1, 1, 28, 28), dtype=np.float32)
    image[0, 0, 8:20, 14] = 1.0  # a stroke
    image[0, 0, 10, 3] = 13 / 255  # a speck of ink (the faintest), spread over four pixels by a half-pixel shift
    dimmed = synthetic_images.as_png(ndimage.shift(image, (0, 0, 0.5, 0.5), order=1))
    assert np.all((dimmed[0, 0, 10:12, 3:5] > 0) & (dimmed[0, 0, 10:12, 3:5] < faint_speck.INK))
    assert faint_speck.faint_specks(dimmed)[0] == 0
    lone = image.copy()
    lone[0, 0, 10, 3] = 2 / 255
    assert faint_speck.faint_specks(lone)[0] == 1


def test_it_stands_aside_under_jpeg():
    profile = build_profile(load_spec("builtin:mnist[0:300]"))
    from engine.detectors import suite

    detectors = suite.profile_detectors(profile)
    assert "faint-speck" in [d.name for d in detectors]
    _, channel = synthetic_images.through_pil(load_spec("builtin:mnist[9000:9001]").x, "JPEG", 90)
    judging = {d.name: d for d in channel_detectors(detectors, profile, channel_key({"channel": channel}))[0]}
    assert isinstance(judging["faint-speck"], StandAside) and not judging["faint-speck"].informative(None)
    assert calibration.tail_floor(judging["faint-speck"].tail) < 0.01
