"""Hostile phone recordings (engine/data/formats/container_audio.py): AMR-NB with comfort-noise, no-data or foreign
frames, an M4A whose header lies, tags far too long or holding control characters: each loads or is refused in one
line, file_metadata shows them on one line, and a verdict batch judges the rest (tests/hostile_files.py builds them).
"""
import numpy as np
import pytest

import hostile_files
import main
from engine.data.loaders import load_recording
from engine.errors import InputError
from engine.metadata import MAX_VALUE, file_metadata

SPEECH = [None] * 15  # builtin:fsdd take 0 is 15 AMR-NB frames


def refused(path):
    with pytest.raises(InputError) as err:
        load_recording(path)
    assert "\n" not in str(err.value) and str(err.value).startswith(f"{path}: ")
    return err.value.reason


def test_amr_nb_with_comfort_noise_and_lost_frames_is_decoded_whole(tmp_path):
    """DTX's comfort-noise (SID) frames and a lost (no data) frame: FFmpeg's decoder refused the whole file as
    corrupt ("patches welcome"); OpenCORE's fills them as 3GPP says, and the speech frames stay in place."""
    clean, rate = load_recording(hostile_files.amr_frames(tmp_path, "clean.amr", SPEECH))
    gaps = SPEECH[:5] + [8, 15] + SPEECH[7:]
    mono, rate = load_recording(hostile_files.amr_frames(tmp_path, "dtx.amr", gaps))
    assert rate == 8000 and mono.size == clean.size and np.isfinite(mono).all()
    head = slice(0, 4 * 160)  # before the gap: the same speech, within the two decoders' difference
    assert np.corrcoef(mono[head], clean[head])[0, 1] > 0.95


@pytest.mark.parametrize("types,words", [
    ([8] * 40, "holds no speech: its 40 AMR-NB frames are all comfort noise or no data"),
    ([15] * 40, "holds no speech"),
    ([], "holds no AMR-NB frames"),
    (SPEECH[:5] + [12] + SPEECH[6:], "frame type 12 is not an AMR-NB one"),
])
def test_amr_nb_without_speech_or_with_a_foreign_frame_is_refused_before_decoding(tmp_path, types, words):
    assert words in refused(hostile_files.amr_frames(tmp_path, "memo.amr", types))


def test_amr_nb_frames_are_counted_against_the_duration_limit_before_decoding(tmp_path, monkeypatch):
    """A no-data frame is one byte: a 512 MB file of them would be 7 days and a list of 512 M frame types."""
    from engine.data import limits

    monkeypatch.setattr(limits, "MAX_AUDIO_SECONDS", 1.0)
    path = hostile_files.amr_frames(tmp_path, "long.amr", [15] * 60)
    assert refused(path) == "holds more than 50 AMR-NB frames of 20 ms, over the limit of 1 s"


@pytest.mark.parametrize("box,offset,value", [(b"mdhd", 12, 0), (b"mdhd", 12, 2**31)])
def test_an_m4a_timescale_of_0_or_2_31_is_refused_as_undecodable_not_empty(tmp_path, box, offset, value):
    """FFmpeg reads such a header as a duration of 0 (which was refused as "holds no samples", as if the file
    were empty) and lumps its frames into packets its decoder cannot read."""
    reason = refused(hostile_files.m4a_box_set(tmp_path, "lie.m4a", box, offset, value))
    assert reason.startswith("no audio could be decoded (")


def test_an_m4a_whose_duration_reads_as_0_is_decoded_to_its_end(tmp_path):
    """A duration of 2^32-1 in version-0 boxes: FFmpeg states 0 for it (as a fragmented MP4 does), so the
    length is what decodes, within the limits."""
    path = hostile_files.m4a_box_set(tmp_path, "years.m4a", b"mdhd", 16, 2**32 - 1)
    mono, rate = load_recording(path)
    assert rate == 8000 and 2000 < mono.size < 2600 + 2 * 1024


