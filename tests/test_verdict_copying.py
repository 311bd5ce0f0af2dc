"""The copying detector (engine/detectors/copying.py) on a few real chorales and on chains of
their chords (tests/synthetic_music.py), and the invariances it claims."""
import numpy as np
import pytest

from engine.data.specs import load_spec
from engine.detectors import copying
from engine.detectors.profile import cross_fitted, item_groups
from tests import synthetic_music
from tests.detector_checks import judged


@pytest.fixture(scope="module")
def chorales():
    ref = load_spec("builtin:bach[0:120]")  # a chain needs a corpus whose contexts branch
    groups, n = item_groups(ref.items, ref.n)
    held = load_spec("builtin:bach[300:315]")
    held_groups, _ = item_groups(held.items, held.n)
    profile = copying.Copying.fit(ref, groups, n, cross_fitted)
    return copying.Copying(profile), synthetic_music.file_rolls(ref.x, groups), (held.x, held_groups)



def test_held_out_chorales_copy_little_and_a_second_order_chain_is_flagged(chorales):
    detector, pieces, held = chorales
    _, scores, p_real = judged(detector, *held)
    assert np.count_nonzero(p_real > 0.05) >= 13, (scores, p_real)  # 15 held-out chorales
    batch, scores, p_chain = judged(detector, *synthetic_music.as_batch(synthetic_music.chord_chain(pieces, 2, 20)))
    assert np.count_nonzero(p_chain <= 0.01) >= 15, p_chain
    worst = int(np.argmax(scores))
    reason = detector.reason(batch, worst, scores[worst], p_chain[worst])
    assert reason.startswith("copying: ") and "occur verbatim (up to transposition)" in reason and ".mid" in reason


def test_a_copy_of_one_reference_piece_or_its_repeat_is_not_copying(chorales):
    detector, pieces, _ = chorales
    piece = pieces[3]
    repeated = np.concatenate([piece[:, :64], piece], axis=1)  # its first four bars written out twice
    _, scores, _ = judged(detector, *synthetic_music.as_batch([piece, repeated]))
    np.testing.assert_array_equal(scores, 0.0)
    spliced = np.concatenate([pieces[3][:, :128], pieces[7][:, :128]], axis=1)  # two pieces, eight bars each
    _, spliced_score, _ = judged(detector, *synthetic_music.as_batch([spliced]))
    assert spliced_score[0] > 0.3 ** 2  # the score is the squared share


def test_scores_do_not_change_with_transposition_or_velocity(chorales):
    detector, pieces, held = chorales
    chain = synthetic_music.chord_chain(pieces, 2, 4)
    rolls = synthetic_music.file_rolls(*held)[:4] + chain
    x, groups = synthetic_music.as_batch(rolls)
    _, scores, _ = judged(detector, x, groups)
    for shift in (-5, 3, 7):
        _, moved, _ = judged(detector, np.roll(x, shift, axis=2), groups)
        np.testing.assert_array_equal(moved, scores)
    _, quieter, _ = judged(detector, x * (64 / 127), groups)
    np.testing.assert_array_equal(quieter, scores)


def test_every_reference_chorale_is_calibrated_by_an_index_without_it():
    ref = load_spec("builtin:bach[0:10]")
    groups, n = item_groups(ref.items, ref.n)
    rolls = synthetic_music.file_rolls(ref.x, groups)
    ref_twice = synthetic_music.as_batch(rolls + rolls)  # every piece twice: a duplicate in another fold
    profile = copying.profile_arrays(ref_twice[0], ref_twice[1], 2 * n, cross_fitted, [str(i) for i in range(2 * n)])
    assert profile["cal_copying"].size == 20
    # each piece's copy sits in another fold; copying one piece throughout is no evidence
    np.testing.assert_array_equal(profile["cal_copying"], 0.0)
