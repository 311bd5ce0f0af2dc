"""A chunk's channel calibrations computed side by side in worker processes (engine/channel_warmup.py): the batch
reads them from the case and judges exactly as it does computing them itself; a cancelled warm-up leaves no worker."""
import multiprocessing
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from engine import case_workflows, channel_warmup
from engine.jobs import Cancelled, JobState
from engine.verdict import build_channels, judge

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def jpeg_case(tmp_path_factory):
    """(a small MNIST case, two real digits as JPEGs of two qualities: two channels to calibrate)."""
    from engine.data.specs import load_spec

    folder = tmp_path_factory.mktemp("warmup")
    case_workflows.new_case(folder / "case", "builtin:mnist[0:300]")
    paths = []
    for k, (x, quality) in enumerate(zip(load_spec("builtin:mnist[9000:9002]").x, (60, 90))):
        paths.append(str(folder / f"digit{k}.jpg"))
        Image.fromarray(np.rint(x[0] * 255).astype(np.uint8)).save(paths[-1], quality=quality)
    return folder / "case", paths


def fresh_copy(case, tmp_path, name):
    shutil.copytree(case, tmp_path / name)
    return tmp_path / name


def test_warmed_batch_judges_as_one_computing_its_channels_itself(jpeg_case, tmp_path, monkeypatch):
    case, paths = jpeg_case
    alone = judge(fresh_copy(case, tmp_path, "alone"), paths, workers=1)
    monkeypatch.setattr(channel_warmup, "MIN_RECORDINGS", 0)  # a picture's calibration is cheap: warmed all the same
    warmed = judge(fresh_copy(case, tmp_path, "warmed"), paths, workers=2)
    for one, other in zip(alone["files"], warmed["files"]):
        assert (one["label"], one["tail_probability"], one["detectors"]) == \
               (other["label"], other["tail_probability"], other["detectors"])
        assert all(line.startswith("computed") for line in one["channel"]["calibration"])
        assert other["channel"]["calibration"] and all(line.startswith("reused")
                                                       for line in other["channel"]["calibration"])


def test_pictures_and_small_cases_are_not_warmed(jpeg_case, tmp_path):
    case, paths = jpeg_case
    result = judge(fresh_copy(case, tmp_path, "case"), paths, workers=2)
    assert all(line.startswith("computed") for f in result["files"] for line in f["channel"]["calibration"])
    enough = {"ref_audio_group": np.arange(channel_warmup.MIN_RECORDINGS)}
    assert channel_warmup.worth_it(enough, 2, 2)
    assert not channel_warmup.worth_it({"ref_audio_group": np.arange(channel_warmup.MIN_RECORDINGS - 1)}, 2, 2)
    assert not channel_warmup.worth_it(enough, 1, 2) and not channel_warmup.worth_it(enough, 2, 1)


def test_a_cancelled_warm_up_stops_its_workers(jpeg_case, tmp_path, monkeypatch):
    from engine.detectors.channel_keys import channel_key
    from engine.verdict import Judging, case_detectors, load_evidence
    from engine.case_workflows import open_case

    monkeypatch.setattr(channel_warmup, "MIN_RECORDINGS", 0)
    state = JobState()
    state.cancel()
    with open_case(fresh_copy(jpeg_case[0], tmp_path, "case")) as case:
        profile = case.profile()
        judging = Judging(profile, case_detectors(case, profile), 0.01, None, (), case)
        keys = [channel_key(s.meta) for _, s in load_evidence(jpeg_case[1], profile)[0]]
        with pytest.raises(Cancelled):
            judging.warm(keys, 2, state)
    assert not multiprocessing.active_children()


def test_a_worker_that_fails_ends_with_exit_code_1(tmp_path):
    worker = multiprocessing.get_context("spawn").Process(target=build_channels,
                                                          args=(str(tmp_path / "no case"), 0.01, [("audio",)]))
    worker.start()
    worker.join(120)
    assert worker.exitcode == 1


def test_workers_below_one_are_refused_in_one_line(tmp_path):
    result = subprocess.run([sys.executable, "main.py", "verdict", "x.wav", "--case", str(tmp_path), "--workers", "0"],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "--workers" in result.stderr and "at least 1" in result.stderr
