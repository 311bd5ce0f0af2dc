"""What keeps the window responsive while a run trains or files are judged (docs/gui.md,
"Responsiveness"): the training panel redraws one plot per display tick, only plots with news,
smooths only new loss values; progress bars are painted in the window's paint pass, not on
their own; the evidence view shows a burst of results a slice at a time, from thumbnails made
in the worker, and its grid paints without entering Python."""
import time

import numpy as np
from PySide6.QtCore import QEvent, QObject


class PaintCounter(QObject):
    def __init__(self):
        super().__init__()
        self.paints = 0

    def eventFilter(self, watched, event):
        if event.type() == QEvent.Paint:
            self.paints += 1
        return False


def test_the_training_panel_redraws_one_plot_with_news_per_display_tick(gui_window):
    panel = gui_window.training_panel
    panel.clear_plots()
    panel._dirty.clear()
    panel._draw()  # nothing new: nothing drawn
    assert not panel.loss_curves and panel.preview_image.image is None
    panel._partial({"step": 1, "losses": {"g_loss": 1.0, "d_loss": 0.5}, "preview": np.full((8, 8, 1), 0.5),
                    "histogram": np.arange(100.0), "divergence": {"step": 1, "ks": 0.3, "jsd": 0.2}})
    drawn = []
    for _ in range(4):
        panel._draw()
        drawn.append((bool(panel.loss_curves), panel.preview_image.image is not None,
                      panel.generated_curve.yData is not None and len(panel.generated_curve.yData) > 0,
                      panel.divergence_curves["KS"].yData is not None and len(panel.divergence_curves["KS"].yData) > 0))
    assert [sum(state) for state in drawn] == [1, 2, 3, 4]  # one more plot per tick
    assert not panel._dirty
    panel._partial({"step": 2, "losses": {"g_loss": 0.9, "d_loss": 0.6}})
    assert panel._dirty == {"losses"}  # a loss alone leaves the other three plots as they are
    panel._draw()
    assert list(panel.loss_curves["g_loss"].xData) == [1.0, 2.0]


def test_a_growing_loss_curve_is_smoothed_like_the_whole_series():
    from gui import plotting

    values = np.random.default_rng(0).random(300)
    smoother = plotting.Smoother()
    for end in (1, 2, 50, 51, 300):
        np.testing.assert_allclose(smoother.extend(values[:end], 0.7), plotting.smooth(values[:end], 0.7))
    np.testing.assert_allclose(smoother.extend(values, 0.3), plotting.smooth(values, 0.3))  # a new weight
    np.testing.assert_allclose(smoother.extend(values[:10], 0.3), plotting.smooth(values[:10], 0.3))  # a new run


def test_a_progress_bar_update_waits_for_the_windows_paint_pass(gui_window, qtbot):
    from gui.jobs_panel import show_progress

    gui_window.show_view("training")
    bar = gui_window.training_panel.progress
    qtbot.waitExposed(bar)
    counter = PaintCounter()
    bar.installEventFilter(counter)
    try:
        bar.setValue(500)  # Qt's own setValue paints the bar at once ...
        direct = counter.paints
        counter.paints = 0
        show_progress(bar, 700)  # ... show_progress leaves it to the next paint pass
        assert direct >= 1 and counter.paints == 0 and bar.value() == 700
        qtbot.waitUntil(lambda: counter.paints >= 1, timeout=2000)
    finally:
        bar.removeEventFilter(counter)


def test_plot_axes_are_painted_from_a_cache_until_they_change(gui_window):
    from PySide6.QtWidgets import QGraphicsItem

    panel = gui_window.training_panel
    for widget in (panel.loss_plot, panel.divergence_plot, panel.hist_plot):
        for side in ("left", "bottom"):
            assert widget.getPlotItem().getAxis(side).cacheMode() == QGraphicsItem.DeviceCoordinateCache


