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


def stroke_free_far(picture, black=0):
    """The far pixels (far_background) of a decoded JPEG picture's blocks whose values stay within STROKE_FREE levels of
    its background `black`."""
    picture = np.asarray(picture, dtype=np.int64)
    h, w = picture.shape
    rows, cols = -(-h // JPEG_BLOCK), -(-w // JPEG_BLOCK)
    padded = np.full((rows * JPEG_BLOCK, cols * JPEG_BLOCK), black, dtype=np.int64)
    padded[:h, :w] = picture
    block_top = padded.reshape(rows, JPEG_BLOCK, cols, JPEG_BLOCK).max(axis=(1, 3))
    free = np.kron(block_top <= black + STROKE_FREE, np.ones((JPEG_BLOCK, JPEG_BLOCK), dtype=bool))[:h, :w]
    return picture[free & far_background(picture)]
