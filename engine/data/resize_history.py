"""A resize with a ringing filter (Lanczos) read from a lossless figure's pixels.

A real digit resized by an editor and back (through 20 x 20, 24 x 24, 34 x 34 ...) with PIL's Lanczos filter
was labelled generated every time (200 of 200 through 20 x 20, docs/verdicts.md "Limits"): the filter's
lobes leave faint values around every stroke where a real digit is exactly 0, which `features` reads as a
generator's haze, and calibrating every file on such copies let a generator's haze pass as well (an
unregistered DCGAN 485 -> 145 of 500, fourth pass). What tells them apart is where the faint values lie.
A resampling filter has a finite support (Lanczos: three source pixels either side), so its ringing is a
halo confined to a band around the strokes and the background beyond the band stays exactly 0; a
generator's faint values reach the whole background. A figure on a blank background is read as resized
when at least RESIZE_MIN_HALO non-zero pixels lie RESIZE_HALO_FROM or more pixels from the ink (values at
or above RESIZE_INK) and none lies more than RESIZE_BAND pixels from the figure (values at or above
RESIZE_FIGURE: a real digit's own faint strokes ring too, more weakly). Tuning (docs/verdicts.md "Resized
real digits", fifteenth pass): real digits through Lanczos 20 / 24 / 34 and back read 299-300 of 300; clean
real digits, a short-trained DCGAN's digits and the same digits resized with Lanczos 0 of 300 (at least 16
of each generated digit's lit pixels lie beyond the band); bicubic round trips leave no halo that far (real
digits through 20 x 20: 1 of 300 read) and need none.
"""
import numpy as np

RESIZE_INK = 128  # the strokes' core
RESIZE_HALO_FROM = 2.5  # pixels from the ink: beyond a clean digit's anti-aliased edge
RESIZE_MIN_HALO = 20  # clean real digits have none that far; ringing leaves 40-130
RESIZE_FIGURE = 32  # brighter than any ringing lobe of a 255 edge (about a tenth of it)
RESIZE_BAND = 6.0  # pixels from the figure: past Lanczos' lobes (3 source pixels) at a downscale to 20 / 28
# Lanczos' first negative lobe, clipped to 0, leaves a ring that brightens again away from the ink: at least
# RESIZE_MIN_RISING halo pixels, and RESIZE_RISING_SHARE of them, brighter than every neighbour nearer the ink.
# A VAE's or a generator's blur fades steadily instead (a VAE's digits read as resized: 301 of 500 without this,
# 103 with it).
RESIZE_MIN_RISING = 4
RESIZE_RISING_SHARE = 0.04
RESIZE_REGION = 256  # pixels a side from the top-left corner: the cost bounded (1.2 s for a 2000 x 2000 scan read whole)


def resize_history(values):
    """A resize with a ringing filter read from 8-bit grey pixels ((h, w), or a grey picture stored as RGB;
    the module's docstring), in their top-left RESIZE_REGION: {"halo": the non-zero pixels RESIZE_HALO_FROM or more from the ink} or None."""
    from scipy import ndimage

    values = np.asarray(values)[:RESIZE_REGION, :RESIZE_REGION]
    if values.ndim == 3 and values.shape[2] == 3 and np.ptp(values.astype(np.int16), axis=-1).max() <= 1:
        values = values[..., 1]  # a grey picture stored as RGB
    if values.dtype != np.uint8 or values.ndim != 2 or not (values >= RESIZE_INK).any() or values.min() > 0:
        return None  # not a grey figure on an empty background (a photo has no exact black: no distance transforms)
    lit = values > 0
    from_ink = ndimage.distance_transform_edt(values < RESIZE_INK)
    halo = lit & (from_ink >= RESIZE_HALO_FROM)
    if halo.sum() < RESIZE_MIN_HALO or (lit & (ndimage.distance_transform_edt(values < RESIZE_FIGURE) > RESIZE_BAND)).any():
        return None
    rising = int((halo & _brighter_than_inner_neighbours(values, from_ink)).sum())
    if rising < max(RESIZE_MIN_RISING, RESIZE_RISING_SHARE * halo.sum()):
        return None
    return {"halo": int(halo.sum()), "rising": rising}


def _brighter_than_inner_neighbours(values, from_ink):
    """Per pixel, whether it is brighter than each of its 8 neighbours that lie nearer the ink (by half a
    pixel or more), where it has one: a ring rising again after a clipped negative lobe."""
    h, w = values.shape
    v = np.pad(values.astype(np.float64), 1)
    d = np.pad(from_ink, 1, constant_values=np.inf)
    inner = np.full(values.shape, -np.inf)
    for dy, dx in ((0, 0), (0, 1), (0, 2), (1, 0), (1, 2), (2, 0), (2, 1), (2, 2)):
        nearer = d[dy:dy + h, dx:dx + w] < from_ink - 0.5
        inner = np.where(nearer, np.maximum(inner, v[dy:dy + h, dx:dx + w]), inner)
    return np.isfinite(inner) & (values > inner)
