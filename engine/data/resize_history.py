"""A resize read from a lossless figure's pixels: with a ringing filter (Lanczos) from its halo (resize_history),
with one that does not ring (nearest, box, bilinear, Hamming) as a fixed point of the round trip (resample_history,
below), and with a ringing one (bicubic, Lanczos) as the same fixed point corrected for the clipped overshoot: an
enlargement whose figure fills its frame, or any other figure's round trip with a stricter dip (RINGING_FILTERS,
RINGING_ROUND_TRIP).

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
RESIZE_FIGURE: a real digit's own faint strokes ring too, more weakly). Tuning (docs/studies.md "Resized
real digits", fifteenth pass): real digits through Lanczos 20 / 24 / 34 and back read 299-300 of 300; clean
real digits, a short-trained DCGAN's digits and the same digits resized with Lanczos 0 of 300 (at least 16
of each generated digit's lit pixels lie beyond the band); bicubic round trips leave no halo that far (real
digits through 20 x 20: 1 of 300 read): the fixed point reads them (RINGING_ROUND_TRIP, below).
"""
from functools import lru_cache

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
# A ring is faint: beyond RESIZE_HALO_FROM Lanczos' lobes leave a few grey levels (real digits through 25-56 and back:
# the halo's 90th percentile at most 9 in 95 % of them), where a long-trained VAE's blur fades through tens of levels
# (its digits read: median 24-37). So a halo with more than RESIZE_BRIGHT_SHARE of its pixels above RESIZE_RING_MAX is
# a blur's, unless a ring rises in at least RESIZE_RINGING_SHARE of it as a Lanczos pass leaves one (a real digit's own
# faint strokes are bright there too: 5 of 200 tuning digits; VAE digits: median 0.13). Tuning (docs/studies.md, "A
# VAE's blur told from a Lanczos ring", fifty-third pass): VAE digits read 334 -> 67, real Lanczos round trips through
# 25-56 1,566 -> 1,564.
RESIZE_RING_MAX = 12
RESIZE_BRIGHT_SHARE = 0.1
RESIZE_RINGING_SHARE = 0.25
RESIZE_REGION = 256  # pixels a side from the top-left corner: the cost bounded (1.2 s for a 2000 x 2000 scan read whole)


def resize_history(values):
    """A resize with a ringing filter read from 8-bit grey pixels ((h, w), or a grey picture stored as RGB;
    the module's docstring), in their top-left RESIZE_REGION: {"halo": the non-zero pixels RESIZE_HALO_FROM or more from the ink} or None."""
    from scipy import ndimage

    values = grey(np.asarray(values)[:RESIZE_REGION, :RESIZE_REGION])
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
    bright = int((values[halo] > RESIZE_RING_MAX).sum())
    if bright > RESIZE_BRIGHT_SHARE * halo.sum() and rising < RESIZE_RINGING_SHARE * halo.sum():
        return None  # a blur's tail, not a ring
    return {"halo": int(halo.sum()), "rising": rising}


def grey(values):
    """A grey picture stored as RGB (channels within one level) as its (h, w) values; anything else as it is."""
    if values.ndim == 3 and values.shape[2] == 3 and np.ptp(values.astype(np.int16), axis=-1).max() <= 1:
        return values[..., 1]
    return values


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


