"""An earlier lossy WebP compression read from a lossless image's pixels.

A picture saved as lossy WebP and then converted to PNG (BMP, TIFF, lossless WebP) keeps WebP's loss but not
its container, and judged against the clean calibration nearly every real digit so converted was labelled
generated (docs/verdicts.md, "WebP and JPEG 99-100 history", thirteenth pass). Lossy WebP (VP8) records no
quality; what it leaves in the pixels is its colour model. VP8 codes limited-range YUV (BT.601: Y in 16-235
for black to white) and libwebp's decoder (src/dsp/yuv.h; PIL, browsers and most tools use it) turns a pixel
back into RGB with 14-bit fixed-point arithmetic,

    R = clip((y * 19077 >> 8) + (v * 26149 >> 8) - 14234) >> 6
    G = clip((y * 19077 >> 8) - (u * 6419 >> 8) - (v * 13320 >> 8) + 8708) >> 6
    B = clip((y * 19077 >> 8) + (u * 33050 >> 8) - 17685) >> 6,

about 1.164 (y - 16). Where the picture is grey (u = v = 128: a grey digit, whatever the WebP's quality) the
256 values of y reach only 220 of the 256 levels in each channel: 33 levels, one in about seven (4, 11,
18, ... 244), come out of no grey pixel in any channel (WEBP_GAPS). The quantiser moves y, never off this
mapping, so a grey picture decoded from lossy WebP has no pixel at those levels, at any quality, while a
clean picture, a generator's output or a JPEG (its decoder maps full-range Y to the levels one to one) puts
about a third of the pixels it has at a gap level or beside one (WEBP_NEIGHBOURS) at the gap level itself.
A history is read when no gap level occurs and at least WEBP_MIN_NEIGHBOURS distinct levels beside the
gaps do: distinct levels, not pixels, since a clean digit may repeat one level many times. Among 9,000
clean MNIST digits (builtin:mnist[0:9000]) 496 had no gap level; of those one showed 17 neighbour levels,
the next 10. A colour picture's chroma fills the gaps, so colour (other than a grey picture stored as RGB)
is not read.
"""
from functools import lru_cache

import numpy as np

WEBP_MIN_NEIGHBOURS = 12  # distinct levels beside the gaps: (2/3)^12 ~ 0.8 % of gap-free chance at most


def _libwebp_grey_to_rgb(y):
    """libwebp's VP8YUVToR/G/B (src/dsp/yuv.h) for grey pixels (u = v = 128): (R, G, B) of luma `y`."""
    def mult_hi(value, coefficient):
        return (value * coefficient) >> 8

    def clip8(value):
        return np.where((value & ~16383) == 0, value >> 6, np.where(value < 0, 0, 255))

    u = v = 128
    return (clip8(mult_hi(y, 19077) + mult_hi(v, 26149) - 14234),
            clip8(mult_hi(y, 19077) - mult_hi(u, 6419) - mult_hi(v, 13320) + 8708),
            clip8(mult_hi(y, 19077) + mult_hi(u, 33050) - 17685))


@lru_cache(maxsize=1)
def webp_gaps():
    """(the levels no grey pixel decoded by libwebp takes in any channel, the levels beside them)."""
    levels = np.arange(256)
    gaps = levels
    for channel in _libwebp_grey_to_rgb(levels):
        gaps = np.setdiff1d(gaps, channel)
    neighbours = np.setdiff1d(np.union1d(gaps - 1, gaps + 1), gaps)
    return gaps, neighbours[(neighbours >= 0) & (neighbours <= 255)]


def webp_history(values):
    """An earlier lossy WebP compression of 8-bit pixels ((h, w) or (h, w, 3)) read from them (the module's
    docstring): {"gap_levels": 0, "neighbour_levels": the distinct levels seen beside the gaps} or None."""
    values = np.asarray(values)
    if values.dtype != np.uint8 or values.shape[2:] not in ((), (3,)):
        return None
    if values.ndim == 3:
        if np.abs(values.astype(np.int16) - values[..., 1:2]).max() > 1:
            return None  # colour: the chroma fills the gaps
        values = values[..., 1]  # a grey picture stored as RGB: its channels differ by WebP's chroma rounding
    gaps, neighbours = webp_gaps()
    present = np.bincount(values.ravel(), minlength=256) > 0
    seen = int(present[neighbours].sum())
    if present[gaps].any() or seen < WEBP_MIN_NEIGHBOURS:
        return None
    return {"gap_levels": 0, "neighbour_levels": seen}
