"""The pitch cycles shared by cycle-jitter, repeated-cycle and pulse-grid (engine/detectors/cycles.py; docs/studies.md,
"Shared pitch cycles", 2026-12-03, seventeenth pass): the time to score FSDD takes with the three detectors when
each tracks the cycles itself (the baseline: a Batch of its own per detector, so nothing is shared, as before the
cycles were) and when they share one Batch, so one tracking; with the reasons a verdict writes for every file as
well (before: each reason on a Batch of its own, tracking and measuring again, as it did; after: the reasons read
what the scores measured). Rounds alternate the two; medians and their ratio. Scores must be identical.

`verdict`: the wall time of `python main.py verdict WAV ... --case CASE` in a checkout from before (BEFORE_ROOT, e.g.
the main worktree at the commit before this change) and in this one, alternating, on a fresh copy of the case each
run; the three detectors' scores in the two JSON files must be identical.

    python tests/benchmarks/test_bench_shared_cycles.py [N] [ROUNDS]          # N FSDD takes (default 120)
    python tests/benchmarks/test_bench_shared_cycles.py verdict CASE BEFORE_ROOT [ROUNDS] WAV [WAV ...]
    python -m pytest tests/benchmarks/test_bench_shared_cycles.py -s -o addopts=""
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

FSDD = "/work/shared/data/fsdd"
NAMES = ("cycle-jitter", "repeated-cycle", "pulse-grid")


def fsdd_takes(n):
    """n FSDD takes 10-49 (none in builtin:fsdd), spread evenly over speakers and digits, at the speech rate."""
    import soundfile

    files = sorted(f for f in os.listdir(FSDD) if f.endswith(".wav") and int(f[:-4].split("_")[2]) >= 10)
    chosen = [files[int(k)] for k in np.linspace(0, len(files) - 1, n)]
    return [soundfile.read(os.path.join(FSDD, f), dtype="float64")[0] for f in chosen]  # FSDD is 8 kHz


def detectors():
    """The three detectors, calibrated on 20 builtin:fsdd takes (not timed)."""
    import soundfile

    from engine.data.builtins import corpus_files
    from engine.detectors.batch import Recordings
    from engine.detectors.cycle_jitter import CycleJitter
    from engine.detectors.pulse_grid import PulseGrid
    from engine.detectors.repeated_cycle import RepeatedCycle

    kept = Recordings([soundfile.read(f, dtype="float64")[0] for f in corpus_files("fsdd")[::20]])
    profile = {}
    for detector in (CycleJitter, RepeatedCycle, PulseGrid):
        profile.update(detector.calibrate(kept))
    return [detector(profile) for detector in (CycleJitter, RepeatedCycle, PulseGrid)]


def judged(found, recordings, shared, reasons):
    """(seconds, per detector its scores) of the three detectors on the recordings, through one Batch for all
    (`shared`) or a Batch of its own each; `reasons`: each file's reason too, as a verdict writes them."""
    from engine.detectors.batch import Batch

    def batch():
        return Batch(np.zeros((len(recordings), 1)), np.arange(len(recordings)), audio=recordings)

    start, one, scores = time.perf_counter(), batch(), []
    for d in found:
        scores.append(d.scores(one if shared else batch()))
        for g in range(len(recordings)) if reasons else ():
            d.reason(one if shared else batch(), g, float(scores[-1][g]), 0.5)
    return time.perf_counter() - start, scores


def compare_scoring(n=120, rounds=3):
    """{mode: {"before": median s, "after": median s, "ratio": after / before}} for scores alone and with
    reasons; the scores of the two ways asserted identical."""
    recordings, found = fsdd_takes(n), detectors()
    out = {}
    for reasons in (False, True):
        times = {"before": [], "after": []}
        for _ in range(rounds):
            before, expected = judged(found, recordings, False, reasons)
            after, scores = judged(found, recordings, True, reasons)
            for a, b in zip(scores, expected):
                np.testing.assert_array_equal(a, b)
            times["before"].append(before)
            times["after"].append(after)
        row = {k: float(np.median(v)) for k, v in times.items()}
        row.update(ratio=row["after"] / row["before"], before_all=times["before"], after_all=times["after"])
        out["scores and reasons" if reasons else "scores"] = row
    return out


def verdict_seconds(root, case, paths):
    """(seconds, {file: {detector: score}}) of `python main.py verdict` run in checkout `root` on a copy of case."""
    with tempfile.TemporaryDirectory(prefix="shared-cycles-") as scratch:
        copy, out = os.path.join(scratch, "case"), os.path.join(scratch, "verdict.json")
        shutil.copytree(case, copy)
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=root)
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "main.py", "verdict", *paths, "--case", copy, "--json", out],
                              cwd=root, env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        if done.returncode not in (0, 3):
            raise RuntimeError(f"{root}: verdict exited {done.returncode}: {done.stderr.strip()[-500:]}")
        with open(out) as f:
            files = json.load(f)["files"]
    return seconds, {os.path.basename(f["path"]): {k: f["detectors"][k]["score"] for k in NAMES if k in f["detectors"]}
                     for f in files}


def compare_verdicts(case, before_root, paths, rounds=3):
    """{"before": median s, "after": median s, "ratio": after / before, ...}; the three detectors' scores equal."""
    here = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    times = {"before": [], "after": []}
    for _ in range(rounds):
        before, expected = verdict_seconds(before_root, case, paths)
        after, scores = verdict_seconds(here, case, paths)
        assert scores == expected and any(scores.values()), (scores, expected)
        times["before"].append(before)
        times["after"].append(after)
    row = {k: float(np.median(v)) for k, v in times.items()}
    return {**row, "ratio": row["after"] / row["before"], "before_all": times["before"], "after_all": times["after"],
            "files": len(paths)}


def test_sharing_the_cycles_scores_identically_and_faster():
    result = compare_scoring(n=60, rounds=2)
    print(json.dumps(result, indent=1))
    assert result["scores"]["ratio"] < 0.9 and result["scores and reasons"]["ratio"] < 0.7


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["verdict"]:
        rounds = int(args[3]) if args[3].isdigit() else 3
        wavs = args[4:] if args[3].isdigit() else args[3:]
        print(json.dumps(compare_verdicts(args[1], args[2], wavs, rounds), indent=1))
    else:
        print(json.dumps(compare_scoring(*(int(a) for a in args)), indent=1))
