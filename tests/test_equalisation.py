"""Histogram equalisation read from a picture's pixels (engine/data/equalisation.py): a real digit equalised in an
editor is judged against the reference equalised so, and as it is; unedited digits and two-level pictures are not read
so."""
import numpy as np
import pytest
from PIL import Image, ImageOps

from engine.data import equalisation
from engine.data.loaders import load_path
from engine.data.specs import load_spec
from engine.detectors.channel_keys import EQUALISED, channel_key
from engine.detectors.channel_media import image_through
from engine.detectors.channel_words import describe
from engine.detectors.channels import channel_detectors
from engine.verdict import readings
from tests.detector_checks import combined_image_verdicts

PILLOW, OPENCV = "Pillow's ImageOps.equalize", "OpenCV's equalizeHist"


@pytest.fixture(scope="module")
def case(mnist600_profile):
    held = np.rint(load_spec("builtin:mnist[9000:9060]").x[:, 0] * 255).astype(np.uint8)
    return (*mnist600_profile, held)


def test_the_equalisers_are_pillows_and_opencvs():
    rng = np.random.default_rng(0)
    picture = np.where(rng.random((28, 28)) < 0.7, 0, rng.integers(1, 256, (28, 28))).astype(np.uint8)
    expected = np.asarray(ImageOps.equalize(Image.fromarray(picture)))
    np.testing.assert_array_equal(equalisation.pillow_equalised(picture), expected)
    small = np.array([[0, 0, 0, 0], [10, 10, 20, 30]])  # OpenCV: the darkest level to 0, the rest by their shares
    np.testing.assert_array_equal(equalisation.opencv_equalised(small), [[0, 0, 0, 0], [128, 128, 191, 255]])


def test_equalised_digits_are_read_by_their_equaliser_and_unedited_or_two_level_ones_are_not(case):
    _, _, held = case
    assert all(equalisation.read_equaliser(p) is None for p in held)
    blurred = [np.asarray(Image.fromarray(p).resize((20, 20), Image.BILINEAR).resize((28, 28), Image.BILINEAR))
               for p in held]
    assert all(equalisation.read_equaliser(p) is None for p in blurred)
    for name, equalise in ((PILLOW, equalisation.pillow_equalised), (OPENCV, equalisation.opencv_equalised)):
        read = [equalisation.read_equaliser(equalise(p)) for p in held]
        many = [np.unique(equalise(p)).size >= equalisation.MIN_LEVELS for p in held]
        assert sum(many) >= 0.8 * len(held)
        assert all(found == name for found, enough in zip(read, many) if enough)
    binary = np.where(held[0] > 127, 255, 0)  # a threshold's output is a fixed point of both: not read
    assert equalisation.read_equaliser(binary) is None


def test_a_file_read_so_gets_the_equalised_key_and_the_reason(tmp_path, case):
    _, _, held = case
    path = tmp_path / "equalised.png"
    Image.fromarray(equalisation.opencv_equalised(held[1]).astype(np.uint8), "L").save(path)
    samples = equalisation.read(load_path(str(path)), True)
    channel = samples.meta["channel"]
    assert channel["lossy"] is True and channel["equalised"] == {"equaliser": OPENCV}
    assert channel_key(samples.meta) == (EQUALISED, OPENCV)
    assert "equalisation" in describe((EQUALISED, OPENCV))
    assert any(found.startswith("equalised:") for found in readings(channel))
    assert "equalised" not in equalisation.read(load_path(str(path)), False).meta["channel"]  # a reference with a
    # background of its own: not read


def test_the_reference_through_the_channel_is_each_figure_equalised(case):
    _, _, held = case
    x = (held[:5, None] / 255.0).astype(np.float32)
    through = image_through(x, (EQUALISED, PILLOW))
    expected = np.stack([equalisation.pillow_equalised(p) for p in held[:5]])[:, None] / 255.0
    np.testing.assert_allclose(through, expected, atol=1e-6)


def test_equalised_real_digits_pass_judged_against_the_equalised_reference(case):
    profile, detectors, held = case
    for name, equalise in ((PILLOW, equalisation.pillow_equalised), (OPENCV, equalisation.opencv_equalised)):
        pictures = [equalise(p) for p in held]
        pictures = [p for p in pictures if equalisation.read_equaliser(p) == name]
        x = (np.stack(pictures)[:, None] / 255.0).astype(np.float32)
        judging, note = channel_detectors(detectors, profile, (EQUALISED, name))
        assert "equalis" in note
        assert np.mean(combined_image_verdicts(judging, x) <= 0.01) <= 0.05
        if name == PILLOW:  # its comb and its lifted faint ink, against the reference as it is
            assert np.mean(combined_image_verdicts(detectors, x) <= 0.01) >= 0.9
