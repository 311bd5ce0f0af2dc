"""Candidate shape traits for a generator trained five times longer than the case's, measured by the forty-second
pass and not in the product: none lies beyond the reference's and its resampled copies' 99.9th percentile for more
than about 1 % of the long-trained GANs' missed files (docs/studies.md, "Long-trained MNIST GANs: a saturating
activation's shoulder"; the trait that did separate part of them is engine/detectors/shoulder.py). Kept beside
tests/benchmarks/long_gan_traits.py (the eighteenth pass's) so that the next pass starts from the measurement:

- `hole_changes`: how often the number of holes changes across the thresholds LEVELS (the inked figure's topology;
  a blotchy stroke opens and closes small holes as the threshold rises, a real digit's holes hold);
- `skeleton_endpoints` and `skeleton_branch_points`: of the Zhang-Suen skeleton of the ink >= INK (a spur or a
  blob adds them);
- `width_max_over_median`: the stroke's widest half-width on the skeleton over its median (a swelling);
- `non_one_step_greys`: the share of greys (GREY_LOW-GREY_HIGH) whose 3 x 3 neighbourhood does not hold both a
  value >= GREY_HIGH and one <= GREY_LOW: MNIST's box-reduced edge steps from background to plateau in one grey.

    .venv/bin/python tests/benchmarks/long_gan_topology.py GENERATED_FOLDER [GENERATED_FOLDER ...]
"""
import os
import sys

import numpy as np

INK = 0.5
LEVELS = np.arange(0.1, 0.951, 0.05)
GREY_LOW, GREY_HIGH = 0.1, 0.9


def _images(x):
    x = np.asarray(x, dtype=np.float64)
    return x.reshape(len(x), x.shape[-2], x.shape[-1])


def hole_changes(x):
    """Per figure: the sum over successive LEVELS of the change in its number of holes (background components
    4-connected, less the outer one, of the values >= level)."""
    from scipy import ndimage

    four = ndimage.generate_binary_structure(2, 1)
    out = np.zeros(len(x))
    for i, image in enumerate(_images(x)):
        holes = [ndimage.label(np.pad(image < t, 1, constant_values=True), four)[1] - 1 for t in LEVELS]
        out[i] = np.abs(np.diff(holes)).sum()
    return out


def _ring(skeleton):
    """The 8 neighbours of every pixel of (n, h, w) booleans, clockwise from the one above, as int arrays."""
    p = np.pad(skeleton, ((0, 0), (1, 1), (1, 1))).astype(int)
    return [p[:, :-2, 1:-1], p[:, :-2, 2:], p[:, 1:-1, 2:], p[:, 2:, 2:], p[:, 2:, 1:-1], p[:, 2:, :-2],
            p[:, 1:-1, :-2], p[:, :-2, :-2]]


def skeletons(x):
    """Zhang-Suen thinning of each figure's ink >= INK, (n, h, w) booleans."""
    image = _images(x) >= INK
    while True:
        changed = False
        for step in (0, 1):
            ring = _ring(image)
            neighbours = sum(ring)
            crossings = sum((ring[k] == 0) & (ring[(k + 1) % 8] == 1) for k in range(8))
            up, right, down, left = ring[0], ring[2], ring[4], ring[6]
            first, second = (up * right * down, right * down * left) if step == 0 else (up * right * left, up * down * left)
            kill = image & (neighbours >= 2) & (neighbours <= 6) & (crossings == 1) & (first == 0) & (second == 0)
            if kill.any():
                image = image & ~kill
                changed = True
        if not changed:
            return image


def skeleton_endpoints(x):
    skeleton = skeletons(x)
    return (skeleton & (sum(_ring(skeleton)) == 1)).sum(axis=(1, 2)).astype(np.float64)


def skeleton_branch_points(x):
    skeleton = skeletons(x)
    ring = _ring(skeleton)
    crossings = sum((ring[k] == 0) & (ring[(k + 1) % 8] == 1) for k in range(8))
    return (skeleton & (crossings >= 3)).sum(axis=(1, 2)).astype(np.float64)


def width_max_over_median(x):
    """Per figure: the largest half-width (distance transform of the ink) on its skeleton over the median; 0 with
    fewer than 3 skeleton pixels."""
    from scipy import ndimage

    out = np.zeros(len(x))
    for i, (image, skeleton) in enumerate(zip(_images(x), skeletons(x))):
        widths = ndimage.distance_transform_edt(image >= INK)[skeleton]
        if widths.size >= 3:
            out[i] = widths.max() / np.median(widths)
    return out


def non_one_step_greys(x):
    from scipy import ndimage

    images = _images(x)
    grey = (images > GREY_LOW) & (images < GREY_HIGH)
    bright = ndimage.maximum_filter(images, size=(1, 3, 3)) >= GREY_HIGH
    dark = ndimage.minimum_filter(images, size=(1, 3, 3)) <= GREY_LOW
    return (grey & ~(bright & dark)).sum(axis=(1, 2)) / (grey.sum(axis=(1, 2)) + 1.0)


CANDIDATES = {"hole-changes": hole_changes, "skeleton-endpoints": skeleton_endpoints,
              "skeleton-branch-points": skeleton_branch_points, "width-max-over-median": width_max_over_median,
              "non-one-step-greys": non_one_step_greys}


if __name__ == "__main__":
    if not sys.argv[1:] or sys.argv[1].startswith("-"):
        sys.exit(__doc__)
    from engine.data.specs import load_spec
    from tests.benchmarks import long_gan_traits

    named = {"real mnist[9000:9500]": load_spec("builtin:mnist[9000:9500]").x}
    named.update({os.path.basename(os.path.normpath(f)): long_gan_traits.load_folder(f) for f in sys.argv[1:]})
    for candidate, (limit, shares) in long_gan_traits.separation(named, candidates=CANDIDATES).items():
        print(f"{candidate:>24} beyond {limit:.3g}: " + ", ".join(f"{k} {v:.1%}" for k, v in shares.items()))
