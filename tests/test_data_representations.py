"""Mel and piano-roll representations, writers (round trips, atomicity) and hashing."""
import hashlib
import os

import numpy as np
import pretty_midi
import pytest
import soundfile

from engine.data import representations as rep
from engine.data.hashing import sha256_file
from engine.data.loaders import load_path
from engine.data.specs import load_spec
from engine.data.writers import roll_notes, write_midi, write_png, write_wav

RNG = np.random.default_rng(3)


def test_mel_power_equals_librosa_melspectrogram():
    librosa = pytest.importorskip("librosa")
    audio = RNG.standard_normal(4000).astype(np.float32) * 0.1
    expected = librosa.feature.melspectrogram(y=audio, sr=8000, n_fft=1024, hop_length=160, n_mels=64)
    mine = rep.mel_power(audio)
    assert mine.shape == expected.shape
    np.testing.assert_allclose(mine, expected, rtol=1e-4, atol=1e-6 * expected.max())


def test_mel_patches_pad_short_and_drop_remainder():
    assert rep.mel_patches(np.zeros(800, np.float32), 8000).shape == (1, 1, 64, 32)
    assert not rep.mel_patches(np.zeros(800, np.float32), 8000).any()  # silence is zero
    # 1.3 s at 8 kHz: 1 + 10400 // 160 = 66 frames -> 2 patches, 2 frames dropped
    assert rep.mel_patches(np.ones(10400, np.float32) * 0.01, 8000).shape == (2, 1, 64, 32)


def test_loud_audio_is_clipped_at_one_and_counted(tmp_path):
    loud = np.sign(RNG.standard_normal(8000)).astype(np.float32)
    patches = rep.mel_patches(loud * 40, 8000)
    assert patches.max() == 1.0 and patches.min() >= 0
    soundfile.write(tmp_path / "loud.wav", loud * 40, 8000, subtype="FLOAT")  # float WAV may exceed full scale
    write_wav(tmp_path / "quiet.wav", loud * 1e-3, 8000)
    s = load_spec(str(tmp_path))
    assert s.meta["clipped_values"] == int((s.x == 1).sum()) > 0
    assert s.meta["clipped_fraction"] == pytest.approx(s.meta["clipped_values"] / s.x.size)


def test_mel_map_is_the_same_at_any_sample_rate():
    t16, t8 = np.arange(16000) / 16000, np.arange(8000) / 8000
    low = rep.mel_map((0.3 * np.sin(2 * np.pi * 500 * t8)).astype(np.float32), 8000)
    high = rep.mel_map((0.3 * np.sin(2 * np.pi * 500 * t16)).astype(np.float32), 16000)
    assert low.shape == high.shape
    np.testing.assert_allclose(low[:, 5:-5], high[:, 5:-5], atol=0.02)


def score(tempo, notes, drums=()):
    midi = pretty_midi.PrettyMIDI(initial_tempo=tempo)
    quarter = 60 / tempo
    for is_drum, group in ((False, notes), (True, drums)):
        inst = pretty_midi.Instrument(0, is_drum=is_drum)
        inst.notes = [pretty_midi.Note(v, p, s * quarter, e * quarter) for p, s, e, v in group]
        midi.instruments.append(inst)
    return midi


def test_piano_roll_quantises_to_sixteenths_and_keeps_the_louder_overlap():
    roll = rep.piano_roll(score(100, [(60, 0, 1, 127), (60, 0.5, 2, 64), (72, 1.01, 1.02, 100)],
                                drums=[(36, 0, 4, 127)]))
    assert roll.shape == (128, 8)
    np.testing.assert_allclose(roll[60], [1, 1, 1, 1, 64 / 127, 64 / 127, 64 / 127, 64 / 127])
    assert roll[72].tolist() == [0, 0, 0, 0, 100 / np.float32(127), 0, 0, 0]  # at least one step
    assert roll[36].sum() == 0  # drums left out


def test_piano_roll_follows_tempo_changes(tmp_path):
    import mido

    # 120 bpm for 4 quarters (2 s), then 60 bpm: a note on quarters 4-6 lasts 8 steps (and 2 s)
    track = mido.MidiTrack([
        mido.MetaMessage("set_tempo", tempo=500_000, time=0),
        mido.MetaMessage("set_tempo", tempo=1_000_000, time=4 * 480),
        mido.Message("note_on", note=60, velocity=127, time=0),
        mido.Message("note_off", note=60, velocity=0, time=2 * 480),
    ])
    mido.MidiFile(ticks_per_beat=480, tracks=[track]).save(tmp_path / "t.mid")
    midi = pretty_midi.PrettyMIDI(str(tmp_path / "t.mid"))
    assert midi.instruments[0].notes[0].end - midi.instruments[0].notes[0].start == pytest.approx(2.0)
    roll = rep.piano_roll(midi)
    assert roll.shape == (128, 24) and roll[60, 16:24].tolist() == [1] * 8 and roll[60, :16].sum() == 0


def test_piano_roll_patches_of_a_silent_score_are_empty():
    assert rep.piano_roll_patches(score(120, [])).shape == (0, 1, 128, 64)


def test_png_round_trip_and_no_temporary_left(tmp_path):
    grey = RNG.random((1, 5, 6)).astype(np.float32)
    write_png(tmp_path / "g.png", grey)
    loaded = load_path(tmp_path / "g.png").x[0]
    np.testing.assert_array_equal(loaded, np.rint(grey * 255) / np.float32(255))
    write_png(tmp_path / "c.png", RNG.random((3, 4, 4)))
    assert load_path(tmp_path / "c.png").x.shape == (1, 3, 4, 4)
    assert sorted(os.listdir(tmp_path)) == ["c.png", "g.png"]
    with pytest.raises(ValueError):
        write_png(tmp_path / "bad.png", np.zeros((2, 4, 4)))


def test_roll_notes_split_runs_of_equal_velocity():
    roll = np.zeros((128, 6), np.float32)
    roll[60, 1:4] = 1.0
    roll[60, 4] = 0.5
    roll[61, 5] = 1.0
    pitch, start, end, velocity = roll_notes(roll)
    assert list(zip(pitch, start, end, velocity)) == [(60, 1, 4, 127), (60, 4, 5, 64), (61, 5, 6, 127)]


def test_midi_round_trip_gives_the_same_roll(tmp_path):
    roll = (RNG.random((128, 64)) < 0.05).astype(np.float32)
    write_midi(tmp_path / "r.mid", roll, step=0.1)
    loaded = load_path(tmp_path / "r.mid")
    back = loaded.x[0, 0]
    last = np.flatnonzero(roll.any(axis=0)).max() + 1
    np.testing.assert_array_equal(back[:, :last], roll[:, :last])
    assert loaded.levels == 1


def test_wav_round_trip(tmp_path):
    audio = (0.5 * np.sin(np.arange(4000) / 5)).astype(np.float32)
    write_wav(tmp_path / "a.wav", audio, 8000)
    loaded = load_path(tmp_path / "a.wav")
    np.testing.assert_allclose(loaded.x, rep.mel_patches(audio, 8000), atol=1e-3)


def test_sha256_file_streams_the_whole_file(tmp_path):
    data = RNG.integers(0, 256, 3 * 2**20 + 17, dtype=np.uint8).tobytes()
    (tmp_path / "blob").write_bytes(data)
    assert sha256_file(tmp_path / "blob") == hashlib.sha256(data).hexdigest()
