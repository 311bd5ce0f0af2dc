"""A view works alone, given a job manager and the case session (#13): no main window, no
other widget, no thread. FakeJobs runs each engine job function in the calling thread and
delivers its partial results and outcome to the view's callbacks, as gui/job_manager.py does
from a worker thread."""
import numpy as np
import pytest
from PIL import Image

from engine import case_workflows
from engine.jobs import Cancelled, JobState


class FakeJobs:
    """The JobManager interface views use, running every job inline; `started` lists (slot, name)."""

    def __init__(self):
        self.started, self.cancelled = [], []

    def start(self, slot, name, job, params, *, progress=None, partial=None, finished=None, failed=None):
        self.started.append((slot, name))
        state = JobState()
        if partial is not None:
            state.partial = state.extend = partial
        try:
            result = job(params, state)
        except Cancelled:
            return
        except Exception as err:  # the real manager reports a job's failure as one line
            if failed is not None:
                failed(str(err))
            return
        if finished is not None:
            finished(result)

    def cancel(self, slot):
        self.cancelled.append(slot)

    def running(self, slot=None):
        return False

    def count_as_busy(self, showing):
        self.showing = showing

    def announce_if_idle(self):
        pass


@pytest.fixture(scope="module")
def digits_case(tmp_path_factory):
    base = tmp_path_factory.mktemp("alone")
    case_workflows.new_case(str(base / "case"), "builtin:digits[0:200]", name="alone")
    from engine.data.specs import load_spec

    paths = []
    for i, m in enumerate(load_spec("builtin:digits[1500:1502]").x[:, 0]):
        path = base / f"real_{i}.png"
        Image.fromarray(np.round(m * 255).astype(np.uint8)).save(path)
        paths.append(str(path))
    return str(base / "case"), paths


def open_in(session, case_dir):
    from gui.tasks.case import read_case_job

    session.set_snapshot(read_case_job({"case_dir": case_dir}, JobState()))


def test_the_evidence_view_alone_takes_files_in_and_shows_their_verdicts(qtbot, digits_case):
    from gui.evidence_view import EvidenceView
    from gui.session import CaseSession

    case_dir, paths = digits_case
    jobs, session = FakeJobs(), CaseSession()
    view = EvidenceView(jobs, session)
    qtbot.addWidget(view)
    arrived = []
    session.verdict_arrived.connect(arrived.append)
    open_in(session, case_dir)
    view.add_paths(paths + [paths[0] + ".missing"])
    qtbot.waitUntil(lambda: not jobs.showing())  # results are shown a slice at a time
    assert [slot for slot, _ in jobs.started] == ["case-evidence", "evidence-1", "verdicts"]
    assert session.evidence.paths() == paths
    assert [item.path for item in arrived] == paths
    assert all(item.verdict["label"] in ("real", "generated", "inconclusive") for item in session.evidence)
    assert list(session.refused) == [paths[0] + ".missing"]
    session.close()
    assert len(session.evidence) == 0 and "verdicts" in jobs.cancelled


def test_the_sample_view_alone_draws_a_session_entry_and_clears_with_the_case(qtbot, digits_case):
    from gui.evidence_view import EvidenceView
    from gui.sample_view import PLACEHOLDER, SampleView
    from gui.session import CaseSession

    case_dir, paths = digits_case
    jobs, session = FakeJobs(), CaseSession()
    intake, view = EvidenceView(jobs, session), SampleView(jobs, session)
    qtbot.addWidget(intake)
    qtbot.addWidget(view)
    open_in(session, case_dir)
    intake.add_paths(paths[:1])  # (taken in already by the test above: the case's own evidence shows it)
    qtbot.waitUntil(lambda: not jobs.showing())
    entry = session.evidence.get(paths[0])
    view.show_entry(entry)
    assert jobs.started[-1][0] == "sample-detail"
    assert view.detail["modality"] == "image" and view.entry is entry
    session.close()
    assert view.entry is None and view.detail is None and view.title.text() == PLACEHOLDER


def test_the_case_explorer_alone_opens_a_case_into_the_session_and_closes_it(qtbot, digits_case, tmp_path):
    from gui.case_explorer import CaseExplorer
    from gui.session import CaseSession

    case_dir, _ = digits_case
    jobs, session = FakeJobs(), CaseSession()
    explorer = CaseExplorer(jobs, session)
    qtbot.addWidget(explorer)
    changed, messages = [], []
    session.case_changed.connect(changed.append)
    session.message.connect(messages.append)
    explorer.open_case(case_dir)
    assert session.case_dir == case_dir and changed == [case_dir]
    assert session.reference()["spec"] == "builtin:digits[0:200]" and explorer.zoo_button.isEnabled()
    explorer.open_case(str(tmp_path))  # not a case: one line, the open case stays
    assert session.case_dir == case_dir and messages[-1].startswith("Could not open the case:")
    explorer.close_case()
    assert session.case_dir is None and changed == [case_dir, None] and not explorer.close_button.isEnabled()
