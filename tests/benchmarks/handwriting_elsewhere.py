"""Handwritten digits from collections other than MNIST, written as 28 x 28 grey PNGs the way a user brings them to an
MNIST case (`builtin:mnist[0:5000]`; docs/studies.md, "Handwritten digits from other collections", thirty-fourth
pass). Not part of the product.

Sources (the collection's pixels as stored; the preparation is the one MNIST-style users of that collection apply):
  usps       USPS test set (LeCun et al. 1990; ESL's zip.test, 16 x 16, values -1..1, ink at +1), in the mirror of
             dgkim5360/the-elements-of-statistical-learning-notebooks. (v + 1) / 2 to 8 bits, ink bright as MNIST's,
             then 16 -> 28 with PIL's bilinear resize (torchvision's Resize((28, 28)) default, the USPS -> MNIST
             domain-adaptation recipe).
  optdigits  UCI optdigits as scikit-learn ships it (sklearn/datasets/data/digits.csv.gz, 8 x 8 counts 0..16 of a
             32 x 32 bitmap, 43 writers): v * 255 / 16 rounded, then 8 -> 28 bilinear as above.
  semeion    Semeion (Tactile Srl, 1994; about 80 writers, 16 x 16 thresholded to 0/1), semeion.txt in the mirror of
             iamb2/Semion-Digits: 1 -> 255, then 16 -> 28 bilinear as above.
  drawn      ten digits drawn by the author of tankala/ai-examples (data/0.png .. 9.png, about 85 x 85, white on
             black): converted to grey ("L") and resized to 28 x 28 with PIL's default filter (bicubic), as that
             repository's own prediction script reads them.

`--filter` names the small collections' enlarging filter instead of bilinear (bicubic: PIL's Image.resize default;
docs/studies.md, "Enlarged with a ringing filter", thirty-fourth pass); `--source` makes one source's digits only.

`--prep mnist` writes the same digits prepared as MNIST's were instead (LeCun et al.; the recipe of MNIST-style
tutorials for one's own digits): the figure's box (lit pixels of the collection's picture, the drawn ones converted
to grey first) scaled with PIL's bilinear filter, aspect kept, to fit 20 x 20, and pasted into 28 x 28 shifted by
whole pixels so that its centre of mass lies nearest the centre.

tests/benchmarks/data/handwriting_elsewhere_split.tsv lists each digit: its file name, source, half (split by source:
usps and optdigits tuning, semeion and drawn untouched), repository, blob, the row in the collection, the label. Up to
PER_LABEL digits of each label a source (SEED), chosen before any was judged. The pixels are third-party, not committed.

    python tests/benchmarks/handwriting_elsewhere.py make OUT_DIR [--half tuning|untouched] [--prep enlarged|mnist]
        [--filter bilinear|bicubic|lanczos|nearest] [--source usps|optdigits|semeion|drawn] [--mirrors /work/.mirror]
    python tests/benchmarks/handwriting_elsewhere.py fresh OUT_DIR --source semeion [--n 100] [--seed S]
        [--filter ...]   # digits of a source that the split does not list
    python tests/benchmarks/handwriting_elsewhere.py select [--mirrors ...]   # rewrites the split

`--jpeg Q` (make, fresh) writes each picture as a JPEG at quality Q instead of a PNG.
"""
import argparse
import csv
import gzip
import io
import os
import subprocess

import numpy as np
from PIL import Image

SPLIT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "handwriting_elsewhere_split.tsv")
FIELDS = ["file", "source", "half", "repository", "blob", "row", "label"]
PER_LABEL = 10
SEED = 38
SKLEARN = "scikit-learn (PyPI)"

# source: (half, repository, path of the collection in it)
SOURCES = {
    "usps": ("tuning", "dgkim5360/the-elements-of-statistical-learning-notebooks", "data/zipcode/zip.test"),
    "optdigits": ("tuning", SKLEARN, "sklearn/datasets/data/digits.csv.gz"),
    "semeion": ("untouched", "iamb2/Semion-Digits", "semeion.txt"),
    "drawn": ("untouched", "tankala/ai-examples", "data/{label}.png"),
}


