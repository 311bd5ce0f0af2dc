"""One evidence file per format -> SampleSet, and broken files -> one-line InputError naming the file."""
import gzip
import hashlib
import io
import struct
import zlib

import mido
import numpy as np
import pretty_midi
import pytest
import soundfile
from PIL import Image

from engine.data import limits
from engine.data.loaders import load_path
from engine.errors import InputError

RNG = np.random.default_rng(7)


def rejected_reason(path):
    """Loads `path` expecting an InputError; checks it is one line naming the file and returns the reason."""
    with pytest.raises(InputError) as info:
        load_path(path)
    err = info.value
    assert err.source == str(path)
    assert "\n" not in str(err) and str(err).startswith(str(path))
    return err.reason


def idx_bytes(array, magic_type=0x08):
    header = bytes([0, 0, magic_type, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.tobytes()


def sine(seconds, rate, freq=440.0):
    t = np.arange(int(seconds * rate)) / rate
    return (0.5 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def midi_file(path, notes, tempo=120.0, velocity=100):
    """notes: (pitch, start quarter, end quarter)."""
    midi = pretty_midi.PrettyMIDI(initial_tempo=tempo)
    piano = pretty_midi.Instrument(program=0)
    seconds_per_quarter = 60.0 / tempo
    piano.notes = [pretty_midi.Note(velocity=velocity, pitch=p, start=s * seconds_per_quarter,
                                    end=e * seconds_per_quarter) for p, s, e in notes]
    midi.instruments.append(piano)
    midi.write(str(path))
    return path


# --- images ---------------------------------------------------------------------------


def test_grey_png_is_scaled_by_255_and_hashed(tmp_path):
    pixels = RNG.integers(0, 256, (5, 7), dtype=np.uint8)
    path = tmp_path / "grey.png"
    Image.fromarray(pixels).save(path)
    s = load_path(path)
    assert s.modality == "image" and s.x.shape == (1, 1, 5, 7) and s.x.dtype == np.float32
    assert s.levels == 255 and s.meta["bit_depth"] == 8
    np.testing.assert_array_equal(s.x[0, 0], pixels / np.float32(255))
    assert s.files == [{"path": str(path), "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
                        "size": path.stat().st_size}]


def test_sixteen_bit_png_keeps_its_depth(tmp_path):
    pixels = np.array([[0, 1, 65535], [300, 40000, 65534]], dtype=np.uint16)
    path = tmp_path / "deep.png"
    Image.fromarray(pixels).save(path)
    s = load_path(path)
    assert s.levels == 65535 and s.meta["bit_depth"] == 16
    np.testing.assert_array_equal(np.rint(s.x[0, 0] * 65535).astype(np.uint16), pixels)


def test_a_32_bit_integer_tiff_is_refused_and_a_16_bit_tiff_read(tmp_path):
    pixels = np.array([[0, 128, 255], [7, 200, 64]], dtype=np.uint8)
    Image.fromarray(pixels).convert("I").save(tmp_path / "wide.tif")  # 0..255 in 32 bits: full white unknown
    assert "does not say what value is full white" in rejected_reason(tmp_path / "wide.tif")
    Image.fromarray(pixels.astype(np.uint16) * 257).save(tmp_path / "deep.tif")
    s = load_path(tmp_path / "deep.tif")
    assert s.levels == 65535
    np.testing.assert_allclose(s.x[0, 0], pixels / 255, atol=1e-6)


def test_rgb_jpeg_becomes_three_channels(tmp_path):
    pixels = np.zeros((16, 16, 3), dtype=np.uint8)
    pixels[..., 0] = 255  # pure red survives JPEG closely
    path = tmp_path / "red.jpg"
    Image.fromarray(pixels).save(path, quality=95)
    s = load_path(path)
    assert s.x.shape == (1, 3, 16, 16) and s.levels == 255
    assert s.x[0, 0].mean() > 0.95 and s.x[0, 1].mean() < 0.05


def test_rgba_bmp_and_bilevel_tiff(tmp_path):
    Image.fromarray(RNG.integers(0, 256, (4, 4, 4), dtype=np.uint8), "RGBA").save(tmp_path / "a.png")
    assert load_path(tmp_path / "a.png").x.shape == (1, 3, 4, 4)
    Image.fromarray(RNG.integers(0, 256, (6, 3), dtype=np.uint8)).save(tmp_path / "b.bmp")
    assert load_path(tmp_path / "b.bmp").x.shape == (1, 1, 6, 3)
    bits = RNG.integers(0, 2, (8, 8)).astype(bool)
    Image.fromarray(bits).convert("1").save(tmp_path / "c.tif")
    s = load_path(tmp_path / "c.tif")
    assert s.levels == 1 and s.meta["bit_depth"] == 1
    np.testing.assert_array_equal(s.x[0, 0], bits.astype(np.float32))


def test_netpbm_maps_load_as_their_pictures(tmp_path):
    """cv2.imwrite('x.pgm') and old toolkits write Netpbm: raw and plain grey, 16-bit grey, colour and bilevel."""
    pixels = np.array([[0, 128, 255], [7, 200, 64]], dtype=np.uint8)
    Image.fromarray(pixels).save(tmp_path / "a.pgm")  # raw P5
    (tmp_path / "b.pgm").write_bytes(b"P2\n# plain\n3 2\n255\n" + " ".join(map(str, pixels.ravel())).encode())
    for name in ("a.pgm", "b.pgm"):
        s = load_path(tmp_path / name)
        assert s.x.shape == (1, 1, 2, 3) and s.levels == 255 and s.meta["format"] == "Netpbm"
        np.testing.assert_allclose(s.x[0, 0], pixels / 255, atol=1e-6)
        assert s.meta["channel"]["codec"] == "Netpbm" and not s.meta["channel"]["lossy"]
    (tmp_path / "c.pgm").write_bytes(b"P5 3 2 65535\n" + (pixels.astype(">u2") * 257).tobytes())
    deep = load_path(tmp_path / "c.pgm")
    assert deep.levels == 65535
    np.testing.assert_allclose(deep.x[0, 0], pixels / 255, atol=1e-6)
    Image.fromarray(np.repeat(pixels[..., None], 3, axis=-1)).save(tmp_path / "d.ppm")
    assert load_path(tmp_path / "d.ppm").x.shape == (1, 3, 2, 3)
    Image.fromarray(pixels > 100).convert("1").save(tmp_path / "e.pbm")
    assert load_path(tmp_path / "e.pbm").levels == 1
    Image.fromarray(pixels).save(tmp_path / "f.pgm", format="PNG")
    assert "extension .pgm says Netpbm" in rejected_reason(tmp_path / "f.pgm")


def test_8_bit_pictures_stored_as_halves_are_read_on_the_8_bit_grid(tmp_path):
    """x.half() cannot hold k/255; a half array each value of which is the nearest half to k/255 (or to a tanh
    output's 2k/255 - 1) is read as those 8-bit values, a generator's halves are not."""
    from engine.data.formats.array import HALF_GRID_READ

    pixels = RNG.integers(0, 256, (3, 8, 8)).astype(np.uint8)
    np.save(tmp_path / "half.npy", (pixels / 255).astype(np.float16))
    np.save(tmp_path / "tanh.npy", (pixels / 255 * 2 - 1).astype(np.float16))
    for name in ("half.npy", "tanh.npy"):
        s = load_path(tmp_path / name)
        assert s.levels == 255
        np.testing.assert_array_equal(np.rint(s.x[:, 0] * 255), pixels)
        assert np.abs(s.x[:, 0] * 255 - pixels).max() < 1e-3
        assert HALF_GRID_READ in s.meta["channel"]["stored_as"]
    generated = RNG.uniform(0, 1, (3, 8, 8)).astype(np.float16)
    np.save(tmp_path / "generated.npy", generated)
    s = load_path(tmp_path / "generated.npy")
    assert s.levels is None
    np.testing.assert_array_equal(s.x[:, 0], generated.astype(np.float32))


def test_float_tiff_outside_unit_range_is_refused_and_a_tanh_output_mapped_back(tmp_path):
    path = tmp_path / "f.tiff"
    Image.fromarray(np.full((3, 3), 2.5, dtype=np.float32), "F").save(path)
    assert "outside [0, 1]" in rejected_reason(path)
    tanh = np.linspace(-1, 1, 9, dtype=np.float32).reshape(3, 3)
    Image.fromarray(tanh, "F").save(tmp_path / "t.tiff")
    s = load_path(tmp_path / "t.tiff")
    np.testing.assert_allclose(s.x[0, 0], (tanh + 1) / 2, atol=1e-6)
    assert "tanh" in s.meta["channel"]["stored_as"]


def png_header(width, height):
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))


def test_huge_image_is_refused_from_its_header(tmp_path):
    path = tmp_path / "bomb.png"
    idat = struct.pack(">I", 8) + b"IDAT" + b"\0" * 12
    for side in (5_000, 50_000):  # above the limit, and above Pillow's own bomb guard (twice the limit)
        path.write_bytes(png_header(side, side) + idat)
        assert rejected_reason(path) == f"image size {side * side:,} pixels exceeds the limit of 16,777,216 pixels"


def test_a_png_with_only_a_signature_is_refused_without_python_internals(tmp_path):
    path = tmp_path / "corrupt.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\nbroken")
    reason = rejected_reason(path)
    assert reason.startswith("corrupt or unreadable PNG file") and "object at 0x" not in reason


