"""A real figure resampled and then re-encoded (rotated or rescaled, then saved as JPEG or lossy
WebP): under an image channel the detectors that a case calibrates on resampled copies are
calibrated, apart, on the held-out figures resampled and then passed through the channel
(engine/detectors/channel_media.py resampled_through)."""
import numpy as np
import pytest

from engine.data.specs import load_spec
from engine.detectors import calibration, resampling, suite
from engine.detectors.channel_keys import channel_key
from engine.detectors.channels import StandAside, channel_detectors
from tests import synthetic_images


@pytest.fixture(scope="module")
def case(mnist600_profile):
    return (*mnist600_profile, load_spec("builtin:mnist[9000:9100]").x)


def channelled(case, x):
    profile, detectors, _ = case
    _, channel = synthetic_images.through_pil(x[:1], "JPEG", 85)
    return channel_detectors(detectors, profile, channel_key({"channel": channel}))[0]


def test_jpeg_calibration_has_a_part_for_resampled_copies(case):
    profile, _, held = case
    judging = {d.name: d for d in channelled(case, held)}
    n_cal = np.unique(profile["cal_x_group"]).size
    linear = sum(row[-1] == 1 for row in resampling.RESAMPLINGS)  # features: not the ringing spline copies
    for name, kinds in (("features", linear), ("faint-background", len(resampling.RESAMPLINGS)),
                        ("stroke-ramp", len(resampling.RESAMPLINGS))):
        sizes = [part["sorted"].size for part in judging[name].tail["parts"]]
        assert sizes == [n_cal, n_cal * kinds], name


@pytest.mark.parametrize("resample, box_read", [(lambda x: synthetic_images.rotate(x, 8), False),
                                                 (lambda x: synthetic_images.random_similarity(x, 0, 0.12), False),
                                                 (lambda x: synthetic_images.resized_through(x, 34, "lanczos"), True)],
                         ids=["rotated", "rescaled", "through-34-lanczos"])
def test_real_digits_resampled_then_saved_as_jpeg_pass(case, resample, box_read):
    # box-size is not calibrated on resampled copies: a figure rotated or rescaled within its frame leaves MNIST's
    # 20-pixel box (its stated limit, engine/detectors/box_size.py), so there the others are judged without it.
    # Rescaled about the picture's centre (synthetic_images.rescale crops its zoom half a pixel off centre: a shift
    # by a fraction of a pixel, which `placement` reads as MNIST's centring broken, its stated limit)
    _, _, held = case
    x, _ = synthetic_images.through_pil(resample(held), "JPEG", 85)
    judging = [d for d in channelled(case, held) if box_read or d.name != "box-size"]
    batch = suite.Batch(x, np.arange(len(x)))
    p = np.stack([calibration.tail_probability(d.tail, d.scores(batch)) for d in judging], axis=1)
    weights = suite.weights(judging, 0.01, [d.name != "grid" and not isinstance(d, StandAside) for d in judging])
    combined = np.array([calibration.combine(row, weights)[0] for row in p])
    assert np.mean(combined <= 0.01) <= 0.03, combined


def test_the_bilinear_rows_alone_give_the_same_copies_as_every_row():
    """in_frame_copies draws only the bilinear rows (the cubic spline costs most of the time): the same angles, scales
    and shifts, so the same copies, as those rows of the whole set."""
    x = load_spec("builtin:mnist[0:20]").x
    every, kinds = resampling.resampled_copies(x, 255)
    bilinear, bilinear_kinds = resampling.resampled_copies(x, 255, rows=resampling.BILINEAR)
    assert len(resampling.BILINEAR) == 3 and len(bilinear) == 60
    np.testing.assert_array_equal(bilinear, every[kinds < len(resampling.BILINEAR)])
    np.testing.assert_array_equal(bilinear_kinds, kinds[kinds < len(resampling.BILINEAR)])
