"""Generator output activations and the map between their range and the [0,1] intensity space.

Each activation has a *data space* the real samples are scaled into while training:
sigmoid and linear train on [0,1] intensities as they are; tanh and scaled tanh train on
[-1,1] (x -> 2x - 1) and their outputs come back with t -> (t + 1) / 2. Scaled tanh is
LeCun's 1.7159·tanh(2t/3): its range (±1.7159) reaches past ±1, so the targets ±1 are
not at the saturation points, as in the TequilaGAN experiments. Linear and scaled-tanh
outputs can leave [0,1]; `to_intensity` keeps them (analysis of the raw output), and
exporters clip (`clip_fraction` says how much was clipped).
"""
import numpy as np

ACTIVATIONS = ("sigmoid", "tanh", "scaled-tanh", "linear")
_SYMMETRIC = ("tanh", "scaled-tanh")


def check_activation(name):
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}")
    return name


def apply_activation(t, name):
    """Applies the output activation to a tensor of pre-activations."""
    import torch

    if name == "sigmoid":
        return torch.sigmoid(t)
    if name == "tanh":
        return torch.tanh(t)
    if name == "scaled-tanh":
        return 1.7159 * torch.tanh(t * (2.0 / 3.0))
    return t


def from_intensity(x, name):
    """[0,1] intensities (array or tensor) -> the activation's data space."""
    return x * 2 - 1 if name in _SYMMETRIC else x


def pre_activation(y, name):
    """The pre-activation whose output is y (an array in the activation's data space, inside its range)."""
    y = np.asarray(y, dtype=np.float64)
    if name == "sigmoid":
        y = np.clip(y, 1e-3, 1 - 1e-3)
        return np.log(y / (1 - y))
    if name == "tanh":
        return np.arctanh(np.clip(y, -0.999, 0.999))
    if name == "scaled-tanh":
        return 1.5 * np.arctanh(np.clip(y / 1.7159, -0.999, 0.999))
    return y


def to_intensity(t, name):
    """The activation's data space (array or tensor) -> intensity space (may leave [0,1])."""
    return (t + 1) / 2 if name in _SYMMETRIC else t


def clip_fraction(x):
    """Fraction of values outside [0,1] (they are clipped when written as intensities)."""
    x = np.asarray(x)
    return float(np.mean((x < 0) | (x > 1))) if x.size else 0.0
