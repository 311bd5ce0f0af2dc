"""Real and generated digits resized with Lanczos or bicubic and back, saved as JPEG 100 or as colour lossy WebP and
then as PNG, judged by `verdict.judge` (docs/studies.md, "Resized real digits: a Lanczos halo read from the
pixels", fifteenth pass).

Sets (declared before measuring). Case: `main.py case new CASE --reference 'builtin:mnist[0:5000]'`, profile-only
(no GAN or CNN registered), alpha 1 %. Generators, not registered: DCGANs as the GAN benchmark's unregistered one
(tests/benchmarks/test_bench_verdicts.py: `train gan --data 'builtin:mnist[0:4000]' --steps 400 --width 32
--batch-size 64`), seed 1 for tuning (300 digits, `generate --seed 11`), seed 7 untouched (300 digits, seed 12).
Real: tuning builtin:mnist[5000:5300], untouched builtin:mnist[7700:8000]. Channels (PIL, 8 bits at each step):
tuning Lanczos through 20, 24, 34 and bicubic through 20, 34; untouched Lanczos through 22, 30, 45, bicubic through
24, 40 and Hamming through 22; both: clean, JPEG 100 then PNG, a grey digit stored as RGB through lossy WebP 75 then
PNG. The generated digits go through the same channels.
Declared later, each before its one run: "second" (after the first untouched run) real builtin:mnist[8700:9000]
through Lanczos 27, 29, 31, 33, 38 and bicubic 30, the seed-7 DCGAN's digits (latent seed 13) through Lanczos 29, 31;
"third" (after RESIZE_FACTORS gained 0.95-1.1) real builtin:mnist[8400:8700] through Lanczos 21, 29, 30, 32, 50, the
seed-7 DCGAN's digits (latent seed 15) clean and through Lanczos 30 (written through each round trip); "long": a
DCGAN with the same settings trained 2,000 steps (seed 13), 300 digits (latent seed 14) clean and through Lanczos 24,
34; "spline": real
builtin:mnist[6000:6300] rotated by up to 10 degrees and rescaled 0.88-1.12 with scipy's cubic spline
(tests/synthetic_images.random_similarity, order 3), and the untouched seed-7 digits so.

    python tests/benchmarks/test_bench_resize_history.py sets tuning|untouched|second|third|long|spline GAN_RUN OUT
    python tests/benchmarks/test_bench_resize_history.py judge CASE OUT/SET.npy ...
    python tests/benchmarks/test_bench_resize_history.py forced CASE OUT/SET.npy ...   (judged through the resize)
"""
import collections
import io
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np

SLICES = {"tuning": (5000, 5300), "untouched": (7700, 8000), "second": (8700, 9000), "third": (8400, 8700),
          "long": None, "spline": (6000, 6300)}
LATENT_SEEDS = {"tuning": 11, "untouched": 12, "second": 13, "third": 15, "long": 14, "spline": 12}
ROUND_TRIPS = {"tuning": (("lanczos", 20), ("lanczos", 24), ("lanczos", 34), ("bicubic", 20), ("bicubic", 34)),
               "untouched": (("lanczos", 22), ("lanczos", 45), ("lanczos", 30), ("bicubic", 24), ("bicubic", 40),
                             ("hamming", 22)),
               "second": (("lanczos", 27), ("lanczos", 29), ("lanczos", 31), ("lanczos", 33), ("lanczos", 38),
                          ("bicubic", 30)),
               "third": (("lanczos", 21), ("lanczos", 29), ("lanczos", 30), ("lanczos", 32), ("lanczos", 50)),
               "long": (("lanczos", 24), ("lanczos", 34)),
               "spline": ()}


def round_trip(images, method, side):
    from PIL import Image

    mode = getattr(Image.Resampling, method.upper())
    return np.stack([np.asarray(Image.fromarray(a).resize((side, side), mode).resize(a.shape[::-1], mode))
                     for a in images])


def through(images, fmt, quality, colour=False):
    from PIL import Image

    out = []
    for a in images:
        buffer = io.BytesIO()
        Image.fromarray(a).convert("RGB" if colour else "L").save(buffer, format=fmt, quality=quality)
        out.append(np.asarray(Image.open(buffer).convert("RGB" if colour else "L")))
    return np.stack(out)


