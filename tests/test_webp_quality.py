"""A lossy WebP's quality, estimated from its VP8 header and pixels (engine/data/webp_quality.py), and the channel that
passes the reference through lossy WebP at it."""
import io

import numpy as np
import pytest
from PIL import Image

from engine.data.builtins import load_builtin
from engine.data.webp_quality import QUALITY_STEP, base_quantizer, estimated_quality
from engine.detectors.channel_keys import WEBP_QUALITY, channel_key, jpeg_alone, webp_quality
from engine.detectors.channel_media import image_through


@pytest.fixture(scope="module")
def digits():
    return np.rint(load_builtin("mnist", slice(0, 12)).x[:, 0] * 255).astype(np.uint8)


def webp(picture, **options):
    buffer = io.BytesIO()
    Image.fromarray(picture).save(buffer, format="WEBP", **options)
    return buffer.getvalue()


def decoded(data):
    return np.asarray(Image.open(io.BytesIO(data)).convert("L"))


def as_loaded(data):
    """A grey lossy WebP's pixels as the loader reads them (libwebp decodes to RGB: engine/data/channels.py)."""
    from engine.data.channels import webp_grey

    return webp_grey(np.asarray(Image.open(io.BytesIO(data)).convert("RGB")))


def test_the_base_quantiser_falls_as_the_quality_rises(digits):
    found = [[base_quantizer(webp(d, quality=q)) for q in (10, 30, 50, 80, 95)] for d in digits]
    assert all(q is not None and 0 <= q <= 127 for row in found for q in row)
    assert all(np.all(np.diff(row) < 0) for row in found)


def test_a_file_without_a_lossy_key_frame_has_no_quantiser(digits):
    lossy = webp(digits[0], quality=50)
    assert base_quantizer(webp(digits[0], lossless=True)) is None
    assert base_quantizer(b"RIFF\x00\x00\x00\x00WEBPVP8 ") is None
    assert base_quantizer(lossy[:30]) is None  # the first partition cut off
    assert base_quantizer(b"not a webp at all") is None
    assert base_quantizer(lossy) is not None


@pytest.mark.parametrize("quality", [30, 80])
def test_the_quality_is_estimated_to_within_a_step(digits, quality):
    estimates = [estimated_quality(data, decoded(data)) for data in (webp(d, quality=quality) for d in digits)]
    assert all(e % QUALITY_STEP == 0 for e in estimates)
    assert np.median(np.abs(np.subtract(estimates, quality))) <= QUALITY_STEP
    assert max(np.abs(np.subtract(estimates, quality))) <= 3 * QUALITY_STEP


def test_a_lossy_webps_key_carries_its_quality_and_its_reference_passes_the_codec_at_it(tmp_path, digits):
    from engine.data.loaders import load_path

    path = tmp_path / "digit.webp"
    path.write_bytes(webp(digits[3], quality=30))
    key = channel_key(load_path(str(path)).meta)
    assert key[0] == "WebP lossy" and key[1][0] == WEBP_QUALITY and abs(webp_quality(key) - 30) <= QUALITY_STEP
    assert jpeg_alone(key) == key  # the quality is the codec's, not a reading before it
    x = digits[:4, None].astype(np.float32) / 255
    through = image_through(x, key)
    expected = np.stack([as_loaded(webp(d, quality=webp_quality(key))) for d in digits[:4]])[:, None] / 255
    np.testing.assert_allclose(through, expected, atol=1e-6)
    spread = image_through(x, ("WebP lossy",))  # without an estimate: the typical qualities in turn, as before
    assert not np.allclose(spread, through)
