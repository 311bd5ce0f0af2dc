"""Placement: where a figure's centre of mass lies, against where the reference's lie.

A dataset's construction can be a hard specification that no detector of values or shapes reads
(TequilaGAN: specifications mined from the real data). MNIST's digits were placed in 28 x 28 so that
their centre of mass is at the centre: for every one of its first 5,000 digits the centre of mass
(of the values above INK) lies within about half a pixel of the reference's median on each axis,
while a DCGAN trained five times longer than the case's, whose values and shapes pass every other
detector, puts it more than a pixel off in 60 % of its digits (docs/studies.md, fourteenth pass).

This detector mines the reference's centre-of-mass rows and columns (the profile keeps them, sorted)
and scores a figure by its most extreme coordinate: its distance from the reference's median, in
units of the reference's half-width on that side (the median to the 0.5th or 99.5th percentile), so
a figure at the edge of the reference's middle 99 % scores 1 on either side and either axis (a rank
would tie every figure beyond the reference's range at one floor; this unit grades them, and the
calibration's exponential tail turns the grade into a tail probability). For a
reference without such a construction the half-widths are wide and the detector is weak; it fits
nothing else, so every reference file calibrates it and, apart, their copies rotated or rescaled about
the centre (a figure statistic, engine/detectors/figure_statistic.py), which keep a centred figure's centre
of mass where it was. Not the copies shifted by a fraction of a pixel (resampling.without_shifts): MNIST
placed its figures by whole pixels, and against those copies a generated figure needed to lie about a
pixel off, so a long-trained DCGAN's digits passed (untouched, 300 digits each: 220 -> 254 and, an LSGAN's,
243 -> 275 labelled generated without them); the price is a real digit shifted by a fraction of a pixel with
interpolation, labelled generated more often (untouched, 200 such digits: 42 -> 69, most of them by `box-size`
already; rotated, rescaled, resized or re-encoded real digits unchanged; docs/studies.md,
"Placement without the shifted copies", forty-seventh pass).

Kept and dropped, as measured on 500 real digits (docs/studies.md, fourteenth pass):
- the centre of mass of the values above INK = 0.1 survives JPEG 50-95 and WebP 75 (the digits'
  99th percentile offset 0.51 px, through those 0.51-0.55), so under those channels the detector
  stays, recalibrated on the channelled reference (engine/detectors/channels.py); weighed by every
  value above 0, JPEG 50's and WebP's ringing took it to 0.61-0.63 px;
- the ink box (MNIST: the longest side 20 px for 9,997 of 10,000 digits) survives JPEG only at a
  threshold of 0.3, and the resampled copies spread it over 17-24 px (a scale of 0.88-1.12), where
  the long-trained generators' boxes lie too (18-22 px): it could not decide against the copies, so it
  is not read.
Applies to image references of figures on a blank background, like `faint-speck`.
"""
import numpy as np

from engine.detectors import calibration, resampling
from engine.detectors.detector import EVERY_FILE_AND_CENTRED_COPIES
from engine.detectors.figure_statistic import FigureStatistic
from engine.detectors.statistical import blank_background

INK = 0.1  # values above this weigh the centre of mass (JPEG's ringing stays below it)
COVERED = 0.99  # the reference's middle share whose half-widths are the unit of a score
AXES = ("row", "column")


def centres(x):
    """(n, c, h, w) samples -> (n, 2): each figure's centre of mass (row, column) in pixels from the top-left
    pixel's centre, weighed by its values (channels averaged) above INK (the image's centre for a figure with none)."""
    images = np.asarray(x, dtype=np.float64).reshape(x.shape[0], -1, x.shape[-2], x.shape[-1]).mean(axis=1)
    weights = np.where(images > INK, images, 0.0)
    mass = weights.sum(axis=(1, 2))
    rows, cols = np.arange(images.shape[1]), np.arange(images.shape[2])
    blank = mass == 0
    mass[blank] = 1.0
    out = np.stack([weights.sum(axis=2) @ rows / mass, weights.sum(axis=1) @ cols / mass], axis=1)
    out[blank] = [(images.shape[1] - 1) / 2, (images.shape[2] - 1) / 2]
    return out


def half_widths(reference):
    """(2 axes, n) sorted reference centres -> (median, lower half-width, upper half-width) per axis, each (2,);
    a half-width is at least a hundredth of a pixel, so that a reference whose figures all sit on one point
    still gives finite scores."""
    low, middle, high = np.quantile(reference, [(1 - COVERED) / 2, 0.5, (1 + COVERED) / 2], axis=1)
    return middle, np.maximum(middle - low, 0.01), np.maximum(high - middle, 0.01)


def deviations(x, reference):
    """(n, 2): each figure's centre of mass from the reference's median, in the reference's half-widths on
    that side (module docstring)."""
    middle, below, above = half_widths(reference)
    offset = centres(x) - middle
    return np.where(offset >= 0, offset / above, -offset / below)


def placement_scores(x, reference):
    """Per sample: its most extreme coordinate's deviation (`deviations`)."""
    return deviations(x, reference).max(axis=1)


class Placement(FigureStatistic):
    name = "placement"
    calibration = EVERY_FILE_AND_CENTRED_COPIES
    arrays = ("cal_placement", "placement_reference")
    method = (f"centre of mass (values above {INK}) from the reference's median, per axis in units of the "
              f"half-width that holds the reference's middle {COVERED:.0%} on that side, the larger of row and "
              f"column: a reference built with its figures centred (MNIST) holds them within about half a pixel, "
              f"where a generator places them freely; calibrated on the reference's figures also rotated or "
              f"rescaled about their centre, not shifted")

    @classmethod
    def fit(cls, ref, groups, n_groups, cross_fitted):
        if not blank_background(ref.x):
            return {}
        reference = np.sort(centres(ref.x).T, axis=1)
        copies = ref.resampled()
        return {"placement_reference": reference, "cal_placement": resampling.calibration_rows(
            calibration.group_mean(placement_scores(ref.x, reference), groups),
            copies.file_mean(placement_scores(copies.x, reference)))}

    def __init__(self, profile):  # FigureStatistic's tail, less the shifted copies' rows (module docstring)
        self.tail = resampling.tail(resampling.without_shifts(profile[self.arrays[0]]))
        self.reference = np.asarray(profile["placement_reference"], dtype=np.float64)

    def statistic(self, x):
        return placement_scores(x, self.reference)

    def informative(self, samples):
        """Not for a padded picture judged as its crop (engine/data/picture_size.py): the crop is the centred one,
        and a pad shared unevenly between the sides moves a real figure off the reference's centring (a real digit
        padded by 4 pixels right and bottom: 150 of 150 labelled generated by placement, twenty-third pass)."""
        return "padded" not in (samples.meta.get("channel") or {})

    def reason(self, batch, g, score, p):
        samples = batch.x[batch.groups == g]
        middle, _, _ = half_widths(self.reference)
        k = int(np.argmax(deviations(samples, self.reference).mean(axis=0)))  # the axis that scored
        offset = float(centres(samples)[:, k].mean() - middle[k])
        reach = np.abs(self.reference[k] - middle[k])
        side = (("above", "below"), ("left of", "right of"))[k][offset > 0]
        return (f"placement: centre of mass {abs(offset):.2f} px {side} the reference's median ({middle[0]:.2f}, "
                f"{middle[1]:.2f}) along the {AXES[k]}s; {int(np.sum(reach <= abs(offset))):,} of {reach.size:,} "
                f"reference figures lie within that distance of it (all within {reach.max():.2f} px); tail "
                f"probability {p:.2g}")
