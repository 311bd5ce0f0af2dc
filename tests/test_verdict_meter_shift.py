"""The meter-shift detector (engine/detectors/meter_shift.py): a change of metric grid inside a file is found
where it is, real chorales (whole and cut) pass, first-order chord chains trained on chorales the reference
lacks are flagged, and the invariances it claims (transposition, velocity, tempo, MIDI resolution)."""
import numpy as np
import pytest

from engine.data.specs import load_spec
from engine.detectors import meter, meter_shift
from engine.detectors.profile import cross_fitted, item_groups
from tests import synthetic_music
from tests.detector_checks import judged
from tests.music_invariances import (assert_tempo_and_resolution_change_nothing,
                                     assert_transposition_and_velocity_change_nothing)

EIGHTH, BARS_8 = 2, 8 * synthetic_music.BAR


@pytest.fixture(scope="module")
def detector():
    ref = load_spec("builtin:bach[0:60]")
    groups, n = item_groups(ref.items, ref.n)
    profile = {**meter.Meter.fit(ref, groups, n, cross_fitted), **meter_shift.MeterShift.fit(ref, groups, n, cross_fitted),
               "modality": np.array("music")}
    assert meter_shift.MeterShift.present(profile)
    return meter_shift.MeterShift(profile)


@pytest.fixture(scope="module")
def held_rolls():
    held = load_spec("builtin:bach[300:340]")
    return synthetic_music.file_rolls(held.x, item_groups(held.items, held.n)[0])


def joined_off_the_grid(a, b):
    """Eight bars of chorale a, then eight bars of chorale b an eighth note off a's grid."""
    return np.concatenate([a[:, :BARS_8], b[:, EIGHTH:BARS_8 + EIGHTH]], axis=1)


def test_a_join_an_eighth_off_the_grid_is_found_where_it_is(detector, held_rolls):
    a, b = [r for r in held_rolls if r.shape[1] >= BARS_8 + EIGHTH][:2]  # the first two long enough
    on_the_grid = np.concatenate([a[:, :BARS_8], b[:, :BARS_8]], axis=1)
    off = joined_off_the_grid(a, b)
    gain, changes = meter_shift.best_path(*meter.notes_of(off), detector.templates)
    assert gain > 0.05
    assert any(abs(t - BARS_8) <= synthetic_music.BAR for t in changes), changes  # at the join, give or take a bar
    kept, _ = meter_shift.best_path(*meter.notes_of(on_the_grid), detector.templates)
    assert kept < gain / 4
    batch, scores, p = judged(detector, *synthetic_music.as_batch([on_the_grid, off]))
    assert p[1] < 0.01 < p[0]
    reason = detector.reason(batch, 1, scores[1], p[1])
    assert reason.startswith("meter-shift: its notes' place in the bar moves") and "tail probability" in reason


def test_real_chorales_whole_and_cut_pass_and_first_order_chains_trained_elsewhere_are_flagged(detector, held_rolls):
    whole = synthetic_music.as_batch(held_rolls[:20])
    _, _, p_real = judged(detector, *whole)
    assert np.count_nonzero(p_real > 0.05) >= 18, p_real
    cut = [r[:, 4 * synthetic_music.BAR + EIGHTH:] for r in held_rolls[:20] if r.shape[1] >= 3 * BARS_8 // 2]  # cut mid-bar
    _, _, p_cut = judged(detector, *synthetic_music.as_batch(cut))
    assert np.count_nonzero(p_cut > 0.05) >= len(cut) - 2, p_cut
    chains = synthetic_music.chord_chain(held_rolls, 1, 20, steps=16 * synthetic_music.BAR, seed=3)
    _, _, p_chain = judged(detector, *synthetic_music.as_batch(chains))
    assert np.count_nonzero(p_chain <= 0.01) >= 16, p_chain  # 20 of 20 when written


def test_scores_do_not_change_with_transposition_or_velocity(detector, held_rolls):
    a, b = [r for r in held_rolls if r.shape[1] >= BARS_8 + EIGHTH][:2]
    x, groups = synthetic_music.as_batch(held_rolls[:6] + [joined_off_the_grid(a, b)])
    assert judged(detector, x, groups)[1][-1] > 0  # a file that gains, so that the check can see a change
    assert_transposition_and_velocity_change_nothing(detector, x, groups)


def test_tempo_and_resolution_change_nothing(detector, tmp_path):
    assert_tempo_and_resolution_change_nothing(detector, tmp_path)
