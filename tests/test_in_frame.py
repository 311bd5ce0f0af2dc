"""A figure resampled within its frame, read from its soft edges (engine/data/in_frame.py), is judged also against the
reference resampled so: MNIST's box and centring, which a rotation, a rescale or a sub-pixel shift with interpolation
moves, no longer call a real digit generated; a crisp figure, and any figure's other traits, are judged as before."""
import numpy as np
import pytest
from PIL import Image

from engine.data import in_frame
from engine.data.loaders import load_path
from engine.data.specs import load_spec
from engine.detectors.channel_keys import BOX_FRAMED, IN_FRAME, ORIENTED, channel_key
from engine.detectors.channel_words import describe
from engine.detectors.channels import NoiseUnion, channel_detectors
from engine.verdict import readings
from tests.detector_checks import combined_image_verdicts


def pil_edited(pictures, edit, seed=3):
    """8-bit pictures (n, h, w) in [0, 1] each rotated by up to 8 degrees or shifted by up to half a pixel by Pillow,
    bilinear (its own angle or shift, drawn from `seed`), back in [0, 1]."""
    rng = np.random.default_rng(seed)
    out = []
    for p in np.rint(pictures * 255).astype(np.uint8):
        image = Image.fromarray(p)
        if edit == "rotated":
            image = image.rotate(float(rng.uniform(-8, 8)), resample=Image.BILINEAR)
        else:
            dx, dy = rng.uniform(-0.5, 0.5, 2)
            image = image.transform(image.size, Image.AFFINE, (1, 0, -dx, 0, 1, -dy), resample=Image.BILINEAR)
        out.append(np.asarray(image) / 255.0)
    return np.stack(out)


@pytest.fixture(scope="module")
def held():
    return np.rint(load_spec("builtin:mnist[9000:9100]").x[:, 0].astype(np.float64) * 255) / 255


def test_resampled_real_digits_read_soft_and_most_as_written_do_not(held):
    as_written = np.array([in_frame.sharpness(p) for p in held])
    for edit in ("rotated", "shifted"):
        edited = np.array([in_frame.sharpness(p) for p in pil_edited(held, edit)])
        assert np.mean(edited < in_frame.SOFT) >= 0.7, edit
        assert np.median(edited) < np.median(as_written) - 0.01, edit
    assert np.mean(as_written < in_frame.SOFT) <= 0.6  # soft as written too: read so, only more cautious
    crisp = np.zeros((28, 28))
    crisp[4:24, 12:16] = 1.0  # a bar drawn with hard edges
    assert in_frame.sharpness(crisp) > in_frame.SOFT
    assert in_frame.sharpness(np.zeros((28, 28))) == np.inf


def test_a_soft_figure_is_read_as_resampled_by_its_halved_steps_or_its_kept_plateau(held):
    """Bilinear halves an edge's steep steps; Pillow's bicubic keeps them but clips its overshoot at white, keeping the
    ink's plateau; a soft figure with steep steps and no plateau (a VAE's) is not read."""
    shifted = pil_edited(held, "shifted")
    assert np.mean([in_frame.steep_share(p) < in_frame.FEW_STEEP for p in shifted]) >= 0.6
    rng = np.random.default_rng(4)
    bicubic = [np.asarray(Image.fromarray(np.rint(p * 255).astype(np.uint8)).rotate(
        float(rng.uniform(-8, 8)), resample=Image.BICUBIC)) / 255.0 for p in held]
    assert np.mean([in_frame.saturated_share(p) > in_frame.SATURATED for p in bicubic]) >= 0.8
    def dimmed(p):
        return np.rint(p * 0.95 * 255) / 255

    soft = [p for p in held if in_frame.sharpness(p) < in_frame.SOFT  # MNIST's own plateau; steep steps, dimmed too
            and in_frame.saturated_share(p) > in_frame.SATURATED
            and in_frame.steep_share(dimmed(p)) >= in_frame.FEW_STEEP]
    assert len(soft) >= 10 and all(in_frame.resampled(p) for p in soft)  # read: only more cautious
    assert not any(in_frame.resampled(dimmed(p)) for p in soft)  # its plateau dimmed, its steps steep: not read


def haloed(picture):
    """A picture with a decoder's faint halo: 2 of 255 wherever it is blank four pixels or more from its ink."""
    far = np.ones_like(picture, dtype=bool)
    for y, x in zip(*np.nonzero(picture > 0.3)):
        far[max(y - 3, 0):y + 4, max(x - 3, 0):x + 4] = False
    return np.where(far & (picture == 0), 2 / 255, picture)


