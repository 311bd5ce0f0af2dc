"""Data-layer speed against named baselines in the same run (not part of the default test run):

    .venv/bin/python -m pytest tests/benchmarks/test_data_speed.py -s -o addopts=""
"""
import glob
import io
import time

import numpy as np
import soundfile

from engine.data import builtins, representations
from engine.data.specs import load_spec


def best_of(repeats, fn):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def test_mel_power_vs_librosa_melspectrogram():
    import librosa

    clips = [soundfile.read(path, dtype="float32")[0] for path in builtins.corpus_files("fsdd")[:200]]
    librosa.feature.melspectrogram(y=clips[0], sr=8000, n_fft=1024, hop_length=160, n_mels=64)  # warm up
    baseline = best_of(3, lambda: [librosa.feature.melspectrogram(y=c, sr=8000, n_fft=1024, hop_length=160,
                                                                  n_mels=64) for c in clips])
    ours = best_of(3, lambda: [representations.mel_power(c) for c in clips])
    theirs = librosa.feature.melspectrogram(y=clips[1], sr=8000, n_fft=1024, hop_length=160, n_mels=64)
    np.testing.assert_allclose(representations.mel_power(clips[1]), theirs, rtol=1e-3, atol=1e-6)
    print(f"\nmel of 200 FSDD clips: librosa {baseline:.3f} s, numpy {ours:.3f} s, speed-up x{baseline / ours:.1f}")


def test_piano_roll_vs_pretty_midi_get_piano_roll():
    import pretty_midi

    midis = [pretty_midi.PrettyMIDI(io.BytesIO(open(p, "rb").read())) for p in builtins.corpus_files("bach")[:100]]
    baseline = best_of(3, lambda: [m.get_piano_roll(fs=8) for m in midis])
    ours = best_of(3, lambda: [representations.piano_roll(m) for m in midis])
    # Same notes on a different time base (sixteenth notes vs 1/8 s): the pitches sounded must agree.
    assert set(np.flatnonzero(representations.piano_roll(midis[0]).any(axis=1))) == \
        set(np.flatnonzero(midis[0].get_piano_roll(fs=8).any(axis=1)))
    print(f"\npiano roll of 100 chorales: pretty_midi get_piano_roll {baseline:.3f} s, ours {ours:.3f} s, "
          f"speed-up x{baseline / ours:.1f}")


def test_builtin_loading_vs_reading_the_raw_files():
    for name in ("mnist", "fsdd", "bach"):
        builtins.cached_array_set.cache_clear()
        builtins.cached_file.cache_clear()
        files = sorted(glob.glob(str(builtins.resources_dir() / name / "*")))
        raw = best_of(1, lambda: [open(f, "rb").read() for f in files])
        cold = best_of(1, lambda: load_spec(f"builtin:{name}"))
        warm = best_of(3, lambda: load_spec(f"builtin:{name}"))
        n = load_spec(f"builtin:{name}").n
        print(f"\nbuiltin:{name} ({n} samples): reading raw bytes {raw:.3f} s, cold load {cold:.3f} s "
              f"(x{cold / raw:.0f}), cached load {warm:.3f} s")
        assert np.isfinite(load_spec(f"builtin:{name}[:5]").x).all()
