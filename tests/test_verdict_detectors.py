"""Which profile detectors a case gets per modality, and the checkerboard detector."""
import numpy as np
import pytest

from engine.data.specs import load_spec
from engine.detectors import calibration, resampling, spectral, statistical, suite
from engine.detectors.checkerboard import Checkerboard
from engine.detectors.folds import CROSS_FIT_FOLDS
from engine.detectors.near_zero import NearZero
from engine.detectors.profile import build_profile, cross_fitted


@pytest.fixture(scope="module")
def mnist_profile():
    return build_profile(load_spec("builtin:mnist[0:200]"))


def checkerboard(shape):
    rows, cols = np.indices(shape[-2:])
    return np.where((rows + cols) % 2 == 0, 1.0, -1.0).astype(np.float32)


def test_nyquist_share_is_high_for_a_checkerboard_and_floored_for_a_constant():
    rows, cols = np.indices((28, 28))
    smooth = np.exp(-((rows - 14.0) ** 2 + (cols - 12.0) ** 2) / 40.0)[None, None].astype(np.float32)
    patterned = smooth + 0.05 * checkerboard(smooth.shape)
    constant = np.full_like(smooth, 0.3)
    low, high, flat = spectral.nyquist_share(np.concatenate([smooth, patterned, constant]))
    assert low < -6 and high > -2
    assert flat == pytest.approx(np.log10(spectral.FLOOR))


def test_image_case_gets_features_grid_checkerboard_faint_background_faint_speck_placement_box_size_stroke_ramp_shoulders_and_clean_up(
        mnist_profile):
    assert [d.name for d in suite.profile_detectors(mnist_profile)] == [
        "features", "grid", "checkerboard", "faint-background", "faint-speck", "placement", "box-size", "stroke-ramp",
        "shoulder", "shoulder-placement", "edge-shoulder", "weak-traits", "clean-up"]
    # The checkerboard fits nothing, so every reference file calibrates it; the feature
    # outlier model is cross-fitted, so every reference file calibrates it too, and, a row each,
    # every file's resampled copies (engine/detectors/resampling.py).
    assert mnist_profile["cal_checkerboard"].size == 200
    assert mnist_profile["cal_outlier"].shape[1] == 200


def test_features_is_calibrated_on_bilinear_copies_not_on_the_ringing_spline_copies(mnist_profile):
    # the spline's ripple reads as a generator's haze: calibrated on it, features let a DCGAN's digits pass
    linear = [row for row in resampling.RESAMPLINGS if row[-1] == 1]
    assert 0 < len(linear) < len(resampling.RESAMPLINGS)
    assert mnist_profile["cal_outlier"].shape == (1 + len(linear), 200)
    detector = suite.profile_detectors(mnist_profile)[0]
    assert detector.name == "features"
    assert [part["sorted"].size for part in detector.tail["parts"]] == [200, 200 * len(linear)]


def test_checkerboard_detector_flags_an_upsampling_pattern_and_passes_real_digits(mnist_profile):
    detector = Checkerboard(mnist_profile)
    real = load_spec("builtin:mnist[9000:9020]").x
    patterned = np.clip(real + 0.2 * checkerboard(real.shape) + 0.2, 0, 1).astype(np.float32)
    batch = suite.Batch(np.concatenate([real, patterned]), np.arange(40))
    p = calibration.tail_probability(detector.tail, detector.scores(batch))
    assert np.all(p[20:] < 1e-3)
    assert np.mean(p[:20] < 1e-3) <= 0.1
    assert "checkerboard" in detector.reason(batch, 25, float(detector.scores(batch)[25]), float(p[25]))


def test_near_zero_flags_a_smeared_background_and_passes_real_digits(mnist_profile):
    # as image cases made before faint-background hold it
    ref = load_spec("builtin:mnist[0:200]")
    detector = NearZero({**mnist_profile, **NearZero.arrays_of(statistical.feature_matrix(ref.x)[0], np.arange(200))})
    real = load_spec("builtin:mnist[9000:9020]").x
    # a generator's background: faint values in (0, 0.05) instead of exact zeros, the digit intact
    faint = np.random.default_rng(0).uniform(0.004, 0.04, real.shape).astype(np.float32)
    smeared = np.where(real == 0, faint, real)
    batch = suite.Batch(np.concatenate([real, smeared]), np.arange(40))
    p = calibration.tail_probability(detector.tail, detector.scores(batch))
    assert np.all(p[20:] < 1e-3) and np.mean(p[:20] < 1e-3) <= 0.1
    scores = detector.scores(batch)
    assert "smeared" in detector.reason(batch, 25, float(scores[25]), float(p[25]))
    typical = int(np.argmin(np.abs(scores[:20] - np.median(detector.tail["sorted"]))))
    assert "within the reference's range" in detector.reason(batch, typical, float(scores[typical]), float(p[typical]))


