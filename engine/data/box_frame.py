"""A figure centred by its box and fitted into its frame with a border of a few pixels, read from the pixels, and that
preparation applied to a picture (EMNIST's; the reference is judged prepared so: engine/detectors/channels.py,
boxed_union).

MNIST fitted each figure's box into 20 x 20 and centred it in 28 x 28 by its centre of mass, so its figures span at
most 20 of 28 (values at or above resize_history.RESIZE_FIGURE). EMNIST (Cohen et al. 2017; torchvision's EMNIST
digits, the likeliest real digits from elsewhere) blurred NIST's binary 128 x 128 scans (Gaussian, sigma 1), cropped
each to its box, centred it in a square keeping the aspect, added a border and reduced it to 28 x 28 with bicubic:
the figure spans about 24 of 28 and its box is centred. Against MNIST's reference such a real digit was labelled
generated 114 of 200 times, by `placement` (docs/studies.md, "EMNIST's preparation", thirty-fourth pass).
"""
import numpy as np

from engine.data.resize_history import RESIZE_FIGURE, grey

# The figure's longer side, as a share of the picture's: 22-26 of 28. Below, MNIST's own 20 x 20 box (22 after a
# bilinear round trip through 16); from 26 an enlargement whose figure fills its frame is read first
# (resize_history.fills_frame).
BOX_SPAN = (0.78, 0.93)
BOX_CENTRED = 1  # pixels: the margins either side of the box differ by at most this along both axes
NIST_SIDE = 128  # NIST's scans
NIST_BLUR = 1.0  # EMNIST's Gaussian, in pixels of the 128 x 128 scan


def box_framed(values):
    """The span in pixels of a square grey picture's figure (its longer side) where the figure's box is centred
    (BOX_CENTRED) and spans BOX_SPAN of the picture, else None. `values`: 8-bit (h, w) or grey stored as RGB."""
    values = grey(np.asarray(values))
    if values.ndim != 2 or values.shape[0] != values.shape[1]:
        return None
    rows, cols = np.nonzero(values >= RESIZE_FIGURE)
    if not rows.size:
        return None
    side = values.shape[0]
    span = int(max(np.ptp(rows), np.ptp(cols)) + 1)
    margins = [(rows.min(), side - 1 - rows.max()), (cols.min(), side - 1 - cols.max())]
    centred = all(abs(int(a) - int(b)) <= BOX_CENTRED for a, b in margins)
    return span if centred and BOX_SPAN[0] * side <= span <= BOX_SPAN[1] * side else None


def box_fitted(scan, side, span):
    """EMNIST's preparation of a binary scan (2-D, ink 1, at NIST_SIDE or any side): blurred by NIST_BLUR (scaled to
    the scan's side), cropped to the figure's box, centred in a square keeping its aspect, bordered so that the box
    spans `span` of the `side` x `side` result and reduced to it with PIL's bicubic; 8-bit (side, side)."""
    from PIL import Image
    from scipy.ndimage import gaussian_filter

    blurred = gaussian_filter(np.asarray(scan, dtype=np.float64), NIST_BLUR * scan.shape[0] / NIST_SIDE)
    rows, cols = np.nonzero(blurred > 1 / 255)
    if not rows.size:
        return np.zeros((side, side), dtype=np.uint8)
    box = blurred[rows.min():rows.max() + 1, cols.min():cols.max() + 1]
    length = max(box.shape)
    frame = int(round(length * side / span))
    square = np.zeros((frame, frame))
    top, left = (frame - box.shape[0]) // 2, (frame - box.shape[1]) // 2
    square[top:top + box.shape[0], left:left + box.shape[1]] = box
    picture = Image.fromarray(np.clip(square * 255, 0, 255).astype(np.float32), mode="F")
    return np.clip(np.rint(np.asarray(picture.resize((side, side), Image.Resampling.BICUBIC))), 0, 255).astype(np.uint8)


def nist_scan(values):
    """An 8-bit grey figure (MNIST's) as a binary NIST_SIDE x NIST_SIDE scan: enlarged with PIL's bicubic, thresholded
    at half its range (NIST's scans are binary)."""
    from PIL import Image

    big = Image.fromarray(np.asarray(values, dtype=np.uint8)).resize((NIST_SIDE, NIST_SIDE), Image.Resampling.BICUBIC)
    return (np.asarray(big) >= 128).astype(np.float64)
