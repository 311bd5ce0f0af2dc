"""Candidate image traits for a generator trained five times longer than the case's, not in the product: none
separates its files from real digits and their resampled copies at the rate a verdict needs (docs/studies.md,
"Long-trained MNIST GAN: what is left after placement", eighteenth pass). Kept so that the next pass starts from the
measurement, not from the idea.

The verdict's rule (engine/detectors/calibration.py, figure_statistic.py) needs a file's statistic beyond about
the 99.9th percentile of both the reference's files and their resampled copies (engine/detectors/resampling.py)
before one detector decides at a PNG's share of alpha = 1 % (about 1/8 of it with one more detector). Each
candidate here is one number per figure and fits nothing, as a figure statistic would:

- `stroke_width_cv`: the coefficient of variation of the stroke's half-width along its ridge (the local maxima of
  the distance transform of the ink >= INK). A pen draws a nearly constant width; the long-trained DCGAN's strokes
  swell and thin (median 0.28 against the reference's 0.21). Interpolation and JPEG keep it.
- `faint_off_strokes`: the number of values in (0, FAINT) more than REACH = 2 pixels (either axis) from any value
  >= FAINT: `faint-background` one pixel further out. Bilinear and an editor's bicubic (PIL) leave none there; the
  reference's cubic-spline copies (scipy's order 3, a row of the resampled calibration) ripple that far.
- `stroke_dips`: pixels at least DEEP pixels inside the ink (Euclidean, to the nearest value < INK) yet below
  PLATEAU: a blotchy stroke's dark patches, where MNIST's anti-aliased strokes are flat at 252-255 of 255.

`separation` measures a candidate as the verdict would read it: the threshold is the larger of the reference's and
the copies' 99.9th percentiles, and each set's share beyond it is printed.

    .venv/bin/python tests/benchmarks/long_gan_traits.py GENERATED_FOLDER [GENERATED_FOLDER ...]
"""
import glob
import os
import sys

import numpy as np

INK = 0.5  # the stroke: values at or above it
FAINT = 0.05  # faint-background's INK: values below it off the strokes are faint
REACH = 2
DEEP = 2.0  # pixels inside the ink
PLATEAU = 0.95
QUANTILE = 0.999  # about where one of eight detectors decides alone at alpha = 1 %


def _images(x):
    x = np.asarray(x, dtype=np.float64)
    return x.reshape(len(x), x.shape[-2], x.shape[-1])


def stroke_width_cv(x):
    """Per figure (n, [1,] h, w): std / mean of the ink's half-width along its ridge; 0 with fewer than 3 ridge pixels."""
    from scipy import ndimage

    out = np.zeros(len(x))
    for i, image in enumerate(_images(x)):
        depth = ndimage.distance_transform_edt(image >= INK)
        widths = depth[(depth > 0) & (depth >= ndimage.maximum_filter(depth, size=3))]
        if widths.size >= 3:
            out[i] = widths.std() / widths.mean()
    return out


def faint_off_strokes(x):
    """Per figure: the number of values in (0, FAINT) more than REACH pixels (either axis) from any value >= FAINT."""
    from scipy import ndimage

    images = _images(x)
    ink = images >= FAINT
    near = ndimage.binary_dilation(ink, np.ones((1, 2 * REACH + 1, 2 * REACH + 1), dtype=bool))
    return ((images > 0) & ~ink & ~near).sum(axis=(1, 2)).astype(np.float64)


def stroke_dips(x):
    """Per figure: the number of pixels at least DEEP pixels inside the ink that lie below PLATEAU."""
    from scipy import ndimage

    images = _images(x)
    depth = np.stack([ndimage.distance_transform_edt(image >= INK) for image in images])
    return ((depth >= DEEP) & (images < PLATEAU)).sum(axis=(1, 2)).astype(np.float64)


CANDIDATES = {"stroke-width-cv": stroke_width_cv, "faint-off-strokes": faint_off_strokes, "stroke-dips": stroke_dips}


def threshold(statistic, reference, copies):
    """The larger of the reference's and its resampled copies' QUANTILE of `statistic`."""
    return max(float(np.quantile(statistic(reference), QUANTILE)), float(np.quantile(statistic(copies), QUANTILE)))


def separation(sets, reference_spec="builtin:mnist[0:2000]", candidates=None):
    """{candidate: (threshold, {set name: share beyond it})} for sets {name: (n, 1, h, w) array}, the reference's
    copies made as the profile makes them (resampling.resampled_copies, 8-bit levels); `candidates` {name:
    statistic}, this module's CANDIDATES unless given."""
    from engine.data.specs import load_spec
    from engine.detectors.resampling import resampled_copies

    reference = load_spec(reference_spec).x
    copies, _ = resampled_copies(reference, 255)
    out = {}
    for name, statistic in (CANDIDATES if candidates is None else candidates).items():
        limit = threshold(statistic, reference, copies)
        out[name] = (limit, {set_name: float(np.mean(statistic(x) > limit)) for set_name, x in sets.items()})
    return out


def load_folder(folder):
    """The PNGs of a folder (sorted by name) as (n, 1, h, w) values in [0, 1]."""
    from PIL import Image

    paths = sorted(glob.glob(os.path.join(folder, "*.png")))
    return np.stack([np.asarray(Image.open(p).convert("L"), dtype=np.float64) / 255 for p in paths])[:, None]


if __name__ == "__main__":
    from engine.data.specs import load_spec

    named = {"real mnist[9000:9500]": load_spec("builtin:mnist[9000:9500]").x}
    named.update({os.path.basename(os.path.normpath(f)): load_folder(f) for f in sys.argv[1:]})
    for candidate, (limit, shares) in separation(named).items():
        print(f"{candidate:>18} beyond {limit:.3g}: " + ", ".join(f"{k} {v:.1%}" for k, v in shares.items()))