def spline(images):
    from tests import synthetic_images

    x = synthetic_images.random_similarity(images[:, None].astype(np.float32) / 255, 10, 0.12, order=3)
    return np.rint(np.clip(x[:, 0], 0, 1) * 255).astype(np.uint8)


def write_sets(which, run, out):
    """The sets of `which` (the module's docstring) as OUT/WHICH-SOURCE-CHANNEL.npy, (n, 28, 28) 8-bit."""
    from engine.data.specs import load_spec

    os.makedirs(out, exist_ok=True)
    raw = os.path.join(out, f"{which}-gan-raw.npy")
    subprocess.run([sys.executable, "main.py", "generate", run, "--n", "300", "--out", raw, "--seed",
                    str(LATENT_SEEDS[which])], check=True, stdout=subprocess.DEVNULL)
    sources = {"gan": np.rint(np.clip(np.load(raw)[:, 0], 0, 1) * 255).astype(np.uint8)}
    if SLICES[which]:
        start, stop = SLICES[which]
        sources["real"] = np.rint(load_spec(f"builtin:mnist[{start}:{stop}]").x[:, 0] * 255).astype(np.uint8)
    for source, images in sources.items():
        if which == "spline":
            found = {"spline": spline(images)}
        elif which in ("tuning", "untouched"):
            found = {"clean": images, "jpeg100": through(images, "JPEG", 100),
                     "cwebp75": through(images, "WEBP", 75, True)}
        else:
            found = {"clean": images}
        found |= {f"{method}{side}": round_trip(images, method, side) for method, side in ROUND_TRIPS[which]}
        for name, x in found.items():
            np.save(os.path.join(out, f"{which}-{source}-{name}.npy"), x)


def judge(case, paths):
    """Each set written as PNGs and judged in a copy of the case: labelled generated, inconclusive, the deciding
    detector of those labelled generated and the channel assumed."""
    from PIL import Image

    from engine import verdict

    work = tempfile.mkdtemp()
    shutil.copytree(case, os.path.join(work, "case"))
    for path in paths:
        name = os.path.basename(path)[:-4]
        folder = os.path.join(work, name)
        os.makedirs(folder)
        for i, image in enumerate(np.load(path)):
            Image.fromarray(image).save(os.path.join(folder, f"{name}-{i:04d}.png"))
        files = verdict.judge(os.path.join(work, "case"), [folder])["files"]
        labels = collections.Counter(f["label"] for f in files)
        deciding = collections.Counter(min((d for d in f["detectors"].items() if d[1]["weight"] > 0),
                                           key=lambda d: d[1]["tail_probability"] / d[1]["weight"])[0]
                                       for f in files if f["label"] == "generated")
        assumed = collections.Counter(f["channel"]["assumed"].split(" (")[0].split(":")[0] for f in files)
        print(f"{name}: generated {labels['generated']}/{len(files)} (inconclusive {labels['inconclusive']}), "
              f"decided by {dict(deciding)}; channel {dict(assumed)}", flush=True)
        shutil.rmtree(folder)
    shutil.rmtree(work)


def forced(case, paths):
    """Each set judged by the case's detectors calibrated for the resize channel, whatever was read: what a
    generator would keep if its output were read as resized."""
    from engine.case import open_case
    from engine.detectors import calibration, suite
    from engine.detectors.channels import StandAside, channel_detectors

    with open_case(case) as opened:
        profile = opened.profile()
    detectors, _ = channel_detectors(suite.profile_detectors(profile), profile, ("resized", "pixels"))
    for path in paths:
        x = np.load(path)[:, None].astype(np.float32) / 255
        batch = suite.Batch(x, np.arange(len(x)))
        p = np.stack([calibration.tail_probability(d.tail, d.scores(batch)) for d in detectors], axis=1)
        weights = suite.weights(detectors, 0.01, [d.name != "grid" and not isinstance(d, StandAside)
                                                  for d in detectors])
        caught = sum(calibration.combine(row, weights)[0] <= 0.01 for row in p)
        print(f"{os.path.basename(path)[:-4]} judged through the resize: generated {caught}/{len(x)}", flush=True)


if __name__ == "__main__":
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))
    if sys.argv[1] == "sets":
        write_sets(*sys.argv[2:5])
    elif sys.argv[1] == "judge":
        judge(sys.argv[2], sys.argv[3:])
    else:
        forced(sys.argv[2], sys.argv[3:])
