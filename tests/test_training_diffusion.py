"""The DDPM (training/diffusion.py): schedules, learning, seeded sampling by both samplers, and
its zoo family trained, registered and known to the learned detectors."""
import numpy as np
import pytest

from engine import case as case_store, case_workflows
from engine.data.specs import load_spec
from engine.jobs import JobState
from engine.zoo.job import zoo_job
from training.diffusion import DiffusionTrainer, alpha_bars


@pytest.fixture(autouse=True)
def one_thread():
    import torch

    torch.set_num_threads(1)


@pytest.fixture(scope="module")
def digits():
    return load_spec("builtin:digits[0:200]").x


def test_schedules_fall_from_one_towards_zero_and_unknown_ones_are_refused():
    for schedule in ("linear", "cosine"):
        abar = alpha_bars(schedule, 200)
        assert abar.shape == (200,) and abar[0] > 0.99 and abar[-1] < 0.01 and np.all(np.diff(abar) < 0)
    with pytest.raises(ValueError, match="unknown schedule"):
        alpha_bars("quadratic", 10)


def held_out_loss(trainer, x, seed=0):
    """The noise-prediction loss on fixed maps, timesteps and noise (the training loss is too noisy)."""
    import torch

    g = torch.Generator().manual_seed(seed)
    batch = torch.from_numpy(x).clamp(0, 1) * 2 - 1
    t = torch.randint(trainer.config["timesteps"], (len(batch),), generator=g)
    noise = torch.randn(batch.shape, generator=g)
    a = trainer.abar[t][:, None, None, None]
    with torch.no_grad():
        return float(torch.mean((trainer.net(a.sqrt() * batch + (1 - a).sqrt() * noise, t) - noise) ** 2))


def test_the_noise_prediction_loss_falls_within_a_few_dozen_steps(digits):
    trainer = DiffusionTrainer(digits, {"width": 8, "timesteps": 100, "seed": 0})
    before = held_out_loss(trainer, digits[:128])
    for _ in range(40):
        trainer.step()
    assert trainer.step_count == 40
    assert held_out_loss(trainer, digits[:128]) < 0.7 * before  # predicting nothing scores 1


@pytest.mark.parametrize("sampler,steps", [("ddim", 10), ("ancestral", None)])
def test_samples_have_the_data_s_shape_lie_in_0_1_and_are_seeded(digits, sampler, steps):
    trainer = DiffusionTrainer(digits, {"width": 8, "timesteps": 30, "schedule": "cosine", "seed": 2})
    for _ in range(3):
        trainer.step()
    x = trainer.sample(5, seed=1, sampler=sampler, steps=steps)
    assert x.dtype == np.float32 and x.shape == (5,) + digits.shape[1:]
    assert np.all(np.isfinite(x)) and x.min() >= 0 and x.max() <= 1
    assert np.array_equal(x, trainer.sample(5, seed=1, sampler=sampler, steps=steps))
    assert not np.array_equal(x, trainer.sample(5, seed=2, sampler=sampler, steps=steps))
    with pytest.raises(ValueError, match="unknown sampler"):
        trainer.sample(1, sampler="euler")


def test_maps_whose_sides_do_not_halve_twice_keep_their_shape():
    x = np.random.default_rng(0).random((8, 1, 10, 7)).astype(np.float32)
    trainer = DiffusionTrainer(x, {"width": 8, "timesteps": 20})
    trainer.step()
    assert trainer.sample(2, seed=0, steps=3).shape == (2, 1, 10, 7)


def test_the_diffusion_family_trains_and_registers_through_the_zoo(tmp_path):
    from engine.verdict import case_detectors

    case_dir = str(tmp_path / "case")
    case_workflows.new_case(case_dir, "builtin:digits[0:200]", name="diffusion")
    params = {"dir": case_dir, "budget": 0.01, "families": ["diffusion"], "device": "cpu", "threads": 1, "pool": 200}
    assert zoo_job(params, JobState())["registered"] == ["diffusion", "diffusion-clean"]
    with case_store.open_case(case_dir) as case:
        runs = case.runs()
        detectors = case_detectors(case, case.profile())
    run = next(r for r in runs if r["name"] == "zoo-diffusion")
    assert run["config"]["family"] == "diffusion" and run["config"]["family_kind"] == "diffusion"
    logistic, = [d for d in detectors if d.name.startswith("logistic:")]
    assert set(logistic.generators) == {"zoo-diffusion", "zoo-diffusion-clean"}
