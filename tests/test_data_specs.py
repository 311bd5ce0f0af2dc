"""Dataset specs: folders in name order, bad files rejected one line each, slices, built-ins, baselines."""

import numpy as np
import pytest
import soundfile
from PIL import Image

from engine.data.sampleset import SampleSet
from engine.data.specs import load_spec, split_slice
from engine.errors import InputError


def grey_png(path, value, size=(4, 4)):
    Image.fromarray(np.full(size, value, dtype=np.uint8)).save(path)
    return path


def tone(path, seconds):
    t = np.arange(int(seconds * 8000)) / 8000
    soundfile.write(path, (0.3 * np.sin(2 * np.pi * 300 * t)).astype(np.float32), 8000)
    return path


@pytest.mark.parametrize("spec, source, select", [
    ("a.npy[2:5]", "a.npy", slice(2, 5)),
    ("a.npy[3:]", "a.npy", slice(3, None)),
    ("a.npy[:-2]", "a.npy", slice(None, -2)),
    ("builtin:mnist", "builtin:mnist", slice(None)),
    ("photo[1].png", "photo[1].png", slice(None)),
])
def test_split_slice(spec, source, select):
    assert split_slice(spec) == (source, select)


@pytest.mark.parametrize("spec, typed", [("x[1:2:3]", "[1:2:3]"), ("builtin:mnist[::2]", "[::2]"),
                                         ("builtin:mnist[0:1e3]", "[0:1e3]"), ("a.npy[one:two]", "[one:two]"),
                                         ("builtin:mnist[5]", "[5]"), ("builtin:mnist[", "[")])
def test_a_mistyped_slice_is_refused_naming_the_form(spec, typed):
    with pytest.raises(InputError) as info:
        split_slice(spec)
    assert info.value.source == spec
    assert info.value.reason.startswith(f"malformed slice '{typed}': expected [start:stop] with whole numbers")


@pytest.mark.parametrize("spec, why", [("builtin:mnist[5:2]", "it stops before it starts"),
                                       ("builtin:mnist[-1:-3]", "it stops before it starts"),
                                       ("builtin:mnist[7:7]", "it stops where it starts"),
                                       ("builtin:bach[500:]", "it starts past the end")])
def test_an_empty_slice_names_the_spec_as_typed_and_why(spec, why):
    with pytest.raises(InputError) as info:
        load_spec(spec)
    assert info.value.source == spec and info.value.reason.endswith(f"({why})")


def test_a_file_whose_name_looks_like_a_slice_is_read_as_that_file(tmp_path):
    path = grey_png(tmp_path / "scan[0:1e3].png", 200)
    assert split_slice(str(path)) == (str(path), slice(None))


def test_folder_is_read_in_name_order_and_sliced_by_file(tmp_path):
    for name, value in (("b.png", 20), ("a.png", 10), ("c.png", 30)):
        grey_png(tmp_path / name, value)
    s = load_spec(str(tmp_path))
    assert [item.rsplit("/", 1)[1] for item in s.items] == ["a.png", "b.png", "c.png"]
    np.testing.assert_array_equal(np.rint(s.x[:, 0, 0, 0] * 255), [10, 20, 30])
    assert s.levels == 255 and len(s.files) == 3 and s.name == str(tmp_path)
    tail = load_spec(f"{tmp_path}[1:]", name="tail")
    assert tail.name == "tail" and [f["path"].rsplit("/", 1)[1] for f in tail.files] == ["b.png", "c.png"]


def test_folder_keeps_good_files_and_lists_bad_ones(tmp_path, capsys):
    grey_png(tmp_path / "a.png", 1)
    (tmp_path / "b.png").write_text("not a picture")
    grey_png(tmp_path / "c.png", 2)
    (tmp_path / ".DS_Store").write_bytes(b"\0\1")
    s = load_spec(str(tmp_path))
    assert s.n == 2
    reason = "not a PNG file (its content does not start like one)"
    assert s.rejected == [{"path": str(tmp_path / "b.png"), "reason": reason}]
    assert capsys.readouterr().err.strip().splitlines() == [f"warning: skipped {tmp_path / 'b.png'}: {reason}"]


