"""The tonality detector (engine/detectors/tonality.py) on a few real chorales and on chains
of their chord transitions (tests/synthetic_music.py)."""
import numpy as np
import pytest

from engine.data.specs import load_spec
from engine.detectors import calibration, suite, tonality
from engine.detectors.profile import cross_fitted, item_groups
from tests import synthetic_music


@pytest.fixture(scope="module")
def chorales():
    ref = load_spec("builtin:bach[0:60]")
    groups, n = item_groups(ref.items, ref.n)
    held = load_spec("builtin:bach[60:75]")
    held_groups, _ = item_groups(held.items, held.n)
    detector = tonality.Tonality(tonality.Tonality.fit(ref, groups, n, cross_fitted))
    return detector, synthetic_music.file_rolls(ref.x, groups), (held.x, held_groups)


def tail(detector, x, groups):
    batch = suite.Batch(x, groups)
    scores = detector.scores(batch)
    return batch, scores, calibration.tail_probability(detector.tail, scores)


def test_held_out_chorales_stay_within_the_calibration_and_a_chord_chain_is_flagged(chorales):
    detector, pieces, held = chorales
    _, _, p_real = tail(detector, *held)
    assert np.count_nonzero(p_real > 0.05) >= 13, p_real  # 15 held-out chorales (measured: 14 above 0.05, min 0.012)
    batch, scores, p_chain = tail(detector, *synthetic_music.as_batch(synthetic_music.chord_chain(pieces, 1, 20)))
    assert np.count_nonzero(p_chain <= 0.01) >= 12, p_chain  # measured: 15 of 20
    worst = int(np.argmax(scores))
    reason = detector.reason(batch, worst, scores[worst], p_chain[worst])
    assert reason.startswith("tonality: ") and "outside the file's key (" in reason and "between quarter beats" in reason


def test_statistics_do_not_change_when_a_chorale_is_transposed(chorales):
    _, pieces, _ = chorales
    x, groups = synthetic_music.as_batch(pieces[:3])
    stats, keys = tonality.file_statistics(x, groups)
    for shift in range(1, 12):
        moved, moved_keys = tonality.file_statistics(np.roll(x, shift, axis=2), groups)
        np.testing.assert_allclose(moved, stats, atol=1e-12)
        assert [tonality.key_name(k).split()[1] for k in moved_keys] == [tonality.key_name(k).split()[1] for k in keys]


def test_a_chorale_spliced_into_a_distant_key_leaves_its_key(chorales):
    detector, pieces, _ = chorales
    roll = pieces[0][:, :256]
    spliced = roll.copy()
    spliced[:, 128:] = np.roll(roll[:, 128:], 6, axis=0)  # second half a tritone away
    (before, after), _ = tonality.file_statistics(*synthetic_music.as_batch([roll, spliced]))
    assert after[0] > before[0] + 0.1 and after[1] > before[1] + 0.1  # out of key, key drift
    assert abs(after[2] - before[2]) < 0.02  # the beat is untouched (one more chord change at the splice)
    _, _, p = tail(detector, *synthetic_music.as_batch([spliced]))
    assert p[0] < 0.01
