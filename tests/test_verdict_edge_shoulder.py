"""The edge-shoulder detector (engine/detectors/edge_shoulder.py): Fisher's statistic of shoulder's tail probability
and that of a figure's one-pixel edges (background to plateau in one grey) crowding just below the plateau, calibrated
on the reference files' own statistic, flags a saturating activation's figures, while real digits, as written,
rotated, rescaled or shifted with interpolation, or through JPEG (recalibrated), pass; a case made before has none."""
import numpy as np
import pytest

from engine.data.specs import load_spec
from engine.detectors import calibration, edge_shoulder, resampling, suite
from engine.detectors.batch import Reference
from engine.detectors.profile import build_profile, cross_fitted, item_groups
from engine.detectors.shoulder import Shoulder
from engine.detectors.shoulder_placement import fisher
from tests import synthetic_images
from tests.detector_checks import judged, recalibrated_through_jpeg
from tests.test_verdict_shoulder import saturated

SHARE = 0.001  # about one image detector's share of alpha = 1 %


@pytest.fixture(scope="module")
def digits():
    """(the detector, shoulder, the profile arrays) fitted as a profile fits them on 400 MNIST digits, and held-out
    ones."""
    ref = load_spec("builtin:mnist[0:400]")
    groups, n = item_groups(ref.items, ref.n)
    reference, arrays = Reference(ref, groups), {}
    for kind in (Shoulder, edge_shoulder.EdgeShoulder):
        arrays.update(kind.fit(reference, groups, n, cross_fitted))
    return edge_shoulder.EdgeShoulder(arrays), Shoulder(arrays), arrays, load_spec("builtin:mnist[9000:9040]").x


def test_the_edges_reading_is_the_binomial_z_of_their_distinct_values_in_the_shoulder():
    image = np.zeros((1, 1, 8, 8))
    image[0, 0, :, 3:5] = 1.0  # a vertical stroke's plateau
    image[0, 0, :4, 2] = 0.9  # its left edge: one value in the shoulder, repeated down four rows
    image[0, 0, 4:, 2] = 0.4  # then another, below it
    image[0, 0, 0, 5] = 0.3  # right edge: two distinct values below the shoulder ...
    image[0, 0, 1, 5] = 0.5
    image[0, 0, 2, 5:7] = 0.9  # ... and a two-pixel climb, which is no edge
    n, k = edge_shoulder.edge_counts(image)
    assert (int(n[0]), int(k[0])) == (4, 1)
    expected = (1 - edge_shoulder.SHARE * 4) / np.sqrt(edge_shoulder.SHARE * (1 - edge_shoulder.SHARE) * 4
                                                        + edge_shoulder.ROOM)
    assert edge_shoulder.edges_z(image)[0] == pytest.approx(expected)
    assert edge_shoulder.edges_z(np.zeros((1, 1, 5, 5)))[0] == pytest.approx(0.0)  # no edges
    assert edge_shoulder.edges_z(np.repeat(image, 3, axis=1))[0] == pytest.approx(expected)  # channels averaged


def test_the_score_is_fishers_statistic_of_shoulders_and_the_edges_tail_probabilities(digits):
    detector, shoulder, arrays, real = digits
    assert arrays["cal_edges"].shape == (5, 400)  # the files and, apart, their four kinds of copies
    assert arrays["cal_edge_shoulder"].shape == (400,)  # the files' own statistic
    batch, scores, _ = judged(detector, real[:20])
    p_shoulder = calibration.tail_probability(shoulder.tail, shoulder.scores(batch))
    p_edges = calibration.tail_probability(resampling.tail(arrays["cal_edges"]), edge_shoulder.edges_z(real[:20]))
    assert np.allclose(scores, fisher(p_shoulder, p_edges))


def test_a_saturating_activations_figures_are_flagged(digits):
    detector, _, _, real = digits
    batch, scores, p = judged(detector, saturated(real))
    assert np.mean(p < SHARE) >= 0.5
    flagged = int(np.argmin(p))
    reason = detector.reason(batch, flagged, scores[flagged], p[flagged])
    assert "one-pixel edge values lie just below the strokes' plateau" in reason and "beyond every reference" in reason


def test_real_digits_as_written_or_resampled_pass(digits):
    detector, *_, real = digits
    resamplings = {"as written": real, "rotated, bilinear": synthetic_images.rotate(real, 10),
                   "cubic spline": synthetic_images.random_similarity(real, 10, 0.12, order=3),
                   "scaled, bilinear": synthetic_images.rescale(real, 1.1),
                   "shifted by a fraction of a pixel": synthetic_images.shifted(real)}
    lowest = {name: float(judged(detector, x)[2].min()) for name, x in resamplings.items()}
    assert all(p > SHARE for p in lowest.values()), lowest


def test_under_jpeg_it_is_recalibrated_on_the_channelled_reference():
    clean, channelled, p = recalibrated_through_jpeg("edge-shoulder")
    assert not np.array_equal(channelled.tail["sorted"], clean.tail["sorted"])
    assert np.all(p > 0.01)


def test_a_case_made_before_has_no_edge_shoulder():
    profile = build_profile(load_spec("builtin:mnist[0:200]"))
    assert "cal_edge_shoulder" in profile and "cal_edges" in profile
    before = {k: v for k, v in profile.items() if k not in ("cal_edges", "cal_edge_shoulder")}
    names = [d.name for d in suite.profile_detectors(before)]
    assert "shoulder" in names and "edge-shoulder" not in names


def test_each_files_reason_reuses_the_batchs_readings(digits, monkeypatch):
    """The verdict asks every file's reason of the same batch: the batch's readings are made once, not once per file
    (which made a batch's reasons grow with the square of its files)."""
    detector, *_, real = digits
    batch, scores, p = judged(detector, real[:10])
    calls = []
    monkeypatch.setattr(edge_shoulder, "edges_z", lambda x, read=edge_shoulder.edges_z: calls.append(1) or read(x))
    reasons = [detector.reason(batch, g, float(scores[g]), float(p[g])) for g in range(10)]
    assert len(calls) == 0 and all("edge shoulder" in r for r in reasons)  # judged already read this batch
    fresh = judged(detector, real[:10])[0]  # a new batch: read once, for its scores and every reason
    for g in range(10):
        detector.reason(fresh, g, 1.0, 0.5)
    assert len(calls) == 1
