"""Real digits resized down and back (or up and back) with PIL's filters, written as PNG folders for
tests/benchmarks/image_channel_sweep.py `judge`: the sets of docs/studies.md, "A ringing filter's round trip read from
a digit's pixels" (forty-seventh pass; tests/benchmarks/data/ringtrip_untouched.md names the untouched ones).

    python tests/benchmarks/ringtrip_sets.py OUT_DIR --digits 8100:8400 [--trips bicubic14 lanczos14 bilinear34 ...]

writes OUT_DIR/<filter><side>/ (each digit of builtin:mnist[START:STOP] to side x side and back to 28 x 28 with that
filter, tests/synthetic_images.py resized_through).
"""
import argparse
import os
import re

from engine.data.specs import load_spec
from tests import synthetic_images
from tests.benchmarks.box_size_sets import write

TRIPS = ("bicubic14", "bicubic20", "bicubic22", "lanczos14", "bilinear34", "bilinear56")


def make(out, digits, trips):
    x = load_spec(f"builtin:mnist[{digits}]").x
    for trip in trips:
        method, side = re.fullmatch(r"([a-z]+)(\d+)", trip).groups()
        write(os.path.join(out, trip), synthetic_images.resized_through(x, int(side), method))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out")
    parser.add_argument("--digits", required=True, help="START:STOP of builtin:mnist")
    parser.add_argument("--trips", nargs="+", default=list(TRIPS))
    args = parser.parse_args()
    make(args.out, args.digits, args.trips)


if __name__ == "__main__":
    main()
