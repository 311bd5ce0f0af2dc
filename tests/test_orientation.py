"""A figure mirrored or turned a quarter, read from its shape against the reference's figures
(engine/data/orientation.py), is judged as it is and put back: MNIST's centring, which a mirror or a turn moves a
pixel, no longer calls a real digit generated; an unedited figure is judged as before."""
import numpy as np
import pytest
from PIL import Image

from engine.data import orientation
from engine.data.loaders import load_path
from engine.data.specs import load_spec
from engine.detectors.channel_keys import ORIENTED, channel_key
from engine.detectors.channel_words import describe
from engine.detectors.channels import channel_detectors
from engine.verdict import readings
from tests.detector_checks import combined_image_verdicts

EDITED = {"mirrored": lambda p: p[:, ::-1], "turned a quarter clockwise": lambda p: np.rot90(p, -1),
          "turned a quarter anticlockwise": lambda p: np.rot90(p, 1)}


@pytest.fixture(scope="module")
def case(mnist600_profile):
    profile, detectors = mnist600_profile
    held = load_spec("builtin:mnist[9000:9080]").x[:, 0].astype(np.float64)
    return profile, detectors, held, orientation.reference_figures(profile["cal_x"])


def test_putting_back_undoes_each_edit(case):
    _, _, held, _ = case
    for edit, made in EDITED.items():
        edited = np.stack([made(p) for p in held[:3]])[:, None]
        np.testing.assert_array_equal(orientation.put_back(edited, edit), held[:3, None])


def test_edited_figures_are_read_with_their_edit_and_most_unedited_ones_are_not(case):
    _, _, held, figures = case
    for edit, made in EDITED.items():
        read = [orientation.read_edits(np.ascontiguousarray(made(p)), figures) for p in held]
        assert np.mean([edit in found for found in read]) >= 0.6, edit  # against a 600-digit case's figures
    assert np.mean([orientation.read_edits(p, figures) == () for p in held]) >= 0.7


def test_a_file_read_so_gets_the_key_and_the_reason(tmp_path, case):
    _, _, held, figures = case
    picture = next(p for p in held if "mirrored" in orientation.read_edits(np.ascontiguousarray(p[:, ::-1]), figures))
    path = tmp_path / "mirrored.png"
    Image.fromarray(np.rint(picture[:, ::-1] * 255).astype(np.uint8), "L").save(path)
    samples = orientation.read(load_path(str(path)), figures)
    edits = samples.meta["channel"]["oriented"]["edits"]
    assert "mirrored" in edits
    assert channel_key(samples.meta) == (ORIENTED, *edits)
    assert "mirrored" in describe((ORIENTED, "mirrored"))
    assert any(found.startswith("orientation:") for found in readings(samples.meta["channel"]))
    assert "oriented" not in orientation.read(load_path(str(path)), None).meta["channel"]  # no figures: not read


def test_mirrored_and_turned_real_digits_pass_judged_also_put_back_each_way_read(case):
    """Each file judged under its own key: every edit read (a quarter turn read as the other way too is put back
    both ways; put back the wrong way alone, a real figure stays a pixel off)."""
    profile, detectors, held, figures = case
    flagged_before = judged_after = 0
    for edit, made in EDITED.items():
        pictures = [np.ascontiguousarray(made(p)) for p in held]
        read = [orientation.read_edits(p, figures) for p in pictures]
        for edits in set(found for found in read if edit in found):
            x = np.stack([p for p, found in zip(pictures, read) if found == edits])[:, None].astype(np.float32)
            flagged_before += int(np.sum(combined_image_verdicts(detectors, x) <= 0.01))
            judging, note = channel_detectors(detectors, profile, (ORIENTED, *edits))
            assert edit in note
            judged_after += int(np.sum(combined_image_verdicts(judging, x) <= 0.01))
    assert flagged_before >= 20  # MNIST's centring moved a pixel: placement
    assert judged_after <= 0.1 * flagged_before


def test_an_unedited_figure_put_back_keeps_its_own_alarm(case):
    """Judged both ways, a figure off the reference's centre either way stays generated: a generator's misplaced
    figure read as mirrored is not excused by the reading."""
    profile, detectors, held, _ = case
    moved = np.roll(held[:10], 3, axis=2)[:, None].astype(np.float32)  # three pixels down: off-centre either way
    judging, _ = channel_detectors(detectors, profile, (ORIENTED, "mirrored"))
    assert np.all(combined_image_verdicts(judging, moved) <= 0.01)
