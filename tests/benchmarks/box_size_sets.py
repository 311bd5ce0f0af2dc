"""The real-digit sets that priced `box-size` (docs/studies.md, "MNIST's 20-pixel box", forty-sixth pass): digits
resampled within their frame, resized and back through other sizes, and some of those then saved as JPEG, written as
PNG (or JPEG) folders for tests/benchmarks/image_channel_sweep.py `judge`.

    python tests/benchmarks/box_size_sets.py OUT_DIR
    python tests/benchmarks/box_size_sets.py OUT_DIR --round-trip START STOP --sides 20 22

writes OUT_DIR/in_frame/<set>/ (`mnist[9200:9400]`: rotated by up to 8 degrees with bilinear and with Pillow's
bicubic, by 2 degrees, scaled by 1.1, shifted by a fraction of a pixel), OUT_DIR/round_trip/<filter><side>/
(`mnist[9600:9700]` through 14-56 pixels and back with Pillow's bilinear, bicubic, Lanczos and box filters; three of
them then saved as JPEG 85) and OUT_DIR/other/<set>/ (`mnist[9400:9600]` through 22 pixels with Hamming, and rotated
and rescaled with scipy's cubic spline). With --round-trip, only OUT_DIR/round_trip/<filter><side>/ of
`mnist[START:STOP]` through the given sides (tests/benchmarks/data/box_narrow_untouched.md).
"""
import argparse
import os

import numpy as np

from engine.data.specs import load_spec
from tests import synthetic_images

SIDES = (14, 20, 22, 34, 56)
FILTERS = ("bilinear", "bicubic", "lanczos", "box")
THEN_JPEG = (("lanczos", 22), ("bilinear", 22), ("bicubic", 34))


def pil_rotated(x, angles, resample):
    """Each digit rotated by Pillow by its own angle (degrees)."""
    from PIL import Image

    pictures = np.rint(x[:, 0] * 255).astype(np.uint8)
    return np.stack([np.asarray(Image.fromarray(p).rotate(float(a), resample=resample)) / 255.0
                     for p, a in zip(pictures, angles)])[:, None]


def hamming_through(x, side):
    from PIL import Image

    return np.stack([np.asarray(Image.fromarray(np.rint(p * 255).astype(np.uint8)).resize((side, side), Image.HAMMING)
                                .resize((28, 28), Image.HAMMING)) / 255.0 for p in x[:, 0]])[:, None]


def write(folder, x, suffix=".png", quality=None):
    from PIL import Image

    os.makedirs(folder, exist_ok=True)
    for k, picture in enumerate(x[:, 0]):
        image = Image.fromarray(np.rint(np.clip(picture, 0, 1) * 255).astype(np.uint8))
        image.save(os.path.join(folder, f"d{k:03d}{suffix}"), **({"quality": quality} if quality else {}))


def write_round_trips(out, x, sides):
    for method in FILTERS:
        for side in sides:
            write(os.path.join(out, "round_trip", f"{method}{side}"), synthetic_images.resized_through(x, side, method))


def make(out):
    from PIL import Image

    x = load_spec("builtin:mnist[9200:9400]").x
    rng = np.random.default_rng(5)
    in_frame = {"rot8_bilinear": synthetic_images.rotate(x, 8), "scaled1.1": synthetic_images.rescale(x, 1.1),
                "shift_subpixel": synthetic_images.shifted(x),
                "rot8_pil_bicubic": pil_rotated(x, rng.uniform(-8, 8, len(x)), Image.BICUBIC),
                "rot2_pil_bilinear": pil_rotated(x, rng.choice([-2, 2], len(x)), Image.BILINEAR)}
    for name, y in in_frame.items():
        write(os.path.join(out, "in_frame", name), y)
    write_round_trips(out, load_spec("builtin:mnist[9600:9700]").x, SIDES)
    for method, side in THEN_JPEG:
        write(os.path.join(out, "round_trip", f"{method}{side}_jpeg85"),
              synthetic_images.resized_through(x, side, method), ".jpg", 85)
    x = load_spec("builtin:mnist[9400:9600]").x
    write(os.path.join(out, "other", "hamming22"), hamming_through(x, 22))
    write(os.path.join(out, "other", "spline_rot10_scale"), synthetic_images.random_similarity(x, 10, 0.12, order=3))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out")
    parser.add_argument("--round-trip", nargs=2, type=int, metavar=("START", "STOP"),
                        help="only the round trips of builtin:mnist[START:STOP]")
    parser.add_argument("--sides", nargs="+", type=int, default=SIDES)
    args = parser.parse_args()
    if args.round_trip:
        start, stop = args.round_trip
        write_round_trips(args.out, load_spec(f"builtin:mnist[{start}:{stop}]").x, args.sides)
    else:
        make(args.out)


if __name__ == "__main__":
    main()
