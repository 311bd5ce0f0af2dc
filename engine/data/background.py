"""A grey picture's background away from its strokes, where a clean reference's is empty: the pixels far from the ink
(engine/data/image_noise.py reads noise there), and, in a decoded JPEG, those of the 8 x 8 blocks no stroke reaches,
which a JPEG codes apart from the strokes' ringing (image_noise.read_before_jpeg, tone_curve.flat_background)."""
import numpy as np

INK = 64  # a stroke's pixel (of 255)
FAR = 3  # pixels from the nearest stroke pixel
JPEG_BLOCK = 8
STROKE_FREE = 12  # levels above the background a JPEG block's values stay within where it holds no stroke
MIN_FREE_PIXELS = 40  # far pixels of stroke-free blocks below which nothing is read from them


def far_background(picture):
    """The pixels more than FAR pixels (chessboard distance) from any stroke pixel of an 8-bit picture."""
    from scipy import ndimage

    return ~ndimage.binary_dilation(np.asarray(picture) >= INK, iterations=FAR)


def _blocks(values, fill):
    """A 2-D array cut into JPEG_BLOCK x JPEG_BLOCK blocks (rows, JPEG_BLOCK, cols, JPEG_BLOCK), padded with `fill`."""
    h, w = values.shape
    rows, cols = -(-h // JPEG_BLOCK), -(-w // JPEG_BLOCK)
    padded = np.full((rows * JPEG_BLOCK, cols * JPEG_BLOCK), fill, dtype=values.dtype)
    padded[:h, :w] = values
    return padded.reshape(rows, JPEG_BLOCK, cols, JPEG_BLOCK)


def _stroke_free_blocks(picture, black):
    """Which of a decoded JPEG picture's blocks hold values within STROKE_FREE levels of its background `black`."""
    return _blocks(picture, black).max(axis=(1, 3)) <= black + STROKE_FREE


def stroke_free_far(picture, black=0):
    """The far pixels (far_background) of a decoded JPEG picture's blocks whose values stay within STROKE_FREE levels of
    its background `black`."""
    picture = np.asarray(picture, dtype=np.int64)
    h, w = picture.shape
    free = np.kron(_stroke_free_blocks(picture, black), np.ones((JPEG_BLOCK, JPEG_BLOCK), dtype=bool))[:h, :w]
    return picture[free & far_background(picture)]


def varying_free_blocks(picture, black):
    """How many of a decoded JPEG picture's stroke-free blocks (as in stroke_free_far) hold more than one value among
    their far pixels: a JPEG decodes a block that was one flat level as one flat level, so an editor's lifted
    background varies only in the few blocks a real figure's faint tail reaches, where a generator's haze of varying
    faint values varies in many (tone_curve.flat_background)."""
    picture = np.asarray(picture, dtype=np.int64)
    far = _blocks(far_background(picture), False)
    values = _blocks(picture, black)
    top = np.where(far, values, np.iinfo(np.int64).min).max(axis=(1, 3))
    bottom = np.where(far, values, np.iinfo(np.int64).max).min(axis=(1, 3))
    return int(np.sum(_stroke_free_blocks(picture, black) & far.any(axis=(1, 3)) & (top > bottom)))
