"""The GAN trainer and the loop around it: losses, determinism, resume, cancel, NaN guard, run files."""
import json

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from engine.jobs import JobState  # noqa: E402
from training.gan import GANTrainer, gan_config, steps_for_epochs  # noqa: E402
from training.loop import TrainingDiverged, run_training  # noqa: E402
from training.losses import discriminator_loss, generator_loss, gradient_penalty  # noqa: E402
from training.runfolder import RunFolder  # noqa: E402

SHAPE = (1, 8, 8)


@pytest.fixture(autouse=True)
def one_thread():
    torch.set_num_threads(1)


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    return (rng.random((200, *SHAPE)) ** 3).astype(np.float32)


def tiny(**overrides):
    return gan_config(SHAPE, **{"width": 8, "z_dim": 8, "batch_size": 32, **overrides})


def params(steps, **extra):
    return {"steps": steps, "checkpoint_every": 5, "preview_every": 5, "log_every": 1, **extra}


def weights(trainer):
    return {k: v.clone() for k, v in {**trainer.G.state_dict(), **trainer.D.state_dict()}.items()}


def same(a, b):
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


@pytest.mark.parametrize("loss", ["gan", "lsgan", "wgan-gp"])
@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "scaled-tanh", "linear"])
def test_every_loss_and_activation_trains_and_changes_the_generator(data, loss, activation, tmp_path):
    trainer = GANTrainer(data, tiny(loss=loss, activation=activation))
    before = weights(trainer)
    result = run_training(trainer, tmp_path / "run", params(3), JobState())
    assert result["status"] == "finished"
    assert not same(before, weights(trainer))
    assert trainer.batches.count == 3 * trainer.config["critic_steps"]


def adam_settings(optimizer):
    group = optimizer.param_groups[0]
    return group["lr"], tuple(group["betas"])


def test_wgan_gp_uses_its_own_published_optimiser_defaults_and_the_others_dcgans(data):
    wgan = GANTrainer(data, tiny(loss="wgan-gp"))
    assert adam_settings(wgan.opt_d) == adam_settings(wgan.opt_g) == (1e-4, (0.0, 0.9))
    assert wgan.config["critic_steps"] == 5 and wgan.config["discriminator_architecture"]["norm"] == "none"
    for loss in ("gan", "lsgan"):
        trainer = GANTrainer(data, tiny(loss=loss))
        assert adam_settings(trainer.opt_d) == adam_settings(trainer.opt_g) == (2e-4, (0.5, 0.999))
        assert trainer.config["critic_steps"] == 1


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "scaled-tanh", "linear"])
def test_an_untrained_wgan_gp_generator_starts_at_the_data_mean_intensity(data, activation):
    samples = GANTrainer(data, tiny(loss="wgan-gp", activation=activation)).preview()
    assert samples.mean() == pytest.approx(data.mean(), abs=0.03)
    assert abs(data.mean() - 0.5) > 0.2  # the activation's midpoint would be far off


def test_the_dcgan_losses_start_at_the_activation_midpoint_unless_asked(data):
    assert GANTrainer(data, tiny(activation="tanh")).preview().mean() == pytest.approx(0.5, abs=0.03)
    asked = GANTrainer(data, tiny(output_bias="data-mean")).preview()
    assert asked.mean() == pytest.approx(data.mean(), abs=0.03)


def test_explicit_optimiser_options_override_the_loss_defaults(data):
    trainer = GANTrainer(data, tiny(loss="wgan-gp", lr=3e-4, betas=[0.5, 0.99], critic_steps=2))
    assert adam_settings(trainer.opt_d) == adam_settings(trainer.opt_g) == (3e-4, (0.5, 0.99))
    assert trainer.config["critic_steps"] == 2
    assert tiny(loss="gan", betas=[0.0, 0.9])["lr"] == 2e-4  # an unset option keeps its loss default


def test_wgan_gp_uses_five_critic_steps_and_a_positive_penalty(data):
    trainer = GANTrainer(data, tiny(loss="wgan-gp"))
    out = trainer.step()
    assert trainer.config["critic_steps"] == 5 and trainer.batches.count == 5
    assert out["gp"] > 0


def test_losses_reward_the_right_side():
    high, low = torch.full((4,), 5.0), torch.full((4,), -5.0)
    for loss in ("gan", "lsgan", "wgan-gp"):
        assert discriminator_loss(loss, high, low) < discriminator_loss(loss, low, high)
        assert generator_loss(loss, high) < generator_loss(loss, low)


def test_gradient_penalty_is_zero_for_a_unit_slope_critic():
    critic = lambda x: x.flatten(1)[:, 0]  # noqa: E731  (gradient norm exactly 1)
    real, fake = torch.rand(4, *SHAPE), torch.rand(4, *SHAPE)
    assert float(gradient_penalty(critic, real, fake)) == pytest.approx(0.0)


def test_binarize_thresholds_the_real_data_at_one_half(data):
    trainer = GANTrainer(data, tiny(binarize=True))
    assert set(np.unique(trainer.data.numpy())) == {0.0, 1.0}
    assert float(trainer.data.mean()) == pytest.approx(float(np.mean(data >= 0.5)))


def test_tanh_trains_on_minus_one_to_one(data):
    trainer = GANTrainer(data, tiny(activation="tanh"))
    assert float(trainer.data.min()) >= -1 and float(trainer.data.min()) < -0.9


def test_same_seed_gives_identical_weights_and_another_seed_does_not(data, tmp_path):
    runs = []
    for i, seed in enumerate([3, 3, 4]):
        trainer = GANTrainer(data, tiny(seed=seed))
        run_training(trainer, tmp_path / f"r{i}", params(4), JobState())
        runs.append(weights(trainer))
    assert same(runs[0], runs[1])
    assert not same(runs[0], runs[2])


