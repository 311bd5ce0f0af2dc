"""Tiling samples into one preview image."""
import math
import os

import numpy as np


def make_grid(samples, columns=None, gap=1):
    """(n, c, h, w) intensities -> (H, W, c) array with a `gap`-pixel white border between tiles."""
    samples = np.clip(np.asarray(samples, dtype=np.float32), 0, 1)
    n, c, h, w = samples.shape
    columns = columns or int(math.ceil(math.sqrt(n)))
    rows = int(math.ceil(n / columns))
    grid = np.ones((rows * (h + gap) + gap, columns * (w + gap) + gap, c), dtype=np.float32)
    for i, sample in enumerate(samples):
        r, col = divmod(i, columns)
        top, left = gap + r * (h + gap), gap + col * (w + gap)
        grid[top : top + h, left : left + w] = sample.transpose(1, 2, 0)
    return grid


def intensity_histogram(samples, bins=100):
    """Counts of intensities in 100 bins on [0,1] (values outside are clipped into the end bins)."""
    counts, _ = np.histogram(np.clip(np.asarray(samples).ravel(), 0, 1), bins=bins, range=(0, 1))
    return counts


def save_png(path, grid):
    """An (H, W, C) grid in [0,1] as an 8-bit PNG (a run artefact), written atomically."""
    from PIL import Image

    pixels = (np.clip(grid, 0, 1) * 255 + 0.5).astype(np.uint8)
    tmp = f"{path}.tmp{os.getpid()}"
    Image.fromarray(pixels[..., 0] if pixels.shape[2] == 1 else pixels).save(tmp, format="PNG")
    os.replace(tmp, path)
