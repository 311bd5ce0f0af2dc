"""The quality a lossy WebP was encoded at, estimated from its VP8 frame header and its own pixels.

WebP records no quality, but its VP8 key frame header (RFC 6386, section 9) holds the base quantiser index (0-127)
the encoder chose. libwebp derives it from the quality and from the picture's content (the texture of its busiest
segment), so one quality gives a few indices on different pictures: MNIST digits through quality 50, 45-52; through
30, 61-68. The quality is therefore estimated by encoding the file's decoded picture again with libwebp (through
Pillow, as the reference is encoded) at the quality that reproduces the file's index: the decoded picture is close
to the one encoded, so its content steers the encoder alike (MNIST digits through qualities 20-95: within 3 of the
quality for 80 % of them, within 6 for all). It is rounded to QUALITY_STEP, and the verdict passes the reference
through lossy WebP at that quality (engine/detectors/channel_media.py) instead of over a spread of typical qualities:
against that spread (50-95), real digits through quality 30 were labelled generated 6 of 200 times.

A file whose header cannot be read (no VP8 key frame, an animation, a truncated partition) or whose picture exceeds
limits.MAX_WEBP_QUALITY_PIXELS (re-encoding it a few times would take seconds) has no estimate: the reference then
passes the spread of typical qualities, as before.
"""
import io
import struct

import numpy as np

from engine.data import limits

QUALITY_STEP = 5
START_CODE = b"\x9d\x01\x2a"
FRAME_HEADER_BYTES = 10  # the 3-byte frame tag, the start code, the 2-byte width and height


class _BoolDecoder:
    """RFC 6386 section 7.3's boolean entropy decoder over the first partition (bytes past its end read as 0)."""

    def __init__(self, data):
        self.data = data
        self.value = int.from_bytes(data[:2].ljust(2, b"\0"), "big")
        self.at, self.range, self.bit_count = 2, 255, 0

    def bit(self, probability=128):
        split = 1 + (((self.range - 1) * probability) >> 8)
        if self.value >= split << 8:
            found, self.range, self.value = 1, self.range - split, self.value - (split << 8)
        else:
            found, self.range = 0, split
        while self.range < 128:
            self.value, self.range, self.bit_count = self.value << 1, self.range << 1, self.bit_count + 1
            if self.bit_count == 8:
                self.bit_count = 0
                self.value |= self.data[self.at] if self.at < len(self.data) else 0
                self.at += 1
        return found

    def literal(self, bits):
        value = 0
        for _ in range(bits):
            value = (value << 1) | self.bit()
        return value

    def skip_flagged(self, count, bits, signed=True):
        """`count` optional fields, each a flag then `bits` (and a sign bit)."""
        for _ in range(count):
            if self.bit():
                self.literal(bits + signed)


def _vp8_chunk(data):
    """The payload of a still WebP's lossy bitstream chunk ("VP8 "), else None (lossless, animated, malformed)."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        return None
    at = 12
    while at + 8 <= len(data):
        tag, size = data[at:at + 4], struct.unpack("<I", data[at + 4:at + 8])[0]
        if tag in (b"ANIM", b"ANMF", b"VP8L"):
            return None
        if tag == b"VP8 ":
            return data[at + 8:at + 8 + size]
        at += 8 + size + (size & 1)
    return None


def base_quantizer(data):
    """The base quantiser index (0-127) of a lossy WebP's VP8 key frame, from the file's bytes (any: hostile input),
    else None."""
    frame = _vp8_chunk(data)
    if frame is None or len(frame) < FRAME_HEADER_BYTES or frame[3:6] != START_CODE:
        return None
    tag = int.from_bytes(frame[:3], "little")
    first_partition = (tag >> 5) & 0x7FFFF
    if tag & 1 or not 0 < first_partition <= len(frame) - FRAME_HEADER_BYTES:  # not a key frame, or truncated
        return None
    header = _BoolDecoder(frame[FRAME_HEADER_BYTES:FRAME_HEADER_BYTES + first_partition])
    header.literal(2)  # colour space, clamping type
    if header.bit():  # segmentation enabled (section 9.3)
        update_map, update_data = header.bit(), header.bit()
        if update_data:
            header.bit()  # segment feature mode
            header.skip_flagged(4, 7)  # quantiser per segment
            header.skip_flagged(4, 6)  # loop filter level per segment
        if update_map:
            header.skip_flagged(3, 8, signed=False)  # segment map probabilities
    header.literal(1 + 6 + 3)  # filter type, loop filter level, sharpness (section 9.6)
    if header.bit() and header.bit():  # loop filter deltas enabled, and updated
        header.skip_flagged(8, 6)
    header.literal(2)  # DCT partitions (section 9.5)
    return header.literal(7)  # y_ac_qi (section 9.6): the base index every other is a delta from


def _quantizer_at(picture, quality):
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(picture).save(buffer, format="WEBP", quality=quality)
    return base_quantizer(buffer.getvalue())


def estimated_quality(data, values):
    """The quality (a multiple of QUALITY_STEP) a lossy WebP was encoded at (module docstring), from its bytes and
    its decoded 8-bit `values` ((h, w) or (h, w, 3)), else None."""
    target = base_quantizer(data)
    if target is None or values is None or values.shape[0] * values.shape[1] > limits.MAX_WEBP_QUALITY_PIXELS:
        return None
    picture = np.ascontiguousarray(values, dtype=np.uint8)
    low, high = 0, 100  # the index falls as the quality rises: the lowest quality reaching the file's index or below
    while low < high:
        middle = (low + high) // 2
        low, high = (low, middle) if _quantizer_at(picture, middle) <= target else (middle + 1, high)
    if low > 0 and abs(_quantizer_at(picture, low - 1) - target) < abs(_quantizer_at(picture, low) - target):
        low -= 1
    return int(round(low / QUALITY_STEP) * QUALITY_STEP)
