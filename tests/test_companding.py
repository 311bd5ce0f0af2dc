"""G.711's decoding tables read from a recording's samples (engine/data/companding.py)."""
import io

import numpy as np
import pytest
import soundfile
from scipy import signal

from engine.data import companding


def speech_like(seconds=1.0, rate=8000):
    rng = np.random.default_rng(3)
    t = np.arange(int(seconds * rate)) / rate
    return 0.3 * np.sin(2 * np.pi * 180 * t) * (1 + 0.5 * np.sin(2 * np.pi * 3 * t)) + rng.normal(0, 1e-3, t.size)


def written(audio, subtype, rate=8000):
    buffer = io.BytesIO()
    soundfile.write(buffer, audio, rate, subtype=subtype, format="WAV")
    buffer.seek(0)
    return soundfile.read(buffer, dtype="float64")[0]


@pytest.mark.parametrize("subtype, name, level", [("ULAW", "mu-law", 4), ("ALAW", "A-law", 16)])
def test_a_g711_file_is_read_as_its_codec_with_its_first_decision_level(subtype, name, level):
    decoded = written(speech_like(), subtype)
    assert companding.codec(decoded) == name
    assert companding.decision_level(decoded) == pytest.approx(level / 32768)


def test_the_tables_hold_each_codec_s_256_codes_up_to_full_scale():
    for table in companding.MAGNITUDES.values():
        assert table.size == 128 and np.unique(table).size == 128 and 32000 < table.max() < 32768
    assert companding.MAGNITUDES["mu-law"][0] == 0 and companding.MAGNITUDES["A-law"][0] == 8


def test_sixteen_bit_resampled_and_near_silent_files_are_not_read_as_g711():
    assert companding.codec(written(speech_like(), "PCM_16")) is None
    resampled = signal.resample_poly(written(speech_like(), "ULAW"), 2, 1)  # a G.711 file at another rate
    assert companding.codec(resampled) is None
    assert companding.codec(np.array([0, 8, -8, 16, 0]) / 32768) is None  # too few magnitudes to tell
