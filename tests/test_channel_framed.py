"""A picture read as the enlargement of a smaller one whose figure fills its frame was made at that side, where a
collection frames its figures its own way (USPS's digits fill their 16 x 16 box; MNIST centres a 20 x 20 box by the
centre of mass): it is judged against the reference resized through that side and, apart, framed as such a
collection frames its figures (engine/data/resize_history.py fills_frame, engine/detectors/channel_media.py
framed_images, channels.framed_union), the larger tail probability applying; read through a later JPEG, against the
reference through the JPEG alone, resized then through it, and framed so then through it (channels.jpeg_before_union)."""
import numpy as np
import pytest
from PIL import Image

from engine.data.channels import lossless_channel
from engine.data.loaders import load_path
from engine.data.specs import load_spec
from engine.detectors.channel_keys import (FILLS_FRAME, FRAMED, FRAMED_BEFORE, RESIZED_BEFORE, UNREAD_FRAMING,
                                           WEBP_QUALITY, channel_key, fills_frame, framed, framed_before, jpeg_alone,
                                           jpeg_befores, resized_before, webp_quality)
from engine.detectors.channel_media import framed_images, image_through
from engine.detectors.channel_words import describe
from engine.detectors.channels import NoiseUnion, channel_detectors
from tests.detector_checks import combined_image_verdicts


@pytest.fixture(scope="module")
def case(mnist600_profile):
    return (*mnist600_profile, load_spec("builtin:mnist[9000:9060]").x)


