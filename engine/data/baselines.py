"""Baseline sets drawn to match a reference's size, sample shape and mean intensity.

- bernoulli:   each value is 1 with probability p = the reference's mean intensity, else 0
               (levels 1) - the TequilaGAN baseline for binary-looking data.
- exponential: Exponential(scale = the reference's mean intensity), clipped to [0, 1]
               (levels None) - the TequilaGAN baseline for mel-spectrograms. Clipping
               lowers the mean slightly when the reference mean is large; meta records both.

Draws come from numpy's default generator with a fixed seed, so the same reference
always yields the same baseline.
"""
import numpy as np

from engine.data.sampleset import SampleSet
from engine.errors import InputError

KINDS = ("bernoulli", "exponential")
SEED = 0


def draw_baseline(kind, reference, seed=SEED, name=None):
    """baseline:KIND matching `reference` (a SampleSet) -> SampleSet of the same modality and shape."""
    source = f"baseline:{kind}"
    if kind not in KINDS:
        raise InputError(source, f"unknown baseline (available: {', '.join(KINDS)})")
    if reference is None:
        raise InputError(source, "a baseline is drawn to match a reference set: it can be compared with one, not be one or stand alone")
    mean = float(reference.x.mean(dtype=np.float64))
    rng = np.random.default_rng(seed)
    if kind == "bernoulli":
        x = (rng.random(reference.x.shape, dtype=np.float32) < mean).astype(np.float32)
        levels, params = 1, {"p": mean}
    else:
        x = np.minimum(rng.exponential(mean, reference.x.shape).astype(np.float32), 1.0) if mean > 0 \
            else np.zeros(reference.x.shape, np.float32)
        levels, params = None, {"scale": mean, "clipped_fraction": float((x >= 1).mean())}
    return SampleSet(
        name=name or source, modality=reference.modality, x=x, levels=levels,
        items=[f"{source}[{i}]" for i in range(x.shape[0])],
        meta={"baseline": kind, "seed": seed, "reference": reference.name, "reference_mean": mean,
              "mean": float(x.mean(dtype=np.float64)), **params},
    )