def test_truncated_png_is_refused(tmp_path):
    path = tmp_path / "cut.png"
    Image.fromarray(RNG.integers(0, 256, (64, 64), dtype=np.uint8)).save(path)
    path.write_bytes(path.read_bytes()[:200])
    assert "corrupt" in rejected_reason(path)


def test_empty_and_text_files_are_refused(tmp_path):
    (tmp_path / "empty.png").write_bytes(b"")
    assert rejected_reason(tmp_path / "empty.png") == "empty file"
    (tmp_path / "notes.png").write_text("this is not an image")
    assert "not a PNG file" in rejected_reason(tmp_path / "notes.png")
    (tmp_path / "notes.txt").write_text("hello")
    assert "unrecognised file format" in rejected_reason(tmp_path / "notes.txt")


def test_avif_heic_and_jpeg_2000_are_refused_by_name(tmp_path):
    # no reference is passed through their lossy coding, so the refusal names the format rather than "unrecognised"
    # their first bytes as encoders write them (an ISO media `ftyp` box with the image brand; the JP2 signature box)
    for name, head, label in (("digit.avif", struct.pack(">I", 28) + b"ftypavif", "AVIF"),
                              ("photo.heic", struct.pack(">I", 24) + b"ftypheic", "HEIC"),
                              ("digit.jp2", b"\x00\x00\x00\x0cjP  \r\n\x87\n", "JPEG 2000")):
        (tmp_path / name).write_bytes(head + bytes(40))
        assert rejected_reason(tmp_path / name).startswith(f"{label} image: not supported")


