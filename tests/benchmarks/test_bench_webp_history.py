"""Real and generated digits re-encoded lossily (lossy WebP, JPEG 99-100, JPEG 20-98) and then saved as
PNG, judged by `main.py verdict` (docs/studies.md, "Lossy WebP and JPEG 99-100 history", thirteenth pass).

Sets (declared before measuring). Case: `main.py case new CASE --reference 'builtin:mnist[0:5000]'`,
profile-only (no GAN or CNN registered). Tuning real: builtin:mnist[9000:9200]. Untouched real (looked
at once, at the end): builtin:mnist[9600:9800]. Generated: a DCGAN trained on builtin:mnist[0:5000]
(`main.py train gan --seed 11 --epochs 20`, not registered in the case), 200 digits (latent seed 5; untouched:
latent seed 6, and 200 digits of the same DCGAN trained 5 epochs, `--epochs 5`).
Channels: clean PNG; lossy WebP 50, 75, 90 decoded as PIL opens it (RGB) and saved as PNG, WebP 75 converted
to grey PNG, WebP 75 kept as a .webp file; JPEG 99, 100 and (real only) 20-98 then PNG.

    python tests/benchmarks/test_bench_webp_history.py folders tuning|untouched OUT [GAN_RUN]
    python tests/benchmarks/test_bench_webp_history.py count VERDICTS.json ...
    python tests/benchmarks/test_bench_webp_history.py reader tuning|untouched [GAN_RUN]
    python -m pytest tests/benchmarks/test_bench_webp_history.py -s -o addopts=""

The verdict table: write the folders, then for each `main.py verdict FOLDER --case CASE --json OUT` in a fresh copy
of the case, and `count` the OUTs.
"""
import collections
import io
import json
import os
import subprocess
import sys

import numpy as np

from tests.benchmarks.test_bench_jpeg_history import mnist, through_jpeg

SLICES = {"tuning": (9000, 9200), "untouched": (9600, 9800)}
GAN_RUN = "/tmp/s17-imghist/gan11e20"
SHORT_GAN_RUN = "/tmp/s17-imghist/gan11"  # the same, 5 epochs
LATENT_SEEDS = {"tuning": 5, "untouched": 6}
WEBP_QUALITIES = (50, 75, 90)
HIGH_JPEG = (99, 100)
# The regression check of the JPEG history (qualities 20-98): a spread of qualities, each on the whole slice.
JPEG_REGRESSION = (20, 35, 50, 65, 80, 90, 95, 97, 98)


def through_webp(images, quality, grey=False):
    """Each image saved as lossy WebP at `quality` by PIL and decoded as PIL opens it (RGB: a PNG saved from
    it holds it so) or converted to grey."""
    from PIL import Image

    out = []
    for image in images:
        buffer = io.BytesIO()
        Image.fromarray(image).save(buffer, format="WEBP", quality=quality)
        decoded = Image.open(buffer)
        out.append(np.asarray(decoded.convert("L") if grey else decoded))
    return out


def gan_digits(run, n=200, seed=5):
    path = f"/tmp/s17-imghist/{os.path.basename(run)}-{n}-{seed}.npy"
    if not os.path.exists(path):
        subprocess.run([sys.executable, "main.py", "generate", run, "--n", str(n), "--out", path, "--seed", str(seed)],
                       check=True)
    return np.rint(np.clip(np.load(path)[:, 0], 0, 1) * 255).astype(np.uint8)


def channels(images, jpeg=JPEG_REGRESSION):
    """{channel name: images through it}."""
    found = {"clean": list(images)}
    found |= {f"WebP {q} -> PNG": through_webp(images, q) for q in WEBP_QUALITIES}
    found["WebP 75 -> grey PNG"] = through_webp(images, 75, grey=True)
    found |= {f"JPEG {q} -> PNG": through_jpeg(images, q) for q in HIGH_JPEG + tuple(jpeg)}
    return found


def sets(which, run=GAN_RUN):
    start, stop = SLICES[which]
    found = {"real": channels(mnist(start, stop)), "gan": channels(gan_digits(run, seed=LATENT_SEEDS[which]),
                                                                  jpeg=(50, 90, 97))}
    if which == "untouched":  # a short-trained DCGAN too, whose digits the case catches more often
        found["gan5"] = channels(gan_digits(SHORT_GAN_RUN, seed=LATENT_SEEDS[which]), jpeg=(50, 90, 97))
    return found


def folders(which, out, run=GAN_RUN):
    from PIL import Image

    for side, found in sets(which, run).items():
        for name, images in found.items():
            folder = os.path.join(out, side, name.replace(" -> ", "-").replace(" ", ""))
            os.makedirs(folder, exist_ok=True)
            for k, image in enumerate(images):
                Image.fromarray(image).save(os.path.join(folder, f"{k:04d}.png"))
            print(folder)
        folder = os.path.join(out, side, "WebP75-file")  # the container says lossy WebP: the verdict's target
        os.makedirs(folder, exist_ok=True)
        for k, image in enumerate(found["clean"]):
            Image.fromarray(image).save(os.path.join(folder, f"{k:04d}.webp"), quality=75)


def count(paths):
    """Labels per verdicts JSON, with the detectors that decided the 'generated' labels and the channels assumed."""
    for path in paths:
        with open(path) as f:
            files = json.load(f)["files"]
        labels = collections.Counter(v["label"] for v in files)
        assumed = collections.Counter(v["channel"]["assumed"].split(" (")[0][:40] for v in files)
        deciders = collections.Counter(v["reasons"][0].split("decisive: ")[1].split(" with")[0]
                                       for v in files if v["label"] == "generated")
        print(f"{path}: {dict(labels)} of {len(files)}; decided by {dict(deciders)}; assumed {dict(assumed)}")


def reader(which, run=GAN_RUN):
    """The channel each file's pixels are read as, per set (no verdict)."""
    from engine.data.channels import image_channel

    for side, found in sets(which, run).items():
        for name, images in found.items():
            read = collections.Counter()
            for image in images:
                channel = image_channel(None, "PNG", b"", image)
                read[channel.get("codec") if not channel["lossy"] else
                     ("webp" if "webp_history" in channel else f"jpeg {channel.get('quality')}")] += 1
            print(f"{side:5s} {name:18s} {dict(read.most_common(6))}", flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "folders":
        folders(sys.argv[2], sys.argv[3], *sys.argv[4:])
    elif sys.argv[1] == "count":
        count(sys.argv[2:])
    else:
        reader(sys.argv[2], *sys.argv[3:])


def test_bench_webp_history():
    reader("tuning")