# --- a resize with a filter that does not ring, read as a fixed point -------------------
# Nearest, box, bilinear and Hamming leave no halo, yet real digits resized down and back with them were labelled
# generated (through 20 x 20: bilinear 213 of 300, Hamming 121; docs/studies.md "Resized real digits through a
# filter that does not ring", seventeenth pass). Such a file is the upsampling of a smaller picture: the smaller
# picture that best explains it (least squares through the pseudo-inverse of that upsampling, rounded to 8 bits),
# upsampled again as PIL does it (resample_matrix, pil_pass), reproduces it to within rounding (0.02-0.04 grey
# levels for a digit; resizing it down and back instead blurs it: about 6). Every filter (RESAMPLE_FILTERS) and
# smaller side (RESAMPLE_SIDES of the picture's side) is tried; a resize is read where the mean residual is at most
# RESAMPLE_MAX_RESIDUAL grey levels and at most 1 / RESAMPLE_CONTRAST of both neighbouring sides', which reach
# RESAMPLE_MIN_NEIGHBOUR: a smooth picture, which every upsampling explains nearly, has no such dip (a linear ramp
# is bilinear's fixed point at every side: 0.04-0.18 at 20-25 of 28; real digits resized with these filters through
# 12-24: neighbours 0.68 or more). Square grey pictures up to RESAMPLE_MAX_SIDE pixels a side; all sides of a
# filter are one batched matrix product (a 28 x 28 digit about 2 ms, 64 x 64 36 ms).
RESAMPLE_FILTERS = ("nearest", "box", "bilinear", "hamming")  # PIL's filters without negative lobes
RESAMPLE_SIDES = (0.40, 1.0)  # the smaller side as a share of the image's: every integer side between (below the
# picture's, with both neighbours below it: up to side - 2, 93 % of 28)
# Nearest and box are read up to 88 % only: near the picture's side they duplicate a row or two, which a clean
# digit's thin rows explain exactly by chance (13-17 of 300 clean real digits read as nearest or box 26 of 28).
# Beyond 88 % bilinear and Hamming barely filter, so a blur, a bicubic or Lanczos round trip dips there too (tuning
# digits mnist[5000:5200]: up to 0.5 grey levels, 3.0-4.2 times below the neighbours), while their own round trips
# through 25 and 26 of 28 leave at most 0.071, at least 11.7 times below: there a dip must reach RESAMPLE_LARGE.
# A later JPEG's noise is fitted better at large sides, so through one no filter is read beyond 88 %.
RESAMPLE_LARGEST_SIDE = {"nearest": 0.88, "box": 0.88, "bilinear": 1.0, "hamming": 1.0,
                         "bicubic": 0.75, "lanczos": 0.75}  # the ringing filters: RINGING_SMALLEST below (a
# figure filling its frame; any other's round trip: RINGING_ROUND_TRIP)
RESAMPLE_LARGE = (0.88, 0.15, 10.0)  # beyond this share of the side: the residual at most, the contrast at least
JPEG_LARGEST_SIDE = 0.88
RESAMPLE_MAX_RESIDUAL = 0.5  # grey levels, mean over the picture
RESAMPLE_CONTRAST = 3.0
RESAMPLE_MIN_NEIGHBOUR = 0.3  # grey levels
RESAMPLE_MAX_SIDE = 64
RESAMPLE_TIE = 0.01  # grey levels: filters whose upsampling explains the file as well (box and nearest)
PIL_PRECISION = 22  # Resample.c: 32 - 8 - 2 bits for an 8-bit pass's weights
# Bicubic (PIL's Image.resize default) and Lanczos ring: an enlargement's overshoot is clipped at 0 and 255 (in either
# of PIL's passes), so the file is no fixed point of the linear fit above (real USPS digits enlarged 16 -> 28 with
# bicubic: no dip, contrast about 1). The fit is corrected RINGING_STEPS times by the least squares of its residual, as
# engine/data/picture_size.py reduces an enlargement, and then reproduces such a file to within 0.1-0.3 grey levels at
# its side against 2-5 at the neighbouring ones (optdigits' 8 x 8 enlarged: 0.1-0.2 against 9-14), the same dip read
# as above. First built for a picture whose figure fills its frame (fills_frame, below): a digit made at a small side
# and enlarged whole, which was labelled generated against the clean reference (USPS 84-87 of 100, optdigits 96-100;
# docs/studies.md "Enlarged with a ringing filter", thirty-fourth pass).
RINGING_FILTERS = ("bicubic", "lanczos")
# Any other figure (MNIST's 20 x 20 box in 28 x 28) resized down and back with them, as PIL's `resize` does by default
# (bicubic), was labelled generated too (through 14: 78-81 of 100; docs/studies.md "A ringing filter's round trip read
# from a digit's pixels", forty-seventh pass). Its round trip is read with a stricter dip, RINGING_ROUND_TRIP: the
# largest side's share, the residual at most and the contrast at least. Real digits through 10-24 of 28 leave at most
# 0.15 grey levels, 13 or more times below the neighbouring sides; clean real digits, a DCGAN's (cleaned or not), a
# VAE's, Gaussian blurs and real digits rotated, scaled or shifted within the frame never dip below 1.9 times their
# neighbours there (at 25-26 of 28 a bilinear round trip dips as bicubic too: 4 of 200 through 26).
RINGING_ROUND_TRIP = (0.88, 0.25, 8.0)
# Their sides: from 7 of 28 (optdigits' 8 x 8: 0.29) up to 21 (RESAMPLE_LARGEST_SIDE): near the picture's side the
# corrected fit explains any smooth picture (optdigits enlarged 8 -> 28 with bilinear, 8 lying below the other
# filters' sides, read as bicubic 24 of 28: 86 of 100 up to 24).
RINGING_SMALLEST = 0.25
# Corrections of the fit: isolated full-contrast pixels enlarged with Lanczos, the most clipped, leave 0.3-0.5 grey
# levels after 16 (0.8-1.2 after 8 rounded each time, as picture_size does), a real digit's enlargement 0.1-0.3.
RINGING_STEPS = 16


