"""A coarse recorder's clicks in its digital silence (engine/detectors/recorder_clicks.py): the clicks and the zero
runs next to them are set aside by noise-floor, as written and through Opus; a synthesiser's faint lead-in burst and a
word are no clicks."""
import io

import numpy as np
import soundfile

from engine.data import builtins, representations
from engine.data.formats import audio as audio_formats
from engine.data.loaders import load_path
from engine.detectors.noise_floor import PLAUSIBLE_DB, floor_depth
from engine.detectors.recorder_clicks import CLICK_LEVEL, CLICK_SECONDS, click_silence

RATE = 8000
STEP_8 = 1 / 128  # an 8-bit step at full scale 1


def word(seconds=0.5, amplitude=0.05):
    """A vowel-like word on the 8-bit grid, cut off abruptly at both ends as an 8-bit recorder's quiet room cuts it."""
    t = np.arange(int(seconds * RATE)) / RATE
    envelope = 0.6 + 0.4 * np.hanning(t.size)
    voice = amplitude * (np.cos(2 * np.pi * 140 * t) + 0.5 * np.sin(2 * np.pi * 700 * t)) * envelope
    return np.round(voice / STEP_8) * STEP_8


def recording(burst):
    """0.3 s of zeros, `burst`, 0.4 s of zeros, a word, 0.5 s of zeros."""
    zeros = np.zeros
    return np.concatenate([zeros(int(0.3 * RATE)), burst, zeros(int(0.4 * RATE)), word(), zeros(int(0.5 * RATE))])


def test_a_lone_step_between_zero_runs_is_set_aside_with_the_zeros_next_to_it():
    click = np.array([STEP_8, -STEP_8])  # an 8-bit recorder's floor crossing half a step, twice
    audio = recording(click)
    mask = click_silence(audio)
    start = int(0.3 * RATE)
    assert mask[start:start + click.size].all()  # the click
    assert mask[1:start].all() and mask[start + click.size:start + click.size + int(0.4 * RATE)].all()  # its zeros
    assert not mask[start + click.size + int(0.4 * RATE):].any()  # the word and the zeros after it
    assert floor_depth(audio)[0] <= PLAUSIBLE_DB  # read: the zeros between the click and the word were the recorder's


def test_a_faint_burst_or_a_word_between_zero_runs_is_no_click():
    faint = 16 / 32768 * np.sin(np.linspace(0, 20 * np.pi, int(0.01 * RATE)))  # festival's lead-in: 16-18 steps
    assert not click_silence(recording(faint)).any()
    assert floor_depth(recording(faint))[0] > PLAUSIBLE_DB  # a synthesiser's silence is still read
    short_word = word(seconds=2 * CLICK_SECONDS)  # more than CLICK_SECONDS of samples at the level
    assert np.count_nonzero(np.abs(short_word) >= CLICK_LEVEL) > CLICK_SECONDS * RATE
    assert not click_silence(recording(short_word)).any()


def opus(audio):
    """`audio` at RATE through libsndfile's Opus, read back as the product reads an Opus file, at the speech rate."""
    buffer = io.BytesIO()
    soundfile.write(buffer, audio, RATE, format="OGG", subtype="OPUS")
    mono, rate, _ = audio_formats.read_recording("take.ogg", buffer.getvalue())
    return np.asarray(representations.to_speech_rate(mono, rate), dtype=np.float64)


def test_a_reference_take_requantised_to_eight_bits_is_read_as_a_recorder_as_written_and_through_opus():
    # lucas' take 2_2 on an 8-bit grid: his quiet room rounds to zeros with lone steps in them (before this reading its
    # floor read 300 dB down as written and through Opus: a synthesiser's silence)
    path = next(f for f in builtins.corpus_files("fsdd") if str(f).endswith("2_lucas_2.wav"))
    take = np.round(np.asarray(load_path(str(path)).audio, dtype=np.float64).ravel() * 128) / 128
    assert click_silence(take).any()
    assert floor_depth(take)[0] <= PLAUSIBLE_DB
    assert floor_depth(opus(take))[0] <= PLAUSIBLE_DB