def usps_like(x, side=16):
    """Digits prepared as USPS's: the figure's box scaled to fill side x side (aspect kept), enlarged to 28 with
    PIL's bilinear filter, as torchvision's Resize((28, 28)) does."""
    out = []
    for sample in x:
        image = Image.fromarray(np.rint(sample[0] * 255).astype(np.uint8))
        figure = image.crop(image.getbbox())
        w, h = figure.size
        fitted = (max(1, round(w * side / max(w, h))), max(1, round(h * side / max(w, h))))
        small = Image.new("L", (side, side))
        small.paste(figure.resize(fitted, Image.BILINEAR), ((side - fitted[0]) // 2, (side - fitted[1]) // 2))
        out.append(np.asarray(small.resize((28, 28), Image.BILINEAR), dtype=np.float32)[None] / 255)
    return np.stack(out)


def test_framed_images_fill_the_frame_kept_or_stretched(case):
    _, _, held = case
    out = framed_images(held[:2], ("bilinear",), 16)
    for k, sample in enumerate(out):
        rows, cols = np.nonzero(sample[0] > 0)
        spans = (np.ptp(rows) + 1, np.ptp(cols) + 1)
        assert max(spans) >= 26, spans  # the figure fills the enlarged frame (MNIST's: 20 of 28)
        if k % 2:
            assert min(spans) >= 26, spans  # stretched to the whole frame


def key_of(x):
    return channel_key({"channel": lossless_channel("PNG", np.rint(x[0] * 255).astype(np.uint8))})


def test_the_frame_reading_is_a_plain_bool_a_verdict_can_write(case):
    from engine.data.resize_history import resample_history

    _, _, held = case
    read = resample_history(np.rint(usps_like(held[:1])[0, 0] * 255).astype(np.uint8))
    assert read["fills_frame"] is True
    blank_edges = np.zeros((28, 28), dtype=np.uint8)
    blank_edges[4:24, 8:20] = 255
    from engine.data.resize_history import fills_frame
    assert fills_frame(blank_edges) is False


def test_an_enlargement_filling_its_frame_is_judged_against_both_framings(case):
    profile, detectors, held = case
    key = key_of(usps_like(held[:1])[0])
    assert key[:2] == ("resized", "pixels") and key[3] == 16 and fills_frame(key) and not framed(key)
    assert framed(key[:4] + ((FRAMED,),))
    judging = {d.name: d for d in channel_detectors(detectors, profile, key)[0]}
    placement = judging["placement"]
    assert isinstance(placement, NoiseUnion)
    assert any("framed" in words for words, _ in placement.parts_)


def test_a_resized_figure_of_mnists_size_does_not_fill_its_frame(case):
    _, _, held = case
    from engine.detectors.channel_media import resampled_images

    keys = [key_of(sample) for sample in resampled_images(held[:10], ("bilinear",), 16)]
    assert all(k[:2] == ("resized", "pixels") and not fills_frame(k) for k in keys if k), keys
    assert sum(k is not None for k in keys) >= 8


def test_real_digits_prepared_as_a_16_pixel_collection_pass(case):
    profile, detectors, held = case
    x = usps_like(held)
    key = ("resized", "pixels", ("bilinear",), 16)
    alone = channel_detectors(detectors, profile, key)[0]
    both = channel_detectors(detectors, profile, key + ((FILLS_FRAME,),))[0]
    assert np.mean(combined_image_verdicts(alone, x) <= 0.01) >= 0.5  # MNIST resized keeps its centring: most are flagged
    assert np.mean(combined_image_verdicts(both, x) <= 0.01) <= 0.05


def test_an_enlargement_filling_its_frame_read_through_a_jpeg_is_judged_framed_then_through_it(tmp_path, case):
    profile, detectors, held = case
    pixels = np.rint(usps_like(held[:1])[0, 0] * 255).astype(np.uint8)
    Image.fromarray(pixels).save(tmp_path / "u.jpg", quality=85)
    key = channel_key(load_path(str(tmp_path / "u.jpg")).meta)
    filters, side = framed_before(key)
    assert resized_before(key) == (filters, side) and jpeg_befores(key)[:2] == (
        (RESIZED_BEFORE, filters, side), (FRAMED_BEFORE, filters, side))
    assert "filling the frame as in a collection" in describe(key)
    one = jpeg_alone(key) + ((FRAMED_BEFORE, filters, side),)
    assert image_through(held[:3], one).shape == held[:3].shape
    placement = {d.name: d for d in channel_detectors(detectors, profile, key)[0]}["placement"]
    assert [words.split(",")[0] for words, _ in placement.parts_][:3] == [
        "through the JPEG alone", f"resized with {' or '.join(filters)} through {side} x {side} and back",
        f"framed as a collection of {side} x {side} pictures frames its figures"]


def test_real_digits_of_a_16_pixel_collection_through_jpeg_pass(tmp_path, case):
    profile, detectors, held = case
    from engine.detectors.channel_media import jpeg_images

    x = usps_like(held)
    Image.fromarray(np.rint(x[0, 0] * 255).astype(np.uint8)).save(tmp_path / "u.jpg", quality=85)
    alone = jpeg_alone(channel_key(load_path(str(tmp_path / "u.jpg")).meta))
    x = jpeg_images(x, alone)
    resized = (RESIZED_BEFORE, ("bilinear",), 16)
    judged = channel_detectors(detectors, profile, alone + (resized,))[0]
    framed_too = channel_detectors(detectors, profile, alone + (resized, (FRAMED_BEFORE, ("bilinear",), 16)))[0]
    assert np.mean(combined_image_verdicts(judged, x) <= 0.01) >= 0.5  # MNIST's centring through the JPEG: flagged
    assert np.mean(combined_image_verdicts(framed_too, x) <= 0.01) <= 0.05


def test_a_jpeg_figure_filling_its_frame_with_no_resize_read_is_judged_framed_as_assumed(tmp_path, case):
    profile, detectors, held = case
    for k, sample in enumerate(usps_like(held[:6])):  # enlarged with bilinear from 16, or an assumed framing
        pixels = np.rint(sample[0] * 255).astype(np.uint8)
        Image.fromarray(pixels).resize((16, 16), Image.BICUBIC).resize((28, 28), Image.BICUBIC).save(
            tmp_path / f"{k}.jpg", quality=90)
        channel = load_path(str(tmp_path / f"{k}.jpg")).meta["channel"]
        read = channel.get("resample_history")
        assert bool(read and read["fills_frame"]) != bool(channel.get("fills_frame")), channel
    alone = jpeg_alone(channel_key(load_path(str(tmp_path / "0.jpg")).meta))
    key = channel_key({"channel": {"codec": "JPEG", "tables": {0: list(alone[1][0][1])}, "fills_frame": True}})
    assert key == alone + ((FRAMED_BEFORE,) + UNREAD_FRAMING,) and resized_before(key) is None
    assert "no resize read" in describe(key)
    placement = {d.name: d for d in channel_detectors(detectors, profile, key)[0]}["placement"]
    assert [words.split(",")[0] for words, _ in placement.parts_] == [
        "through the JPEG alone", "framed as a collection of 16 x 16 pictures frames its figures"]


def test_a_16_bit_png_widened_from_8_bits_is_read_as_the_8_bit_picture_it_holds(tmp_path):
    # A tool that widens an 8-bit picture to 16 bits multiplies each value by 257: the enlargement is read as from the
    # 8-bit file (before: no reading, and 96 of 100 untouched USPS digits so saved were labelled generated).
    digit = np.rint(usps_like(load_spec("builtin:mnist[9000:9001]").x)[0, 0] * 255).astype(np.uint8)
    Image.fromarray(digit).save(tmp_path / "eight.png")
    Image.fromarray(digit.astype(np.uint16) * 257).save(tmp_path / "sixteen.png")
    eight, sixteen = (load_path(str(tmp_path / n)).meta for n in ("eight.png", "sixteen.png"))
    assert sixteen["bit_depth"] == 16 and sixteen["channel"] == eight["channel"]
    assert channel_key(sixteen) == channel_key(eight) and fills_frame(channel_key(sixteen))
    # Off the 8-bit grid the 16 bits are the file's own: nothing is read from an 8-bit picture it does not hold.
    Image.fromarray(np.where(digit > 0, digit.astype(np.uint16) * 257 - 1, 0).astype(np.uint16)).save(tmp_path / "deep.png")
    assert load_path(str(tmp_path / "deep.png")).meta["channel"] == {"codec": "PNG", "lossy": False}


def test_real_digits_of_a_16_pixel_collection_through_lossy_webp_are_judged_framed_then_through_it(tmp_path, case):
    # Untouched USPS digits enlarged with bilinear then WebP 50-95 were 90-93 of 100 labelled generated against the
    # reference through WebP alone (forty-first pass): a lossy WebP whose figure fills its frame is judged also against
    # the reference framed as a 16 x 16 collection frames its figures, enlarged, then through WebP.
    from engine.detectors.channel_media import webp_images

    profile, detectors, held = case
    x = usps_like(held)
    Image.fromarray(np.rint(x[0, 0] * 255).astype(np.uint8)).save(tmp_path / "u.webp", quality=80)
    key = channel_key(load_path(str(tmp_path / "u.webp")).meta)
    quality = webp_quality(key)  # estimated from the file (engine/data/webp_quality.py)
    assert abs(quality - 80) <= 10 and key == ("WebP lossy", (WEBP_QUALITY, quality), (FRAMED_BEFORE,) + UNREAD_FRAMING)
    assert jpeg_alone(key) == ("WebP lossy", (WEBP_QUALITY, quality))
    assert "through the lossy WebP alone" in describe(key)
    Image.fromarray(np.rint(held[0, 0] * 255).astype(np.uint8)).save(tmp_path / "m.webp", quality=80)
    own = channel_key(load_path(str(tmp_path / "m.webp")).meta)
    assert own[0] == "WebP lossy" and not jpeg_befores(own)  # MNIST's own framing: through the codec alone
    placement = {d.name: d for d in channel_detectors(detectors, profile, key)[0]}["placement"]
    assert [words.split(",")[0] for words, _ in placement.parts_] == [
        "through the lossy WebP alone", "framed as a collection of 16 x 16 pictures frames its figures"]
    x = webp_images(x, quality)
    alone = channel_detectors(detectors, profile, jpeg_alone(key))[0]
    framed_too = channel_detectors(detectors, profile, key)[0]
    assert np.mean(combined_image_verdicts(alone, x) <= 0.01) >= 0.5
    assert np.mean(combined_image_verdicts(framed_too, x) <= 0.01) <= 0.05
