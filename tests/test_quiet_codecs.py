"""Quiet recordings through a codec that quantises on a fixed scale (GSM 06.10, mu-law, A-law): the
reference is passed through the codec at the file's own speech level (engine/detectors/channel_keys.py
QUIET_DB, channel_media.py at_level), so that the codec's zeros in a quiet speaker's recording are not read as
synthesis.
Small case: 60 FSDD recordings."""
import numpy as np
import pytest
import soundfile

from engine import case as case_store, case_workflows
from engine.data.builtins import corpus_files
from engine.data.channels import speech_level_db
from engine.data.loaders import load_path
from engine.detectors.channel_keys import QUIET_DB, channel_key, quiet_level
from engine.detectors.channel_words import describe
from engine.detectors.channels import channelled_reference
from engine.verdict import judge


def fsdd_audio(k):
    return soundfile.read(corpus_files("fsdd")[k], dtype="float64")[0]


def write(path, audio, subtype):
    soundfile.write(str(path), np.clip(audio, -1, 1), 8000, subtype=subtype, format="WAV")
    return str(path)


@pytest.fixture(scope="module")
def speech_case(tmp_path_factory):
    root = tmp_path_factory.mktemp("quiet-codecs")
    case_workflows.new_case(str(root / "case"), "builtin:fsdd[0:60]")
    return str(root / "case")


def test_the_speech_level_is_read_and_only_a_quiet_file_through_a_fixed_scale_codec_gets_a_level(tmp_path):
    audio = fsdd_audio(300)  # lucas
    loud = speech_level_db(audio)
    assert QUIET_DB < loud < 0
    assert speech_level_db(audio * 0.1) == pytest.approx(loud - 20, abs=1e-6)
    meta = {gain: load_path(write(tmp_path / f"gsm{gain}.wav", audio * gain, "GSM610")).meta for gain in (1, 0.1)}
    assert meta[0.1]["channel"]["level_db"] == pytest.approx(loud - 20, abs=1.5)  # the codec's own error
    assert channel_key(meta[1]) == ("audio", "GSM610", None, None, None)  # at the reference's level: as before
    quiet = channel_key(meta[0.1])
    assert quiet[:5] == ("audio", "GSM610", None, None, None) and abs(quiet_level(quiet) - (loud - 20)) <= 5
    assert "quiet recording" in describe(quiet)
    # a lossless file at that level needs no channel (the maps are level-normalised) and Vorbis has no fixed scale
    assert channel_key(load_path(write(tmp_path / "pcm.wav", audio * 0.1, "PCM_16")).meta) is None
    soundfile.write(str(tmp_path / "v.ogg"), audio * 0.1, 8000, subtype="VORBIS", format="OGG")
    assert quiet_level(channel_key(load_path(str(tmp_path / "v.ogg")).meta)) is None


def test_the_reference_passes_the_codec_at_the_quiet_files_level(speech_case):
    from engine.npz import load_arrays

    with case_store.open_case(speech_case) as case:
        profile = load_arrays(case.path(case.reference()["profile_path"]))
    n = len(profile["ref_audio_group"])
    _, groups, _, recordings = channelled_reference(profile, ("audio", "GSM610", None, None, None, -40))
    assert np.unique(groups).size == 2 * n and len(recordings) == n  # as recorded and 8-bit; noise-floor: as recorded
    levels = np.array([speech_level_db(r) for r in recordings])
    assert abs(np.median(levels) + 40) < 1.5, levels  # (GSM 06.10 itself lifts a few recordings by some dB)
    zeros = np.mean([np.mean(r == 0) for r in recordings])
    _, _, _, loud = channelled_reference(profile, ("audio", "GSM610", None, None, None))
    assert zeros > 2 * np.mean([np.mean(r == 0) for r in loud])  # GSM's 13-bit zeros, as in a quiet file


def test_real_recordings_at_a_tenth_and_a_thirtieth_of_their_level_through_gsm_stay_real(speech_case, tmp_path):
    held_out = [300, 303, 306, 330, 333, 336]  # lucas and nicolas (an 8-bit recorder), digits not in the case
    paths = [write(tmp_path / f"{gain}_{k}.wav", fsdd_audio(k) * gain, "GSM610")
             for gain in (0.1, 1 / 30) for k in held_out]
    files = judge(speech_case, paths)["files"]
    assert all("quiet recording" in f["channel"]["assumed"] for f in files)
    assert [f["label"] for f in files].count("generated") == 0
