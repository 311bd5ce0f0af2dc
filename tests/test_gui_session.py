"""One case per window: the views follow the case session, Close case, Remove from view,
notifications, the New-case dialog and the Help menu (issue #16, defects 2-4 and 7)."""
import json
import os

import numpy as np
import pytest
from PIL import Image


@pytest.fixture(scope="module")
def two_cases(tmp_path_factory):
    """Two digits cases, each already holding two judged files of its own."""
    from engine.case_workflows import new_case
    from engine.verdict import judge

    root = tmp_path_factory.mktemp("cases")
    cases = {}
    for number, name in enumerate(("alpha", "beta")):
        case_dir = str(root / name)
        new_case(case_dir, "builtin:digits[0:300]", name)
        paths = []
        for i in range(2):
            path = root / f"{name}_{i}.png"
            pixels = np.random.default_rng(10 * number + i).random((8, 8)) ** (1 + 2 * i)
            Image.fromarray(np.round(pixels * 255).astype(np.uint8)).save(path)
            paths.append(str(path))
        judge(case_dir, paths)
        cases[name] = (case_dir, paths)
    return cases


def open_and_settle(window, qtbot, case_dir, n_files):
    window.open_case(case_dir)
    qtbot.waitUntil(lambda: window.session.case_dir == case_dir and len(window.session.evidence) == n_files,
                    timeout=30000)
    qtbot.waitUntil(window.jobs.is_idle, timeout=30000)


def test_switching_cases_shows_only_the_open_cases_files_and_clears_the_views(gui_window, no_threads_left, qtbot,
                                                                              two_cases):
    alpha, alpha_files = two_cases["alpha"]
    beta, beta_files = two_cases["beta"]
    session = gui_window.session
    changes, added = [], []
    session.case_changed.connect(changes.append)
    session.evidence_added.connect(added.extend)  # each addition is a list of files
    open_and_settle(gui_window, qtbot, alpha, 2)
    assert session.evidence.paths() == alpha_files
    gui_window.show_view("sample")
    gui_window.evidence_view.select(session.evidence.get(alpha_files[1]))
    qtbot.waitUntil(lambda: gui_window.sample_view.detail is not None and gui_window.jobs.is_idle(), timeout=20000)
    gui_window.compare_view.run_comparison("builtin:digits[0:50]", ["bern=baseline:bernoulli"])
    qtbot.waitUntil(lambda: gui_window.compare_view.table.rowCount() == 1, timeout=30000)
    qtbot.waitUntil(gui_window.jobs.is_idle, timeout=30000)
    tmp_rounds = os.path.join(beta, "runs", "rounds-1")
    os.makedirs(tmp_rounds, exist_ok=True)
    with open(os.path.join(tmp_rounds, "rounds.json"), "w", encoding="utf-8") as fh:
        json.dump({"matrix": [[0.5, 0.6], [0.7, 0.8]], "generalization": []}, fh)

    open_and_settle(gui_window, qtbot, beta, 2)
    assert changes == [alpha, beta]
    assert session.evidence.paths() == beta_files, "files of the first case leaked into the second"
    assert [item.path for item in added] == alpha_files + beta_files
    assert gui_window.evidence_view.grid.model().rowCount() == 2
    sample = gui_window.sample_view  # it follows the new case's current file, or shows nothing
    assert sample.entry is None or sample.entry.path in beta_files
    assert alpha_files[1].split(os.sep)[-1] not in sample.title.text()
    assert gui_window.compare_view.result is None and gui_window.compare_view.table.rowCount() == 0
    assert not gui_window.compare_view.curves
    qtbot.waitUntil(lambda: gui_window.rounds_view.heatmap.image is not None, timeout=10000)  # beta's rounds
    assert "beta" in gui_window.windowTitle()


