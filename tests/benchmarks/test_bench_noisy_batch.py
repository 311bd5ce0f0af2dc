"""A batch of noisy speech, first verdict on a case (no channel calibration stored yet): the wall time of judging it
with noise floors read to the nearest 3 dB (the baseline: nearly every file a floor of its own) and to the nearest
NOISE_STEP_DB (engine/detectors/channel_keys.py), each on a fresh copy of the same case, in one run; the number of
calibrations computed, the labels of each, and the ratio of the times.

Case: builtin:fsdd[0:200] (digits 0-4 of the four speakers); batch: the last N of the 400 embedded FSDD recordings
(digit 9, which the case does not hold) with white noise at 15 dB SNR, one seed each. docs/studies.md ("Noisy
batches") gives the run with N = 8.

    .venv/bin/python -m pytest tests/benchmarks/test_bench_noisy_batch.py -s -o addopts=""
    .venv/bin/python tests/benchmarks/test_bench_noisy_batch.py OUT_DIR [N]
"""
import collections
import os
import shutil
import sys
import time
from unittest import mock

import soundfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from tests.audio_channels import with_noise  # noqa: E402

BATCH = 8
SNR_DB = 15


def noisy_batch(folder, n):
    from engine.data.builtins import corpus_files

    paths = []
    for k, source in enumerate(corpus_files("fsdd")[400 - n:]):
        audio, rate = soundfile.read(source)
        paths.append(os.path.join(folder, f"n{k}.wav"))
        soundfile.write(paths[-1], with_noise(audio, SNR_DB, k) * 0.5, rate, subtype="PCM_16")
    return paths


def measure(folder, n=BATCH):
    from engine import case_workflows
    from engine.detectors import channel_keys, channel_words
    from engine.verdict import judge

    os.makedirs(folder, exist_ok=True)
    made = os.path.join(folder, "case")
    case_workflows.new_case(made, "builtin:fsdd[0:200]")
    paths = noisy_batch(folder, n)
    rows = {}
    for label, step in (("3 dB (baseline)", 3), (f"{channel_keys.NOISE_STEP_DB} dB", channel_keys.NOISE_STEP_DB)):
        case = os.path.join(folder, f"case {label}")
        shutil.copytree(made, case)
        with mock.patch.object(channel_keys, "NOISE_STEP_DB", step), \
                mock.patch.object(channel_words, "NOISE_STEP_DB", step):
            start = time.perf_counter()
            result = judge(case, paths)
            seconds = time.perf_counter() - start
        computed = {line for f in result["files"] for line in f["channel"].get("calibration") or []
                    if line.startswith("computed")}
        rows[label] = {"seconds": round(seconds, 1), "calibrations computed": len(computed),
                       "labels": dict(collections.Counter(f["label"] for f in result["files"]))}
        print(label, rows[label])
    base, fast = (rows[k]["seconds"] for k in rows)
    print(f"{n} noisy files: floors to 3 dB {base} s, to {channel_keys.NOISE_STEP_DB} dB {fast} s, "
          f"ratio {base / fast:.1f}")
    return rows


def test_a_noisy_batch_reads_fewer_floors_at_the_coarser_step(tmp_path):
    rows = measure(str(tmp_path))
    base, fast = rows.values()
    assert fast["calibrations computed"] < base["calibrations computed"]


if __name__ == "__main__":
    measure(sys.argv[1], *(int(v) for v in sys.argv[2:3]))