def git_dir(mirrors, repository):
    clone = os.path.join(mirrors, repository.replace("/", "+"), "repo")
    return os.path.join(clone, ".git") if os.path.isdir(os.path.join(clone, ".git")) else clone


def blob_id(mirrors, repository, path):
    if repository == SKLEARN:
        return "-"
    return subprocess.run(["git", "--git-dir", git_dir(mirrors, repository), "rev-parse", f"HEAD:{path}"],
                          capture_output=True, text=True, check=True).stdout.strip()


def blob(mirrors, repository, sha):
    return subprocess.run(["git", "--git-dir", git_dir(mirrors, repository), "cat-file", "blob", sha],
                          capture_output=True, check=True).stdout


FILTERS = {"bilinear": Image.Resampling.BILINEAR, "bicubic": Image.Resampling.BICUBIC,
           "lanczos": Image.Resampling.LANCZOS, "nearest": Image.Resampling.NEAREST}


def upscale(pixels, name="bilinear"):
    """An 8-bit figure brought to 28 x 28 with PIL's filter `name`: bilinear as torchvision's Resize((28, 28)) does,
    bicubic as PIL's own Image.resize((28, 28)) does by default."""
    return Image.fromarray(pixels.astype(np.uint8)).resize((28, 28), FILTERS[name])


def mnist_style(image):
    """An 8-bit figure prepared as MNIST's: its box fitted into 20 x 20 (aspect kept, PIL bilinear) and placed in
    28 x 28 with its centre of mass at the nearest whole pixel to the centre."""
    figure = image.crop(image.getbbox())
    w, h = figure.size
    fitted = figure.resize((max(1, round(w * 20 / max(w, h))), max(1, round(h * 20 / max(w, h)))), Image.BILINEAR)
    values = np.asarray(fitted, dtype=np.float64)
    rows, cols = np.indices(values.shape)
    centre = np.array([(rows * values).sum(), (cols * values).sum()]) / values.sum()
    top, left = np.clip(np.rint(13.5 - centre).astype(int), 0, 28 - np.array(values.shape))
    out = Image.new("L", (28, 28))
    out.paste(fitted, (int(left), int(top)))
    return out


def collection(source, mirrors):
    """(labels, 8-bit figures at the collection's own size, ink bright) of a source held as one table."""
    _, repository, path = SOURCES[source]
    if source == "optdigits":
        import sklearn
        with gzip.open(os.path.join(os.path.dirname(sklearn.__file__), "datasets", "data", "digits.csv.gz")) as f:
            table = np.loadtxt(f, delimiter=",")
        return table[:, -1].astype(int), np.rint(table[:, :64].reshape(-1, 8, 8) * 255 / 16)
    text = blob(mirrors, repository, blob_id(mirrors, repository, path)).decode()
    table = np.array([[float(v) for v in line.split()] for line in text.splitlines() if line.strip()])
    if source == "usps":
        return table[:, 0].astype(int), np.rint((table[:, 1:].reshape(-1, 16, 16) + 1) * 127.5)
    # semeion: ten one-hot columns after the pixels (this copy appends the label as an 11th)
    return table[:, 256:266].argmax(axis=1), table[:, :256].reshape(-1, 16, 16) * 255


def select(mirrors):
    rng = np.random.default_rng(SEED)
    rows = []
    for source, (half, repository, path) in SOURCES.items():
        if source == "drawn":
            for label in range(10):
                rows.append({"file": f"{source}_{label}.png", "source": source, "half": half,
                             "repository": repository, "label": label, "row": "-",
                             "blob": blob_id(mirrors, repository, path.format(label=label))})
            continue
        labels, _ = collection(source, mirrors)
        sha = blob_id(mirrors, repository, path)
        for label in range(10):
            for row in sorted(rng.choice(np.flatnonzero(labels == label), PER_LABEL, replace=False)):
                rows.append({"file": f"{source}_{label}_{row:05d}.png", "source": source, "half": half,
                             "repository": repository, "blob": sha, "row": int(row), "label": label})
    with open(SPLIT, "w", newline="") as f:
        writer = csv.DictWriter(f, FIELDS, delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} digits in {SPLIT}")