def test_close_case_clears_every_view(gui_window, no_threads_left, qtbot, two_cases):
    alpha, _ = two_cases["alpha"]
    open_and_settle(gui_window, qtbot, alpha, 2)
    close = [a for a in gui_window.menuBar().actions()[0].menu().actions() if a.text() == "&Close case"][0]
    close.trigger()
    assert gui_window.session.case_dir is None and len(gui_window.session.evidence) == 0
    assert gui_window.case_explorer.tree.topLevelItemCount() == 0
    assert "No case open" in gui_window.case_explorer.title.text()
    assert not gui_window.case_explorer.close_button.isEnabled()
    assert gui_window.training_panel.resume_run.currentData() is None
    assert gui_window.windowTitle() == "GAN Forensics Workstation"
    assert gui_window.evidence_view.hint.isVisible() and "No case open" in gui_window.evidence_view.hint.text()


def test_remove_from_view_is_audited_and_never_deletes_evidence(gui_window, no_threads_left, qtbot, tmp_path,
                                                               two_cases):
    from engine.case import open_case
    from engine.case_workflows import new_case
    from engine.verdict import judge
    from engine.view_log import REMOVED, RETURNED

    _, files = two_cases["alpha"]
    case_dir = str(tmp_path / "gamma")
    new_case(case_dir, "builtin:digits[0:300]", "gamma")
    judge(case_dir, files)
    open_and_settle(gui_window, qtbot, case_dir, 2)
    view = gui_window.evidence_view
    view.select(gui_window.session.evidence.get(files[0]))
    view.remove_button.click()
    assert gui_window.session.evidence.paths() == [files[1]]
    qtbot.waitUntil(gui_window.jobs.is_idle, timeout=20000)
    assert os.path.exists(files[0])
    with open_case(case_dir) as case:
        assert len(case.evidence()) == 2 and len(case.verdicts()) == 2, "evidence or verdicts deleted"
        removals = [row for row in case.audit_log() if row["action"] == REMOVED]
    assert len(removals) == 1 and files[0] in removals[0]["params_json"]
    evidence_section = gui_window.case_explorer.tree.topLevelItem(1)
    details = {evidence_section.child(i).text(0): evidence_section.child(i).text(1)
               for i in range(evidence_section.childCount())}
    assert details[os.path.basename(files[0])].endswith("removed from view"), details
    assert not details[os.path.basename(files[1])].endswith("removed from view")

    gui_window.close_case()
    open_and_settle(gui_window, qtbot, case_dir, 1)  # it stays off the view when the case reopens
    assert gui_window.session.evidence.paths() == [files[1]]
    gui_window.add_evidence([files[0]])  # added again: back on view, and the log says so
    qtbot.waitUntil(lambda: gui_window.session.evidence.get(files[0]) is not None
                    and gui_window.session.evidence.get(files[0]).verdict is not None, timeout=30000)
    qtbot.waitUntil(gui_window.jobs.is_idle, timeout=20000)
    with open_case(case_dir) as case:
        assert [row["action"] for row in case.audit_log()].count(RETURNED) == 1
    gui_window.close_case()
    open_and_settle(gui_window, qtbot, case_dir, 2)


def test_refused_files_are_listed_once_with_their_latest_reason(gui_window, no_threads_left, qtbot, tmp_path):
    bad = tmp_path / "notes.txt"
    bad.write_text("not evidence")
    for _ in range(3):
        gui_window.add_evidence([str(bad)])
        qtbot.waitUntil(gui_window.jobs.is_idle, timeout=20000)
    assert gui_window.evidence_view.refused_list.count() == 1


def test_a_bad_reference_keeps_the_new_case_dialog_open_with_the_field_marked(gui_window, no_threads_left, qtbot,
                                                                              tmp_path):
    dialog = gui_window.case_explorer.new_case_dialog()
    dialog.folder.setText(str(tmp_path / "new"))
    dialog.reference.setText("builtin:nonesuch")
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(gui_window.jobs.is_idle, timeout=20000)
    assert dialog.isVisible(), "the dialog closed on a bad value"
    assert "nonesuch" in dialog.error.text()
    assert "border" in dialog.reference.styleSheet() and not dialog.folder.styleSheet()
    assert gui_window.session.case_dir is None
    assert any("nonesuch" in line for line in gui_window.notifications.lines()), "the failure is not kept"
    dialog.reference.setText("builtin:digits[0:60]")
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=30000)
    qtbot.waitUntil(gui_window.jobs.is_idle, timeout=20000)
    assert gui_window.session.case_dir == str(tmp_path / "new")


