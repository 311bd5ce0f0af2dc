"""Real digits resized down and back (or up and back) with PIL's filters, written as PNG (or JPEG) folders for
tests/benchmarks/image_channel_sweep.py `judge`, and the dips a fixed-point reading finds in any folder: the sets and
measurements of docs/studies.md, "A ringing filter's round trip read from a digit's pixels" (forty-seventh pass;
tests/benchmarks/data/ringtrip_untouched.md names the untouched sets).

    python tests/benchmarks/ringtrip_sets.py make OUT_DIR --digits 8100:8400 [--trips bicubic14 ...] [--jpeg Q]
    python tests/benchmarks/ringtrip_sets.py dips FOLDER [FOLDER ...] [--n 60]

`make` writes OUT_DIR/<filter><side>/ (each digit of builtin:mnist[START:STOP] to side x side and back to 28 x 28 with
that filter, tests/synthetic_images.py resized_through; with --jpeg, OUT_DIR/<filter><side>_jpeg<Q>/, then saved as
JPEG at quality Q). `dips` prints, per folder, the deepest dip (the residual's neighbours over it) of (a) a ringing
filter's round trip down and back (resize_history.round_trip_residuals, corrected RINGING_STEPS times, sides up to
RINGING_ROUND_TRIP's share) and (b) bilinear's enlargement to 29-60 pixels and back, which the product does not read
(the study: it dips at 30, 34 and 45 but not at 40 or 56).
"""
import argparse
import glob
import os
import re

import numpy as np

from engine.data.specs import load_spec
from tests import synthetic_images
from tests.benchmarks.box_size_sets import write

TRIPS = ("bicubic14", "bicubic20", "bicubic22", "lanczos14", "bilinear34", "bilinear56")
ENLARGED_SIDES = range(29, 61)


def make(out, digits, trips, jpeg=None):
    x = load_spec(f"builtin:mnist[{digits}]").x
    for trip in trips:
        method, side = re.fullmatch(r"([a-z]+)(\d+)", trip).groups()
        y = synthetic_images.resized_through(x, int(side), method)
        if jpeg:
            write(os.path.join(out, f"{trip}_jpeg{jpeg}"), y, ".jpg", jpeg)
        else:
            write(os.path.join(out, trip), y)


def enlarged_residual(values, side, steps=4):
    """Mean residual of a 28 x 28 picture against its best explanation as an 8-bit picture enlarged to side x side
    and reduced back with bilinear, PIL's 8-bit passes (least squares through the round trip's matrix, corrected
    `steps` times)."""
    from engine.data.resize_history import PIL_PRECISION, pil_pass, resample_matrix

    n = values.shape[0]
    up, down = resample_matrix(n, side, "bilinear")[None], resample_matrix(side, n, "bilinear")[None]
    inverse = np.linalg.pinv((down[0] / 2 ** PIL_PRECISION) @ (up[0] / 2 ** PIL_PRECISION))
    y = values.astype(np.float64)

    def there_and_back(fit):
        wide = pil_pass(up, pil_pass(up, np.clip(np.rint(fit), 0, 255)[None], True), False)
        return pil_pass(down, pil_pass(down, wide, True), False)[0]

    fit = inverse @ y @ inverse.T
    back = there_and_back(fit)
    for _ in range(steps):
        fit = fit + inverse @ (y - back) @ inverse.T
        back = there_and_back(fit)
    return float(np.abs(back - y).mean())


def deepest(sides, residual):
    """(side, residual, contrast) of the deepest dip: the smaller neighbour's residual over the side's."""
    neighbours = np.minimum(residual[:-2], residual[2:])
    contrast = neighbours / np.maximum(residual[1:-1], 0.01)  # a residual of 0: 100 times a hundredth
    k = int(np.argmax(contrast))
    return int(sides[k + 1]), float(residual[k + 1]), float(contrast[k])


def dips(folders, n):
    """The deepest dips of each folder's first `n` pictures (PNG or JPEG: a JPEG's decoded pixels), summarised."""
    from PIL import Image

    from engine.data.resize_history import RINGING_FILTERS, RINGING_ROUND_TRIP, RINGING_SMALLEST, RINGING_STEPS
    from engine.data.resize_history import round_trip_residuals

    print("folder\treading\tmodal side\tcontrast q05 / median / max\tresidual median")
    for folder in folders:
        paths = sorted(glob.glob(os.path.join(folder, "*.png")) + glob.glob(os.path.join(folder, "*.jpg")))[:n]
        pictures = [np.asarray(Image.open(p).convert("L")) for p in paths]
        found = {name: [] for name in RINGING_FILTERS + ("bilinear enlarged",)}
        for values in pictures:
            for name in RINGING_FILTERS:
                sides, residual = round_trip_residuals(values, name, RINGING_SMALLEST, RINGING_STEPS)
                kept = sides <= RINGING_ROUND_TRIP[0] * values.shape[0] + 1
                found[name].append(deepest(sides[kept], residual[kept]))
            residual = np.array([enlarged_residual(values, side) for side in ENLARGED_SIDES])
            found["bilinear enlarged"].append(deepest(np.array(ENLARGED_SIDES), residual))
        for name, rows in found.items():
            a = np.array(rows)
            sides, counts = np.unique(a[:, 0].astype(int), return_counts=True)
            print(f"{folder}\t{name}\t{sides[np.argmax(counts)]} ({counts.max()} of {len(a)})\t"
                  f"{np.percentile(a[:, 2], 5):.1f} / {np.median(a[:, 2]):.1f} / {a[:, 2].max():.1f}\t"
                  f"{np.median(a[:, 1]):.2f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    made = commands.add_parser("make")
    made.add_argument("out")
    made.add_argument("--digits", required=True, help="START:STOP of builtin:mnist")
    made.add_argument("--trips", nargs="+", default=list(TRIPS))
    made.add_argument("--jpeg", type=int, help="save each as JPEG at this quality")
    measured = commands.add_parser("dips")
    measured.add_argument("folders", nargs="+")
    measured.add_argument("--n", type=int, default=60, help="pictures per folder")
    args = parser.parse_args()
    if args.command == "make":
        make(args.out, args.digits, args.trips, args.jpeg)
    else:
        dips(args.folders, args.n)


if __name__ == "__main__":
    main()
