"""Pictures of another size than the case reference's (engine/data/picture_size.py; docs/studies.md "Pictures of
another size", twenty-third pass): real and generated digits padded or enlarged, saved as PNG and judged by
`verdict.judge`, and how often the enlarging filter is read.

Sets (declared before measuring). Case: `main.py case new CASE --reference 'builtin:mnist[0:2000]'` with the
documented workflow's GAN registered (`main.py train gan --data 'builtin:mnist[0:1600]' --out GAN --case CASE`,
seed 0, 5 epochs = 125 steps), alpha 1 %. Real: tuning builtin:mnist[9000:9300], untouched builtin:mnist[9600:9900].
Generated: the case's GAN, `generate --seed 11` (tuning) and `--seed 12` (untouched), 300 digits each; a DCGAN trained
natively at 64 x 64 (tests/benchmarks/dcgan64.py: pytorch/examples' dcgan on builtin:mnist[0:1600] through
torchvision's Resize(64); planned ngf = ndf = 16, 1,500 steps, seed 1; it did not train, so ngf 32, ndf 16, one-sided
label smoothing, 1,200 steps, seed 1), 300 outputs of latent seed 21 (tuning) and 22 (untouched), judged as
generated (64 x 64) and reduced to 28 x 28 with Pillow's box filter (what a user wanting the case's size would do).
The same sets also in the case made profile-only (no run registered: an outside generator). Channels of the 28 x 28
digits: clean; padded to 32 x 32 (2 pixels each side; tuning also 4 pixels right and bottom only, `padcorner`); enlarged to 56 and 64 with Pillow's nearest, bilinear, bicubic, Lanczos and
torch's bilinear with antialias (torchvision's Resize on tensors); tuning also 64 with torch's bicubic (a = -0.75, a
filter the reader does not model); untouched also 40 with Lanczos, 84 with bilinear and 64 with torch's bicubic.

Measured (2026-12-03, 2-core CPU, no GPU; BENCH_N: tuning sets and the GAN's judged on their first 150, untouched
real digits on 300; docs/studies.md has the table): real digits labelled generated, tuning 0-1 of 150 per lossy
filter and size (2 clean, padded and nearest, which is exact: the same digits; 150 padded off-centre, by placement),
untouched 0 of 300 on every set; an unregistered GAN of the same trainer run 2,000 steps (seed 7, latent seed 11, in
the profile-only case) 79 of 150 caught clean, padded and nearest, 70-72 through the lossy filters;
the case's GAN 150 of 150 caught on every set, registered or not; the DCGAN-64 150 of 150 (tuning and untouched, as
generated and box-reduced to 28 x 28, registered GAN or not).

    python tests/benchmarks/test_bench_picture_size.py sets tuning|untouched GAN_RUN OUT
    python tests/benchmarks/test_bench_picture_size.py dcgan64 tuning|untouched DCGAN64_DIR OUT
    python tests/benchmarks/test_bench_picture_size.py judge CASE OUT/SET.npy ...
"""
import collections
import os
import shutil
import sys
import tempfile

import numpy as np

SLICES = {"tuning": (9000, 9300), "untouched": (9600, 9900)}
LATENT_SEEDS = {"tuning": 11, "untouched": 12}
DCGAN64_SEEDS = {"tuning": 21, "untouched": 22}
KERNELS = ("nearest", "bilinear", "bicubic", "lanczos", "torch")
CHANNELS = {"tuning": [("pad", 32), ("padcorner", 32)] + [(k, n) for n in (56, 64) for k in KERNELS]
            + [("torchbicubic", 64)],
            "untouched": [("pad", 32)] + [(k, n) for n in (56, 64) for k in KERNELS]
            + [("lanczos", 40), ("bilinear", 84), ("torchbicubic", 64)]}


def through(images, kind, side):
    """8-bit digits (n, 28, 28) padded or enlarged to side x side as `kind` (the module's docstring)."""
    import torch
    from PIL import Image

    if kind in ("pad", "padcorner"):
        extra = side - images.shape[1]
        before = extra // 2 if kind == "pad" else 0
        return np.pad(images, ((0, 0), (before, extra - before), (before, extra - before)))
    if kind.startswith("torch"):
        mode = {"torch": "bilinear", "torchbicubic": "bicubic"}[kind]
        x = torch.tensor(images, dtype=torch.float32)[:, None] / 255
        y = torch.nn.functional.interpolate(x, size=(side, side), mode=mode, antialias=mode == "bilinear",
                                            align_corners=False)
        return np.rint(np.clip(y[:, 0].numpy(), 0, 1) * 255).astype(np.uint8)
    method = getattr(Image.Resampling, kind.upper())
    return np.stack([np.asarray(Image.fromarray(a).resize((side, side), method)) for a in images])


