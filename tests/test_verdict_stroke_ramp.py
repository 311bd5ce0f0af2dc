"""The stroke-ramp detector (engine/detectors/stroke_ramp.py) and the resampled copies of the
reference it is calibrated on (engine/detectors/resampling.py): blurred, cleaned-up figures are
flagged, real digits pass, also when they were rotated, rescaled, shifted with interpolation or
resized through a larger size with a box or nearest filter on the way, and the invariances it claims."""
import numpy as np
import pytest

from engine.data.specs import load_spec
from engine.detectors import calibration, resampling, stroke_ramp, suite
from engine.detectors.batch import Reference
from engine.detectors.profile import cross_fitted, item_groups
from tests import synthetic_images
from tests.detector_checks import fitted_on_digits, judged


@pytest.fixture(scope="module")
def digits():
    return fitted_on_digits(stroke_ramp.StrokeRamp, "builtin:mnist[0:600]", "builtin:mnist[9000:9100]")



def test_calibrated_on_the_files_and_apart_on_their_resampled_copies(digits):
    detector, arrays, _ = digits
    assert arrays["cal_stroke_ramp"].shape == (1 + len(resampling.RESAMPLINGS), 600)
    assert [part["sorted"].size for part in detector.tail["parts"]] == [600, 600 * len(resampling.RESAMPLINGS)]
    # resampling widens the ramps a little: the copies' calibration reaches further
    clean, copies = arrays["cal_stroke_ramp"][0], arrays["cal_stroke_ramp"][1:]
    assert np.median(copies) > np.median(clean)


def test_real_digits_pass_and_blurred_cleaned_ones_are_flagged(digits):
    detector, _, held = digits
    _, _, p_real = judged(detector, synthetic_images.as_png(held))
    assert np.mean(p_real <= 0.01) <= 0.03, p_real
    batch, scores, p_fake = judged(detector, synthetic_images.blurred_cleaned(held))
    assert np.mean(p_fake <= 0.01) >= 0.9, (scores, p_fake)
    worst = int(np.argmax(scores))
    assert "several pixels before their crest" in detector.reason(batch, worst, scores[worst], p_fake[worst])
    cleaned = synthetic_images.blurred_cleaned(held)  # the clean-up erased the faint values: nothing in (0, 0.05)
    assert not np.any((cleaned > 0) & (cleaned < 0.05))


@pytest.mark.parametrize("resample", [
    lambda x: synthetic_images.rotate(x, 8),
    lambda x: synthetic_images.rescale(x, 0.9),
    lambda x: synthetic_images.rescale(x, 1.1),
    lambda x: synthetic_images.shifted(x),
    lambda x: synthetic_images.resized_through(x, 36, "bicubic"),
], ids=["rotated-bilinear", "scaled-0.9", "scaled-1.1", "sub-pixel-shift", "through-36-bicubic"])
def test_resampled_real_digits_pass(digits, resample):
    detector, _, held = digits
    _, scores, p = judged(detector, resample(held))
    assert np.mean(p <= 0.01) <= 0.03, (scores, p)


def test_binarised_digits_have_no_ramp_and_score_the_cap(digits):
    detector, _, held = digits
    batch, scores, p = judged(detector, synthetic_images.binarise(held))
    np.testing.assert_array_equal(scores, stroke_ramp.MAX_WIDTH)
    assert np.all(p <= 0.01)
    assert "no dim ink at all" in detector.reason(batch, 0, scores[0], p[0])


def test_ramp_does_not_change_with_contrast_shift_or_mirror(digits):
    _, _, held = digits
    x = synthetic_images.as_png(held)
    ramp = stroke_ramp.stroke_ramp(x)
    np.testing.assert_allclose(stroke_ramp.stroke_ramp(x * 0.8), ramp, atol=1e-12)  # a darker scan
    np.testing.assert_allclose(stroke_ramp.stroke_ramp(x[..., ::-1]), ramp, atol=1e-12)
    shifted = np.roll(x, (1, -1), axis=(2, 3))  # MNIST digits have a blank border
    np.testing.assert_allclose(stroke_ramp.stroke_ramp(shifted), ramp, atol=1e-12)


def test_crest_is_found_on_a_wide_dim_stroke():
    # one stroke, bright on the left, dim on the right: both halves have their own crest
    image = np.zeros((1, 1, 12, 12))
    image[0, 0, 2:10, 3] = 1.0
    image[0, 0, 2:10, 8] = 0.75
    image[0, 0, 2:10, [2, 4]] = 0.3
    image[0, 0, 2:10, [7, 9]] = 0.3
    assert stroke_ramp.stroke_ramp(image)[0] == pytest.approx(1.0)


def test_left_out_without_a_blank_background():
    ref = load_spec("builtin:fsdd[0:10]")
    groups, n = item_groups(ref.items, ref.n)
    assert stroke_ramp.StrokeRamp.fit(Reference(ref, groups), groups, n, cross_fitted) == {}


def test_resampled_copies_are_reproducible_on_the_grid_and_differ_from_the_files():
    x = load_spec("builtin:mnist[0:20]").x
    copies, kinds = resampling.resampled_copies(x, 255)
    again, _ = resampling.resampled_copies(x, 255)
    assert copies.shape == (20 * len(resampling.RESAMPLINGS), 1, 28, 28)
    np.testing.assert_array_equal(kinds, np.repeat(np.arange(len(resampling.RESAMPLINGS)), 20))
    np.testing.assert_array_equal(copies, again)
    np.testing.assert_allclose(copies * 255, np.rint(copies * 255), atol=1e-4)
    assert copies.min() >= 0 and copies.max() <= 1
    for k in range(len(resampling.RESAMPLINGS)):  # interpolation made new values in (nearly) every copy
        assert np.mean(np.any(np.abs(copies[kinds == k] - x) > 1e-3, axis=(1, 2, 3))) >= 0.9, k


