"""The job protocol: the same function runs silently, in the console and in a QThread."""
import io

import pytest

from engine.jobs import Cancelled, ConsoleState, JobState
from gui.job_runner import QtJob


def counting_job(params, state):
    for step in range(params["steps"]):
        state.check()
        state.progress((step + 1) / params["steps"], f"step {step + 1}")
        state.partial({"step": step + 1})
    return {"done": params["steps"]}


def test_silent_state_records_progress_and_partials():
    state = JobState()
    assert counting_job({"steps": 3}, state) == {"done": 3}
    assert state.last_progress == (1.0, "step 3")
    assert [p["step"] for p in state.partials] == [1, 2, 3]


def test_cancelled_state_stops_the_job_between_steps():
    state = JobState()
    state.cancel()
    with pytest.raises(Cancelled):
        counting_job({"steps": 3}, state)


def test_console_state_writes_whole_lines_when_not_a_terminal():
    stream = io.StringIO()
    state = ConsoleState(stream=stream, label="test ", min_interval=0)
    counting_job({"steps": 20}, state)
    state.finish()
    lines = stream.getvalue().split("\n")
    assert lines[-1] == "" and "\r" not in stream.getvalue()
    assert len(lines) - 1 == 11  # the first step, then one line per tenth (steps 2, 4, ..., 20)
    assert lines[-2].startswith("test [" + "#" * 30 + "] 100.0% ETA")


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_console_state_redraws_one_bar_on_a_terminal():
    stream = Terminal()
    state = ConsoleState(stream=stream, label="test ", min_interval=0)
    counting_job({"steps": 5}, state)
    state.finish()
    text = stream.getvalue()
    assert text.count("\r") == 5 and text.count("\n") == 1 and text.endswith("\n")
    assert "100.0%" in text.rsplit("\r", 1)[1]


def test_qt_job_delivers_result_and_last_partial(qtbot):
    job = QtJob(counting_job, {"steps": 50})
    partials, results = [], []
    job.signals.partial.connect(partials.append)
    job.signals.finished.connect(results.append)
    with qtbot.waitSignal(job.signals.finished, timeout=10000):
        job.start()
    job.wait()
    assert results == [{"done": 50}]
    # Throttled to about 10 a second, but the newest partial is never lost.
    assert partials and partials[-1] == {"step": 50}
    assert len(partials) < 50


def test_qt_job_reports_an_exception_as_one_line(qtbot):
    def failing(params, state):
        raise ValueError("bad sample")

    job = QtJob(failing, {})
    with qtbot.waitSignal(job.signals.failed, timeout=10000) as blocker:
        job.start()
    job.wait()
    assert blocker.args == ["bad sample"]


def test_qt_job_cancels_on_request(qtbot):
    def endless(params, state):
        while True:
            state.check()

    job = QtJob(endless, {})
    with qtbot.waitSignal(job.signals.failed, timeout=10000) as blocker:
        job.start()
        job.cancel()
    job.wait()
    assert blocker.args == ["cancelled"]
    assert not job.is_running()
