"""A MIDI file's notated time scale (engine/detectors/time_scale.py): a chorale written back at twice or half its
speed is read where its note values are the reference's, and judged so."""
import numpy as np
import pytest

from engine.data.builtins import corpus_files
from engine.data.loaders import load_path
from engine.detectors import calibration, suite, time_scale
from tests.performed_midi import midi_notes


def written(tmp_path, name, notes, speed):
    """Load a MIDI file of (pitch, start, end) notes in quarter notes written at `speed` times their tempo."""
    import pretty_midi

    midi = pretty_midi.PrettyMIDI(initial_tempo=120.0)
    voice = pretty_midi.Instrument(program=0)
    seconds = 0.5 / speed
    voice.notes = [pretty_midi.Note(velocity=100, pitch=int(p), start=s * seconds, end=e * seconds)
                   for p, s, e in notes]
    midi.instruments.append(voice)
    midi.write(str(tmp_path / name))
    return load_path(str(tmp_path / name))


@pytest.fixture(scope="module")
def reference(bach60_profile):
    """(profile, its profile detectors) of 60 chorales (conftest's, shared with tests/test_performance.py)."""
    return bach60_profile


@pytest.fixture(scope="module")
def chorales():
    """(pitch, start, end) notes of three chorales the reference lacks."""
    out = []
    for source in corpus_files("bach")[300:303]:
        with open(source, "rb") as handle:
            out.append(midi_notes(handle.read()))
    return out


def label(detectors, samples):
    """The verdict's label of one file (engine/verdict.py), its channel's detectors given."""
    batch = suite.Batch(samples.x, np.zeros(samples.n, dtype=np.int64))
    batch.reading = time_scale.other_reading([samples])
    p = np.array([float(calibration.tail_probability(d.tail, d.scores(batch))[0]) for d in detectors])
    weights = suite.weights(detectors, calibration.DEFAULT_ALPHA, suite.informative(detectors, samples))
    return calibration.label_for(calibration.combine(p, weights)[0], calibration.DEFAULT_ALPHA)


def test_a_chorale_written_at_twice_its_speed_is_read_back_at_its_own_notes(tmp_path, reference, chorales):
    profile, _ = reference
    as_written = written(tmp_path, "a.mid", chorales[0], 1.0)
    doubled = time_scale.notated(written(tmp_path, "b.mid", chorales[0], 2.0), profile)
    assert doubled.meta["channel"]["time_scale"]["scale"] == 2.0
    assert doubled.meta["channel"]["time_scale"]["judged"] == "so read"
    np.testing.assert_array_equal(doubled.x, as_written.x)
    assert len(doubled.items) == doubled.n and not doubled.readings
    assert time_scale.channel_key(doubled.meta["channel"]) is None
    assert "twice its speed" in time_scale.reason(doubled.meta["channel"])


def test_a_chorale_written_at_half_its_speed_is_judged_both_ways(tmp_path, reference, chorales):
    profile, _ = reference
    halved = written(tmp_path, "a.mid", chorales[0], 0.5)
    x = halved.x.copy()
    halved = time_scale.notated(halved, profile)
    assert time_scale.channel_key(halved.meta["channel"]) == (time_scale.KEY, 0.5)
    np.testing.assert_array_equal(halved.x, x)  # judged as written too
    np.testing.assert_array_equal(halved.readings[0.5], written(tmp_path, "b.mid", chorales[0], 1.0).x)


def test_a_chorale_as_written_keeps_its_quarters(tmp_path, reference, chorales):
    profile, _ = reference
    for k, notes in enumerate(chorales):
        found = time_scale.notated(written(tmp_path, f"{k}.mid", notes, 1.0), profile)
        assert "time_scale" not in found.meta["channel"] and not found.readings


def test_a_union_takes_each_detectors_larger_tail_probability(tmp_path, reference, chorales):
    profile, detectors = reference
    halved = time_scale.notated(written(tmp_path, "a.mid", chorales[1], 0.5), profile)
    batch = suite.Batch(halved.x, np.zeros(halved.n, dtype=np.int64))
    batch.reading = time_scale.other_reading([halved])
    united, note = time_scale.union(detectors, 0.5)
    for detector, union in zip(detectors, united):
        p = [calibration.tail_probability(detector.tail, detector.scores(b))[0] for b in (batch, batch.reading)]
        found = calibration.tail_probability(union.tail, union.scores(batch))[0]
        if detector.name == "slice-familiarity":  # a wrong time scale only lowers it: as written alone
            assert union is detector and detector.name in note
            continue
        assert found == pytest.approx(max(p[0], max(p[1], calibration.tail_floor(detector.tail))), rel=1e-9)
        assert "as written" in union.reason(batch, 0, float(union.scores(batch)[0]), found)


def test_chorales_written_at_another_speed_are_labelled_real(tmp_path, reference, chorales):
    profile, detectors = reference
    for speed in (2.0, 0.5):
        for k, notes in enumerate(chorales):
            found = time_scale.notated(written(tmp_path, f"{speed}-{k}.mid", notes, speed), profile)
            key = time_scale.channel_key(found.meta["channel"])
            chosen = time_scale.union(detectors, key[1])[0] if key else detectors
            assert label(chosen, found) == "real", (speed, k)  # at twice the speed, as written: inconclusive


def test_a_chain_over_the_references_quarter_chords_written_as_quarter_notes_is_caught(tmp_path, reference):
    """Its note values read nearer the reference's at half its quarters, where its steps are not the reference's
    quarter steps: judged both ways with slice-familiarity's larger tail probability, it passed."""
    from engine.data.specs import load_spec
    from engine.data.writers import write_midi
    from engine.detectors.profile import item_groups
    from tests import synthetic_music

    profile, detectors = reference
    ref = load_spec("builtin:bach[0:60]")
    rolls = synthetic_music.file_rolls(ref.x, item_groups(ref.items, ref.n)[0])
    for k, roll in enumerate(synthetic_music.sliced_chain(rolls, 4, 2, steps=8 * synthetic_music.BAR, seed=1)):
        write_midi(str(tmp_path / f"{k}.mid"), roll.astype(np.float32))
        found = time_scale.notated(load_path(str(tmp_path / f"{k}.mid")), profile)
        key = time_scale.channel_key(found.meta["channel"])
        assert key == (time_scale.KEY, 0.5)
        assert label(time_scale.union(detectors, key[1])[0], found) == "generated", k


def test_a_detector_read_both_ways_or_standing_aside_keeps_its_shares_in_the_combination(reference):
    from engine.detectors.channels import StandAside

    _, detectors = reference
    both, _ = time_scale.union(detectors, 0.5)
    shares = {d.name: getattr(d, "shares", 1) for d in detectors}
    assert shares["voice-leading"] == 7 and shares["tonality"] == 3
    assert {d.name: getattr(d, "shares", 1) for d in both} == shares
    assert {d.name: StandAside(d, "a test").shares for d in detectors} == shares
    weights = dict(zip([d.name for d in both], suite.weights(both, calibration.DEFAULT_ALPHA)))
    assert weights["voice-leading"] == pytest.approx(7 * weights["chroma"])
