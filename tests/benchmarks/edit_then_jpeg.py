"""Real digits edited in 8 bits (a tone line, noise) and then saved as grey JPEG, and a folder of PNGs put through a
JPEG, written as files for `image_channel_sweep.py judge` (one folder per set under OUT): the edits an analyst's
evidence meets before its codec (docs/studies.md, "A tone line read through a JPEG" and "A diffusion model's haze
told from a lifted background through a JPEG"; tests/benchmarks/data/edit_then_jpeg_untouched.md and
haze_flatness_untouched.md name the sets).

An edit is NAME:QUALITY with NAME one of liftK (every value plus K, clipped), gainF (times F, rounded),
contrastF / brightF (Pillow's ImageEnhance at F), noiseS (Gaussian noise of S levels, numpy seed = the slice's start,
rounded, clipped), chained with '+' in the order written, or `plain` (none).

    python tests/benchmarks/edit_then_jpeg.py real OUT START STOP EDIT:QUALITY [EDIT:QUALITY ...]
    python tests/benchmarks/edit_then_jpeg.py folder OUT PNG_FOLDER QUALITY [QUALITY ...]
"""
import glob
import os
import sys

import numpy as np


def edited(u8, edit, seed):
    """An (n, h, w) uint8 stack edited as `edit` says (module docstring)."""
    from PIL import Image, ImageEnhance

    rng = np.random.default_rng(seed)
    out = u8.astype(np.float64)
    for step in edit.split("+"):
        if step == "plain":
            continue
        if step.startswith("lift"):
            out = out + int(step[4:])
        elif step.startswith("gain"):
            out = out * float(step[4:])
        elif step.startswith("noise"):
            out = out + rng.normal(0.0, float(step[5:]), out.shape)
        elif step.startswith(("contrast", "bright")):
            kind = ImageEnhance.Contrast if step.startswith("contrast") else ImageEnhance.Brightness
            factor = float(step[8:] if step.startswith("contrast") else step[6:])
            out = np.stack([np.asarray(kind(Image.fromarray(np.clip(np.rint(a), 0, 255).astype(np.uint8)))
                                       .enhance(factor), dtype=np.float64) for a in out])
        else:
            raise ValueError(f"unknown edit {step}")
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)


def write_jpeg(folder, u8, quality):
    from PIL import Image

    os.makedirs(folder, exist_ok=True)
    for k, picture in enumerate(u8):
        Image.fromarray(picture).save(os.path.join(folder, f"{k:04d}.jpg"), quality=quality)


def main(argv):
    kind, out = argv[0], argv[1]
    if kind == "real":
        from tests.benchmarks.test_bench_jpeg_history import mnist

        start, stop = int(argv[2]), int(argv[3])
        digits = mnist(start, stop)
        for spec in argv[4:]:
            edit, quality = spec.rsplit(":", 1)
            write_jpeg(os.path.join(out, f"{edit}-q{quality}"), edited(digits, edit, start), int(quality))
    elif kind == "folder":
        from PIL import Image

        pictures = np.stack([np.asarray(Image.open(p).convert("L"))
                             for p in sorted(glob.glob(os.path.join(argv[2], "*.png")))])
        for quality in argv[3:]:
            write_jpeg(os.path.join(out, f"jpeg{quality}"), pictures, int(quality))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
