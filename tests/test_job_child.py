"""engine.jobs.child: a job run in a child process reports through the same protocol, no Qt."""
import os
import pathlib
import sys
import time

import numpy as np
import pytest

from engine.errors import InputError
from engine.jobs import Cancelled, JobState, ThrottledState
from engine.jobs.child import JobFailed, in_child_process


def reporting_job(params, state):  # module level: the child imports it by name
    for step in range(params["steps"]):
        state.progress((step + 1) / params["steps"], f"step {step}")
        state.partial({"step": step, "array": np.full(3, step, dtype=np.float32)})
        time.sleep(0.01)
    return {"pid": os.getpid(), "session": os.getsid(0), "steps": params["steps"]}


def listing_job(params, state):
    for row in range(params["rows"]):
        state.extend({"rows": [row]})
    return params["rows"]


def failing_job(params, state):
    raise InputError(params["path"], "not an image")


def until_cancelled_job(params, state):
    """Works until asked to stop, then leaves a 'checkpoint' as a training loop does."""
    state.progress(0.0, "started")
    while not state.cancelled:
        time.sleep(0.01)
    pathlib.Path(params["checkpoint"]).write_text("saved")
    state.check()


def dying_job(params, state):
    os._exit(3)


class CancelAfterFirstProgress(JobState):
    def progress(self, fraction, message=""):
        super().progress(fraction, message)
        self.cancel()


def test_progress_partials_and_result_come_back_from_another_process():
    state = JobState()
    result = in_child_process(reporting_job)({"steps": 20}, state)
    assert result["steps"] == 20 and result["pid"] != os.getpid()
    if sys.platform.startswith("linux"):  # scheduled as a session of its own, apart from the window's
        assert result["session"] == result["pid"] != os.getsid(0)
    assert state.last_progress == (1.0, "step 19")  # the last one always comes through
    assert state.partials[-1]["step"] == 19  # the newest partial is flushed at the end
    np.testing.assert_array_equal(state.partials[-1]["array"], np.full(3, 19, dtype=np.float32))
    assert len(state.partials) < 20  # throttled in the child


class RecordingWindowState(ThrottledState):
    """The window's throttled state, recording what it would send to the view."""

    def __init__(self):
        super().__init__(rate=10.0)
        self.sent = []

    def send_progress(self, fraction, message):
        pass

    def send_partial(self, result):
        self.sent.append(("partial", result))

    def send_extend(self, part):
        self.sent.append(("extend", part))


def test_parts_sent_with_extend_come_back_joined_none_dropped():
    """The child's throttle joins waiting parts, and the parent takes them as parts (joined again
    while they wait for the window's throttle), never as results so far that replace each other."""
    state = RecordingWindowState()
    assert in_child_process(listing_job)({"rows": 3000}, state) == 3000
    state.flush()
    assert {kind for kind, _ in state.sent} == {"extend"}
    assert [row for _, part in state.sent for row in part["rows"]] == list(range(3000))
    assert len(state.sent) < 3000


def test_a_failure_comes_back_as_its_one_line_reason():
    with pytest.raises(JobFailed) as failure:
        in_child_process(failing_job)({"path": "a.png"}, JobState())
    assert str(failure.value) == str(InputError("a.png", "not an image"))


def test_cancelling_stops_the_child_after_it_saved_its_work(tmp_path):
    checkpoint = tmp_path / "checkpoint"
    with pytest.raises(Cancelled):
        in_child_process(until_cancelled_job)({"checkpoint": str(checkpoint)}, CancelAfterFirstProgress())
    assert checkpoint.read_text() == "saved"


def test_a_child_that_dies_is_a_failure_naming_its_exit_code():
    with pytest.raises(JobFailed, match="exit code 3"):
        in_child_process(dying_job)({}, JobState())
