"""A JPEG compression read from the pixels of a lossless image (engine/data/channels.py
jpeg_history): a real digit saved as JPEG and then as PNG is judged through the JPEG channel at
the estimated quality; clean images, tiny ones and crops off the 8x8 grid are not."""
import io

import numpy as np
import pytest
from PIL import Image

from engine.data import channels
from engine.data.builtins import load_builtin
from engine.data.loaders import load_path
from engine.detectors.channel_keys import channel_key
from engine.detectors.channel_media import jpeg_images
from engine.detectors.channel_words import describe


def digits(start, stop):
    return np.rint(load_builtin("mnist", slice(start, stop)).x[:, 0] * 255).astype(np.uint8)


def through_jpeg(pixels, quality, colour=False):
    picture = Image.fromarray(pixels)
    buffer = io.BytesIO()
    (picture.convert("RGB") if colour else picture).save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def decoded(data):
    return np.asarray(Image.open(io.BytesIO(data)))


def smooth_strokes(n, seed=0):
    """A generator-like digit: blurred random strokes, faint values around them, rounded to 8 bits."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        image = np.zeros((28, 28))
        for _ in range(3):
            r, c = rng.integers(6, 22, 2)
            image[r - 1:r + 2, c - 6:c + 6] = 1
        kernel = np.exp(-0.5 * (np.arange(-3, 4) / 1.2) ** 2)
        image = np.apply_along_axis(lambda v: np.convolve(v, kernel / kernel.sum(), "same"), 0, image)
        image = np.apply_along_axis(lambda v: np.convolve(v, kernel / kernel.sum(), "same"), 1, image)
        out.append(np.rint(np.clip(image * 1.4, 0, 1) * 255).astype(np.uint8))
    return out


@pytest.mark.parametrize("quality", [40, 75, 90, 95])
def test_history_of_real_digits_through_jpeg_then_png_is_read_with_its_quality(quality):
    found = [channels.jpeg_history(decoded(through_jpeg(d, quality))) for d in digits(5000, 5008)]
    assert all(f is not None for f in found)
    assert all(abs(f["quality"] - quality) <= 2 for f in found)
    assert sum(f["quality"] == quality for f in found) >= 6


def test_history_of_a_grey_digit_saved_as_colour_jpeg_and_twice_saved_is_read():
    digit = digits(5010, 5011)[0]
    assert channels.jpeg_history(decoded(through_jpeg(digit, 80, colour=True)))["quality"] == 80
    twice = decoded(through_jpeg(decoded(through_jpeg(digit, 90)), 70))
    assert channels.jpeg_history(twice)["quality"] == 70  # the last compression's lattice


def test_clean_images_never_read_a_history():
    clean = list(digits(6000, 6040)) + smooth_strokes(20)
    clean += list(np.rint(load_builtin("digits", slice(0, 40)).x[:, 0] * 255).astype(np.uint8))  # 8x8, 17 levels
    clean += [np.where(d >= 128, 255, 0).astype(np.uint8) for d in digits(6040, 6050)]  # thresholded
    assert [channels.jpeg_history(image) for image in clean] == [None] * len(clean)


def test_tiny_images_and_crops_off_the_grid_read_no_history():
    digit = digits(5020, 5021)[0]
    jpeg = decoded(through_jpeg(digit, 75))
    assert channels.jpeg_history(jpeg) is not None
    assert channels.jpeg_history(jpeg[3:, 5:]) is None  # the 8x8 grid no longer starts at the corner
    assert channels.jpeg_history(decoded(through_jpeg(digit[8:20, 8:20], 75))) is None  # one block of content
    assert channels.jpeg_history(jpeg[:7, :7]) is None
    assert channels.jpeg_history(np.zeros((40, 40, 4), np.uint8)) is None
    assert channels.jpeg_history(jpeg.astype(np.uint16)) is None


def test_png_after_jpeg_gets_the_channel_key_of_the_jpeg_file(tmp_path):
    for name, colour in (("grey", False), ("colour", True)):
        data = through_jpeg(digits(5030, 5031)[0], 85, colour)
        (tmp_path / f"{name}.jpg").write_bytes(data)
        Image.fromarray(decoded(data)).save(tmp_path / f"{name}.png")
        from_jpeg = channel_key(load_path(str(tmp_path / f"{name}.jpg")).meta)
        from_png = channel_key(load_path(str(tmp_path / f"{name}.png")).meta)
        assert from_png[:3] == from_jpeg and from_png[3:] == ("pixels",)
        assert "inferred from the pixels (estimated IJG quality 85" in describe(from_png)
        assert "own quantisation tables" in describe(from_jpeg)
    # the reference of the PNG: encoded at 84, 85 and 86 in turn (the estimate may be one off); at 85 as the JPEG's
    reference = np.zeros((3, 1, 28, 28), np.float32)
    reference[:, 0, 8:20, 10:14] = 1
    via_png, via_jpeg = jpeg_images(reference, from_png), jpeg_images(reference, from_jpeg)
    assert np.array_equal(via_png[1], via_jpeg[1])
    neighbours = [decoded(through_jpeg(np.rint(reference[0, 0] * 255).astype(np.uint8), q, colour=True)) for q in (84, 86)]
    assert [np.array_equal(np.rint(via_png[k, 0] * 255), n[..., 0]) for k, n in ((0, neighbours[0]), (2, neighbours[1]))] == [True, True]
    Image.fromarray(digits(5031, 5032)[0]).save(tmp_path / "clean.png")
    clean = load_path(str(tmp_path / "clean.png")).meta
    assert channel_key(clean) is None and not clean["channel"]["lossy"]


def photo_like(side, seed=0):
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:side, 0:side] / side
    field = np.stack([np.sin(6 * x + c) * np.cos(4 * y - c) for c in (0.0, 1.0, 2.0)], axis=-1)
    return np.clip(np.rint(128 + 90 * field + rng.normal(0, 6, field.shape)), 0, 255).astype(np.uint8)


def test_a_large_image_is_read_from_a_bounded_region_at_the_corner():
    photo = photo_like(1200)
    jpeg = decoded(through_jpeg(photo, 80))
    found = channels.jpeg_history(jpeg)
    assert found["quality"] == 80 and found["blocks"] == channels.HISTORY_BLOCKS
    assert channels.jpeg_history(photo) is None
    # only the corner region is read: clean pixels beyond it change nothing, a clean corner hides the rest
    mixed = photo.copy()
    region = channels.HISTORY_REGION
    mixed[:region, :region] = jpeg[:region, :region]
    assert channels.jpeg_history(mixed)["quality"] == 80
    mixed = jpeg.copy()
    mixed[:region, :region] = photo[:region, :region]
    assert channels.jpeg_history(mixed) is None


def test_the_history_of_pixels_read_before_is_remembered_not_read_again(monkeypatch):
    pixels = decoded(through_jpeg(digits(5040, 5041)[0], 75))
    first = channels.jpeg_history(pixels)
    monkeypatch.setattr(channels, "_read_history", lambda values: pytest.fail("read again"))
    again = channels.jpeg_history(pixels.copy())
    assert again == first and again is not first  # a copy: a caller's change cannot alter the remembered one
    other = pixels.copy()
    other[0, 0] ^= 1
    with pytest.raises(pytest.fail.Exception):
        channels.jpeg_history(other)  # other pixels are read


def test_the_projections_made_a_few_rows_at_a_time_read_what_whole_products_read(monkeypatch):
    """HISTORY_ROWS (single-threaded matrix products) changes the speed, never the history read."""
    images = [decoded(through_jpeg(d, q)) for d, q in zip(digits(5100, 5114), range(20, 99, 6))]
    images += list(digits(6100, 6106)) + smooth_strokes(2, seed=3)
    found = [channels._read_history(image) for image in images]
    monkeypatch.setattr(channels, "HISTORY_ROWS", 1 << 30)  # one product of all rows, as before
    assert [channels._read_history(image) for image in images] == found
    assert [f["quality"] for f in found[:14]] == list(range(20, 99, 6)) and found[14:] == [None] * 8  # 98: fixed point
