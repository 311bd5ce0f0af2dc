"""A decoder's halo hugging a lossless figure with nothing else read (engine/data/decoder_halo.py) has `stroke-ramp`
judged against the reference's files alone (engine/detectors/files_alone.py); faint values that lie further out, as
a dim stroke resized and back leaves them, a JPEG, or a file read otherwise keep the case's detectors."""
import copy

import numpy as np
import pytest
from PIL import Image
from scipy import ndimage

from engine.data import decoder_halo, in_frame, orientation
from engine.data.loaders import load_path
from engine.data.specs import load_spec
from engine.detectors import calibration
from engine.detectors.batch import Batch
from engine.detectors.channel_keys import DECODER_HALO, channel_key
from engine.detectors.channel_words import describe
from engine.detectors.channels import channel_detectors
from engine.verdict import read_levels, readings


@pytest.fixture(scope="module")
def held():
    return np.rint(load_spec("builtin:mnist[9600:9640]").x[:, 0].astype(np.float64) * 255) / 255


def faint_at(picture, first, last, every=3):
    """`picture` with 2 of 255 at every `every`-th blank pixel (along the diagonals) at chessboard distance `first` to
    `last` from its ink, a decoder's sparse faint fade; not a band a Lanczos resize's ringing would leave."""
    ink = picture > in_frame.INK
    near = [ndimage.binary_dilation(ink, np.ones((2 * r + 1, 2 * r + 1), bool)) for r in (first - 1, last)]
    y, x = np.indices(picture.shape)
    return np.where(near[1] & ~near[0] & (picture == 0) & ((y + x) % every == 0), 2 / 255, picture)


def saved(tmp_path, name, picture, **options):
    path = tmp_path / name
    Image.fromarray(np.rint(picture * 255).astype(np.uint8), "L").save(path, **options)
    return str(path)


def test_a_halo_hugging_the_figure_is_read_and_one_further_out_is_not(tmp_path, held):
    hugging, further = faint_at(held[0], 3, 6), faint_at(held[0], 4, 7)
    assert in_frame.halo(further) > in_frame.HALO and decoder_halo.ring(further) == 0
    assert decoder_halo.ring(hugging) >= decoder_halo.RING
    for name, picture, options, read in (("hugging.png", hugging, {}, True), ("further.png", further, {}, False),
                                         ("written.png", held[0], {}, False),
                                         ("hugging.jpg", hugging, {"quality": 95}, False)):
        samples = decoder_halo.read(load_path(saved(tmp_path, name, picture, **options)), True)
        assert ("decoder_halo" in samples.meta["channel"]) == read, name
    samples = decoder_halo.read(load_path(saved(tmp_path, "hugging.png", hugging)), True)
    channel = samples.meta["channel"]
    assert channel_key(samples.meta) == (DECODER_HALO,)
    assert "files alone" in describe((DECODER_HALO,))
    assert any(found.startswith("a decoder's halo:") for found in readings(channel))
    assert "decoder_halo" not in decoder_halo.read(load_path(saved(tmp_path, "h.png", hugging)), False).meta["channel"]
    marked = {"codec": "PNG", "lossy": False, "oriented": {"edits": ["mirrored"]}, "decoder_halo": {}}
    assert channel_key({"channel": marked}) != (DECODER_HALO,)  # read otherwise: that reading's detectors


def test_a_halo_sets_a_mirror_or_a_turn_aside(tmp_path, held):
    """A figure read as mirrored or turned keeps that reading as written (a real digit so edited), but with a
    decoder's halo hugging it is judged as written: key (DECODER_HALO,), the set-aside edits in its reason."""
    figures = orientation.reference_figures(load_spec("builtin:mnist[0:600]").x)
    edited = [np.ascontiguousarray(np.rot90(p, k)) for p in held for k in (1, 3)] + [p[:, ::-1] for p in held]
    edited = [p for p in edited if orientation.read_edits(p, figures)]
    assert len(edited) >= 10
    for k, picture in enumerate(edited[:10]):
        for name, shown, halo in ((f"e{k}.png", picture, False), (f"h{k}.png", faint_at(picture, 3, 6), True)):
            samples = read_levels(load_path(saved(tmp_path, name, shown)), None, True, figures)
            channel = samples.meta["channel"]
            assert ("oriented" in channel) != halo and ("decoder_halo" in channel) == halo, name
            if halo:
                assert channel_key(samples.meta) == (DECODER_HALO,)
                assert channel["decoder_halo"]["set_aside"] and "set aside" in decoder_halo.reason(channel)


def test_real_digits_resampled_in_the_frame_carry_no_such_halo(held):
    rng = np.random.default_rng(4)
    for p in np.rint(held * 255).astype(np.uint8):
        for resample in (Image.BILINEAR, Image.BICUBIC):
            turned = np.asarray(Image.fromarray(p).rotate(float(rng.uniform(-8, 8)), resample=resample)) / 255.0
            assert not (in_frame.halo(turned) > in_frame.HALO and decoder_halo.ring(turned) >= decoder_halo.RING)


def test_stroke_ramp_is_judged_against_the_files_alone(mnist600_profile, held):
    """The files' part of the stored union: a blurred figure's tail probability can only fall, the other detectors
    are the case's own; a case without the part keeps its detectors."""
    profile, detectors = mnist600_profile
    judging, note = channel_detectors(detectors, profile, (DECODER_HALO,))
    assert "files alone" in note
    changed = [d.name for own, d in zip(detectors, judging) if d is not own]
    assert changed == ["stroke-ramp"]
    ramp, own = (next(d for d in found if d.name == "stroke-ramp") for found in (judging, detectors))
    blurred = np.stack([ndimage.gaussian_filter(p, 0.9) for p in held])[:, None].astype(np.float32)
    batch = Batch(blurred, np.arange(len(blurred)))
    alone = calibration.tail_probability(ramp.tail, ramp.scores(batch))
    union = calibration.tail_probability(own.tail, own.scores(batch))
    assert np.all(alone <= union + 1e-12) and np.sum(alone < union) >= 5
    plain = copy.copy(own)
    plain.tail = own.tail["parts"][1]  # one tail, as a case made before the resampled copies keeps
    without = [plain if d is own else d for d in detectors]
    assert channel_detectors(without, profile, (DECODER_HALO,)) == (without, None)
