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


def test_npy_header_of_code_is_named_as_the_loader_names_it(tmp_path):
    code = b"{'descr': __import__('os').getcwd(), 'fortran_order': False, 'shape': (1,)}".ljust(127) + b"\n"
    path = tmp_path / "code.npy"
    path.write_bytes(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(code)) + code)
    assert file_metadata(path)["problems"] == ["NumPy array header: malformed .npy header (not a dictionary of "
                                               "'descr', 'fortran_order' and 'shape' literals)"]


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


def _phone_memo(path, codec, rate, bitrate, container, tags):
    """A second of a 440 Hz tone written by PyAV into `container` with `tags` (as a phone's recorder writes them)."""
    import av

    t = np.arange(rate) / rate
    samples = (0.3 * np.sin(2 * np.pi * 440 * t) * 32767).astype(np.int16)[None]
    with av.open(str(path), mode="w", format=container, options={"movflags": "use_metadata_tags"}) as out:
        out.metadata.update(tags)
        stream = out.add_stream(codec, rate=rate, layout="mono")
        stream.bit_rate = bitrate
        frame = av.AudioFrame.from_ndarray(samples, format="s16", layout="mono")
        frame.sample_rate = rate
        for packet in list(stream.encode(frame)) + list(stream.encode(None)):
            out.mux(packet)


def test_an_m4a_voice_memo_its_stream_and_the_phones_tags(tmp_path):
    path = tmp_path / "memo.m4a"
    _phone_memo(path, "aac", 16000, 32000, "ipod", {"title": "memo 3", "com.android.version": "14"})
    meta = file_metadata(path)
    f = fields(meta)
    assert meta["format"] == "MP4/M4A" and not meta["problems"]
    assert 1.0 <= float(f[("container", "duration")].split()[0]) < 1.1  # a second and the encoder's last frame
    assert f[("stream 0 (audio)", "codec")].startswith("AAC") and f[("stream 0 (audio)", "sample rate")] == "16,000 Hz"
    assert 16 < float(f[("stream 0 (audio)", "bit rate")].split()[0]) < 48  # near the 32 kbit/s asked for
    assert f[("tags", "title")] == "memo 3"
    assert "com.android.version: 14" in meta["software"]


def test_a_raw_amr_files_length_is_marked_estimated(tmp_path):
    from engine.data.formats.container_audio import encoded

    t = np.arange(8000) / 8000
    path = tmp_path / "call.amr"
    path.write_bytes(encoded(0.3 * np.sin(2 * np.pi * 300 * t), 8000, 12200, "amr", "amr_nb"))
    f = fields(file_metadata(path))
    assert f[("stream 0 (audio)", "codec")].startswith("AMR-NB")
    assert f[("container", "duration")].endswith("(estimated from the bitrate)")


def test_a_truncated_m4a_gives_one_problem_line(tmp_path):
    path = tmp_path / "memo.m4a"
    _phone_memo(path, "aac", 16000, 32000, "ipod", {})
    cut = tmp_path / "cut.m4a"
    cut.write_bytes(path.read_bytes()[:600])
    meta = file_metadata(cut)
    assert meta["format"] == "MP4/M4A"
    assert len(meta["problems"]) == 1 and "corrupt or truncated" in meta["problems"][0]
