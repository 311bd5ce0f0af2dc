"""A coarse recorder's clicks in its digital silence (engine/detectors/recorder_clicks.py): the clicks and the zero
runs next to them are set aside by noise-floor, as written, through Opus and through a band filter's ringing; a
synthesiser's faint lead-in burst and a word are no clicks."""
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


def band_filtered(audio):
    """`audio` through an editor's band filter (second-order highpass at 100 Hz, lowpass at 3.4 kHz, as ffmpeg's
    biquads), written at 16 bits: the zeros stay zeros once the filter's response to a click has rung out."""
    from scipy import signal

    for kind, cutoff in (("highpass", 100), ("lowpass", 3400)):
        audio = signal.sosfilt(signal.butter(2, cutoff, kind, fs=RATE, output="sos"), audio)
    return np.round(audio * 32768) / 32768


def test_a_recorders_click_through_a_band_filter_is_set_aside_with_its_zeros(monkeypatch):
    from engine.detectors import recorder_clicks

    filtered = band_filtered(recording(np.array([STEP_8])))
    start = int(0.3 * RATE)
    assert filtered[start] != 0 and filtered[start + int(0.005 * RATE)] != 0  # the click rings ...
    assert not filtered[start + int(0.05 * RATE):start + int(0.3 * RATE)].any()  # ... out into the recorder's zeros
    assert click_silence(filtered)[start + int(0.1 * RATE)]
    assert floor_depth(filtered)[0] <= PLAUSIBLE_DB
    monkeypatch.setattr(recorder_clicks, "RING_SECONDS", 0.0)  # as read before: its ringing louder than a codec's smear
    monkeypatch.setattr(recorder_clicks, "CLICK_LEVEL", 128 / 32768)  # ... above the smear below half a step
    assert floor_depth(filtered)[0] > PLAUSIBLE_DB


def test_a_reference_take_requantised_to_eight_bits_and_band_filtered_is_read_as_a_recorder():
    path = next(f for f in builtins.corpus_files("fsdd") if str(f).endswith("2_lucas_2.wav"))
    take = np.round(np.asarray(load_path(str(path)).audio, dtype=np.float64).ravel() * 128) / 128
    assert floor_depth(band_filtered(take))[0] <= PLAUSIBLE_DB


def test_a_recorders_click_under_a_noise_reducers_floor_gain_is_set_aside_with_its_zeros(monkeypatch):
    from engine.detectors import recorder_clicks

    reduced = recording(np.array([STEP_8, -STEP_8]) / 4)  # a lone step under afftdn's 12 dB floor gain: 64, not 256
    start = int(0.3 * RATE)
    assert click_silence(reduced)[start + int(0.1 * RATE)]
    assert floor_depth(reduced)[0] <= PLAUSIBLE_DB
    monkeypatch.setattr(recorder_clicks, "CLICK_LEVEL", 128 / 32768)  # as read before: below half a step, no click
    assert floor_depth(reduced)[0] > PLAUSIBLE_DB



def test_a_recorders_take_written_at_16_khz_is_read_as_a_recorder_through_the_resamplers_residue(tmp_path, monkeypatch):
    # lucas' take on the 8-bit grid, then a pause and a burst of lone steps (as wlhjkl's 8-bit takes end), written at
    # 16 kHz: read back at the speech rate, soxr leaves values far below a step in the zero runs, which are not the
    # exact zeros the recorder's rules read unless written as zeros (before: 300 dB down, a synthesiser's silence)
    import soxr

    path = next(f for f in builtins.corpus_files("fsdd") if str(f).endswith("2_lucas_2.wav"))
    take = np.round(np.asarray(load_path(str(path)).audio, dtype=np.float64).ravel() * 128) / 128
    burst = STEP_8 * np.array([-1, 0, 0, 0, -1, -1, 0, 0, 1, 0, 0, 1, 1, 0, 0, -1, -1, 0, -1, 0, 1, 1])
    audio = np.concatenate([take, np.zeros(int(0.14 * RATE)), burst, np.zeros(RATE)])
    wide = tmp_path / "take_16k.wav"
    soundfile.write(wide, soxr.resample(audio, RATE, 16000), 16000, subtype="PCM_16")
    assert floor_depth(np.asarray(load_path(str(wide)).audio, dtype=np.float64).ravel(), 16000)[0] <= PLAUSIBLE_DB
    monkeypatch.setattr(representations, "FLOAT_RESIDUE", 0.0)  # the residue kept, as read before
    read = np.asarray(load_path(str(wide)).audio, dtype=np.float64).ravel()
    assert np.any((read != 0) & (np.abs(read) < 2.0 ** -24))
    assert floor_depth(read, 16000)[0] > PLAUSIBLE_DB


def interpolated_by_two(source):
    """`source` (at RATE) upsampled by 2 as an interpolating resampler does: its samples kept at the even positions,
    a windowed sinc's values between them, rounded to 16 bits."""
    taps = np.arange(-16, 16) + 0.5
    between = np.convolve(source, (np.sinc(taps) * np.hanning(taps.size))[::-1], "same")
    out = np.empty(2 * source.size)
    out[0::2], out[1::2] = source, np.r_[between[1:], 0.0]
    return np.round(out * 32768) / 32768


def test_an_eight_bit_take_upsampled_by_two_is_read_on_the_phase_that_keeps_it(tmp_path):
    from engine.data import representations

    path = next(f for f in builtins.corpus_files("fsdd") if str(f).endswith("2_lucas_2.wav"))
    take = np.round(np.asarray(load_path(str(path)).audio, dtype=np.float64).ravel() * 128) / 128
    wide = tmp_path / "take_16k.wav"
    soundfile.write(wide, interpolated_by_two(take), 2 * RATE, subtype="PCM_16")
    assert np.array_equal(np.asarray(load_path(str(wide)).audio, dtype=np.float64).ravel(), take)
    sixteen_bit = interpolated_by_two(np.asarray(load_path(str(path)).audio, dtype=np.float64).ravel())
    assert representations.source_phase(sixteen_bit.astype(np.float32), 2 * RATE) is None  # no phase on the 8-bit grid
    native_eight_bit = np.round(sixteen_bit * 128) / 128  # an 8-bit recording made at 16 kHz: every phase on the grid
    assert representations.source_phase(native_eight_bit.astype(np.float32), 2 * RATE) is None
