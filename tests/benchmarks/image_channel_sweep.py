"""Digits through the channels a real picture meets on its way to a user, written as the files themselves (the
container and its tables are what the verdict reads), then judged in an MNIST case and counted per channel with the
detector that decided each "generated" (docs/studies.md, "Image and MIDI channels on the current detectors",
forty-first pass; tests/benchmarks/data/image_channel_sweep_untouched.md names the sets).

Sources: `mnist:START:STOP` (builtin:mnist), `dir:PATH` (the PNGs of a folder, e.g. handwriting_elsewhere.py fresh),
`npy:PATH` (float maps in [0, 1], main.py generate's output), `convvae:SEED` (tests/synthetic_images.py's conv VAE,
trained on builtin:mnist[0:4000], latent 12).

    python tests/benchmarks/image_channel_sweep.py make OUT SOURCE [--channels png jpeg85 ...]
    python tests/benchmarks/image_channel_sweep.py judge CASE OUT [OUT ...] --json VERDICTS   # in a copy of CASE
    python tests/benchmarks/image_channel_sweep.py count VERDICTS
"""
import argparse
import collections
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np

from tests.benchmarks.test_bench_channels import deciding_detector
from tests.benchmarks.test_bench_jpeg_history import as_uint8, mnist

ROTATION_DEGREES = 8
ROTATION_SEED = 45


def _jpeg(quality, colour=False):
    def save(picture, path, k):
        if colour:  # a phone or web tool writes colour with 4:2:0 chroma even for a grey picture
            picture.convert("RGB").save(path + ".jpg", quality=quality, subsampling=2)
        else:
            picture.save(path + ".jpg", quality=quality)
    return save


def _jpeg_twice(first, second):
    def save(picture, path, k):
        import io

        from PIL import Image

        buffer = io.BytesIO()
        picture.save(buffer, format="JPEG", quality=first)
        Image.open(buffer).save(path + ".jpg", quality=second)
    return save


def _webp(quality):
    return lambda picture, path, k: picture.save(path + ".webp", quality=quality)


def _rotated_jpeg(picture, path, k):
    """Rotated by a seeded angle of its own (file number k), bicubic, then JPEG 85."""
    from PIL import Image

    angle = np.random.default_rng([ROTATION_SEED, k]).uniform(-ROTATION_DEGREES, ROTATION_DEGREES)
    picture.rotate(angle, resample=Image.BICUBIC).save(path + ".jpg", quality=85)


def _jpeg_options(quality, **options):
    return lambda picture, path, k: picture.save(path + ".jpg", quality=quality, **options)


def _jpeg_then_png(picture, path, k):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=75)
    Image.open(buffer).save(path + ".png")


def _mjpeg(picture, path, k):
    """FFmpeg's MJPEG encoder (its own quantiser scaling, not libjpeg's quality)."""
    with tempfile.TemporaryDirectory() as scratch:
        source = os.path.join(scratch, "in.png")
        picture.save(source)
        subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-i", source, "-q:v", "3", path + ".jpg"],
                       check=True)


def _png16(picture, path, k):
    from PIL import Image

    Image.fromarray(np.asarray(picture).astype(np.uint16) * 257).save(path + ".png")


CHANNELS = {
    "png": lambda picture, path, k: picture.save(path + ".png"),
    **{f"jpeg{q}": _jpeg(q) for q in (50, 60, 75, 85, 90, 95)},
    "jpeg90_75": _jpeg_twice(90, 75),
    "rgb420_85": _jpeg(85, colour=True),
    **{f"webp{q}": _webp(q) for q in (50, 80, 95)},
    "webp_lossless": lambda picture, path, k: picture.save(path + ".webp", lossless=True),
    "png16": _png16,
    "bmp": lambda picture, path, k: picture.save(path + ".bmp"),
    "rot8_jpeg85": _rotated_jpeg,
    **{f"jpeg{q}": _jpeg(q) for q in (20, 30, 40)},
    "jpeg75_progressive": _jpeg_options(75, progressive=True, optimize=True),
    "rgb444_85": lambda picture, path, k: picture.convert("RGB").save(path + ".jpg", quality=85, subsampling=0),
    **{f"avif{q}": (lambda q: lambda picture, path, k: picture.save(path + ".avif", quality=q))(q) for q in (50, 80)},
    "jp2_rate20": lambda picture, path, k: picture.save(path + ".jp2", quality_mode="rates", quality_layers=[20]),
    "gif": lambda picture, path, k: picture.save(path + ".gif"),
    "tiff_lzw": lambda picture, path, k: picture.save(path + ".tif", compression="tiff_lzw"),
    "webp30": _webp(30),
    "jpeg75_png": _jpeg_then_png,
    "mjpeg_q3": _mjpeg,
}


