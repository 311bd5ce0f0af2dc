"""MIDI as a person plays it into a recorder without a click (for tests and the performance benchmark).

The notes' positions in quarter notes are played at a beat that drifts around `bpm` (a random walk of
`drift` per beat, at most `max_drift` in the log), each onset and release off by Gaussian `asynchrony`
seconds, each note held `articulation` (+- `articulation_spread`) of its written length, each chord
rolled from the bass up over `roll` seconds, velocities drawn from `velocities`, the last `ritardando[0]`
beats slowed down to `ritardando[1]` times the tempo; the file keeps the recorder's
defaults (120 bpm, 480 ticks per quarter), so its ticks keep no relation to the music's beat.
"""
import io
from dataclasses import dataclass

import numpy as np

from engine.data import representations


@dataclass(frozen=True)
class Performer:
    bpm: float = 72.0
    drift: float = 0.03
    max_drift: float = 0.15
    asynchrony: float = 0.012
    articulation: float = 1.0
    velocities: tuple = (45, 100)
    ritardando: tuple = (0, 1.0)  # (last beats, tempo factor reached at the end)
    articulation_spread: float = 0.0  # each note held articulation +- up to this (uniform)
    roll: tuple = (0.0, 0.0)  # each chord rolled from the bass up over a spread drawn in (low, high) seconds


def midi_notes(data):
    """(pitch, start, end) rows in quarter notes of a MIDI file's bytes (drums left out)."""
    import pretty_midi

    midi = pretty_midi.PrettyMIDI(io.BytesIO(data))
    rows = [(n.pitch, n.start, n.end) for inst in midi.instruments if not inst.is_drum for n in inst.notes]
    notes = np.array(rows, dtype=np.float64).reshape(-1, 3)
    notes[:, 1:] = representations.quarters_at(midi, notes[:, 1:])
    return notes


def roll_notes(roll):
    """(pitch, start, end) rows in quarter notes of a (128, steps) piano roll (a generator's output)."""
    from engine.data.writers import roll_notes as runs

    pitch, start, end, _ = runs(roll)
    return np.stack([pitch, start / representations.STEPS_PER_QUARTER, end / representations.STEPS_PER_QUARTER],
                    axis=1).astype(np.float64)


def unisons_merged(notes):
    """`notes` with the notes of one pitch that start together (two voices in unison) made one, held for the
    longer: one key, struck once (a MIDI file cannot hold both either: a note-off ends every open note of
    its pitch)."""
    order = np.lexsort((-notes[:, 2], notes[:, 1], notes[:, 0]))
    notes = notes[order]
    first = np.ones(len(notes), dtype=bool)
    first[1:] = (notes[1:, 0] != notes[:-1, 0]) | (notes[1:, 1] != notes[:-1, 1])
    return notes[first]


def rolled(notes, spread, rng):
    """Seconds each note of `notes` is struck after its chord's lowest note: the notes that start together
    rolled from the bass up, evenly over a spread drawn for each chord in `spread` (low, high)."""
    delay = np.zeros(len(notes))
    for start in np.unique(notes[:, 1]):
        chord = np.flatnonzero(notes[:, 1] == start)
        if chord.size > 1:
            rank = np.argsort(np.argsort(notes[chord, 0], kind="stable"))
            delay[chord] = rng.uniform(*spread) * rank / (chord.size - 1)
    return delay


def perform(notes, performer, seed):
    """The bytes of a MIDI file of `notes` ((pitch, start, end) in quarter notes) played by `performer`."""
    import pretty_midi

    rng = np.random.default_rng(seed)
    notes = unisons_merged(notes)
    beats = int(np.ceil(notes[:, 2].max())) + 2
    tempo = np.exp(np.clip(np.cumsum(rng.normal(0, performer.drift, beats)), -performer.max_drift,
                           performer.max_drift))
    slow, factor = performer.ritardando
    if slow:
        last = int(np.ceil(notes[:, 2].max()))
        tempo[max(0, last - slow):] *= np.linspace(1.0, factor, beats - max(0, last - slow))
    length = 60.0 / (performer.bpm * tempo)  # seconds of each beat
    starts = np.concatenate([[0.0], np.cumsum(length)])

    def seconds(quarters):
        beat = np.minimum(np.floor(quarters).astype(int), beats - 1)
        return starts[beat] + (quarters - beat) * length[beat]

    on = seconds(notes[:, 1]) + rng.normal(0, performer.asynchrony, len(notes))
    if performer.roll[1] > 0:
        on += rolled(notes, performer.roll, rng)
    held = performer.articulation
    if performer.articulation_spread:
        held = held + rng.uniform(-performer.articulation_spread, performer.articulation_spread, len(notes))
    written_end = notes[:, 1] + held * (notes[:, 2] - notes[:, 1])
    off = seconds(written_end) + rng.normal(0, performer.asynchrony, len(notes))
    on = np.maximum(on, 0.0)
    off = np.maximum(off, on + 0.03)
    for pitch in np.unique(notes[:, 0]):  # a key is released before it is struck again
        same = np.flatnonzero(notes[:, 0] == pitch)
        same = same[np.argsort(on[same], kind="stable")]
        off[same[:-1]] = np.minimum(off[same[:-1]], np.maximum(on[same[1:]] - 0.005, on[same[:-1]] + 0.01))
    midi = pretty_midi.PrettyMIDI(resolution=480, initial_tempo=120.0)
    piano = pretty_midi.Instrument(program=0)
    low, high = performer.velocities
    piano.notes = [pretty_midi.Note(velocity=int(rng.integers(low, high + 1)), pitch=int(p), start=float(s),
                                    end=float(e)) for p, s, e in zip(notes[:, 0], on, off)]
    midi.instruments.append(piano)
    buffer = io.BytesIO()
    midi.write(buffer)
    return buffer.getvalue()