def test_wrong_extension_is_refused_by_content(tmp_path):
    path = tmp_path / "speech.wav"
    Image.fromarray(np.zeros((4, 4), dtype=np.uint8)).save(path, format="PNG")
    assert "content is PNG" in rejected_reason(path)


def test_missing_file_is_refused(tmp_path):
    assert "no such file" in rejected_reason(tmp_path / "absent.png")


# --- arrays -----------------------------------------------------------------------------


def test_uint8_npy_stack_gets_a_channel_axis(tmp_path):
    array = RNG.integers(0, 256, (4, 5, 6), dtype=np.uint8)
    np.save(tmp_path / "a.npy", array)
    s = load_path(tmp_path / "a.npy")
    assert s.x.shape == (4, 1, 5, 6) and s.levels == 255
    np.testing.assert_array_equal(s.x[:, 0], array / np.float32(255))
    assert s.items[3] == f"{tmp_path / 'a.npy'}[3]"


def test_float_npy_single_map_and_nchw(tmp_path):
    np.save(tmp_path / "one.npy", np.full((3, 4), 0.25))
    s = load_path(tmp_path / "one.npy")
    assert s.x.shape == (1, 1, 3, 4) and s.levels is None and s.x.dtype == np.float32
    np.save(tmp_path / "rgb.npy", RNG.random((2, 3, 4, 4)).astype(np.float32))
    assert load_path(tmp_path / "rgb.npy").x.shape == (2, 3, 4, 4)


def test_channel_last_arrays_are_read_as_the_same_pictures(tmp_path):
    nchw = RNG.random((2, 3, 8, 6)).astype(np.float32)
    np.save(tmp_path / "nhwc.npy", np.moveaxis(nchw, 1, -1))  # Keras / TensorFlow layout
    np.save(tmp_path / "hw1.npy", np.moveaxis(nchw[:1, :1], 1, -1)[0])
    nhwc = load_path(tmp_path / "nhwc.npy")
    np.testing.assert_array_equal(nhwc.x, nchw)
    assert "channel-last" in nhwc.meta["channel"]["stored_as"]
    np.testing.assert_array_equal(load_path(tmp_path / "hw1.npy").x, nchw[:1, :1])
    np.save(tmp_path / "stack.npy", RNG.random((4, 8, 3)).astype(np.float32))  # a side under 5: grey maps
    assert load_path(tmp_path / "stack.npy").x.shape == (4, 1, 8, 3)


def test_a_tanh_output_is_mapped_back_and_a_small_undershoot_is_not_guessed_at(tmp_path):
    maps = RNG.random((2, 6, 6)).astype(np.float32)
    maps[:, 0, 0] = 0.0
    np.save(tmp_path / "tanh.npy", maps * 2 - 1)
    tanh = load_path(tmp_path / "tanh.npy")
    np.testing.assert_allclose(tanh.x[:, 0], maps, atol=1e-6)
    assert "tanh" in tanh.meta["channel"]["stored_as"]
    np.save(tmp_path / "linear.npy", maps * 1.1 - 0.2)  # a linear output straying below 0
    assert "outside [0, 1] (min -0.2" in rejected_reason(tmp_path / "linear.npy")


def test_npz_carries_labels_and_modality(tmp_path):
    np.savez(tmp_path / "set.npz", x=RNG.random((3, 1, 128, 64)), labels=np.array([0, 1, 2]), modality="music")
    s = load_path(tmp_path / "set.npz")
    assert s.modality == "music" and s.labels.tolist() == [0, 1, 2]


@pytest.mark.parametrize("values, reason", [
    (np.array([[0.5, np.nan]]), "NaN"),
    (np.array([[0.5, np.inf]]), "NaN or infinite"),
    (np.array([[-0.5, 1.5]]), "outside [0, 1] (min -0.5, max 1.5)"),
    (np.array([[1, 2]], dtype=np.int64), "dtype int64"),
    (np.zeros((2, 2, 2, 2, 2)), "is not (h, w)"),
])
def test_bad_arrays_are_refused_with_the_reason(tmp_path, values, reason):
    np.save(tmp_path / "bad.npy", values)
    assert reason in rejected_reason(tmp_path / "bad.npy")


