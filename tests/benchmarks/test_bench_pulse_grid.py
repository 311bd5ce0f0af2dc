"""Benchmark of pulse-grid (engine/detectors/pulse_grid.py; docs/studies.md, "Pulse grid"): Rayleigh's z of
the pulse intervals per set, then whole verdicts in a copy of the speech case without and with the detector.

Sets written down before measuring: tuning H_flite_awb (flite clustergen, 14 digits) and FSDD nicolas takes
0-49; untouched K_flite_slt, H_festival_hy_fi_mv_diphone, H_mbrola_us2 (the s18 voice-domain sets), flite
kal16 (14 digits, made here), LJ Speech, /work/data/sealed3 and FSDD george/jackson/lucas takes 20-49 (the
case's reference speakers, other takes). The case's profile was made before the detector: "with" adds its
calibration array, computed from the profile's kept recordings as build_profile would, in memory.

Run: PYTHONPATH=. OMP_NUM_THREADS=1 python -m pytest tests/benchmarks/test_bench_pulse_grid.py -s
"""
import collections
import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
from unittest import mock

import numpy as np
import pytest

from engine.data import loaders
from engine.data.representations import to_speech_rate
from engine.detectors.profile import reference_audio
from engine.detectors.pulse_grid import PulseGrid, grid_scores

CASE = "/work/data/caseT"
VOICES = "/tmp/s18-voicedomain/sets"
FSDD = "/work/shared/data/fsdd"
KAL16 = "/tmp/s19-pulse/kal16"
DIGITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "zero", "one", "two", "three")
SETS = {  # name: (files, tuning)
    "awb": (f"{VOICES}/H_flite_awb/*.wav", True),
    "nicolas 0-49": (f"{FSDD}/*_nicolas_*.wav", True),
    "slt": (f"{VOICES}/K_flite_slt/*.wav", False),
    "hy_fi_mv": (f"{VOICES}/H_festival_hy_fi_mv_diphone/*.wav", False),
    "us2": (f"{VOICES}/H_mbrola_us2/*.wav", False),
    "kal16": (f"{KAL16}/*.wav", False),
    "ljs": ("/work/data/ljs/*.wav", False),
    "sealed3": ("/work/data/sealed3/*", False),
    "g/j/l 20-49": (f"{FSDD}/*_[gjl]*_[234]?.wav", False),
}


def make_kal16():
    if not glob.glob(f"{KAL16}/*.wav") and shutil.which("flite"):
        os.makedirs(KAL16, exist_ok=True)
        for k, word in enumerate(DIGITS):
            subprocess.run(["flite", "-voice", "kal16", "-t", word, "-o", f"{KAL16}/{k:03d}.wav"], check=True)


def with_pulse_grid(case_detectors):
    """case_detectors with the profile given pulse-grid's array first (in memory; the case is not changed)."""
    def patched(case, profile):
        if "cal_pulse_grid" not in profile:
            profile.update(PulseGrid.calibrate([audio for _, audio in reference_audio(profile)]))
        return case_detectors(case, profile)
    return patched


def labels(paths, add):
    from engine import verdict

    with tempfile.TemporaryDirectory() as work:
        copy = os.path.join(work, "case")
        shutil.copytree(CASE, copy)
        patch = mock.patch.object(verdict, "case_detectors", with_pulse_grid(verdict.case_detectors)) if add else \
            contextlib.nullcontext()
        with patch:
            files = verdict.judge(copy, paths)["files"]
    decided = collections.Counter(f["label"] for f in files)
    by_grid = sum(1 for f in files if f["label"] == "generated"
                  and f["detectors"].get("pulse-grid", {}).get("tail_probability", 1) < 0.01)
    return decided["generated"], decided["inconclusive"], decided["real"], by_grid


@pytest.mark.skipif(not os.path.isdir(CASE) or not os.path.isdir(VOICES), reason="the case or the voice sets are absent")
def test_bench_pulse_grid_scores_and_whole_verdicts():
    make_kal16()
    for name, (pattern, tuning) in SETS.items():
        paths = sorted(glob.glob(pattern))
        z = grid_scores([to_speech_rate(*loaders.load_recording(p)) for p in paths])
        q = np.percentile(z, [50, 99, 100])
        before, after = labels(paths, False), labels(paths, True)
        print(f"{name} ({'tuning' if tuning else 'untouched'}, {len(paths)}): z median {q[0]:.2f}, p99 {q[1]:.2f}, "
              f"max {q[2]:.2f}; (generated, inconclusive, real) before {before[:3]}, with pulse-grid {after[:3]} "
              f"(generated with pulse-grid's tail probability < 0.01: {after[3]})", flush=True)
