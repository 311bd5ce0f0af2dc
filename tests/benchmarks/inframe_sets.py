"""Real digits resampled within their frame by Pillow, each with its own seeded rotation, scale about the centre or
sub-pixel shift, written as PNG (one set then as JPEG 85) for tests/benchmarks/image_channel_sweep.py `judge`
(docs/studies.md, "Real digits resampled within their frame", fifty-first pass; tests/benchmarks/data/
inframe_untouched.md names the sets).

    python tests/benchmarks/inframe_sets.py OUT START STOP SEED

writes OUT/<set>/ for `builtin:mnist[START:STOP]`: rot8_bilinear, rot8_bicubic, rot8_bicubic_jpeg85, scale_bilinear,
shift_bilinear, png.
"""
import argparse
import os

import numpy as np

from engine.data.specs import load_spec

CENTRE = 13.5  # a 28 x 28 picture's centre, in pixel coordinates


def affine(picture, scale=1.0, dx=0.0, dy=0.0):
    """Pillow's bilinear affine map of a picture: scaled by `scale` about its centre, then moved by (dx, dy) pixels.
    Pillow's coefficients map each output pixel to the input: x_in = (x_out - c - dx) / scale + c."""
    from PIL import Image

    a = 1.0 / scale
    coefficients = (a, 0.0, CENTRE - a * (CENTRE + dx), 0.0, a, CENTRE - a * (CENTRE + dy))
    return picture.transform(picture.size, Image.AFFINE, coefficients, resample=Image.BILINEAR)


def make(out, start, stop, seed):
    from PIL import Image

    pictures = [Image.fromarray(p) for p in np.rint(load_spec(f"builtin:mnist[{start}:{stop}]").x[:, 0] * 255)
                .astype(np.uint8)]
    rng = np.random.default_rng(seed)
    angles = rng.uniform(-8, 8, len(pictures))
    scales = rng.uniform(0.9, 1.1, len(pictures))
    shifts = rng.uniform(-0.5, 0.5, (len(pictures), 2))
    sets = {"rot8_bilinear": [p.rotate(float(a), resample=Image.BILINEAR) for p, a in zip(pictures, angles)],
            "rot8_bicubic": [p.rotate(float(a), resample=Image.BICUBIC) for p, a in zip(pictures, angles)],
            "scale_bilinear": [affine(p, scale=float(s)) for p, s in zip(pictures, scales)],
            "shift_bilinear": [affine(p, dx=float(d[0]), dy=float(d[1])) for p, d in zip(pictures, shifts)],
            "png": pictures}
    for name, edited in sets.items():
        os.makedirs(os.path.join(out, name), exist_ok=True)
        for k, picture in enumerate(edited):
            picture.save(os.path.join(out, name, f"{k:04d}.png"))
    os.makedirs(os.path.join(out, "rot8_bicubic_jpeg85"), exist_ok=True)
    for k, picture in enumerate(sets["rot8_bicubic"]):
        picture.save(os.path.join(out, "rot8_bicubic_jpeg85", f"{k:04d}.jpg"), quality=85)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out")
    parser.add_argument("start", type=int)
    parser.add_argument("stop", type=int)
    parser.add_argument("seed", type=int)
    args = parser.parse_args()
    make(args.out, args.start, args.stop, args.seed)


if __name__ == "__main__":
    main()
