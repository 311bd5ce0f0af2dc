"""Bar-line leaps (engine/detectors/bar_leaps.py): voices leaping together at one place in the bar, as bars of
different chorales spliced together do, read on rolls written by hand and on held-out chorales against their own
bars recombined."""
import numpy as np
import pytest

from engine.data.specs import load_spec
from engine.detectors.bar_leaps import bar_line_leaps
from engine.detectors.profile import item_groups
from engine.detectors.tonality import best_scale
from tests import synthetic_music

BAR = 16  # steps of a 4/4 bar


def roll_of(chords, length=4):
    roll = np.zeros((128, length * len(chords)), dtype=bool)
    for k, chord in enumerate(chords):
        roll[list(chord), k * length:(k + 1) * length] = True
    return roll


STEPWISE = [(48, 55, 64, 72), (50, 55, 62, 71), (48, 55, 64, 72), (47, 55, 62, 74)]  # a bar moving by steps


def test_voices_leaping_at_every_bar_line_score_and_the_same_leaps_anywhere_do_not():
    spliced = roll_of(STEPWISE * 2 + [(41, 57, 65, 77)] + STEPWISE[1:] + STEPWISE * 2)  # one bar opens far away
    assert bar_line_leaps(roll_of(STEPWISE * 5)) == 0
    leap_every_bar = roll_of([chord if k % 4 else (36, 43, 52, 60) for k, chord in enumerate(STEPWISE * 5)])
    assert bar_line_leaps(leap_every_bar) > 10
    assert bar_line_leaps(leap_every_bar) > bar_line_leaps(spliced) > 0
    few = roll_of(STEPWISE + [(36, 43, 52, 60)] + STEPWISE[1:])  # fewer than eight transitions: nothing to compare
    assert bar_line_leaps(few) == 0


def test_transposition_and_tempo_change_nothing():
    roll = roll_of([chord if k % 4 else (36, 43, 52, 60) for k, chord in enumerate(STEPWISE * 5)])
    assert bar_line_leaps(np.roll(roll, 5, axis=0)) == pytest.approx(bar_line_leaps(roll))


def test_bars_of_held_out_chorales_spliced_leap_at_their_bar_lines_and_the_chorales_do_not():
    held = load_spec("builtin:bach[300:330]")
    rolls = synthetic_music.file_rolls(held.x, item_groups(held.items, held.n)[0])
    moved = []
    for roll in rolls:  # each chorale in C major or A minor, as a checker splicing bars would have them
        key = best_scale(np.array([roll[pc::12].sum() for pc in range(12)], dtype=np.float64))
        moved.append(np.roll(roll, -(key % 12 if key < 12 else (key % 12 + 3) % 12), axis=0))
    rng = np.random.default_rng(3)
    spliced = []
    for _ in range(20):  # 8 bars, each from a chorale drawn at random, at a bar drawn at random
        bars = []
        for k in rng.integers(len(moved), size=8):
            start = int(rng.integers(moved[k].shape[1] // BAR)) * BAR
            bars.append(moved[k][:, start:start + BAR])
        spliced.append(np.concatenate(bars, axis=1))
    real = np.array([bar_line_leaps(r) for r in rolls])
    made = np.array([bar_line_leaps(r) for r in spliced])
    assert np.median(made) > np.quantile(real, 0.9), (np.median(made), np.sort(real))
    assert np.mean(made > 2 * np.median(real)) >= 0.6  # 14 of 20 when written