def _hamming(x):
    x = np.abs(x)
    return np.where(x < 1, np.sinc(x) * (0.54 + 0.46 * np.cos(np.pi * x)), 0.0)


TORCH_CUBIC_A = -0.75  # torch's bicubic (Pillow's: -0.5)


def keys_cubic(x, a):  # Keys' cubic convolution: Pillow's bicubic_filter at a = -0.5, torch's bicubic at a = -0.75
    x = np.abs(x)
    return np.where(x < 1, ((a + 2) * x - (a + 3)) * x * x + 1, np.where(x < 2, (((x - 5) * x + 8) * x - 4) * a, 0.0))


def _bicubic(x):
    return keys_cubic(x, -0.5)


def _torch_bicubic(x):
    return keys_cubic(x, TORCH_CUBIC_A)


def lanczos(x, lobes=3):
    """The Lanczos kernel: Pillow's of 3 lobes; OpenCV's INTER_LANCZOS4 of 4 (engine/data/picture_size.py)."""
    return np.where(np.abs(x) < lobes, np.sinc(x) * np.sinc(x / lobes), 0.0)


# The ringing filters (bicubic, Lanczos) are read here only as an enlargement whose figure fills its frame (the
# halo reader above takes a Lanczos round trip); engine/data/picture_size.py reads an enlargement to another size
# than the reference's with any of them.
_KERNELS = {"box": (0.5, lambda x: ((x > -0.5) & (x <= 0.5)).astype(np.float64)),
            "bilinear": (1.0, lambda x: np.maximum(0.0, 1 - np.abs(x))),
            "hamming": (1.0, _hamming), "bicubic": (2.0, _bicubic), "lanczos": (3.0, lanczos),
            "torch-bicubic": (2.0, _torch_bicubic)}  # an upsampling (picture_size.py): torch's own taps, unwidened


def resample_matrix(size_in, size_out, name):
    """(size_out, size_in) weights of PIL's 1-D resample from size_in to size_out pixels with filter `name`
    (Pillow's Resample.c precompute_coeffs, in its fixed point: weights in units of 2 ** -PIL_PRECISION; nearest:
    its affine scaling, the source coordinate accumulated in floating point as Geometry.c does, which matters
    where (x + 0.5) scale falls on an integer)."""
    scale = size_in / size_out
    out = np.zeros((size_out, size_in))
    if name == "nearest":
        source = np.cumsum(np.r_[scale * 0.5, np.full(size_out - 1, scale)])
        out[np.arange(size_out), np.minimum(source.astype(int), size_in - 1)] = 2 ** PIL_PRECISION
        return out
    support, kernel = _KERNELS[name]
    filterscale = max(scale, 1.0)
    support *= filterscale
    for xx in range(size_out):
        center = (xx + 0.5) * scale
        lo, hi = max(int(center - support + 0.5), 0), min(int(center + support + 0.5), size_in)
        w = kernel((np.arange(lo, hi) - center + 0.5) / filterscale)
        out[xx, lo:hi] = w / w.sum() if w.sum() != 0 else w
    return np.trunc(out * 2 ** PIL_PRECISION + np.where(out < 0, -0.5, 0.5))


@lru_cache(maxsize=16)
def _round_trips(side, name, smallest=RESAMPLE_SIDES[0]):
    """The candidate smaller sides for an image of `side` pixels, from `smallest` of it (with one either side, for
    the neighbours), the least-squares inverses of their upsampling and the upsampling itself (PIL's fixed point),
    zero-padded to the largest side: (sides, (k, s_max, side), (k, side, s_max))."""
    sides = np.arange(int(np.ceil(smallest * side)) - 1, int(RESAMPLE_SIDES[1] * side) + 2)
    sides = sides[(sides >= 1) & (sides < side)]
    inverse = np.zeros((sides.size, sides.max(), side))
    up = np.zeros((sides.size, side, sides.max()))
    for k, s in enumerate(sides):
        up[k, :, :s] = resample_matrix(s, side, name)
        inverse[k, :s] = np.linalg.pinv(up[k, :, :s] / 2 ** PIL_PRECISION)
    return sides, inverse, up


