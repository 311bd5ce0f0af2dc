"""A piece whose notes all start and end on its quarter beats (engine/detectors/quarter_grid.py): read from its
roll, and judged by voice-leading against the reference sampled at its quarter beats."""
import numpy as np
import pytest

from engine.data.specs import load_spec
from engine.detectors import calibration, channels, quarter_grid
from engine.detectors.channel_keys import channel_key
from engine.detectors.channel_words import describe
from engine.detectors.profile import cross_fitted, item_groups
from engine.detectors.voice_leading import VoiceLeading
from tests import synthetic_music


@pytest.fixture(scope="module")
def reference_and_held():
    ref = load_spec("builtin:bach[0:120]")
    groups, n = item_groups(ref.items, ref.n)
    profile = {**VoiceLeading.fit(ref, groups, n, cross_fitted), "modality": "music"}
    held = load_spec("builtin:bach[300:340]")
    return profile, synthetic_music.file_rolls(held.x, item_groups(held.items, held.n)[0])


def test_a_chorale_moving_in_eighths_is_off_the_grid_and_its_sampled_edition_on_it(reference_and_held):
    _, held = reference_and_held
    assert not any(quarter_grid.on_grid(r) for r in held)
    edition = [quarter_grid.sampled(r) for r in held]
    assert all(quarter_grid.on_grid(r) for r in edition)
    assert all(np.array_equal(quarter_grid.sampled(r), r) for r in edition)  # sampling an edition changes nothing
    assert np.array_equal(edition[0][:, ::4], held[0][:, ::4])  # what sounds on each beat is kept
    assert not quarter_grid.on_grid(np.zeros((128, 64), dtype=bool))


def p_values(detector, rolls):
    x, groups = synthetic_music.as_batch(rolls)
    from engine.detectors import suite

    return calibration.tail_probability(detector.tail, detector.scores(suite.Batch(x, groups)))


def test_sampled_chorales_are_judged_against_the_reference_sampled_alike(reference_and_held):
    profile, held = reference_and_held
    edition = [quarter_grid.sampled(r) for r in held]
    as_written, sampled = VoiceLeading(profile), VoiceLeading.on_quarter_grid(profile)
    # the passing eighths gone, their fifths and octaves show: against the reference as written, alarms
    assert np.count_nonzero(p_values(as_written, edition) <= 0.01) >= 3
    assert np.count_nonzero(p_values(sampled, edition) <= 0.01) == 0
    assert "sampled at its quarter beats" in sampled.method
    # a profile made before: no sampled calibration, voice-leading as written, and the note says so
    older = {k: v for k, v in profile.items() if k not in VoiceLeading.added_later}
    assert VoiceLeading.present(older) and VoiceLeading.on_quarter_grid(older) is None
    found, note = quarter_grid.detectors([as_written], older)
    assert found == [as_written] and "made before" in note


def test_the_channel_key_and_the_detectors_of_a_file_on_the_grid(reference_and_held):
    profile, _ = reference_and_held
    assert channel_key({"channel": {"quarter_grid": True}}) == (quarter_grid.KEY,)
    assert channel_key({"channel": {"quarter_grid": True, "time_scale": {"scale": 0.5, "judged": "both ways"}}}
                       ) == ("time scale", 0.5, quarter_grid.KEY)
    assert "quarter beats" in describe((quarter_grid.KEY,))
    detectors, note = channels.channel_detectors([VoiceLeading(profile)], profile, (quarter_grid.KEY,))
    assert detectors[0].sampled and "quarter beats" in note
    union, _ = channels.channel_detectors([VoiceLeading(profile)], profile, ("time scale", 0.5, quarter_grid.KEY))
    assert union[0].written.sampled and not union[0].detector.sampled  # as written on the grid; read at half, not
