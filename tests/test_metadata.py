"""File metadata (engine/metadata.py) of real files of each format, and of hostile ones:
never an exception, every problem one line."""
import struct

import numpy as np
import pytest

from engine.metadata import MAX_VALUE, file_metadata


def fields(meta):
    return {(f["group"], f["name"]): f["value"] for f in meta["fields"]}


def test_png_header_text_chunks_and_exif(tmp_path):
    from PIL import Image, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Software", "StyleGAN2 sampler")
    info.add_text("Comment", "seed 7", zip=True)
    exif = Image.Exif()
    exif[0x010F] = "Canon"
    path = tmp_path / "a.png"
    Image.fromarray(np.zeros((5, 7), np.uint8)).save(path, pnginfo=info, exif=exif)
    meta = file_metadata(path)
    f = fields(meta)
    assert meta["format"] == "PNG" and not meta["problems"]
    assert f[("image", "dimensions")] == "7 × 5 pixels" and f[("image", "bit depth")] == "8 bits per channel"
    assert f[("PNG text", "Software")] == "StyleGAN2 sampler" and f[("PNG text", "Comment")] == "seed 7"
    assert f[("EXIF", "Make")] == "Canon"
    assert "Software: StyleGAN2 sampler" in meta["software"]


def test_wav_of_the_embedded_fsdd_and_a_riff_info_chunk(tmp_path):
    meta = file_metadata("resources/fsdd/0_george_0.wav")
    f = fields(meta)
    assert f[("audio", "codec")] == "PCM, 16-bit" and f[("audio", "sample rate")] == "8,000 Hz"
    assert f[("audio", "channels")] == "1" and f[("audio", "duration")].startswith("0.298 s")
    data = open("resources/fsdd/0_george_0.wav", "rb").read()
    info = b"INFO" + b"ISFT" + struct.pack("<I", 6) + b"Lavf5\0"
    tagged = data[:4] + struct.pack("<I", len(data) - 8 + 8 + len(info)) + data[8:] + b"LIST" + struct.pack("<I", len(info)) + info
    path = tmp_path / "tagged.wav"
    path.write_bytes(tagged)
    assert fields(file_metadata(path))[("RIFF INFO", "software")] == "Lavf5"


def test_id3_tag_in_a_wav_chunk(tmp_path):
    frame = b"TSSE" + struct.pack(">I", 9) + b"\0\0" + b"\0Lavf58.2"
    tag = b"ID3\3\0\0" + bytes([0, 0, 0, len(frame)]) + frame
    data = open("resources/fsdd/0_george_0.wav", "rb").read()
    body = data[8:] + b"id3 " + struct.pack("<I", len(tag)) + tag + (b"\0" if len(tag) % 2 else b"")
    path = tmp_path / "id3.wav"
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)
    f = fields(file_metadata(path))
    assert f[("ID3", "version")] == "ID3v2.3" and f[("ID3", "software/encoder settings")] == "Lavf58.2"


def test_midi_meta_events_of_a_bach_chorale():
    meta = file_metadata("resources/bach/bwv1.6.mid")
    f = fields(meta)
    assert f[("MIDI", "tracks")] == "6" and f[("MIDI", "resolution")] == "480 ticks per quarter note"
    assert f[("MIDI meta", "time signature (track 0)")] == "4/4" and f[("MIDI meta", "tempo")] == "76.0 BPM"
    assert f[("MIDI meta", "track name (track 2)")] == "Soprano"


def test_npy_header_only(tmp_path):
    path = tmp_path / "x.npy"
    np.save(path, np.zeros((3, 1, 4, 4), np.float32))
    f = fields(file_metadata(path))
    assert f[("array", "shape")] == "3 × 1 × 4 × 4" and f[("array", "dtype")] == "float32"


@pytest.mark.parametrize("name, data", [
    ("cut.png", b"\x89PNG\r\n\x1a\n" + struct.pack(">I4s", 13, b"IHDR") + b"\0\0"),
    ("huge-chunk.png", b"\x89PNG\r\n\x1a\n" + struct.pack(">I4s", 0xFFFFFFF0, b"tEXt") + b"a\0b"),
    ("bomb.png", b"\x89PNG\r\n\x1a\n" + struct.pack(">I4s", 0, b"zTXt")),
    ("bad.wav", b"RIFF\xff\xff\xff\xffWAVEfmt \xff\xff\xff\x7f" + b"\0" * 20),
    ("bad.mid", b"MThd\0\0\0\6\0\1\0\1\0\0MTrk\xff\xff\xff\xff"),
    ("text.png", b"not an image at all"),
    ("control.png", None),
])
def test_hostile_files_give_lines_not_exceptions(tmp_path, name, data):
    if data is None:  # a text chunk full of control characters and far too long
        text = b"k\0" + bytes(range(1, 32)) * 400
        data = (b"\x89PNG\r\n\x1a\n" + struct.pack(">I4s", len(text), b"tEXt") + text + b"\0\0\0\0")
    path = tmp_path / name
    path.write_bytes(data)
    meta = file_metadata(path)
    assert all("\n" not in p and "0x" not in p for p in meta["problems"])
    assert all(len(f["value"]) <= MAX_VALUE and f["value"].isprintable() for f in meta["fields"])
    if name == "text.png":
        assert meta["format"] is None and meta["problems"]


def test_a_zip_bomb_text_chunk_is_cut(tmp_path):
    import zlib

    text = b"Comment\0\0" + zlib.compress(b"A" * 50_000_000)
    chunk = struct.pack(">I4s", len(text), b"zTXt") + text + b"\0\0\0\0"
    path = tmp_path / "bomb.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk)
    f = fields(file_metadata(path))
    assert f[("PNG text", "Comment")].endswith("…")


def test_an_mp3s_id3_tag_is_read_and_its_encoder_listed_as_software(tmp_path):
    frame = b"TENC" + struct.pack(">I", 12) + b"\0\0" + b"\0LAME 3.99.5"
    tag = b"ID3\3\0\0" + bytes([0, 0, 0, len(frame)]) + frame
    path = tmp_path / "voice.mp3"
    path.write_bytes(tag + b"\xff\xfb\x90\x00" + b"\0" * 400)  # a frame header and silence
    meta = file_metadata(path)
    assert fields(meta)[("ID3", "encoded by")] == "LAME 3.99.5"
    assert any("LAME" in entry for entry in meta["software"])
