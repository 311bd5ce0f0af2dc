"""The shoulder-placement detector (engine/detectors/shoulder_placement.py): Fisher's statistic of shoulder's and
placement's tail probabilities, calibrated on the reference files' own statistic, flags a figure both a little off
the centre and saturated below its plateau, which neither detector flags alone at its share of alpha, while real
digits, as written, rotated or rescaled about the centre, or through JPEG (recalibrated), pass."""
import numpy as np
import pytest

from engine.data.specs import load_spec
from engine.detectors import calibration, resampling, suite
from engine.detectors.batch import Reference
from engine.detectors.channels import StandAside
from engine.detectors.placement import Placement
from engine.detectors.profile import build_profile, cross_fitted, item_groups
from engine.detectors.shoulder import Shoulder
from engine.detectors.shoulder_placement import ShoulderPlacement, fisher
from tests import synthetic_images
from tests.detector_checks import judged, through_jpeg
from tests.test_verdict_shoulder import saturated

SHARE = 0.001  # about one image detector's share of alpha = 1 %


@pytest.fixture(scope="module")
def digits():
    """(the detector, shoulder, placement) fitted as a profile fits them on 1,000 MNIST digits, and held-out ones."""
    ref = load_spec("builtin:mnist[0:1000]")
    groups, n = item_groups(ref.items, ref.n)
    reference, arrays = Reference(ref, groups), {}
    for kind in (Shoulder, Placement, ShoulderPlacement):
        arrays.update(kind.fit(reference, groups, n, cross_fitted))
    return (ShoulderPlacement(arrays), Shoulder(arrays), Placement(arrays), arrays,
            load_spec("builtin:mnist[9000:9200]").x)


def test_the_score_is_fishers_statistic_of_the_two_tail_probabilities(digits):
    detector, shoulder, placement, arrays, real = digits
    batch, scores, _ = judged(detector, real[:20])
    p_shoulder = calibration.tail_probability(shoulder.tail, shoulder.scores(batch))
    every_copy = resampling.tail(arrays["cal_placement"])  # placement's own leaves the shifted copies out
    p_placement = calibration.tail_probability(every_copy, placement.scores(batch))
    assert np.allclose(scores, -np.log(p_shoulder) - np.log(p_placement))
    assert fisher([0.01], [0.1])[0] == pytest.approx(-np.log(0.001))


def test_the_reference_files_calibrate_it_as_two_unrelated_tail_probabilities_would(digits):
    detector, *_ = digits
    files = detector.tail["sorted"]
    assert files.shape == (1000,)
    # -ln of two independent uniform p values: median 1.68 (the Gamma(2, 1) median), 99th percentile 6.64
    assert np.median(files) == pytest.approx(1.68, abs=0.25) and np.quantile(files, 0.99) < 8.0


def shifted(x, rows):
    """Each digit moved down by whole pixels, as a generator places its figure off MNIST's centring."""
    return np.roll(np.asarray(x), rows, axis=-2)


def test_a_saturated_figure_a_pixel_off_the_centre_is_flagged_where_neither_detector_alone_flags_it(digits):
    detector, shoulder, placement, _, real = digits
    x = shifted(saturated(real, centre=0.6), 1)
    batch, _, p = judged(detector, x)
    alone = [calibration.tail_probability(d.tail, d.scores(batch)) for d in (shoulder, placement)]
    flagged = p < SHARE
    assert np.sum(flagged & (alone[0] > SHARE) & (alone[1] > SHARE)) >= 10
    g = int(np.argmin(p))
    assert "shoulder's tail probability" in detector.reason(batch, g, float(judged(detector, x)[1][g]), float(p[g]))


@pytest.mark.parametrize("resample", [lambda x: x, lambda x: synthetic_images.rotate(x, 10),
                                      lambda x: synthetic_images.random_similarity(x, 0, 0.12),
                                      lambda x: synthetic_images.random_similarity(x, 10, 0.12, order=3),
                                      synthetic_images.shifted],
                         ids=["as-written", "rotated-bilinear", "scaled-bilinear", "cubic-spline", "shifted-subpixel"])
def test_real_digits_as_written_resampled_or_shifted_by_a_fraction_of_a_pixel_pass(digits, resample):
    """Placement's tail against every copy, the shifted ones too: a sub-pixel shift leans on placement, and with
    shoulder's chance lean a pair calibrated as placement alone flagged such real digits."""
    detector, *_, real = digits
    _, _, p = judged(detector, resample(real))
    assert np.mean(p < SHARE) <= 0.01


def test_under_jpeg_it_is_recalibrated_on_the_channelled_reference():
    clean, judging, x = through_jpeg()
    assert "shoulder-placement" in clean
    channelled = judging["shoulder-placement"]
    assert not isinstance(channelled, StandAside)
    assert channelled.tail["sorted"].shape == judging["shoulder"].tail["sorted"].shape  # the channelled files
    _, _, p = judged(channelled, x)
    assert np.all(p > 0.01)


def test_a_case_made_before_has_no_shoulder_placement():
    profile = build_profile(load_spec("builtin:mnist[0:200]"))
    before = {k: v for k, v in profile.items() if k != "cal_shoulder_placement"}
    names = [d.name for d in suite.profile_detectors(before)]
    assert "shoulder" in names and "placement" in names and "shoulder-placement" not in names


def test_each_files_reason_reuses_the_batchs_readings(digits, monkeypatch):
    """The verdict asks every file's reason of the same batch: placement and shoulder read it once, not per file."""
    detector, *_, real = digits
    batch, scores, p = judged(detector, real[:10])
    calls = []
    read = type(detector.placement).scores
    monkeypatch.setattr(type(detector.placement), "scores", lambda self, b: calls.append(1) or read(self, b))
    for g in range(10):
        assert "shoulder-placement" in detector.reason(batch, g, float(scores[g]), float(p[g]))
    assert calls == []  # judged already read this batch