class KilledAt(JobState):
    """Stops the process abruptly (an exception nobody handles) when a step is reached."""

    def __init__(self, trainer, step):
        super().__init__()
        self.trainer, self.step = trainer, step

    def progress(self, fraction, message=""):
        if self.trainer.step_count == self.step:
            raise SystemExit("killed")


def test_a_killed_run_resumes_from_its_last_checkpoint_and_matches_an_uninterrupted_one(data, tmp_path):
    whole = GANTrainer(data, tiny(loss="wgan-gp", seed=5))
    run_training(whole, tmp_path / "whole", params(12), JobState())

    victim = GANTrainer(data, tiny(loss="wgan-gp", seed=5))
    with pytest.raises(SystemExit):
        run_training(victim, tmp_path / "run", params(12), KilledAt(victim, 8))
    run = RunFolder(tmp_path / "run")
    assert run.checkpoint_steps()[-1] == 5
    del victim  # all in-memory state is gone; only the run folder remains

    fresh = GANTrainer(data, tiny(loss="wgan-gp", seed=5))
    result = run_training(fresh, tmp_path / "run", params(12, resume=True), JobState())
    assert result["status"] == "finished" and fresh.step_count == 12
    assert same(weights(whole), weights(fresh))
    steps = [r["step"] for r in run.read_metrics()]
    assert steps == list(range(1, 13))


def test_cancel_saves_a_checkpoint_and_marks_the_run_cancelled(data, tmp_path):
    trainer = GANTrainer(data, tiny())

    class CancelAt3(JobState):
        def progress(self, fraction, message=""):
            if trainer.step_count == 3:
                self.cancel()

    result = run_training(trainer, tmp_path / "run", params(10), CancelAt3())
    assert result["status"] == "cancelled"
    assert RunFolder(tmp_path / "run").checkpoint_steps()[-1] == 3


def test_nan_losses_reload_the_last_good_checkpoint(data, tmp_path):
    trainer = GANTrainer(data, tiny())
    real_step, poisoned = trainer.step, []

    def flaky_step():
        out = real_step()
        if trainer.step_count == 7 and not poisoned:
            poisoned.append(True)
            with torch.no_grad():
                next(trainer.G.parameters()).fill_(float("nan"))
            return dict(out, g_loss=float("nan"))
        return out

    trainer.step = flaky_step
    result = run_training(trainer, tmp_path / "run", params(10), JobState())
    assert result["status"] == "finished"
    assert all(torch.isfinite(p).all() for p in trainer.G.parameters())
    events = [r for r in RunFolder(tmp_path / "run").read_metrics() if r.get("event") == "nan-reload"]
    assert len(events) == 1 and events[0]["step"] == 5


def test_persistent_nan_fails_the_run(data, tmp_path):
    trainer = GANTrainer(data, tiny())
    trainer.step = lambda: {"g_loss": float("nan")}
    with pytest.raises(TrainingDiverged):
        run_training(trainer, tmp_path / "run", params(10), JobState())
    assert RunFolder(tmp_path / "run").read()["status"] == "failed"


def test_run_folder_holds_run_json_metrics_previews_and_safetensors_checkpoints(data, tmp_path):
    state = JobState()
    trainer = GANTrainer(data, tiny())
    run_training(trainer, tmp_path / "run", params(6, run_info={"kind": "gan", "data": {"sha256": "abc"}}), state)
    run = json.loads((tmp_path / "run" / "run.json").read_text())
    assert run["status"] == "finished" and run["kind"] == "gan" and run["data"]["sha256"] == "abc"
    assert run["metrics"]["steps"] == 6 and run["tool_version"]
    assert (tmp_path / "run" / "preview.png").exists()
    steps = RunFolder(tmp_path / "run").checkpoint_steps()
    assert steps == [5, 6]  # only the last two are kept
    sidecar = json.loads((tmp_path / "run" / "checkpoint-00000006.json").read_text())
    assert sidecar["architectures"]["G"]["kind"] == "dcgan-generator" and sidecar["optimizers"]["G"]["param_groups"]
    partial = [p for p in state.partials if "preview" in p][-1]
    assert partial["preview"].ndim == 3 and partial["histogram"].sum() == 64 * 8 * 8
    assert state.last_progress[0] == 1.0


def test_steps_for_epochs_counts_critic_passes():
    assert steps_for_epochs(640, tiny(batch_size=64), 2) == 20
    assert steps_for_epochs(640, tiny(batch_size=64, loss="wgan-gp"), 2) == 4


def test_paper_architecture_with_dropout_is_deterministic_too(data, tmp_path):
    runs = []
    for i in range(2):
        trainer = GANTrainer(data, tiny(architecture="paper", z_dim=8))
        run_training(trainer, tmp_path / f"p{i}", params(2), JobState())
        runs.append(weights(trainer))
    assert trainer.config["discriminator_architecture"]["kind"] == "paper-discriminator"
    assert same(runs[0], runs[1])


def test_every_logged_step_reaches_the_live_view_with_the_newest_preview(data, tmp_path):
    """A loss point per log step (not per preview), each carrying the newest preview, so a
    throttled runner that keeps only the last partial never loses a preview."""
    state = JobState()
    run_training(GANTrainer(data, tiny()), tmp_path / "run", params(6, log_every=1, preview_every=3), state)
    assert [p["step"] for p in state.partials] == [1, 2, 3, 4, 5, 6]
    assert "preview" not in state.partials[1] and "preview" in state.partials[2]
    assert state.partials[3]["preview"] is state.partials[2]["preview"]
