"""`case zoo`: generator families of every kind trained on a case's fitting part, registered as
generator runs, and the learned detectors refitted across them; cancel and resume; bad input."""
import json
import os
import time

import numpy as np
import pytest

import main
from engine import case as case_store, case_workflows
from engine.data.specs import load_spec
from engine.jobs import Cancelled, JobState
from engine.zoo import cleanup
from engine.zoo.written import as_written
from engine.zoo import families
from engine.zoo.families import FAMILIES, FitData, choose, families_for
from engine.zoo.job import POOL, zoo_job

REFERENCE = "builtin:digits[0:200]"


def fit_data(spec):
    data = load_spec(spec)
    return FitData(data.x, data.modality, data.levels, list(data.items), "cpu")


@pytest.fixture(scope="module")
def fits():
    return {"image": fit_data("builtin:digits[0:60]"), "speech": fit_data("builtin:fsdd[0:4]"),
            "music": fit_data("builtin:bach[0:2]")}


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_every_family_trains_and_samples_maps_of_the_data_s_shape_in_0_1(fits, name):
    for modality in FAMILIES[name].modalities:
        fit = fits[modality]
        sample = FAMILIES[name].train(fit, 0.0, 3, JobState(), 4)  # no time: the least training there is
        x = sample(4, 1)
        assert x.dtype == np.float32 and x.shape[1:] == fit.x.shape[1:] and 1 <= len(x) <= 4, (name, modality)
        assert np.all(np.isfinite(x)) and x.min() >= 0 and x.max() <= 1, (name, modality)
        assert np.array_equal(x, sample(4, 1)), "sampling is seeded"


class DrawTimedTrainer:
    """A trainer whose draw takes `per_sample` seconds a sample; counts its steps."""

    def __init__(self, per_sample):
        self.per_sample, self.step_count = per_sample, 0

    def step(self):
        self.step_count += 1
        return {}

    def sample(self, n, seed=0):
        time.sleep(self.per_sample * n)
        return np.full((n, 1, 2, 2), 0.5, dtype=np.float32)


def test_a_slow_sampler_s_pool_draw_comes_out_of_its_time_and_a_quick_one_keeps_its_pool(fits):
    slow = DrawTimedTrainer(0.01)  # a 1,000-sample pool would take 10 s; the family has 4
    start = time.monotonic()
    sample = families.trained_sampler(lambda fit, seed: slow)(fits["image"], 4.0, 0, JobState(), 1000)
    x = sample(1000, 1)
    assert len(x) == families.MIN_POOL  # the share kept for drawing (2 s) affords fewer: the least pool
    assert time.monotonic() - start < 4.0 + families.MIN_POOL * 0.01 + 2.0  # not the 10 s draw on top of 4 s
    assert slow.step_count >= 1
    quick = DrawTimedTrainer(0.0)
    assert len(families.trained_sampler(lambda fit, seed: quick)(fits["image"], 0.2, 0, JobState(), 1000)(1000, 1)) \
        == 1000


def test_families_are_chosen_per_modality_and_unknown_ones_refused():
    assert "ngram-3" in families_for("music") and "ngram-3" not in families_for("image")
    assert "lpc-vocoder" in families_for("speech") and "vae" in families_for("image")
    assert choose(["vae", "vae", "gan-lsgan"], "image") == ["vae", "gan-lsgan"]
    with pytest.raises(ValueError, match="unknown family 'nope'"):
        choose(["nope"], "image")
    with pytest.raises(ValueError, match="does not make image samples"):
        choose(["ngram-2"], "image")


def test_image_cleanup_zeroes_the_background_saturates_strokes_and_requantises():
    x = np.tile(np.array([0.01, 0.035, 0.5, 0.96, 0.2], dtype=np.float32).reshape(1, 1, 1, 5), (50, 1, 1, 1))
    out = cleanup.clean_images(x, 255, np.random.default_rng(0))
    assert np.all(out[..., :2] == 0) and np.all(out[..., 3] == 1)
    assert np.allclose(out * 255, np.rint(out * 255), atol=1e-4) and np.all(np.abs(out[..., 2] - 0.5) < 1 / 255)
    assert len(np.unique(out[..., 4])) == 2  # each sample its own background level: 0.2 kept or zeroed


