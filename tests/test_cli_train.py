"""The learning-lab commands end to end on tiny data: train gan|classifier|inverse|rounds, generate, fgsm."""
import json

import numpy as np
import pytest

pytest.importorskip("torch")

import main  # noqa: E402

DIGITS = "builtin:digits[0:200]"
TINY_GAN = ["--width", "8", "--z-dim", "8", "--batch-size", "32", "--threads", "1"]


def run_json(path):
    return json.loads((path / "run.json").read_text())


@pytest.fixture(scope="module")
def gan_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("runs") / "gan"
    assert main.main(["train", "gan", "--data", DIGITS, "--out", str(out), "--steps", "12", "--seed", "1",
                      "--checkpoint-every", "5", "--preview-every", "6", *TINY_GAN]) == 0
    return out


@pytest.fixture(scope="module")
def classifier_run(gan_run, tmp_path_factory):
    out = tmp_path_factory.mktemp("runs") / "clf"
    assert main.main(["train", "classifier", "--real", DIGITS, "--fake", f"gan={gan_run}", "--out", str(out),
                      "--steps", "40", "--architecture", "logreg", "--threads", "1"]) == 0
    return out


def test_train_gan_writes_a_finished_run_with_data_hash_and_previews(gan_run):
    run = run_json(gan_run)
    assert run["status"] == "finished" and run["kind"] == "gan" and run["modality"] == "image"
    assert run["data"]["spec"] == DIGITS and len(run["data"]["sha256"]) == 64 and run["data"]["shape"] == [1, 8, 8]
    assert run["metrics"]["steps"] == 12
    assert (gan_run / "preview.png").exists() and (gan_run / "metrics.jsonl").exists()
    assert sorted(p.name for p in gan_run.glob("checkpoint-*.safetensors")) == [
        "checkpoint-00000010.safetensors", "checkpoint-00000012.safetensors"]


def test_train_gan_records_the_effective_loss_defaults_and_given_betas_in_run_json(tmp_path):
    out = tmp_path / "wgan"
    assert main.main(["train", "gan", "--data", DIGITS, "--out", str(out), "--loss", "wgan-gp", "--steps", "1",
                      "--betas", "0.5", "0.99", *TINY_GAN]) == 0
    config = run_json(out)["config"]
    assert (config["lr"], config["betas"], config["critic_steps"]) == (1e-4, [0.5, 0.99], 5)


