"""Dithered silence (engine/detectors/dithered_silence.py): digital silence requantised with triangular dither
reads as the silence it dithers; a sub-step residual of a suppressed floor, rounded, does not."""
import numpy as np
from scipy import signal

from engine.data.padding import PLAUSIBLE_DB
from engine.detectors.dithered_silence import STEP_16, dithered_runs, undithered
from engine.detectors.noise_floor import floor_depth

RATE = 8000


def tpdf(n, seed=0):
    """Triangular dither on exact zeros, rounded to 16-bit steps (as SoX writes a silence)."""
    rng = np.random.default_rng(seed)
    return np.round(rng.uniform(-0.5, 0.5, n) + rng.uniform(-0.5, 0.5, n)) * STEP_16


def residual(n, seed=0):
    """A suppressed floor: a room's noise (low-passed) brought below a step, rounded to 16-bit steps."""
    noise = signal.lfilter([1.0], [1.0, -0.9], np.random.default_rng(seed).normal(size=n))
    return np.round(0.7 * noise / noise.std()) * STEP_16


def word(seed=0):
    """A 0.4 s voiced word at 16 bits (loud frames about 3,500 steps RMS, as FSDD takes), stopping abruptly, with a
    step's dither of its own."""
    t = np.arange(int(0.4 * RATE)) / RATE
    return np.round(0.15 * np.sin(2 * np.pi * 150 * t + 1.0) / STEP_16) * STEP_16 + tpdf(t.size, seed + 1)


def test_triangular_dither_on_silence_is_found_and_read_as_the_silence():
    silence = tpdf(2400)
    audio = np.concatenate([word(), silence])
    runs = dithered_runs(audio)
    assert len(runs) == 1
    start, stop, constant = runs[0]
    assert constant == 0.0 and abs(start - word().size) <= 8 and stop == audio.size
    cleaned, count = undithered(audio)
    assert np.all(cleaned[start:stop] == 0.0) and count == stop - start
    assert np.array_equal(cleaned[:start], audio[:start])


def test_a_suppressors_rounded_residual_is_not_dither():
    for seed in range(5):
        assert dithered_runs(residual(2400, seed)) == []
    assert dithered_runs(tpdf(2400) * 3) == []  # wider than a step either way
    assert dithered_runs(tpdf(2400) + 0.3 * STEP_16) == []  # off the 16-bit grid: a float file's own floor


def test_noise_floor_reads_a_dithered_silence_beyond_a_microphone():
    """espeak-ng resampled to 8 kHz by SoX: its 0.3 s of silence is dither (0.5 step RMS), which the 16-bit
    rounding allowance would read as 2 steps; read as the silence, it lies beyond PLAUSIBLE_DB. A suppressor's
    residual in its place stays read at the rounding allowance."""
    dithered = np.concatenate([word(), tpdf(2400)])
    depth, silent, _, _ = floor_depth(dithered)
    assert depth > PLAUSIBLE_DB and silent > 0.3
    suppressed = np.concatenate([word(), residual(2400)])
    assert floor_depth(suppressed)[0] < PLAUSIBLE_DB