def test_raw_image_samples_are_written_on_the_case_grid_rounded_or_truncated():
    x = np.random.default_rng(1).uniform(0, 1, (60, 1, 4, 4)).astype(np.float32)
    x[:, :, 0, 0] = 0.3 / 255  # a faint value no 8-bit file holds
    out = as_written(x, "image", 255, seed=3)
    scaled = out.astype(np.float64) * 255
    assert np.allclose(scaled, np.rint(scaled), atol=1e-3)  # on k/255
    rounded = np.all(np.isclose(scaled, np.rint(x * np.float32(255))), axis=(1, 2, 3))
    truncated = np.all(np.isclose(scaled, np.floor(x * np.float32(255))), axis=(1, 2, 3))
    assert np.all(rounded | truncated) and 10 < rounded.sum() < 50  # each sample one way, both ways drawn
    assert np.all(out[:, :, 0, 0] == 0)
    assert as_written(x, "speech", None) is x  # mel patches are not files of levels


def test_music_cleanup_puts_notes_on_an_eighth_grid_at_one_velocity():
    roll = np.zeros((1, 1, 128, 16), dtype=np.float32)
    roll[0, 0, 60, 1:4] = 0.7  # starts off the grid
    roll[0, 0, 64, 5:6] = 0.9
    roll[0, 0, 67, 8:12] = 0.2  # below the threshold: not a note
    out = cleanup.clean_music(roll, 0.5)
    assert set(np.unique(out)) == {0.0, 0.5}
    for pitch in (60, 64):
        steps = np.flatnonzero(out[0, 0, pitch])
        assert steps.size and steps[0] % 2 == 0 and (steps[-1] + 1) % 2 == 0
    assert not out[0, 0, 67].any()


def test_speech_cleanup_gates_the_noise_floor():
    x = np.tile(np.array([0.01, 0.07, 0.2, 0.9], dtype=np.float32).reshape(1, 1, 1, 4), (50, 1, 1, 1))
    out = cleanup.clean_speech(x, np.random.default_rng(0))
    assert np.all(out[..., :2] == 0) and np.all(out[..., 3] == np.float32(0.9))
    assert set(np.unique(out[..., 2]).tolist()) == {0.0, np.float32(0.2)}  # gates between 0.08 and 0.25


def test_an_ngram_model_only_plays_chords_it_has_heard():
    from training.ngram import NGramModel, roll_events

    rolls = load_spec("builtin:bach[0:2]").x
    heard = {pitches for roll in rolls for pitches, _ in roll_events(roll[0])}
    for order in (1, 4):
        made = NGramModel(rolls, order).sample(3, 0)
        assert {pitches for roll in made for pitches, _ in roll_events(roll[0])} <= heard


def test_signal_fakes_keep_the_recording_s_length_and_griffin_lim_its_magnitude():
    from training import speech_fakes

    rate = 8000
    t = np.arange(rate) / rate
    audio = (0.3 * np.sin(2 * np.pi * 150 * t) * (1 + np.sin(2 * np.pi * 3 * t))).astype(np.float32)
    assert speech_fakes.lpc_resynthesis(audio, rate).shape == audio.shape
    assert abs(len(speech_fakes.change_speed(audio, 1.25)) - len(audio) / 1.25) <= 2
    assert abs(len(speech_fakes.time_stretch(audio, 0.8)) - len(audio) / 0.8) < 0.1 * len(audio)
    assert np.all(np.isfinite(speech_fakes.time_stretch(audio[:100], 1.2)))  # shorter than one frame
    window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(256) / 256)
    magnitude = np.abs(speech_fakes.stft(audio.astype(np.float64), 256, 64, window))
    rebuilt = speech_fakes.griffin_lim(magnitude, 256, 64, iterations=30)
    again = np.abs(speech_fakes.stft(rebuilt.astype(np.float64), 256, 64, window))[:, :magnitude.shape[1]]
    error = np.linalg.norm(again - magnitude) / np.linalg.norm(magnitude)
    assert error < 0.3  # spectral convergence: random phases alone give ~1


@pytest.fixture(scope="module")
def zoo_case(tmp_path_factory):
    case_dir = str(tmp_path_factory.mktemp("zoo") / "case")
    case_workflows.new_case(case_dir, REFERENCE, name="zoo")
    code = main.main(["case", "zoo", case_dir, "--budget", "0.02", "--families", "gan-standard,vae",
                      "--device", "cpu", "--json", case_dir + ".json"])
    assert code == 0
    return case_dir


def test_case_zoo_json_says_what_was_trained_and_registered_and_how_long_it_took(zoo_case):
    with open(zoo_case + ".json", encoding="utf-8") as fh:
        result = json.load(fh)
    assert result["families"] == result["trained"] == ["gan-standard", "vae"]
    runs = ["gan-standard", "gan-standard-clean", "vae", "vae-clean"]
    assert result["runs"] == result["registered"] == runs and result["classifier"].startswith("classifier-")
    seconds = result["seconds"]
    assert sorted(seconds["families"]) == ["gan-standard", "vae"] and all(s >= 0 for s in seconds["families"].values())
    assert 0 <= seconds["registration"] + seconds["classifier"] <= seconds["total"]


