"""Padding set aside (engine/data/padding.py): a real recording padded with zeros reads as the
recording itself in the speech map and in the noise and level keys; a synthesiser's decay into
its own digital silence is kept."""
import numpy as np
import soundfile

from engine.data import representations
from engine.data.channels import NOISE_FLOOR_DB, noise_levels, speech_level_db
from engine.data.loaders import load_path
from engine.data.padding import STEADY, speech_span, unpadded

RATE = 8000


def recording(seed=0):
    """A microphone recording at 16 bits: a room's floor (about 50 dB below the speech) throughout,
    a word-like burst in the middle."""
    rng = np.random.default_rng(seed)
    t = np.arange(5000)
    word = np.where((t > 1200) & (t < 3800), 0.3 * np.sin(2 * np.pi * 180 * t / RATE) * np.hanning(5000), 0.0)
    return np.round((word + rng.normal(0, 1e-3, t.size)) * 32767) / 32767


def padded(audio, before=2000, total=None):
    after = (total - before - audio.size) if total else before
    return np.concatenate([np.zeros(before), audio, np.zeros(after)])


def decayed(audio):
    """A synthesiser's ending (as in tests/test_noise_floor.py): the signal fades 100 dB over its first
    and last 0.1 s, far below any room's floor, into the exact zeros around it."""
    tail = np.logspace(0, -5, 800)
    out = audio.copy()
    out[:800] *= tail[::-1]
    out[-800:] *= tail
    return out


def test_a_padded_recording_reads_as_the_recording_itself():
    audio = recording()
    maps = representations.mel_patches(audio, RATE)
    for version in (padded(audio), padded(audio, 0, RATE), padded(audio, 3000, 2 * RATE)):  # both ends; to 1 s; 2 s
        assert np.array_equal(speech_span(version), audio)
        assert np.allclose(representations.mel_patches(version, RATE), maps, atol=1e-6)
        assert np.allclose(noise_levels(version, RATE), noise_levels(audio, RATE), atol=1e-6)
        assert abs(speech_level_db(version) - speech_level_db(audio)) < 1e-6
    assert np.all(noise_levels(audio, RATE) > -70)  # the room's floor, not the padding's silence


def test_the_loader_sets_padding_aside_in_the_patches_and_the_noise_key(tmp_path):
    audio = recording(1)
    for name, version in (("as-is", audio), ("pad1s", padded(audio, 0, RATE))):
        soundfile.write(str(tmp_path / f"{name}.wav"), version, RATE, subtype="PCM_16")
    plain, pad = (load_path(str(tmp_path / f"{name}.wav")) for name in ("as-is", "pad1s"))
    assert np.allclose(pad.x, plain.x, atol=1e-6)
    assert pad.meta["channel"]["noise_db"] == plain.meta["channel"]["noise_db"]
    assert pad.meta["channel"]["level_db"] == plain.meta["channel"]["level_db"]
    assert pad.audio.size == RATE  # the waveform stays whole: noise-floor reads its padding itself


def test_a_synthesisers_decay_into_digital_silence_is_not_cropped():
    synthetic = padded(decayed(0.3 * np.sin(2 * np.pi * 150 * np.arange(5000) / RATE)))
    assert unpadded(synthetic) == (0, synthetic.size)
    assert speech_span(synthetic).size == synthetic.size
    frames = representations.mel_map(synthetic, RATE).shape[1]
    assert frames == synthetic.size // representations.HOP + 1  # the silent frames are read
    assert np.all(noise_levels(synthetic, RATE) == NOISE_FLOOR_DB)  # and the key reads them as no floor


def test_a_recordings_own_short_constant_ends_are_kept():
    audio = recording(3)
    audio[:STEADY - 1] = 0.0  # a recording's first equal samples: cropping them would only shift the frames
    assert np.array_equal(speech_span(audio), audio)
    assert np.array_equal(speech_span(np.zeros(100)), np.zeros(100))  # nothing but silence: nothing set aside

