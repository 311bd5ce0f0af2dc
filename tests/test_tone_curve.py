"""A picture whose background or stroke plateau lies off the reference's (an editor's brightness or contrast) is judged
with its tone line undone, against the reference put through the same line and back (engine/data/tone_curve.py,
engine/detectors/channel_media.py toned_images)."""
import numpy as np
import pytest
from PIL import Image, ImageEnhance

from engine.data import tone_curve
from engine.data.loaders import load_path
from engine.data.specs import load_spec
from engine.detectors.channel_keys import TONED, channel_key
from engine.detectors.channel_media import image_through
from engine.detectors.channel_words import describe
from engine.detectors.channels import channel_detectors
from engine.verdict import readings
from tests.detector_checks import combined_image_verdicts


@pytest.fixture(scope="module")
def case(mnist600_profile):
    return (*mnist600_profile, load_spec("builtin:mnist[9000:9080]").x)


def eight_bit(sample):
    return np.rint(sample[0] * 255).astype(np.uint8)


def darkened(sample, gain):
    return np.rint(eight_bit(sample) * gain).astype(np.uint8)


def test_the_reference_keeps_a_black_background_and_a_plateau_below_white(case):
    profile, _, _ = case
    tone = tone_curve.reference_tone(profile["cal_x"])
    assert tone["black"] == 0 and 250 <= tone["lowest_white"] <= tone["white"] <= 254


def test_a_reference_without_a_fixed_background_has_no_tone():
    noise = np.random.default_rng(0).random((50, 1, 28, 28)).astype(np.float32)
    assert tone_curve.reference_tone(noise) is None
    assert tone_curve.reference_tone(np.zeros((5, 3, 28, 28), np.float32)) is None  # colour


def test_unedited_digits_are_not_read_and_darkened_ones_are(case):
    profile, _, held = case
    tone = tone_curve.reference_tone(profile["cal_x"])
    assert sum(tone_curve.read_tone(eight_bit(s), tone) is not None for s in held) <= 2
    read = [tone_curve.read_tone(darkened(s, 0.8), tone) for s in held]
    assert sum(found is not None for found in read) >= 0.9 * len(held)
    assert {found for found in read if found is not None} <= {(0, w) for w in range(198, 206)}


def test_a_contrast_blend_lifts_the_background_and_is_read(case):
    profile, _, held = case
    tone = tone_curve.reference_tone(profile["cal_x"])
    blended = [np.asarray(ImageEnhance.Contrast(Image.fromarray(eight_bit(s))).enhance(0.9)) for s in held[:20]]
    read = [tone_curve.read_tone(picture, tone) for picture in blended]
    assert sum(found is not None and found[0] > 0 for found in read) >= 18


def test_undoing_the_line_gives_the_figure_back_within_the_rounding(case):
    profile, _, held = case
    tone = tone_curve.reference_tone(profile["cal_x"])
    for sample in held[:10]:
        original = eight_bit(sample).astype(int)
        edited = darkened(sample, 0.8)
        black, white = tone_curve.read_tone(edited, tone)
        back = tone_curve.undone(edited, black, white, tone)
        scale = tone["white"] / tone_curve.levels_of(original)[1]  # the plateau goes to the reference's median
        assert np.abs(back - original * scale).max() <= 2.0


def test_a_file_read_so_gets_the_tone_key_and_the_reason(tmp_path, case):
    profile, _, held = case
    path = tmp_path / "darker.png"
    Image.fromarray(darkened(held[0], 0.8), "L").save(path)
    samples = tone_curve.read(load_path(str(path)), tone_curve.reference_tone(profile["cal_x"]))
    channel = samples.meta["channel"]
    assert channel["lossy"] is True and channel["tone"]["black"] == 0
    key = channel_key(samples.meta)
    assert key[0] == TONED and key[1:3] == (0, channel["tone"]["white"]) and key[3] == 0
    assert "tone line" in describe(key) and any(found.startswith("tone:") for found in readings(channel))
    assert abs(samples.x.max() - key[4] / 255) <= 2 / 255  # the plateau back at the reference's
    jpeg = tmp_path / "darker.jpg"
    Image.fromarray(darkened(held[0], 0.8), "L").save(jpeg, quality=90)
    assert "tone" not in tone_curve.read(load_path(str(jpeg)), tone_curve.reference_tone(profile["cal_x"])).meta[
        "channel"]  # a lossy file's plateau is smeared: not read


def test_the_reference_through_the_line_and_back_has_the_files_levels(case):
    profile, _, held = case
    out = image_through(held[:20], (TONED, 3, 230, 0, 253))
    assert out.shape == held[:20].shape and out.dtype == np.float32
    assert all(tone_curve.levels_of(eight_bit(s)) == (0, 253) for s in out)