def test_case_zoo_registers_each_family_raw_and_cleaned_and_a_classifier(zoo_case):
    with case_store.open_case(zoo_case) as case:
        runs = case.runs()
    generators = sorted(run["name"] for run in runs if run["kind"] == "generator")
    assert generators == ["zoo-gan-standard", "zoo-gan-standard-clean", "zoo-vae", "zoo-vae-clean"]
    classifier, = [run for run in runs if run["kind"] == "classifier"]
    sets = classifier["data"]["sets"]
    assert set(sets) == {"real", "gan-standard", "gan-standard-clean", "vae", "vae-clean"}
    assert sets["real"]["spec"] == "builtin:digits[0:160]"  # the fitting part only
    assert all(sets[name]["used"] == sets["gan-standard"]["used"] for name in sets if name != "real")
    vae = next(run for run in runs if run["name"] == "zoo-vae")
    assert vae["config"]["family"] == "vae" and vae["data"]["spec"] == "builtin:digits[0:160]"


def test_the_zoo_stores_its_raw_and_cleaned_image_samples_on_the_reference_grid(zoo_case):
    from engine.runs import sample_run

    for run in ("gan-standard", "gan-standard-clean", "vae", "vae-clean"):
        x = sample_run(os.path.join(zoo_case, "runs", "zoo", run), 50, 0)[0].astype(np.float64) * 16  # digits: k/16
        assert np.allclose(x, np.rint(x), atol=1e-4), run


def test_the_learned_detectors_know_every_zoo_family(zoo_case):
    from engine.verdict import case_detectors

    with case_store.open_case(zoo_case) as case:
        detectors = case_detectors(case, case.profile())
    logistic, = [d for d in detectors if d.name.startswith("logistic:")]
    assert set(logistic.generators) == {"zoo-gan-standard", "zoo-gan-standard-clean", "zoo-vae", "zoo-vae-clean"}
    assert logistic.name == "logistic:4 generator runs"  # short; the method lists them
    assert all(name in logistic.method for name in logistic.generators)
    assert any(d.name.startswith("cnn:classifier-") for d in detectors)


def test_case_validate_leaves_each_zoo_family_out(zoo_case, tmp_path):
    out = tmp_path / "v.json"
    assert main.main(["case", "validate", zoo_case, "--json", str(out), "--samples", "10"]) == 0
    result = json.loads(out.read_text())
    assert [f["family"] for f in result["families"]] == ["gan-standard", "vae"]
    vae = result["families"][1]
    assert "logistic:zoo-gan-standard+zoo-gan-standard-clean" in vae["detectors"]  # refitted without the VAE
    assert vae["n"] == 10


def test_a_verdict_on_a_zoo_sample_runs(zoo_case, tmp_path):
    from engine.runs import sample_run

    x = sample_run(os.path.join(zoo_case, "runs", "zoo", "vae"), 2, 5)[0]
    assert x.shape == (2, 1, 8, 8)
    np.save(tmp_path / "e.npy", x[:1])
    out = tmp_path / "v.json"
    assert main.main(["verdict", str(tmp_path / "e.npy"), "--case", zoo_case, "--json", str(out)]) in (0, 3)
    assert json.loads(out.read_text())["files"][0]["label"] in ("generated", "real", "inconclusive")


class CancelAtSecondFamily(JobState):
    def progress(self, fraction, message=""):
        super().progress(fraction, message)
        if message.startswith("vae"):
            self.cancel()


def test_a_cancelled_zoo_resumes_with_the_families_not_yet_done(tmp_path):
    case_dir = str(tmp_path / "case")
    case_workflows.new_case(case_dir, REFERENCE, name="resume")
    params = {"dir": case_dir, "budget": 0.01, "families": ["gan-standard", "vae"], "device": "cpu", "threads": 1}
    with pytest.raises(Cancelled):
        zoo_job(params, CancelAtSecondFamily())
    folder = os.path.join(case_dir, "runs", "zoo")
    assert json.load(open(os.path.join(folder, "gan-standard-clean", "run.json")))["status"] == "finished"
    assert not os.path.exists(os.path.join(folder, "vae", "run.json"))
    with case_store.open_case(case_dir) as case:
        assert case.runs() == []  # nothing registered until every family is trained
    result = zoo_job(params, JobState())
    assert result["trained"] == ["vae"] and result["families"] == ["gan-standard", "vae"]
    again = zoo_job(params, JobState())  # everything done: nothing retrained, nothing registered twice
    assert again["trained"] == []
    with case_store.open_case(case_dir) as case:
        assert len([r for r in case.runs() if r["kind"] == "generator"]) == 4


