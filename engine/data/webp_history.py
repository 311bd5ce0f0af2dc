"""An earlier lossy WebP compression read from a lossless image's pixels.

A picture saved as lossy WebP and then converted to PNG (BMP, TIFF, lossless WebP) keeps WebP's loss but not
its container, and judged against the clean calibration nearly every real digit so converted was labelled
generated (docs/studies.md, "Lossy WebP and JPEG 99-100 history", thirteenth pass). Lossy WebP (VP8) records no
quality; what it leaves in the pixels is its colour model. VP8 codes limited-range YUV (BT.601: Y in 16-235
for black to white) and libwebp's decoder (src/dsp/yuv.h; PIL, browsers and most tools use it) turns a pixel
back into RGB with 14-bit fixed-point arithmetic,

    R = clip((y * 19077 >> 8) + (v * 26149 >> 8) - 14234) >> 6
    G = clip((y * 19077 >> 8) - (u * 6419 >> 8) - (v * 13320 >> 8) + 8708) >> 6
    B = clip((y * 19077 >> 8) + (u * 33050 >> 8) - 17685) >> 6,

about 1.164 (y - 16). Where the picture is grey (u = v = 128: a grey digit, whatever the WebP's quality) the
256 values of y reach only 220 of the 256 levels in each channel: 33 levels, one in about seven (4, 11,
18, ... 244), come out of no grey pixel in any channel (webp_gaps). The quantiser moves y, never off this
mapping, so a grey picture decoded from lossy WebP has no pixel at those levels, at any quality, while a
clean picture, a generator's output or a JPEG (its decoder maps full-range Y to the levels one to one) puts
about one in eight of the levels it uses on a gap. A history is read when no gap level occurs among at least
WEBP_MIN_LEVELS distinct levels between black and white: distinct levels, not pixels, since a clean digit may
repeat one level many times. Among 9,000 clean MNIST digits (builtin:mnist[0:9000]) 496 had no gap level;
those used at most 28 distinct levels but one (36), while real digits through WebP 50-100 used 32 or more
(188-199 of 200 at each quality). A colour picture's chroma fills the gaps, so colour (other than a grey
picture stored as RGB) is not read.
"""
from functools import lru_cache

import numpy as np

WEBP_MIN_LEVELS = 32  # distinct levels strictly between 0 and 255


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
    """The levels no grey pixel decoded by libwebp takes in any channel (33 of them)."""
    gaps = np.arange(256)
    for channel in _libwebp_grey_to_rgb(np.arange(256)):
        gaps = np.setdiff1d(gaps, channel)
    return gaps


def webp_history(values):
    """An earlier lossy WebP compression of 8-bit pixels ((h, w) or (h, w, 3)) read from them (the module's
    docstring): {"gap_levels": 0, "levels": the distinct levels between black and white} or None."""
    values = np.asarray(values)
    if values.dtype != np.uint8 or values.shape[2:] not in ((), (3,)):
        return None
    if values.ndim == 3:
        if np.abs(values.astype(np.int16) - values[..., 1:2]).max() > 1:
            return None  # colour: the chroma fills the gaps
        values = values[..., 1]  # a grey picture stored as RGB: its channels differ by WebP's chroma rounding
    present = np.bincount(values.ravel(), minlength=256) > 0
    levels = int(present[1:255].sum())
    if present[webp_gaps()].any() or levels < WEBP_MIN_LEVELS:
        return None
    return {"gap_levels": 0, "levels": levels}