def test_an_m4a_of_100_tracks_is_refused_by_ffmpeg_before_it_probes_them(tmp_path):
    """999 copies of a track (570 KB) took 745 MB while FFmpeg probed them; it now stops at MAX_MEDIA_STREAMS."""
    path = hostile_files.m4a_tracks(tmp_path, "tracks.m4a", 100)
    words = "its header declares more than FFmpeg reads (over 64 streams"
    assert refused(path).startswith(words)
    assert file_metadata(path)["problems"] == [f"Media container: {words}, or a table of billions of entries)"]
    assert load_recording(hostile_files.m4a_tracks(tmp_path, "three.m4a", 2))[1] == 8000  # three tracks are read


@pytest.mark.parametrize("index,length,channels,words", [
    (13, None, None, "sampling-frequency index 13 is reserved (0-12 name a rate)"),
    (15, None, None, "sampling-frequency index 15 is reserved (0-12 name a rate)"),
    (None, 0, None, "a frame of 0 bytes, shorter than its 7-byte header"),
    (None, None, 0, "channel configuration 0 (a layout in a program config element) is not read")])
def test_an_adts_first_header_that_ffmpeg_would_skip_is_named(tmp_path, index, length, channels, words):
    """FFmpeg skipped such a frame and found no stream parameters: "implausible sample rate 0 Hz"; the metadata
    reader stated a sample rate of 0 Hz and no problem."""
    path = hostile_files.adts_first_header(tmp_path, "memo.aac", index, length, channels)
    assert refused(path) == f"ADTS header: {words}"
    assert file_metadata(path)["problems"] == [f"Media container: ADTS header: {words}"]


def test_m4a_tags_with_control_characters_or_of_75_mb_are_one_escaped_line(tmp_path):
    evil = hostile_files.m4a_tag(b"\xa9nam", "memo\nline2\r\x1b[31m\u202egnp.exe")
    path = hostile_files.m4a_box_set(tmp_path, "evil.m4a", ilst=evil)
    title = {f["name"]: f["value"] for f in file_metadata(path)["fields"]}["title"]
    assert title == "memo\\nline2\\r\\x1b[31m\\u202egnp.exe"  # shown as stored, as error lines show names
    huge = hostile_files.m4a_tag(b"\xa9cmt", "\u202e" * 25_000_000)  # 75 MB: the cost of a tag no longer
    path = hostile_files.m4a_box_set(tmp_path, "huge.m4a", ilst=huge)  # grows per character
    comment = {f["name"]: f["value"] for f in file_metadata(path)["fields"]}["comment"]
    assert len(comment) == MAX_VALUE and comment.endswith("…")


def test_a_verdict_batch_of_hostile_recordings_refuses_each_in_one_line_and_judges_the_rest(
        fsdd_case, channels_on_few_kept, tmp_path, capsys):
    import json
    import shutil

    from engine.data.builtins import corpus_files

    hostile = [hostile_files.amr_frames(tmp_path, "dtx-only.amr", [8] * 40),
               hostile_files.amr_frames(tmp_path, "foreign.amr", SPEECH[:5] + [12] + SPEECH[6:]),
               hostile_files.m4a_box_set(tmp_path, "timescale-0.m4a", b"mdhd", 12, 0)]
    real = shutil.copy(corpus_files("fsdd")[-1], tmp_path / "real.wav")
    two_tracks = hostile_files.m4a_tracks(tmp_path, "two-tracks.m4a", 1)
    code = main.main(["verdict", *map(str, hostile), str(real), str(two_tracks), "--case", fsdd_case, "--json",
                      str(tmp_path / "v.json")])
    out = capsys.readouterr()
    rejected = [line for line in out.out.splitlines() if line.startswith("rejected, not judged: ")]
    assert code == 2 and "Traceback" not in out.err
    assert sorted(line.split(": ")[1] for line in rejected) == sorted(map(str, hostile))
    judged = {f["path"]: f for f in json.loads((tmp_path / "v.json").read_text())["files"]}
    assert sorted(judged) == sorted([str(real), str(two_tracks)]) and judged[str(real)]["label"] in ("real", "generated")
    unread = "only the first of the file's 2 audio streams was judged; the other one was not read"
    assert unread in judged[str(two_tracks)]["reasons"] and unread not in judged[str(real)]["reasons"]
    assert out.out.count(f"    read: {unread}") == 1  # the console says it too