def test_object_arrays_are_never_unpickled(tmp_path):
    np.save(tmp_path / "obj.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    assert "never unpickled" in rejected_reason(tmp_path / "obj.npy")
    np.savez(tmp_path / "obj.npz", x=np.array([{"a": 1}], dtype=object))
    assert "never unpickled" in rejected_reason(tmp_path / "obj.npz")


def test_pickles_and_torch_files_are_refused_as_such_never_unpickled(tmp_path):
    import pickle
    import zipfile

    with open(tmp_path / "legacy.pt", "wb") as fh:
        pickle.dump([0.5], fh, protocol=2)  # torch.save's legacy format is a pickle
    with zipfile.ZipFile(tmp_path / "samples.pt", "w") as archive:  # torch.save's zip: archive/data.pkl
        archive.writestr("samples/data.pkl", pickle.dumps([0.5]))
        archive.writestr("samples/data/0", b"\0" * 16)
    assert rejected_reason(tmp_path / "legacy.pt").startswith("a Python pickle (torch.save's legacy format")
    assert rejected_reason(tmp_path / "samples.pt").startswith("a PyTorch file (torch.save: pickled tensors")


def test_a_flattened_batch_is_read_as_the_reference_pictures_in_a_verdict(tmp_path):
    from engine.verdict import load_evidence

    maps = RNG.random((5, 28, 28)).astype(np.float32)
    np.save(tmp_path / "flat.npy", maps.reshape(5, -1))  # an MLP generator's (n, 784)
    np.save(tmp_path / "one.npy", maps[0].reshape(-1))
    np.save(tmp_path / "odd.npy", maps.reshape(-1)[:700])
    profile = {"modality": "image", "shape": (1, 28, 28)}
    accepted, rejected = load_evidence([tmp_path / "flat.npy", tmp_path / "one.npy", tmp_path / "odd.npy"], profile)
    (_, flat), (_, one) = accepted
    np.testing.assert_array_equal(flat.x[:, 0], maps)
    np.testing.assert_array_equal(one.x[0, 0], maps[0])
    assert flat.meta["channel"]["stored_as"] == "a flattened array (5, 784) read as 5 pictures of 28 x 28, row by row"
    assert [r["reason"] for r in rejected] == ["a flat vector of 700 values, not a flattened picture of the case "
                                               "reference's 28 x 28 (784 values)"]


def test_time_major_piano_rolls_are_read_pitch_major_and_other_bare_arrays_refused_saying_so(tmp_path):
    from engine.verdict import load_evidence

    rolls = (RNG.random((3, 128, 64)) > 0.9).astype(np.float32)
    np.save(tmp_path / "time_major.npy", rolls.transpose(0, 2, 1))  # pypianoroll's (T, 128)
    np.save(tmp_path / "other.npy", rolls[:, :, :40])
    profile = {"modality": "music", "shape": (1, 128, 64)}
    (_, roll), = load_evidence([tmp_path / "time_major.npy"], profile)[0]
    assert roll.modality == "music"
    assert roll.meta["channel"]["stored_as"] == "time-major maps (64, 128) read as (128, 64)"
    np.testing.assert_array_equal(roll.x[:, 0], rolls)
    from engine.data.sampleset import SampleSet
    from engine.data.specs import adopt_reference_modality

    reference = SampleSet(name="rolls", modality="music", x=rolls[:, None])  # as analyze --compare reads it
    compared = adopt_reference_modality(load_path(tmp_path / "time_major.npy"), reference)
    assert compared.modality == "music" and compared.meta["modality_from_reference"]
    _, rejected = load_evidence([tmp_path / "other.npy"], profile)
    assert rejected[0]["reason"] == ("an array of maps of shape (1, 128, 40) with no modality recorded, not the case "
                                     "reference's music samples (1, 128, 64)")


def test_truncated_and_absurd_npy_headers_are_refused_before_allocating(tmp_path):
    np.save(tmp_path / "cut.npy", np.zeros((100, 10, 10), np.float32))
    (tmp_path / "cut.npy").write_bytes((tmp_path / "cut.npy").read_bytes()[:1000])
    assert "truncated: the header announces (100, 10, 10)" in rejected_reason(tmp_path / "cut.npy")
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<f8", "fortran_order": False,
                                                  "shape": (10**9, 1000, 1000)})
    (tmp_path / "huge.npy").write_bytes(header.getvalue())
    assert "exceeds the limit" in rejected_reason(tmp_path / "huge.npy")


def test_an_npy_header_that_is_not_literals_is_refused_in_words_not_python_internals(tmp_path):
    """numpy's own reason was "malformed node or string on line 1: <ast.Call object at 0x...>"."""
    header = b"{'descr': __import__('os').getcwd(), 'fortran_order': False, 'shape': (1,)}"
    header += b" " * (127 - len(header)) + b"\n"
    (tmp_path / "code.npy").write_bytes(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header)
    assert rejected_reason(tmp_path / "code.npy") == (
        "malformed .npy header (not a dictionary of 'descr', 'fortran_order' and 'shape' literals)")
    (tmp_path / "cut.npy").write_bytes(b"\x93NUMPY\x01\x00\x76")
    assert rejected_reason(tmp_path / "cut.npy") == "truncated inside the .npy header"


def test_npz_with_ambiguous_arrays_is_refused(tmp_path):
    np.savez(tmp_path / "two.npz", a=np.zeros((2, 2)), b=np.zeros((2, 2)))
    assert "name it 'x'" in rejected_reason(tmp_path / "two.npz")


# --- IDX and CIFAR ----------------------------------------------------------------------


