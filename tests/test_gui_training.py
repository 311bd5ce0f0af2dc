"""The training panel: a tiny GAN run updates the live curves and stops on request."""
import json
import multiprocessing
import os

from PySide6.QtCore import Qt


def start_on_cpu(panel, data, out=None, **options):
    """The panel set to train on `data` (into `out`, or a fresh folder) on the CPU, then started."""
    panel.data.setText(data)
    panel.device.setCurrentText("cpu")
    if out is not None:
        panel.out.setText(str(out))
    return panel.start(**options)


def test_tiny_training_run_updates_its_curves_and_stops_on_request(gui_window, no_threads_left, qtbot, tmp_path):
    panel = gui_window.training_panel
    panel.kind.setCurrentText("GAN")
    out = tmp_path / "run"
    start_on_cpu(panel, "builtin:digits[0:256]", out, steps=100000)  # far more than the test lets it run
    assert panel.stop_button.isEnabled() and not panel.start_button.isEnabled()

    def curves_drawn():
        curve = panel.loss_curves.get("g_loss")
        return curve is not None and curve.getData()[0] is not None and len(curve.getData()[0]) >= 2

    qtbot.waitUntil(curves_drawn, timeout=60000)
    assert [child.name for child in multiprocessing.active_children()] == ["job train_gan_job"], \
        "the run trains in a child process, whose Python never holds the window's interpreter lock"
    qtbot.waitUntil(lambda: panel.preview_image.image is not None, timeout=60000)
    qtbot.waitUntil(lambda: panel.reference_curve.getData()[0] is not None, timeout=30000)
    qtbot.waitUntil(lambda: panel.divergence_curves["JSD"].xData is not None
                    and len(panel.divergence_curves["JSD"].xData) >= 1, timeout=60000)
    steps = panel.divergence_curves["KS"].xData
    assert all(step % 25 == 0 for step in steps), steps  # one point per preview, at its step
    assert all(0 <= v <= 1 for v in panel.divergence_curves["KS"].yData)
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
    start_on_cpu(panel, "builtin:digits[0:128]", tmp_path / "run", steps=20)
    qtbot.waitUntil(gui_window.jobs.is_idle, timeout=60000)
    assert "Finished" in panel.status.text()
    panel.start(resume=True, steps=30)
    qtbot.waitUntil(gui_window.jobs.is_idle, timeout=60000)
    with open(tmp_path / "run" / "run.json", encoding="utf-8") as fh:
        run = json.load(fh)
    assert run["status"] == "finished"
    assert run["metrics"]["steps"] == 30
    assert panel.history["g_loss"][0][0] <= 20 < panel.history["g_loss"][-1][0]
    assert panel.preview_image.image is not None
    start_on_cpu(panel, "builtin:digits[0:128]", tmp_path / "next", steps=5)  # a new run starts clean
    assert panel.history == {} and panel.preview_image.image is None and not panel.loss_curves
    assert panel.generated_curve.yData is None or len(panel.generated_curve.yData) == 0
    qtbot.waitUntil(gui_window.jobs.is_idle, timeout=60000)


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
    from engine.case_workflows import new_case

    case_dir = str(tmp_path / "case")
    new_case(case_dir, "builtin:digits[0:200]", "training case")
    gui_window.open_case(case_dir)
    qtbot.waitUntil(lambda: gui_window.session.case_dir is not None, timeout=20000)
    panel = gui_window.training_panel
    start_on_cpu(panel, "builtin:digits[0:200]", steps=10)
    assert panel.last_out.startswith(os.path.join(gui_window.session.case_dir, "runs"))
    qtbot.waitUntil(lambda: any(r["kind"] == "gan" for r in (gui_window.session.snapshot or {}).get("runs", [])),
                    timeout=60000)
    qtbot.waitUntil(gui_window.jobs.is_idle, timeout=30000)
    generators = gui_window.case_explorer.tree.findItems("Generators", Qt.MatchExactly)[0]
    assert generators.childCount() == 1 and generators.child(0).text(1) == "gan"


def fitting_spec(case_dir):
    from engine.case import open_case

    with open_case(case_dir) as case:
        return case.meta()["fit_spec"]


def open_case_and_wait(window, qtbot, case_dir):
    window.open_case(case_dir)
    qtbot.waitUntil(lambda: window.session.case_dir == os.path.abspath(case_dir), timeout=20000)
    qtbot.waitUntil(window.jobs.is_idle, timeout=30000)


