"""The clean-ups an outside researcher writes in one line over a generator's output (issue 14), for docs/studies.md,
"Cleaned generator output" (forty-third pass) and "Cleaned generator output, more clean-ups" (forty-eighth pass). Each takes float figures in [0, 1] (a generator's output, or a real
digit's 8-bit values / 255) and returns the 8-bit figures a PNG would hold. Not part of the product.

    python tests/benchmarks/cleaned_output.py IN.npy OUT_DIR   # one folder of PNGs per clean-up
"""
import os
import sys

import numpy as np


def rounded(x):
    return np.rint(np.clip(x, 0, 1) * 255).astype(np.uint8)


def per_image(f, x):
    return np.stack([f(image) for image in x])


def stretched(image, low=1, high=99):
    """A contrast stretch: the image's percentiles `low` and `high` mapped to 0 and 1."""
    lo, hi = np.percentile(image, [low, high])
    return np.clip((image - lo) / max(hi - lo, 1e-6), 0, 1)


def autocontrast(r):
    from PIL import Image, ImageOps

    return per_image(lambda image: np.asarray(ImageOps.autocontrast(Image.fromarray(image, mode="L"), cutoff=1)), r)


def cleanups(x):
    """{name: (n, h, w) uint8}: the figures untouched (`round`) and through each clean-up the passes measure."""
    from scipy import ndimage

    x = np.clip(np.asarray(x, dtype=np.float64), 0, 1)
    r = rounded(x)
    span = x.max(axis=(1, 2), keepdims=True) - x.min(axis=(1, 2), keepdims=True)
    return {
        "round": r,
        "clean": np.where(r < 30, 0, np.where(r > 230, 255, r)).astype(np.uint8),  # the one line
        "low30": np.where(r < 30, 0, r).astype(np.uint8),  # low values clamped only
        "clip": rounded((np.clip(x, 0.1, 0.9) - 0.1) / 0.8),  # clipped to [0.1, 0.9] and rescaled
        "levels16": rounded(np.round(x * 15) / 15),  # np.round to fewer levels
        "levels8": rounded(np.round(x * 7) / 7),
        "binary": np.where(x >= 0.5, 255, 0).astype(np.uint8),  # a stated limit
        "minmax": rounded((x - x.min(axis=(1, 2), keepdims=True)) / np.maximum(span, 1e-6)),
        "savegrid": np.clip(np.floor(x * 255 + 0.5), 0, 255).astype(np.uint8),  # torchvision's save_image
        "stretch": rounded(per_image(stretched, x)),
        "median": rounded(per_image(lambda image: ndimage.median_filter(image, size=3), x)),
        "gauss": rounded(per_image(lambda image: ndimage.gaussian_filter(image, sigma=0.7), x)),
        "autocontrast": autocontrast(r),  # PIL ImageOps.autocontrast(cutoff=1) of the 8-bit figure
    }


def write(x, out):
    from PIL import Image

    for name, images in cleanups(x).items():
        os.makedirs(os.path.join(out, name), exist_ok=True)
        for i, image in enumerate(images):
            Image.fromarray(image, mode="L").save(os.path.join(out, name, f"{i:04d}.png"))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    samples = np.load(sys.argv[1]).astype(np.float64)
    write(samples.reshape(len(samples), samples.shape[-2], samples.shape[-1]), sys.argv[2])
