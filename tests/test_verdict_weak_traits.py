"""The weak-traits detector (engine/detectors/weak_traits.py): Fisher's statistic of shoulder's, the one-pixel edges',
placement's and the box side's tail probabilities, calibrated on the reference files' own statistic, flags a
saturating activation's figures, while real digits, as written, rotated, rescaled or shifted with interpolation, or
through JPEG (recalibrated), pass; a case made before, or one whose box-size reads the wide side only, has none."""
from types import SimpleNamespace

import numpy as np
import pytest

from engine.data.specs import load_spec
from engine.detectors import box_size, calibration, suite, weak_traits
from engine.detectors.batch import Reference
from engine.detectors.box_size import BoxSize
from engine.detectors.edge_shoulder import EdgeShoulder
from engine.detectors.placement import Placement
from engine.detectors.profile import build_profile, cross_fitted, item_groups
from engine.detectors.shoulder import Shoulder
from engine.detectors.shoulder_placement import ShoulderPlacement, fisher
from tests import synthetic_images
from tests.detector_checks import judged, recalibrated_through_jpeg
from tests.test_verdict_shoulder import saturated

SHARE = 0.001  # about one image detector's share of alpha = 1 %


@pytest.fixture(scope="module")
def digits():
    """(the detector, the profile arrays) fitted as a profile fits them on 400 MNIST digits, and held-out ones."""
    ref = load_spec("builtin:mnist[0:400]")
    groups, n = item_groups(ref.items, ref.n)
    reference, arrays = Reference(ref, groups), {"modality": "image"}
    for kind in (Shoulder, Placement, ShoulderPlacement, EdgeShoulder, BoxSize, weak_traits.WeakTraits):
        arrays.update(kind.fit(reference, groups, n, cross_fitted))
    return weak_traits.WeakTraits(arrays), arrays, load_spec("builtin:mnist[9000:9040]").x


def test_the_score_is_fishers_statistic_of_the_four_readings(digits):
    detector, arrays, real = digits
    assert arrays["cal_weak_traits"].shape == (400,)  # the files' own statistic
    batch, scores, _ = judged(detector, real[:20])
    pair, edges = ShoulderPlacement(arrays), EdgeShoulder(arrays)
    p_shoulder, p_placement = pair.readings(batch)
    box = BoxSize(arrays)
    sides = box_size.longer_sides(real[:20])
    p_box = calibration.tail_probability(box.tail, box_size.rarity(sides, arrays["box_sides"]))
    assert np.allclose(scores, fisher(p_shoulder, p_placement, edges.readings(batch)[1], p_box))
    # the files' statistic holds the pair's and adds two more readings, none negative
    assert np.all(arrays["cal_weak_traits"] >= arrays["cal_shoulder_placement"] - 1e-9)
    assert np.allclose(arrays["cal_weak_traits"], weak_traits.files_statistic(arrays))


def test_a_saturating_activations_figures_are_flagged(digits):
    detector, _, real = digits
    batch, scores, p = judged(detector, saturated(real))
    assert np.mean(p < SHARE) >= 0.5
    flagged = int(np.argmin(p))
    reason = detector.reason(batch, flagged, scores[flagged], p[flagged])
    assert reason.startswith("weak traits: tail probabilities shoulder") and "beyond every reference" in reason


def test_real_digits_as_written_or_resampled_pass_unless_box_size_flags_them_alone(digits):
    """A resampled real figure whose box no reference figure spans gets box-size's floor (1/(n + 1): 0.0002 in a case
    of 5,000 files, which decides alone), so only figures of a side the reference holds must pass here."""
    detector, arrays, real = digits
    resamplings = {"as written": real, "rotated, bilinear": synthetic_images.rotate(real, 10),
                   "cubic spline": synthetic_images.random_similarity(real, 10, 0.12, order=3),
                   "shifted by a fraction of a pixel": synthetic_images.shifted(real)}
    held = np.unique(arrays["box_sides"])
    lowest = {}
    for name, x in resamplings.items():
        p = judged(detector, x)[2]
        lowest[name] = float(p[np.isin(box_size.longer_sides(x), held)].min())
        assert np.all(np.isin(box_size.longer_sides(x)[p <= SHARE], held, invert=True)), name
    assert all(p > SHARE for p in lowest.values()), lowest
    assert lowest["as written"] > 0.01


def test_under_jpeg_it_is_recalibrated_on_the_channelled_reference():
    clean, channelled, p = recalibrated_through_jpeg("weak-traits")
    assert not np.array_equal(channelled.tail["sorted"], clean.tail["sorted"])
    assert np.all(p > 0.01)


def test_a_case_made_before_or_reading_the_wide_side_only_has_none():
    profile = build_profile(load_spec("builtin:mnist[0:200]"))
    assert "cal_weak_traits" in profile
    before = {k: v for k, v in profile.items() if k != "cal_weak_traits"}
    names = [d.name for d in suite.profile_detectors(before)]
    assert "edge-shoulder" in names and "weak-traits" not in names
    wide_only = {k: v for k, v in profile.items() if k != "box_sides"}  # box-size as the forty-sixth pass read it
    names = [d.name for d in suite.profile_detectors(wide_only)]
    assert "box-size" in names and "weak-traits" not in names


def test_a_blank_or_padded_picture_is_not_read(digits):
    detector, _, real = digits
    assert detector.informative(SimpleNamespace(x=real[:1], meta={}))
    assert not detector.informative(SimpleNamespace(x=np.zeros((1, 1, 28, 28)), meta={}))  # as box-size
    assert not detector.informative(SimpleNamespace(x=real[:1], meta={"channel": {"padded": True}}))  # as placement


def test_each_files_reason_reuses_the_batchs_readings(digits, monkeypatch):
    """The verdict asks every file's reason of the same batch: the batch's readings are made once."""
    detector, _, real = digits
    batch, scores, p = judged(detector, real[:10])
    calls = []
    monkeypatch.setattr(box_size, "longer_sides", lambda x, read=box_size.longer_sides: calls.append(1) or read(x))
    reasons = [detector.reason(batch, g, float(scores[g]), float(p[g])) for g in range(10)]
    assert len(calls) == 0 and all("weak traits" in r for r in reasons)
