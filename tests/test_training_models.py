"""Architectures for every intensity-map shape, and the activation <-> intensity maps."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")

from training.activations import (ACTIVATIONS, apply_activation, clip_fraction, from_intensity,  # noqa: E402
                                  to_intensity)
from training.models import build, upsampling_plan  # noqa: E402

SHAPES = [(1, 28, 28), (3, 32, 32), (1, 8, 8), (1, 64, 32), (1, 128, 64), (1, 64, 30)]


@pytest.fixture(autouse=True)
def one_thread():
    torch.set_num_threads(1)


def test_upsampling_plan_covers_the_shape_from_a_small_grid():
    assert upsampling_plan(28, 28) == (2, 7, 7)
    assert upsampling_plan(8, 8) == (1, 4, 4)
    assert upsampling_plan(128, 64) == (4, 8, 4)
    k, r, c = upsampling_plan(64, 30)
    assert r * 2**k >= 64 and c * 2**k >= 30 and 4 <= min(r, c) <= 8


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("family", ["dcgan", "paper"])
def test_generator_and_discriminator_fit_every_shape(shape, family):
    g = build({"kind": f"{family}-generator", "shape": shape, "z_dim": 8})
    d = build({"kind": f"{family}-discriminator", "shape": shape})
    fake = g(torch.randn(3, 8))
    assert fake.shape == (3, *shape)
    assert d(fake).shape == (3,)


@pytest.mark.parametrize("kind", ["paper-classifier", "logreg", "cnn"])
def test_classifiers_give_one_logit_per_class(kind):
    for shape in SHAPES[:3]:
        assert build({"kind": kind, "shape": shape, "n_classes": 4})(torch.rand(2, *shape)).shape == (2, 4)


def test_inverse_model_maps_a_sample_to_a_latent():
    assert build({"kind": "inverse", "shape": (1, 28, 28), "z_dim": 100})(torch.rand(2, 1, 28, 28)).shape == (2, 100)


def test_paper_generator_matches_003_figure_2_parameter_count():
    g = build({"kind": "paper-generator", "shape": (1, 28, 28), "z_dim": 100})
    assert sum(p.numel() for p in g.parameters()) == 1_164_289


def test_paper_classifier_matches_003_figure_3_parameter_count():
    c = build({"kind": "paper-classifier", "shape": (1, 28, 28), "n_classes": 2})
    assert sum(p.numel() for p in c.parameters()) == 1_403_650


def test_unknown_architecture_is_refused():
    with pytest.raises(ValueError, match="unknown architecture"):
        build({"kind": "resnet", "shape": (1, 8, 8)})


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_intensities_round_trip_through_each_data_space(name):
    x = np.linspace(0, 1, 11, dtype=np.float32)
    assert np.allclose(to_intensity(from_intensity(x, name), name), x)


def test_activation_ranges_and_intensity_maps():
    t = torch.linspace(-20, 20, 101)
    assert float(apply_activation(t, "sigmoid").min()) >= 0
    assert float(apply_activation(t, "tanh").abs().max()) <= 1
    scaled = apply_activation(t, "scaled-tanh")
    assert 1.7 < float(scaled.max()) <= 1.7159 + 1e-6  # reaches past the ±1 targets
    assert torch.equal(apply_activation(t, "linear"), t)
    assert float(to_intensity(torch.tensor(-1.0), "tanh")) == 0.0
    assert float(to_intensity(torch.tensor(1.0), "scaled-tanh")) == 1.0
    assert clip_fraction(np.array([-0.1, 0.5, 1.2, 1.0])) == 0.5
