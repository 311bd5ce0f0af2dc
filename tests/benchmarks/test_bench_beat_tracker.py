"""The numpy beat tracker (engine/data/beat_tracker.py) against its baseline, librosa's `beat.beat_track` (numba),
on the onset envelopes of chorales played without a click (tests/performed_midi.py): wall time of tempo estimation
and tracking over the same envelopes, each in a fresh process so that numba's compilation is counted once, as a
user's first performance pays it.

    .venv/bin/python -m pytest tests/benchmarks/test_bench_beat_tracker.py -s -o addopts=""
"""
import subprocess
import sys
import time

import pytest

CHORALES = slice(300, 320)
TIMED = """
import time, sys
sys.path.insert(0, {root!r})
from tests.test_beat_tracker import performed_envelope
from engine.data import performance
from engine.data.builtins import corpus_files
envelopes = [performed_envelope(path, 72, k) for k, path in enumerate(corpus_files("bach")[{start}:{stop}])]
start = time.perf_counter()
for envelope in envelopes:
    {track}
print(time.perf_counter() - start)
"""
TRACKERS = {
    "numpy (engine/data/beat_tracker.py)": "from engine.data import beat_tracker as t; "
    "t.beat_frames(envelope, performance.FRAME_RATE, t.tempo(envelope, performance.FRAME_RATE, performance.START_BPM), "
    "performance.TIGHTNESS)",
    "librosa.beat.beat_track (baseline)": "import librosa; librosa.beat.beat_track(onset_envelope=envelope, "
    "sr=performance.FRAME_RATE * 256, hop_length=256, start_bpm=performance.START_BPM, "
    "tightness=performance.TIGHTNESS, trim=False)",
}


def test_numpy_tracker_against_librosa():
    pytest.importorskip("librosa")
    import os

    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    seconds = {}
    for name, track in TRACKERS.items():
        code = TIMED.format(root=root, start=CHORALES.start, stop=CHORALES.stop, track=track)
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
        seconds[name] = float(out.stdout.strip().splitlines()[-1])
    n = CHORALES.stop - CHORALES.start
    for name, value in seconds.items():
        print(f"{name}: {value:.2f} s for {n} performed chorales ({value / n * 1000:.0f} ms each)")
    ours, baseline = seconds.values()
    print(f"ratio (baseline / numpy): {baseline / ours:.2f}")
