"""The numpy beat tracker (engine/data/beat_tracker.py) against librosa's, which the packaged app leaves out:
the same tempo and the same beats on performed chorales' onset envelopes and on random ones."""
import io

import numpy as np
import pytest

from engine.data import beat_tracker
from engine.data import performance
from engine.data.builtins import corpus_files
from tests.performed_midi import Performer, midi_notes, perform

librosa = pytest.importorskip("librosa")
HOP = 256


def librosa_beats(envelope, bpm=None):
    tempo, frames = librosa.beat.beat_track(onset_envelope=envelope, sr=performance.FRAME_RATE * HOP, hop_length=HOP,
                                            start_bpm=performance.START_BPM, tightness=performance.TIGHTNESS,
                                            bpm=bpm, trim=False)
    return float(np.atleast_1d(tempo)[0]), frames


def performed_envelope(source, bpm, seed):
    import pretty_midi

    with open(source, "rb") as handle:
        data = perform(midi_notes(handle.read()), Performer(bpm=bpm), seed)
    midi = pretty_midi.PrettyMIDI(io.BytesIO(data))
    starts = np.sort([n.start for inst in midi.instruments for n in inst.notes])
    firsts, event = performance.chord_events(starts)
    frames = np.rint(firsts * performance.FRAME_RATE).astype(np.int64)
    envelope = np.zeros(int(frames.max()) + 2 * performance.FRAME_RATE)
    np.add.at(envelope, frames, np.bincount(event).astype(np.float64))
    return np.convolve(envelope, np.array([0.25, 0.5, 1.0, 0.5, 0.25]), mode="same")


def agree(ours, theirs):
    """Beats the same to a frame: the two sum in other orders, which may move a near-tie by a frame."""
    if ours.size != theirs.size:
        return False
    return np.mean(np.abs(ours - theirs) <= 1) >= 0.95


@pytest.mark.parametrize("bpm, seed", [(72, 0), (100, 1)])
def test_tempo_and_beats_match_librosa_on_a_performed_chorale(bpm, seed):
    envelope = performed_envelope(corpus_files("bach")[300 + seed], bpm, seed)
    their_tempo, their_beats = librosa_beats(envelope)
    our_tempo = beat_tracker.tempo(envelope, performance.FRAME_RATE, performance.START_BPM)
    assert our_tempo == pytest.approx(their_tempo, rel=1e-9)
    ours = beat_tracker.beat_frames(envelope, performance.FRAME_RATE, our_tempo, performance.TIGHTNESS)
    assert agree(ours, their_beats)
    assert agree(beat_tracker.beat_frames(envelope, performance.FRAME_RATE, 1.5 * bpm, performance.TIGHTNESS),
                 librosa_beats(envelope, bpm=1.5 * bpm)[1])


def test_tempo_and_beats_match_librosa_on_random_envelopes():
    rng = np.random.default_rng(7)
    for _ in range(5):
        envelope = np.zeros(int(rng.integers(600, 3000)))
        hits = rng.choice(envelope.size, size=envelope.size // 40, replace=False)
        envelope[hits] = rng.random(hits.size)
        envelope[0] = 1.0  # librosa's local score leaves out the first frame: kept alike
        their_tempo, their_beats = librosa_beats(envelope)
        our_tempo = beat_tracker.tempo(envelope, performance.FRAME_RATE, performance.START_BPM)
        assert our_tempo == pytest.approx(their_tempo, rel=1e-9)
        ours = beat_tracker.beat_frames(envelope, performance.FRAME_RATE, our_tempo, performance.TIGHTNESS)
    assert agree(ours, their_beats)


def test_an_empty_envelope_has_no_beats():
    assert beat_tracker.beat_frames(np.zeros(500), performance.FRAME_RATE, 90.0, performance.TIGHTNESS).size == 0
