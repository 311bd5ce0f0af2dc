"""Faint background: values just above 0 that lie away from the strokes.

A digit's background is exactly 0; a generator's smooth output smears that point mass into
faint values (TequilaGAN's "smooth approximation of the modes"), all over the background.
`near-zero` counts every value in (0, INK), which also counts the faint values that
interpolation puts right beside every stroke when a real digit is rotated or rescaled (62-65 %
of real MNIST digits rotated by up to 8 degrees or scaled by 1.1, bilinear, were past its
threshold). This detector counts only the faint values more than REACH pixels (in either
axis) from any value >= INK: the background proper, which a resampling leaves at exactly 0
and a generator does not. Measured beside `near-zero` in docs/verdicts.md. It fits nothing, so
every reference file calibrates it. Applies to image references with a blank background (values at
exactly 0 outnumber the faint ones), and takes `near-zero`'s place in cases made since 2026-11-30
(evening). Since 2026-12-01 it is calibrated on the reference's files and, apart, on their
resampled copies (a figure statistic, engine/detectors/figure_statistic.py): a cubic spline
(scipy.ndimage's default order 3) ripples a few pixels into the background, past REACH, and put
every real digit so rotated past the threshold of a calibration on clean files only.
"""
import numpy as np

from engine.detectors.detector import median
from engine.detectors.figure_statistic import FigureStatistic

INK = 0.05  # statistical.NEAR_ZERO's bin is (0, 0.05)
REACH = 1


def faint_background(x):
    """Per sample (n, 1, h, w): the share of its values in (0, INK) more than REACH pixels from ink."""
    from scipy import ndimage

    images = np.asarray(x).reshape(x.shape[0], x.shape[-2], x.shape[-1])
    ink = images >= INK
    near_ink = ndimage.binary_dilation(ink, np.ones((1, 2 * REACH + 1, 2 * REACH + 1), dtype=bool))
    faint = (images > 0) & ~ink & ~near_ink
    return faint.reshape(len(images), -1).mean(axis=1)


class FaintBackground(FigureStatistic):
    name = "faint-background"
    arrays = ("cal_faint_background",)
    statistic = staticmethod(faint_background)
    method = (f"share of values in (0, {INK}) more than {REACH} pixel from any value >= {INK}: the "
              f"reference's exact 0 smeared over the background, as a generator's smooth output does "
              f"(TequilaGAN), not beside the strokes, where interpolation puts faint values in real "
              f"figures that were rotated or rescaled")

    def reason(self, batch, g, score, p):
        middle, top = median(self.tail), float(self.tail["sorted"][-1])
        reading = ("within the reference's range" if score <= top else
                   "more than any reference file: the background's exact 0 smeared, as a generator's smooth "
                   "output does")
        return (f"faint background: {score:.1%} of values lie just above 0, in (0, {INK}), away from the strokes "
                f"(reference files: median {middle:.1%}, max {top:.1%}), {reading}; tail probability {p:.2g}")
