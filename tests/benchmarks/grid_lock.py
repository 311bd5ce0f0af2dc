"""A generator's grid-locked pattern, read across the files of one batch: a measurement for issue 14 (long-trained
image generators), not in the product (docs/studies.md, "Long-trained image generators: a grid-locked pattern",
thirty-fifth pass): it fades as the generator trains (80 % of a 400-step DCGAN's files, 0.4 % at 2000 steps).

A generator that upsamples by transposed convolutions (7 -> 14 -> 28 in the product's DCGAN, pytorch/examples'
at 64) computes even and odd output pixels from different kernel taps, so its pictures carry a pattern locked to
the pixel grid at periods 2 and 4: power at the 15 DFT bins whose frequencies are multiples of pi/2 (`K`), with
the SAME phase in every file of that generator. A real digit's content at those bins has a phase set by where
its strokes fall, which varies from digit to digit; resampling (rotation, scaling) moves it further. One file's
bins are too weak to tell (the `checkerboard` detector reads the power alone: median tail probability 0.17 on a
long-trained DCGAN), but a batch of one generator's files agrees on a direction.

`coefficients`: the 15 real values per file (bins normalised by the file's power off DC). `Null`: their mean and
whitening on the reference's clean files. `loo_scores`: per file, its whitened coefficients projected on the unit
mean of the OTHER files of the batch (leave one out, so that a real file is independent of its direction), and
the tail probability of that projection among the reference's files and, apart, their resampled copies projected
on the same direction (the larger of the two, as figure statistics do; the floor is 1 / (n_reference + 1)).

Limits (the study): the direction exists only where a batch holds many files of one generator; generators differ
in how strong the pattern is (seed to seed) and it fades with training; a real batch through one multirate pipeline
(an enlargement by one factor, JPEG's 8 x 8 grid, whose harmonics fall on these bins) would share a pattern of its
own (reasoned, not measured).

    .venv/bin/python tests/benchmarks/grid_lock.py NAME=FOLDER_OR_NPY [NAME=... ...]   (28 x 28 sets)
"""
import glob
import os
import sys

import numpy as np

K = (0, 7, 14, 21)  # DFT indices of 0, pi/2, pi, 3 pi/2 on a 28-pixel side
DECIDES = 0.01 / 8  # about one image detector's share of alpha = 1 % on a PNG (Bonferroni weights)


def coefficients(x):
    """(n, [1,] 28, 28) -> (n, 15): the DFT bins at multiples of pi/2 (DC left out), one of each conjugate pair as
    real and imaginary parts (bins equal to their own conjugate: the real part), over the file's power off DC."""
    x = np.asarray(x, dtype=np.float64).reshape(len(x), 28, 28)
    x = x - x.mean(axis=(1, 2), keepdims=True)
    norm = np.sqrt((x ** 2).sum(axis=(1, 2))) + 1e-12
    f = np.fft.fft2(x) / norm[:, None, None]
    cols, seen = [], set()
    for u in K:
        for v in K:
            if (u, v) == (0, 0) or (u, v) in seen:
                continue
            twin = ((-u) % 28, (-v) % 28)
            seen.update({(u, v), twin})
            cols.append(f[:, u, v].real)
            if twin != (u, v):
                cols.append(f[:, u, v].imag)
    return np.stack(cols, axis=1)


class Null:
    """The reference's coefficients whitened (mean and covariance of its clean files), and its copies'."""

    def __init__(self, reference, copies):
        c = coefficients(reference)
        self.mean = c.mean(axis=0)
        w, v = np.linalg.eigh(np.cov(c, rowvar=False))
        self.whiten = v / np.sqrt(w)
        self.reference = self.whitened(reference)
        self.copies = self.whitened(copies)

    def whitened(self, x):
        return (coefficients(x) - self.mean) @ self.whiten


def loo_directions(z):
    """Per file of a batch (n, d whitened), the unit mean of the other files' vectors."""
    others = z.sum(axis=0)[None, :] - z
    return others / (np.linalg.norm(others, axis=1, keepdims=True) + 1e-12)


def loo_scores(null, x):
    """(projections, tail probabilities) of a batch's files (n >= 2) on their leave-one-out directions."""
    z = null.whitened(x)
    d = loo_directions(z)
    s = (z * d).sum(axis=1)
    p = np.zeros(len(z))
    for part in (null.reference, null.copies):
        beyond = (part @ d.T >= s[None, :]).sum(axis=0)
        p = np.maximum(p, (1.0 + beyond) / (len(part) + 1.0))
    return s, p


def load(path):
    """A folder of PNG/JPEG files (sorted) or an .npy, as (n, 28, 28) values in [0, 1]."""
    if path.endswith(".npy"):
        x = np.load(path).astype(np.float64)
        return (x / 255 if x.max() > 1.5 else x).reshape(len(x), 28, 28)
    from PIL import Image

    paths = sorted(glob.glob(os.path.join(path, "*.png")) + glob.glob(os.path.join(path, "*.jpg")))
    return np.stack([np.asarray(Image.open(p).convert("L"), dtype=np.float64) / 255 for p in paths])


def reference_null(spec="builtin:mnist[0:5000]"):
    from engine.data.specs import load_spec
    from engine.detectors.resampling import resampled_copies

    x = load_spec(spec).x
    return Null(x, resampled_copies(x, 255)[0])


if __name__ == "__main__":
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))
    null = reference_null()
    for arg in sys.argv[1:]:
        name, path = arg.split("=", 1)
        s, p = loo_scores(null, load(path))
        print(f"{name:>16}: n {len(s)}, projection median {np.median(s):.2f}, "
              f"p <= {DECIDES:.5f}: {np.mean(p <= DECIDES):.1%}, p <= 0.01: {np.mean(p <= 0.01):.1%}")