def test_the_report_dialog_stays_open_on_a_bad_file_name(gui_window, no_threads_left, qtbot, two_cases, tmp_path):
    from gui.report_dialog import ReportDialog

    alpha, _ = two_cases["alpha"]
    open_and_settle(gui_window, qtbot, alpha, 2)
    dialog = ReportDialog(gui_window.jobs, gui_window.session, (), gui_window)
    dialog.show()
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    for bad, reason in ((str(tmp_path / "report.txt"), "end in .pdf"), (str(blocker / "r.pdf"), "is a file")):
        dialog.out.setText(bad)
        dialog._export()
        assert dialog.isVisible() and reason in dialog.status.text(), dialog.status.text()
        assert "border" in dialog.out.styleSheet()
        assert gui_window.jobs.is_idle(), "a report job started on a bad file name"
    dialog.out.setText(str(tmp_path / "fine.pdf"))
    dialog.out.textEdited.emit(dialog.out.text())
    assert not dialog.out.styleSheet()
    dialog.close()


def test_failed_jobs_are_kept_in_the_notifications_and_the_log_with_their_reason(gui_window, no_threads_left,
                                                                                  qtbot, tmp_path):
    from PySide6.QtWidgets import QApplication

    logged = []
    gui_window.jobs.log.connect(logged.append)
    panel = gui_window.training_panel
    panel.data.setText(str(tmp_path / "missing-data"))
    panel.out.setText(str(tmp_path / "run"))
    panel.start(steps=5)
    qtbot.waitUntil(gui_window.jobs.is_idle, timeout=30000)
    assert any(line.startswith("failed: train GAN: ") and "missing-data" in line for line in logged), logged
    lines = gui_window.notifications.lines()
    assert any("train GAN failed" in line and "missing-data" in line for line in lines), lines
    assert panel.resume_run.currentData() is None, "a run that never started is offered for Resume"
    gui_window.notifications.copy()
    assert "missing-data" in QApplication.clipboard().text()


def test_open_the_pdf_says_so_when_no_viewer_exists(gui_window, monkeypatch, tmp_path):
    from PySide6.QtGui import QDesktopServices

    from gui.notifications import open_file

    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: False))
    assert not open_file(str(tmp_path / "report.pdf"), gui_window.session)
    assert any("report.pdf" in line and "No program" in line for line in gui_window.notifications.lines())


def test_help_menu_guide_shortcuts_and_about(gui_window):
    import re

    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QImage, QTextDocument

    from engine.case import tool_version
    from gui import help as help_windows

    help_menu = [a.menu() for a in gui_window.menuBar().actions() if a.text() == "&Help"][0]
    titles = [a.text() for a in help_menu.actions()]
    assert titles == ["User &guide", "Keyboard &shortcuts", "&About"]
    guide = gui_window._help("guide_dialog")
    assert "Remove from view" in guide.text.toPlainText()
    pictures = re.findall(r'<img src="([^"]+)"', help_windows.GUIDE)
    assert len(pictures) >= 4, "the guide shows the workflow in pictures"
    for name in pictures:  # each found where the guide looks (resources/guide, shipped with the program)
        data = guide.text.loadResource(QTextDocument.ImageResource, QUrl(name))
        assert data is not None and not QImage.fromData(data).isNull(), name
    shortcuts = gui_window._help("shortcuts_dialog", gui_window.shortcuts())
    text = shortcuts.text.toPlainText()
    for expected in ("Close case", "Ctrl+W", "Get verdicts", "Notifications", "Space"):
        assert expected in text, expected
    about = gui_window._help("about_dialog")
    assert tool_version() in about.text.toPlainText() and "CC BY-SA 4.0" in about.text.toPlainText()
    for dialog in (guide, shortcuts, about):
        dialog.close()


