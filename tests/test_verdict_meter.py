"""The meter detector (engine/detectors/meter.py): its metric templates on rolls written by hand, a
few real chorales against first-order chord chains (tests/synthetic_music.py), and the invariances
it claims (transposition, velocity, a shift in time, tempo, MIDI resolution)."""
import numpy as np
import pytest

from engine.data.specs import load_spec
from engine.detectors import meter
from engine.detectors.profile import cross_fitted, item_groups
from tests import synthetic_music
from tests.detector_checks import judged
from tests.music_invariances import (assert_tempo_and_resolution_change_nothing,
                                     assert_transposition_and_velocity_change_nothing)

HALF, QUARTER = 8, 4


def melody(lengths, start=0, steps=None):
    """A one-voice roll stepping up a scale, one note per length (in sixteenth-note steps)."""
    roll = np.zeros((128, steps or start + sum(lengths)), dtype=bool)
    t = start
    for k, length in enumerate(lengths):
        roll[60 + k % 12, t:t + length] = True
        t += length
    return roll


def test_the_templates_learn_where_half_notes_fall_and_a_drifting_melody_is_surprising():
    # a reference of "pieces" whose half notes start on beats 1 and 3 and quarter notes on every beat
    pieces = [melody([HALF, QUARTER, QUARTER] * 8, start=s) for s in (0, 4, 8, 12, 0, 4)]
    counts = meter.fit_templates([meter.notes_of(p) for p in pieces])
    templates = meter.log_templates(counts)
    half_class = int(np.searchsorted(meter.LENGTH_CLASSES, HALF, side="right") - 1)
    share = np.exp(templates[8][half_class])
    assert share.max() > 0.8  # every half note at one place in the half bar
    steady = melody([HALF, QUARTER, QUARTER] * 8)
    drifting = melody([HALF, QUARTER, QUARTER, QUARTER] * 6)  # a 5/4 pattern: half notes move across the grid
    surprise = meter.statistic([meter.notes_of(steady), meter.notes_of(drifting)], templates)
    assert surprise[1] > surprise[0] + 0.3
    # a shift in time (a pickup) moves the phase, not the fit
    shifted = meter.statistic([meter.notes_of(melody([HALF, QUARTER, QUARTER] * 8, start=QUARTER))], templates)
    assert shifted[0] == pytest.approx(surprise[0], abs=1e-9)


@pytest.fixture(scope="module")
def detector():
    ref = load_spec("builtin:bach[0:60]")
    groups, n = item_groups(ref.items, ref.n)
    return meter.Meter(meter.Meter.fit(ref, groups, n, cross_fitted))



def test_real_chorales_pass_and_first_order_chord_chains_are_flagged(detector):
    held = load_spec("builtin:bach[300:320]")
    held_groups, _ = item_groups(held.items, held.n)
    _, _, p_real = judged(detector, held.x, held_groups)
    assert np.count_nonzero(p_real > 0.05) >= 18, p_real  # 20 held-out chorales
    ref = load_spec("builtin:bach[0:60]")
    pieces = synthetic_music.file_rolls(ref.x, item_groups(ref.items, ref.n)[0])
    batch, scores, p_chain = judged(detector, *synthetic_music.as_batch(synthetic_music.chord_chain(pieces, 1, 20, seed=3)))
    assert np.count_nonzero(p_chain <= 0.05) >= 14, p_chain  # a 60-chorale reference: a wide calibrated tail
    worst = int(np.argmax(scores))
    reason = detector.reason(batch, worst, scores[worst], p_chain[worst])
    assert reason.startswith("meter: read in ") and "notes of a quarter or longer" in reason and "tail probability" in reason


def test_scores_do_not_change_with_transposition_or_velocity(detector):
    held = load_spec("builtin:bach[300:306]")
    groups, _ = item_groups(held.items, held.n)
    rolls = synthetic_music.file_rolls(held.x, groups)
    x, groups = synthetic_music.as_batch(rolls)
    assert_transposition_and_velocity_change_nothing(detector, x, groups)


def test_tempo_and_resolution_change_nothing(detector, tmp_path):
    assert_tempo_and_resolution_change_nothing(detector, tmp_path)