def test_idx_gz_with_sibling_labels(tmp_path):
    images = RNG.integers(0, 256, (3, 4, 4), dtype=np.uint8)
    path = tmp_path / "t-images-idx3-ubyte.gz"
    path.write_bytes(gzip.compress(idx_bytes(images)))
    (tmp_path / "t-labels-idx1-ubyte.gz").write_bytes(gzip.compress(idx_bytes(np.array([7, 2, 1], np.uint8))))
    s = load_path(path)
    assert s.x.shape == (3, 1, 4, 4) and s.levels == 255 and s.labels.tolist() == [7, 2, 1]
    np.testing.assert_array_equal(s.x[:, 0], images / np.float32(255))
    assert [f["path"] for f in s.files] == [str(path), str(tmp_path / "t-labels-idx1-ubyte.gz")]


def test_raw_idx_without_labels(tmp_path):
    path = tmp_path / "images-idx3-ubyte"
    path.write_bytes(idx_bytes(np.zeros((2, 3, 3), np.uint8)))
    s = load_path(path)
    assert s.x.shape == (2, 1, 3, 3) and s.labels is None


def test_truncated_and_padded_idx_are_refused(tmp_path):
    data = idx_bytes(np.zeros((2, 3, 3), np.uint8))
    (tmp_path / "cut.idx").write_bytes(data[:-5])
    assert "truncated" in rejected_reason(tmp_path / "cut.idx")
    (tmp_path / "long.idx").write_bytes(data + b"\0")
    assert "unexpected bytes" in rejected_reason(tmp_path / "long.idx")
    (tmp_path / "cut.gz").write_bytes(gzip.compress(data)[:-10])
    assert "corrupt" in rejected_reason(tmp_path / "cut.gz")


def test_labels_only_idx_and_bad_idx_magic_are_refused(tmp_path):
    (tmp_path / "labels.idx").write_bytes(idx_bytes(np.array([1, 2], np.uint8)))
    assert "labels, not images" in rejected_reason(tmp_path / "labels.idx")
    (tmp_path / "bad.gz").write_bytes(gzip.compress(b"\1\2\3\4\5\6"))
    assert "not an IDX file" in rejected_reason(tmp_path / "bad.gz")


def test_absurd_idx_header_is_refused_before_allocating(tmp_path):
    (tmp_path / "huge.idx").write_bytes(bytes([0, 0, 8, 3]) + struct.pack(">3I", 10**6, 10**4, 10**4))
    assert "exceeds the limit" in rejected_reason(tmp_path / "huge.idx")


def test_cifar_batch_records(tmp_path):
    images = RNG.integers(0, 256, (3, 3, 32, 32), dtype=np.uint8)
    labels = np.array([3, 0, 9], np.uint8)
    path = tmp_path / "data_batch_1.bin"
    path.write_bytes(np.concatenate([labels[:, None], images.reshape(3, -1)], axis=1).tobytes())
    s = load_path(path)
    assert s.x.shape == (3, 3, 32, 32) and s.labels.tolist() == [3, 0, 9]
    np.testing.assert_array_equal(s.x, images / np.float32(255))


def test_bad_cifar_batches_are_refused(tmp_path):
    (tmp_path / "short.bin").write_bytes(b"\1" * 3000)
    assert "whole number of 3073-byte records" in rejected_reason(tmp_path / "short.bin")
    (tmp_path / "label.bin").write_bytes(bytes([200]) + b"\0" * 3072)
    assert "label byte 200" in rejected_reason(tmp_path / "label.bin")


# --- audio ------------------------------------------------------------------------------


@pytest.mark.parametrize("name, fmt, subtype", [("a.wav", "WAV", "PCM_16"), ("a.flac", "FLAC", "PCM_16"),
                                                ("a.ogg", "OGG", "VORBIS")])
def test_audio_formats_become_mel_patches(tmp_path, name, fmt, subtype):
    soundfile.write(tmp_path / name, sine(0.5, 8000), 8000, format=fmt, subtype=subtype)
    s = load_path(tmp_path / name)
    assert s.modality == "speech" and s.x.shape == (1, 1, 64, 32) and s.levels is None
    assert 0 <= s.x.min() and s.x.max() <= 1 and s.x.max() > 0.3
    assert s.meta["n_mels"] == 64 and s.meta["hop_length"] == 160 and s.meta["scale"] > 0


def test_other_rates_are_resampled_and_long_recordings_split(tmp_path):
    # 2 s at 16 kHz -> 8000 Hz -> 101 frames -> 3 patches of 32 (5 frames dropped)
    soundfile.write(tmp_path / "long.wav", np.stack([sine(2, 16000)] * 2, axis=1), 16000)
    s = load_path(tmp_path / "long.wav")
    assert s.x.shape == (3, 1, 64, 32) and s.meta["native_sample_rate"] == 16000
    assert s.items[2].endswith("long.wav#patch2")


def test_fsdd_names_give_digit_labels(tmp_path):
    soundfile.write(tmp_path / "7_lucas_3.wav", sine(0.3, 8000), 8000)
    s = load_path(tmp_path / "7_lucas_3.wav")
    assert s.labels.tolist() == [7] and s.meta["speaker"] == "lucas"


def test_too_long_audio_is_refused_from_its_header(tmp_path, monkeypatch):
    soundfile.write(tmp_path / "a.wav", sine(0.5, 8000), 8000)
    monkeypatch.setattr(limits, "MAX_AUDIO_SECONDS", 0.2)
    assert "duration 0.5 s exceeds" in rejected_reason(tmp_path / "a.wav")


