"""PNG, JPEG, BMP and TIFF images -> (1, channels, rows, columns) in [0,1].

Grey stays one channel, colour becomes RGB (alpha is dropped, palettes and other colour
spaces are converted to RGB). 8-bit values are k/255 (levels 255), 16-bit k/65535
(levels 65535), bilevel 0/1 (levels 1); 32-bit float TIFFs must already lie in [0,1].
Only the first frame of a multi-frame file is used. The pixel count is checked from the
header before anything is decoded.
"""
import io
import warnings

import numpy as np

from engine.data import channels, limits
from engine.data.sampleset import SampleSet
from engine.errors import InputError

SIXTEEN_BIT_MODES = ("I;16", "I;16B", "I;16L", "I;16N")
TO_GREY = {"LA": "L"}
TO_RGB = {"P", "PA", "RGBA", "RGBX", "CMYK", "YCbCr", "LAB", "HSV"}


def pixels(path, image):
    """(array (h, w) or (h, w, 3), levels, bit depth) of an opened PIL image."""
    mode = image.mode
    if mode in TO_GREY:
        image, mode = image.convert(TO_GREY[mode]), TO_GREY[mode]
    elif mode in TO_RGB:
        image, mode = image.convert("RGB"), "RGB"
    if mode == "1":
        return np.asarray(image, dtype=np.uint8), 1, 1
    if mode in ("L", "RGB"):
        return np.asarray(image, dtype=np.uint8), 255, 8
    if mode in SIXTEEN_BIT_MODES:
        return np.asarray(image).astype(np.uint16), 65535, 16
    if mode == "I":  # PIL opens some 16-bit files as 32-bit integers
        values = np.asarray(image)
        if values.size and (values.min() < 0 or values.max() > 65535):
            raise InputError(path, "32-bit integer image with values outside 0..65535")
        return values.astype(np.uint16), 65535, 16
    if mode == "F":
        values = np.asarray(image, dtype=np.float32)
        if not np.isfinite(values).all() or values.min() < 0 or values.max() > 1:
            raise InputError(path, "floating-point image with values outside [0, 1] (or NaN/inf)")
        return values, None, 32
    raise InputError(path, f"unsupported image mode {mode}")


def decode(path, data, kind):
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = limits.MAX_IMAGE_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # refused just below
            image = Image.open(io.BytesIO(data))  # reads the header only
    except Image.DecompressionBombError:
        raise InputError(path, f"image size exceeds twice the limit of {limits.MAX_IMAGE_PIXELS:,} pixels") from None
    width, height = image.size
    limits.check_at_most(path, "image size", width * height, limits.MAX_IMAGE_PIXELS, " pixels")
    frames = getattr(image, "n_frames", 1)
    image.load()
    channel = channels.image_channel(image, kind.label, data)
    values, levels, depth = pixels(path, image)
    if kind.label == "WebP":
        values = channels.webp_grey(values)
    x = values.astype(np.float32)
    if levels not in (None, 1):
        x /= levels
    x = x[None, None] if x.ndim == 2 else np.moveaxis(x, -1, 0)[None]
    meta = {"format": kind.label, "bit_depth": depth, "mode": image.mode, "format_levels": levels,
            "channel": channel}
    if frames > 1:
        meta["frames_ignored"] = frames - 1
    return SampleSet(name=str(path), modality="image", x=x, levels=levels, items=[str(path)], meta=meta)