def test_near_zero_is_left_out_where_the_reference_has_no_point_mass_at_zero():
    # mel spectrograms: padding and silence give some exact zeros, but fewer than the faint
    # values of quiet speech around them, so there is no point mass for a generator to smear
    profile = build_profile(load_spec("builtin:fsdd[0:10]"))
    assert "cal_near_zero" not in profile
    assert [d.name for d in suite.profile_detectors(profile)] == ["features", "checkerboard", "noise-floor"]


def test_music_case_is_judged_by_its_notes_not_by_intensity_features():
    profile = build_profile(load_spec("builtin:bach[0:10]"))
    assert [d.name for d in suite.profile_detectors(profile)] == ["grid", "chroma", "durations", "tonality", "copying", "replay",
                                                                  "familiarity", "slice-familiarity", "voice-leading", "meter", "meter-shift", "sounding"]
    assert "cal_checkerboard" not in profile
    # Cross-fitted: every reference chorale calibrates the note detectors, not only the last 20%.
    assert profile["cal_chroma"].size == profile["cal_durations"].size == profile["cal_tonality"].size == 10
    assert profile["cal_copying"].size == profile["cal_voice_leading"].size == profile["cal_meter"].size == 10
    assert profile["cal_familiarity"].shape == (10, 2) and profile["cal_slice_familiarity"].shape == (10, 3)  # views


def test_cross_fitting_scores_every_file_with_a_model_that_never_saw_it():
    groups = np.repeat(np.arange(12), 3)  # 12 files of 3 patches
    seen = []

    def fit_and_score(train, held):
        assert not np.any(train & held) and np.all(train | held)
        seen.append(np.unique(groups[held]))
        return np.unique(groups[held]) * 10.0  # a file's score names the file

    scores = cross_fitted(groups, 12, fit_and_score)
    assert len(seen) == CROSS_FIT_FOLDS
    assert np.array_equal(np.sort(np.concatenate(seen)), np.arange(12))
    assert np.array_equal(scores, np.arange(12) * 10.0)


def test_texture_features_see_period_two_stripes_along_their_own_axis():
    from engine.detectors.statistical import texture_features

    rows, cols = np.indices((28, 28))
    smooth = np.exp(-((rows - 14.0) ** 2 + (cols - 12.0) ** 2) / 40.0)[None, None]
    column_stripes = smooth + 0.05 * np.where(cols % 2 == 0, 1.0, -1.0)  # alternates from column to column
    smooth_t, striped_t = texture_features(np.concatenate([smooth, column_stripes]), 1)
    assert striped_t[0] > smooth_t[0] + 3  # period-2 power along columns
    assert striped_t[1] == pytest.approx(smooth_t[1], abs=1.0)  # rows untouched
    assert striped_t[2] > smooth_t[2] + 0.5  # rougher from column to column
    assert striped_t[3] == pytest.approx(smooth_t[3], abs=0.1)


def test_speech_roughness_leaves_out_the_padding_of_a_short_recording():
    from engine.data.representations import PATCH_FRAMES, split_patches
    from engine.detectors.statistical import texture_features, texture_version_for

    rows, cols = np.indices((64, 20))
    recording = 0.4 + 0.3 * np.sin(rows / 5.0) * np.cos(cols / 4.0)  # 20 frames, smooth
    padded = split_patches(recording, PATCH_FRAMES)  # zero-padded to 32 frames, as a short recording is
    full = split_patches(np.tile(recording, (1, 2))[:, :PATCH_FRAMES], PATCH_FRAMES)
    version = texture_version_for("speech")
    assert version == 2 and texture_version_for("image") == 1
    v1, v2 = texture_features(padded, 1)[0], texture_features(padded, version)[0]
    assert v1[2] > v2[2] + 0.3  # the step into the padding looked rough along the time axis
    assert v2[2] == pytest.approx(texture_features(recording[None, None], 1)[0][2])
    assert texture_features(full, version)[0][2] == pytest.approx(texture_features(full, 1)[0][2])  # nothing to leave out


