"""MIDI performances recorded without a click (engine/data/performance.py): read from the onsets, quantised
to beats tracked from them, so that a played chorale is judged as the chorale it is."""
from collections import Counter

import numpy as np

from engine.data import performance
from engine.data.builtins import corpus_files
from engine.data.loaders import load_path
from tests import synthetic_music
from tests.performed_midi import Performer, midi_notes, perform, roll_notes


def notes_kept(written, played):
    """Share of the played file's notes, as (pitch, length in the roll's steps), that the written file's roll
    holds too (a multiset match: a beat the tracker adds or drops moves notes, not their lengths; the roll
    leaves out a last patch cut short, which a release a step early can make of the played file's)."""
    from engine.data.writers import roll_notes as runs

    counts = []
    for found in (written, played):
        pitch, start, end, _ = runs(np.concatenate(list(found.x[:, 0] > 0), axis=1).astype(np.float32))
        counts.append(Counter(zip(pitch.tolist(), (end - start).tolist())))
    return sum((counts[0] & counts[1]).values()) / sum(counts[1].values())


def played(tmp_path, name, notes, performer, seed):
    path = tmp_path / name
    path.write_bytes(perform(notes, performer, seed))
    return load_path(str(path))


def test_a_chorale_played_without_a_click_is_read_as_a_performance_and_quantised_back_to_its_notes(tmp_path):
    for k, (source, bpm) in enumerate(zip(corpus_files("bach")[300:302], (72, 100))):
        with open(source, "rb") as handle:
            notes = midi_notes(handle.read())
        found = played(tmp_path, f"{k}.mid", notes, Performer(bpm=bpm), seed=k)
        onsets = found.meta["channel"]["onsets"]
        assert onsets["performance"] and onsets["on_grid"] < performance.MAX_ON_GRID
        assert abs(onsets["beat_bpm"] - bpm) < 0.25 * bpm
        assert notes_kept(load_path(source), found) > 0.9  # the written chorale, as the detectors read it
        assert "quantised to" in performance.reason(found.meta["channel"])
        assert np.isin(found.x, (0.0, 1.0)).all()  # the notes as written, at one velocity: dynamics are the channel


def test_sequenced_and_humanised_chorales_are_not_read_as_performances(tmp_path):
    for source in corpus_files("bach")[300:303]:
        channel = load_path(source).meta["channel"]
        assert not channel["onsets"]["performance"] and channel["onsets"]["on_grid"] == 1.0
        assert performance.reason(channel) is None
    with open(corpus_files("bach")[300], "rb") as handle:
        notes = midi_notes(handle.read())
    # at the file's own beat (120 bpm, steady), onsets off by 10 ms: a sequencer's humanise, on the grid
    steady = played(tmp_path, "steady.mid", notes, Performer(bpm=120, drift=0.0, asynchrony=0.01), seed=3)
    assert not steady.meta["channel"]["onsets"]["performance"]


def test_a_few_notes_off_the_grid_are_too_few_to_read_as_a_performance(tmp_path):
    notes = np.array([(60 + k, 0.37 * k, 0.37 * k + 0.3) for k in range(performance.MIN_EVENTS - 1)])
    found = played(tmp_path, "few.mid", notes, Performer(bpm=90), seed=6)
    assert not found.meta["channel"]["onsets"]["performance"]


def test_a_generated_piece_played_so_is_quantised_too_and_judged_on_its_notes(tmp_path):
    reference = load_path(corpus_files("bach")[0])
    piece = synthetic_music.chord_chain(synthetic_music.file_rolls(reference.x, np.zeros(reference.n, int)), 1, 1,
                                        seed=4)[0]
    from engine.data.writers import write_midi

    write_midi(str(tmp_path / "written.mid"), piece.astype(np.float32))
    found = played(tmp_path, "played.mid", roll_notes(piece), Performer(bpm=80), seed=5)
    assert found.meta["channel"]["onsets"]["performance"]
    assert notes_kept(load_path(str(tmp_path / "written.mid")), found) > 0.8


def test_chord_events_group_onsets_within_the_window():
    firsts, event = performance.chord_events([0.5, 0.0, 0.05, 0.52, 0.55, 0.62, 2.0])
    assert np.allclose(firsts, [0.0, 0.5, 0.62, 2.0]) and event.tolist() == [1, 0, 0, 1, 1, 2, 3]


def test_played_chorales_are_not_labelled_generated_against_a_chorale_profile(tmp_path):
    from engine.data.specs import load_spec
    from engine.detectors import calibration, suite
    from engine.detectors.profile import build_profile

    detectors = suite.profile_detectors(build_profile(load_spec("builtin:bach[0:60]")))
    files = []
    for k, source in enumerate(corpus_files("bach")[300:303]):
        with open(source, "rb") as handle:
            files.append(played(tmp_path, f"{k}.mid", midi_notes(handle.read()), Performer(bpm=76), seed=20 + k))
    for found in files:
        batch = suite.Batch(found.x, np.zeros(found.n, dtype=np.int64))
        p = [float(calibration.tail_probability(d.tail, d.scores(batch))[0]) for d in detectors]
        weights = suite.weights(detectors, calibration.DEFAULT_ALPHA, suite.informative(detectors, found))
        p_file, _ = calibration.combine(np.array(p), weights)
        assert calibration.label_for(p_file, calibration.DEFAULT_ALPHA) != "generated", dict(
            zip([d.name for d in detectors], p))