def pil_pass(matrices, x, width):
    """One of PIL's 8-bit passes: along the width (x @ m.T) or the height (m @ x), rounded half up and clipped
    (exact: integers below 2 ** 53)."""
    y = np.matmul(x, np.swapaxes(matrices, 1, 2)) if width else np.matmul(matrices, x)
    return np.clip(np.floor((y + 2 ** (PIL_PRECISION - 1)) / 2 ** PIL_PRECISION), 0, 255)


def round_trip_residuals(values, name, smallest=RESAMPLE_SIDES[0], steps=0):
    """(sides, mean absolute residual per side) of an 8-bit square grey picture against its best explanation as
    an upsampling with filter `name` from each candidate side (from `smallest` of the picture's): the smaller 8-bit
    picture found by least squares, corrected `steps` times by the least squares of its residual (a ringing filter's
    lobes clipped at 0 and 255, in either of PIL's passes, put the first fit off), upsampled as PIL does it."""
    sides, inverse, up = _round_trips(values.shape[0], name, smallest)
    values = values.astype(np.float64)
    fit = inverse @ values @ np.swapaxes(inverse, 1, 2)
    small = np.clip(np.rint(fit), 0, 255)
    back = pil_pass(up, pil_pass(up, small, True), False)
    for _ in range(steps):  # corrections accumulated unrounded: rounding each one stalls where much is clipped
        fit = fit + inverse @ (values - back) @ np.swapaxes(inverse, 1, 2)
        small = np.clip(np.rint(fit), 0, 255)
        back = pil_pass(up, pil_pass(up, small, True), False)
    return sides, np.abs(back - values).mean(axis=(1, 2))


def resample_history(values, max_residual=RESAMPLE_MAX_RESIDUAL, contrast=RESAMPLE_CONTRAST, by_contrast=False,
                     largest=RESAMPLE_SIDES[1], ringing=True, round_trip=RINGING_ROUND_TRIP):
    """A resize down and back with a filter that does not ring, or with a ringing one (RINGING_FILTERS): the
    enlargement of a figure that fills its frame (where `ringing`), any other figure's round trip (where `round_trip`,
    its bounds: the largest side's share, the residual at most, the contrast at least), read from 8-bit grey pixels
    ((h, w), or a grey picture stored as RGB; the block comments above and below): {"filter": the filters that explain
    it as well as the best (box and nearest upsample alike: both read), "side", "residual", "fills_frame"} or None.
    `max_residual` and `contrast`: the dip's bounds; `by_contrast`: the deepest dip relative to its neighbours taken,
    not the lowest residual (for a JPEG's pixels: jpeg_resample_history); `largest`: no side above this share of the
    picture's is read."""
    values = grey(np.asarray(values))
    if (values.dtype != np.uint8 or values.ndim != 2 or values.shape[0] != values.shape[1]
            or not 8 <= values.shape[0] <= RESAMPLE_MAX_SIDE or np.ptp(values) == 0):
        return None
    filling = fills_frame(values)
    filters = [(name, RESAMPLE_SIDES[0], 0, (RESAMPLE_LARGEST_SIDE[name], max_residual, contrast))
               for name in RESAMPLE_FILTERS]
    if filling and ringing:
        filters += [(name, RINGING_SMALLEST, RINGING_STEPS, (RESAMPLE_LARGEST_SIDE[name], max_residual, contrast))
                    for name in RINGING_FILTERS]
    elif not filling and round_trip:
        filters += [(name, RINGING_SMALLEST, RINGING_STEPS, round_trip) for name in RINGING_FILTERS]
    found = []
    for name, smallest, steps, (share_at_most, residual_at_most, contrast_at_least) in filters:
        sides, residual = round_trip_residuals(values, name, smallest, steps)
        neighbours = np.minimum(residual[:-2], residual[2:])
        top = min(largest, share_at_most) * values.shape[0]
        share, large_residual, large_contrast = RESAMPLE_LARGE
        deep = (residual[1:-1] <= large_residual) & (neighbours >= large_contrast * residual[1:-1])
        dips = (residual[1:-1] <= residual_at_most) & (neighbours >= contrast_at_least * residual[1:-1]) & (
            neighbours >= RESAMPLE_MIN_NEIGHBOUR) & (sides[1:-1] <= top) & (
            deep | (sides[1:-1] <= share * values.shape[0]))
        found += [(float(residual[k + 1]), int(sides[k + 1]), name, float(neighbours[k] / max(residual[k + 1], 1e-6)))
                  for k in np.flatnonzero(dips)]
    if not found:
        return None
    residual, side, best = min(found, key=lambda f: -f[3] if by_contrast else f[:3])[:3]
    # a tie names filters that upsample alike (box and nearest); a ringing filter that fits a JPEG's noise as well as
    # one without ringing (a bilinear round trip through JPEG 90) joins none, nor the reverse
    names = tuple(name for r, s, name, _ in found if s == side and r <= residual + RESAMPLE_TIE
                  and (name in RINGING_FILTERS) == (best in RINGING_FILTERS))
    return {"filter": names, "side": side, "residual": round(residual, 4), "fills_frame": filling}


