"""Edge width: how far a figure's dim ink lies from the solid core of its strokes.

A digit on a blank background is solid strokes with a narrow anti-aliased edge: its dim
pixels (values in [INK, DIM) of its brightest value) touch the solid core (>= SOLID of it), a
median 1.1 pixels away in MNIST. A generator that models pixel means (a VAE, a PCA or mixture
sampler) blurs: its strokes are wide ramps with little or no solid core, its dim ink a median
5 pixels from the nearest solid pixel. A clean-up that zeroes the faint background and
saturates the brightest values (issue 14) erases the faint values `near-zero` reads but leaves
these ramps in place. The score is the mean, over a sample's dim pixels, of the Euclidean
distance to the nearest solid pixel, capped at MAX_WIDTH. A sample with no solid pixel gets
MAX_WIDTH, and so does one with no dim ink at all: binarised strokes, with no anti-aliased
edge, which no reference digit has (every one of the first 5,000 MNIST digits has at least two
dim pixels). It fits nothing, so every reference file calibrates it.

Invariances: levels are relative to the figure's brightest value and distances are in pixels,
so a uniform contrast change (a darker scan), a shift or a mirror image changes nothing. A small
rotation or rescaling with interpolation does: bilinear resampling widens an edge by about half
a pixel (median 1.1 -> 1.5-1.7), and 5-9 % of real digits rotated by up to 8 degrees or scaled by
0.9 or 1.1 score beyond the detector's threshold (docs/verdicts.md; `near-zero` flags far more of
them). Calibrating on resampled copies of the reference was tried and covers them, but lifts the
threshold past half of the VAE's files, so it was not adopted. Applies to image references with
a blank background (values at exactly 0 outnumber the faint ones in (0, INK), as for `near-zero`),
in cases made before 2026-12-01: `stroke-ramp` (engine/detectors/stroke_ramp.py) takes its place.
"""
import numpy as np

from engine.detectors import calibration
from engine.detectors.detector import EVERY_FILE, Detector, median
from engine.detectors.statistical import blank_background
from engine.detectors.stroke_ramp import StrokeRamp

INK = 0.05  # fainter values are near-zero's (engine/detectors/statistical.NEAR_ZERO)
DIM = 0.5
SOLID = 0.9
MAX_WIDTH = 8.0


def edge_width(x):
    """Per sample (n, 1, h, w): mean distance in pixels from its dim ink to its nearest solid
    pixel; MAX_WIDTH without dim ink or without solid pixels."""
    from scipy import ndimage

    images = np.asarray(x, dtype=np.float64).reshape(x.shape[0], x.shape[-2], x.shape[-1])
    out = np.zeros(images.shape[0])
    for i, image in enumerate(images):
        peak = image.max()
        dim = (image >= INK * peak) & (image < DIM * peak)
        solid = image >= SOLID * peak
        if not dim.any() or not solid.any():
            out[i] = MAX_WIDTH
            continue
        out[i] = np.minimum(ndimage.distance_transform_edt(~solid)[dim], MAX_WIDTH).mean()
    return out


class EdgeWidth(Detector):
    name = "edge-width"
    modalities = ("image",)
    calibration = EVERY_FILE  # it fits nothing
    arrays = ("cal_edge_width",)

    @classmethod
    def fit(cls, ref, groups, n_groups, cross_fitted):
        if not blank_background(ref.x) or StrokeRamp.applies(ref.modality):
            return {}  # stroke-ramp judges it (cases made before it exist keep edge-width)
        return cls.arrays_of(ref.x, groups)

    @staticmethod
    def arrays_of(x, groups):
        """Its arrays from reference samples x (as cases made before stroke-ramp hold them)."""
        return {"cal_edge_width": calibration.group_mean(edge_width(x), groups)}

    def __init__(self, profile):
        self.tail = calibration.tail_model(profile["cal_edge_width"])
        self.method = (f"mean distance in pixels from a figure's dim ink (values {INK}-{DIM}) to the nearest solid "
                       f"stroke pixel (>= {SOLID}): a blurred generator's strokes are wide ramps with little solid "
                       f"core, which a clean-up of the background and the brightest values leaves in place; levels "
                       f"relative to the figure's brightest value; a figure with no dim ink (binarised) scores "
                       f"the cap {MAX_WIDTH:g}")

    def scores(self, batch):
        return batch.file_mean(edge_width(batch.x))

    def reason(self, batch, g, score, p):
        middle, top = median(self.tail), float(self.tail["sorted"][-1])
        reading = ("within the reference's range" if score <= top else
                   "wider than any reference file's: blurred strokes with little solid core")
        image = batch.x[batch.groups == g][:, 0]
        peak = image.max(axis=(1, 2), keepdims=True)
        if not np.any((image >= INK * peak) & (image < DIM * peak)):
            return (f"edge width: no dim ink at all (values {INK:.0%}-{DIM:.0%} of its brightest), hard-edged strokes "
                    f"as binarising leaves them, scored as the widest edge {MAX_WIDTH:g} (reference files: median "
                    f"{middle:.1f}, max {top:.1f}); tail probability {p:.2g}")
        return (f"edge width: its dim ink lies {score:.1f} pixels from the solid core of its strokes on average "
                f"(reference files: median {middle:.1f}, max {top:.1f}), {reading}; tail probability {p:.2g}")