def test_folder_without_usable_files_is_an_input_error(tmp_path):
    (tmp_path / "a.png").write_bytes(b"")
    (tmp_path / "b.txt").write_text("x")
    with pytest.raises(InputError) as info:
        load_spec(str(tmp_path))
    assert info.value.source == str(tmp_path) and "no usable file" in info.value.reason
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="holds no files"):
        load_spec(str(tmp_path / "empty"))


def test_mixed_folder_keeps_the_majority_modality_and_shape(tmp_path):
    grey_png(tmp_path / "a.png", 1)
    grey_png(tmp_path / "b.png", 2)
    grey_png(tmp_path / "c.png", 3, size=(8, 8))
    tone(tmp_path / "d.wav", 0.3)
    s = load_spec(str(tmp_path))
    assert s.modality == "image" and s.x.shape == (2, 1, 4, 4)
    reasons = {r["path"].rsplit("/", 1)[1]: r["reason"] for r in s.rejected}
    assert set(reasons) == {"c.png", "d.wav"} and "majority: image of shape (1, 4, 4)" in reasons["d.wav"]


def test_mixed_bit_depths_share_the_16_bit_grid(tmp_path):
    grey_png(tmp_path / "a.png", 255)
    Image.fromarray(np.full((4, 4), 257, dtype=np.uint16)).save(tmp_path / "b.png")
    s = load_spec(str(tmp_path))
    assert s.levels == 65535 and s.meta["bit_depth"] == ["16", "8"]


def test_audio_folder_slices_recordings_before_patches(tmp_path):
    tone(tmp_path / "a.wav", 1.4)  # 71 frames -> 2 patches
    tone(tmp_path / "b.wav", 0.2)  # 11 frames -> 1 padded patch
    s = load_spec(f"{tmp_path}[:1]")
    assert s.n == 2 and all(item.startswith(str(tmp_path / "a.wav")) for item in s.items)
    assert load_spec(f"{tmp_path}[1:]").n == 1


def test_array_slices_count_from_either_end(tmp_path):
    np.save(tmp_path / "a.npy", np.arange(10, dtype=np.uint8)[:, None, None] * np.ones((1, 2, 2), np.uint8))
    s = load_spec(f"{tmp_path / 'a.npy'}[-3:]")
    assert s.items == [f"{tmp_path / 'a.npy'}[{i}]" for i in (7, 8, 9)]
    np.testing.assert_array_equal(np.rint(s.x[:, 0, 0, 0] * 255), [7, 8, 9])
    with pytest.raises(InputError, match="selects none of its 10 samples"):
        load_spec(f"{tmp_path / 'a.npy'}[20:]")


def test_array_takes_the_reference_modality_when_shapes_match(tmp_path):
    reference = SampleSet("ref", "music", np.zeros((2, 1, 128, 64), np.float32))
    np.save(tmp_path / "gen.npy", np.zeros((3, 1, 128, 64), np.float32))
    np.save(tmp_path / "other.npy", np.zeros((3, 1, 28, 28), np.float32))
    assert load_spec(str(tmp_path / "gen.npy"), reference=reference).modality == "music"
    assert load_spec(str(tmp_path / "other.npy"), reference=reference).modality == "image"


def test_unknown_specs_name_themselves():
    with pytest.raises(InputError, match=r"^builtin:cifar: unknown built-in dataset"):
        load_spec("builtin:cifar")
    with pytest.raises(InputError, match=r"^baseline:gauss: unknown baseline"):
        load_spec("baseline:gauss", reference=SampleSet("r", "image", np.zeros((1, 1, 2, 2), np.float32)))
    with pytest.raises(InputError, match=r"^baseline:bernoulli: a baseline is drawn to match a reference set"):
        load_spec("baseline:bernoulli")
    with pytest.raises(InputError, match="no such file"):
        load_spec("/nonexistent/evidence.png")


