"""A signal generator's tone in a real recording (a test tone, a censor's bleep) is no synthesiser's repeated cycle:
cycles.pure_tone tells a sinusoid from a voice's cycle, the cycle tracker leaves such cycles out of its runs (so
repeated-cycle, cycle-jitter and pulse-grid never read them) and the native copy passes them over, so a real take
with a 1 kHz bleep scores as the take does (before: a repeat exact to rounding, no jitter, pulses on whole samples)."""
import numpy as np
import pytest
import soundfile

from engine.data.builtins import corpus_files
from engine.data.representations import to_speech_rate
from engine.data.sampleset import NativeAudio
from engine.detectors.cycle_jitter import jitter_scores
from engine.detectors.cycles import RATE, cycle_runs, pure_tone
from engine.detectors.native_copy import exact_copy
from engine.detectors.pulse_grid import grid_scores
from engine.detectors.repeated_cycle import counted_scores
from tests.test_cycle_jitter import voiced


@pytest.fixture(scope="module")
def takes():
    return [soundfile.read(f, dtype="float64")[0] for f in corpus_files("fsdd")[:40:8]]


def bleeped(take, rate, freq=1000.0, seconds=0.4, level=0.2, seed=0):
    """The take (8 kHz) held to `rate` with a faint hiss, a sinusoid written into its middle."""
    held = np.repeat(take, rate // RATE) + np.random.default_rng(seed).normal(0, 3e-4, take.size * (rate // RATE))
    tone = level * np.sin(2 * np.pi * freq * np.arange(int(seconds * rate)) / rate)
    return np.round(np.concatenate([held[:held.size // 2], tone, held[held.size // 2:]]) * 32767) / 32767


def test_a_sinusoid_is_a_pure_tone_and_a_voices_cycle_is_not(takes):
    for rate, freq, level in ((8000, 1000, 0.2), (8000, 440, 0.3), (16000, 997, 0.2), (48000, 1000, 0.5)):
        n = np.arange(rate // 50)
        assert pure_tone(np.round(level * np.sin(2 * np.pi * freq * n / rate) * 32767))
    vowel = voiced(seconds=0.5)  # harmonics, a formant
    assert not any(pure_tone(vowel[t:t + w]) for run in cycle_runs(vowel) for t, w, _ in run)
    for take in takes:
        assert not any(pure_tone(take[t:t + w]) for run in cycle_runs(take) for t, w, _ in run)


def test_a_real_take_with_a_bleep_scores_as_the_take_does(takes):
    for take in takes:
        with_bleep = to_speech_rate(bleeped(take, 16000), 16000)
        plain = to_speech_rate(bleeped(take, 16000, level=0.0), 16000)
        # the tone's cycles repeat exactly, hold their period and pulse on whole samples: without the rule,
        # repeated-cycle's 12, a jitter of 0 (cycle-jitter's bound) and pulse-grid would label the take generated
        assert counted_scores([with_bleep])[0] == counted_scores([plain])[0] == 0.0
        assert jitter_scores([with_bleep])[0] == jitter_scores([plain])[0] == 0.0
        assert grid_scores([with_bleep])[0] < 3.0  # a 1 kHz tone's period is 8 whole samples: z 50 and more


def test_a_bleep_in_a_file_as_written_is_no_copy_and_a_stored_frame_written_again_still_is(takes):
    rate = 48000
    samples = np.round(bleeped(takes[0], rate) * 32767).astype(np.int16)
    assert exact_copy(NativeAudio(rate, samples, rate // 2)) is None
    frame = np.random.default_rng(1).normal(0, 300, 400).astype(np.int16)
    samples[2000:3000] = np.resize(frame, 1000)  # a stored 400-sample frame written two and a half times
    assert exact_copy(NativeAudio(rate, samples, rate // 2))[3] == 400
