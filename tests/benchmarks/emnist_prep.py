"""Real digits prepared as EMNIST's were (Cohen et al. 2017, "EMNIST: an extension of MNIST to handwritten letters";
torchvision's EMNIST digits), written as 28 x 28 grey PNGs for an MNIST case, and rule-based figures drawn straight
into 28 x 28, the price's set (docs/studies.md, "EMNIST's preparation", thirty-fourth pass). Not part of the product.

EMNIST's own files are not in the mirrors (LFS pointers), so its preparation is applied to real digits made binary at
128 x 128 as NIST's scans are (engine/data/box_frame.py: nist_scan, box_fitted): a Gaussian blur of sigma 1, the
figure's box cropped, centred in a square keeping its aspect, a border added so that the box spans SPAN of 28 (the
paper's 2-pixel border read as 2 of 28 pixels a side), reduced to 28 x 28 with PIL's bicubic (float, rounded once).

Sources:
  mnist     builtin:mnist[A:B], each enlarged to 128 x 128 with PIL's bicubic and thresholded at 128.
  usps      the USPS digits of tests/benchmarks/data/handwriting_elsewhere_split.tsv (16 x 16 grey, 100), enlarged to
  semeion   128 x 128 with nearest and thresholded at 128; Semeion's 100 likewise (already 0/1).
  rule      rule-based figures drawn straight into 28 x 28 (`placement` catches them against MNIST's centring): the
            digits 0-9 in Pillow's default font, DejaVu Sans Bold and DejaVu Serif at 18-24 px, centred by the text's
            box then moved up to 2 px and rotated up to 10 degrees (RULE_PER_FONT each, SEED), as the twenty-fourth
            pass drew them; `--centred` keeps them unmoved (box-centred); `--sizes 30:38` draws them at 30-37 px, so
            that their box spans 22-26 of 28 as EMNIST's figures do (the worst case for the price).

    python tests/benchmarks/emnist_prep.py mnist OUT --slice 9700:9900
    python tests/benchmarks/emnist_prep.py usps|semeion OUT [--mirrors /work/.mirror]
    python tests/benchmarks/emnist_prep.py rule OUT [--centred] [--sizes 18:25]

`--jpeg Q` writes each picture as a JPEG at quality Q instead of a PNG (Pillow's encoder, as a web page or an editor
saves it).
"""
import argparse
import csv
import os
import sys

import numpy as np
from PIL import Image, ImageDraw, ImageFont

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from engine.data.box_frame import NIST_SIDE, box_fitted, nist_scan  # noqa: E402

SPAN = 24
SEED = 38
RULE_PER_FONT = 30
FONTS = (None, "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")


def save(values, path, jpeg):
    """An 8-bit grey picture written as PNG, or as JPEG at quality `jpeg` (the name's suffix changed)."""
    picture = Image.fromarray(values)
    if jpeg:
        picture.save(os.path.splitext(path)[0] + ".jpg", quality=jpeg)
    else:
        picture.save(path)


def mnist(out, select, jpeg=None):
    from engine.data.builtins import load_builtin

    first, last = (int(v) for v in select.split(":"))
    x = load_builtin("mnist", slice(first, last)).x
    for k, sample in enumerate(x):
        values = np.rint(sample[0] * 255).astype(np.uint8)
        save(box_fitted(nist_scan(values), 28, SPAN), os.path.join(out, f"mnist_{first + k:05d}.png"), jpeg)
    return len(x)


def collection(out, source, mirrors, jpeg=None):
    import handwriting_elsewhere as elsewhere

    with open(elsewhere.SPLIT, newline="") as f:
        rows = [r for r in csv.DictReader(f, delimiter="\t") if r["source"] == source]
    pixels = elsewhere.collection(source, mirrors)[1]
    for row in rows:
        big = Image.fromarray(pixels[int(row["row"])].astype(np.uint8)).resize((NIST_SIDE, NIST_SIDE),
                                                                                Image.Resampling.NEAREST)
        scan = (np.asarray(big) >= 128).astype(np.float64)
        save(box_fitted(scan, 28, SPAN), os.path.join(out, row["file"]), jpeg)
    return len(rows)


def rule(out, centred, sizes):
    rng = np.random.default_rng(SEED)
    n = 0
    for f, path in enumerate(FONTS):
        for k in range(RULE_PER_FONT):
            size = int(rng.integers(*sizes))
            font = ImageFont.load_default(size) if path is None else ImageFont.truetype(path, size)
            digit = str(k % 10)
            canvas = Image.new("L", (56, 56))
            draw = ImageDraw.Draw(canvas)
            left, top, right, bottom = draw.textbbox((0, 0), digit, font=font)
            shift = np.zeros(2) if centred else rng.uniform(-2, 2, 2)
            draw.text((28 - (left + right) / 2 + shift[0], 28 - (top + bottom) / 2 + shift[1]), digit, fill=255,
                      font=font)
            angle = 0.0 if centred else float(rng.uniform(-10, 10))
            canvas.rotate(angle, Image.Resampling.BILINEAR, center=(28, 28)).crop((14, 14, 42, 42)).save(
                os.path.join(out, f"rule_{f}_{k:02d}.png"))
            n += 1
    return n


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", choices=("mnist", "usps", "semeion", "rule"))
    parser.add_argument("out")
    parser.add_argument("--slice", default="9700:9900")
    parser.add_argument("--mirrors", default="/work/.mirror")
    parser.add_argument("--centred", action="store_true")
    parser.add_argument("--sizes", default="18:25", help="font sizes in px (rule): from:to, the end excluded")
    parser.add_argument("--jpeg", type=int, help="write JPEGs at this quality (mnist, usps, semeion)")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    if args.source == "mnist":
        n = mnist(args.out, args.slice, args.jpeg)
    elif args.source == "rule":
        n = rule(args.out, args.centred, [int(v) for v in args.sizes.split(":")])
    else:
        n = collection(args.out, args.source, args.mirrors, args.jpeg)
    print(f"{n} pictures in {args.out}")


if __name__ == "__main__":
    main()
