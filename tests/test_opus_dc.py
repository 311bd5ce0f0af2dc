"""libopus's DC filter's decay into a script's padding is read as the padding it was, and a recording's own decay is
not (engine/data/opus_dc.py)."""
import numpy as np
import soundfile

from engine.data import opus_dc, padding
from engine.data.formats.audio import codec_silence

RATE = 16000
STEP = 2.0 ** -15
OFFSET = 0.011  # about 360 steps: the Speech Commands speaker whose clips were read wrongly through Opus


def word(seconds, rng):
    """A voiced sound cut abruptly at both ends, over a recorder's DC offset."""
    t = np.arange(int(seconds * RATE)) / RATE
    voiced = 0.05 * sum(np.sin(2 * np.pi * k * 140 * t) / k for k in range(1, 12))
    return OFFSET + voiced + 0.001 * rng.standard_normal(t.size)


def through_opus(recorded, tmp_path):
    path = tmp_path / "clip.ogg"
    soundfile.write(str(path), np.asarray(recorded, dtype=np.float32), RATE, format="OGG", subtype="OPUS")
    return soundfile.read(str(path), dtype="float32")[0]


def test_an_offset_word_s_padding_through_opus_is_read_back_as_zeros(tmp_path):
    rng = np.random.default_rng(1)
    recorded = np.concatenate([word(0.7, rng), np.zeros(int(0.3 * RATE))])
    decoded = through_opus(recorded, tmp_path)
    assert np.abs(decoded[-int(0.05 * RATE):]).max() > STEP  # the decay runs to the last sample: no silent end
    found = opus_dc.decay_length(decoded, RATE)
    assert 0.2 * RATE <= found <= 0.3 * RATE + opus_dc.WINDOW_SECONDS * RATE  # within the padding, most of it
    stop = padding.speech_bounds(codec_silence(decoded, RATE, "OPUS"), RATE)[1]
    assert abs(stop - 0.7 * RATE) <= 0.02 * RATE  # the padding set aside where it was recorded


def test_a_reverberant_ending_decaying_at_the_filter_s_rate_is_left_as_decoded(tmp_path):
    rng = np.random.default_rng(2)
    t = np.arange(int(0.3 * RATE)) / RATE
    tail = 0.05 * np.exp(-t / opus_dc.TIME_CONSTANT) * rng.standard_normal(t.size)  # a room's decay, no zeros
    decoded = through_opus(np.concatenate([word(0.7, rng), OFFSET + tail]), tmp_path)
    assert opus_dc.decay_length(decoded, RATE) == 0


def test_a_recording_ending_on_its_own_floor_is_left_as_decoded(tmp_path):
    rng = np.random.default_rng(3)
    floor = OFFSET + 0.0003 * rng.standard_normal(int(0.3 * RATE))  # the offset and a floor 10 steps RMS to the end
    decoded = through_opus(np.concatenate([word(0.7, rng), floor]), tmp_path)
    assert opus_dc.decay_length(decoded, RATE) == 0
    assert np.allclose(codec_silence(decoded, RATE, "OPUS")[-int(0.2 * RATE):], decoded[-int(0.2 * RATE):],
                       rtol=0, atol=STEP / 2)


def test_only_a_decay_at_the_filter_s_own_rate_is_read():
    rng = np.random.default_rng(4)
    t = np.arange(int(0.3 * RATE)) / RATE
    sound = 0.1 * rng.standard_normal(int(0.5 * RATE))
    for scale, read in ((1.0, True), (1.5, False), (0.67, False)):  # an AC-coupled recorder's filter at another cutoff
        decay = np.round(-400 * np.exp(-t / (scale * opus_dc.TIME_CONSTANT)) + rng.normal(0, 1, t.size)) * STEP
        assert bool(opus_dc.decay_length(np.concatenate([sound, decay]), RATE)) is read


def test_only_an_opus_recording_is_read_so():
    rng = np.random.default_rng(5)
    t = np.arange(int(0.3 * RATE)) / RATE
    clip = np.concatenate([0.1 * rng.standard_normal(int(0.5 * RATE)),
                           np.round(-400 * np.exp(-t / opus_dc.TIME_CONSTANT)) * STEP]).astype(np.float32)
    assert np.array_equal(codec_silence(clip, RATE, "MPEG_LAYER_III")[-100:], clip[-100:])  # MP3 keeps the offset
    assert not codec_silence(clip, RATE, "OPUS")[-int(0.25 * RATE):].any()
