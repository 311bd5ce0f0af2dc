"""GUI responsiveness: event-loop stalls while work runs, and time to a usable window.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest tests/benchmarks/test_bench_gui.py -s -o addopts=""

Stall probe: a 5 ms precise QTimer on the GUI thread; a tick's stall is how much later
than 5 ms after the previous one it fires. Baseline: the same probe on the same window
with no job running. Goal: p99 < 50 ms while a GAN trains and while a batch verdict runs.
Beside the stalls, the GUI thread's own CPU time (time.thread_time) over the probe: the
window's work, which a loaded machine stretches in wall time but not in CPU time. To
compare with an earlier build in the same run, run this file from that build's tree too
(docs/gui.md, "Responsiveness").
Launch: seconds from process start to the main window shown and the event loop
running; baseline: an empty QMainWindow in a fresh process. Goal: < 3 s.
"""
import os
import pathlib
import subprocess
import sys
import time

import numpy as np
import pytest
from PIL import Image

ROOT = pathlib.Path(__file__).resolve().parents[2]
PROBE_MS = 5


def probe_stalls(app, until, timeout_s=120.0, min_s=0.0):
    """Runs the event loop until `until()` (checked every 50 ms); returns (tick stalls in ms,
    the GUI thread's CPU seconds, wall seconds)."""
    from PySide6.QtCore import QEventLoop, Qt, QTimer

    ticks = []
    probe = QTimer()
    probe.setTimerType(Qt.PreciseTimer)
    probe.setInterval(PROBE_MS)
    probe.timeout.connect(lambda: ticks.append(time.perf_counter()))
    loop = QEventLoop()
    started, cpu_started = time.perf_counter(), time.thread_time()
    check = QTimer()
    check.setInterval(50)
    check.timeout.connect(lambda: loop.quit() if (until() and time.perf_counter() - started >= min_s)
                          or time.perf_counter() - started > timeout_s else None)
    probe.start()
    check.start()
    loop.exec()
    probe.stop()
    check.stop()
    stalls = np.maximum(np.diff(np.asarray(ticks)) * 1000.0 - PROBE_MS, 0.0)
    return stalls, time.thread_time() - cpu_started, time.perf_counter() - started


def summary(name, probed, baseline=None, per=None):
    """Prints the probe's line; `per` = (count, unit) adds the GUI thread's CPU time per unit."""
    stalls, cpu, wall = probed
    p50, p99, worst = np.percentile(stalls, 50), np.percentile(stalls, 99), stalls.max()
    line = (f"{name:<28} ticks {stalls.size:6d}  p50 {p50:6.2f} ms  p99 {p99:6.2f} ms  max {worst:7.2f} ms  "
            f"GUI thread CPU {cpu:6.2f} s of {wall:6.1f} s ({100 * cpu / wall:4.1f} %)")
    if baseline is not None:
        line += f"  p99 ratio vs idle {p99 / max(np.percentile(baseline[0], 99), 1e-3):6.1f}x"
    if per is not None:
        line += f"  GUI thread CPU per {per[1]} {1000 * cpu / per[0]:.2f} ms"
    print(line)
    return p99


@pytest.fixture
def window(qtbot, tmp_path):
    from PySide6.QtCore import QSettings

    from gui.main_window import MainWindow

    w = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat), restore_last_case=False)
    w.show()
    yield w
    w.close()


def test_event_loop_stalls_while_a_gan_trains_and_a_batch_verdict_runs(window, qtbot, tmp_path):
    from PySide6.QtWidgets import QApplication

    from engine.case_workflows import new_case
    from engine.data.specs import load_spec

    app = QApplication.instance()
    idle = probe_stalls(app, lambda: True, min_s=3.0)
    print()
    summary("idle (baseline)", idle)

    panel = window.training_panel
    window.show_view("training")
    panel.data.setText("builtin:digits")
    panel.device.setCurrentText("cpu")
    panel.out.setText(str(tmp_path / "gan"))
    panel.start(steps=400)
    training = probe_stalls(app, window.jobs.is_idle, timeout_s=300)
    assert "Finished" in panel.status.text(), panel.status.text()
    p99_training = summary("GAN training (400 steps)", training, idle, per=(400, "step"))

    case_dir = tmp_path / "case"
    new_case(str(case_dir), "builtin:digits[0:600]", "bench")
    evidence = tmp_path / "evidence"
    evidence.mkdir()
    maps = np.concatenate([load_spec("builtin:digits[1000:1040]").x[:, 0],
                           np.random.default_rng(0).random((40, 8, 8))])
    for i, m in enumerate(maps):
        Image.fromarray(np.round(m * 255).astype(np.uint8)).save(evidence / f"e{i:03d}.png")
    window.show_view("evidence")
    window.open_case(str(case_dir))
    qtbot.waitUntil(lambda: window.session.case_dir is not None, timeout=30000)
    window.add_evidence([str(evidence)])
    verdicts = probe_stalls(app, lambda: window.jobs.is_idle() and len(window.session.evidence)
                            and all(item.verdict for item in window.session.evidence), timeout_s=300)
    assert all(item.verdict for item in window.session.evidence)
    p99_verdicts = summary(f"intake + verdicts ({len(maps)} files)", verdicts, idle, per=(len(maps), "file"))
    assert p99_training < 50 and p99_verdicts < 50


LAUNCH_BASELINE = (
    "import time, sys; t0 = float(sys.argv[1])\n"
    "from PySide6.QtCore import QTimer\n"
    "from PySide6.QtWidgets import QApplication, QMainWindow\n"
    "app = QApplication([]); w = QMainWindow(); w.resize(1400, 900); w.show()\n"
    "QTimer.singleShot(0, lambda: (print('READY', time.time() - t0), app.quit())); app.exec()\n"
)
LAUNCH_APP = (
    "import time, sys; t0 = float(sys.argv[1])\n"
    "from PySide6.QtCore import QSettings, QTimer\n"
    "from PySide6.QtWidgets import QApplication\n"
    "app = QApplication([])\n"
    "from gui.main_window import MainWindow\n"
    "w = MainWindow(QSettings(sys.argv[2], QSettings.IniFormat), restore_last_case=False); w.show()\n"
    "QTimer.singleShot(0, lambda: (print('READY', time.time() - t0, 'torch' in sys.modules), app.quit()))\n"
    "app.exec()\n"
)


def launch_seconds(code, *args):
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    out = subprocess.run([sys.executable, "-c", code, repr(time.time()), *args], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    line = next(l for l in out.stdout.splitlines() if l.startswith("READY"))
    return float(line.split()[1]), line


def test_time_to_a_usable_window(tmp_path):
    base = sorted(launch_seconds(LAUNCH_BASELINE)[0] for _ in range(3))[1]
    runs = [launch_seconds(LAUNCH_APP, str(tmp_path / "s.ini")) for _ in range(3)]
    app = sorted(seconds for seconds, _ in runs)[1]
    assert all(line.endswith("False") for _, line in runs), "torch was imported at window start"
    print(f"\nlaunch to usable window: empty QMainWindow (baseline) {base:.2f} s, workstation {app:.2f} s "
          f"(median of 3), ratio {app / base:.2f}x")
    assert app < 3.0
