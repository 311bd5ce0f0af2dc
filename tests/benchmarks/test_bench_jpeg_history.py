"""The JPEG history read from a lossless image's pixels (engine/data/channels.py jpeg_history;
docs/studies.md, "JPEG history in lossless images").

Tuning sets (looked at while choosing the statistic and its thresholds): real digits
builtin:mnist[5000:5200] clean and through JPEG at qualities 30-98 (once, twice, as colour),
builtin:mnist[0:1000] and builtin:digits clean, 300 diffusion samples
/tmp/s10-images/tuning-ddim.npy and 300 real digits real-9000.npy, and the zoo case's runs'
samples (`main.py generate` from /tmp/s10-images/zoo3/runs/zoo/<run>, under GENERATED) clean and
thresholded. Untouched sets (run once, with the final code): builtin:mnist[7000:7500] clean and
through JPEG 60, 85, 95; /tmp/s10-images/untouched-ddim.npy clean and through JPEG 85; the zoo
case's gan-wgan-gp run's samples clean. Declared after the first untouched run (which was looked at
to diagnose its quality 60 -> 61 estimates) and run once: builtin:mnist[8000:8500] through JPEG
45, 55, 65, 80 (looked at: its quality 55 -> 54 estimates). Declared after that and run once:
builtin:mnist[8500:9000] through JPEG 50, 58, 70.

    python tests/benchmarks/test_bench_jpeg_history.py history tuning|untouched
    python tests/benchmarks/test_bench_jpeg_history.py folders tuning|untouched OUT   (PNG folders for `main.py verdict`)
    python tests/benchmarks/test_bench_jpeg_history.py speed
    python -m pytest tests/benchmarks/test_bench_jpeg_history.py -s -o addopts=""
"""
import io
import os
import sys
import time

import numpy as np

from engine.data.builtins import load_builtin
from engine.data.channels import jpeg_history

IMAGES = "/tmp/s10-images"
GENERATED = "/tmp/s11-jpeghist/gen"  # main.py generate RUN --n 300 --out GENERATED/<run>.npy


def as_uint8(x):
    return np.rint(np.clip(x[:, 0], 0, 1) * 255).astype(np.uint8)


def through_jpeg(images, *qualities, colour=False):
    """Each image saved as JPEG at each quality in turn and decoded (as a PNG of it holds it)."""
    from PIL import Image

    out = []
    for image in images:
        for quality in qualities:
            picture = Image.fromarray(image)
            picture = picture.convert("RGB") if colour else picture
            buffer = io.BytesIO()
            picture.save(buffer, format="JPEG", quality=quality)
            image = np.asarray(Image.open(buffer))
        out.append(image)
    return out


def thresholded(images):
    return [np.where(image >= 128, 255, 0).astype(np.uint8) for image in images]


def mnist(start, stop):
    return as_uint8(load_builtin("mnist", slice(start, stop)).x)


def stored(name, folder=IMAGES):
    return as_uint8(np.load(os.path.join(folder, f"{name}.npy")))


