"""A transform codec's smear of a script's zero padding is read as the padding it was, and nothing before the padding's
edge is (engine/data/codec_edges.py)."""
import numpy as np
import soundfile

from engine.data import codec_edges, padding
from engine.data.formats.audio import codec_silence

RATE = 16000
STEP = 2.0 ** -15


def word(seconds, rng, level=0.1):
    """Noise at `level` RMS with abrupt ends: a word cut by a script (a microphone's sound up to the cut)."""
    return level * rng.standard_normal(int(seconds * RATE))


def smear(seconds, start_steps, rng, db_per_window=1.0):
    """A codec's smear into silence, rounded to 16 bits: noise from `start_steps` RMS falling `db_per_window` dB every
    5 ms, then one-step blips every 20 ms (what Opus writes over a script's zeros)."""
    n = int(seconds * RATE)
    decay = 10 ** (-(np.arange(n) / (codec_edges.WINDOW_SECONDS * RATE)) * db_per_window / 20)
    out = np.round(start_steps * decay * rng.standard_normal(n)) * STEP
    blips = np.zeros(int(0.3 * RATE))
    blips[::int(0.02 * RATE)] = STEP
    return np.concatenate([out, blips])


def test_a_smear_after_a_cut_word_is_read_as_the_padding_to_within_a_few_windows():
    rng = np.random.default_rng(1)
    tail = smear(0.3, 300, rng)  # the word at about 3000 steps, the smear from 20 dB below it
    clip = np.concatenate([word(0.4, rng), tail]).astype(np.float32)
    found = codec_edges.smear_length(clip[::-1], RATE)
    assert abs(found - tail.size) <= 3 * codec_edges.WINDOW_SECONDS * RATE


def test_the_restored_padding_is_set_aside_as_the_recorded_padding_was():
    rng = np.random.default_rng(2)
    recorded = np.concatenate([word(0.4, rng), np.zeros(int(0.6 * RATE))]).astype(np.float32)  # a 1-s clip
    decoded = np.concatenate([recorded[:int(0.4 * RATE)], smear(0.3, 300, rng)]).astype(np.float32)
    decoded = np.concatenate([decoded, np.zeros(recorded.size - decoded.size, np.float32)])
    assert padding.speech_bounds(recorded, RATE)[1] == int(0.4 * RATE)
    assert padding.speech_bounds(decoded, RATE)[1] > 0.6 * RATE  # the smear read as sound decaying into silence
    stop = padding.speech_bounds(codec_silence(decoded, RATE, "OPUS"), RATE)[1]
    assert abs(stop - 0.4 * RATE) <= 3 * codec_edges.WINDOW_SECONDS * RATE


def test_a_recorder_s_floor_before_the_padding_is_not_read_as_smear():
    rng = np.random.default_rng(3)
    floor = 30 * STEP * rng.standard_normal(int(0.15 * RATE))  # a steady floor 40 dB below the word
    clip = np.concatenate([word(0.4, rng), floor, smear(0.3, 10, rng)]).astype(np.float32)
    kept = clip.size - codec_edges.smear_length(clip[::-1], RATE)
    assert kept >= int(0.55 * RATE) - 3 * codec_edges.WINDOW_SECONDS * RATE  # the floor stays, the smear goes


def test_an_end_with_sound_to_the_last_sample_is_left_as_decoded():
    rng = np.random.default_rng(4)
    clip = np.concatenate([word(0.4, rng), 20 * STEP * rng.standard_normal(int(0.3 * RATE))]).astype(np.float32)
    assert codec_edges.smear_length(clip[::-1], RATE) == 0
    assert np.allclose(codec_silence(clip, RATE, "OPUS"), clip, rtol=0, atol=STEP / 2)  # at most residue set to 0


def test_only_a_transform_codec_s_recording_is_read_so():
    rng = np.random.default_rng(5)
    clip = np.concatenate([word(0.4, rng), smear(0.3, 300, rng)]).astype(np.float32)
    assert codec_silence(clip, RATE, "PCM_16") is clip  # a PCM file's decay into zeros is its own
    assert not codec_silence(clip, RATE, "OPUS")[int(0.45 * RATE):].any()


def test_a_padded_clip_through_opus_is_read_with_its_padding_where_it_was(tmp_path):
    rng = np.random.default_rng(6)
    t = np.arange(int(0.4 * RATE)) / RATE
    voiced = 0.2 * sum(np.sin(2 * np.pi * k * 130 * t) / k for k in range(1, 15)) + 0.002 * rng.standard_normal(t.size)
    recorded = np.concatenate([voiced, np.zeros(int(0.6 * RATE))]).astype(np.float32)
    path = tmp_path / "clip.ogg"
    soundfile.write(str(path), recorded, RATE, format="OGG", subtype="OPUS")
    decoded = soundfile.read(str(path), dtype="float32")[0]
    stop = padding.speech_bounds(codec_silence(decoded, RATE, "OPUS"), RATE)[1]
    assert abs(stop - 0.4 * RATE) <= 0.02 * RATE
