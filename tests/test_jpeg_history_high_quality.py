"""A high-quality JPEG (95-98) read from a lossless image's pixels as a fixed point of the IJG encoder
(engine/data/channels.py fixed_point_history): a real digit through JPEG 97 or 98 and then PNG is read at
that quality; a generator-like hazy digit (blurred, or with smooth noise beside its strokes) is not."""
import numpy as np
from PIL import Image

from engine.data import channels
from engine.data.loaders import load_path
from engine.detectors.channel_keys import channel_key
from engine.detectors.channel_words import describe
from tests.test_jpeg_history import decoded, digits, photo_like, smooth_strokes, through_jpeg


def blurred(image, sigma):
    kernel = np.exp(-0.5 * (np.arange(-3, 4) / sigma) ** 2)
    kernel /= kernel.sum()
    out = np.apply_along_axis(lambda v: np.convolve(v, kernel, "same"), 0, image.astype(float))
    out = np.apply_along_axis(lambda v: np.convolve(v, kernel, "same"), 1, out)
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)


def test_real_digits_through_jpeg_97_and_98_then_png_are_read_at_that_quality():
    for quality in (97, 98):
        found = [channels.jpeg_history(decoded(through_jpeg(d, quality))) for d in digits(5200, 5208)]
        assert sum(f is not None and f["quality"] == quality for f in found) >= 7, (quality, found)
    found = channels.fixed_point_history(decoded(through_jpeg(digits(5210, 5211)[0], 97, colour=True)))
    assert found["quality"] == 97 and found["moved_ratio"] <= channels.FIXED_POINT_MAX_RATIO[97]


def test_hazy_generator_like_digits_and_clean_ones_are_not_read_as_a_fixed_point():
    rng = np.random.default_rng(0)
    real = digits(5220, 5230)
    haze = [np.clip(d + np.rint(blurred((d > 64) * rng.uniform(0, 40, d.shape), 1.0)), 0, 255).astype(np.uint8)
            for d in real[:5]]  # faint values beside the strokes, as a generator's
    hazy = [blurred(d, 0.7) for d in real[5:]] + haze + smooth_strokes(4, seed=5) + list(real)
    assert [channels.fixed_point_history(image) for image in hazy] == [None] * len(hazy)
    assert channels.fixed_point_history(real[0][:12, :12]) is None  # fewer than 4 blocks of content


def test_png_after_jpeg_98_is_judged_through_the_jpeg_channel(tmp_path):
    Image.fromarray(decoded(through_jpeg(digits(5240, 5241)[0], 98))).save(tmp_path / "d.png")
    key = channel_key(load_path(str(tmp_path / "d.png")).meta)
    assert key[3:] == ("pixels",) and "estimated IJG quality 98" in describe(key)


def test_a_colour_photo_is_read_from_its_luminance_and_a_coarser_jpeg_is_not_taken_for_a_finer_one():
    photo = photo_like(96)
    assert channels.fixed_point_history(photo) is None
    assert channels.fixed_point_history(decoded(through_jpeg(photo, 98)))["quality"] == 98  # 4:2:0 colour
    # JPEG 94's steps are twice 97's: it dips at 97 too, but moves fewer pixels at 94
    assert channels.fixed_point_history(decoded(through_jpeg(photo, 94))) is None