# A collection of small pictures frames its figures its own way: USPS's digits were size-normalised into 16 x 16,
# Semeion's stretched into it, and a user enlarges them to 28 x 28 whole, so the figure (values at or above
# RESIZE_FIGURE) spans the picture (USPS and optdigits enlarged: 28 of 28, every one of 200), where MNIST's 20 x 20 box
# spans at most 20 of 28 (22 after a bilinear round trip through 16) and a DCGAN's digits, cleaned and resized, at most
# 25 (docs/studies.md, "Handwritten digits from other collections", thirty-fourth pass).
FRAME_FILL = 0.92  # of the picture's side: 26 of 28


def fills_frame(values):
    """Whether the figure of a square grey picture spans at least FRAME_FILL of its side along one axis."""
    rows, cols = np.nonzero(np.asarray(values) >= RESIZE_FIGURE)
    return bool(rows.size and max(np.ptp(rows), np.ptp(cols)) + 1 >= FRAME_FILL * values.shape[0])


# --- the same resize read through a later JPEG ----------------------------------------------------------------
# A JPEG after the resize moves the file off the fixed point by its quantisation noise, but the dip stays where it
# was (issue #18; docs/studies.md "A resize then JPEG", seventeenth pass): real digits resized through 14-24 with
# bilinear or Hamming and saved at quality 75 / 85 / 95 leave a mean residual of at most 2.6 / 1.9 / 0.8 grey levels
# at the side they went through (through 16 at 75: 3.1), about 0.1 of the quality's mean step plus rounding, and 1.2-18 times
# less than at the neighbouring sides; clean real digits through the same JPEGs have no dip of contrast 1.3 below
# 3.3. So a JPEG's pixels are read with the residual allowed JPEG_RESIDUAL = (a, b): a + b x the mean step of the
# file's luminance table, and a contrast of JPEG_CONTRAST. A generator's blur dips by chance more often (a VAE's
# digits: 2 % at 1.2-1.8 grey levels): such a file is judged against both references (the price, measured there).
# Larger sides fit more of the JPEG's noise, so their residual is lower anyway (real digits through Hamming 16 then
# JPEG 75: the lowest dip at 24): the dip deepest relative to its neighbours is taken.
JPEG_RESIDUAL = (0.5, 0.1)
JPEG_CONTRAST = 1.3
# A ringing filter's round trip (RINGING_ROUND_TRIP) keeps its dip through the JPEG too, shallower: real digits through
# bicubic 14 then JPEG 75 / 85 / 95 dip 1.8 / 2.5 / 4.6 times below the neighbours (5th percentile), Lanczos 14 1.3 /
# 1.7 / 2.8; clean real digits, a DCGAN's, a VAE's and blurs through the same JPEGs at most 2.0 / 1.8 / 1.8. So it is
# read at JPEG_RINGING_CONTRAST (docs/studies.md "A ringing filter's round trip read from a digit's pixels"; a figure
# filling its frame is not: the JPEG's noise hides an enlargement's clipped overshoot).
JPEG_RINGING_CONTRAST = 2.2


def jpeg_resample_history(values, luma_table):
    """resample_history of a JPEG's decoded pixels with the residual allowed for the quantisation of its luminance
    table `luma_table` (64 steps) and JPEG_CONTRAST, or JPEG_RINGING_CONTRAST for a ringing round trip (the comments
    above), or None."""
    tolerance = JPEG_RESIDUAL[0] + JPEG_RESIDUAL[1] * float(np.mean(luma_table))
    return resample_history(values, max_residual=tolerance, contrast=JPEG_CONTRAST, by_contrast=True,
                            largest=JPEG_LARGEST_SIDE, ringing=False,
                            round_trip=(JPEG_LARGEST_SIDE, tolerance, JPEG_RINGING_CONTRAST))