def test_real_digits_darkened_pass_judged_with_the_tone_undone(case):
    profile, detectors, held = case
    tone = tone_curve.reference_tone(profile["cal_x"])
    edited = np.stack([darkened(s, 0.75) for s in held])
    assert np.mean(combined_image_verdicts(detectors, edited[:, None] / 255.0) <= 0.01) >= 0.3  # as written
    read = [tone_curve.read_tone(picture, tone) for picture in edited]
    p = []
    for found in set(read):  # a few keys: each plateau's rounding
        key = (TONED, *found, tone["black"], tone["white"])
        back = np.stack([tone_curve.undone(picture, *found, tone) for picture, other in zip(edited, read)
                         if other == found])[:, None] / 255.0
        p.extend(combined_image_verdicts(channel_detectors(detectors, profile, key)[0], back.astype(np.float32)))
    assert len(p) == len(held) and np.mean(np.array(p) <= 0.01) <= 0.05


def test_a_16_bit_file_widened_from_8_bits_is_read_as_its_8_bit_picture(tmp_path, case):
    profile, _, held = case
    path = tmp_path / "darker16.png"
    Image.fromarray(darkened(held[0], 0.8).astype(np.uint16) * 257).save(path)  # Pillow writes mode I;16
    samples = tone_curve.read(load_path(str(path)), tone_curve.reference_tone(profile["cal_x"]))
    assert samples.meta["channel"]["tone"]["white"] == tone_curve.levels_of(darkened(held[0], 0.8))[1]


def test_one_bright_pixel_on_a_grey_field_is_no_plateau():
    field = np.full((28, 28), 128, dtype=np.int64)
    field[14, 14] = 255
    assert tone_curve.levels_of(field) is None
    field[14, 10:18] = 255  # a stroke of eight pixels
    assert tone_curve.levels_of(field) == (128, 255)


def test_a_commonest_level_well_below_the_brightest_is_no_plateau(case):
    """A dim figure re-quantised to 16 levels holds its commonest upper level far below its brightest: read as a
    plateau, undoing the line would clip its top at white and hide the grid `clean-up` reads (BELOW_TOP). A darkened
    digit's brightest value stays within a few levels of its plateau, and is still read."""
    profile, _, held = case
    tone = tone_curve.reference_tone(profile["cal_x"])
    picture = np.zeros((28, 28), dtype=np.int64)
    levels = np.arange(1, 13) * 17  # np.round(x * 15) / 15 of strokes that stop at 0.8: up to 204
    counts = [4, 6, 8, 10, 14, 20, 40, 60, 30, 16, 8, 4]  # a blurred stroke's values, commonest at 136 (8 * 17)
    picture.ravel()[:sum(counts)] = np.repeat(levels, counts)
    assert tone_curve.levels_of(picture) == (0, 136)
    assert tone_curve.read_tone(picture, tone) is None
    darkened_read = [tone_curve.read_tone(darkened(s, 0.85), tone) for s in held[:20]]
    assert sum(found is not None for found in darkened_read) >= 18


def test_a_haze_varying_about_a_lifted_level_is_no_tone_line(case):
    """A diffusion model's haze (its commonest faint value on half the picture, others about it) is not read as a lift
    and undone, where an editor's lift, alone or then rotated or rescaled within the frame, is read."""
    profile, _, held = case
    tone = tone_curve.reference_tone(profile["cal_x"])
    rng = np.random.default_rng(5)
    lifted = [Image.fromarray(np.minimum(eight_bit(s).astype(int) + 3, 255).astype(np.uint8)) for s in held[:30]]
    edited = lifted + [p.rotate(8, Image.BICUBIC) for p in lifted] + [p.resize((25, 25), Image.BICUBIC) for p in lifted]
    read = [tone_curve.read_tone(np.asarray(p, dtype=np.int64), tone) for p in edited]
    assert sum(found is not None and found[0] == 3 for found in read) >= 0.9 * sum(
        tone_curve.levels_of(np.asarray(p, dtype=np.int64)) is not None for p in edited)
    haze = [rng.choice([-1, 0, 1, 2], p=[0.08, 0.76, 0.08, 0.08], size=(28, 28)) for _ in lifted]
    hazy = [np.asarray(p, dtype=np.int64) + h * (np.asarray(p) < 16) for p, h in zip(lifted, haze)]
    assert sum(tone_curve.levels_of(p) is not None for p in hazy) >= 25  # its levels are read: the flatness decides
    assert sum(tone_curve.read_tone(p, tone) is not None for p in hazy) == 0