@pytest.mark.parametrize("keep", [30, 1000])
def test_truncated_wav_is_refused(tmp_path, keep):
    """Cut inside the header or inside the samples: libsndfile would read what is left."""
    path = tmp_path / "cut.wav"
    soundfile.write(path, sine(0.5, 8000), 8000)
    path.write_bytes(path.read_bytes()[:keep])
    assert f"truncated: the header declares 8044 bytes, the file holds {keep}" in rejected_reason(path)


@pytest.mark.parametrize("name, container, subtype", [("cut.aiff", "AIFF", "PCM_16"), ("cut.aifc", "AIFF", "ULAW"),
                                                    ("cut.au", "AU", "PCM_16"), ("cut.snd", "AU", "ALAW")])
def test_aiff_and_au_are_read_and_refused_when_truncated(tmp_path, name, container, subtype):
    path = tmp_path / name
    soundfile.write(path, sine(0.5, 8000), 8000, format=container, subtype=subtype)
    channel = load_path(path).meta["channel"]
    assert channel["codec"] == f"{container} {subtype}" and channel["subtype"] == subtype
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    assert f"truncated: the header declares {len(data)} bytes, the file holds {len(data) // 2}" in rejected_reason(path)


def test_truncated_flac_is_refused(tmp_path):
    path = tmp_path / "cut.flac"
    soundfile.write(path, sine(2.0, 8000), 8000, format="FLAC")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    assert "corrupt or unreadable FLAC file" in rejected_reason(path)


def test_an_mp3_cut_before_its_first_frames_is_refused_as_cut_not_as_missing(tmp_path):
    """libsndfile calls such bytes a file that "does not exist": the analyst would look for a wrong path."""
    path = tmp_path / "cut.mp3"
    soundfile.write(path, sine(0.5, 8000), 8000, format="MP3")
    path.write_bytes(path.read_bytes()[:300])
    reason = rejected_reason(path)
    assert reason == "corrupt or unreadable MP3 file: no audio frame could be decoded (cut short or damaged)"


def test_a_cut_mp3_is_refused_in_one_line_without_the_decoders_own_lines(tmp_path, capfd):
    """libmpg123 wrote "Warning: Xing stream size off by more than 1%" to the terminal, naming no file."""
    path = tmp_path / "cut.mp3"
    soundfile.write(path, sine(0.5, 16000), 16000, format="MP3")
    path.write_bytes(path.read_bytes()[:1377])
    assert rejected_reason(path).startswith("truncated: the header declares 8000 samples")
    assert capfd.readouterr().err == ""


def test_float_wav_far_beyond_full_scale_is_refused_and_unscaled_16_bit_floats_read(tmp_path):
    """Floats of 1e30 overflowed the mel map to NaN, which no detector judged: the file read as real."""
    soundfile.write(tmp_path / "huge.wav", sine(0.5, 8000) * 1e30, 8000, subtype="FLOAT")
    assert "samples reach 5e+29, beyond the limit of 32,768" in rejected_reason(tmp_path / "huge.wav")
    soundfile.write(tmp_path / "unscaled.wav", sine(0.5, 8000) * 32767, 8000, subtype="FLOAT")
    assert np.isfinite(load_path(tmp_path / "unscaled.wav").x).all()


# --- MIDI -------------------------------------------------------------------------------


def test_midi_becomes_piano_roll_patches(tmp_path):
    path = midi_file(tmp_path / "a.mid", [(60, 0, 1), (64, 1, 1.5)], velocity=127)
    s = load_path(path)
    assert s.modality == "music" and s.x.shape == (1, 1, 128, 64) and s.levels == 1
    roll = s.x[0, 0]
    assert roll[60, :4].tolist() == [1] * 4 and roll[60, 4] == 0
    assert roll[64, 4:6].tolist() == [1, 1] and roll.sum() == 6


def test_midi_velocity_gives_intensity_levels_127(tmp_path):
    s = load_path(midi_file(tmp_path / "soft.mid", [(60, 0, 1)], velocity=64))
    assert s.levels == 127 and s.x.max() == np.float32(64 / 127)


def test_midi_roll_follows_the_beat_not_the_clock(tmp_path):
    notes = [(60, 0, 2), (62, 2, 3), (65, 20, 24)]
    slow = load_path(midi_file(tmp_path / "slow.mid", notes, tempo=60)).x
    fast = load_path(midi_file(tmp_path / "fast.mid", notes, tempo=180)).x
    np.testing.assert_array_equal(slow, fast)


def variable_length(value):
    """MIDI's variable-length quantity: 7 bits per byte, high bit set on all but the last."""
    groups = [value & 0x7F]
    while value > 0x7F:
        value >>= 7
        groups.append(0x80 | (value & 0x7F))
    return bytes(reversed(groups))


def midi_bytes(division, delta):
    """A hand-made type-0 file with one note lasting `delta` ticks, for headers mido would not write."""
    events = [(0, mido.Message("note_on", note=60, velocity=90)), (delta, mido.Message("note_off", note=60))]
    body = b"".join(variable_length(t) + bytes(m.bytes()) for t, m in events) + b"\0\xff\x2f\0"
    return b"MThd" + struct.pack(">IHHH", 6, 0, 1, division) + b"MTrk" + struct.pack(">I", len(body)) + body