@pytest.mark.parametrize("seconds, sound, words", [(1 / 8000, 0.1, "too short to judge: 0.000125 s"),
                                                   (0.09, 0.1, "too short to judge: 0.09 s"),
                                                   (1.0, 0.0, "holds no sound: every sample is 0$"),
                                                   (1.0, 0.25, "holds no sound: every sample is 0.25$")])
def test_a_recording_too_short_or_without_sound_is_refused_not_judged_real(tmp_path, seconds, sound, words):
    """Either would otherwise be judged: silence as an unremarkable real file (tail probability 0.47), a constant
    offset as synthesised speech."""
    import soundfile

    from engine.data.loaders import load_path

    path = tmp_path / "nothing.wav"
    soundfile.write(path, np.full(round(seconds * 8000), sound, np.float32), 8000)
    with pytest.raises(InputError, match=words):
        load_path(str(path))



def written_with_pyav(path, container, codec, gain=1.0, title=None):
    """A second of a 440 Hz tone at 8 kHz, mono, in `container` through PyAV's `codec`; returns the file's bytes."""
    import av

    samples = (0.5 * np.sin(np.arange(8000) * 2 * np.pi * 440 / 8000) * gain).astype(np.float32)
    with av.open(str(path), "w", format=container) as out:
        if title:
            out.metadata["title"] = title
        stream = out.add_stream(codec, rate=8000, layout="mono")
        frame = av.AudioFrame.from_ndarray(samples[None, :], format="flt" if codec.startswith("pcm") else "fltp",
                                           layout="mono")
        frame.sample_rate = 8000
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            out.mux(packet)
    return path.read_bytes()


def test_float_samples_far_past_full_scale_in_a_matroska_file_are_refused(tmp_path):
    """Floats of 5e29 overflowed the mel map to NaN, which no detector judged: the WAV reader refused them, PyAV's path
    (float PCM in Matroska) did not."""
    written_with_pyav(tmp_path / "loud.mka", "matroska", "pcm_f32le", gain=1e30)
    assert refused(tmp_path / "loud.mka") == (
        "samples reach 5e+29, beyond the limit of 32,768 (a float recording's full scale is 1)")


def test_a_tag_that_is_not_utf8_is_read_and_an_m4a_cut_before_its_sample_description_refused_in_words(tmp_path):
    """PyAV raised UnicodeDecodeError on the tag and gave a stream without a decoder for the cut M4A: the reasons were
    "'utf-8' codec can't decode byte 0xff" and "'NoneType' object has no attribute 'name'"."""
    tagged = written_with_pyav(tmp_path / "tagged.mka", "matroska", "pcm_f32le", title="ZZZZZZ")
    (tmp_path / "tagged.mka").write_bytes(tagged.replace(b"ZZZZZZ", b"\xff\xfe" * 3))
    mono, rate = load_recording(tmp_path / "tagged.mka")
    assert rate == 8000 and mono.size == 8000
    whole = written_with_pyav(tmp_path / "whole.m4a", "mp4", "aac")
    (tmp_path / "cut.m4a").write_bytes(whole[: whole.find(b"stsd")])
    assert refused(tmp_path / "cut.m4a") == ("its audio stream has no codec FFmpeg can decode (the sample description "
                                             "is cut off, damaged or of an unknown codec)")


@pytest.mark.parametrize("value", [0, 255])
def test_a_blank_picture_is_rejected_as_evidence_not_labelled_generated(tmp_path, value):
    """Every detector would find it unusual (labelled generated with strong support) for no trait of a generator."""
    from PIL import Image

    from engine.verdict import load_evidence

    blank, digit = tmp_path / "blank.png", tmp_path / "digit.png"
    Image.new("L", (28, 28), value).save(blank)
    Image.fromarray(np.eye(28, dtype=np.uint8) * 200).save(digit)
    accepted, rejected = load_evidence([str(blank), str(digit)], {"modality": "image", "shape": [1, 28, 28]})
    assert [path for path, _ in accepted] == [str(digit)]
    assert rejected == [{"path": str(blank), "reason": f"nothing to judge: every value of its map is {value}"}]
