"""The echo copy (engine/detectors/echo_copy.py), read by repeated-cycle: espeak-ng's echoing voices add
floor(amplitude x the output `delay` ms before / 256) to every sample and play the echo alone after the last word,
so a quiet stretch is the waveform a delay before it, scaled, to within rounding; a room's reverberation is no such
copy, and a steady hum (as loud a delay later) is no echo."""
import numpy as np
import soundfile

from engine.data.builtins import corpus_files
from engine.detectors import echo_copy
from engine.detectors.echo_copy import closest_echo, echo_closeness
from engine.detectors.repeated_cycle import (ECHO_PLAUSIBLE, PLAUSIBLE, counted_echo, counted_scores, enough_bits)
from tests.test_cycle_jitter import RATE, voiced


def word(seed=0):
    """0.4 s of a jittered vowel with 20 ms fades, then 0.25 s of nothing, in 16-bit units."""
    vowel = voiced(seconds=0.4, sigma=0.01, seed=seed) * 8000 / 0.1
    ramp = np.linspace(0, 1, 160)
    vowel[:160] *= ramp
    vowel[-160:] *= ramp[::-1]
    return np.concatenate([vowel, np.zeros(int(0.25 * RATE))])


def with_echo(source, delay_ms, amplitude):
    """espeak-ng's echo at 8 kHz: z[n] = source[n] + floor(z[n - delay] x amplitude / 256), in 16-bit integers."""
    delay = delay_ms * RATE // 1000
    z = np.zeros(source.size, dtype=np.int64)
    for n in range(source.size):
        z[n] = int(round(source[n])) + (z[n - delay] * amplitude >> 8 if n >= delay else 0)
    return z / 32768.0


def in_a_room(source, seed=0):
    """The word in a room: convolved with 0.3 s of exponentially decaying noise (reflections), plus a faint floor."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(0.3 * RATE)) / RATE
    response = rng.normal(0, 1, t.size) * np.exp(-t / 0.05)
    response[0] = 20.0  # the direct sound
    wet = np.convolve(source, response)[:source.size]
    wet *= 8000 / np.abs(wet).max()
    return (np.round(wet + rng.normal(0, 2, wet.size))) / 32768.0


def test_an_echo_played_after_the_word_is_found_at_its_delay_and_level_and_counted():
    for delay_ms, amplitude in ((140, 10), (130, 15)):
        echoed = with_echo(word(), delay_ms, amplitude)
        share, delay, start, gain = closest_echo(echoed, enough_bits)
        assert delay == delay_ms * RATE // 1000
        assert abs(gain - 20 * np.log10(amplitude / 256)) < 0.5
        assert start >= 0.4 * RATE  # in the echo after the word
        assert echo_closeness((share,)) > ECHO_PLAUSIBLE
        assert counted_scores([echoed])[0] > PLAUSIBLE


def test_a_rooms_reverberation_is_no_echo_copy():
    reverberant = in_a_room(word(seed=1))
    assert echo_closeness(closest_echo(reverberant, enough_bits)) < ECHO_PLAUSIBLE - 1
    assert counted_scores([reverberant])[0] == 0


def test_a_steady_hum_matches_itself_a_delay_on_but_is_as_loud_there_so_no_echo(monkeypatch):
    rng = np.random.default_rng(2)  # a loud word, then a 50 Hz hum 30 dB down over a faint floor
    hum = 0.003 * np.sin(2 * np.pi * 50 * np.arange(RATE) / RATE) + rng.normal(0, 2e-5, RATE)
    recording = np.concatenate([word(seed=2)[:int(0.4 * RATE)] / 32768, hum])
    assert echo_closeness(closest_echo(recording, enough_bits)) < 1
    monkeypatch.setattr(echo_copy, "GAIN_DB", -100.0)  # a copy as loud as its source allowed
    assert echo_closeness(closest_echo(recording, enough_bits)) > ECHO_PLAUSIBLE


def test_counted_echo_starts_at_its_bound_as_a_cycle_repeat_at_plausible():
    counted = counted_echo([0.0, ECHO_PLAUSIBLE - 0.01, ECHO_PLAUSIBLE, ECHO_PLAUSIBLE + 2.5])
    assert np.allclose(counted, [0.0, 0.0, PLAUSIBLE, PLAUSIBLE + 2.5])


def test_real_recordings_quiet_stretches_copy_nothing_so_closely():
    files = corpus_files("fsdd")
    for k in range(300, 330, 5):
        audio = soundfile.read(files[k], dtype="float64")[0]
        assert echo_closeness(closest_echo(audio, enough_bits)) < ECHO_PLAUSIBLE - 1


def test_an_echoed_word_is_labelled_generated_by_repeated_cycle_with_the_echo_as_reason(fsdd_case, tmp_path):
    from engine.verdict import judge

    echoed, dry = tmp_path / "echoed.wav", tmp_path / "dry.wav"
    source = word(seed=3) + np.random.default_rng(3).normal(0, 3, word().size)  # a floor, so no digital silence
    soundfile.write(str(echoed), with_echo(source, 140, 10), RATE, subtype="PCM_16")
    soundfile.write(str(dry), np.round(source) / 32768, RATE, subtype="PCM_16")
    generated, plain = judge(fsdd_case, [str(echoed), str(dry)])["files"]
    entry = generated["detectors"]["repeated-cycle"]
    assert entry["score"] > PLAUSIBLE and entry["tail_probability"] <= 0.01 * entry["weight"]
    assert generated["label"] == "generated"
    assert any(r.startswith("repeated-cycle:") and "waveform 140 ms before it, 28 dB down" in r and "digital echo" in r
               for r in generated["reasons"])
    assert plain["detectors"]["repeated-cycle"]["score"] == 0