def test_absurd_midi_headers_are_refused(tmp_path):
    (tmp_path / "zero.mid").write_bytes(midi_bytes(0, 10))
    assert "absurd resolution" in rejected_reason(tmp_path / "zero.mid")
    (tmp_path / "endless.mid").write_bytes(midi_bytes(96, 0x0FFFFFFF))
    assert "last event at tick 268,435,455 exceeds" in rejected_reason(tmp_path / "endless.mid")
    (tmp_path / "long.mid").write_bytes(midi_bytes(96, 96 * 15_000))  # 15,000 quarters at 120 bpm: 2 h
    assert "end time 7,500 s exceeds" in rejected_reason(tmp_path / "long.mid")
    slow = mido.MidiTrack([mido.MetaMessage("set_tempo", tempo=16_000_000, time=96),  # 16 s per quarter
                           mido.Message("note_on", note=60, velocity=90, time=0),
                           mido.Message("note_off", note=60, velocity=0, time=96 * 300)])
    mido.MidiFile(ticks_per_beat=96, tracks=[slow]).save(tmp_path / "slow.mid")
    assert "end time 4,800.5 s exceeds" in rejected_reason(tmp_path / "slow.mid")
    stopped = mido.MidiTrack([mido.MetaMessage("set_tempo", tempo=0, time=0),
                              mido.Message("note_on", note=60, velocity=90, time=0),
                              mido.Message("note_off", note=60, velocity=0, time=96)])
    mido.MidiFile(ticks_per_beat=96, tracks=[stopped]).save(tmp_path / "stopped.mid")
    assert rejected_reason(tmp_path / "stopped.mid") == "absurd tempo of 0 microseconds per quarter note"
    overstated = bytearray(midi_bytes(96, 10))
    overstated[10:12] = struct.pack(">H", 65535)  # the header's track count
    (tmp_path / "overstated.mid").write_bytes(bytes(overstated))
    assert rejected_reason(tmp_path / "overstated.mid") == (
        "truncated: the header declares 65,535 tracks, the file holds 1")


def test_corrupt_truncated_and_silent_midi_are_refused(tmp_path):
    header = b"MThd" + struct.pack(">IHHH", 6, 0, 1, 96)
    (tmp_path / "junk.mid").write_bytes(header + b"MTrk" + struct.pack(">I", 4) + b"\0\xf5\x99\x99")
    assert "undefined status byte" in rejected_reason(tmp_path / "junk.mid")
    (tmp_path / "cut.mid").write_bytes(midi_bytes(96, 10)[:-6])
    assert "truncated" in rejected_reason(tmp_path / "cut.mid")
    midi = pretty_midi.PrettyMIDI()
    midi.instruments.append(pretty_midi.Instrument(0))
    midi.write(str(tmp_path / "nonotes.mid"))
    assert "no (non-drum) notes" in rejected_reason(tmp_path / "nonotes.mid")


def test_running_status_after_a_sysex_is_refused_saying_so_and_after_a_meta_event_is_read(tmp_path):
    """mido read the note's bytes after a sysex as a sysex length and ran past the track: "truncated"."""
    def one_track(events, note_on=b"\0\x90\x3c\x50"):
        body = note_on + events + b"\x60\x3c\0\0\xff\x2f\0"  # the note ends in running status
        return b"MThd" + struct.pack(">IHHH", 6, 0, 1, 96) + b"MTrk" + struct.pack(">I", len(body)) + body
    for name, event in (("sysex.mid", b"\0\xf0\x01\xf7"), ("escape.mid", b"\0\xf7\x01\x01")):
        (tmp_path / name).write_bytes(one_track(event))
        assert rejected_reason(tmp_path / name) == "running status after a sysex event (not allowed by the MIDI " \
                                                   "standard)"
    (tmp_path / "meta.mid").write_bytes(one_track(b"\0\xff\x01\x01a"))  # many writers keep it across a meta event
    assert load_path(tmp_path / "meta.mid").n == 1
    (tmp_path / "first.mid").write_bytes(one_track(b"\0\x3c\x50", note_on=b"\0\xff\x01\x01a"))
    assert rejected_reason(tmp_path / "first.mid") == "running status with no status before it (a data byte where an " \
                                                      "event must start)"


def test_midi_without_events_or_of_a_format_that_does_not_exist_is_refused_saying_so(tmp_path):
    """pretty_midi's own error for a file without events was "max() arg is an empty sequence"."""
    header = lambda fmt, tracks: b"MThd" + struct.pack(">IHHH", 6, fmt, tracks, 96)  # noqa: E731
    (tmp_path / "none.mid").write_bytes(header(1, 0))
    assert rejected_reason(tmp_path / "none.mid") == "MIDI file holds no events (tracks: 0)"
    (tmp_path / "empty.mid").write_bytes(header(1, 1) + b"MTrk" + struct.pack(">I", 0))
    assert rejected_reason(tmp_path / "empty.mid") == "MIDI file holds no events (tracks: 1)"
    seven = bytearray(midi_bytes(96, 10))
    seven[8:10] = struct.pack(">H", 7)
    (tmp_path / "seven.mid").write_bytes(bytes(seven))
    assert rejected_reason(tmp_path / "seven.mid") == "MIDI format 7 does not exist (a header says 0, 1 or 2)"


