"""The generators and transforms of tests/synthetic_music.py do what the benchmarks say they do."""
import numpy as np

from tests import synthetic_music


def test_cadenced_progression_writes_four_voices_with_a_half_note_cadence_closing_each_phrase():
    rolls = synthetic_music.cadenced_progression(5, steps=8 * synthetic_music.BAR, seed=3)
    phrase = 2 * synthetic_music.BAR
    for roll in rolls:
        assert roll.shape == (128, 8 * synthetic_music.BAR)
        assert np.all(roll.sum(axis=0) == 4)  # four voices, never a unison, at every step
        for end in range(phrase, roll.shape[1] + 1, phrase):
            cadence = roll[:, end - 8:end]
            assert np.all(cadence == cadence[:, :1])  # one chord held for the phrase's last half note
            bass, *upper = np.flatnonzero(cadence[:, 0])
            intervals = {(p - bass) % 12 for p in upper}
            assert intervals <= {0, 3, 4, 7}  # a root-position triad, its fifth perhaps left out
    assert len({tuple(np.flatnonzero(r[:, 0]) % 12) for r in rolls}) > 1  # in several keys


def test_split_chain_draws_chords_and_lengths_from_the_pieces_but_apart():
    rng = np.random.default_rng(0)
    chords = {(60, 64, 67): 4, (55, 59, 62): 8, (53, 57, 60): 2}  # each chord always with one length
    pieces = []
    for _ in range(3):
        roll, t, previous = np.zeros((128, 96), dtype=bool), 0, None
        while t < 96:
            chord = [c for c in chords if c != previous][rng.integers(2)]  # never twice running (events would merge)
            roll[list(chord), t:t + chords[chord]] = True
            t, previous = t + chords[chord], chord
        pieces.append(roll)
    trained = {e for roll in pieces for e in synthetic_music._events(roll)}
    drawn = set()
    for roll in synthetic_music.split_chain(pieces, 1, 20, steps=64, seed=1):
        events = synthetic_music._events(roll)
        assert {chord for chord, _ in events} <= {chord for chord, _ in trained}
        assert {length for _, length in events[:-1]} <= {length for _, length in trained}  # the last is cut at the end
        drawn |= set(events[:-1])
    assert drawn - trained  # some chord with a length it never had


def test_retimed_rewrites_tempo_and_velocity_and_reads_the_same_notes_back(tmp_path):
    import mido

    from engine.data.builtins import corpus_files
    from engine.data.loaders import load_path

    source = corpus_files("bach")[310]
    roll = synthetic_music.retimed([source], str(tmp_path), tempo=0.8, velocity=64)[0]
    original = load_path(source)
    np.testing.assert_array_equal(roll, np.concatenate(list(original.x[:, 0] > 0), axis=1))
    written = mido.MidiFile(str(tmp_path / "0.mid"))
    tempos = [m.tempo for t in written.tracks for m in t if m.type == "set_tempo"]
    before = [m.tempo for t in mido.MidiFile(source).tracks for m in t if m.type == "set_tempo"]
    assert tempos and tempos == [round(t / 0.8) for t in before]
    assert {m.velocity for t in written.tracks for m in t if m.type == "note_on" and m.velocity} == {64}


def test_frame_lstm_trains_on_pieces_shorter_than_a_patch_with_a_shorter_window():
    # JSB's quarter-chord chorales mostly hold under 64 frames: a 32-frame window keeps them all
    rng = np.random.default_rng(0)
    pieces = [rng.random((128, 40)) < 0.03 for _ in range(3)]
    rolls = synthetic_music.frame_lstm(pieces, 2, steps=24, seed=1, iterations=3, hidden=8, window=32)
    assert len(rolls) == 2
    assert all(r.shape == (128, 24) and r.dtype == bool for r in rolls)


def test_frame_lstm_other_cells_write_the_same_frames():
    rng = np.random.default_rng(0)
    pieces = [rng.random((128, 40)) < 0.03 for _ in range(3)]
    for cell in ("gru", "transformer"):
        rolls = synthetic_music.frame_lstm(pieces, 2, steps=24, seed=1, iterations=3, hidden=8, window=32, cell=cell)
        assert len(rolls) == 2
        assert all(r.shape == (128, 24) and r.dtype == bool for r in rolls)
