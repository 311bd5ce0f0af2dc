"""Faint speck: a value of one or two 8-bit steps alone in the background, far from any stroke.

A generator's output near 0 is rarely exactly 0, and rounding it to 8 bits leaves a stray 1 or 2
here and there in the background, where a real digit is exactly 0. `faint-background` counts the
faint values more than a pixel from ink, which interpolation also makes: a cubic spline ripples 3-4
pixels into the background, so since it is calibrated on resampled copies too a generator trained
five times longer than the case's (a faint speck in 65 % of its digits) passed as real (docs/
studies.md, "Long-trained unregistered DCGAN against the resampled calibration"). This detector
counts only what neither interpolation nor a JPEG round trip of a real digit makes: a value in
(0, SPECK]
- with nothing above SPECK within QUIET pixels (so not the dimmed remains of a real speck of ink,
  nor the crest of a ripple);
- with no ink (>= INK) within FAR pixels (Euclidean): bilinear interpolation puts new values only
  beside old ones, an editor's bicubic at most two pixels out, a cubic spline's ripple has fallen
  below half a step by then, and so has Lanczos' through a smaller size and back (3-4 pixels out);
- in an 8 x 8 tile (from the top-left, JPEG's blocks) that holds nothing above SPECK: JPEG's
  ringing fills the blocks that hold a stroke and leaves an empty block exactly 0, so a JPEG saved
  again losslessly at a quality too high to be read from its pixels (99-100) is not read as specks.
None of 5,000 reference digits nor of their 20,000 resampled copies (each row of engine/detectors/
resampling.py) holds one, against 71 of 500 digits of the long-trained DCGAN (docs/studies.md,
eleventh pass).

The score is the number of such values, a figure statistic (engine/detectors/figure_statistic.py):
it fits nothing, so every reference file calibrates it, and apart their resampled copies (the larger
of the two tail probabilities).
With no reference file holding one, a file with a speck gets the calibration's floor 1/(n + 1).
Under JPEG and lossy WebP (a file read as such) it stands aside (`lossy_erases`, engine/detectors/
channels.py): they fill or erase the background's steps. Applies to image references with a blank
background, like `faint-background`.
"""
import numpy as np

from engine.detectors.faint_background import INK
from engine.detectors.figure_statistic import FigureStatistic

SPECK = 0.01  # at most 2 steps of 255 (3 steps are 0.0118)
QUIET = 3  # nothing above SPECK in the (2 QUIET + 1)^2 square around it
FAR = 5.0  # pixels (Euclidean) to the nearest ink
TILE = 8  # JPEG's block


def specks(x):
    """(n, 1, h, w) samples -> boolean (n, h, w): the faint specks (module docstring)."""
    from scipy import ndimage

    images = np.asarray(x, dtype=np.float64).reshape(x.shape[0], x.shape[-2], x.shape[-1])
    side = 2 * QUIET + 1
    quiet = ndimage.maximum_filter(images, size=(1, side, side), mode="constant", cval=0.0) <= SPECK
    reach = int(np.ceil(FAR)) - 1
    offsets = np.arange(-reach, reach + 1)
    disk = offsets[:, None] ** 2 + offsets[None, :] ** 2 < FAR ** 2  # the offsets nearer than FAR
    far = ~ndimage.binary_dilation(images >= INK, disk[None])
    n, h, w = images.shape
    above = np.pad(images > SPECK, ((0, 0), (0, -h % TILE), (0, -w % TILE)))
    filled = above.reshape(n, above.shape[1] // TILE, TILE, above.shape[2] // TILE, TILE).any(axis=(2, 4))
    empty_tile = ~np.repeat(np.repeat(filled, TILE, axis=1), TILE, axis=2)[:, :h, :w]
    return (images > 0) & quiet & far & empty_tile


def faint_specks(x):
    """Per sample (n, 1, h, w): the number of faint specks."""
    return specks(x).sum(axis=(1, 2)).astype(np.float64)


class FaintSpeck(FigureStatistic):
    name = "faint-speck"
    arrays = ("cal_faint_speck",)
    statistic = staticmethod(faint_specks)
    lossy_erases = True  # JPEG's and lossy WebP's ringing fills the background: stand aside (channels.py)
    method = (f"number of values in (0, {SPECK}] with nothing above {SPECK} within {QUIET} pixels nor in "
              f"their {TILE}x{TILE} block, and no value >= {INK} within {FAR:g} pixels: a generator's near-0 "
              f"output rounded to a stray step or two in the background, where real figures are exactly 0 "
              f"and interpolation (a rotated or rescaled real figure) or a JPEG round trip puts faint values "
              f"only near the strokes")

    def reason(self, batch, g, score, p):
        files, copies = self.calibrations()
        seen = f"{int(np.sum(files > 0))} of {files.size} reference files hold one"
        if copies is not None:
            seen += f", {int(np.sum(copies > 0))} of {copies.size} of their resampled copies"
        return (f"faint specks: {score:.3g} values of at most {SPECK} alone in the background, at least {FAR:g} "
                f"pixels from any stroke, where interpolation and JPEG cannot put them ({seen}); tail probability "
                f"{p:.2g}")