def test_notes_no_note_off_ends_are_ended_where_the_file_ends_and_the_verdict_says_so(tmp_path):
    """A sequencer that leaves its last chord sounding: pretty_midi alone would drop the chord."""
    from engine.data.channels import unread_parts_reason

    chord = [mido.Message("note_on", note=p, velocity=90, time=0) for p in (60, 64, 67)]
    ended = mido.MidiTrack([mido.Message("note_on", note=48, velocity=90, time=0),
                            mido.Message("note_off", note=48, time=96 * 2), *chord])
    other = mido.MidiTrack([mido.Message("note_on", note=36, velocity=90, time=0),
                            mido.Message("note_off", note=36, time=96 * 4)])  # the file ends at quarter 4
    mido.MidiFile(ticks_per_beat=96, tracks=[ended, other]).save(tmp_path / "sounding.mid")
    sample = load_path(tmp_path / "sounding.mid")
    roll = sample.x[0, 0]
    assert roll[[60, 64, 67], 8:16].all() and not roll[[60, 64, 67], :8].any() and not roll[:, 16:].any()
    assert sample.meta["channel"]["notes_unended"] == 3
    assert unread_parts_reason(sample.meta["channel"]).startswith("3 of the file's notes are ended where the file ends")
    held = mido.MidiTrack([mido.MetaMessage("set_tempo", tempo=500_000, time=96),
                           mido.Message("note_on", note=60, velocity=90, time=0),
                           mido.Message("note_on", note=64, velocity=90, time=0)])  # the file ends where they start
    mido.MidiFile(ticks_per_beat=96, tracks=[held]).save(tmp_path / "held.mid")
    assert rejected_reason(tmp_path / "held.mid") == (
        "MIDI file holds no (non-drum) notes; its 2 note-ons are never ended by a note-off before the file ends")


def test_recordings_and_midi_for_playback_are_checked_like_evidence(tmp_path):
    from engine.data.loaders import load_midi, load_recording

    soundfile.write(tmp_path / "a.wav", np.stack([sine(0.5, 8000)] * 2, axis=1), 8000)
    mono, rate = load_recording(tmp_path / "a.wav")
    assert rate == 8000 and mono.shape == (4000,) and mono.dtype == np.float32
    assert load_midi(midi_file(tmp_path / "a.mid", [(60, 0, 1)], velocity=127)).instruments[0].notes[0].pitch == 60
    with pytest.raises(InputError, match="not a recording"):
        load_recording(tmp_path / "a.mid")
    cut = tmp_path / "cut.wav"
    cut.write_bytes((tmp_path / "a.wav").read_bytes()[:100])
    with pytest.raises(InputError, match="truncated"):
        load_recording(cut)


@pytest.mark.parametrize("seconds, dropped", [(0.5, None), (1.0, "0.38"), (1.26, None)])
def test_a_recording_says_how_much_of_its_end_no_whole_mel_patch_covers(tmp_path, seconds, dropped):
    """A one-second clip's map holds 51 frames: one whole 32-frame patch is judged, the other 0.38 s only by the
    waveform detectors; shorter than a patch it is padded to one; 1.26 s (64 frames) fills two."""
    from engine.data.channels import unread_parts_reason

    t = np.arange(round(seconds * 8000)) / 8000
    noise = np.random.default_rng(0).normal(0, 0.01, t.size)
    soundfile.write(tmp_path / "take.wav", (0.3 * np.sin(2 * np.pi * 220 * t) + noise).astype(np.float32), 8000)
    reason = unread_parts_reason(load_path(str(tmp_path / "take.wav")).meta["channel"])
    if dropped is None:
        assert reason is None
    else:
        assert f"{dropped} s of its 1.02 s of sound (" in reason and "were read by the waveform detectors only" in reason


def test_a_note_of_no_length_written_end_first_is_not_held_to_the_file_s_end(tmp_path):
    """pretty_midi writes a tick's note-offs before its note-ons, so a note cut to nothing where an excerpt starts is
    a note-off that ends nothing and then its note-on, never ended: read as no note, not as a pitch held through the
    excerpt or to the pitch's next note-off; a repeated note (its note-off, then the next note-on of the pitch, ended
    later) is read as before."""
    empty = mido.MidiTrack([mido.Message("note_off", note=73, time=0), mido.Message("note_on", note=73, velocity=90),
                            mido.Message("note_on", note=60, velocity=90, time=0),
                            mido.Message("note_off", note=60, time=96 * 4)])
    repeated = mido.MidiTrack([mido.Message("note_on", note=48, velocity=90, time=0),
                               mido.Message("note_off", note=48, time=96),
                               mido.Message("note_on", note=48, velocity=90),
                               mido.Message("note_off", note=48, time=96 * 3)])
    ended_later = mido.MidiTrack([mido.Message("note_off", note=65, time=0),
                                  mido.Message("note_on", note=65, velocity=90),
                                  mido.Message("note_on", note=65, velocity=90, time=96 * 2),
                                  mido.Message("note_off", note=65, time=96)])  # its end closes both note-ons
    mido.MidiFile(ticks_per_beat=96, tracks=[empty, repeated, ended_later]).save(tmp_path / "cut.mid")
    sample = load_path(tmp_path / "cut.mid")
    roll = sample.x[0, 0]
    assert not roll[73].any() and roll[60, :16].all() and roll[48, :16].all()
    assert roll[65, 8:12].all() and not roll[65, :8].any()
    assert "notes_unended" not in sample.meta["channel"]
