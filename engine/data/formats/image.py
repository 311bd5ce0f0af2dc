"""PNG, JPEG, BMP, TIFF, WebP, GIF and Netpbm (PBM/PGM/PPM) images -> (1, channels, rows, columns) in [0,1].

Grey stays one channel, colour becomes RGB (alpha is dropped, palettes and other colour
spaces are converted to RGB). 8-bit values are k/255 (levels 255), 16-bit k/65535
(levels 65535), bilevel 0/1 (levels 1); 32-bit float TIFFs lie in [0,1] or are a tanh output's
[-1, 1], mapped back as an array's (formats/array.py); 32-bit integer TIFFs are refused (no full
scale is stated: 0..255 read as 16-bit would pass for a near-black picture).
Only the first frame of a multi-frame file is used. The pixel count, and pixels x channels
against the decoded-size budget, are checked from the header before anything is decoded; a
TIFF's frames are counted by walking its directory chain here (capped, loops refused), since
PIL's own count parses every directory and never ends on a cyclic chain; a GIF's by walking its
blocks (capped), since PIL's own count decodes every frame. Decoder warnings
(PIL's, libtiff's) are not shown: a file either loads or is refused in one line.
"""
import io
import re
import struct
import warnings

import numpy as np

from engine.data import channels, limits, native_stderr, sniff
from engine.data.formats.array import float_maps
from engine.data.sampleset import SampleSet
from engine.errors import InputError

SIXTEEN_BIT_MODES = ("I;16", "I;16B", "I;16L", "I;16N")
TO_GREY = {"LA": "L"}
TO_RGB = {"P", "PA", "RGBA", "RGBX", "CMYK", "YCbCr", "LAB", "HSV"}


def pixels(path, image):
    """(array (h, w) or (h, w, 3), levels, bit depth, how its values were read or None) of an opened PIL image."""
    mode = image.mode
    if mode in TO_GREY:
        image, mode = image.convert(TO_GREY[mode]), TO_GREY[mode]
    elif mode in TO_RGB:
        image, mode = image.convert("RGB"), "RGB"
    if mode == "1":
        return np.asarray(image, dtype=np.uint8), 1, 1, None
    if mode in ("L", "RGB"):
        return np.asarray(image, dtype=np.uint8), 255, 8, None
    if mode in SIXTEEN_BIT_MODES:
        return np.asarray(image).astype(np.uint16), 65535, 16, None
    if mode == "I":  # PIL opens some 16-bit files as 32-bit integers
        if stated_bits(image) == 32:
            raise InputError(path, "32-bit integer pixels: the file does not say what value is full white "
                                   "(save it with 8 or 16 bits per sample)")
        values = np.asarray(image)
        if values.size and (values.min() < 0 or values.max() > 65535):
            raise InputError(path, "32-bit integer image with values outside 0..65535")
        return values.astype(np.uint16), 65535, 16, None
    if mode == "F":  # as a float array: [0, 1], or a tanh output's [-1, 1] mapped back
        values = np.asarray(image, dtype=np.float32)
        if not np.isfinite(values).all():
            raise InputError(path, "floating-point image with NaN or infinite values")
        values, read = float_maps(path, values)
        return values, None, 32, read
    raise InputError(path, f"unsupported image mode {mode}")


def stated_bits(image):
    """Bits per sample a TIFF's header states (tag 258), or None for other formats."""
    bits = getattr(image, "tag_v2", {}).get(258)
    return int(bits[0] if isinstance(bits, tuple) else bits) if bits else None


def tiff_frames(path, data):
    """The number of directories (frames) of a classic TIFF, read from the chain of offsets."""
    order = "<" if data[:2] == b"II" else ">"
    offset, seen = struct.unpack_from(order + "I", data, 4)[0], set()
    while offset:
        if offset in seen:
            raise InputError(path, "TIFF directory chain loops back on itself")
        seen.add(offset)
        limits.check_at_most(path, "number of TIFF frames", len(seen), limits.MAX_IMAGE_FRAMES)
        if offset + 2 > len(data):
            raise InputError(path, f"truncated: TIFF directory {len(seen)} lies beyond the end of the file")
        entries = struct.unpack_from(order + "H", data, offset)[0]
        next_at = offset + 2 + 12 * entries
        if next_at + 4 > len(data):
            raise InputError(path, f"truncated: TIFF directory {len(seen)} runs past the end of the file")
        offset = struct.unpack_from(order + "I", data, next_at)[0]
    return max(len(seen), 1)