def test_union_tail_is_the_larger_tail_probability_of_its_parts():
    rng = np.random.default_rng(0)
    narrow, wide = rng.normal(0, 1, 500), rng.normal(1, 2, 2000)
    model = calibration.union_tail_model([narrow, wide])
    parts = [calibration.tail_model(narrow), calibration.tail_model(wide)]
    s = np.linspace(-3, 15, 50)
    np.testing.assert_allclose(calibration.tail_probability(model, s),
                               np.maximum(*[calibration.tail_probability(m, s) for m in parts]))
    assert calibration.score_threshold(model, 0.001) == pytest.approx(
        max(calibration.score_threshold(m, 0.001) for m in parts))
    assert model["sorted"].size == 2500
    assert resampling.tail(np.stack([narrow[:400], wide[:400]]))["parts"][1]["sorted"].size == 400
    assert "parts" not in resampling.tail(narrow)  # a case made before: one population


@pytest.fixture(scope="module")
def profile_detectors():
    from engine.detectors.profile import build_profile

    return suite.profile_detectors(build_profile(load_spec("builtin:mnist[0:1000]")))


def combined_labels(detectors, x):
    """Labels by the case's profile detectors and the weighted Bonferroni rule (grid stands aside: PNGs)."""
    batch = suite.Batch(x, np.arange(len(x)))
    p = np.stack([calibration.tail_probability(d.tail, d.scores(batch)) for d in detectors], axis=1)
    weights = suite.weights(detectors, 0.01, [d.name != "grid" for d in detectors])
    return [calibration.label_for(calibration.combine(row, weights)[0]) for row in p]


@pytest.mark.parametrize("resample, in_frame", [
    (lambda x: synthetic_images.rotate(x, 8), True),
    (lambda x: synthetic_images.random_similarity(x, 0, 0.12), True),  # about the centre (below)
    (lambda x: synthetic_images.resized_through(x, 34, "bicubic"), False),  # an editor's bicubic (Keys)
    (lambda x: synthetic_images.resized_through(x, 56, "box"), False),
    (lambda x: synthetic_images.resized_through(x, 34, "nearest"), False),
], ids=["rotated-bilinear", "rescaled", "through-34-bicubic", "through-56-box", "through-34-nearest"])
def test_the_case_passes_resampled_real_digits(profile_detectors, resample, in_frame):
    """Before 2026-12-01 these were 11-100 % "generated" (docs/verdicts.md, "Images, second pass").
    Interpolation that rings (Lanczos, scipy's cubic spline) is not covered: calibrated on it, `features`
    let most of an unregistered DCGAN's digits pass ("Limits"). A figure rotated or rescaled within its frame
    leaves MNIST's 20-pixel box, which box-size does not forgive (its stated limit): there the detectors
    calibrated on the resampled copies are judged without it and without weak-traits, which reads the box too (a
    verdict joins both with the reference so resampled where it reads the resample: channels.IN_FRAME_READ). Rescaled about the picture's centre:
    synthetic_images.rescale crops its zoom half a pixel off centre, a shift by a fraction of a pixel, which
    `placement` reads as MNIST's centring broken (its stated limit)."""
    held = load_spec("builtin:mnist[9000:9100]").x
    detectors = [d for d in profile_detectors if not in_frame or d.name not in ("box-size", "weak-traits")]
    labels = combined_labels(detectors, resample(held))
    assert labels.count("generated") <= 3, labels


def test_the_case_still_flags_blurred_cleaned_digits(profile_detectors):
    held = load_spec("builtin:mnist[9000:9100]").x
    assert combined_labels(profile_detectors, synthetic_images.blurred_cleaned(held)).count("generated") >= 90


def test_the_logistic_regression_learns_resampled_real_digits_as_real():
    """Fitted against blurred, cleaned-up figures alone, a logistic regression reads a real digit's
    interpolated edges as blur; with the reference's resampled copies on the real side and calibrated
    apart on them, it passes rotated real digits and still flags blurred ones."""
    from engine.detectors.learned import fit_logistic_with_resampled
    from engine.detectors.logistic import LogisticFeatures
    from engine.detectors.profile import build_profile

    profile = build_profile(load_spec("builtin:mnist[0:500]"))
    assert profile["features_resampled"].shape == (500 * len(resampling.RESAMPLINGS), len(profile["feature_names"]))
    fakes = synthetic_images.blurred_cleaned(load_spec("builtin:mnist[1000:1500]").x)
    fake_inputs = np.concatenate([suite.Batch(fakes, np.arange(500)).features,
                                  suite.Batch(fakes, np.arange(500)).texture(1)], axis=1)
    reference = np.concatenate([np.concatenate([profile["features_fit"], profile["features_cal"]]),
                                np.concatenate([profile["texture_fit"], profile["texture_cal"]])], axis=1)
    groups = np.concatenate([profile["fit_group"], profile["cal_group"] + int(profile["n_fit_files"])])
    model = fit_logistic_with_resampled(reference, groups, fake_inputs, profile)
    assert model["cal"].shape == (1 + len(resampling.RESAMPLINGS), 500)
    detector = LogisticFeatures({**model, "texture": np.array(1)}, ["blurred"])
    held = load_spec("builtin:mnist[9000:9100]").x
    _, _, p_rotated = judged(detector, synthetic_images.rotate(held, 8))
    assert np.mean(p_rotated <= 0.01) <= 0.03, p_rotated
    _, _, p_blurred = judged(detector, synthetic_images.blurred_cleaned(held))
    assert np.mean(p_blurred <= 0.01) >= 0.9, p_blurred
