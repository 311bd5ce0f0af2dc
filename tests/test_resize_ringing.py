"""An enlargement with a ringing filter (bicubic, PIL's default, or Lanczos) whose figure fills its frame is read from
the pixels though its overshoot was clipped at 0 and 255 (engine/data/resize_history.py, RINGING_FILTERS), and judged
as a read enlargement filling its frame; an MNIST digit resized down and back with them is read with a stricter dip
(RINGING_ROUND_TRIP) and judged against the reference resized so; a digit as it is, or blurred, is not read."""
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


def through(digit, side, name):
    return np.asarray(Image.fromarray(digit).resize((side, side), METHODS[name]).resize((28, 28), METHODS[name]))


def test_mnist_digits_resized_down_and_back_with_a_ringing_filter_are_read_with_its_side():
    # PIL's default filter through 14: 78-81 of 100 real digits labelled generated before the reading (forty-sixth pass)
    for name in RINGING_FILTERS:
        for side in (10, 14, 22):
            for d in digits(9930, 9936):
                read = resample_history(through(d, side, name))
                assert read is not None and read["filter"] == (name,) and read["side"] == side, (name, side, read)
                assert read["fills_frame"] is False and read["residual"] <= 0.2


def test_mnist_digits_as_they_are_blurred_or_hazy_are_not_read_with_a_ringing_filter():
    from scipy import ndimage

    real = digits(9930, 9960)
    rng = np.random.default_rng(0)
    blurred = [np.clip(np.rint(ndimage.gaussian_filter(d / 255.0, sigma) * 300), 0, 255).astype(np.uint8)
               for d in real[:15] for sigma in (0.5, 0.8, 1.2)]  # a VAE's smooth strokes
    hazy = [np.clip(d + rng.integers(0, 4, d.shape), 0, 255).astype(np.uint8) for d in real[:15]]  # a GAN's haze
    read = [resample_history(p) for p in list(real) + blurred + hazy]
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


def test_a_bicubic_round_trip_is_judged_against_the_reference_resized_so_and_stays_real(mnist600_profile):
    from engine.detectors.channels import channel_detectors
    from tests.test_resize_history import labelled_generated

    profile, detectors = mnist600_profile
    files = [through(d, 14, "bicubic") for d in digits(9200, 9260)]
    keys = {channel_key({"channel": lossless_channel("PNG", f)}) for f in files}
    assert keys == {("resized", "pixels", ("bicubic",), 14)}  # no FILLS_FRAME: judged against the resize alone
    resize_detectors, _ = channel_detectors(detectors, profile, keys.pop())
    assert labelled_generated(resize_detectors, files) <= 1
    assert labelled_generated(detectors, files) >= 12  # the clean calibration (17 of 60): the reading matters


def test_a_ringing_round_trip_then_jpeg_is_read_through_it_and_a_clean_or_blurred_jpeg_is_not():
    from scipy import ndimage

    from engine.data.channels import ijg_tables
    from tests.test_jpeg_history import decoded, through_jpeg

    real = digits(9936, 9946)
    for name, quality in (("bicubic", 85), ("bicubic", 95), ("lanczos", 95)):
        found = [jpeg_resample_history(decoded(through_jpeg(through(d, 14, name), quality)), ijg_tables()[quality][0])
                 for d in real]
        assert sum(f is not None and f["filter"] == (name,) and f["side"] == 14 for f in found) >= 9, (name, quality)
    blurred = [np.clip(np.rint(ndimage.gaussian_filter(d / 255.0, 0.8) * 300), 0, 255).astype(np.uint8) for d in real]
    for quality in (75, 85):
        found = [jpeg_resample_history(decoded(through_jpeg(p, quality)), ijg_tables()[quality][0])
                 for p in list(real) + blurred]
        assert not any(f and set(f["filter"]) & set(RINGING_FILTERS) for f in found), found
