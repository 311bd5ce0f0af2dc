"""A recording whose sound lies beyond its judged mel patches (engine/detectors/beyond_patches.py): the mel-map
detectors stand aside where the whole patches hold less than half of the map's mel power."""
import numpy as np
import pytest
import soundfile

from engine.data import representations
from engine.data.channels import unread_parts_reason
from engine.data.loaders import load_path
from engine.detectors import aside_marks, beyond_patches, far_field
from engine.detectors.channel_keys import channel_key
from engine.detectors.channels import StandAside, channel_detectors
from tests.test_far_field import GATE, Named

RATE = 16000


def clip(word_at, seconds=1.0, seed=0):
    """A one-second clip at 16 kHz: a quiet background and a 0.2 s voiced word starting at `word_at` s."""
    rng = np.random.default_rng(seed)
    audio = 3e-4 * rng.normal(size=int(seconds * RATE))
    t = np.arange(int(0.2 * RATE)) / RATE
    word = 0.3 * np.hanning(t.size) * sum(np.sin(2 * np.pi * k * 140 * t) / k for k in range(1, 12))
    start = int(word_at * RATE)
    audio[start:start + t.size] += word
    return audio


def channel_of(tmp_path, audio, name="c.wav"):
    path = tmp_path / name
    soundfile.write(str(path), audio, RATE, subtype="PCM_16")
    return load_path(str(path)).meta["channel"]


def test_the_share_of_the_sound_in_the_patches_is_read_where_part_of_the_map_is_dropped():
    quiet, loud = np.full((64, 32), 0.05, np.float32), np.full((64, 18), 0.6, np.float32)
    late = representations.patch_coverage(np.concatenate([quiet, loud], axis=1))
    assert late["mel_seconds_dropped"] == pytest.approx(0.36, abs=0.01)
    assert late["mel_share_judged"] < 0.01  # the word lies in the dropped 0.36 s
    early = representations.patch_coverage(np.concatenate([loud[:, :16], quiet, quiet[:, :2]], axis=1))
    assert early["mel_share_judged"] > 0.99
    assert "mel_share_judged" not in representations.patch_coverage(np.concatenate([loud, quiet[:, :14]], axis=1))


def test_a_clip_whose_word_lies_beyond_its_patch_is_marked_and_one_whose_word_lies_in_it_is_not(tmp_path):
    late = channel_of(tmp_path, clip(0.75), "late.wav")
    early = channel_of(tmp_path, clip(0.2), "early.wav")
    assert late["mel_share_judged"] < beyond_patches.MIN_SHARE_JUDGED < early["mel_share_judged"]
    key = channel_key({"channel": late})
    assert aside_marks.last(key) == beyond_patches.BEYOND_PATCHES
    assert aside_marks.unmarked(key)[:3] == ("audio", None, 16000)
    assert aside_marks.last(channel_key({"channel": early})) != beyond_patches.BEYOND_PATCHES
    assert "its patches hold 0% of its sound" in unread_parts_reason(late)


def test_the_reading_comes_after_far_field_and_only_for_recordings():
    channel = {"subtype": "PCM_16", "native_sample_rate": 8000, "lossy": False, "bandwidth_hz": 4000,
               "noise_db": [-25.0, -30.0, -29.0, -31.0], "mel_share_judged": 0.2}
    key = channel_key({"channel": channel}, GATE)
    assert aside_marks.last(key) == beyond_patches.BEYOND_PATCHES
    assert aside_marks.last(aside_marks.unmarked(key)) == far_field.FAR_FIELD
    assert beyond_patches.marked(("JPEG", (), 2), {"mel_share_judged": 0.1}) == ("JPEG", (), 2)
    assert beyond_patches.marked(None, {"mel_share_judged": 0.5}) is None  # half or more judged


def test_the_mel_map_detectors_stand_aside_on_the_detectors_of_the_channel_without_the_reading():
    detectors = [Named(name) for name in ("features", "checkerboard", "noise-floor")]
    asked = []

    def for_channel(k):
        asked.append(k)
        return detectors, "channel sample rate 16000 Hz: ..."

    key = beyond_patches.marked(("audio", None, 16000, None, None), {"mel_share_judged": 0.0})
    out, note = channel_detectors(detectors, {}, key, for_channel=for_channel)
    assert asked == [("audio", None, 16000, None, None)]
    assert [type(d) is StandAside for d in out] == [True, True, False]
    assert "less than 50%" in out[0].why and note.endswith("features and checkerboard stand aside")


def test_a_verdict_on_a_take_after_a_patch_of_background_sets_the_mel_map_detectors_aside(fsdd_case, tmp_path):
    from engine.data.builtins import corpus_files
    from engine.verdict import judge

    take = soundfile.read(corpus_files("fsdd")[0], dtype="float64")[0]
    background = 1e-3 * np.random.default_rng(1).normal(size=int(0.7 * 8000))
    paths = []
    for name, audio in (("late", np.concatenate([background, take])), ("early", np.concatenate([take, background]))):
        paths.append(str(tmp_path / f"{name}.wav"))
        soundfile.write(paths[-1], audio, 8000, subtype="PCM_16")
    late, early = judge(fsdd_case, paths)["files"]
    assert late["channel"]["mel_share_judged"] < 0.05 and early["channel"]["mel_share_judged"] > 0.9
    assert late["detectors"]["features"]["weight"] == 0 and late["detectors"]["checkerboard"]["weight"] == 0
    assert "beyond its mel patches" in late["channel"]["assumed"]
    assert early["detectors"]["features"]["weight"] > 0 and "beyond its mel patches" not in str(early["channel"])