def digits(source):
    """(n, 28, 28) uint8 grey digits of a source spec."""
    kind, _, rest = source.partition(":")
    if kind == "mnist":
        start, stop = (int(v) for v in rest.split(":"))
        return mnist(start, stop)
    if kind == "dir":
        from PIL import Image

        return np.stack([np.asarray(Image.open(p).convert("L")) for p in sorted(glob.glob(os.path.join(rest, "*.png")))])
    if kind == "npy":
        return as_uint8(np.load(rest))
    if kind == "convvae":
        from engine.data.builtins import load_builtin
        from tests import synthetic_images as si

        return as_uint8(si.conv_vae_samples(load_builtin("mnist", slice(0, 4000)).x, 12, int(rest), 200))
    raise ValueError(f"unknown source {source}")


def make(out, source, channels):
    from PIL import Image

    images = digits(source)
    for channel in channels:
        folder = os.path.join(out, channel)
        os.makedirs(folder, exist_ok=True)
        for k, image in enumerate(images):
            picture, path = Image.fromarray(image), os.path.join(folder, f"{k:04d}")
            CHANNELS[channel](picture, path, k)
    print(f"{len(images)} digits x {len(channels)} channels in {out}")


def judge(case, outs, target):
    """Every channel folder of the sets `outs` judged in one run, in a fresh copy of the case (a verdict writes into
    its case; each channel's calibration is made once, as for a user who brings them all together)."""
    folders = sorted(d for out in outs for d in glob.glob(os.path.join(out, "*")) if os.path.isdir(d))
    with tempfile.TemporaryDirectory(dir=os.path.dirname(os.path.abspath(target))) as scratch:
        copy = os.path.join(scratch, "case")
        shutil.copytree(case, copy)
        subprocess.run([sys.executable, "main.py", "verdict", *folders, "--case", copy, "--json", target],
                       check=True, stdout=subprocess.DEVNULL)
    count(target)


def count(target):
    """Labels per set and channel folder, with the detector that decided each "generated"."""
    with open(target) as f:
        files = json.load(f)["files"]
    by_channel = collections.defaultdict(list)
    for v in files:
        folder = os.path.dirname(v["path"])
        by_channel[(os.path.basename(os.path.dirname(folder)), os.path.basename(folder))].append(v)
    print("set\tchannel\tgenerated\tinconclusive\tof\tdeciding")
    for (name, channel), found in sorted(by_channel.items()):
        labels = collections.Counter(v["label"] for v in found)
        deciding = collections.Counter(deciding_detector(v) for v in found if v["label"] == "generated")
        print(f"{name}\t{channel}\t{labels['generated']}\t{labels['inconclusive']}\t{len(found)}\t"
              f"{dict(deciding.most_common())}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    made = commands.add_parser("make")
    made.add_argument("out")
    made.add_argument("source")
    made.add_argument("--channels", nargs="+", choices=list(CHANNELS), default=list(CHANNELS))
    judged = commands.add_parser("judge")
    judged.add_argument("case")
    judged.add_argument("outs", nargs="+")
    judged.add_argument("--json", required=True)
    counted = commands.add_parser("count")
    counted.add_argument("json")
    args = parser.parse_args()
    if args.command == "make":
        make(args.out, args.source, args.channels)
    elif args.command == "judge":
        judge(args.case, args.outs, args.json)
    else:
        count(args.json)


if __name__ == "__main__":
    main()
