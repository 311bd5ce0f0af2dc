"""Hostile evidence files, built on demand (nothing large is kept in the repository).

Each builder writes one file into a folder and returns its path. They reproduce the
resource bombs of issue #12: files small on disk that declare or hold far more than
their size suggests. `scale` shrinks the count-based bombs for fast regression tests
(they stay above the limits); the benchmark builds them at full size.
"""
import io
import struct
import zipfile

import numpy as np


def midi_many_events(folder, events=10_000_000):
    """Type 0 MIDI, one track of `events` program changes in running status (2 bytes each)."""
    body = b"\x00\xc0\x00" + b"\x00\x00" * (events - 1) + b"\x00\xff\x2f\x00"
    data = b"MThd" + struct.pack(">IHHH", 6, 0, 1, 96) + b"MTrk" + struct.pack(">I", len(body)) + body
    return _write(folder, "many-events.mid", data)


def _ifd(width, height, pixel_offset, next_offset):
    """A little-endian TIFF directory for an 8-bit grey strip at `pixel_offset`."""
    entries = [(256, 4, 1, width), (257, 4, 1, height), (258, 3, 1, 8), (259, 3, 1, 1), (262, 3, 1, 1),
               (273, 4, 1, pixel_offset), (278, 4, 1, height), (279, 4, 1, width * height)]
    out = struct.pack("<H", len(entries))
    for tag, kind, count, value in entries:
        out += struct.pack("<HHII", tag, kind, count, value)
    return out + struct.pack("<I", next_offset)


IFD_BYTES = 2 + 8 * 12 + 4


def tiff_chained_frames(folder, frames=200_000):
    """A 1x1 grey TIFF whose directories chain `frames` frames (all sharing one pixel)."""
    pixel = 8
    first = 9
    parts = [b"II*\x00" + struct.pack("<I", first) + b"\x80"]
    for k in range(frames):
        offset = first + k * IFD_BYTES
        parts.append(_ifd(1, 1, pixel, 0 if k == frames - 1 else offset + IFD_BYTES))
    return _write(folder, "chained.tif", b"".join(parts))


def tiff_cyclic_frames(folder):
    """A TIFF whose second directory points back at the first: an endless frame chain."""
    first = 9
    data = (b"II*\x00" + struct.pack("<I", first) + b"\x80" + _ifd(1, 1, 8, first + IFD_BYTES)
            + _ifd(1, 1, 8, first))
    return _write(folder, "cyclic.tif", data)


def npz_many_zero_images(folder, n=342_000):
    """A compressed .npz of n zero 28x28 images: a few hundred KB that inflate to n * 784 bytes."""
    buffer = io.BytesIO()
    header = {"descr": "|u1", "fortran_order": False, "shape": (n, 28, 28)}
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("x.npy", "w", force_zip64=True) as member:
            np.lib.format.write_array_header_1_0(member, header)
            zeros = bytes(784 * 1000)
            for start in range(0, n, 1000):
                member.write(zeros[: 784 * min(1000, n - start)])
    return _write(folder, "zeros.npz", buffer.getvalue())


def npy_huge_shape(folder):
    """An .npy header announcing 10^12 float32 values, followed by nothing."""
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": "<f4", "fortran_order": False,
                                                  "shape": (1_000_000, 1000, 1000)})
    return _write(folder, "huge.npy", buffer.getvalue())


def flac_many_channels(folder, channels=4, seconds=600, rate=384_000):
    """A short silent FLAC whose STREAMINFO is patched to declare `seconds` at `rate`."""
    import soundfile

    buffer = io.BytesIO()
    soundfile.write(buffer, np.zeros((4096, channels), np.float32), 8000, format="FLAC")
    data = bytearray(buffer.getvalue())
    packed = int.from_bytes(data[18:26], "big")
    packed = (packed & ~(0xFFFFF << 44) & ~(2**36 - 1)) | (rate << 44) | (seconds * rate)
    data[18:26] = packed.to_bytes(8, "big")
    return _write(folder, "channels.flac", bytes(data))


def png_thin(folder, width=50_000_000, height=1):
    """A grey PNG of width x height pixels, all zero (deflate makes it tiny)."""
    import zlib

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    compressor = zlib.compressobj(9)
    row = b"\x00" + bytes(width)
    raw = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    data = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", raw) + chunk(b"IEND", b""))
    return _write(folder, "thin.png", data)


def gif_many_frames(folder, frames=200_000):
    """A 1x1 GIF of `frames` one-pixel images (15 bytes each)."""
    screen = b"GIF89a" + struct.pack("<HHBBB", 1, 1, 0x80, 0, 0) + bytes(6)  # a 2-colour global table
    image = b"\x2c" + struct.pack("<HHHHB", 0, 0, 1, 1, 0) + b"\x02\x02\x44\x01\x00"
    return _write(folder, "frames.gif", screen + image * frames + b"\x3b")


