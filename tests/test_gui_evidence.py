"""Evidence intake in the window: drops, verdict badges, reasons, refused files (pytest-qt, offscreen)."""
import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication


@pytest.fixture(scope="module")
def digits_case(tmp_path_factory):
    from engine.case_workflows import new_case

    case_dir = tmp_path_factory.mktemp("case") / "digits"
    new_case(str(case_dir), "builtin:digits[0:400]", "digits")
    return str(case_dir)


@pytest.fixture
def evidence_files(tmp_path):
    from engine.data.specs import load_spec

    real = load_spec("builtin:digits[1500:1503]").x[:, 0]
    noise = np.random.default_rng(0).random((3, 8, 8)) ** 3
    paths = []
    for name, maps in (("real", real), ("noise", noise)):
        for i, m in enumerate(maps):
            path = tmp_path / f"{name}_{i}.png"
            Image.fromarray(np.round(m * 255).astype(np.uint8)).save(path)
            paths.append(str(path))
    return paths


def mime_for(paths):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(p) for p in paths])
    return mime


def drop(window, paths):
    mime = mime_for(paths)
    enter = QDragEnterEvent(QPoint(50, 50), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted(), "the window refuses a drag of local files"
    QApplication.sendEvent(window, QDropEvent(QPointF(50, 50), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier))


def test_dropping_files_produces_verdict_badges(gui_window, no_threads_left, qtbot, digits_case, evidence_files):
    gui_window.open_case(digits_case)
    qtbot.waitUntil(lambda: gui_window.session.case_dir is not None, timeout=20000)
    drop(gui_window, evidence_files)
    view = gui_window.evidence_view
    # (the module's case may already hold other tests' files: they join the grid too)
    evidence = gui_window.session.evidence
    qtbot.waitUntil(lambda: all(getattr(evidence.get(p), "verdict", None) for p in evidence_files), timeout=60000)
    qtbot.waitUntil(gui_window.jobs.is_idle, timeout=20000)
    for item in map(evidence.get, evidence_files):
        assert item.verdict["label"] in ("generated", "real", "inconclusive")
        badged = item.icon.pixmap(96, 96).toImage()
        plain = item.thumbnail.toImage()
        assert badged != plain, f"no badge drawn on {item.path}"
    index = evidence.index_of(evidence.get(evidence_files[0]))
    shown = view.grid.model().data(index, Qt.DecorationRole)
    assert shown.cacheKey() == evidence.get(evidence_files[0]).icon.cacheKey(), "the grid does not show the badge"


def test_selecting_a_file_shows_its_verdict_and_reasons(gui_window, no_threads_left, qtbot, digits_case,
                                                        evidence_files):
    gui_window.open_case(digits_case)
    qtbot.waitUntil(lambda: gui_window.session.case_dir is not None, timeout=20000)
    gui_window.add_evidence(evidence_files[:1])
    view = gui_window.evidence_view
    evidence = gui_window.session.evidence
    qtbot.waitUntil(lambda: bool(getattr(evidence.get(evidence_files[0]), "verdict", None)), timeout=60000)
    qtbot.waitUntil(gui_window.jobs.is_idle, timeout=20000)
    view.select(evidence.get(evidence_files[0]))
    verdict = evidence.get(evidence_files[0]).verdict
    text = view.detail.toPlainText()
    from engine import findings

    described = findings.describe(verdict)  # the report's words: finding, strength, decisive reason
    assert described["finding"] in text and described["strength"] in text and described["reason"] in text
    assert verdict["reasons"][0].split(":")[0] in text
    assert "File metadata" in text and "dimensions" in text


def test_a_detector_standing_aside_is_shown_under_the_decisive_reason():
    from types import SimpleNamespace

    from gui.evidence_view import verdict_html

    aside = "replay: stands aside: the file is a verbatim excerpt of reference piece bwv300.mid"
    verdict = {"label": "real", "score": 0.1, "attribution": None, "sha256": None,
               "reasons": ["real: combined tail probability 0.9", "chroma: as the reference", aside],
               "detectors": {"alpha": 0.01, "chroma": {"score": 1, "tail_probability": 0.9, "weight": 0.5},
                             "replay": {"score": 4, "tail_probability": 1e-12, "weight": 0.0}}}
    item = SimpleNamespace(name="bwv300.mid", path="/evidence/bwv300.mid", verdict=verdict, metadata=None,
                           describe=lambda: "music")
    page = verdict_html(item)
    shown_at = page.index("replay stands aside: the file is a verbatim excerpt")
    assert page.index("Decisive reason") < shown_at < page.index("<ul>")


def test_a_refused_file_shows_its_message(gui_window, no_threads_left, qtbot, tmp_path):
    bad = tmp_path / "notes.txt"
    bad.write_text("not evidence")
    truncated = tmp_path / "cut.png"
    truncated.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 10)
    drop(gui_window, [str(bad), str(truncated)])
    view = gui_window.evidence_view
    qtbot.waitUntil(lambda: view.refused_list.count() == 2, timeout=20000)
    qtbot.waitUntil(gui_window.jobs.is_idle, timeout=20000)
    lines = [view.refused_list.item(i).text() for i in range(view.refused_list.count())]
    assert any("notes.txt" in line and "unrecognised" in line for line in lines), lines
    assert any("cut.png" in line for line in lines), lines
    assert not len(gui_window.session.evidence)
    assert view.refused_list.isVisible()


