"""Attribution classifiers, the inverse model and FGSM on tiny arrays."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")

from engine.jobs import JobState  # noqa: E402
from training.classifier import (ClassifierTrainer, classifier_config, confusion_matrix, predict,  # noqa: E402
                                 split_indices)
from training.fgsm import fgsm  # noqa: E402
from training.gan import architectures, gan_config  # noqa: E402
from training.inverse import (InverseTrainer, balanced_accuracy, best_threshold, cosine_proximity,  # noqa: E402
                              inverse_config, reconstruction_distance, refine_latents)
from training.loop import run_training  # noqa: E402
from training.models import build  # noqa: E402

SHAPE = (1, 8, 8)


@pytest.fixture(autouse=True)
def one_thread():
    torch.set_num_threads(1)


def three_sources(n=150, seed=0):
    """Real-like blobs, bright noise, and striped maps: separable by construction."""
    rng = np.random.default_rng(seed)
    blobs = np.zeros((n, *SHAPE), np.float32)
    blobs[:, :, 2:6, 2:6] = rng.uniform(0.6, 1.0, (n, 1, 4, 4))
    noise = rng.uniform(0.3, 1.0, (n, *SHAPE)).astype(np.float32)
    stripes = np.zeros((n, *SHAPE), np.float32)
    stripes[:, :, :, ::2] = rng.uniform(0.5, 1.0, (n, 1, 8, 4))
    x = np.concatenate([blobs, noise, stripes])
    y = np.repeat(np.arange(3), n)
    return x, y


def test_split_is_disjoint_and_complete():
    train, val, test = split_indices(100, [0.7, 0.15, 0.15], seed=1)
    assert len(train) == 70 and len(val) == 15 and len(test) == 15
    assert sorted(np.concatenate([train, val, test]).tolist()) == list(range(100))


def test_confusion_matrix_counts_true_rows_against_predicted_columns():
    m = confusion_matrix(np.array([0, 0, 1, 2, 2]), np.array([0, 1, 1, 2, 0]), 3)
    assert m.tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 1]]


@pytest.mark.parametrize("architecture", ["paper-classifier", "logreg", "cnn"])
def test_multiclass_attribution_reaches_high_test_accuracy(architecture, tmp_path):
    x, y = three_sources()
    config = classifier_config(SHAPE, ["real", "gan_a", "gan_b"], architecture=architecture, seed=1)
    trainer = ClassifierTrainer(x, y, config)
    result = run_training(trainer, tmp_path / "c", {"steps": 60, "checkpoint_every": 1000}, JobState())
    metrics = result["metrics"]
    assert metrics["labels"] == ["real", "gan_a", "gan_b"]
    assert metrics["test_accuracy"] >= 0.95
    matrix = np.array(metrics["confusion_matrix"])
    assert matrix.shape == (3, 3) and matrix.sum() == metrics["n_test"]


def test_classifier_at_chance_on_indistinguishable_sources(tmp_path):
    rng = np.random.default_rng(3)
    x = rng.random((300, *SHAPE)).astype(np.float32)
    y = np.repeat([0, 1], 150)
    trainer = ClassifierTrainer(x, y, classifier_config(SHAPE, ["real", "fake"], architecture="logreg"))
    metrics = run_training(trainer, tmp_path / "c", {"steps": 30, "checkpoint_every": 1000}, JobState())["metrics"]
    assert metrics["test_accuracy"] < 0.8


def test_fgsm_untargeted_changes_predictions_and_stays_in_bounds():
    x, y = three_sources(60)
    trainer = ClassifierTrainer(x, y, classifier_config(SHAPE, ["a", "b", "c"], architecture="logreg", seed=2))
    for _ in range(80):
        trainer.step()
    model = trainer.model
    adversarial = fgsm(model, x, eps=0.5)
    assert adversarial.min() >= 0 and adversarial.max() <= 1
    assert np.abs(adversarial - x).max() <= 0.5 + 1e-6
    before, after = predict(model, x).argmax(1), predict(model, adversarial).argmax(1)
    assert np.mean(before != after) > 0.3


def test_fgsm_targeted_pulls_samples_towards_the_target():
    x, y = three_sources(60)
    trainer = ClassifierTrainer(x, y, classifier_config(SHAPE, ["a", "b", "c"], architecture="logreg", seed=2))
    for _ in range(80):
        trainer.step()
    before = predict(trainer.model, x)[:, 0].mean()
    after = predict(trainer.model, fgsm(trainer.model, x, eps=0.2, target=0))[:, 0].mean()
    assert after > before


def test_best_threshold_separates_distances_and_reports_balanced_accuracy():
    assert best_threshold(np.array([1.0, 1.5]), np.array([4.0, 5.0])) == (1.5, 1.0)
    positive, negative = np.array([1.0, 2.0, 3.0]), np.array([5.0, 6.0, 2.5])
    threshold, accuracy = best_threshold(positive, negative)
    assert threshold in (2.0, 3.0) and accuracy == pytest.approx(5 / 6)  # the two optimal cuts tie
    assert balanced_accuracy(positive, negative, threshold) == pytest.approx(accuracy)


def test_cosine_proximity_of_parallel_and_opposite_vectors():
    a = np.array([[1.0, 2.0], [0.0, 3.0]])
    assert cosine_proximity(a, 2 * a) == pytest.approx(1.0)
    assert cosine_proximity(a, -a) == pytest.approx(-1.0)


def varied_generator():
    """An untrained paper G with larger random weights, so that its output clearly varies with z."""
    gan = gan_config(SHAPE, architecture="paper", z_dim=4, seed=0)
    g_arch, _ = architectures(gan)
    torch.manual_seed(0)
    generator = build(g_arch)
    with torch.no_grad():
        for p in generator.parameters():
            if p.dim() > 1:
                torch.nn.init.xavier_normal_(p, gain=2.0)
    return gan, g_arch, generator


def test_latent_refinement_moves_a_wrong_start_towards_the_sample_and_ignores_batching():
    gan, _, generator = varied_generator()
    z_true = torch.randn(6, 4, generator=torch.Generator().manual_seed(3))
    with torch.no_grad():
        x = generator(z_true).numpy()
    start = z_true + 0.8 * torch.randn(6, 4, generator=torch.Generator().manual_seed(4))

    def distance(z):
        with torch.no_grad():
            return np.linalg.norm((generator(z).numpy() - x).reshape(6, -1), axis=1)

    refined = refine_latents(generator, x, start, "sigmoid", steps=40, lr=0.05)
    assert np.all(distance(refined) < distance(start))
    assert np.median(distance(refined)) < 0.5 * np.median(distance(start))
    in_pairs = refine_latents(generator, x, start, "sigmoid", steps=40, lr=0.05, batch_size=2)
    # The samples do not interact, but float32 kernels sum in an order that depends on the batch
    # size and the CPU, and Adam's normalised step can turn a rounding difference in a near-zero
    # gradient into part of a step of lr = 0.05 (3e-3 seen on AVX2 between batches of 2 and 6).
    # Batch statistics leaking between samples would move latents by whole steps and distances
    # by about their own size; rounding moves the distances by ~1e-4 of an intensity unit.
    assert torch.allclose(refined, in_pairs, rtol=0, atol=0.05 / 5)
    assert np.allclose(distance(refined), distance(in_pairs), rtol=0, atol=1e-3)
    assert torch.equal(refine_latents(generator, x, start, "sigmoid", steps=0, lr=0.05), start)


def test_inverse_model_recovers_latents_and_tells_its_generator_from_other_data(tmp_path):
    gan, g_arch, generator = varied_generator()
    config = inverse_config(dict(gan, generator_architecture=g_arch), n_evaluate=200, seed=0, refine_steps=20)
    negatives = np.random.default_rng(1).random((200, *SHAPE)).astype(np.float32)
    trainer = InverseTrainer(generator, negatives, config)
    metrics = run_training(trainer, tmp_path / "inv", {"steps": 100, "checkpoint_every": 1000}, JobState())["metrics"]
    assert metrics["cosine_proximity"] > 0.8
    assert metrics["accuracy"] > 0.9
    assert metrics["distance_generated_median"] < metrics["threshold"] < metrics["distance_negative_median"]
    with torch.no_grad():
        own = generator(torch.randn(50, 4, generator=torch.Generator().manual_seed(5))).numpy()
    plain = reconstruction_distance(trainer.E, generator, own, "sigmoid")
    refined = reconstruction_distance(trainer.E, generator, own, "sigmoid", refine_steps=30)
    assert np.median(refined) < np.median(plain)