def test_every_form_field_has_a_tooltip(gui_window):
    from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QLineEdit

    from gui.case_explorer import NewCaseDialog
    from gui.report_dialog import ReportDialog

    forms = [gui_window.training_panel, gui_window.compare_view, NewCaseDialog(gui_window.jobs, gui_window),
             ReportDialog(gui_window.jobs, gui_window.session, (), gui_window)]
    for form in forms:
        for kind in (QLineEdit, QComboBox, QAbstractSpinBox):
            for field in form.findChildren(kind):
                if field.parent() is not None and isinstance(field.parent(), (QComboBox, QAbstractSpinBox)):
                    continue  # a spin box's or combo box's own line edit
                assert field.toolTip(), f"{type(form).__name__}: a {kind.__name__} without a tooltip"


def test_files_added_while_the_case_loads_keep_their_recorded_verdicts(gui_window, no_threads_left, qtbot,
                                                                       two_cases):
    """Dropped right after opening, the case's own files are not judged a second time."""
    alpha, files = two_cases["alpha"]
    started = []
    gui_window.jobs.job_started.connect(lambda record: started.append(record.slot))
    gui_window.open_case(alpha)
    qtbot.waitUntil(lambda: gui_window.session.case_dir == alpha, timeout=30000)
    gui_window.add_evidence(files)
    evidence = gui_window.session.evidence
    qtbot.waitUntil(lambda: gui_window.jobs.is_idle() and len(evidence) == 2
                    and all(item.verdict for item in evidence), timeout=30000)
    assert "verdicts" not in started, started


def test_a_drop_waiting_to_be_shown_does_not_hide_the_cases_recorded_verdict(gui_window, qtbot, two_cases):
    """The order the CI machine once hit: the dropped copy of a case file (no verdict) is still
    queued for the grid when the case's own copy (with its recorded verdict) arrives."""
    from engine.jobs import JobState
    from gui.tasks import evidence as evidence_tasks
    from gui.tasks.case import read_case_job

    alpha, files = two_cases["alpha"]
    dropped = evidence_tasks.load_evidence_job({"paths": files, "reference": None}, JobState())
    recorded = evidence_tasks.case_evidence_job({"snapshot": read_case_job({"case_dir": alpha}, JobState()),
                                                 "reference": None}, JobState())
    assert all(entry["verdict"] for entry in recorded["loaded"])
    view = gui_window.evidence_view
    view._loaded(dropped)  # neither batch shown yet
    view._loaded(recorded)
    qtbot.waitUntil(lambda: not view.showing(), timeout=10000)
    shown = {item.path: item.verdict for item in gui_window.session.evidence}
    assert sorted(shown) == sorted(files)
    assert all(shown[entry["path"]] == entry["verdict"] for entry in recorded["loaded"])


def test_a_drop_loaded_before_the_cases_files_are_shown_waits_for_their_recorded_verdicts(gui_window, qtbot,
                                                                                           two_cases):
    """The other order the CI machine hit: the drop's intake ends (and asks for verdicts) while the
    case's own files, with their recorded verdicts, are still queued for the grid: nothing is judged."""
    from engine.jobs import JobState
    from gui.tasks import evidence as evidence_tasks
    from gui.tasks.case import read_case_job

    alpha, files = two_cases["alpha"]
    dropped = evidence_tasks.load_evidence_job({"paths": files, "reference": None}, JobState())
    recorded = evidence_tasks.case_evidence_job({"snapshot": read_case_job({"case_dir": alpha}, JobState()),
                                                 "reference": None}, JobState())
    gui_window.session.case_dir = alpha  # the case is open; its evidence job has ended
    started = []
    gui_window.jobs.job_started.connect(lambda record: started.append(record.slot))
    view = gui_window.evidence_view
    view._intake_done(dropped)  # none of it shown yet
    view._case_evidence_done(recorded)
    qtbot.waitUntil(lambda: not view.showing() and gui_window.jobs.is_idle(), timeout=10000)
    assert "verdicts" not in started, started
    shown = {item.path: item.verdict for item in gui_window.session.evidence}
    assert sorted(shown) == sorted(files) and all(shown.values())
