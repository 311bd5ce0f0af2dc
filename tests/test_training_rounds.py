"""Sequential rounds (004): fooling targets, the Eq. 4 weights, the matrix, and the executors."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")

from training.executors import ProcessExecutor, SequentialExecutor, make_executor  # noqa: E402
from training.gan import GANTrainer, gan_config  # noqa: E402
from training.models import build  # noqa: E402
from training.rounds import fool_targets, rounds_config, run_rounds  # noqa: E402


@pytest.fixture(autouse=True)
def one_thread():
    torch.set_num_threads(1)


def square(value):
    return value * value


def test_fool_all_targets_every_earlier_iteration_and_memoryless_only_the_last():
    assert fool_targets(0, "fool-all", 1) == []
    assert fool_targets(3, "fool-all", 1) == [(0, 0), (1, 0), (2, 0)]
    assert fool_targets(3, "memoryless", 1) == [(2, 0)]
    assert fool_targets(1, "fool-all", 2) == [(0, 0), (0, 1)]  # Eq. 5: t classifiers of the earlier iteration


def test_rounds_config_keeps_a_held_out_classifier_and_checks_options():
    config = rounds_config(generators=4, classifiers=1)
    assert config["generators_per_classifier"] == 2 and config["classifiers_per_iteration"] == 2
    config = rounds_config(generators=6, classifiers=2)
    assert config["generators_per_classifier"] == 2 and config["classifiers_per_iteration"] == 3
    with pytest.raises(ValueError, match="held out"):
        rounds_config(generators=3, classifiers=3)
    with pytest.raises(ValueError, match="loss"):
        rounds_config(loss="fool-some")
    with pytest.raises(ValueError, match="at least 2"):
        rounds_config(generators=1)


def test_fooling_term_is_weighted_as_eq_4():
    shape = (1, 8, 8)
    x = np.random.default_rng(0).random((64, *shape)).astype(np.float32)
    classifier = build({"kind": "logreg", "shape": shape, "n_classes": 2})
    phi = 3.0
    cfg = gan_config(shape, width=8, z_dim=8, batch_size=16)
    plain = GANTrainer(x, cfg).step()
    fooled = GANTrainer(x, cfg, fool=[(classifier, 0)], fool_weights=(1 / (1 + phi), phi / (1 + phi))).step()
    assert "fool_loss" in fooled and fooled["fool_loss"] > 0
    assert fooled["g_loss"] == pytest.approx(plain["g_loss"])  # same seed, same D term before the update


def tiny_rounds():
    x = np.random.default_rng(1).random((120, 1, 8, 8)).astype(np.float32) ** 4
    config = rounds_config(iterations=2, generators=4, gan_steps=2, classifier_steps=3, samples_per_generator=20,
                           gan={"width": 8, "z_dim": 8, "batch_size": 16},
                           classifier={"architecture": "logreg", "batch_size": 16})
    return x, config


def test_run_rounds_gives_an_iteration_by_iteration_matrix_and_a_curve():
    x, config = tiny_rounds()
    seen = []
    result = run_rounds(x, config, SequentialExecutor(), lambda f, m: seen.append(f))
    matrix = np.array(result["matrix"])
    assert matrix.shape == (2, 2) and np.all((0 <= matrix) & (matrix <= 1))
    assert result["fool_targets"] == [[], [[0, 0]]]
    assert [p["generators"] for p in result["generalization"]] == [1, 2]
    assert seen[-1] == pytest.approx(1.0) and len(seen) == 2 * (4 + 2) + 2
    assert len(result["previews"]) == 2


def test_sequential_and_process_executors_return_results_in_job_order():
    jobs = [{"value": v} for v in (3, 1, 2)]
    assert SequentialExecutor().map(square, jobs) == [9, 1, 4]
    done = []
    # A builtin as the job function: spawned workers need not import torch or this module.
    assert ProcessExecutor(workers=2).map(dict, jobs, done.append) == jobs
    assert sorted(done) == [1, 2, 3]


def test_unknown_executor_is_refused():
    with pytest.raises(ValueError, match="unknown executor"):
        make_executor("mpi")


def test_ray_executor_runs_a_round_on_a_local_ray_instance():
    """Ray is optional (the `cluster` extra); where it is installed, a whole tiny round runs
    as Ray tasks on a local instance and gives the sequential executor's matrix."""
    ray = pytest.importorskip("ray")
    x, config = tiny_rounds()
    expected = run_rounds(x, config, SequentialExecutor(), lambda f, m: None)["matrix"]
    try:
        ray.init(num_cpus=1, include_dashboard=False, ignore_reinit_error=True)
        assert run_rounds(x, config, make_executor("ray"), lambda f, m: None)["matrix"] == expected
    finally:
        ray.shutdown()
