"""The job protocol: the same function runs silently, in the console and in a QThread."""
import io

import pytest

from engine.jobs import Cancelled, ConsoleState, JobState, QtJob


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


def test_console_state_draws_a_final_bar_with_eta():
    stream = io.StringIO()
    state = ConsoleState(stream=stream, label="test ")
    counting_job({"steps": 5}, state)
    state.finish()
    text = stream.getvalue()
    assert "test [" in text and "100.0%" in text and "ETA" in text


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
