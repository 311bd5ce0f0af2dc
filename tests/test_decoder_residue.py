"""A transform codec's decoder writes the digital silence it was given as float residue below half a 16-bit step;
the loader and the reference's codec path read it as the zeros it was (engine/data/formats/audio.py,
residue_as_silence)."""
import numpy as np
import pytest
import soundfile

from engine.data.formats.audio import RESIDUE, residue_as_silence
from engine.data.loaders import load_recording
from engine.detectors.channel_media import audio_through

RATE = 16000


def padded_word(rate=RATE):
    """A 0.3 s voiced word between 0.35 s of digital silence at each end (a script's zero padding)."""
    t = np.arange(int(0.3 * rate)) / rate
    word = 0.3 * np.hanning(t.size) * sum(np.sin(2 * np.pi * k * 140 * t) / k for k in range(1, 12))
    pad = np.zeros(int(0.35 * rate))
    return np.concatenate([pad, word, pad]).astype(np.float32)


def test_only_a_transform_codec_s_residue_below_half_a_step_becomes_zero():
    decoded = np.array([1e-9, -2e-6, RESIDUE * 0.99, RESIDUE * 1.01, 0.2], np.float32)
    assert np.array_equal(residue_as_silence(decoded, "OPUS")[:3], np.zeros(3))
    assert np.allclose(residue_as_silence(decoded, "MPEG_LAYER_III")[3:], decoded[3:])
    assert residue_as_silence(decoded, "PCM_16") is decoded  # a PCM file's values are what it holds


@pytest.mark.parametrize("fmt, subtype", [("OGG", "OPUS"), ("OGG", "VORBIS"), ("MP3", "MPEG_LAYER_III")])
def test_the_padding_through_a_lossy_file_is_read_as_zeros(tmp_path, fmt, subtype):
    path = tmp_path / f"word.{fmt.lower()}"
    soundfile.write(str(path), padded_word(), RATE, format=fmt, subtype=subtype)
    raw = soundfile.read(str(path), dtype="float32")[0]
    audio, _ = load_recording(str(path))
    quiet = np.abs(raw) < RESIDUE
    if subtype == "OPUS":
        assert np.count_nonzero(raw[quiet]) > 0  # Opus' decoder writes the padding as residue, not zeros
    word = slice(int(0.4 * RATE), int(0.6 * RATE))  # the word's middle, beyond any smear of its edges (test_codec_edges)
    assert not audio[quiet].any() and np.array_equal(audio[word][~quiet[word]], raw[word][~quiet[word]])
    assert np.count_nonzero(audio == 0) > 0.5 * RATE  # most of the 0.7 s of padding


def test_the_reference_through_a_lossy_codec_reads_its_silence_as_zeros_too():
    word = padded_word(8000)
    through = audio_through(word, ("audio", "OPUS", RATE, None, None))
    assert np.count_nonzero(through == 0) > 0.3 * 8000  # the padding, away from the resampler's edges
