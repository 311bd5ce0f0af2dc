"""The rule-based chorale writer of tests/synthetic_music.py does what the benchmarks say it does."""
import numpy as np

from tests import synthetic_music


def test_cadenced_progression_writes_four_voices_with_a_half_note_cadence_closing_each_phrase():
    rolls = synthetic_music.cadenced_progression(5, steps=8 * synthetic_music.BAR, seed=3)
    phrase = 2 * synthetic_music.BAR
    for roll in rolls:
        assert roll.shape == (128, 8 * synthetic_music.BAR)
        assert np.all(roll.sum(axis=0) == 4)  # four voices, never a unison, at every step
        for end in range(phrase, roll.shape[1] + 1, phrase):
            cadence = roll[:, end - 8:end]
            assert np.all(cadence == cadence[:, :1])  # one chord held for the phrase's last half note
            bass, *upper = np.flatnonzero(cadence[:, 0])
            intervals = {(p - bass) % 12 for p in upper}
            assert intervals <= {0, 3, 4, 7}  # a root-position triad, its fifth perhaps left out
    assert len({tuple(np.flatnonzero(r[:, 0]) % 12) for r in rolls}) > 1  # in several keys
