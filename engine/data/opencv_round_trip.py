"""OpenCV's round trip through a larger side read from a lossless figure's pixels (issues #18 and #14).

A checker who enlarges a digit with `cv2.resize` (to 64 x 64, say, with INTER_CUBIC) and reduces it back to 28 x 28
leaves faint values beside the strokes: OpenCV's INTER_LINEAR and INTER_CUBIC reduce without antialias, sampling the
enlargement at the original pixels' centres, so the round trip is nearly the identity but for the enlargement's
overshoot clipped at 0 and 255 and two roundings. Real digits so prepared were labelled generated (cubic through 64
and back: 78 of 200, `features`), and no reader of engine/data/resize_history.py, which models Pillow's reductions
through a smaller side, reads them.

Such a file is a fixed point of the round trip: the picture of its own side that best explains it (least squares
through the pseudo-inverse of the composite reduction(enlargement), corrected ROUND_TRIP_STEPS times for the clipped
overshoot, and REFINE_STEPS times more at the REFINED_SIDES closest sides and their neighbours) taken through the round
trip as OpenCV computes it (8 bits at the larger side) reproduces it to within rounding, at its larger side and at no
neighbouring one. Read where the mean residual is at most ROUND_TRIP_RESIDUAL grey levels, ROUND_TRIP_CONTRAST times
below both neighbouring sides', and ROUND_TRIP_INFORMATIVE times below the residual of the picture taken through the
round trip as it is (an unresized figure is nearly a fixed point of a round trip that is nearly the identity: reading
it would judge a generator's figure against a blurred reference for nothing); of several readings, the deepest dip
relative to its neighbours. Chains that are the identity (an enlargement by a whole factor and back with an
interpolating reduction) say nothing and are not tried. Square grey pictures up to ROUND_TRIP_MAX_SIDE a side;
docs/studies.md, "OpenCV's nearest enlargement and its round trips through a larger side read from the pixels",
fifty-sixth pass, and "Round trips through a larger side that the fit left unread", fifty-seventh pass.
"""
from functools import lru_cache

import numpy as np

from engine.data.opencv_resize import opencv_matrix

# (enlarging, reducing): cv2.INTER_LINEAR (its default) and INTER_CUBIC, which reduce without antialias. Not tried, for
# the cost (every chain a full fit per larger side): INTER_AREA's and INTER_NEAREST's reductions after them (10 and 4 of
# 200 real digits labelled generated), and linear's enlargement reduced with cubic.
CHAINS = (("cubic", "cubic"), ("cubic", "linear"), ("linear", "linear"))
ROUND_TRIP_LARGEST = 3  # the larger side, up to this many times the picture's (4: the cost doubled)
ROUND_TRIP_MAX_SIDE = 32
ROUND_TRIP_STEPS = 4
# A round trip that clipped much overshoot converges slowly: after ROUND_TRIP_STEPS a sixth of real digits through cubic
# 64 and back fit their side to 0.02-0.06 grey levels, only 2.3-3.9 times below a neighbour (unread); six more at the
# three closest sides take it to 0.003-0.02 while the neighbours stay at 0.08-0.3 (fifty-seventh pass, mnist[9000:9200]:
# read 165 -> 200 of 200; a tenth more cost).
REFINED_SIDES = 3
REFINE_STEPS = 6
# Tuning (mnist[9000:9100], 100 each): real digits through cubic 64 and back with cubic / linear fit at 64 to 0.013-0.077
# grey levels (the fit, not OpenCV's 8-bit weights, leaves most of it), 2.7-17 times below the neighbouring sides and
# 7-45 times below as they are: read at these bounds 87 / 97 of 100 (100 / 100 with REFINE_STEPS; 67 / 73 at 0.05
# and 5 without), linear through 56 and back 100 (as linear 42, whose round trip is alike); no clean real digit,
# gamma-edited one, nor a short-trained DCGAN's, conv VAE's or DDPM's digit read (100 each; at 0.1 and 3, 6 of the
# VAE's). About 0.04 s CPU a 28 x 28 picture.
ROUND_TRIP_RESIDUAL = 0.08
ROUND_TRIP_CONTRAST = 4.0
ROUND_TRIP_INFORMATIVE = 6.0
IDENTITY = 1e-6  # a composite this close to the identity in every row: nothing read
# distinct grey levels a picture read so holds at least: a picture of two levels (a threshold's, a flat haze's 127 and
# 128) is a fixed point of any round trip near the identity, as of equalisation (engine/data/equalisation.py), and a
# real figure through one holds dozens
MIN_LEVELS = 8


