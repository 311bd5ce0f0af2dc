"""The copying detector (engine/detectors/copying.py) on a few real chorales and on chains of
their chords (tests/synthetic_music.py), and the invariances it claims."""
import numpy as np
import pytest

from engine.data.specs import load_spec
from engine.detectors import bar_joins, calibration, copying
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
    assert copying.file_score(copying.all_grams(spliced), detector.index)[0] > 0.3
    _, _, p_spliced = judged(detector, *synthetic_music.as_batch([spliced]))
    assert p_spliced[0] < 0.01


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
    np.testing.assert_array_equal(profile["cal_copying_bars"], 0.0)  # every bar found in its duplicate alone


@pytest.fixture(scope="module")
def bars():
    """(rolls, bar index, tail model of the bar view) of a reference as large as a music case's (300 chorales: the
    view's tail is fitted on the few reference files with a join, and 120 hold one)."""
    ref = load_spec("builtin:bach[0:300]")
    rolls = synthetic_music.file_rolls(ref.x, item_groups(ref.items, ref.n)[0])
    index = bar_joins.index_of(rolls)
    return rolls, index, calibration.tail_model(bar_joins.calibration_scores(rolls, index))


def test_whole_bars_of_several_reference_pieces_joined_are_copying_and_real_pieces_are_not(chorales, bars):
    rolls, index, tail = bars
    recombined = synthetic_music.recombined_bars(rolls, 10, bars=8, seed=1)
    counts = np.array([bar_joins.joins(r, index)[0] for r in recombined])
    assert np.all(counts >= 5), counts  # 7 joins; a bar of a piece's dropped closing bars is found nowhere
    assert np.all(calibration.tail_probability(tail, counts ** 2.0) < 1e-4)
    assert np.count_nonzero(tail["sorted"]) <= 20 and np.all(tail["sorted"] <= 1)  # the reference's own, each alone
    held = load_spec("builtin:bach[300:340]")
    real = [bar_joins.joins(r, index)[0] for r in synthetic_music.file_rolls(held.x, item_groups(held.items, held.n)[0])]
    assert max(real) <= 1, real
    detector, pieces, _ = chorales
    assert detector.shares == 2 and detector.bar_joins(synthetic_music.recombined_bars(pieces, 1)[0])[0] == 7


def test_bar_joins_are_read_at_any_phase_and_key_and_not_in_a_piece_the_reference_holds(chorales):
    detector, pieces, _ = chorales
    roll = synthetic_music.recombined_bars(pieces, 1, bars=8, seed=3)[0]
    count = detector.bar_joins(roll)[0]
    pickup = np.concatenate([pieces[5][:, :4], roll], axis=1)  # a quarter's pickup: every join a quarter later
    assert detector.bar_joins(pickup) == (count, (detector.bar_joins(roll)[1] + 4) % bar_joins.BAR)
    assert detector.bar_joins(np.roll(roll, 5, axis=0))[0] == count
    piece = pieces[3]
    edited = piece.copy()
    edited[:, 70:74] = np.roll(edited[:, 70:74], 1, axis=0)  # a chord changed: bars either side found apart in it
    repeated = np.concatenate([piece[:, :64], piece], axis=1)  # its repeat written out
    assert [detector.bar_joins(r)[0] for r in (piece, edited, repeated)] == [0, 0, 0]


def test_a_profile_made_before_the_bar_view_reads_the_share_alone(chorales):
    detector, pieces, held = chorales
    arrays = copying.Copying.fit(*_reference("builtin:bach[0:40]"))
    older = copying.Copying({k: v for k, v in arrays.items() if k not in copying.Copying.added_later})
    assert older.shares == 1 and older.bars is None and copying.Copying(arrays).shares == 2
    rolls = synthetic_music.recombined_bars(pieces, 3) + synthetic_music.file_rolls(*held)[:3]
    _, scores, _ = judged(older, *synthetic_music.as_batch(rolls))
    shares = [copying.file_score(copying.all_grams(r), older.index)[0] for r in rolls]
    np.testing.assert_allclose(scores, np.square(shares))


def _reference(spec):
    ref = load_spec(spec)
    groups, n = item_groups(ref.items, ref.n)
    return ref, groups, n, cross_fitted
