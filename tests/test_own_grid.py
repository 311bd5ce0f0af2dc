"""A MIDI file whose onsets keep a regular grid of their own (engine/data/own_grid.py): a piece placed in seconds at
another tempo than its tempo map's is read on that grid, rescaled to the nearest power of two of the quarter."""
import io

import numpy as np
import pytest

from engine.data import own_grid, representations
from engine.data.builtins import corpus_files
from engine.data.loaders import load_path
from tests.performed_midi import Performer, midi_notes, perform


@pytest.fixture(scope="module")
def chorale():
    """(pitch, start, end) notes in quarter notes of a chorale (eighths and quarters, some sixteenths)."""
    with open(corpus_files("bach")[300], "rb") as handle:
        return midi_notes(handle.read())


def rendered(notes, factor, lead_in=0.0):
    """MIDI bytes of `notes` placed in seconds at 120 / factor bpm in a fresh pretty_midi file (its 120 bpm map and
    220 ticks a quarter), as a script renders a piece at another tempo; `lead_in` seconds of silence first."""
    import pretty_midi

    midi = pretty_midi.PrettyMIDI()
    voice = pretty_midi.Instrument(program=0)
    voice.notes = [pretty_midi.Note(velocity=80, pitch=int(p), start=lead_in + s * 0.5 * factor,
                                    end=lead_in + e * 0.5 * factor) for p, s, e in notes]
    midi.instruments.append(voice)
    out = io.BytesIO()
    midi.write(out)
    return out.getvalue()


def loaded(tmp_path, name, data):
    (tmp_path / name).write_bytes(data)
    return load_path(str(tmp_path / name))


def test_notated_units_are_powers_of_two_of_the_quarter_or_a_third_of_one():
    assert all(own_grid.notated(u) for u in (4.0, 2.0, 1.0, 0.5, 0.25, 0.125, 1 / 3, 1 / 6, 1 / 12, 2 / 3))
    assert not any(own_grid.notated(u) for u in (1.25, 0.625, 0.75, 1.5, 0.6, 0.8, 1.2, 1.667, 0.3125))


def test_the_grid_unit_of_regular_onsets_is_found_about_its_origin():
    rng = np.random.default_rng(0)
    quarters = 0.3 + 1.25 * np.cumsum(rng.choice([1, 2, 4], size=60))  # on a grid of 1.25 from 0.3
    unit, origin = own_grid.grid_unit(quarters + rng.uniform(-0.002, 0.002, size=60))  # a tick's rounding
    assert unit == pytest.approx(1.25, abs=1e-3)
    assert origin == pytest.approx(0.3, abs=0.01)


def test_a_grid_starting_on_one_of_its_points_has_its_origin_at_0():
    quarters = 0.375 + 0.375 * np.arange(40) + np.tile([0.0, 1e-9, -1e-9, 0.002], 10)  # a tick's rounding
    unit, origin = own_grid.grid_unit(quarters)
    assert unit == pytest.approx(0.375, abs=1e-4)
    assert origin == pytest.approx(0.0, abs=0.005)


def test_the_unit_of_a_grid_rounded_to_ticks_does_not_drift_over_a_long_file():
    positions = np.round(np.arange(400) * (5 / 3) * 220) / 220  # 72 bpm under 120: a quarter 1.667 quarters long
    unit, _ = own_grid.grid_unit(positions)
    assert unit == pytest.approx(5 / 3, abs=1e-4)


@pytest.mark.parametrize("factor", [0.75, 0.8, 1.2, 1.25])
def test_a_chorale_rendered_at_another_tempo_under_120_bpm_reads_as_written(tmp_path, chorale, factor):
    written = loaded(tmp_path, "a.mid", rendered(chorale, 1.0))
    other = loaded(tmp_path, "b.mid", rendered(chorale, factor))
    assert "own_grid" not in written.meta["channel"]
    found = other.meta["channel"]["own_grid"]
    assert found["scale"] == pytest.approx(1 / factor, rel=1e-3)
    assert not other.meta["channel"]["onsets"]["performance"]
    assert other.x.shape == written.x.shape
    assert np.mean(other.x != written.x) < 0.002  # the same roll, but for a note end rounded to the other step
    assert set(other.readings) == {2.0, 0.5}  # the time scale's readings still apply


def test_a_factor_nearer_twice_reads_as_a_rendering_at_twice_the_length(tmp_path, chorale):
    import pretty_midi

    other = loaded(tmp_path, "b.mid", rendered(chorale, 1.5))
    assert other.meta["channel"]["own_grid"]["scale"] == pytest.approx(2 / 1.5, rel=1e-3)
    twice = representations.piano_roll_patches(pretty_midi.PrettyMIDI(io.BytesIO(rendered(chorale, 1.0))), 2.0)
    assert other.x.shape == twice.shape
    assert np.mean(other.x != twice) < 0.002


def onset_steps(samples):
    """The piano-roll steps where a note starts, from the first."""
    roll = np.concatenate(list(samples.x[:, 0]), axis=1)
    starts = np.flatnonzero(np.diff(np.concatenate([np.zeros((128, 1)), roll], axis=1) > 0, axis=1).any(axis=0))
    return starts - starts[0]


def test_a_lead_in_off_the_grid_is_read_from_the_grid_s_origin(tmp_path, chorale):
    other = loaded(tmp_path, "b.mid", rendered(chorale, 1.25, lead_in=0.37))
    assert other.meta["channel"]["own_grid"]["scale"] == pytest.approx(0.8, rel=1e-3)
    np.testing.assert_array_equal(onset_steps(other), onset_steps(loaded(tmp_path, "a.mid", rendered(chorale, 1.0))))


def test_a_notated_file_and_a_performance_are_not_read_on_a_grid_of_their_own(tmp_path, chorale):
    assert "own_grid" not in loaded(tmp_path, "a.mid", rendered(chorale, 2.0)).meta["channel"]  # twice: notated
    played = loaded(tmp_path, "p.mid", perform(chorale, Performer(bpm=90.0), seed=1))
    assert "own_grid" not in played.meta["channel"]
    assert played.meta["channel"]["onsets"]["performance"]


def test_the_reason_names_the_unit_and_how_it_was_read():
    found = {"unit": 1.25, "origin": 0.0, "scale": 0.8, "unit_read_as": 1.0}
    words = own_grid.reason({"own_grid": found})
    assert "1.25 of the file's quarter notes" in words and "0.8 times" in words
    assert own_grid.reason({}) is None
