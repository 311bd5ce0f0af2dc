"""The hostile files and run folders of issue #12, as fast regression tests: each is refused in
one line naming the file and the reason (the CLI exits 2), before the work its limit bounds.
tests/benchmarks/test_hostile_resources.py runs the full-size ones and measures time and memory."""
import io
import os
import shutil
import threading

import numpy as np
import pytest

import hostile_files
import main
from engine.data import limits
from engine.data.channels import unread_parts_reason
from engine.data.loaders import load_folder, load_path
from engine.errors import InputError, shown

EVIDENCE = {  # builder, its arguments here (above the limits, small on disk), words of the reason
    "midi": (hostile_files.midi_many_events, {"events": limits.MAX_MIDI_EVENTS + 1000}, "MIDI events"),
    "tiff chain": (hostile_files.tiff_chained_frames, {"frames": limits.MAX_IMAGE_FRAMES + 1}, "TIFF frames"),
    "tiff loop": (hostile_files.tiff_cyclic_frames, {}, "loops back"),
    "gif frames": (hostile_files.gif_many_frames, {"frames": limits.MAX_IMAGE_FRAMES + 1}, "GIF frames"),
    "npz zeros": (hostile_files.npz_many_zero_images, {}, "array size 268,128,000 values"),
    "npy shape": (hostile_files.npy_huge_shape, {}, "number of values"),
    "flac channels": (hostile_files.flac_many_channels, {}, "samples x channels 921,600,000"),
    "thin png": (hostile_files.png_thin, {}, "image size"),
}


@pytest.mark.parametrize("name", EVIDENCE)
def test_hostile_evidence_is_refused_in_one_line_from_its_header(name, tmp_path):
    build, kwargs, words = EVIDENCE[name]
    path = build(tmp_path, **kwargs)
    with pytest.raises(InputError) as err:
        load_path(path)
    assert str(path) in str(err.value) and words in err.value.reason and "\n" not in str(err.value)


def test_hostile_evidence_through_the_command_line_is_one_line_and_exit_2(tmp_path, capfd):
    path = hostile_files.npz_many_zero_images(tmp_path)
    assert main.main(["analyze", "--reference", str(path), "--compare", f"x={path}"]) == 2
    err = capfd.readouterr().err.strip().splitlines()
    assert err[-1].startswith(f"error: {path}: ") and not any("Warning" in line for line in err)


def test_decoder_warnings_stay_off_stderr_around_the_one_line_error(tmp_path, capfd):
    path = hostile_files.tiff_corrupt_lzw(tmp_path)
    assert main.main(["analyze", "--reference", str(path), "--compare", f"x={path}"]) == 2
    lines = [line for line in capfd.readouterr().err.splitlines() if not line.startswith("analyze [")]
    assert len(lines) == 1 and lines[0].startswith(f"error: {path}: corrupt or unreadable TIFF")


def test_a_truncated_tiff_chain_is_refused_and_a_two_frame_tiff_loads(tmp_path):
    path = hostile_files.tiff_chained_frames(tmp_path, frames=2)
    sample = load_path(path)
    assert sample.meta["frames_ignored"] == 1
    assert unread_parts_reason(sample.meta["channel"]) == ("only the first of the file's 2 frames (pages) was judged; "
                                                           "the other one was not read")
    path.write_bytes(path.read_bytes()[:-20])
    with pytest.raises(InputError, match="truncated"):
        load_path(path)


def test_midi_event_count_matches_mido_on_real_chorales():
    import mido

    from engine.data.formats.midi import check_events

    for path in sorted(os.listdir("resources/bach"))[:20]:
        if not path.endswith(".mid"):
            continue
        full = os.path.join("resources/bach", path)
        events = sum(len(track) for track in mido.MidiFile(full).tracks)
        data = open(full, "rb").read()
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(limits, "MAX_MIDI_EVENTS", events)
            check_events(full, data)
            patch.setattr(limits, "MAX_MIDI_EVENTS", events - 1)
            with pytest.raises(InputError, match="MIDI events"):
                check_events(full, data)


# --- names and folders ------------------------------------------------------------------


def write_png(path):
    from PIL import Image

    Image.fromarray(np.zeros((8, 8), np.uint8)).save(path, format="PNG")


def test_shown_names_stay_on_one_line_and_read_as_stored():
    assert shown("a\nb.png") == "a\\nb.png"
    assert shown("rtl\u202egnp.exe") == "rtl\\u202egnp.exe"
    assert shown(os.fsdecode(b"bad\xff.png")) == "bad\\xff.png"
    assert shown("caf\u00e9 \u6f22.png") == "caf\u00e9 \u6f22.png"
    assert "\n" not in str(InputError("x\ny", "reason"))


def test_deep_folders_and_bad_names_are_listed_and_the_batch_goes_on(tmp_path):
    from engine.data.walk import evidence_files

    write_png(os.path.join(os.fsencode(tmp_path), b"bad\xff.png"))
    write_png(tmp_path / "line\nbreak.png")
    deep = os.fsencode(tmp_path / "deep")
    os.makedirs(deep)
    here = os.open(deep, os.O_RDONLY)
    try:
        for _ in range(limits.MAX_FOLDER_DEPTH + 2):  # relative, so no path grows past PATH_MAX
            os.mkdir("d", dir_fd=here)
            inner = os.open("d", os.O_RDONLY, dir_fd=here)
            os.close(here)
            here = inner
    finally:
        os.close(here)
    files, rejected = evidence_files([str(tmp_path)])
    assert files == [str(tmp_path / "line\nbreak.png")]
    reasons = {entry["reason"] for entry in rejected}
    assert "file name is not valid UTF-8" in reasons
    assert any("nested deeper" in reason for reason in reasons)
    assert all(entry["path"].encode("utf-8") for entry in rejected)


