"""The familiarity detector (engine/detectors/familiarity.py): a few real chorales against
first-order chains over their chord events (tests/synthetic_music.py), a reference piece
replayed, and the invariances it claims."""
import numpy as np
import pytest

from engine.data.specs import load_spec
from engine.detectors import familiarity
from engine.detectors.profile import cross_fitted, item_groups
from tests import synthetic_music
from tests.detector_checks import judged


@pytest.fixture(scope="module")
def chorales():
    ref = load_spec("builtin:bach[0:120]")
    groups, n = item_groups(ref.items, ref.n)
    detector = familiarity.Familiarity(familiarity.Familiarity.fit(ref, groups, n, cross_fitted))
    held = load_spec("builtin:bach[300:320]")
    return detector, synthetic_music.file_rolls(ref.x, groups), (held.x, item_groups(held.items, held.n)[0])



def test_held_out_chorales_pass_and_a_first_order_chain_is_flagged(chorales):
    detector, pieces, held = chorales
    _, _, p_real = judged(detector, *held)
    assert np.count_nonzero(p_real > 0.05) >= 18, p_real  # 20 held-out chorales
    batch, scores, p_chain = judged(detector, *synthetic_music.as_batch(synthetic_music.chord_chain(pieces, 1, 20)))
    assert np.count_nonzero(p_chain <= 0.01) >= 14, p_chain
    worst = int(np.argmax(scores))
    reason = detector.reason(batch, worst, scores[worst], p_chain[worst])
    assert reason.startswith("familiarity: ") and "pairs of successive chords occur" in reason


def test_a_reference_piece_replayed_is_not_familiar_beyond_itself(chorales):
    detector, pieces, _ = chorales
    _, scores, p = judged(detector, *synthetic_music.as_batch(pieces[10:14]))
    assert np.all(p > 0.05), (scores, p)


def test_scores_do_not_change_with_transposition_or_velocity(chorales):
    detector, pieces, held = chorales
    rolls = synthetic_music.file_rolls(*held)[:4] + synthetic_music.chord_chain(pieces, 1, 4)
    x, groups = synthetic_music.as_batch(rolls)
    _, scores, _ = judged(detector, x, groups)
    for shift in (-5, 3, 7):
        _, moved, _ = judged(detector, np.roll(x, shift, axis=2), groups)
        np.testing.assert_array_equal(moved, scores)
    _, quieter, _ = judged(detector, x * (40 / 127), groups)
    np.testing.assert_array_equal(quieter, scores)
