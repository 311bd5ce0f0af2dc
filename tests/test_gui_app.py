"""The application shell: start-up, --screenshot, the job manager, the exception hook."""
import os
import pathlib
import re
import subprocess
import sys
import time

import numpy as np
from PIL import Image

ROOT_DIR = pathlib.Path(__file__).resolve().parents[1]


def run_main(*args, timeout=120, env=None):
    env_code = ("import os; os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
                "import sys, main; sys.exit(main.main(sys.argv[1:]))")
    return subprocess.run([sys.executable, "-c", env_code, *args], cwd=ROOT_DIR, capture_output=True, text=True,
                          timeout=timeout, env=env)


def test_screenshot_saves_the_window_and_exits(tmp_path):
    out = tmp_path / "shot.png"
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    result = run_main("gui", "--view", "compare", "--screenshot", str(out), env={**os.environ, "TMPDIR": str(scratch)})
    assert result.returncode == 0, result.stderr
    with Image.open(out) as image:
        assert image.size[0] >= 800 and image.size[1] >= 600
        assert np.unique(np.asarray(image.convert("L"))).size > 10, "a blank screenshot"
    assert not list(scratch.glob("gf-shot-*")), "the screenshot run's throwaway settings were left behind"


def test_unknown_view_is_a_one_line_error(tmp_path):
    result = run_main("gui", "--view", "nowhere", "--screenshot", str(tmp_path / "x.png"))
    assert result.returncode == 2
    assert result.stderr.strip().startswith("error: --view") and "Traceback" not in result.stderr


def test_window_starts_without_heavy_imports():
    code = (
        "import os, sys, time; os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "from PySide6.QtCore import QSettings\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from gui.main_window import MainWindow\n"
        "w = MainWindow(QSettings(sys.argv[1], QSettings.IniFormat), restore_last_case=False)\n"
        "w.show(); app.processEvents()\n"
        "heavy = ('torch', 'librosa', 'matplotlib', 'reportlab', 'scipy')\n"
        "print('HEAVY', sorted(m for m in heavy if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code, "/tmp/gf-test-settings.ini"], cwd=ROOT_DIR,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "HEAVY []" in result.stdout, result.stdout


def _sleeper(params, state):
    for _ in range(400):
        state.check()
        time.sleep(0.01)
    return params["name"]


def test_a_new_task_in_a_slot_cancels_the_previous_one(qtbot, no_threads_left):
    from gui.job_manager import JobManager

    manager = JobManager()
    outcomes = {}
    first = manager.start("panel", "first", _sleeper, {"name": "first"}, finished=lambda r: outcomes.update(first=r))
    second = manager.start("panel", "second", _sleeper, {"name": "x"}, finished=lambda r: outcomes.update(second=r))
    qtbot.waitUntil(lambda: first.outcome == "cancelled", timeout=10000)
    assert manager.running("panel") is second
    manager.cancel("panel")
    qtbot.waitUntil(manager.is_idle, timeout=10000)
    assert second.outcome == "cancelled" and outcomes == {}


def test_a_failing_job_reports_one_line(qtbot, no_threads_left):
    from engine.errors import InputError
    from gui.job_manager import JobManager

    def broken(params, state):
        raise InputError("thing.png", "corrupt")

    manager = JobManager()
    failures = []
    manager.start("panel", "broken", broken, {}, failed=failures.append)
    qtbot.waitUntil(manager.is_idle, timeout=10000)
    assert failures == ["thing.png: corrupt"]


def test_exception_hook_logs_every_error_and_shows_one_dialog(qtbot, caplog):
    from gui.log_panel import ExceptionHook

    hook = ExceptionHook()
    hook.install()
    try:
        for message in ("first", "second"):
            try:
                raise RuntimeError(message)
            except RuntimeError:
                sys.excepthook(*sys.exc_info())
        qtbot.waitUntil(lambda: hook.dialog is not None and hook.dialog.isVisible(), timeout=5000)
        first_dialog = hook.dialog
        assert hook.count == 2
        assert "first" in first_dialog.text()
        assert hook.dialog is first_dialog, "a second dialog was opened"
        assert "RuntimeError: second" in caplog.text
    finally:
        hook.uninstall()
        if hook.dialog is not None:
            hook.dialog.close()


def test_pinned_pyside_keeps_references_to_none_and_true():
    """PySide6 6.12's abi3 wheels drop a reference to None on every void call and to True on
    every emit; on Python 3.11 that aborts the process after some ten thousand calls. The
    pinned release must not."""
    from PySide6.QtCore import QObject, Signal

    class Probe(QObject):
        fired = Signal()

    probe = Probe()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(200):
        probe.setObjectName("probe")
        probe.fired.emit()
    assert sys.getrefcount(None) >= none_before - 50
    assert sys.getrefcount(True) >= true_before - 50


def test_jobs_pane_shows_progress_and_cancels(gui_window, no_threads_left, qtbot):
    from gui.jobs_panel import JobRow

    def ticking(params, state):
        for step in range(1000):
            state.check()
            state.progress(step / 1000, f"step {step}")
            time.sleep(0.01)

    gui_window.jobs.start("test", "ticking", ticking, {})
    qtbot.waitUntil(lambda: bool(gui_window.findChildren(JobRow))
                    and gui_window.findChildren(JobRow)[0].bar.value() > 0, timeout=10000)
    row = gui_window.findChildren(JobRow)[0]
    assert row.name.text() == "ticking" and re.fullmatch(r"ETA \d+:\d\d", row.eta.text()), row.eta.text()
    row.cancel_button.click()
    qtbot.waitUntil(gui_window.jobs.is_idle, timeout=10000)
    qtbot.waitUntil(lambda: not gui_window.findChildren(JobRow), timeout=5000)


def test_files_named_with_a_case_are_taken_in_once_the_case_is_open(tmp_path):
    """`gui --case DIR PATH ...`: opening the case empties the view, so the named files must
    arrive after it and be judged in the case."""
    from engine import case as case_store, case_workflows
    from engine.data.specs import load_spec
    from engine.data.writers import write_png

    case_workflows.new_case(str(tmp_path / "case"), "builtin:digits[0:200]")
    write_png(str(tmp_path / "d.png"), load_spec("builtin:digits[1700:1701]").x[0, 0])
    (tmp_path / "bad.png").write_bytes(b"\x89PNG\r\n\x1a\nxxxx")
    result = run_main("gui", "--case", str(tmp_path / "case"), str(tmp_path / "d.png"), str(tmp_path / "bad.png"),
                      "--screenshot", str(tmp_path / "shot.png"))
    assert result.returncode == 0, result.stderr
    with case_store.open_case(str(tmp_path / "case")) as case:
        assert [os.path.basename(row["path"]) for row in case.evidence()] == ["d.png"]