def test_verdicts_wait_for_a_case(gui_window, no_threads_left, qtbot, evidence_files):
    messages = []
    gui_window.session.message.connect(messages.append)
    gui_window.add_evidence(evidence_files[:2])
    qtbot.waitUntil(lambda: len(gui_window.session.evidence) == 2, timeout=20000)
    qtbot.waitUntil(gui_window.jobs.is_idle, timeout=20000)
    assert any("case" in m.lower() for m in messages), messages
    assert all(item.verdict is None for item in gui_window.session.evidence)


def test_report_export_writes_the_pdf_and_lists_it_in_the_case(gui_window, no_threads_left, qtbot, digits_case,
                                                               evidence_files, tmp_path):
    from gui.report_dialog import ReportDialog

    gui_window.open_case(digits_case)
    qtbot.waitUntil(lambda: gui_window.session.case_dir is not None, timeout=20000)
    gui_window.add_evidence(evidence_files[:2])
    view = gui_window.evidence_view
    evidence = gui_window.session.evidence
    qtbot.waitUntil(lambda: all(getattr(evidence.get(p), "verdict", None) for p in evidence_files[:2]), timeout=60000)
    qtbot.waitUntil(gui_window.jobs.is_idle, timeout=20000)
    dialog = ReportDialog(gui_window.jobs, gui_window.session, [str(tmp_path / "not-a-case")], gui_window)
    assert list(dialog.checks) == [digits_case], "only existing cases are offered"
    out = tmp_path / "report.pdf"
    dialog.out.setText(str(out))
    dialog.open_after.setChecked(False)
    dialog._export()
    qtbot.waitUntil(lambda: out.exists(), timeout=60000)
    qtbot.waitUntil(gui_window.jobs.is_idle, timeout=30000)
    assert out.read_bytes()[:5] == b"%PDF-"
    assert "Report written" in gui_window.statusBar().currentMessage()


def test_new_case_opens_and_is_remembered(gui_window, no_threads_left, qtbot, tmp_path):
    case_dir = str(tmp_path / "fresh")
    dialog = gui_window.case_explorer.new_case_dialog()
    dialog.folder.setText(case_dir)
    dialog.reference.setText("builtin:digits[0:100]")
    dialog.name.setText("fresh case")
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: gui_window.session.case_dir is not None, timeout=30000)
    qtbot.waitUntil(gui_window.jobs.is_idle, timeout=10000)
    tree = gui_window.case_explorer.tree
    references = tree.topLevelItem(0)
    assert references.text(0) == "References" and references.childCount() == 1
    assert "n=100" in references.child(0).text(1)
    assert gui_window.recent_cases()[0] == gui_window.session.case_dir
    assert gui_window.settings.value("last_case") == gui_window.session.case_dir


def test_opening_a_folder_that_is_no_case_says_so(gui_window, no_threads_left, qtbot, tmp_path):
    messages = []
    gui_window.session.message.connect(messages.append)
    gui_window.open_case(str(tmp_path))
    qtbot.waitUntil(lambda: bool(messages), timeout=10000)
    qtbot.waitUntil(gui_window.jobs.is_idle, timeout=10000)
    assert "not a case folder" in messages[0]
    assert gui_window.session.case_dir is None


