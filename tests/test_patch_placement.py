"""Whole mel patches placed where they hold the most sound (representations.patch_offset): a one-second clip whose
word lies in its last 0.64 s is judged on the word, not on the background before it."""
import numpy as np
import pytest
import soundfile

from engine.data import representations
from engine.data.channels import unread_parts_reason
from engine.data.loaders import load_path

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


def test_the_patch_is_placed_on_the_sound_where_it_lies_in_the_part_a_start_aligned_patch_would_drop():
    quiet, loud = np.full((64, 32), 0.05, np.float32), np.full((64, 18), 0.6, np.float32)
    late = np.concatenate([quiet, loud], axis=1)
    assert representations.patch_offset(late) == 18  # all 18 dropped frames before the patch
    coverage = representations.patch_coverage(late)
    assert coverage["mel_seconds_dropped"] == pytest.approx(0.36, abs=0.01)
    assert coverage["mel_seconds_before_patches"] == pytest.approx(0.36, abs=0.01)
    assert coverage["mel_share_judged"] > 0.99
    patch = representations.speech_patches(late)
    assert patch.shape == (1, 1, 64, 32) and (patch[0, 0, :, -18:] == 0.6).all()


def test_a_map_whose_rest_is_quieter_keeps_its_start_and_equal_placements_keep_the_first():
    quiet, loud = np.full((64, 32), 0.05, np.float32), np.full((64, 16), 0.6, np.float32)
    assert representations.patch_offset(np.concatenate([loud, quiet, quiet[:, :2]], axis=1)) == 0
    assert representations.patch_offset(np.full((64, 45), 0.3, np.float32)) == 0
    assert representations.patch_offset(np.full((64, 20), 0.3, np.float32)) == 0  # shorter than a patch: padded


def test_placed_patches_always_hold_more_than_half_of_the_sound():
    rng = np.random.default_rng(3)
    for frames in rng.integers(33, 200, size=40):
        full_map = rng.uniform(0, 1, size=(64, frames)).astype(np.float32) * rng.uniform(0, 1, size=frames) ** 4
        coverage = representations.patch_coverage(full_map)
        if "mel_share_judged" in coverage:
            assert coverage["mel_share_judged"] > 0.5


def test_a_clip_whose_word_comes_late_is_read_on_the_word_and_the_verdict_says_where_the_rest_lies(tmp_path):
    channels, patches = {}, {}
    for name, at in (("late", 0.75), ("early", 0.2)):
        path = tmp_path / f"{name}.wav"
        soundfile.write(str(path), clip(at), RATE, subtype="PCM_16")
        loaded = load_path(str(path))
        channels[name], patches[name] = loaded.meta["channel"], loaded.x
    assert channels["late"]["mel_share_judged"] > 0.95 and channels["early"]["mel_share_judged"] > 0.95
    assert channels["late"]["mel_seconds_before_patches"] > 0.3  # the background before the word set aside
    assert channels["early"]["mel_seconds_before_patches"] <= 0.2  # the word at 0.2-0.4 s kept whole either way
    # the word, not the background, fills the loudest frames of both patches
    loudest = [int(np.argmax(patches[name][0, 0].sum(axis=0))) for name in ("late", "early")]
    assert loudest[0] > 16 and loudest[1] < 16
    assert "0.36 s before them" in unread_parts_reason(channels["late"])
    assert "s after them" in unread_parts_reason(channels["early"])