def test_gan_runs_share_one_cross_fitted_logistic_detector_fitted_on_all_of_them(tmp_path):
    from engine.case import open_case
    from engine.case_workflows import new_case, register_run
    from engine.detectors.learned import run_detectors
    from engine.jobs import JobState
    from engine.npz import load_arrays
    from engine.training_jobs import train_gan_job

    case_dir = str(tmp_path / "case")
    new_case(case_dir, "builtin:digits[0:200]")
    for seed in (0, 1):
        run = str(tmp_path / f"gan{seed}")
        train_gan_job({"data": "builtin:digits[0:160]", "out": run, "steps": 2, "seed": seed, "width": 8,
                       "z_dim": 8, "threads": 1}, JobState())
        register_run(case_dir, run)
    with open_case(case_dir) as case:
        profile = load_arrays(case.path(case.reference()["profile_path"]))
        names = [run["name"] for run in case.runs("gan")]
        logistic = [d for d in run_detectors(case, profile) if d.name.startswith("logistic")]
    assert len(names) == 2 and len(logistic) == 1
    assert logistic[0].generators == names and logistic[0].texture_version == 1  # an image case: the whole sample
    assert logistic[0].model["coef"].size == profile["features_fit"].shape[1] + profile["texture_fit"].shape[1]
    # cross-fitted: every reference file calibrates it, not only the held-out ones (and, apart, their
    # resampled copies: the digits are figures on a blank background, engine/detectors/resampling.py)
    files = int(profile["n_fit_files"]) + int(profile["n_calibration_files"])
    assert [part["sorted"].size for part in logistic[0].tail["parts"]] == [files, files * len(resampling.RESAMPLINGS)]


def test_cnn_scores_keep_a_confident_classifier_s_margins_apart(monkeypatch):
    import torch

    from engine import runs
    from engine.detectors import learned
    from training.classifier import log_probabilities

    # logits (real, gan, other): confidently real by 40 and by 30, then unsure, then generated
    logits = np.array([[40.0, 0.0, 0.0], [30.0, 0.0, 0.0], [0.0, 1.0, -1.0], [0.0, 45.0, 0.0]], dtype=np.float32)
    model = torch.nn.Linear(3, 3, bias=False)
    with torch.no_grad():
        model.weight.copy_(torch.eye(3))
    monkeypatch.setattr(runs, "classifier_log_probabilities",
                        lambda run_dir, x: (log_probabilities(model, x), ["real", "gan", "other"]))
    scores, probs, _ = learned.classifier_sample_scores("run", logits)
    expected = np.logaddexp(logits[:, 1], logits[:, 2]) - logits[:, 0]
    assert np.allclose(scores, expected, atol=1e-6)  # -40 + log 2, -30 + log 2: no tie at a clip
    assert np.allclose(probs.sum(axis=1), 1.0)
    # a calibration stored before (clipped scores), as the case's upgrade on opening leaves it,
    # keeps clipping the evidence's scores
    from engine.case_upgrades import classifier_upgrade

    batch = suite.Batch(logits, np.arange(4))
    run = {"run_dir": "run", "name": "c", "metrics": {}}
    old = learned.ClassifierDetector(run, classifier_upgrade({"cal": np.full(10, -learned.OLD_SCORE_LIMIT)}, run)[0])
    new = learned.ClassifierDetector(run, {"cal": np.linspace(-45, -35, 10), "unclipped": np.array(True)})
    assert old.scores(batch).min() == -learned.OLD_SCORE_LIMIT and np.allclose(new.scores(batch), expected, atol=1e-6)


def test_a_format_decides_the_grid_unless_it_is_finer_and_holds_the_whole_reference_grid():
    from engine.detectors.specification import format_decides_grid

    assert format_decides_grid(255, 255) and format_decides_grid(1, 255)  # 8-bit and bilevel PNGs: on it
    assert format_decides_grid(255, 16)  # an 8-bit PNG cannot hold the digits' k/16: off it, real or not
    assert not format_decides_grid(65535, 255)  # a 16-bit PNG can hold values between k/255
    assert not format_decides_grid(None, 255)  # float arrays, audio, MIDI guarantee no grid
    assert not format_decides_grid(127, 1)
