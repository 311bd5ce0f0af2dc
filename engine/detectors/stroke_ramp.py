"""Stroke ramp: how far a figure's dim ink lies from the crest of its strokes.

A digit on a blank background is strokes with a narrow anti-aliased edge; a generator that
models pixel means (a VAE, a PCA or mixture sampler) blurs, and its strokes are wide ramps,
which a clean-up of the faint background and the highlights (issue 14) leaves in place. So
did `edge-width` (engine/detectors/edge_width.py), measuring the way to the figure's *solid*
pixels (>= 90 % of its brightest value). But a real digit resampled on the way (rotated by a
few degrees, rescaled, shifted by half a pixel, with interpolation) loses the solid core of
its thinner strokes too: among the reference's digits so resampled, one in a hundred kept no
solid pixel near some stroke and scored like a VAE (99.75th percentile 5-6 pixels against the
clean reference's 2.4), so calibrating `edge-width` on resampled copies let half the cleaned
VAE files through.

This detector measures to the stroke's own crest instead: a crest pixel is one within CREST of
the brightest value in its WINDOW x WINDOW neighbourhood and at least FLOOR of the figure's
brightest value. Interpolation lowers and widens a thin stroke but leaves its crest where it
was, a pixel or two from the edge; a blurred generator's ramp climbs for several pixels before
it reaches one. The score is the mean, over a figure's dim pixels (INK-DIM of its brightest
value), of the Euclidean distance to the nearest crest pixel, capped at MAX_WIDTH; a figure
without dim ink (binarised, with no anti-aliased edge, which no reference digit is) or without
a crest scores MAX_WIDTH.

A figure statistic (engine/detectors/figure_statistic.py): calibrated on every reference file and,
apart, on each one's resampled copies (the larger of the two tail probabilities), so that a real
file rotated, rescaled or shifted with interpolation is judged against real files that were too
(docs/verdicts.md, "Images, second pass (2026-12-01)"). Levels are relative to the figure's
brightest value and distances in pixels, so a uniform contrast change, a shift or a mirror image
changes nothing. Applies to image references with a blank background, like `faint-background`, and
takes `edge-width`'s place in cases made since 2026-12-01 (older cases keep `edge-width`).
"""
import numpy as np

from engine.detectors import resampling
from engine.detectors.figure_statistic import FigureStatistic

INK = 0.05  # fainter values are faint-background's
DIM = 0.5
CREST = 0.8  # within 80 % of the brightest value around it ...
WINDOW = 5  # ... in its 5 x 5 neighbourhood ...
FLOOR = 0.7  # ... and at least 70 % of the figure's brightest value
MAX_WIDTH = 8.0


def crests(images):
    """(n, h, w) images -> boolean crest pixels (module docstring)."""
    from scipy import ndimage

    peak = images.max(axis=(1, 2), keepdims=True)
    local = ndimage.maximum_filter(images, size=(1, WINDOW, WINDOW), mode="constant", cval=0.0)
    return (images >= CREST * local) & (images >= FLOOR * peak) & (peak > 0)


def stroke_ramp(x):
    """Per sample (n, 1, h, w): mean distance in pixels from its dim ink to the nearest crest of
    its strokes; MAX_WIDTH without dim ink or without a crest."""
    from scipy import ndimage

    images = np.asarray(x, dtype=np.float64).reshape(x.shape[0], x.shape[-2], x.shape[-1])
    peak = images.max(axis=(1, 2), keepdims=True)
    dim = (images >= INK * peak) & (images < DIM * peak) & (peak > 0)
    crest = crests(images)
    out = np.full(images.shape[0], MAX_WIDTH)
    for i in np.nonzero(dim.any(axis=(1, 2)) & crest.any(axis=(1, 2)))[0]:
        out[i] = np.minimum(ndimage.distance_transform_edt(~crest[i])[dim[i]], MAX_WIDTH).mean()
    return out


class StrokeRamp(FigureStatistic):
    name = "stroke-ramp"
    arrays = ("cal_stroke_ramp",)
    statistic = staticmethod(stroke_ramp)
    method = (f"mean distance in pixels from a figure's dim ink (values {INK}-{DIM} of its brightest) to "
              f"the nearest crest of its strokes (a pixel within {CREST:.0%} of the brightest value in its "
              f"{WINDOW}x{WINDOW} neighbourhood and at least {FLOOR:.0%} of the figure's): a blurred "
              f"generator's strokes are wide ramps, which a clean-up of the background and the brightest "
              f"values leaves in place, while interpolation (a rotated or rescaled real figure) leaves the "
              f"crest a pixel or two from the edge; a figure with no dim ink (binarised) scores the cap "
              f"{MAX_WIDTH:g}. Calibrated with the reference's figures also {resampling.describe()}")

    def reason(self, batch, g, score, p):
        clean, copies = self.calibrations()
        seen = f"reference files: median {float(np.median(clean)):.1f}, max {float(clean[-1]):.1f}"
        if copies is not None:  # a case calibrated on resampled copies too
            seen += f"; {np.mean(copies >= score):.2%} of their resampled copies reach it"
        image = batch.x[batch.groups == g][:, 0]
        peak = image.max(axis=(1, 2), keepdims=True)
        if not np.any((image >= INK * peak) & (image < DIM * peak)):
            return (f"stroke ramp: no dim ink at all (values {INK:.0%}-{DIM:.0%} of its brightest), hard-edged "
                    f"strokes as binarising leaves them, scored as the widest ramp {MAX_WIDTH:g} ({seen}); tail "
                    f"probability {p:.2g}")
        reading = ("within the reference files' range" if score <= clean[-1] else
                   "wider than any reference file's: blurred strokes that climb for several pixels before their crest")
        return (f"stroke ramp: its dim ink lies {score:.1f} pixels from the crest of its strokes on average "
                f"({seen}), {reading}; tail probability {p:.2g}")