def test_the_panel_follows_the_case_and_resumes_only_the_cases_runs(gui_window, no_threads_left, qtbot, tmp_path):
    from engine.case_workflows import new_case

    first, second = str(tmp_path / "first"), str(tmp_path / "second")
    new_case(first, "builtin:digits[0:150]", "first")
    new_case(second, "builtin:digits[150:300]", "second")
    panel = gui_window.training_panel
    panel.device.setCurrentText("cpu")
    open_case_and_wait(gui_window, qtbot, first)
    assert panel.data.text() == fitting_spec(first) == "builtin:digits[0:120]", \
        "the data is the case's fitting part (its calibration files held out)"
    assert not panel.resume_button.isEnabled(), "Resume offered with no run to resume"
    assert panel.start(resume=True) is None and gui_window.jobs.running("training") is None
    assert "press Start" in panel.status.text()
    panel.start(steps=100000)
    run_dir = panel.last_out
    assert os.path.dirname(run_dir) == os.path.join(first, "runs")
    qtbot.waitUntil(lambda: "g_loss" in panel.history, timeout=60000)
    panel.stop_button.click()
    qtbot.waitUntil(gui_window.jobs.is_idle, timeout=30000)
    assert panel.resume_run.currentData()["run_dir"] == run_dir and panel.resume_button.isEnabled()

    open_case_and_wait(gui_window, qtbot, second)  # another case: nothing of the first stays
    assert panel.data.text() == fitting_spec(second) != fitting_spec(first)
    assert panel.history == {} and panel.preview_image.image is None and not panel.loss_curves
    assert panel.resume_run.currentData() is None and not panel.resume_button.isEnabled()

    open_case_and_wait(gui_window, qtbot, first)  # back: its stopped run is offered again
    assert panel.resume_run.currentData()["run_dir"] == run_dir
    record = panel.start(resume=True, steps=40)
    assert record is not None and panel.last_out == run_dir
    qtbot.waitUntil(gui_window.jobs.is_idle, timeout=60000)
    with open(os.path.join(run_dir, "run.json"), encoding="utf-8") as fh:
        assert json.load(fh)["metrics"]["steps"] == 40


def test_a_run_folder_that_holds_a_run_is_explained_in_buttons(gui_window, no_threads_left, qtbot, tmp_path):
    panel = gui_window.training_panel
    start_on_cpu(panel, "builtin:digits[0:64]", tmp_path / "run", steps=5)
    qtbot.waitUntil(gui_window.jobs.is_idle, timeout=60000)
    panel.out.setText(str(tmp_path / "run"))
    assert panel.start(steps=5) is None
    assert "press Resume" in panel.status.text() and "--" not in panel.status.text()
    assert panel.out.text() == str(tmp_path / "run")


def test_loss_curves_smooth_switch_to_log_scale_and_reset_their_zoom(gui_window, qtbot):
    import numpy as np

    from gui import plotting

    panel = gui_window.training_panel
    values = np.linspace(2.0, 0.5, 40) + np.tile([0.3, -0.3], 20)
    panel.history = {"g_loss": [(5 * i, v) for i, v in enumerate(values)]}
    panel.smoothing.setValue(0.8)
    panel._draw()
    x, smoothed = panel.loss_curves["g_loss"].xData, panel.loss_curves["g_loss"].yData
    np.testing.assert_allclose(smoothed, plotting.smooth(values, 0.8))
    np.testing.assert_allclose(panel.loss_curves["g_loss (raw)"].yData, values)
    assert np.ptp(np.diff(smoothed)) < np.ptp(np.diff(values)), "smoothing left the zig-zag"
    panel.log_scale.setChecked(True)
    panel._draw()
    assert panel.loss_plot.getPlotItem().ctrl.logYCheck.isChecked()
    view = panel.loss_plot.getPlotItem().getViewBox()
    view.scaleBy((0.1, 0.1))  # the analyst zooms in with the wheel
    assert not any(view.autoRangeEnabled())
    panel.reset_zoom.click()
    assert all(view.autoRangeEnabled())


def test_stop_keeps_the_run_kind_and_resume_waits_for_the_checkpoint(gui_window, no_threads_left, qtbot, tmp_path):
    panel = gui_window.training_panel
    panel.kind.setCurrentText("GAN")
    start_on_cpu(panel, "builtin:digits[0:128]", tmp_path / "run", steps=100000)
    assert not panel.kind.isEnabled(), "the kind of a running job cannot change"
    qtbot.waitUntil(lambda: "g_loss" in panel.history, timeout=60000)
    panel.stop()
    remembered = next(r for r in panel.session_runs if r["run_dir"] == str(tmp_path / "run"))
    assert remembered["kind"] == "gan"
    if gui_window.jobs.ending("training"):  # still saving its checkpoint: no second job on its folder
        assert not panel.resume_button.isEnabled() and not panel.start_button.isEnabled()
    qtbot.waitUntil(gui_window.jobs.is_idle, timeout=60000)
    assert panel.resume_button.isEnabled() and panel.start_button.isEnabled() and panel.kind.isEnabled()
