"""The libvorbis quality a Vorbis file was encoded at, read from its identification header.

Vorbis records no quality, but libvorbis writes into the identification header the nominal bitrate its
quality setting stands for at the stream's rate and channel count (ffmpeg -q:a 2 at 8 kHz mono: 19,600 bit/s;
libsndfile's default, quality 4: 25,200). Encoding a moment of silence at each quality with the same rate and
channels gives the same nominal bitrates, so the file's quality is the one whose nominal bitrate is nearest to
its own. The verdict passes the reference through libvorbis at that quality (engine/detectors/channel_media.py):
against libsndfile's default alone, real speech through quality 2 was labelled generated 5 of 100 times.

Read on ffmpeg's -q:a scale in whole steps, 0 to 10 (libvorbis' quality times 10; libsndfile writes 0 to 1,
its compression level 1 - quality); quality -1 reads as 0. In WebM / Matroska the header is read from the track's
codec private data. A file whose encoder wrote no nominal bitrate, or another stream before the Vorbis one in an
Ogg file, reads as no quality (the reference then passes libsndfile's default).
"""
import io
from functools import lru_cache

import numpy as np

from engine.data.formats.ogg_pages import first_page_body

QUALITIES = tuple(range(11))  # ffmpeg's -q:a, libvorbis' quality x 10
PROBE_SECONDS = 0.05  # of silence, encoded at each quality: the header's bitrate does not depend on the content
IDENTIFICATION = b"\x01vorbis"
IDENTIFICATION_SIZE = 30  # packet type, "vorbis", version, channels, rate, three bitrates, block sizes, framing


def identification(data):
    """(channels, sample rate, nominal bitrate) from an Ogg file's first page when it opens with a Vorbis
    identification header, else None. `data`: the file's bytes (any: hostile input)."""
    body = first_page_body(data)
    return None if body is None else identification_packet(body[:IDENTIFICATION_SIZE])


def codec_private_identification(extradata):
    """The same from a WebM / Matroska track's codec private data (the three Vorbis headers, Xiph-laced: a count,
    the first two sizes, then the identification header itself), else None."""
    if not extradata or extradata[0] != 2:
        return None
    at = 1
    for _ in range(2):  # each size: bytes of 255 and a last one below
        while at < len(extradata) and extradata[at] == 255:
            at += 1
        at += 1
    return identification_packet(extradata[at:at + IDENTIFICATION_SIZE])


def identification_packet(packet):
    """(channels, sample rate, nominal bitrate) of a Vorbis identification header, else None."""
    if len(packet) < IDENTIFICATION_SIZE or packet[:7] != IDENTIFICATION:
        return None
    channels, rate = packet[11], int.from_bytes(packet[12:16], "little")
    nominal = int.from_bytes(packet[20:24], "little", signed=True)
    return channels, rate, nominal


def quality(data):
    """An Ogg file's libvorbis quality on ffmpeg's -q:a scale (module docstring), or None where it cannot be read."""
    return quality_of(identification(data))


def quality_of(found):
    """The quality that an identification header's (channels, rate, nominal bitrate) stands for, or None."""
    if found is None or found[0] < 1 or found[1] < 1 or found[2] <= 0:
        return None
    table = nominal_bitrates(*found[:2])
    if table is None:
        return None
    return QUALITIES[int(np.argmin(np.abs(np.asarray(table) - found[2])))]


@lru_cache(maxsize=32)
def nominal_bitrates(channels, rate):
    """The nominal bitrate libvorbis (through libsndfile) writes at each of QUALITIES for this stream, or None
    where libsndfile cannot encode it."""
    import soundfile

    silence = np.zeros((max(1, int(rate * PROBE_SECONDS)), channels), dtype=np.float32)
    out = []
    for q in QUALITIES:
        buffer = io.BytesIO()
        try:
            soundfile.write(buffer, silence, rate, format="OGG", subtype="VORBIS", compression_level=1 - q / 10)
        except (RuntimeError, ValueError, soundfile.LibsndfileError):
            return None
        out.append(identification(buffer.getvalue())[2])
    return tuple(out)


def compression_level(q):
    """libsndfile's compression level for quality `q` on ffmpeg's scale."""
    return 1 - q / 10
