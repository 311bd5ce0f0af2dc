"""MIDI performances recorded without a click (engine/data/performance.py): read from the onsets, quantised
to beats tracked from them, so that a played chorale is judged as the chorale it is."""
from collections import Counter

import numpy as np

from engine.data import performance
from engine.data.builtins import corpus_files
from engine.data.loaders import load_path
from tests import synthetic_music
from tests.performed_midi import Performer, midi_notes, perform, roll_notes, unisons_merged


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


def test_played_chorales_are_not_labelled_generated_against_a_chorale_profile(tmp_path, bach60_profile):
    from engine.detectors import calibration, suite

    _, detectors = bach60_profile
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


def test_a_chorale_played_detached_keeps_its_notes_lengths(tmp_path):
    # held half their length at 50 bpm: each release predicts where the note ends (`written_ends`); the nearest
    # onset to the release (an eighth of another voice, or none) would leave the voices silent half the time
    source = corpus_files("bach")[301]
    with open(source, "rb") as handle:
        notes = midi_notes(handle.read())
    found = played(tmp_path, "detached.mid", notes, Performer(bpm=50, articulation=0.5, asynchrony=0.02), seed=12)
    assert notes_kept(load_path(source), found) > 0.85


def test_articulation_is_read_from_the_releases_and_predicts_the_written_ends():
    starts = np.array([0.0, 1.0, 2.0, 2.0, 3.0, 3.5, 4.0])
    written = np.array([1.0, 2.0, 4.0, 3.0, 3.5, 4.0, 6.0])  # a half note across 3.0 and 3.5, a last held note
    releases = starts + 0.55 * (written - starts)
    assert abs(performance.articulation(starts, releases, np.unique(starts)) - 0.55) < 0.05
    assert np.allclose(performance.written_ends(starts, releases, np.array([60, 62, 55, 64, 65, 67, 60])), written)


def test_a_key_struck_again_ends_at_the_strike():
    starts, releases = np.array([0.0, 0.5, 1.0]), np.array([0.48, 0.7, 1.6])
    again, strike = performance.restruck(starts, releases, np.array([60, 60, 64]))
    assert again.tolist() == [True, False, False] and strike[0] == 0.5


def test_a_unison_is_struck_once_by_the_performer():
    notes = np.array([(60, 0.0, 0.5), (60, 0.0, 1.0), (64, 0.0, 1.0)])
    assert sorted(map(tuple, unisons_merged(notes).tolist())) == [(60, 0.0, 1.0), (64, 0.0, 1.0)]


def test_the_notes_of_a_chord_played_apart_start_together():
    positions = np.array([2.0, 2.06, 2.12, 2.25 + 0.02, 3.0])  # a chord 0.12 beat wide, a sixteenth, a beat
    assert performance.chord_starts(positions).tolist() == [2.0, 2.0, 2.0, 2.25, 3.0]


def test_alternate_beats_are_read_run_by_run_so_a_slip_does_not_even_them_out():
    strong_weak = np.tile([4.0, 1.0], 16)
    slipped = np.concatenate([strong_weak, strong_weak[1:]])  # the tracker slipped by a beat midway
    assert performance.alternation(slipped) < performance.HALVE_BELOW
    assert performance.alternation(np.full(32, 4.0)) == 1.0


def test_half_notes_with_eighths_between_are_doubled_to_the_beat():
    # tracked at the half note: its midpoints (the quarters) carry half its weight, its quarters the eighths
    beats = np.arange(24.0)
    seconds = np.concatenate([beats + offset for offset in (0.0, 0.25, 0.5, 0.75)])
    weights = np.concatenate([np.full(24, 4), np.full(24, 2), np.full(24, 2), np.full(24, 2)])
    order = np.argsort(seconds)
    level = performance.beat_level(beats, seconds[order], weights[order])
    assert level.size == 2 * beats.size - 1


def test_a_chorale_slowed_by_half_keeps_its_onsets_in_place(tmp_path):
    # a ritardando to 0.55 of the tempo over the last 60 % of the piece: tracked at one period, beats fall
    # between the chords where the player has slowed; in the player's steady time (`steady_time`) they do not
    found = []
    for k, source in enumerate(corpus_files("bach")[300:302]):
        with open(source, "rb") as handle:
            notes = midi_notes(handle.read())
        path = tmp_path / f"{k}.mid"
        path.write_bytes(perform(notes, Performer(bpm=100, drift=0.0, ritardando=(29, 0.55)), seed=0))
        import pretty_midi

        out, _ = performance.quantised(pretty_midi.PrettyMIDI(str(path)))
        starts = np.unique([note.start for instrument in out.instruments for note in instrument.notes])
        written = np.unique(notes[:, 1] - notes[:, 1].min())
        found.append(np.isin(written, starts - starts.min()).mean())
    assert np.mean(found) > 0.88, found


def test_steady_time_runs_evenly_through_a_player_slowing_down():
    beat = np.linspace(0.6, 0.8, 64)  # seconds a beat: from 100 to 75 bpm
    seconds = np.concatenate([[0.0], np.cumsum(beat)])
    times, steady = performance.steady_time(seconds, np.full(seconds.size, 4))
    intervals = np.diff(np.interp(seconds, times, steady))
    assert intervals.std() / intervals.mean() < 0.5 * beat.std() / beat.mean()