def test_a_resample_leaves_no_halo_and_a_haloed_soft_file_is_judged_as_written(tmp_path, held):
    """A resample moves a value at most its kernel's reach, so resampled real digits keep next to no faint value three
    pixels from their ink; a soft lossless figure with a VAE's faint halo is judged as written, a JPEG file is read."""
    rng = np.random.default_rng(5)
    bicubic = [np.asarray(Image.fromarray(np.rint(p * 255).astype(np.uint8)).rotate(
        float(rng.uniform(-8, 8)), resample=Image.BICUBIC)) / 255.0 for p in held]
    for pictures in (pil_edited(held, "rotated"), pil_edited(held, "shifted"), bicubic):
        assert all(in_frame.halo(p) <= in_frame.HALO for p in pictures)
    soft = next(p for p in pil_edited(held[:20], "rotated") if in_frame.resampled(p))
    faint = haloed(soft)
    assert in_frame.resampled(faint) and in_frame.halo(faint) > in_frame.HALO
    assert in_frame.halo(soft) <= in_frame.HALO
    for name, picture, read in (("soft.png", soft, True), ("faint.png", faint, False), ("faint.jpg", faint, True)):
        path = tmp_path / name
        Image.fromarray(np.rint(picture * 255).astype(np.uint8), "L").save(path, **(
            {"quality": 95} if name.endswith("jpg") else {}))
        samples = in_frame.read(load_path(str(path)), True)
        assert ("in_frame" in samples.meta["channel"]) == read, name


def test_a_file_read_so_gets_the_key_and_the_reason(tmp_path, held):
    pictures = pil_edited(held[:20], "rotated")
    soft = next(p for p in pictures if in_frame.resampled(p))
    path = tmp_path / "rotated.png"
    Image.fromarray(np.rint(soft * 255).astype(np.uint8), "L").save(path)
    samples = in_frame.read(load_path(str(path)), True)
    channel = samples.meta["channel"]
    assert channel["in_frame"]["sharpness"] < in_frame.SOFT
    key = channel_key(samples.meta)
    base = channel_key({"channel": {k: v for k, v in channel.items() if k != "in_frame"}})
    assert key == ((IN_FRAME,) if base is None else base + ((IN_FRAME,),))
    assert channel_key({"channel": {"codec": "PNG", "lossy": False, "box_framed": 22, "in_frame": {}}}) == (
        BOX_FRAMED, 22, (IN_FRAME,))
    assert "rotated, rescaled or shifted" in describe((IN_FRAME,))
    assert any(found.startswith("resampled in its frame:") for found in readings(channel))
    assert "in_frame" not in in_frame.read(load_path(str(path)), False).meta["channel"]  # reference not on a blank
    crisp = next(p for p in held if not in_frame.resampled(p))
    as_written = tmp_path / "as_written.png"
    Image.fromarray(np.rint(crisp * 255).astype(np.uint8), "L").save(as_written)
    assert "in_frame" not in in_frame.read(load_path(str(as_written)), True).meta["channel"]


def test_a_jpeg_read_so_ends_its_jpeg_key_and_is_judged_through_the_jpeg_too(tmp_path, mnist600_profile, held):
    profile, detectors = mnist600_profile
    pictures = pil_edited(held[:20], "rotated")
    soft = next(p for p in pictures if in_frame.sharpness(p) < in_frame.SOFT - 0.01 and in_frame.resampled(p))
    path = tmp_path / "rotated.jpg"
    Image.fromarray(np.rint(soft * 255).astype(np.uint8), "L").save(path, quality=85)
    samples = in_frame.read(load_path(str(path)), True)
    key = channel_key(samples.meta)
    assert key[0] == "JPEG" and key[-1] == (IN_FRAME,)
    judging, note = channel_detectors(detectors, profile, key)
    assert "JPEG" in note and "soft" in note
    assert {d.name for d in judging if isinstance(d, NoiseUnion) and d.parts_[1][0].startswith("rotated")} == {
        "box-size", "placement", "weak-traits"}  # weak-traits reads the box and the centring too


def test_resampled_real_digits_pass_judged_also_against_the_reference_resampled_so(mnist600_profile, held):
    """box-size, placement and weak-traits (which reads both) keep their larger tail probability; the others are the
    case's own."""
    profile, detectors = mnist600_profile
    judging, note = channel_detectors(detectors, profile, (IN_FRAME,))
    assert "soft" in note
    for own, joined in zip(detectors, judging):
        assert isinstance(joined, NoiseUnion) == (own.name in ("box-size", "placement", "weak-traits")), own.name
    mirrored, _ = channel_detectors(detectors, profile, (ORIENTED, "mirrored", (IN_FRAME,)))
    assert {d.name for d in mirrored if isinstance(d, NoiseUnion) and isinstance(d.parts_[0][1], NoiseUnion)} >= {
        "box-size", "placement"}  # judged put back too, and against the resampled reference
    flagged_before = flagged_after = 0
    for edit in ("rotated", "shifted"):
        x = pil_edited(held, edit)
        x = x[[in_frame.resampled(p) for p in x]][:, None].astype(np.float32)
        flagged_before += int(np.sum(combined_image_verdicts(detectors, x) <= 0.01))
        flagged_after += int(np.sum(combined_image_verdicts(judging, x) <= 0.01))
    assert flagged_before >= 15  # box-size and placement: MNIST's box widened, its centring moved
    assert flagged_after <= 0.25 * flagged_before


def test_a_figure_far_off_centre_keeps_its_alarm_when_read_so(mnist600_profile, held):
    """A figure two pixels off MNIST's centring, as a long-trained generator places one, stays generated when read
    as resampled: a sub-pixel shift explains half a pixel, not two."""
    profile, detectors = mnist600_profile
    judging, _ = channel_detectors(detectors, profile, (IN_FRAME,))
    moved = np.roll(held[:10], 2, axis=2)[:, None].astype(np.float32)
    assert np.all(combined_image_verdicts(judging, moved) <= 0.01)
