"""An earlier lossy WebP (engine/data/webp_history.py) and a JPEG at quality 99-100 (engine/data/channels.py
fixed_point_history) read from a lossless image's pixels: real digits saved so and then as PNG are judged
through that channel; clean digits, generator-like digits and JPEG histories are not read as WebP."""
import io

import numpy as np
from PIL import Image

from engine.data import channels
from engine.data.webp_history import webp_gaps, webp_history
from engine.data.loaders import load_path
from engine.detectors.channel_keys import channel_key
from engine.detectors.channel_media import jpeg_history_tables
from engine.detectors.channel_words import describe
from tests.test_jpeg_history import decoded, digits, photo_like, smooth_strokes, through_jpeg


def through_webp(pixels, quality, grey=False):
    """A picture saved as lossy WebP by PIL and opened again (RGB, as PIL opens it; or converted to grey)."""
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="WEBP", quality=quality)
    opened = Image.open(buffer)
    return np.asarray(opened.convert("L") if grey else opened)


def test_the_gaps_are_the_levels_libwebp_decodes_no_grey_pixel_to():
    gaps = webp_gaps()
    assert len(gaps) == 33 and {4, 11, 18, 244} <= set(gaps.tolist()) and 0 not in gaps and 255 not in gaps
    ramp = np.tile(np.arange(256, dtype=np.uint8), (16, 1))
    assert not np.isin(through_webp(ramp, 100), gaps).any()  # whatever the encoder did, no grey pixel lands there
    assert np.isin(ramp, gaps).any()


def test_real_digits_through_lossy_webp_then_png_are_read_at_any_quality():
    for quality in (50, 75, 90):
        for grey in (False, True):
            found = [webp_history(through_webp(d, quality, grey)) for d in digits(5300, 5310)]
            assert sum(f is not None for f in found) >= 9, (quality, grey, found)


def test_clean_generated_and_jpeg_digits_are_not_read_as_webp():
    real = digits(5320, 5340)
    rng = np.random.default_rng(3)
    hazy = [np.clip(d + rng.integers(0, 3, d.shape) * (d > 0), 0, 255).astype(np.uint8) for d in real[:5]]
    others = (list(real) + hazy + smooth_strokes(4, seed=2)
              + [decoded(through_jpeg(d, q)) for d in real[:5] for q in (50, 90, 99)]
              + [decoded(through_jpeg(d, 90, colour=True)) for d in real[:3]])
    assert [webp_history(image) for image in others] == [None] * len(others)
    colour_webp = through_webp(photo_like(64), 75)  # the chroma fills the gaps: colour is not read
    assert webp_history(colour_webp) is None
    # a clean picture that happens to miss the gaps with fewer than 32 levels between black and white is not read
    allowed = np.setdiff1d(np.arange(1, 255), webp_gaps())
    few = np.concatenate([[0, 255], allowed[::12]]).astype(np.uint8)
    assert 16 <= len(few) - 2 < 32 and webp_history(np.resize(few, (28, 28))) is None
    assert webp_history(np.resize(np.concatenate([[0, 255], allowed[::6]]).astype(np.uint8), (28, 28))) is not None


def test_png_after_webp_is_judged_through_the_webp_channel_inferred_from_the_pixels(tmp_path):
    Image.fromarray(through_webp(digits(5350, 5351)[0], 80)).save(tmp_path / "d.png")
    meta = load_path(str(tmp_path / "d.png")).meta
    assert meta["channel"]["lossy"] and "webp_history" in meta["channel"]
    key = channel_key(meta)
    assert key == ("WebP lossy", "pixels") and "inferred from the pixels" in describe(key)
    Image.fromarray(digits(5350, 5351)[0]).save(tmp_path / "clean.png")
    assert channel_key(load_path(str(tmp_path / "clean.png")).meta) is None


def test_real_digits_through_jpeg_99_then_png_are_read_at_99_and_calibrated_at_98_to_99():
    found = [channels.jpeg_history(decoded(through_jpeg(d, 99))) for d in digits(5400, 5410)]
    assert sum(f is not None and f["quality"] == 99 for f in found) >= 9, found
    assert all(f["moved_ratio"] <= channels.FIXED_POINT_MAX_RATIO[99] for f in found if f)
    read = next(f for f in found if f)
    luma = channels.ijg_tables()[read["quality"]][0]
    key = ("JPEG", ((0, tuple(int(v) for v in luma)),), -1, "pixels")
    assert [t[0][1] for t in jpeg_history_tables(key)] == [tuple(int(v) for v in channels.ijg_tables()[q][0])
                                                           for q in (98, 99, 99)]
    assert "qualities 98-99" in describe(key)


def test_jpeg_100_is_read_for_part_of_the_digits_and_clean_ones_are_not():
    real = digits(5420, 5440)
    found = [channels.jpeg_history(decoded(through_jpeg(d, 100))) for d in real]
    assert sum(f is not None and f["quality"] == 100 for f in found) >= 6, found
    assert [channels.jpeg_history(d) for d in real] == [None] * len(real)


def test_a_jpeg_history_is_taken_before_the_absence_of_webp_gap_levels(monkeypatch):
    monkeypatch.setattr(channels, "webp_history", lambda values: {"gap_levels": 0, "levels": 99})
    jpeg = decoded(through_jpeg(digits(5450, 5451)[0], 90))
    found = channels.image_channel(None, "PNG", b"", jpeg)
    assert "jpeg_history" in found and "webp_history" not in found
    clean = digits(5450, 5451)[0]
    assert "webp_history" in channels.image_channel(None, "PNG", b"", clean)
    assert webp_history(clean) is None  # the reader itself, unpatched