def test_train_gan_refuses_to_overwrite_a_run_without_resume(gan_run, capsys):
    assert main.main(["train", "gan", "--data", DIGITS, "--out", str(gan_run), "--steps", "12", *TINY_GAN]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--resume" in err[0] and err[0].startswith("error:")


def test_resume_refuses_other_training_data(gan_run, capsys):
    assert main.main(["train", "gan", "--data", "builtin:digits[200:400]", "--out", str(gan_run), "--resume",
                      "--steps", "12", *TINY_GAN]) == 2
    assert "different training data" in capsys.readouterr().err


def test_resume_continues_a_run_to_more_steps(tmp_path):
    out = tmp_path / "g"
    args = ["train", "gan", "--data", DIGITS, "--out", str(out), "--checkpoint-every", "4", *TINY_GAN]
    assert main.main(args + ["--steps", "4"]) == 0
    assert main.main(args + ["--steps", "8", "--resume", "--loss", "lsgan", "--activation", "tanh"]) == 0
    assert run_json(out)["metrics"]["steps"] == 8
    config = run_json(out)["config"]  # the checkpoint's model goes on: other options given are not applied
    assert (config["loss"], config["activation"]) == ("gan", "sigmoid")
    assert [r["step"] for r in map(json.loads, (out / "metrics.jsonl").read_text().splitlines())] == [4, 8]


def test_dry_run_trains_one_step(tmp_path):
    assert main.main(["train", "gan", "--data", DIGITS, "--out", str(tmp_path / "d"), "--dry-run", *TINY_GAN]) == 0
    run = run_json(tmp_path / "d")
    assert run["dry_run"] is True and run["metrics"]["steps"] == 1


def test_unknown_data_is_one_line_and_exit_code_2(tmp_path, capsys):
    assert main.main(["train", "gan", "--data", str(tmp_path / "missing.npy"), "--out", str(tmp_path / "x")]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_cuda_requested_on_a_machine_without_it_is_refused(tmp_path, capsys):
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    assert main.main(["train", "gan", "--data", DIGITS, "--out", str(tmp_path / "c"), "--device", "cuda"]) == 2
    assert "CUDA" in capsys.readouterr().err


def test_generate_writes_npy_and_a_folder_of_pngs(gan_run, tmp_path):
    assert main.main(["generate", str(gan_run), "--n", "7", "--out", str(tmp_path / "s.npy")]) == 0
    x = np.load(tmp_path / "s.npy", allow_pickle=False)
    assert x.shape == (7, 1, 8, 8) and x.dtype == np.float32 and 0 <= x.min() and x.max() <= 1
    assert main.main(["generate", str(gan_run), "--n", "3", "--out", str(tmp_path / "pngs")]) == 0
    assert sorted(p.name for p in (tmp_path / "pngs").iterdir()) == ["sample_0.png", "sample_1.png", "sample_2.png"]
    assert main.main(["generate", str(gan_run), "--n", "7", "--out", str(tmp_path / "t.npy")]) == 0
    assert np.array_equal(x, np.load(tmp_path / "t.npy"))  # same seed, same samples


@pytest.mark.parametrize("out", ["s.wav", "s.PNG", "s.mid"])
def test_generate_refuses_an_out_naming_a_media_file_before_sampling(gan_run, tmp_path, capsys, out):
    assert main.main(["generate", str(gan_run), "--n", "3", "--out", str(tmp_path / out)]) == 2
    assert "give OUT.npy or a folder" in capsys.readouterr().err and not (tmp_path / out).exists()


def test_generate_refuses_more_samples_than_a_set_may_hold_before_sampling(gan_run, tmp_path, capsys):
    assert main.main(["generate", str(gan_run), "--n", "100000000", "--out", str(tmp_path / "s.npy")]) == 2
    assert "exceeds the limit" in capsys.readouterr().err and not (tmp_path / "s.npy").exists()


def test_generate_refuses_a_folder_that_is_not_a_gan_run(tmp_path, capsys):
    assert main.main(["generate", str(tmp_path), "--n", "2", "--out", str(tmp_path / "o.npy")]) == 2
    assert "not a readable training run" in capsys.readouterr().err


def test_train_classifier_samples_a_gan_run_and_reports_the_contract_metrics(classifier_run):
    run = run_json(classifier_run)
    metrics = run["metrics"]
    assert run["kind"] == "classifier" and metrics["labels"] == ["real", "gan"]
    assert 0 <= metrics["test_accuracy"] <= 1
    assert np.array(metrics["confusion_matrix"]).shape == (2, 2)
    assert run["data"]["sets"]["gan"]["sampled_from_run"] is True
    assert "resampled_copies" not in run["data"]["sets"]["real"] and run["data"]["sets"]["real"]["used"] == 200


def test_with_resampled_real_the_real_side_also_holds_as_many_resampled_copies(gan_run, tmp_path):
    out = tmp_path / "clf"
    assert main.main(["train", "classifier", "--real", DIGITS, "--fake", f"gan={gan_run}", "--out", str(out),
                      "--steps", "4", "--architecture", "logreg", "--threads", "1", "--resampled-real"]) == 0
    real = run_json(out)["data"]["sets"]["real"]
    assert real["resampled_copies"] == 200 and real["used"] == 400


def test_fgsm_writes_adversarial_samples_within_eps(classifier_run, tmp_path):
    out = tmp_path / "adv.npy"
    assert main.main(["fgsm", "--classifier", str(classifier_run), "--data", "builtin:digits[0:20]", "--eps", "0.1",
                      "--target", "real", "--out", str(out), "--json", str(tmp_path / "f.json")]) == 0
    adv = np.load(out, allow_pickle=False)
    summary = json.loads((tmp_path / "f.json").read_text())
    assert adv.shape == (20, 1, 8, 8) and summary["target"] == "real"
    assert summary["mean_abs_perturbation"] <= 0.1 + 1e-6


def test_fgsm_refuses_an_unknown_target_label(classifier_run, tmp_path, capsys):
    assert main.main(["fgsm", "--classifier", str(classifier_run), "--data", "builtin:digits[0:5]", "--eps", "0.1",
                      "--target", "martian", "--out", str(tmp_path / "a.npy")]) == 2
    assert "unknown label" in capsys.readouterr().err


def test_train_inverse_reports_cosine_threshold_and_accuracy(gan_run, tmp_path):
    out = tmp_path / "inv"
    assert main.main(["train", "inverse", "--generator", str(gan_run), "--out", str(out), "--steps", "10",
                      "--threads", "1"]) == 0
    run = run_json(out)
    assert run["kind"] == "inverse" and run["data"]["real"]["spec"] == DIGITS  # the GAN's own training data
    assert {"cosine_proximity", "threshold", "accuracy"} <= set(run["metrics"])


def test_train_rounds_writes_the_iteration_matrix(tmp_path):
    out = tmp_path / "rounds"
    assert main.main(["train", "rounds", "--data", DIGITS, "--out", str(out), "--iterations", "2",
                      "--generators", "2", "--gan-steps", "3", "--classifier-steps", "3", "--threads", "1"]) == 0
    rounds = json.loads((out / "rounds.json").read_text())
    assert np.array(rounds["matrix"]).shape == (2, 2)
    assert rounds["fool_targets"] == [[], [[0, 0]]]
    assert [p["generators"] for p in rounds["generalization"]] == [1]
    assert (out / "iteration-1.png").exists()


def test_a_cancelled_gan_job_raises_cancelled_and_leaves_a_resumable_run(tmp_path):
    from engine.jobs import Cancelled, JobState
    from engine.training_jobs import train_gan_job

    state = JobState()
    state.cancel()
    params = {"data": DIGITS, "out": str(tmp_path / "g"), "steps": 5, "width": 8, "z_dim": 8, "threads": 1}
    with pytest.raises(Cancelled):
        train_gan_job(params, state)
    assert run_json(tmp_path / "g")["status"] == "cancelled"
    result = train_gan_job(dict(params, resume=True), JobState())
    assert result["status"] == "finished" and result["metrics"]["steps"] == 5


def test_train_inverse_takes_another_gan_run_as_negatives(gan_run, tmp_path):
    other = tmp_path / "other"
    assert main.main(["train", "gan", "--data", "builtin:digits[200:400]", "--out", str(other), "--steps", "2",
                      "--seed", "9", *TINY_GAN]) == 0
    out = tmp_path / "inv"
    assert main.main(["train", "inverse", "--generator", str(gan_run), "--real", str(other), "--out", str(out),
                      "--steps", "3", "--n-negatives", "50", "--threads", "1"]) == 0
    run = run_json(out)
    assert run["data"]["real"]["sampled_from_run"] is True and run["metrics"]["n_test_negative"] == 25