def test_builtin_mnist_is_the_labelled_test_set_decoded_once_per_process():
    from engine.data.builtins import cached_array_set

    load_spec("builtin:mnist[:1]")  # warm the in-process cache
    decoded = cached_array_set.cache_info().misses
    s = load_spec("builtin:mnist")
    assert cached_array_set.cache_info().misses == decoded  # served from the cache, not decoded again
    assert s.x.shape == (10000, 1, 28, 28) and s.levels == 255 and s.labels[:5].tolist() == [7, 2, 1, 0, 4]
    assert s.items[9999] == "builtin:mnist[9999]" and s.files == []
    s.x[0] = 0.5  # a caller's copy: the cache stays intact
    assert load_spec("builtin:mnist[0:1]").x.max() == 1.0


def test_builtin_digits_lie_on_sixteen_levels():
    s = load_spec("builtin:digits[10:20]")
    assert s.x.shape == (10, 1, 8, 8) and s.levels == 16 and s.labels.tolist() == list(range(10))
    np.testing.assert_array_equal(s.x * 16, np.rint(s.x * 16))
    assert load_spec("builtin:digits").n == 1797


def test_builtin_fsdd_slices_recordings_sorted_by_name():
    s = load_spec("builtin:fsdd[:3]")
    assert s.modality == "speech" and s.x.shape[1:] == (1, 64, 32)
    assert [i.split("#")[0] for i in s.items] == ["builtin:fsdd/0_george_0.wav", "builtin:fsdd/0_george_1.wav",
                                                 "builtin:fsdd/0_george_2.wav"]
    assert s.labels.tolist() == [0, 0, 0] and s.meta["speaker"] == "george" and 0 < s.x.max() <= 1


def test_builtin_fsdd_speaker_holds_only_that_speakers_recordings():
    lucas = load_spec("builtin:fsdd/lucas")
    assert lucas.n > 0
    assert all("_lucas_" in item for item in lucas.items)
    with pytest.raises(InputError, match="builtin:fsdd/bob"):
        load_spec("builtin:fsdd/bob")


def test_builtin_bach_is_binary_piano_roll():
    s = load_spec("builtin:bach[:2]")
    assert s.modality == "music" and s.x.shape[1:] == (1, 128, 64) and s.levels == 1
    assert s.items[0].startswith("builtin:bach/bwv") and set(np.unique(s.x)) == {0.0, 1.0}


def test_bernoulli_baseline_matches_reference_size_and_mean():
    reference = load_spec("builtin:digits")
    b = load_spec("baseline:bernoulli", name="b", reference=reference)
    assert b.name == "b" and b.x.shape == reference.x.shape and b.levels == 1 and b.modality == "image"
    assert set(np.unique(b.x)) == {0.0, 1.0}
    assert abs(b.x.mean() - reference.x.mean()) < 0.01
    np.testing.assert_array_equal(b.x, load_spec("baseline:bernoulli", reference=reference).x)  # seeded


def test_exponential_baseline_is_clipped_to_unit_range():
    reference = SampleSet("speech", "speech", np.full((200, 1, 64, 32), 0.2, np.float32))
    e = load_spec("baseline:exponential[:100]", reference=reference)
    assert e.x.shape == (100, 1, 64, 32) and e.modality == "speech" and e.levels is None
    assert 0 <= e.x.min() and e.x.max() <= 1 and abs(e.x.mean() - 0.2) < 0.01
    assert e.meta["scale"] == pytest.approx(0.2) and 0 < e.meta["clipped_fraction"] < 0.01


def test_subset_keeps_items_and_labels_aligned_and_copies():
    full = SampleSet("s", "image", np.arange(5, dtype=np.float32).reshape(5, 1, 1, 1), levels=None,
                     items=[f"s[{i}]" for i in range(5)], labels=np.arange(5) * 10)
    part = full.subset(np.array([4, 1]))
    assert part.items == ["s[4]", "s[1]"] and part.labels.tolist() == [40, 10] and part.x.ravel().tolist() == [4, 1]
    view = full.subset(slice(0, 2))
    view.x[:] = -1
    assert full.x.min() == 0