@pytest.mark.parametrize("args, message", [
    (["--families", "nope"], "unknown family 'nope'"),
    (["--families", "ngram-2"], "does not make image samples"),
    (["--budget", "0"], "--budget"),
    (["--budget", "-3"], "--budget"),
    (["--budget", "nan"], "--budget"),
])
def test_bad_zoo_input_is_one_line_and_exit_2(tmp_path, capsys, args, message):
    case_dir = str(tmp_path / "case")
    case_workflows.new_case(case_dir, "builtin:digits[0:50]", name="bad")
    assert main.main(["case", "zoo", case_dir, *args]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and message in err and len(err.splitlines()) == 1


def test_zoo_on_a_folder_that_is_no_case_is_exit_2(tmp_path, capsys):
    assert main.main(["case", "zoo", str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith("error:")


def test_the_case_window_trains_the_zoo_as_a_job(gui_window, no_threads_left, qtbot, tmp_path):
    from PySide6.QtCore import Qt

    from engine.zoo.options import CPU_BUDGET_MINUTES

    explorer = gui_window.case_explorer
    assert not explorer.zoo_button.isEnabled()  # no case open
    case_dir = str(tmp_path / "case")
    case_workflows.new_case(case_dir, "builtin:digits[0:60]", name="gui zoo")
    gui_window.open_case(case_dir)
    qtbot.waitUntil(lambda: gui_window.session.case_dir == os.path.abspath(case_dir), timeout=20000)
    qtbot.waitUntil(gui_window.jobs.is_idle, timeout=30000)
    assert explorer.zoo_button.isEnabled()
    dialog = explorer.zoo_dialog()
    assert dialog.doubleValue() == CPU_BUDGET_MINUTES
    dialog.reject()
    explorer.start_zoo(0.01)
    assert gui_window.jobs.running("zoo")
    qtbot.waitUntil(lambda: not gui_window.jobs.running("zoo"), timeout=300000)
    qtbot.waitUntil(gui_window.jobs.is_idle, timeout=30000)
    section = explorer.tree.findItems("Generators", Qt.MatchExactly)[0]
    names = {section.child(k).text(0) for k in range(section.childCount())}
    assert {"zoo-vae", "zoo-vae-clean", "zoo-autoregressive"} <= names


def test_the_vocoder_s_all_pole_filter_and_the_mel_smoothing_match_scipy():
    from scipy.ndimage import gaussian_filter
    from scipy.signal import lfilter

    from engine.zoo.families import smoothed
    from training.speech_fakes import all_pole

    rng = np.random.default_rng(0)
    excitation, a = rng.standard_normal(240), np.array([1.0, -0.9, 0.2])
    expected = lfilter([0.5], a, excitation)
    assert np.max(np.abs(all_pole(excitation, a, 0.5) - expected)) < 1e-9 * np.max(np.abs(expected)) + 1e-12
    m = rng.random((64, 30))
    assert np.allclose(smoothed(smoothed(m, 0, 1.0), 1, 1.5),
                       gaussian_filter(m, (1.0, 1.5), mode="nearest", truncate=3), atol=1e-12)


def test_a_speech_classifier_can_train_on_maps_at_one_loudness(tmp_path):
    from engine.data.representations import normalise_level
    from engine.detectors.profile import item_groups
    from engine.training_jobs import array_sha256, train_classifier_job
    from training.runfolder import RunFolder

    real, fake = load_spec("builtin:fsdd[0:6]"), load_spec("builtin:fsdd[6:9]")
    out = str(tmp_path / "clf")
    train_classifier_job({"real": "builtin:fsdd[0:6]", "fakes": [("f", "builtin:fsdd[6:9]")], "out": out,
                          "steps": 1, "architecture": "logreg", "threads": 1, "normalise_level": True}, JobState())
    expected = np.concatenate([normalise_level(real.x, item_groups(real.items, real.n)[0]),
                               normalise_level(fake.x, np.arange(fake.n))])
    assert RunFolder(out).read()["data"]["sha256"] == array_sha256(expected)
    assert array_sha256(expected) != array_sha256(np.concatenate([real.x, fake.x]))  # the levels did change


def test_the_classifier_s_generator_sets_get_distinct_names():
    from engine.zoo.job import distinct_names

    assert distinct_names(["/a/gan", "/b/gan", "/c/vae", "/d/gan"]) == ["gan", "gan-1", "vae", "gan-3"]


def test_gans_and_zoo_generators_share_one_pooled_logistic_regression(tmp_path):
    from engine.detectors.learned import RUN_KINDS
    from engine.verdict import case_detectors

    assert RUN_KINDS["generator"].detector == RUN_KINDS["gan"].detector and RUN_KINDS["generator"].pooled
    case_dir = str(tmp_path / "case")
    case_workflows.new_case(case_dir, REFERENCE, name="pooled")
    assert main.main(["case", "zoo", case_dir, "--budget", "0.01", "--families", "vae", "--device", "cpu"]) == 0
    assert main.main(["train", "gan", "--data", "builtin:digits[0:160]", "--out", str(tmp_path / "gan"),
                      "--steps", "2", "--width", "8", "--z-dim", "8", "--batch-size", "32", "--threads", "1",
                      "--case", case_dir]) == 0
    with case_store.open_case(case_dir) as case:
        names = [d.name for d in case_detectors(case, case.profile())]
    logistic, = [n for n in names if n.startswith("logistic:")]  # the GAN's registration refitted it for all
    assert set(logistic[len("logistic:"):].split("+")) == {"zoo-vae", "zoo-vae-clean", "gan"}  # 3: named


def test_generate_draws_from_a_zoo_run_s_stored_pool_and_refuses_more_than_it_holds(zoo_case, tmp_path, capsys):
    run = os.path.join(zoo_case, "runs", "zoo", "vae")
    out = tmp_path / "x.npy"
    assert main.main(["generate", run, "--n", "3", "--out", str(out), "--seed", "4"]) == 0
    x = np.load(out)
    from engine.runs import stored_samples

    assert np.array_equal(x, np.clip(stored_samples(run, 3, 4)[0], 0, 1))
    capsys.readouterr()
    assert main.main(["generate", run, "--n", "100000", "--out", str(tmp_path / "y.npy")]) == 2
    err = capsys.readouterr().err
    (line,) = [line for line in err.splitlines() if line.startswith("error:")]  # below the progress bar
    assert f"holds {POOL} stored samples" in line and "Traceback" not in err


def test_a_larger_zoo_s_classifier_retires_the_earlier_one_audited(tmp_path):
    from engine.case_verify import verify_case
    from engine.verdict import case_detectors

    case_dir = str(tmp_path / "case")
    case_workflows.new_case(case_dir, REFERENCE, name="retire")
    params = {"dir": case_dir, "budget": 0.01, "families": ["vae"], "device": "cpu", "threads": 1}
    first = zoo_job(params, JobState())
    second = zoo_job(dict(params, families=["vae", "gan-standard"]), JobState())
    assert first["retired"] == [] and second["retired"] == [first["classifier"]] != [second["classifier"]]
    with case_workflows.open_case(case_dir) as case:
        (classifier,) = case.runs("classifier")
        assert classifier["run_dir"].endswith(second["classifier"])
        cnn = [d.name for d in case_detectors(case, case.profile()) if d.name.startswith("cnn:")]
        assert cnn == [f"cnn:{classifier['name']}"]
        (row,) = [json.loads(r["params_json"]) for r in case.audit_log() if r["action"] == "runs_retired"]
        assert row["by_run"] == classifier["id"] and len(row["runs"]) == 1
        assert verify_case(case)["ok"]


def test_train_classifier_for_a_speech_case_learns_maps_at_the_case_s_loudness(tmp_path):
    """`train classifier --case` on a case that judges speech at one loudness trains on such maps, as
    the zoo's classifier does (the verdict feeds the classifier level-normalised maps)."""
    from engine.training_jobs import train_classifier_job
    from training.runfolder import RunFolder

    case_dir = str(tmp_path / "case")
    case_workflows.new_case(case_dir, "builtin:fsdd[0:40]")
    out = str(tmp_path / "clf")
    train_classifier_job({"real": "builtin:fsdd[0:6]", "fakes": [("f", "builtin:fsdd[6:9]")], "out": out,
                          "steps": 1, "architecture": "logreg", "threads": 1, "case": case_dir}, JobState())
    data = RunFolder(out).read()["data"]
    assert data["level_normalised"] is True
    plain = str(tmp_path / "plain")
    train_classifier_job({"real": "builtin:fsdd[0:6]", "fakes": [("f", "builtin:fsdd[6:9]")], "out": plain,
                          "steps": 1, "architecture": "logreg", "threads": 1}, JobState())
    assert RunFolder(plain).read()["data"]["level_normalised"] is False
    assert RunFolder(plain).read()["data"]["sha256"] != data["sha256"]