def sets(which):
    """{name: (images, the quality expected or None for clean)}."""
    if which == "tuning":
        real = mnist(5000, 5200)
        found = {"mnist[5000:5200] clean": (real, None), "mnist[0:1000] clean": (mnist(0, 1000), None),
                 "digits clean": (as_uint8(load_builtin("digits").x), None),
                 "tuning-ddim clean": (stored("tuning-ddim"), None),
                 "tuning-ddim thresholded": (thresholded(stored("tuning-ddim")), None),
                 "real-9000 clean": (stored("real-9000"), None)}
        for run in ("gan-lsgan", "gan-standard-clean", "vae-clean", "autoregressive"):
            if os.path.exists(os.path.join(GENERATED, f"{run}.npy")):
                found[f"{run} clean"] = (stored(run, GENERATED), None)
        for quality in (30, 40, 50, 60, 75, 85, 90, 95, 98):
            found[f"mnist[5000:5200] JPEG {quality}"] = (through_jpeg(real, quality), quality)
        found["mnist[5000:5200] JPEG 90 then 75"] = (through_jpeg(real, 90, 75), 75)
        found["mnist[5000:5200] JPEG 75 then 90"] = (through_jpeg(real, 75, 90), 90)
        found["mnist[5000:5200] colour JPEG 90"] = (through_jpeg(real, 90, colour=True), 90)
        found["mnist[5000:5200] colour JPEG 60"] = (through_jpeg(real, 60, colour=True), 60)
        return found
    real = mnist(7000, 7500)
    found = {"mnist[7000:7500] clean": (real, None)}
    for quality in (60, 85, 95):
        found[f"mnist[7000:7500] JPEG {quality}"] = (through_jpeg(real, quality), quality)
    found["untouched-ddim clean"] = (stored("untouched-ddim"), None)
    found["untouched-ddim JPEG 85"] = (through_jpeg(stored("untouched-ddim"), 85), 85)
    found["gan-wgan-gp clean"] = (stored("gan-wgan-gp", GENERATED), None)
    fresh = mnist(8000, 8500)  # declared after the first untouched run had been looked at
    for quality in (45, 55, 65, 80):
        found[f"mnist[8000:8500] JPEG {quality}"] = (through_jpeg(fresh, quality), quality)
    fresh = mnist(8500, 9000)  # declared after the second untouched run had been looked at
    for quality in (50, 58, 70):
        found[f"mnist[8500:9000] JPEG {quality}"] = (through_jpeg(fresh, quality), quality)
    return found


def history_rates(which):
    for name, (images, quality) in sets(which).items():
        start = time.perf_counter()
        found = [jpeg_history(image) for image in images]
        seconds = (time.perf_counter() - start) / len(images)
        read = [f["quality"] for f in found if f]
        exact = sum(q == quality for q in read)
        close = sum(abs(q - quality) <= 2 for q in read) if quality else 0
        print(f"{name:40s} history read {len(read)}/{len(images)}; quality exact {exact}, within 2 {close}; "
              f"qualities {sorted(set(read))[:8]}; {seconds * 1000:.0f} ms/image", flush=True)


def folders(which, out, found=None):
    """Each set (of `found`, else of sets(which)) as a folder of PNGs (images through JPEG are decoded
    and saved losslessly)."""
    from PIL import Image

    for name, (images, _) in (found or sets(which)).items():
        folder = os.path.join(out, name.replace(" ", "_").replace("[", "").replace("]", "").replace(":", "-"))
        os.makedirs(folder, exist_ok=True)
        for k, image in enumerate(images):
            Image.fromarray(image).save(os.path.join(folder, f"{k:05d}.png"))
        print(folder)


def photo_like(side, seed=0):
    """A smooth colour field with texture and noise, as a photograph's pixels (8-bit RGB)."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:side, 0:side] / side
    field = np.stack([np.sin(6 * x + c) * np.cos(4 * y - c) for c in (0.0, 1.0, 2.0)], axis=-1)
    field = 128 + 90 * field + rng.normal(0, 6, field.shape)
    return np.clip(np.rint(field), 0, 255).astype(np.uint8)


def speed():
    digit = mnist(0, 1)[0]
    photo = photo_like(2000)
    photo_jpeg = through_jpeg([photo], 80)[0]
    for name, image in (("28x28 digit", digit), ("28x28 digit JPEG 90", through_jpeg([digit], 90)[0]),
                        ("2000x2000 photo-like", photo), ("2000x2000 photo-like JPEG 80", photo_jpeg)):
        start = time.perf_counter()
        for _ in range(5):
            found = jpeg_history(image)
        print(f"{name:32s} {(time.perf_counter() - start) / 5 * 1000:.0f} ms; {found}")


def test_bench_jpeg_history():
    history_rates("tuning")


if __name__ == "__main__":
    if sys.argv[1] == "history":
        history_rates(sys.argv[2])
    elif sys.argv[1] == "folders":
        folders(sys.argv[2], sys.argv[3])
    else:
        speed()