def gif_frames(path, data):
    """The number of images (frames) of a GIF, read from its blocks: a colour table's size from its
    flags, an extension's or an image's data as length-prefixed sub-blocks ending in an empty one."""
    def table(flags):
        return 3 << ((flags & 0x07) + 1) if flags & 0x80 else 0

    def skip_sub_blocks(at):
        while at < len(data) and data[at]:
            at += data[at] + 1
        return at + 1

    at, frames = 13 + table(data[10] if len(data) > 10 else 0), 0
    while at < len(data) and data[at] != 0x3B:  # the trailer
        if data[at] == 0x21:  # an extension: its label, then sub-blocks
            at = skip_sub_blocks(at + 2)
        elif data[at] == 0x2C:  # an image: descriptor, local colour table, LZW code size, sub-blocks
            frames += 1
            limits.check_at_most(path, "number of GIF frames", frames, limits.MAX_IMAGE_FRAMES)
            flags = data[at + 9] if at + 9 < len(data) else 0
            at = skip_sub_blocks(at + 10 + table(flags) + 1)
        else:
            raise InputError(path, f"corrupt GIF: unknown block 0x{data[at]:02x} at byte {at}")
    if at >= len(data):
        raise InputError(path, f"truncated: the GIF ends before its trailer (after {frames} frames)")
    return max(frames, 1)


def eight_bit_values(values, depth):
    """The 8-bit picture the channel readers read (engine/data/channels.py image_channel), or None: the file's own
    8-bit values, or a 16-bit file's where every value is an 8-bit one times 257 (how Pillow, ImageMagick and
    numpy scripts widen an 8-bit picture): that file holds the 8-bit picture exactly, and what was done to it before
    is read as from the 8-bit file. Read without it, 96 of 100 untouched USPS digits enlarged with bilinear and
    saved as 16-bit PNG were labelled generated, 0 as 8-bit PNG (docs/studies.md, forty-first pass)."""
    if depth == 8:
        return values
    if depth == 16 and not (values % 257).any():
        return (values // 257).astype(np.uint8)
    return None


def decode(path, data, kind):
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = limits.MAX_IMAGE_PIXELS
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PIL's warnings: the file loads or is refused in one line
        return _decode(path, data, kind, Image)


# "Image size (2500000000 pixels) exceeds limit of 33554432 pixels, could be decompression bomb DOS attack."
BOMB_SIZE = re.compile(r"\((\d+) pixels\)")


def _decode(path, data, kind, Image):
    frames = {sniff.TIFF: tiff_frames, sniff.GIF: gif_frames}.get(kind, lambda *_: None)(path, data)
    try:
        image = Image.open(io.BytesIO(data))  # reads the header only
    except Image.DecompressionBombError as err:  # Pillow's guard at twice the limit; its message holds the size
        declared = BOMB_SIZE.search(str(err))
        if declared:
            limits.check_at_most(path, "image size", int(declared[1]), limits.MAX_IMAGE_PIXELS, " pixels")
        raise InputError(path, f"image size exceeds twice the limit of {limits.MAX_IMAGE_PIXELS:,} pixels") from None
    width, height = image.size
    limits.check_at_most(path, "image size", width * height, limits.MAX_IMAGE_PIXELS, " pixels")
    limits.check_decoded_size(path, width * height * len(image.getbands()))
    if frames is None:
        frames = getattr(image, "n_frames", 1)
    with native_stderr.silenced():
        image.load()
    values, levels, depth, read = pixels(path, image)
    if kind.label == "WebP":
        values = channels.webp_grey(values)
    channel = channels.image_channel(image, kind.label, data, eight_bit_values(values, depth))
    if read:
        channel["stored_as"] = read
    x = values.astype(np.float32)
    if levels not in (None, 1):
        x /= levels
    x = x[None, None] if x.ndim == 2 else np.moveaxis(x, -1, 0)[None]
    meta = {"format": kind.label, "bit_depth": depth, "mode": image.mode, "format_levels": levels,
            "channel": channel}
    if frames > 1:
        meta["frames_ignored"] = frames - 1
        channel["frames"] = frames  # only the first is judged: the verdict says so
    return SampleSet(name=str(path), modality="image", x=x, levels=levels, items=[str(path)], meta=meta)