def _write(folder, name, data):
    path = folder / name
    path.write_bytes(data)
    return path


# --- hostile run folders: a good run folder, then one thing broken --------------------


def _latest(run, ext):
    return sorted(run.glob(f"checkpoint-*{ext}"))[-1]


def _edit_sidecar(run, edit):
    import json

    path = _latest(run, ".json")
    sidecar = json.loads(path.read_text())
    edit(sidecar)
    path.write_text(json.dumps(sidecar))


def _set_header(run, edit):
    """Rewrites the latest safetensors header through `edit(header dict)`, keeping the data."""
    import json

    path = _latest(run, ".safetensors")
    data = path.read_bytes()
    size = struct.unpack_from("<Q", data)[0]
    header = json.loads(data[8:8 + size])
    edit(header)
    text = json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(text)) + text + data[8 + size:])


def _first_tensor(header):
    return next(k for k in header if k != "__metadata__")


def _replace_with_fifo(path):
    import os

    path.unlink()
    os.mkfifo(path)


def _replace_with_link(path, target="/dev/zero"):
    path.unlink()
    path.symlink_to(target)


def _nested(depth):
    return "[" * depth + "]" * depth


def _generator_width(value):
    return lambda s: s["architectures"]["G"].update(width=value)


RUN_BREAKERS = {
    "header length 2^63": lambda run: _latest(run, ".safetensors").write_bytes(
        struct.pack("<Q", 2**63) + _latest(run, ".safetensors").read_bytes()[8:]),
    "offsets past the end": lambda run: _set_header(
        run, lambda h: h[_first_tensor(h)].update(data_offsets=[0, 2**40])),
    "overlapping offsets": lambda run: _set_header(
        run, lambda h: [h[k].update(data_offsets=[0, h[k]["data_offsets"][1] - h[k]["data_offsets"][0]])
                        for k in h if k != "__metadata__"]),
    "unknown dtype": lambda run: _set_header(run, lambda h: h[_first_tensor(h)].update(dtype="F8_E9")),
    "truncated checkpoint": lambda run: _latest(run, ".safetensors").write_bytes(
        _latest(run, ".safetensors").read_bytes()[:-100]),
    "checkpoint links to /dev/zero": lambda run: _replace_with_link(_latest(run, ".safetensors")),
    "checkpoint is a FIFO": lambda run: _replace_with_fifo(_latest(run, ".safetensors")),
    "sidecar is a FIFO": lambda run: _replace_with_fifo(_latest(run, ".json")),
    "run.json is a FIFO": lambda run: _replace_with_fifo(run / "run.json"),
    "run.json nested 100k deep": lambda run: (run / "run.json").write_text(_nested(100_000)),
    "sidecar nested 100k deep": lambda run: _latest(run, ".json").write_text(_nested(100_000)),
    "width 1e9": lambda run: _edit_sidecar(run, _generator_width(10**9)),
    "width 5000": lambda run: _edit_sidecar(run, _generator_width(5000)),
    "width as a float": lambda run: _edit_sidecar(run, _generator_width(1e9)),
    "unknown architecture kind": lambda run: _edit_sidecar(
        run, lambda s: s["architectures"]["G"].update(kind="transformer")),
    "extra architecture key": lambda run: _edit_sidecar(run, lambda s: s["architectures"]["G"].update(evil=1)),
    "bad activation": lambda run: _edit_sidecar(
        run, lambda s: s["architectures"]["G"].update(activation="__import__")),
    "config without z_dim": lambda run: _edit_sidecar(run, lambda s: s["config"].pop("z_dim")),
    "sidecar is a list": lambda run: _latest(run, ".json").write_text("[]"),
}


def tiff_corrupt_lzw(folder):
    """An LZW TIFF with its compressed strip scrambled: libtiff prints a warning as it fails."""
    from PIL import Image

    buffer = io.BytesIO()
    pixels = (np.random.default_rng(0).random((64, 64)) * 255).astype(np.uint8)
    Image.fromarray(pixels).save(buffer, format="TIFF", compression="tiff_lzw")
    data = bytearray(buffer.getvalue())
    for k in range(20, len(data) - 200, 7):
        data[k] ^= 0x5A
    return _write(folder, "scrambled.tif", bytes(data))


# --- phone recordings (engine/data/formats/container_audio.py): PyAV's encoders, then byte surgery -------------


def _take(k=0):
    import soundfile

    from engine.data.builtins import corpus_files

    return soundfile.read(corpus_files("fsdd")[k], dtype="float32")[0]


