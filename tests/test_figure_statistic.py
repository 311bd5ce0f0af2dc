"""The figure-statistic base (engine/detectors/figure_statistic.py): a file's patches are averaged in
calibration as in use, the copies are a calibration apart, and a file is extreme only if it is extreme
against both the reference's files and their resampled copies."""
import numpy as np
import pytest

from engine.data.specs import load_spec
from engine.detectors import calibration, resampling
from engine.detectors.batch import Batch, Reference
from engine.detectors.figure_statistic import FigureStatistic
from engine.detectors.profile import cross_fitted


def ink_share(x):
    """Per sample: the share of its values above 0 (interpolation widens strokes, so copies score higher)."""
    return (np.asarray(x).reshape(len(x), -1) > 0).mean(axis=1)


class InkShare(FigureStatistic):
    name = "ink-share"
    arrays = ("cal_ink_share",)
    statistic = staticmethod(ink_share)
    method = "share of values above 0"


@pytest.fixture(scope="module")
def fitted():
    ref = load_spec("builtin:mnist[0:40]")
    groups = np.arange(ref.n) // 2  # two patches a file
    arrays = InkShare.fit(Reference(ref, groups), groups, ref.n // 2, cross_fitted)
    return InkShare(arrays), arrays, ref.x, groups


def test_rows_are_the_files_and_apart_their_resampled_copies(fitted):
    detector, arrays, x, groups = fitted
    rows = arrays["cal_ink_share"]
    assert rows.shape == (1 + len(resampling.RESAMPLINGS), 20)
    np.testing.assert_allclose(rows[0], detector.scores(Batch(x, groups)))  # a file's patches averaged
    np.testing.assert_allclose(rows[0], ink_share(x).reshape(20, 2).mean(axis=1))
    files, copies = detector.calibrations()
    assert files.size == 20 and copies.size == 20 * len(resampling.RESAMPLINGS)
    assert np.median(copies) > np.median(files)


def test_extreme_only_against_both(fitted):
    detector, arrays, _, _ = fitted
    files, copies = arrays["cal_ink_share"][0], arrays["cal_ink_share"][1:].ravel()
    between = (files.max() + copies.max()) / 2  # beyond every reference file, not beyond every copy
    p, p_files, p_copies = (calibration.tail_probability(model, [between])[0] for model in
                            (detector.tail, calibration.tail_model(files), calibration.tail_model(copies)))
    assert p_files < 0.05 < p_copies and p == p_copies


def test_a_profile_without_copies_is_one_population(fitted):
    _, arrays, _, _ = fitted
    old = InkShare({"cal_ink_share": arrays["cal_ink_share"][0]})  # a case made before, a channel's recalibration
    files, copies = old.calibrations()
    assert copies is None and "parts" not in old.tail
    np.testing.assert_array_equal(files, np.sort(arrays["cal_ink_share"][0]))


def test_a_classifier_s_real_side_gets_as_many_resampled_copies_drawn_apart_from_the_calibration_s():
    x = load_spec("builtin:mnist[0:30]").x
    doubled = resampling.with_resampled_copies(x, 255, seed=7)
    assert doubled.shape == (60,) + x.shape[1:] and doubled.dtype == np.float32
    np.testing.assert_array_equal(doubled[:30], x)  # the real images as they are, then their copies
    copies = doubled[30:]
    np.testing.assert_allclose(copies * 255, np.rint(copies * 255), atol=1e-4)  # on the reference's grid
    assert not any(np.array_equal(copy, image) for copy in copies for image in x)  # interpolated, new values
    calibration_copies, _ = resampling.resampled_copies(x, 255)
    assert not any(np.array_equal(copy, c) for copy in copies for c in calibration_copies)
    np.testing.assert_array_equal(doubled, resampling.with_resampled_copies(x, 255, seed=7))