def write_sets(which, run, out):
    """The sets of `which` from real digits and the case's GAN as OUT/WHICH-SOURCE-CHANNEL.npy, (n, side, side)
    8-bit."""
    from tests.benchmarks.test_bench_resize_filters import gan_and_real_digits

    os.makedirs(out, exist_ok=True)
    sources = gan_and_real_digits(run, os.path.join(out, f"{which}-gan-raw.npy"), LATENT_SEEDS[which], SLICES[which])
    for source, images in sources.items():
        np.save(os.path.join(out, f"{which}-{source}-clean.npy"), images)
        for kind, side in CHANNELS[which]:
            np.save(os.path.join(out, f"{which}-{source}-{kind}{side}.npy"), through(images, kind, side))


def write_dcgan64(which, dcgan64, out):
    """The DCGAN-64's outputs of `which`, as generated and reduced to 28 x 28."""
    from PIL import Image

    from tests.benchmarks.dcgan64 import sample

    os.makedirs(out, exist_ok=True)
    native = sample(dcgan64, 300, DCGAN64_SEEDS[which])
    np.save(os.path.join(out, f"{which}-dcgan64-native64.npy"), native)
    np.save(os.path.join(out, f"{which}-dcgan64-box28.npy"),
            np.stack([np.asarray(Image.fromarray(a).resize((28, 28), Image.Resampling.BOX)) for a in native]))


def judge(case, paths, n=None):
    """Each set (its first `n` pictures) written as PNGs and judged in a copy of the case; per set: labelled
    generated, inconclusive, refused, the deciding detector of those labelled generated, and the filter or padding
    read."""
    from PIL import Image

    from engine import verdict

    work = tempfile.mkdtemp()
    shutil.copytree(case, os.path.join(work, "case"))
    for path in paths:
        folder = os.path.join(work, os.path.basename(path)[:-4])
        os.makedirs(folder)
        for i, image in enumerate(np.load(path)[:n]):
            Image.fromarray(image).save(os.path.join(folder, f"{i:04d}.png"))
        result = verdict.judge(os.path.join(work, "case"), [folder])
        files, refused = result["files"], result["batch"]["rejected"]
        labels = collections.Counter(f["label"] for f in files)
        deciding = collections.Counter(min((d for d in f["detectors"].items() if d[1]["weight"] > 0),
                                           key=lambda d: d[1]["tail_probability"] / d[1]["weight"])[0]
                                       for f in files if f["label"] == "generated")
        read = collections.Counter(
            ("pad " + f["channel"]["padded"]["placement"]) if "padded" in f["channel"] else
            f"enlarged {f['channel']['enlarged']['filter']}" if "enlarged" in f["channel"] else "none"
            for f in files)
        print(f"{os.path.basename(folder)}: generated {labels['generated']}/{len(files) + len(refused)} "
              f"(inconclusive {labels['inconclusive']}, refused {len(refused)}), decided by {dict(deciding)}; "
              f"read {dict(read)}", flush=True)
        shutil.rmtree(folder)
    shutil.rmtree(work)


def test_bench_picture_size():
    """The enlarging filter read from real digits enlarged to 64 x 64 by each filter (20 digits each)."""
    from engine.data.picture_size import read_kernel
    from engine.data.specs import load_spec

    digits = np.rint(load_spec("builtin:mnist[9000:9020]").x[:, 0] * 255).astype(np.uint8)
    for kind, expected in (("nearest", "nearest"), ("bilinear", "bilinear"), ("bicubic", "bicubic"),
                           ("lanczos", "lanczos"), ("torch", "bilinear")):
        found = read_kernel(through(digits, kind, 64).astype(np.float64), (28, 28))
        assert found is not None and found[0] == expected, kind


if __name__ == "__main__":
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))
    if sys.argv[1] == "sets":
        write_sets(*sys.argv[2:])
    elif sys.argv[1] == "dcgan64":
        write_dcgan64(*sys.argv[2:])
    else:
        judge(sys.argv[2], sys.argv[3:], int(os.environ.get("BENCH_N", 300)))