def test_a_folder_spec_rejects_a_name_that_is_not_utf8_and_loads_the_rest(tmp_path, capsys):
    write_png(tmp_path / "good.png")
    write_png(os.path.join(os.fsencode(tmp_path), b"bad\xfe.png"))
    sample_set = load_folder(tmp_path)
    assert sample_set.n == 1
    assert "bad\\xfe.png: file name is not valid UTF-8" in capsys.readouterr().err


# --- run folders ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def gan_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("hostile") / "gan"
    assert main.main(["train", "gan", "--data", "builtin:digits[0:100]", "--out", str(out), "--steps", "2",
                      "--width", "4", "--z-dim", "4", "--batch-size", "16", "--threads", "1"]) == 0
    return out


def unblock_fifos_later(folder, seconds=20):
    """A FIFO that is opened for reading blocks until a writer comes: after `seconds` this opens
    each one for writing, so a regression fails the test instead of hanging the suite."""
    def unblock():
        for name in os.listdir(folder):
            path = os.path.join(folder, name)
            if os.path.exists(path) and not os.path.isfile(path) and not os.path.isdir(path):
                try:
                    os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
                except OSError:
                    pass
    timer = threading.Timer(seconds, unblock)
    timer.daemon = True
    timer.start()
    return timer


@pytest.mark.parametrize("breaker", hostile_files.RUN_BREAKERS)
def test_a_broken_run_folder_is_one_line_and_exit_2(breaker, gan_run, tmp_path, capsys):
    run = tmp_path / "run"
    shutil.copytree(gan_run, run)
    hostile_files.RUN_BREAKERS[breaker](run)
    timer = unblock_fifos_later(run)
    try:
        code = main.main(["generate", str(run), "--n", "2", "--out", str(tmp_path / "out.npy")])
    finally:
        timer.cancel()
    err = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error:")]
    assert code == 2 and len(err) == 1 and err[0].startswith(f"error: {run}: ")
    assert not (tmp_path / "out.npy").exists()


def test_a_reference_profile_that_is_a_fifo_is_refused(tmp_path):
    from engine.npz import load_arrays

    path = tmp_path / "reference.npz"
    os.mkfifo(path)
    timer = unblock_fifos_later(tmp_path)
    try:
        with pytest.raises(InputError, match="not a regular file"):
            load_arrays(str(path))
    finally:
        timer.cancel()


def test_an_architecture_over_the_parameter_budget_is_refused_without_allocating():
    from training.files import MAX_MODEL_PARAMETERS, UnsafeRunFile, check_architecture, parameter_count
    from training.models import BUILDERS

    arch = {"kind": "dcgan-generator", "shape": [1, 64, 64], "z_dim": 100, "width": 4000}
    assert parameter_count(arch) > MAX_MODEL_PARAMETERS
    with pytest.raises(UnsafeRunFile, match="parameters, over the limit"):
        check_architecture(arch, BUILDERS)
    check_architecture(dict(arch, width=8), BUILDERS)


# --- output paths -----------------------------------------------------------------------


@pytest.mark.parametrize("argv, words", [
    (["report", "--case", "{tmp}", "--out", "{tmp}"], "is a folder; give a file name"),
    (["analyze", "--reference", "builtin:digits[0:20]", "--compare", "x=builtin:digits[20:40]",
      "--json", "{tmp}/file.txt/out.json"], "is not a folder"),
    (["case", "new", "{tmp}/file.txt", "--reference", "builtin:digits[0:20]"], "exists and is not a folder"),
    (["analyze", "--reference", "builtin:digits[0:20]", "--compare", "x=builtin:digits[20:40]",
      "--json", "/proc/out.json"], "cannot write in /proc"),
])
def test_an_unwritable_output_is_refused_before_the_work_and_leaves_nothing(argv, words, tmp_path, capsys):
    (tmp_path / "file.txt").write_text("x")
    before = sorted(os.listdir(tmp_path))
    assert main.main([arg.replace("{tmp}", str(tmp_path)) for arg in argv]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and words in err[0]
    assert sorted(os.listdir(tmp_path)) == before


def test_a_name_inside_a_file_is_shown_escaped_in_the_reason(tmp_path):
    import zipfile

    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "|O", "fortran_order": False, "shape": (1,)})
    path = tmp_path / "members.npz"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("x\n\u202eypn.npy", header.getvalue() + bytes(8))
    with pytest.raises(InputError) as err:
        load_path(path)
    assert "\n" not in str(err.value) and "\u202e" not in str(err.value) and "\\u202e" in err.value.reason


def test_a_gif_loads_its_first_frame_and_a_gif_cut_short_is_refused(tmp_path):
    path = hostile_files.gif_many_frames(tmp_path, frames=3)
    sample = load_path(path)
    assert sample.meta["format"] == "GIF" and sample.meta["frames_ignored"] == 2
    assert "the other 2 were not read" in unread_parts_reason(sample.meta["channel"])
    path.write_bytes(path.read_bytes()[:-20])
    with pytest.raises(InputError, match="truncated"):
        load_path(path)
