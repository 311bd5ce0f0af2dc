"""A batch of noisy speech, first verdict on a case (no channel calibration stored yet): the wall time of judging it
with every noise floor read to the step calibrated apart (the old per-key path, the baseline: Judging.shared_key
replaced by the identity) and with files whose floors lie within one step of a floor already calibrated in the batch
sharing that calibration (engine/verdict.py Judging.shared_key), each on a fresh copy of the same case, in one run;
the number of calibrations computed, the labels of each, and the ratio of the times.

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
    from engine.verdict import Judging, judge

    os.makedirs(folder, exist_ok=True)
    made = os.path.join(folder, "case")
    case_workflows.new_case(made, "builtin:fsdd[0:200]")
    paths = noisy_batch(folder, n)
    rows = {}
    for label, shared in (("per key (baseline)", None), ("shared within one step", Judging.shared_key)):
        case = os.path.join(folder, f"case {label}")
        shutil.copytree(made, case)
        with mock.patch.object(Judging, "shared_key", shared or (lambda self, key: key)):
            start = time.perf_counter()
            result = judge(case, paths)
            seconds = time.perf_counter() - start
        computed = {line for f in result["files"] for line in f["channel"].get("calibration") or []
                    if line.startswith("computed")}
        rows[label] = {"seconds": round(seconds, 1), "calibrations computed": len(computed),
                       "labels": dict(collections.Counter(f["label"] for f in result["files"]))}
        print(label, rows[label])
    base, fast = (rows[k]["seconds"] for k in rows)
    print(f"{n} noisy files: per key {base} s, shared {fast} s, ratio {base / fast:.1f}")
    return rows


def test_a_noisy_batch_shares_calibrations(tmp_path):
    rows = measure(str(tmp_path))
    base, fast = rows.values()
    assert fast["calibrations computed"] < base["calibrations computed"]


if __name__ == "__main__":
    measure(sys.argv[1], *(int(v) for v in sys.argv[2:3]))