def amr_frames(folder, name, types, k=0):
    """A raw .amr file: builtin:fsdd take `k` through AMR-NB at 12.2 kbit/s, its frames replaced, one by one, by
    `types` (None: keep the speech frame; 8: a comfort-noise (SID) frame; 15: no data; 9-14: not AMR-NB's)."""
    from engine.data.formats.container_audio import encoded

    data = encoded(_take(k), 8000, 12200, "amr", "amr_nb")[6:]
    speech = [data[i:i + 32] for i in range(0, len(data), 32)]  # a 12.2 kbit/s frame: 1 header byte + 31
    bodies = {8: bytes(5)}  # a SID frame carries 39 bits of noise parameters; no data and types 9-14, nothing here
    frames = [speech[i] if t is None else bytes([t << 3 | 4]) + bodies.get(t, b"") for i, t in enumerate(types)]
    return _write(folder, name, b"#!AMR\n" + b"".join(frames))


def m4a_box_set(folder, name, box=None, offset=0, value=0, ilst=b""):
    """builtin:fsdd take 0 as an AAC M4A whose `box` (its first one, if given) has the 32-bit big-endian `value` at
    `offset` bytes into its body (a header that lies), and `ilst` (tag items) added to its iTunes tag list."""
    from engine.data.formats.container_audio import encoded

    data = bytearray(encoded(_take(), 8000, 64000, "ipod"))
    found = _mp4_boxes(data)
    if box is not None:
        struct.pack_into(">I", data, found[box][0] + 8 + offset, value)
    if ilst:  # grow the tag list and the boxes around it (moov comes after mdat: no chunk offset moves)
        start, parents = found[b"ilst"]
        for p in parents + (start,):
            struct.pack_into(">I", data, p, struct.unpack_from(">I", data, p)[0] + len(ilst))
        data[start + 8:start + 8] = ilst
    return _write(folder, name, bytes(data))


def m4a_tag(key, text):
    """An iTunes tag item (`key` such as b"\\xa9nam", the title) holding UTF-8 `text`."""
    body = struct.pack(">I4sII", 16 + len(text.encode()), b"data", 1, 0) + text.encode()
    return struct.pack(">I4s", 8 + len(body), key) + body


def _mp4_boxes(data, start=0, end=None, parents=()):
    """{box name: (offset, offsets of its parents)} of the first box of each name, walking the containers."""
    end, found, pos = len(data) if end is None else end, {}, start
    while pos + 8 <= end:
        size, name = struct.unpack_from(">I4s", data, pos)
        found.setdefault(name, (pos, parents))
        body = {b"moov": 8, b"trak": 8, b"mdia": 8, b"minf": 8, b"stbl": 8, b"udta": 8, b"ilst": 8, b"meta": 12}
        if name in body:
            for key, value in _mp4_boxes(data, pos + body[name], pos + size, parents + (pos,)).items():
                found.setdefault(key, value)
        if size < 8:
            break
        pos += size
    return found


def m4a_tracks(folder, name, tracks):
    """builtin:fsdd take 0 as an AAC M4A whose track is copied `tracks` times more (each its own track ID)."""
    from engine.data.formats.container_audio import encoded

    data = bytearray(encoded(_take(), 8000, 64000, "ipod"))
    found = _mp4_boxes(data)
    start, moov = found[b"trak"][0], found[b"moov"][0]
    trak = data[start:start + struct.unpack_from(">I", data, start)[0]]
    at = trak.index(b"tkhd") + 16  # the box name, version and flags, two times: then the track ID
    copies = b"".join(trak[:at] + struct.pack(">I", k + 2) + trak[at + 4:] for k in range(tracks))
    struct.pack_into(">I", data, moov, struct.unpack_from(">I", data, moov)[0] + len(copies))
    return _write(folder, name, bytes(data) + copies)  # moov is the file's last box (after mdat)


def adts_first_header(folder, name, index=None, length=None, channels=None):
    """builtin:fsdd take 0 as raw ADTS AAC whose first frame header states sampling-frequency `index`, frame
    `length` and channel configuration `channels` (None: as written)."""
    from engine.data.formats.container_audio import encoded

    data = bytearray(encoded(_take(), 8000, 64000, "adts"))
    if index is not None:
        data[2] = data[2] & 0xC3 | index << 2
    if length is not None:
        data[3], data[4], data[5] = data[3] & 0xFC | length >> 11, length >> 3 & 0xFF, data[5] & 0x1F | (length & 7) << 5
    if channels is not None:
        data[2], data[3] = data[2] & 0xFE | channels >> 2, data[3] & 0x3F | (channels & 3) << 6
    return _write(folder, name, bytes(data))


def damaged_copies(data, n=200, seed=0):
    """`n` copies of `data` cut at a random length, up to 7 of their bytes overwritten at random: how a reader of
    outside bytes is shown never to raise."""
    rng = np.random.default_rng(seed)
    for _ in range(n):
        damaged = bytearray(data[:rng.integers(0, len(data))])
        for at in rng.integers(0, max(len(damaged), 1), size=rng.integers(0, 8)):
            if len(damaged):
                damaged[at] = rng.integers(0, 256)
        yield bytes(damaged)
