"""The training panel: a tiny GAN run updates the live curves and stops on request."""
import json
import os

from PySide6.QtCore import Qt


def test_tiny_training_run_updates_its_curves_and_stops_on_request(gui_window, no_threads_left, qtbot, tmp_path):
    panel = gui_window.training_panel
    panel.kind.setCurrentText("GAN")
    panel.data.setText("builtin:digits[0:256]")
    panel.device.setCurrentText("cpu")
    out = tmp_path / "run"
    panel.out.setText(str(out))
    panel.start(steps=100000)  # far more than the test lets it run
    assert panel.stop_button.isEnabled() and not panel.start_button.isEnabled()

    def curves_drawn():
        curve = panel.loss_curves.get("g_loss")
        return curve is not None and curve.getData()[0] is not None and len(curve.getData()[0]) >= 2

    qtbot.waitUntil(curves_drawn, timeout=60000)
    qtbot.waitUntil(lambda: panel.preview_image.image is not None, timeout=60000)
    qtbot.waitUntil(lambda: panel.reference_curve.getData()[0] is not None, timeout=30000)
    steps_before_stop = panel.history["g_loss"][-1][0]
    panel.stop_button.click()
    qtbot.waitUntil(gui_window.jobs.is_idle, timeout=30000)
    assert panel.start_button.isEnabled() and panel.resume_button.isEnabled()
    with open(out / "run.json", encoding="utf-8") as fh:
        run = json.load(fh)
    assert run["status"] == "cancelled"
    assert 0 < steps_before_stop < 100000
    assert any(name.endswith(".safetensors") for name in os.listdir(out)), "no checkpoint saved on stop"


def test_resume_continues_the_stopped_run(gui_window, no_threads_left, qtbot, tmp_path):
    panel = gui_window.training_panel
    panel.data.setText("builtin:digits[0:128]")
    panel.device.setCurrentText("cpu")
    panel.out.setText(str(tmp_path / "run"))
    panel.start(steps=20)
    qtbot.waitUntil(gui_window.jobs.is_idle, timeout=60000)
    assert "Finished" in panel.status.text()
    panel.start(resume=True, steps=30)
    qtbot.waitUntil(gui_window.jobs.is_idle, timeout=60000)
    with open(tmp_path / "run" / "run.json", encoding="utf-8") as fh:
        run = json.load(fh)
    assert run["status"] == "finished"
    assert run["metrics"]["steps"] == 30
    assert panel.history["g_loss"][0][0] <= 20 < panel.history["g_loss"][-1][0]


def test_device_choice_is_kept_between_sessions(gui_window, qtbot, tmp_path):
    from gui.main_window import MainWindow

    gui_window.training_panel.device.setCurrentText("cpu")
    gui_window.close()
    again = MainWindow(gui_window.settings, restore_last_case=False)
    try:
        assert again.training_panel.device.currentText() == "cpu"
    finally:
        again.close()
        again.deleteLater()


def test_a_finished_run_appears_in_the_case(gui_window, no_threads_left, qtbot, tmp_path):
    from engine.case import new_case

    case_dir = str(tmp_path / "case")
    new_case(case_dir, "builtin:digits[0:200]", "training case")
    gui_window.open_case(case_dir)
    qtbot.waitUntil(lambda: gui_window.case_explorer.case_dir is not None, timeout=20000)
    panel = gui_window.training_panel
    panel.data.setText("builtin:digits[0:200]")
    panel.device.setCurrentText("cpu")
    panel.start(steps=10)
    assert panel.out.text().startswith(os.path.join(gui_window.case_explorer.case_dir, "runs"))
    qtbot.waitUntil(lambda: any(r["kind"] == "gan" for r in (gui_window.case_explorer.snapshot or {}).get("runs", [])),
                    timeout=60000)
    qtbot.waitUntil(gui_window.jobs.is_idle, timeout=30000)
    generators = gui_window.case_explorer.tree.findItems("Generators", Qt.MatchExactly)[0]
    assert generators.childCount() == 1 and generators.child(0).text(1) == "gan"
