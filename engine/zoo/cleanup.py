"""Clean-ups of generated samples: the one-line edits a forger makes to hide a generator's
traces, applied to every zoo family's output so that the learned detectors also meet them.

- images: the faint background set to 0, strokes above a level set to 1, values re-quantised
  to the reference's grid (a PNG's 256 levels);
- speech (mel patches): the noise floor gated to silence (cells below a gate set to 0); a family kept as
  recordings (engine/zoo/families.py RecordingPool) gets the same gate as a noise-reduction tool applies it,
  on the waveform (`gate_recording`), so its cleaned copy is a recording too;
- music (piano rolls): notes thresholded, onsets and offsets quantised to an eighth-note grid,
  every velocity flattened to the reference's median.

A forger picks their own levels, so every sample gets its own, drawn (seeded) from the ranges
below, and the detectors learn the kind of edit rather than one threshold.
"""
import numpy as np

BACKGROUND = (0.04, 0.3)  # images: below this, background (MNIST's faint VAE haze sits at 0.01-0.1)
STROKE = (0.7, 0.95)  # images: above this, a full stroke (230/255 = 0.9)
GATE = (0.08, 0.25)  # speech: mel cells below this are the noise floor, gated to 0
MUSIC_GRID = 2  # music: steps of the onset grid (2 sixteenths = an eighth note)


def levels_per_sample(n, bounds, rng):
    """(n, 1, 1, 1) levels drawn uniformly within bounds, one per sample."""
    return rng.uniform(*bounds, size=(n, 1, 1, 1)).astype(np.float32)


def clean_images(x, levels, rng):
    x = np.clip(np.asarray(x, dtype=np.float32), 0, 1)
    background, stroke = levels_per_sample(len(x), BACKGROUND, rng), levels_per_sample(len(x), STROKE, rng)
    x = np.where(x < background, 0.0, np.where(x > stroke, 1.0, x))
    if levels:
        x = np.rint(x * levels) / levels  # levels: the grid's denominator (255 for 8-bit digits)
    return x.astype(np.float32)


def clean_speech(x, rng):
    x = np.clip(np.asarray(x, dtype=np.float32), 0, 1)
    return np.where(x < levels_per_sample(len(x), GATE, rng), 0.0, x).astype(np.float32)


def clean_music(x, velocity):
    """Rolls (n, 1, pitches, steps): each note (a run of steps >= 0.5) moved to start and end on the grid."""
    on = np.clip(np.asarray(x), 0, 1) >= 0.5
    out = np.zeros(on.shape, dtype=np.float32)
    steps = on.shape[-1]
    padded = np.pad(on, [(0, 0)] * (on.ndim - 1) + [(1, 1)])
    change = np.diff(padded.astype(np.int8), axis=-1)
    for index in zip(*np.nonzero((change != 0).any(axis=-1))):
        starts, = np.nonzero(change[index] == 1)
        ends, = np.nonzero(change[index] == -1)
        for start, end in zip(starts, ends):
            a = int(np.rint(start / MUSIC_GRID) * MUSIC_GRID)
            b = max(a + MUSIC_GRID, int(np.rint(end / MUSIC_GRID) * MUSIC_GRID))
            out[index][a:min(b, steps)] = velocity
    return out


def reference_velocity(x):
    nonzero = np.asarray(x)[np.asarray(x) > 0]
    return float(np.median(nonzero)) if nonzero.size else 0.8


def gate_recording(audio, gate):
    """Mono audio at SPEECH_RATE with its noise floor gated in the time-frequency plane: every STFT cell (the mel
    maps' window, size and hop) of a mel band whose cell lies below `gate` on the maps' scale (log(1 + 1000 M) /
    MEL_SCALE) set to 0, and the rest resynthesised by overlap-add (a spectral gate, as noise-reduction tools
    apply it). A bin follows the band that weights it most."""
    from engine.data import representations as rep
    from training.speech_fakes import istft, stft

    audio = np.asarray(audio, dtype=np.float64)
    window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(rep.N_FFT) / rep.N_FFT)
    spectrum = stft(audio, rep.N_FFT, rep.HOP, window)
    basis = rep.mel_filterbank().astype(np.float64)
    level = np.log1p(rep.COMPRESSION * (basis @ (spectrum.real ** 2 + spectrum.imag ** 2))) / rep.MEL_SCALE
    kept = (level >= gate)[np.argmax(basis, axis=0)]  # (bins, frames)
    return istft(spectrum * kept, rep.N_FFT, rep.HOP, window, audio.size).astype(np.float32)


def clean_recordings(recordings, rng):
    """16-bit recordings at SPEECH_RATE (int16 arrays), each gated at its own level drawn from GATE, as float
    audio."""
    from engine.zoo.families import PCM_FULL_SCALE

    return [gate_recording(np.asarray(pcm, dtype=np.float64) / PCM_FULL_SCALE, float(rng.uniform(*GATE)))
            for pcm in recordings]


# engine.modality's `cleanup` of each modality names one of these
CLEANUPS = {"pixel levels": lambda x, fit_x, levels, rng: clean_images(x, levels, rng),
            "noise gate": lambda x, fit_x, levels, rng: clean_speech(x, rng),
            "note grid": lambda x, fit_x, levels, rng: clean_music(x, reference_velocity(fit_x))}


def clean(x, modality_name, fit_x, levels, seed=0):
    """The cleaned-up copy of samples x of a modality (fit_x: the fitting part, for music's velocity)."""
    from engine.modality import modality

    return CLEANUPS[modality(modality_name).cleanup](x, fit_x, levels, np.random.default_rng(seed))
