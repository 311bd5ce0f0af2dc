"""Digital silence an 8-bit recorder wrote, in a finer file (engine/data/eight_bit_silence.py,
engine/detectors/eight_bit_floor.py): read from the samples, noise-floor alone stands aside."""
import io

import numpy as np
import soundfile

from engine.data.channels import audio_channel
from engine.data.eight_bit_silence import written_at_eight_bits
from engine.detectors import aside_marks, eight_bit_floor
from engine.detectors.channel_keys import channel_key
from engine.detectors.channels import StandAside, channel_detectors
from tests.test_far_field import Named

RATE = 8000
PCM = {"subtype": "ULAW", "native_sample_rate": RATE, "lossy": True, "bandwidth_hz": 4000}


def take(seed=0):
    """A vowel-like 0.3 s between a quiet room's floor (-60 dB of full scale) and 0.2 s of pause at each end."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(0.3 * RATE)) / RATE
    voice = 0.3 * np.sin(2 * np.pi * 150 * t) * np.hanning(t.size) + 0.1 * np.sin(2 * np.pi * 900 * t)
    pause = np.zeros(int(0.2 * RATE))
    return np.concatenate([pause, voice, pause]) + 0.001 * rng.standard_normal(2 * pause.size + t.size)


def eight_bits(x):
    """`x` on the grid of an 8-bit recorder that rounds to the nearest step: its floor below half a step becomes 0."""
    return np.round(x * 128) / 128


def through(x, subtype):
    buffer = io.BytesIO()
    soundfile.write(buffer, x, RATE, subtype=subtype, format="WAV")
    buffer.seek(0)
    return soundfile.read(buffer, dtype="float32")[0]


def test_an_eight_bit_recorders_silence_is_read_as_written_at_16_bits_and_through_mu_law():
    for subtype in ("PCM_16", "ULAW"):
        assert written_at_eight_bits(through(eight_bits(take()), subtype), RATE), subtype


def test_a_recording_made_with_16_bits_is_not_read_so_nor_an_eight_bit_one_without_a_pause_of_zeros_or_at_a_gain():
    silent = take()
    silent[:1600] = 0  # a synthesiser's digital silence before a word recorded at 16 bits
    for subtype in ("PCM_16", "ULAW"):
        assert not written_at_eight_bits(through(silent, subtype), RATE), subtype
    floor = eight_bits(take() + 0.01 * np.random.default_rng(1).standard_normal(take().size))  # above half a step
    assert np.max(np.abs(floor)) > 0 and not written_at_eight_bits(floor, RATE)
    assert not written_at_eight_bits(through(0.5 * eight_bits(take()), "PCM_16"), RATE)  # its grid's steps are 128


def test_the_channel_reads_it_in_a_finer_file_only():
    x = through(eight_bits(take()), "ULAW")
    assert audio_channel("ULAW", RATE, x, "WAV")["eight_bit_silence"] is True
    assert "eight_bit_silence" not in audio_channel("PCM_U8", RATE, eight_bits(take()), "WAV")  # its channel says so
    assert "eight_bit_silence" not in audio_channel("ULAW", RATE, through(take(), "ULAW"), "WAV")


def test_noise_floor_alone_stands_aside_on_the_detectors_of_the_channel_without_the_reading():
    key = channel_key({"channel": {**PCM, "eight_bit_silence": True}})
    assert aside_marks.last(key) == eight_bit_floor.EIGHT_BIT_SILENCE
    assert aside_marks.unmarked(key) == channel_key({"channel": PCM}) == ("audio", "ULAW", None, None, None)
    detectors = [Named(name) for name in ("features", "checkerboard", "noise-floor", "synthetic-voice")]
    asked = []

    def for_channel(k):
        asked.append(k)
        return detectors, "channel codec ULAW: ..."

    out, note = channel_detectors(detectors, {}, key, for_channel=for_channel)
    assert asked == [("audio", "ULAW", None, None, None)]
    assert [type(d) is StandAside for d in out] == [False, False, True, False]
    assert "8-bit grid" in out[2].why and note.endswith(eight_bit_floor.NOTE)
