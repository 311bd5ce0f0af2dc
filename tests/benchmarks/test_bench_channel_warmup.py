"""A batch of noisy speech, first verdict on a case (no channel calibration stored yet), judged with its channels
calibrated one after another (the baseline: `verdict --workers 1`) and side by side in worker processes
(engine/channel_warmup.py, `--workers N`), each on a fresh copy of the same case, alternately, in one run: the wall
times, their ratio, and whether every file's label and tail probability are the same.

Case: builtin:fsdd[0:200]; batch: the last N of the 400 embedded FSDD recordings with white noise at 15 dB SNR, one
seed each (tests/benchmarks/test_bench_noisy_batch.py's batch).

    .venv/bin/python -m pytest tests/benchmarks/test_bench_channel_warmup.py -s -o addopts=""
    .venv/bin/python tests/benchmarks/test_bench_channel_warmup.py OUT_DIR [N [WORKERS [ROUNDS]]]
"""
import os
import shutil
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from tests.benchmarks.test_bench_noisy_batch import noisy_batch  # noqa: E402

BATCH = 8


def measure(folder, n=BATCH, workers=2, rounds=1):
    from engine import case_workflows
    from engine.verdict import judge

    os.makedirs(folder, exist_ok=True)
    made = os.path.join(folder, "case")
    case_workflows.new_case(made, "builtin:fsdd[0:200]")
    paths = noisy_batch(folder, n)
    seconds, verdicts = {1: [], workers: []}, {}
    for r in range(rounds):
        for w in (1, workers) if r % 2 == 0 else (workers, 1):
            case = os.path.join(folder, f"case {w} {r}")
            shutil.copytree(made, case)
            start = time.perf_counter()
            result = judge(case, paths, workers=w)
            seconds[w].append(time.perf_counter() - start)
            verdicts[w] = [(f["label"], f["tail_probability"]) for f in result["files"]]
            print(f"workers {w}: {seconds[w][-1]:.1f} s", flush=True)
    base, fast = (statistics.median(seconds[w]) for w in (1, workers))
    same = verdicts[1] == verdicts[workers]
    print(f"{n} noisy files on {os.cpu_count()} cores: one after another {base:.1f} s, {workers} workers {fast:.1f} s, "
          f"ratio {base / fast:.2f}; verdicts the same: {same}")
    return base, fast, same


def test_a_warmed_noisy_batch_judges_the_same(tmp_path):
    assert measure(str(tmp_path))[2]


if __name__ == "__main__":
    measure(sys.argv[1], *(int(v) for v in sys.argv[2:5]))
