"""A case of many files opens from its case store: every row listed with its recorded verdict,
no file decoded but those the grid shows (and the one selected), and the listing's parts carry
each row once (tests/benchmarks/test_bench_large_case.py measures a case of twelve thousand)."""
import threading

import numpy as np
import pytest

N_ROWS = 200


@pytest.fixture(scope="module")
def many_files_case(tmp_path_factory):
    """A case (no reference) holding N_ROWS tiny PNGs, each with a recorded verdict."""
    from engine.case import create_case, open_case, record_verdict
    from engine.data.writers import write_png

    folder = tmp_path_factory.mktemp("many")
    case_dir = str(folder / "case")
    create_case(case_dir)
    paths = []
    rng = np.random.default_rng(0)
    with open_case(case_dir) as case:
        for number in range(N_ROWS):
            paths.append(str(folder / f"e{number:03d}.png"))
            write_png(paths[-1], rng.random((8, 8)))  # one block: no JPEG history to read
            label = ("real", "generated", "inconclusive")[number % 3]
            record_verdict(case, paths[-1], {"label": label, "score": 0.5, "reasons": ["recorded"],
                                             "attribution": None, "modality": "image"}, {}, "test")
    return case_dir, paths


@pytest.fixture
def counted_loads(monkeypatch):
    """The paths every evidence job decodes (engine.data.loaders.load_path, called from worker threads)."""
    from engine.data import loaders

    calls, lock, original = [], threading.Lock(), loaders.load_path

    def counting(path):
        with lock:
            calls.append(str(path))
        return original(path)

    monkeypatch.setattr(loaders, "load_path", counting)
    return calls


def test_a_case_of_many_files_lists_every_row_and_reads_only_what_the_grid_shows(
        gui_window, no_threads_left, qtbot, many_files_case, counted_loads):
    case_dir, paths = many_files_case
    session, view = gui_window.session, gui_window.evidence_view
    gui_window.open_case(case_dir)
    qtbot.waitUntil(lambda: len(session.evidence) == N_ROWS and gui_window.jobs.is_idle(), timeout=30000)
    assert session.evidence.paths() == paths
    labels = [item.verdict["label"] for item in session.evidence]
    assert labels == [("real", "generated", "inconclusive")[n % 3] for n in range(N_ROWS)]
    read = [item.path for item in session.evidence if item.read]
    shown = {item.path for item in view.shown_items()} | {view.current().path}
    assert read and set(read) <= shown and len(shown) < N_ROWS
    assert sorted(counted_loads) == sorted(read), "a file decoded that the grid does not show"
    tree = gui_window.case_explorer.tree
    evidence_section = next(tree.topLevelItem(i) for i in range(tree.topLevelItemCount())
                            if tree.topLevelItem(i).text(0) == "Evidence")
    assert evidence_section.childCount() == N_ROWS

    last = session.evidence.get(paths[-1])
    assert not last.read and "not read yet" in last.describe()
    view.select(last)  # selected: read (the grid scrolls to it, so what it shows then is read too)
    qtbot.waitUntil(lambda: last.read and gui_window.jobs.is_idle(), timeout=20000)
    assert counted_loads.count(paths[-1]) == 1 and len(counted_loads) < N_ROWS
    assert last.sampleset.n == 1 and "1 sample(s)" in view.detail.toPlainText()


def test_the_listing_sends_each_row_once_in_parts_not_everything_so_far(many_files_case, counted_loads):
    from engine.jobs import JobState, ThrottledState
    from gui.tasks.case import read_case_job
    from gui.tasks.evidence import case_evidence_job

    case_dir, paths = many_files_case
    listing = {"snapshot": read_case_job({"case_dir": case_dir}, JobState()), "reference": None}
    state = JobState()
    result = case_evidence_job(listing, state)
    sent = [row["path"] for part in state.partials for row in part["loaded"]]
    assert sent == paths and [row["path"] for row in result["loaded"]] == paths
    assert counted_loads == [], "the listing decoded files"

    class Recording(ThrottledState):  # the window's throttle: parts waiting are joined, none dropped
        def __init__(self):
            super().__init__(rate=20.0)
            self.sent = []

        def send_progress(self, fraction, message):
            pass

        def send_partial(self, result):
            raise AssertionError("the listing sent a result so far instead of a part")

        def send_extend(self, part):
            self.sent.append(part)

    throttled = Recording()
    case_evidence_job(listing, throttled)
    throttled.flush()
    assert [row["path"] for part in throttled.sent for row in part["loaded"]] == paths
    assert len(throttled.sent) < N_ROWS


def test_a_case_file_changed_after_listing_is_refused_when_read(many_files_case, tmp_path):
    from engine.jobs import JobState
    from gui.tasks.evidence import read_evidence_job

    case_dir, paths = many_files_case
    state = JobState()
    read_evidence_job({"files": [{"path": paths[0], "sha256": "0" * 64}], "reference": None}, state)
    (part,) = state.partials
    assert part["loaded"] == [] and "changed since intake" in part["refused"][0]["reason"]
