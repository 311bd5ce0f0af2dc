"""An enlargement with a ringing filter (bicubic, PIL's default, or Lanczos) whose figure fills its frame is read from
the pixels though its overshoot was clipped at 0 and 255 (engine/data/resize_history.py, RINGING_FILTERS), and judged
as a read enlargement filling its frame; MNIST's digits, resized or not, are not read so."""
import numpy as np
import pytest
from PIL import Image

from engine.data.channels import lossless_channel
from engine.data.resize_history import RINGING_FILTERS, jpeg_resample_history, resample_history, resample_matrix
from engine.detectors.channel_keys import FILLS_FRAME, FRAMED, channel_key
from engine.detectors.channel_media import image_through
from tests.test_jpeg_history import digits

METHODS = {"bicubic": Image.BICUBIC, "lanczos": Image.LANCZOS}


def strokes(side, seed=0):
    """A small collection's figure: full-contrast strokes (single pixels set to 255) reaching every edge of a
    side x side frame, as USPS's size-normalised digits reach theirs."""
    rng = np.random.default_rng(seed)
    small = np.zeros((side, side), dtype=np.uint8)
    small[0, rng.integers(0, side)] = small[-1, rng.integers(0, side)] = 255
    small[rng.integers(0, side), 0] = small[rng.integers(0, side), -1] = 255
    small[rng.integers(1, side - 1, 3 * side), rng.integers(1, side - 1, 3 * side)] = 255
    return small


def enlarged(small, name, size=28):
    return np.asarray(Image.fromarray(small).resize((size, size), METHODS[name]))


@pytest.mark.parametrize("name", RINGING_FILTERS)
@pytest.mark.parametrize("side", (8, 16))
def test_a_clipped_ringing_enlargement_is_read_with_its_side_and_filter(name, side):
    for seed in range(3):
        small = strokes(side, seed)
        up = resample_matrix(side, 28, name) / 2 ** 22
        linear = up @ small.astype(np.float64) @ up.T
        assert linear.min() < -5 and linear.max() > 260  # the overshoot PIL clips: no fixed point of a linear fit
        read = resample_history(enlarged(small, name))
        assert read is not None and read["filter"] == (name,) and read["side"] == side, read
        assert read["fills_frame"] is True and read["residual"] <= 0.5


def test_mnist_digits_as_they_are_and_resized_are_not_read_with_a_ringing_filter():
    real = digits(9930, 9960)
    pictures = list(real) + [np.asarray(Image.fromarray(d).resize((side, side), method).resize((28, 28), method))
                             for d in real[:10] for side in (14, 16, 20) for method in METHODS.values()]
    read = [resample_history(p) for p in pictures]
    assert not any(r and set(r["filter"]) & set(RINGING_FILTERS) for r in read), read


def test_a_figure_filling_its_frame_reduced_not_enlarged_is_not_read():
    # the figure's box brought to fill 56 x 56, then reduced to 28 with bicubic: it fills the frame, but no smaller
    # picture's upsampling explains it
    for d in digits(9960, 9970):
        image = Image.fromarray(d)
        large = image.crop(image.getbbox()).resize((56, 56), Image.BICUBIC)
        reduced = np.asarray(large.resize((28, 28), Image.BICUBIC))
        read = resample_history(reduced)
        assert read is None or not set(read["filter"]) & set(RINGING_FILTERS), read


def test_a_jpegs_pixels_are_not_read_as_a_ringing_enlargement():
    picture = enlarged(strokes(16), "bicubic")
    assert resample_history(picture, ringing=False) is None
    read = jpeg_resample_history(picture, np.full(64, 4))
    assert read is None or not set(read["filter"]) & set(RINGING_FILTERS)


def test_a_ringing_enlargement_is_judged_against_the_reference_through_that_filter_and_framed():
    key = channel_key({"channel": lossless_channel("PNG", enlarged(strokes(16), "bicubic"))})
    assert key == ("resized", "pixels", ("bicubic",), 16, (FILLS_FRAME,))
    x = digits(0, 2)[:, None].astype(np.float32) / 255
    through = image_through(x, key[:4])
    expected = np.asarray(Image.fromarray(digits(0, 1)[0]).resize((16, 16), Image.BICUBIC).resize(
        (28, 28), Image.BICUBIC), dtype=np.float32) / 255
    np.testing.assert_allclose(through[0, 0], expected, atol=1e-6)
    framed = image_through(x, key[:4] + ((FRAMED,),))
    rows, cols = np.nonzero(framed[0, 0] >= 32 / 255)
    assert max(np.ptp(rows), np.ptp(cols)) + 1 >= 26  # the reference framed as a 16-pixel collection, then enlarged
