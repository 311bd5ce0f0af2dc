"""A candidate reading for generator output clipped to [0.1, 0.9] and rescaled, measured and not built (docs/studies.md,
"Cleaned generator output, more clean-ups", forty-eighth pass): the share of a figure's ink (values >= 128) at its
brightest value. The clip turns a saturating activation's ramp into a 255 plateau without the gap below it that
`clean-up` reads; MNIST's own saturated scans hold such plateaus too, which is the reading's price.

For each folder of PNGs: how many figures lie past the reference's percentiles of the statistic, and, given a verdict
JSON of the same files, how many would be caught by it or by the verdict (an estimate: a new reading would also take
a share of the other detectors' false-positive rate).

    python tests/benchmarks/cleaned_plateau.py SPEC VERDICTS.json FOLDER [FOLDER ...]
"""
import glob
import json
import os
import sys

import numpy as np

MAX_POSTERISED = 16  # clean-up's: fewer distinct values is a posterisation, read there
PERCENTILES = (99.5, 99.8, 99.88, 99.95)  # 99.88: alpha 1 % times clean-up's typical weight 0.12


def plateau_share(image):
    """Share of the figure's ink (>= 128) at its brightest value; 0 for a posterised figure."""
    if np.unique(image[image > 0]).size <= MAX_POSTERISED:
        return 0.0
    return float((image == image.max()).sum() / max((image >= 128).sum(), 1))


def main(spec, verdicts, folders):
    from PIL import Image

    from engine.data.specs import load_spec

    reference = np.rint(np.clip(load_spec(spec).x[:, 0], 0, 1) * 255).astype(np.int64)
    shares = np.array([plateau_share(image) for image in reference])
    with open(verdicts) as f:
        generated = {v["path"] for v in json.load(f)["files"] if v["label"] == "generated"}
    print("folder\tpercentile\tthreshold\tpast_it\tor_generated\tgenerated\tof")
    for folder in folders:
        paths = sorted(glob.glob(os.path.join(folder, "*.png")))
        found = np.array([plateau_share(np.asarray(Image.open(p)).astype(np.int64)) for p in paths])
        caught = np.array([os.path.abspath(p) in generated for p in paths])
        for q in PERCENTILES:
            past = found > np.percentile(shares, q)
            print(f"{folder}\t{q}\t{np.percentile(shares, q):.3f}\t{past.sum()}\t{(past | caught).sum()}\t"
                  f"{caught.sum()}\t{len(paths)}")


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