def save(image, path, jpeg=None):
    """A 28 x 28 picture written as PNG, or as JPEG at quality `jpeg` (Pillow's encoder; the name's suffix changed)."""
    if jpeg:
        image.save(os.path.splitext(path)[0] + ".jpg", quality=jpeg)
    else:
        image.save(path)


def fresh(out, source, n, seed, mirrors, name="bilinear", jpeg=None):
    """`n` digits of a table source that the split does not list (a seeded choice), enlarged with `name`."""
    with open(SPLIT, newline="") as f:
        listed = {int(r["row"]) for r in csv.DictReader(f, delimiter="\t") if r["source"] == source}
    labels, pixels = collection(source, mirrors)
    rows = np.random.default_rng(seed).choice([r for r in range(len(labels)) if r not in listed], n, replace=False)
    os.makedirs(out, exist_ok=True)
    for row in sorted(rows):
        save(upscale(pixels[row], name), os.path.join(out, f"{source}_{labels[row]}_{row:05d}.png"), jpeg)
    print(f"{n} digits in {out}")


def make(out, half, mirrors, prep="enlarged", name="bilinear", source=None, jpeg=None):
    with open(SPLIT, newline="") as f:
        rows = [r for r in csv.DictReader(f, delimiter="\t") if half in (None, r["half"])
                and source in (None, r["source"])]
    os.makedirs(out, exist_ok=True)
    tables = {}
    for row in rows:
        if row["source"] == "drawn":
            image = Image.open(io.BytesIO(blob(mirrors, row["repository"], row["blob"]))).convert("L")
            image = image.resize((28, 28)) if prep == "enlarged" else mnist_style(image)
        else:
            if row["source"] not in tables:
                tables[row["source"]] = collection(row["source"], mirrors)
            pixels = tables[row["source"]][1][int(row["row"])]
            picture = Image.fromarray(pixels.astype(np.uint8))
            image = upscale(pixels, name) if prep == "enlarged" else mnist_style(picture)
        save(image, os.path.join(out, row["file"]), jpeg)
    print(f"{len(rows)} digits in {out}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    made = sub.add_parser("make")
    made.add_argument("out")
    made.add_argument("--half", choices=("tuning", "untouched"))
    made.add_argument("--prep", choices=("enlarged", "mnist"), default="enlarged")
    made.add_argument("--filter", choices=sorted(FILTERS), default="bilinear",
                      help="the enlarging filter of the small collections' digits (--prep enlarged)")
    made.add_argument("--source", choices=sorted(SOURCES), help="one source only")
    others = sub.add_parser("fresh", help="digits of a source that the split does not list")
    others.add_argument("out")
    others.add_argument("--source", choices=("usps", "optdigits", "semeion"), required=True)
    others.add_argument("--n", type=int, default=100)
    others.add_argument("--seed", type=int, default=SEED)
    others.add_argument("--filter", choices=sorted(FILTERS), default="bilinear")
    selected = sub.add_parser("select")
    for p in (made, others):
        p.add_argument("--jpeg", type=int, help="write JPEGs at this quality")
    for p in (made, others, selected):
        p.add_argument("--mirrors", default="/work/.mirror")
    args = parser.parse_args()
    if args.command == "make":
        make(args.out, args.half, args.mirrors, args.prep, args.filter, args.source, args.jpeg)
    elif args.command == "fresh":
        fresh(args.out, args.source, args.n, args.seed, args.mirrors, args.filter, args.jpeg)
    else:
        select(args.mirrors)


if __name__ == "__main__":
    main()
