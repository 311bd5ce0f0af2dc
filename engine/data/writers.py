"""Intensity maps back to files an analyst can open: PNG, MIDI, WAV, and float .npy arrays.
Every write is atomic (a temporary file in the same folder, then os.replace), so a crash
never leaves half a file."""
import io

import numpy as np

from engine.atomic import atomic_output
from engine.data import representations


def atomic_write_bytes(path, data):
    with atomic_output(path) as tmp, open(tmp, "wb") as fh:
        fh.write(data)


def write_npy(path, array):
    """Any array as float32 .npy (never pickled)."""
    with atomic_output(path, ".npy") as tmp:
        np.save(tmp, np.ascontiguousarray(array, dtype=np.float32), allow_pickle=False)


def write_png(path, intensity_map):
    """(h, w), (1, h, w) or (3, h, w) values in [0,1] -> 8-bit grey or RGB PNG (values clipped, rounded)."""
    from PIL import Image

    values = np.asarray(intensity_map, dtype=np.float32)
    values = values[None] if values.ndim == 2 else values
    if values.ndim != 3 or values.shape[0] not in (1, 3):
        raise ValueError(f"expected a (1|3, h, w) map, got shape {values.shape}")
    pixels = np.rint(np.clip(np.nan_to_num(values), 0, 1) * 255).astype(np.uint8)
    image = Image.fromarray(pixels[0]) if pixels.shape[0] == 1 else Image.fromarray(np.moveaxis(pixels, 0, -1))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    atomic_write_bytes(path, buffer.getvalue())


def roll_notes(roll):
    """(pitch, start step, end step, velocity) arrays: one note per run of equal non-zero velocity."""
    velocity = np.rint(np.clip(np.asarray(roll, dtype=np.float32), 0, 1) * 127).astype(np.int64)
    padded = np.pad(velocity, ((0, 0), (1, 1)))
    pitch, step = np.nonzero(padded[:, 1:] != padded[:, :-1])  # run boundaries, pitch-major order
    value = padded[pitch, step + 1]
    sounding = np.flatnonzero(value > 0)  # each sounding run is closed by the next boundary of its pitch
    return pitch[sounding], step[sounding], step[sounding + 1], value[sounding]


def write_midi(path, roll, step=0.125):
    """(128, T) piano roll in [0,1] -> MIDI file, `step` seconds per column (tempo set so a column
    is a sixteenth note, so reading it back gives the same roll)."""
    import pretty_midi

    roll = np.asarray(roll)
    if roll.ndim != 2 or roll.shape[0] != representations.PITCHES:
        raise ValueError(f"expected a ({representations.PITCHES}, T) piano roll, got shape {roll.shape}")
    tempo = 60.0 / (step * representations.STEPS_PER_QUARTER)
    midi = pretty_midi.PrettyMIDI(initial_tempo=tempo)
    piano = pretty_midi.Instrument(program=0)
    piano.notes = [pretty_midi.Note(velocity=int(v), pitch=int(p), start=s * step, end=e * step)
                   for p, s, e, v in zip(*roll_notes(roll))]
    midi.instruments.append(piano)
    buffer = io.BytesIO()
    midi.write(buffer)
    atomic_write_bytes(path, buffer.getvalue())


def write_wav(path, audio, sr):
    """Mono (n,) or (n, channels) float audio in [-1, 1] -> 16-bit PCM WAV at `sr` Hz (clipped); int16 samples are
    written as they are (a float's conversion would scale them by 32767, not the 32768 they are read back with)."""
    import soundfile

    buffer = io.BytesIO()
    audio = np.asarray(audio)
    samples = audio if audio.dtype == np.int16 else np.clip(audio.astype(np.float32), -1, 1)
    soundfile.write(buffer, samples, int(sr), subtype="PCM_16", format="WAV")
    atomic_write_bytes(path, buffer.getvalue())