def fake_loaded(tmp_path, n):
    """`n` loaded-evidence entries as the intake job delivers them (thumbnails made off the GUI thread)."""
    from PIL import Image

    from engine.data.loaders import load_path
    from gui.tasks.evidence import loaded_entry

    path = tmp_path / "digit.png"
    Image.fromarray(np.arange(64, dtype=np.uint8).reshape(8, 8) * 4).save(path)
    entry = loaded_entry(str(path), load_path(str(path)))
    return [dict(entry, path=str(tmp_path / f"e{i:03d}.png")) for i in range(n)]


def test_a_burst_of_results_is_shown_a_slice_at_a_time_and_keeps_the_window_busy(gui_window, qtbot, tmp_path):
    from gui import evidence_view

    view, session = gui_window.evidence_view, gui_window.session
    view._loaded({"loaded": fake_loaded(tmp_path, 300), "refused": []})
    assert len(session.evidence) == 0 and not gui_window.jobs.is_idle(), "results shown inside the job's slot"
    started = time.perf_counter()
    view._show_some()
    spent = time.perf_counter() - started
    assert 0 < len(session.evidence) < 300
    assert spent < evidence_view.SLICE_SECONDS + 0.05, spent  # one item past the budget at most
    qtbot.waitUntil(gui_window.jobs.is_idle, timeout=10000)
    assert len(session.evidence) == 300
    view._loaded({"loaded": fake_loaded(tmp_path, 300), "refused": []})  # partial results repeat earlier ones
    assert gui_window.jobs.is_idle() and len(session.evidence) == 300


def test_thumbnails_are_tiles_made_without_qt():
    from gui.modality_display import THUMBNAIL, TILE_GREY, display

    image = display("image").thumbnail(np.full((1, 8, 8), 1.0))
    assert image.shape == (THUMBNAIL, THUMBNAIL, 3) and image.dtype == np.uint8 and (image == 255).all()
    wide = display("speech").thumbnail(np.random.default_rng(0).random((1, 40, 128)))  # 4 patches side by side
    rows_used = np.flatnonzero((wide != TILE_GREY).any(axis=(1, 2)))
    assert rows_used.size == THUMBNAIL * 40 // 128 and (wide[:rows_used[0]] == TILE_GREY).all(), "aspect not kept"
    assert abs((rows_used[0] + rows_used[-1]) / 2 - (THUMBNAIL - 1) / 2) <= 1, "not centred"


def test_the_evidence_grid_paints_without_entering_python(gui_window):
    from PySide6.QtGui import QStandardItemModel

    model = gui_window.evidence_view.grid.model()
    assert isinstance(model, QStandardItemModel)
    overridden = [name for name in ("data", "rowCount", "flags", "index") if name in type(model).__dict__]
    assert not overridden, f"a Python {overridden} would wait for the worker's interpreter lock at every paint"


def test_the_step_axis_grows_by_doubling_up_to_the_run_and_stops_following_a_zoom(gui_window):
    panel = gui_window.training_panel
    panel.clear_plots()
    view = panel.loss_plot.getPlotItem().getViewBox()
    ends = []
    for step in range(1, 301):
        panel._partial({"step": step, "steps": 300, "losses": {"g_loss": 1.0}})
        ends.append(panel.step_axis.end)
    assert sorted(set(ends)) == [50.0, 100.0, 200.0, 300.0], "the axis changes at doublings only, up to the run"
    assert not view.autoRangeEnabled()[0] and view.autoRangeEnabled()[1]  # the values still auto-range
    assert panel.divergence_plot.getPlotItem().getViewBox().viewRange()[0][1] >= 300.0
    panel.clear_plots()  # a new run
    panel._partial({"step": 1, "steps": 1000, "losses": {"g_loss": 1.0}})
    view.sigRangeChangedManually.emit([True, True])  # as the mouse wheel does
    panel._partial({"step": 60, "steps": 1000, "losses": {"g_loss": 1.0}})
    assert panel.step_axis.end == 50.0, "a zoomed view is left where the user put it"
    panel.reset_zoom.click()
    panel._partial({"step": 61, "steps": 1000, "losses": {"g_loss": 1.0}})
    assert panel.step_axis.end == 100.0 and view.viewRange()[0][1] >= 100.0
