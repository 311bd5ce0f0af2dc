"""Classifier defaults train to convergence (issue 14.5): class-balanced loss, early stopping on the
validation loss with the best weights kept, and a resumed run that keeps its stopping state."""
import json

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from engine.jobs import JobState  # noqa: E402
from training.classifier import CLASSIFIER_DEFAULTS, ClassifierTrainer, classifier_config  # noqa: E402
from training.loop import run_training  # noqa: E402

SHAPE = (1, 8, 8)


@pytest.fixture(autouse=True)
def one_thread():
    torch.set_num_threads(1)


def unbalanced(n_major=300, n_minor=60, seed=0):
    """A majority class of dim blobs and a minority of slightly brighter ones (noisy: not separable
    in one epoch, so the stopping point matters)."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 0.5, (n_major + n_minor, *SHAPE)).astype(np.float32)
    x[n_major:, :, 2:6, 2:6] += 0.25
    y = np.r_[np.zeros(n_major, np.int64), np.ones(n_minor, np.int64)]
    return np.clip(x, 0, 1), y


def test_the_defaults_balance_classes_and_stop_on_the_validation_loss():
    assert CLASSIFIER_DEFAULTS["balance"] is True and CLASSIFIER_DEFAULTS["patience"] > 0


def test_class_weights_are_inverse_to_the_train_split_frequencies():
    x, y = unbalanced()
    trainer = ClassifierTrainer(x, y, classifier_config(SHAPE, ["real", "fake"], architecture="logreg"))
    counts = np.bincount(y[trainer.train_idx], minlength=2)
    expected = len(trainer.train_idx) / (2 * counts)
    assert trainer.class_weights.numpy() == pytest.approx(expected, rel=1e-6)
    assert trainer.class_weights[1] > 3 * trainer.class_weights[0]
    plain = ClassifierTrainer(x, y, classifier_config(SHAPE, ["real", "fake"], architecture="logreg", balance=False))
    assert plain.class_weights.tolist() == [1.0, 1.0]


def test_training_stops_early_and_keeps_the_best_weights(tmp_path):
    x, y = unbalanced()
    config = classifier_config(SHAPE, ["real", "fake"], architecture="logreg", patience=3, lr=0.05)
    trainer = ClassifierTrainer(x, y, config)
    max_steps = trainer.batches.per_epoch * 500
    result = run_training(trainer, tmp_path / "c", {"steps": max_steps, "checkpoint_every": 10**6, "log_every": 1},
                          JobState())
    metrics = result["metrics"]
    assert result["status"] == "finished" and metrics["stopped_early"]
    assert metrics["steps"] < max_steps and metrics["steps"] % trainer.batches.per_epoch == 0
    assert trainer.validation_loss() == pytest.approx(metrics["best_validation_loss"], rel=1e-9)
    logged = [r["validation_loss"] for r in map(json.loads, open(tmp_path / "c" / "metrics.jsonl"))
              if "validation_loss" in r]
    assert min(logged) == pytest.approx(metrics["best_validation_loss"], rel=1e-9)


def test_balancing_raises_the_minority_recall():
    x, y = unbalanced(seed=1)

    def minority_recall(balance):
        config = classifier_config(SHAPE, ["real", "fake"], architecture="logreg", balance=balance, patience=0,
                                   lr=0.01, seed=2)
        trainer = ClassifierTrainer(x, y, config)
        for _ in range(trainer.batches.per_epoch * 3):
            trainer.step()
        predicted, _ = trainer.accuracy(np.flatnonzero(y == 1))
        return float(np.mean(predicted == 1))

    assert minority_recall(True) > minority_recall(False) + 0.2


def test_a_resumed_run_continues_the_early_stopping_where_it_stopped(tmp_path):
    x, y = unbalanced()
    config = classifier_config(SHAPE, ["real", "fake"], architecture="logreg", patience=3, lr=0.05)
    straight = ClassifierTrainer(x, y, config)
    steps = straight.batches.per_epoch * 500
    whole = run_training(straight, tmp_path / "a", {"steps": steps, "checkpoint_every": 10**6}, JobState())

    class StopAt(JobState):
        @property
        def cancelled(self):
            return first.step_count >= 2 * first.batches.per_epoch + 1

    first = ClassifierTrainer(x, y, config)
    assert run_training(first, tmp_path / "b", {"steps": steps, "checkpoint_every": 10**6}, StopAt())["status"] \
        == "cancelled"
    again = ClassifierTrainer(x, y, config)
    resumed = run_training(again, tmp_path / "b", {"steps": steps, "resume": True, "checkpoint_every": 10**6},
                           JobState())
    for key in ("steps", "best_validation_loss", "test_accuracy"):
        assert resumed["metrics"][key] == whole["metrics"][key]
