"""cv2.resize along one axis as a matrix, as OpenCV's floating-point path computes it (its 8-bit path rounds its
weights to 2^-11: within one grey level). Checked against cv2.resize on float32 pictures (OpenCV 4 and 5, scratch
installs; not a dependency) on every side 29-112 from 28 and back, to 2e-7; the suite keeps OpenCV's output in
tests/data/opencv_resize.npz. Used to read OpenCV's enlargements (engine/data/picture_size.py) and its round trips
through a larger side (engine/data/opencv_round_trip.py)."""
import numpy as np

from engine.data.resize_history import TORCH_CUBIC_A, keys_cubic, lanczos


def opencv_matrix(size_in, size_out, name):
    """(size_out, size_in) weights of cv2.resize with interpolation `name` (linear, cubic, lanczos4, nearest, area).
    Linear, cubic (a = -0.75) and Lanczos4 (8 taps normalised to sum 1) take the source pixel (x + 0.5) size_in /
    size_out - 0.5, with no antialias when reducing, linear's taps beyond the edge dropped onto it and the others'
    clamped; nearest the source pixel floor(x / (size_out / size_in)) (not the centre's, as Pillow's); area averages
    the source pixels a pixel covers by their shares, and enlarging takes the two a larger pixel spans, with OpenCV's
    rounding (its scale's inverse in double precision, the share cast to single), which decides where a pixel's edge
    falls exactly on a source pixel's."""
    weights = np.zeros((size_out, size_in))
    rows = np.arange(size_out)
    scale = size_in / size_out
    if name == "nearest":
        weights[rows, np.minimum(np.floor(rows * (1.0 / (size_out / size_in))).astype(int), size_in - 1)] = 1
    elif name == "area" and size_out < size_in:
        edges = np.arange(size_out + 1) * scale
        cells = np.arange(size_in)
        weights = np.clip(np.minimum(edges[1:, None], cells + 1) - np.maximum(edges[:-1, None], cells), 0, None) / scale
    elif name == "area":
        inverse = size_out / size_in
        left = np.floor(rows * (1.0 / inverse)).astype(int)
        share = ((rows + 1) - (left + 1) * inverse).astype(np.float32).astype(np.float64)
        share = np.where(share <= 0, 0.0, share - np.floor(share))
        np.add.at(weights, (rows, np.clip(left, 0, size_in - 1)), 1 - share)
        np.add.at(weights, (rows, np.clip(left + 1, 0, size_in - 1)), share)
    else:
        source = (rows + 0.5) * scale - 0.5
        first = np.floor(source).astype(int)
        offset = source - first
        if name == "linear":
            offset = np.where((first < 0) | (first >= size_in - 1), 0.0, offset)
            taps = np.clip(first, 0, size_in - 1)[:, None] + np.arange(2)
            taken = np.stack([1 - offset, offset], axis=1)
        elif name == "cubic":
            taps = first[:, None] + np.arange(-1, 3)
            taken = keys_cubic(offset[:, None] - np.arange(-1, 3), TORCH_CUBIC_A)
        else:
            taps = first[:, None] + np.arange(-3, 5)
            taken = lanczos(offset[:, None] - np.arange(-3, 5), lobes=4)
            taken = taken / taken.sum(axis=1, keepdims=True)
        np.add.at(weights, (rows[:, None], np.clip(taps, 0, size_in - 1)), taken)
    return weights
