"""The sounding detector (engine/detectors/sounding.py): a nearly empty roll against real chorales, their
excerpts and transpositions, the statistic on rolls written by hand, and the invariances it claims."""
import numpy as np
import pytest

from engine.data.specs import load_spec
from engine.detectors import sounding
from engine.detectors.profile import cross_fitted, item_groups
from engine.detectors.batch import Reference
from tests import synthetic_music
from tests.detector_checks import judged
from tests.music_invariances import (assert_tempo_and_resolution_change_nothing,
                                     assert_transposition_and_velocity_change_nothing)

SHARE_THRESHOLD = 0.01 / 12  # the tail probability a music detector's Bonferroni share reaches at alpha 1 %


def test_silence_inside_the_piece_counts_and_silence_around_it_does_not():
    roll = np.zeros((128, 40), dtype=bool)
    roll[[48, 55, 60, 64], 8:16] = True  # four voices for a half note after two bars' silence
    roll[[60, 64], 20:24] = True  # a quarter rest, then two voices for a quarter
    silent, voices = sounding.sounding(roll)
    assert silent == pytest.approx(4 / 16)
    assert voices == pytest.approx((8 * 4 + 4 * 2) / 12)
    assert sounding.sounding(np.zeros((128, 64), dtype=bool)) == (1.0, 0.0)


@pytest.fixture(scope="module")
def detector():
    ref = load_spec("builtin:bach[0:60]")
    groups, n = item_groups(ref.items, ref.n)
    return sounding.Sounding(sounding.Sounding.fit(Reference(ref, groups), groups, n, cross_fitted))


@pytest.fixture(scope="module")
def held_out():
    held = load_spec("builtin:bach[300:312]")
    return synthetic_music.file_rolls(held.x, item_groups(held.items, held.n)[0])


def thinned(rolls, keep, seed=0):
    """Each roll with most of its notes dropped (a generator whose output rarely reaches the note threshold)."""
    rng = np.random.default_rng(seed)
    out = []
    for roll in rolls:
        thin = np.zeros_like(roll)
        pitches, starts = np.nonzero(np.diff(roll.astype(np.int8), prepend=0, axis=1) == 1)
        for pitch, start in zip(pitches, starts):
            if rng.random() < keep:
                end = start + np.argmin(roll[pitch, start:]) if not roll[pitch, start:].all() else roll.shape[1]
                thin[pitch, start:end] = True
        out.append(thin)
    return out


def test_a_nearly_empty_roll_is_flagged_and_says_how_empty(detector, held_out):
    batch, scores, p = judged(detector, *synthetic_music.as_batch(thinned(held_out, keep=0.1)))
    assert np.all(p <= 1e-4), p
    reason = detector.reason(batch, 0, scores[0], p[0])
    silent, voices = sounding.sounding(synthetic_music.file_rolls(batch.x, batch.groups)[0])
    assert reason.startswith(f"sounding: no note sounds in {silent:.0%} of its time from its first note to its last")
    assert f"{voices:.1f} notes sound at once when any does" in reason and "tail probability" in reason


def test_real_chorales_their_excerpts_and_a_voice_resting_pass(detector, held_out):
    first_bars = [roll[:, :8 * synthetic_music.BAR] for roll in held_out]
    middle = [roll[:, roll.shape[1] // 3:roll.shape[1] // 3 + 6 * synthetic_music.BAR] for roll in held_out]
    one_voice_resting = []  # the soprano resting the last bar of every four, all voices a beat at each phrase's end
    for roll in held_out:
        rested = roll.copy()
        top = roll.shape[0] - 1 - np.argmax(roll[::-1], axis=0)  # the highest sounding pitch at each step
        for end in range(4 * synthetic_music.BAR, roll.shape[1], 4 * synthetic_music.BAR):
            bar = np.arange(end - synthetic_music.BAR, end)
            rested[top[bar], bar] = False
            rested[:, end - 4:end] = False
        one_voice_resting.append(rested)
    for rolls in (held_out, first_bars, middle, one_voice_resting):
        _, _, p = judged(detector, *synthetic_music.as_batch(rolls))
        assert np.all(p > SHARE_THRESHOLD), p


def test_scores_do_not_change_with_transposition_or_velocity(detector, held_out):
    assert_transposition_and_velocity_change_nothing(detector, *synthetic_music.as_batch(held_out[:4]))


def test_tempo_and_resolution_change_nothing(detector, tmp_path):
    assert_tempo_and_resolution_change_nothing(detector, tmp_path)
