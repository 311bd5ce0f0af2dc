"""JPEG at qualities 95-98 read from a lossless image's pixels as a fixed point of the encoder
(engine/data/channels.py fixed_point_history; docs/studies.md, "High-quality JPEG history", tenth pass).

Tuning sets (looked at while choosing the statistic and its threshold): builtin:mnist[7000:7200]
through JPEG 90, 95-99; the seed-7 exercise's real evidence mnist[9000:9500] (REAL_PNGS); the
seed-7 case's registered seed-0 GAN's digits (GAN_PNGS, the first 500); the zoo case's GANs
(test_bench_jpeg_history.GENERATED); mnist[9000:9200] blurred or with smooth noise beside the strokes.
Untouched sets (run once, with the final code): builtin:mnist[7500:7700] through JPEG 97 and 98,
builtin:mnist[8500:9000] clean, and the unregistered seed-7 GAN's 500 digits (UNTOUCHED_GAN_PNGS).

    python tests/benchmarks/test_bench_jpeg_high_quality.py reader tuning|untouched
    python tests/benchmarks/test_bench_jpeg_high_quality.py folders tuning|untouched OUT  (PNGs for `main.py verdict`)
    python -m pytest tests/benchmarks/test_bench_jpeg_high_quality.py -s -o addopts=""
"""
import collections
import glob
import os
import sys
import time

import numpy as np

from engine.data.channels import jpeg_history
from tests.benchmarks.test_bench_jpeg_history import GENERATED, folders, mnist, stored, through_jpeg

EXERCISE = "/tmp/s12-regress/mnist7"  # the MNIST seed-7 exercise (tests/benchmarks/test_bench_verdicts.py)
REAL_PNGS = f"{EXERCISE}/evidence/real"
GAN_PNGS = f"{EXERCISE}/gan-seed0-files"
UNTOUCHED_GAN_PNGS = f"{EXERCISE}/evidence/generated"


def pngs(folder, n=500):
    from PIL import Image

    return [np.asarray(Image.open(path).convert("L")) for path in sorted(glob.glob(f"{folder}/*.png"))[:n]]


def hazy(images, seed=0):
    """(blurred, smooth noise beside the strokes): real digits given a generator-like haze."""
    from scipy.ndimage import gaussian_filter

    x = np.asarray(images, dtype=np.float64)
    noise = gaussian_filter(np.random.default_rng(seed).normal(size=x.shape), (0, 1.5, 1.5))
    near = gaussian_filter((x > 64).astype(np.float64), (0, 2, 2)) > 0.02
    as8 = lambda v: np.clip(np.rint(v), 0, 255).astype(np.uint8)  # noqa: E731
    return as8(gaussian_filter(x, (0, 0.7, 0.7))), as8(x + np.abs(noise) * 4 / noise.std() * near)


def sets(which):
    """{name: (images, the quality expected or None for none)}."""
    if which == "tuning":
        real = mnist(7000, 7200)
        found = {f"mnist[7000:7200] JPEG {q}": (through_jpeg(real, q), q if q < 99 else None)
                 for q in (90, 95, 96, 97, 98, 99)}
        found["mnist[9000:9500] clean"] = (pngs(REAL_PNGS), None)
        found["seed-0 GAN (registered)"] = (pngs(GAN_PNGS), None)
        for run in ("gan-lsgan", "gan-standard-clean", "gan-wgan-gp"):
            if os.path.exists(os.path.join(GENERATED, f"{run}.npy")):
                found[f"zoo {run}"] = (stored(run, GENERATED), None)
        blurred, noisy = hazy(mnist(9000, 9200))
        found["mnist[9000:9200] blurred"], found["mnist[9000:9200] smooth noise"] = (blurred, None), (noisy, None)
        return found
    real = mnist(7500, 7700)
    found = {f"mnist[7500:7700] JPEG {q}": (through_jpeg(real, q), q) for q in (97, 98)}
    found["mnist[8500:9000] clean"] = (mnist(8500, 9000), None)
    found["seed-7 GAN (unregistered)"] = (pngs(UNTOUCHED_GAN_PNGS), None)
    return found


def reader_rates(which):
    for name, (images, quality) in sets(which).items():
        start = time.perf_counter()
        found = [jpeg_history(image) for image in images]
        seconds = (time.perf_counter() - start) / max(len(images), 1)
        read = collections.Counter(f["quality"] for f in found if f)
        fixed = sum(1 for f in found if f and "moved_ratio" in f)
        print(f"{name:34s} read {sum(read.values())}/{len(images)} (fixed point {fixed}); at {quality}: "
              f"{read.get(quality, 0)}; qualities {dict(sorted(read.items()))}; {seconds * 1000:.0f} ms/image",
              flush=True)


def test_bench_jpeg_high_quality():
    reader_rates("tuning")


if __name__ == "__main__":
    if sys.argv[1] == "reader":
        reader_rates(sys.argv[2])
    else:
        folders(sys.argv[2], sys.argv[3], sets(sys.argv[2]))
