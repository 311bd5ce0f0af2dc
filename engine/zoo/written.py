"""The zoo's image samples as an image file holds them.

A generator's float output reaches a verdict only as a file, and an 8-bit PNG holds each value on the
case's grid k/levels: rounded (`rint(x * 255)`, as PIL and torchvision's `save_image` write it) or cut
down by a cast (`(x * 255).astype(uint8)`, a common line in a researcher's script). The zoo's raw runs
held its generators' floats: three quarters of a zoo DCGAN's pixels lay in (0, 0.5/255), which no PNG
holds, so the learned detectors were trained on a faint haze that evidence never shows. Each raw image
sample is written one way or the other, drawn per sample (seeded), so that the detectors meet both
(docs/studies.md, "Image generators in a zoo case", thirty-ninth pass: it moved no verdict there).
"""
import numpy as np

ROUNDED_SHARE = 0.5  # of the samples rounded; the others truncated


def as_written(x, modality_name, levels, seed=0):
    """Samples x (n, c, h, w) in [0, 1] on the grid k/levels as a PNG file holds them (modalities whose
    samples are written otherwise, and data without a grid, unchanged)."""
    from engine.modality import modality

    if modality(modality_name).suffix != ".png" or not levels:
        return x
    scaled = np.clip(np.asarray(x, dtype=np.float32), 0, 1) * np.float32(levels)
    rounded = np.random.default_rng(seed).random((len(scaled),) + (1,) * (scaled.ndim - 1)) < ROUNDED_SHARE
    return (np.where(rounded, np.rint(scaled), np.floor(scaled)) / levels).astype(np.float32)