@lru_cache(maxsize=8)
def _chains(side, up, down):
    """The larger sides tried for a picture of `side` pixels with enlargement `up` and reduction `down`, their
    enlargements (k, big_max, side) and reductions (k, side, big_max), zero-padded, the pseudo-inverses of their
    composites (k, side, side) and whether each is kept (identity composites left out)."""
    bigs = np.arange(side + 1, ROUND_TRIP_LARGEST * side + 1)
    ups = np.zeros((bigs.size, bigs.max(), side))
    downs = np.zeros((bigs.size, side, bigs.max()))
    for k, big in enumerate(bigs):
        ups[k, :big] = opencv_matrix(side, big, up)
        downs[k, :, :big] = opencv_matrix(big, side, down)
    composites = downs @ ups
    kept = np.abs(composites - np.eye(side)).sum(axis=2).max(axis=1) > IDENTITY
    # single precision: the products stay within 2 ** 24 of a grey level's share (the round trip's own rounding
    # dominates), at half the cost
    return bigs, ups.astype(np.float32), downs.astype(np.float32), np.linalg.pinv(composites).astype(np.float32), kept


def round_tripped(pictures, ups, downs):
    """8-bit pictures (k, n, n) through OpenCV's round trips (k enlargements and reductions): rounded and clipped
    at the larger side and back."""
    big = np.clip(np.rint(ups @ pictures @ np.swapaxes(ups, 1, 2)), 0, 255)
    return np.clip(np.rint(downs @ big @ np.swapaxes(downs, 1, 2)), 0, 255)


def round_tripped_as(pictures, up, side, down):
    """8-bit square pictures (n, h, h) enlarged to side x side with OpenCV's `up` and reduced back with its `down`:
    the reference through a round trip read from a file (engine/detectors/channel_media.py)."""
    h = pictures.shape[-1]
    return round_tripped(np.asarray(pictures, dtype=np.float64), opencv_matrix(h, side, up)[None],
                         opencv_matrix(side, h, down)[None])


def _transform(matrices, pictures):
    return matrices @ pictures @ np.swapaxes(matrices, 1, 2)


def round_trip_dips(values, up, down):
    """[(residual, neighbours' residual, residual as it is, larger side)] of an 8-bit square grey picture as a round
    trip with `up` and `down` at every larger side but the first and last (module docstring)."""
    bigs, ups, downs, inverses, kept = _chains(values.shape[0], up, down)
    values = values.astype(np.float32)
    fit = _transform(inverses, values)
    back = round_tripped(np.clip(np.rint(fit), 0, 255), ups, downs)
    for _ in range(ROUND_TRIP_STEPS):  # corrections accumulated unrounded, as resize_history's
        fit = fit + _transform(inverses, values - back)
        back = round_tripped(np.clip(np.rint(fit), 0, 255), ups, downs)
    residual = np.abs(back - values).mean(axis=(1, 2))
    # the closest sides and their neighbours corrected further: a round trip's own side converges slowly where much
    # overshoot was clipped, and those few sides are cheap to finish
    best = np.argsort(np.where(kept, residual, np.inf))[:REFINED_SIDES]
    near = np.unique(np.clip(best[:, None] + np.arange(-1, 2), 0, bigs.size - 1))
    finer, finer_back = fit[near], back[near]
    for _ in range(REFINE_STEPS):
        finer = finer + _transform(inverses[near], values - finer_back)
        finer_back = round_tripped(np.clip(np.rint(finer), 0, 255), ups[near], downs[near])
    residual[near] = np.minimum(residual[near], np.abs(finer_back - values).mean(axis=(1, 2)))
    as_is = np.abs(round_tripped(np.broadcast_to(values, fit.shape), ups, downs) - values).mean(axis=(1, 2))
    return [(float(residual[k]), float(min(residual[k - 1], residual[k + 1])), float(as_is[k]), int(bigs[k]))
            for k in range(1, bigs.size - 1) if kept[k]]


def opencv_round_trip(values):
    """OpenCV's round trip through a larger side read from 8-bit grey pixels ((h, w), square): {"up", "down",
    "side", "residual"} of the closest reading (module docstring), or None."""
    values = np.asarray(values)
    if (values.dtype != np.uint8 or values.ndim != 2 or values.shape[0] != values.shape[1]
            or not 8 <= values.shape[0] <= ROUND_TRIP_MAX_SIDE or np.unique(values).size < MIN_LEVELS):
        return None
    found = [(neighbours / max(residual, 1e-6), residual, up, down, side) for up, down in CHAINS
             for residual, neighbours, as_is, side in round_trip_dips(values, up, down)
             if residual <= ROUND_TRIP_RESIDUAL and neighbours >= ROUND_TRIP_CONTRAST * residual
             and as_is >= ROUND_TRIP_INFORMATIVE * residual]
    if not found:
        return None
    # the deepest dip: once finished, a near-identity chain (cubic and back) fits the others' round trips nearly as
    # closely at sides where it dips by chance, barely past the contrast (cubic through 64 and back with linear: cubic
    # and back at 54, 4.8 times below its neighbours, against linear's own 11.5 times)
    _, residual, up, down, side = max(found)
    return {"up": up, "down": down, "side": side, "residual": round(residual, 4)}
