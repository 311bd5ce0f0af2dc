"""A lossless figure centred by its box and spanning most of its frame, as EMNIST prepared its digits, is judged against
the reference as it is and prepared so, the larger tail probability applying (engine/data/box_frame.py,
engine/detectors/channel_media.py box_framed_images, channels.boxed_union); a JPEG of one against the reference through
the JPEG alone and prepared so then through the JPEG (channels.jpeg_before_union)."""
import numpy as np
import pytest
from PIL import Image

from engine.data.box_frame import box_fitted, box_framed, nist_scan
from engine.data.channels import lossless_channel
from engine.data.loaders import load_path
from engine.data.specs import load_spec
from engine.detectors.channel_keys import (BOX_FRAMED, FRAMED, RESIZED_BEFORE, box_framed_before, channel_key, framed,
                                           jpeg_alone, jpeg_befores, resized_before)
from engine.detectors.channel_media import box_framed_images, image_through
from engine.detectors.channel_words import describe
from engine.detectors.channels import NoiseUnion, channel_detectors
from tests.detector_checks import combined_image_verdicts


@pytest.fixture(scope="module")
def case(mnist600_profile):
    return (*mnist600_profile, load_spec("builtin:mnist[9000:9060]").x)


def eight_bit(sample):
    return np.rint(sample[0] * 255).astype(np.uint8)


def test_emnist_preparation_centres_the_box_at_the_span_asked(case):
    _, _, held = case
    for sample in held[:5]:
        out = box_fitted(nist_scan(eight_bit(sample)), 28, 24)
        assert out.shape == (28, 28) and out.dtype == np.uint8
        assert box_framed(out) in (23, 24, 25)


def test_mnists_own_figures_and_off_centre_ones_are_not_read(case):
    _, _, held = case
    assert all(box_framed(eight_bit(s)) is None for s in held)  # a 20 x 20 box: 20 of 28 at most
    shifted = np.roll(box_fitted(nist_scan(eight_bit(held[0])), 28, 24), 2, axis=1)
    assert box_framed(shifted) is None  # the box no longer centred
    assert box_framed(np.zeros((28, 28), dtype=np.uint8)) is None


def test_the_reading_gives_a_key_judged_against_both_preparations(case):
    profile, detectors, held = case
    values = box_fitted(nist_scan(eight_bit(held[0])), 28, 24)
    channel = lossless_channel("PNG", values)
    assert channel["lossy"] is False and channel["box_framed"] == box_framed(values)
    key = channel_key({"channel": channel})
    assert key == (BOX_FRAMED, channel["box_framed"]) and not framed(key)
    assert channel_key({"channel": lossless_channel("PNG", eight_bit(held[0]))}) is None
    judging = {d.name: d for d in channel_detectors(detectors, profile, key)[0]}
    assert isinstance(judging["placement"], NoiseUnion)
    assert any("EMNIST" in words for words, _ in judging["placement"].parts_)


def test_box_framed_images_prepare_the_reference_so(case):
    _, _, held = case
    out = box_framed_images(held[:4], 24)
    assert out.shape == held[:4].shape and out.dtype == np.float32
    assert all(box_framed(eight_bit(s)) in (23, 24, 25) for s in out)


def test_real_digits_prepared_as_emnists_pass(case):
    profile, detectors, held = case
    x = box_framed_images(held, 24)
    both = channel_detectors(detectors, profile, (BOX_FRAMED, 24))[0]
    assert framed((BOX_FRAMED, 24, (FRAMED,)))
    assert np.mean(combined_image_verdicts(detectors, x) <= 0.01) >= 0.3  # against MNIST's centring alone many are flagged
    assert np.mean(combined_image_verdicts(both, x) <= 0.01) <= 0.05


def test_a_reference_framed_so_keeps_its_own_calibration(case):
    profile, detectors, held = case
    emnist_like = dict(profile, cal_x=box_framed_images(profile["cal_x"][:40], 24))
    out, note = channel_detectors(detectors, emnist_like, (BOX_FRAMED, 24))
    assert all(a is b for a, b in zip(out, detectors))
    assert "reference's own figures are framed so" in note


def test_a_jpeg_of_a_figure_so_framed_is_read_and_named(tmp_path, case):
    _, _, held = case
    values = box_fitted(nist_scan(eight_bit(held[1])), 28, 24)
    Image.fromarray(values).save(tmp_path / "e.jpg", quality=75)
    key = channel_key(load_path(str(tmp_path / "e.jpg")).meta)
    assert key[0] == "JPEG" and box_framed_before(key) == box_framed(values)
    assert box_framed_before(jpeg_alone(key)) is None and jpeg_alone(key) == key[:-1]
    assert "as EMNIST prepared its digits" in describe(key) and "IJG quality 75" in describe(key)
    Image.fromarray(eight_bit(held[1])).save(tmp_path / "m.jpg", quality=75)
    assert channel_key(load_path(str(tmp_path / "m.jpg")).meta) == jpeg_alone(key)  # MNIST's own: the JPEG alone


def test_real_digits_prepared_as_emnists_then_jpeg_pass(tmp_path, case):
    profile, detectors, held = case
    values = box_fitted(nist_scan(eight_bit(held[2])), 28, 24)
    Image.fromarray(values).save(tmp_path / "e.jpg", quality=90)
    key = channel_key(load_path(str(tmp_path / "e.jpg")).meta)
    x = image_through(held, key)  # prepared so, then through the file's JPEG
    alone = channel_detectors(detectors, profile, jpeg_alone(key))[0]
    both = channel_detectors(detectors, profile, key)[0]
    assert any(isinstance(d, NoiseUnion) and "then through the JPEG" in d.parts_[1][0] for d in both)
    assert np.mean(combined_image_verdicts(alone, x) <= 0.01) >= 0.3  # MNIST's centring through the JPEG flags many
    assert np.mean(combined_image_verdicts(both, x) <= 0.01) <= 0.05


def test_a_jpeg_read_as_resized_and_as_framed_is_judged_against_all_three(tmp_path, case):
    profile, detectors, held = case
    values = box_fitted(nist_scan(eight_bit(held[3])), 28, 24)
    Image.fromarray(values).save(tmp_path / "e.jpg", quality=90)
    alone = jpeg_alone(channel_key(load_path(str(tmp_path / "e.jpg")).meta))
    key = alone + ((RESIZED_BEFORE, ("bilinear",), 20), (BOX_FRAMED, 24))
    assert jpeg_befores(key) == key[-2:] and jpeg_alone(key) == alone
    assert resized_before(key) == (("bilinear",), 20) and box_framed_before(key) == 24
    out, note = channel_detectors(detectors, profile, key)
    three = [d for d in out if isinstance(d, NoiseUnion)]
    assert three and all(len(d.parts_) == 3 for d in three)
    assert [words.split(",")[0] for words, _ in three[0].parts_] == [
        "through the JPEG alone", "resized with bilinear through 20 x 20 and back",
        "prepared as EMNIST's digits (its figure's box centred"]
    assert "each reading then the JPEG" in note