def test_a_file_the_case_cannot_judge_is_listed_with_the_reason(gui_window, no_threads_left, qtbot, digits_case,
                                                                 tmp_path):
    import soundfile

    wav = tmp_path / "tone.wav"
    soundfile.write(wav, (0.2 * np.sin(np.arange(4000) / 3.0)).astype(np.float32), 8000)
    gui_window.open_case(digits_case)
    qtbot.waitUntil(lambda: gui_window.session.case_dir is not None, timeout=20000)
    gui_window.add_evidence([str(wav)])
    view = gui_window.evidence_view
    qtbot.waitUntil(lambda: view.refused_list.count() == 1, timeout=30000)
    qtbot.waitUntil(gui_window.jobs.is_idle, timeout=20000)
    assert "speech file, but the case reference is image" in view.refused_list.item(0).text()
    item = gui_window.session.evidence.get(str(wav))
    assert item.verdict is None and item.unjudged
    view.request_verdicts()
    assert gui_window.jobs.is_idle(), "asked again for a verdict the case cannot give"


def test_opening_a_case_shows_its_evidence_with_the_recorded_verdicts(gui_window, no_threads_left, qtbot,
                                                                      tmp_path, evidence_files):
    from engine.case import open_case
    from engine.case_workflows import new_case
    from engine.verdict import judge

    case_dir = str(tmp_path / "judged")
    new_case(case_dir, "builtin:digits[0:400]", "judged")
    recorded = {f["path"]: f["label"] for f in judge(case_dir, evidence_files[:4])["files"]}
    with open(evidence_files[3], "ab") as fh:  # changed after intake: refused, its verdict not shown
        fh.write(b"\0")
    gui_window.open_case(case_dir)
    view = gui_window.evidence_view
    evidence = gui_window.session.evidence
    qtbot.waitUntil(lambda: len(evidence) == 3 and bool(gui_window.session.refused), timeout=30000)
    qtbot.waitUntil(gui_window.jobs.is_idle, timeout=20000)
    assert {item.path: item.verdict["label"] for item in evidence} == {
        path: label for path, label in recorded.items() if path != evidence_files[3]}
    assert "changed since intake" in gui_window.session.refused[evidence_files[3]]
    with open_case(case_dir) as case:  # shown from the record, not judged again
        assert len(case.verdicts()) == 4 and len(case.conn.execute("SELECT id FROM verdict").fetchall()) == 4


def test_names_with_control_characters_are_shown_escaped_and_walk_refusals_listed(tmp_path):
    """A right-to-left override or a newline in a name never reaches the screen as such, and
    what the folder walk leaves out (a name that is not UTF-8) is refused with its reason."""
    from engine.data.writers import write_png
    from engine.jobs import JobState
    from gui.session import Evidence
    from gui.tasks.evidence import load_evidence_job

    tricky = tmp_path / "a\u202egnp.png"
    write_png(str(tricky), np.zeros((28, 28), np.float32))
    bad = bytes(tmp_path) + b"/bad\xff.png"
    with open(bad, "wb") as handle:
        handle.write(b"")

    result = load_evidence_job({"paths": [str(tmp_path)]}, JobState())
    (loaded,) = result["loaded"]
    entry = Evidence(path=loaded["path"], sampleset=loaded["sampleset"], preview=loaded["preview"])
    assert entry.name == "a\\u202egnp.png"
    assert any("not valid UTF-8" in r["reason"] for r in result["refused"])


def test_a_verdict_run_that_judges_nothing_says_so(gui_window, qtbot):
    """Defect 4: the status bar read 'Verdicts:' and nothing else."""
    messages = []
    gui_window.session.message.connect(messages.append)
    gui_window.evidence_view._verdicts_done({"files": [], "rejected": [{"path": "/x/a.wav", "reason": "speech"}]})
    qtbot.waitUntil(lambda: bool(messages), timeout=5000)
    assert messages[-1] == "Verdicts: none judged; 1 file(s) not judged (see the refused list)"
