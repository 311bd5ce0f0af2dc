"""Sample detail: the map with zoom/pan and a value readout under the mouse, and below it
by modality the pixel histogram beside the case reference's (images, arrays), the
waveform (recordings) with play/stop and a playback cursor, or violating chroma
transitions marked on the piano roll (music).

Speech maps (recordings and a speech generator's .npy mel maps alike) are drawn as power
in dB with a colour bar, over seconds and the mel bands' frequencies in Hz; the waveform
below shares the time axis. What is drawn comes from `gui.tasks.sample.sample_detail_job`;
how each modality is drawn and read out is its display's (gui/modality_display.py).
The view follows the window's case session: another case, or none, clears it.
"""
import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget

from engine import findings
from gui import plotting
from gui.modality_display import VIRIDIS, display
from gui.playback import Player, audio_unavailable
from gui.tasks import sample as sample_tasks

PLACEHOLDER = "Choose a file in the Evidence view to see it here."
AXIS_WIDTH = 64  # both plots' left axes, so their time axes line up


class SampleView(QWidget):
    def __init__(self, jobs, session, parent=None):
        super().__init__(parent)
        self.jobs, self.session = jobs, session
        self.entry = None
        self._pending = None
        self.detail = None
        self.player = Player(self)
        self.player.position.connect(self._cursor_at)
        self.player.stopped.connect(self._playback_stopped)

        self.title = QLabel(PLACEHOLDER)
        self.title.setWordWrap(True)
        self.index = QSpinBox()
        self.index.setPrefix("sample ")
        self.index.setEnabled(False)
        self.index.setToolTip("Which image of a multi-image file is shown")
        self.index.valueChanged.connect(self._index_changed)
        self.play_button, self.stop_button = QPushButton("Play"), QPushButton("Stop")
        self.play_button.clicked.connect(self.play)
        self.stop_button.clicked.connect(self.stop_playback)
        self._set_play_enabled(None)
        toggle = QShortcut(QKeySequence(Qt.Key_Space), self)
        toggle.setContext(Qt.WidgetWithChildrenShortcut)
        toggle.activated.connect(self.toggle_playback)
        bar = QHBoxLayout()
        bar.addWidget(self.title, 1)
        bar.addWidget(self.index)
        bar.addWidget(self.play_button)
        bar.addWidget(self.stop_button)

        self.canvas = pg.GraphicsLayoutWidget()
        self.map_plot = self.canvas.addPlot(row=0, col=0)
        self.map_plot.setMenuEnabled(False)
        self.image = pg.ImageItem()
        self.map_plot.addItem(self.image)
        self.markers = pg.ScatterPlotItem(symbol="x", size=9, pen=pg.mkPen((255, 60, 60), width=2), brush=None)
        self.map_plot.addItem(self.markers)
        self.map_cursor = pg.InfiniteLine(angle=90, pen=pg.mkPen((255, 255, 255), width=2))
        self.map_plot.addItem(self.map_cursor)
        self.colorbar = pg.ColorBarItem(values=(0.0, 1.0), colorMap=pg.ColorMap(np.linspace(0, 1, 256), VIRIDIS),
                                        interactive=False, width=14)
        self.canvas.addItem(self.colorbar, row=0, col=1)
        self.lower_plot = self.canvas.addPlot(row=1, col=0)
        for plot in (self.map_plot, self.lower_plot):
            plotting.plain_axes(plot)
            plot.getAxis("left").setWidth(AXIS_WIDTH)
        self.reference_curve = plotting.curve(self.lower_plot, "", plotting.REFERENCE_PEN, step=True)
        # filled grey, so the reference shows behind a file whose histogram is nearly the same
        self.reference_curve.setFillLevel(0.0)
        self.reference_curve.setBrush(pg.mkBrush(0, 0, 0, 50))
        self.histogram_curve = plotting.curve(self.lower_plot, "", pg.mkPen((31, 119, 180), width=2), step=True)
        self.waveform_curve = plotting.curve(self.lower_plot, "", pg.mkPen((31, 119, 180)))
        self.lower_cursor = pg.InfiniteLine(angle=90, pen=pg.mkPen((214, 39, 40), width=2))
        self.lower_plot.addItem(self.lower_cursor)
        self.canvas.ci.layout.setRowStretchFactor(0, 3)
        self.canvas.ci.layout.setRowStretchFactor(1, 1)
        self.readout = QLabel(" ")
        self.readout.setObjectName("readout")
        self.readout.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.canvas.scene().sigMouseMoved.connect(self._mouse_moved)
        self._hide_cursors()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(bar)
        layout.addWidget(self.canvas, 1)
        layout.addWidget(self.readout)
        session.case_changed.connect(self.clear)
        session.evidence_removed.connect(lambda item: self.clear() if item is self.entry else None)
        session.verdict_arrived.connect(self.verdict_arrived)
        session.evidence_read.connect(self._content_arrived)
        self.clear()

    # --- showing a file --------------------------------------------------------------------

    @Slot()
    def clear(self, *_):
        """Nothing shown: another case opened, the case closed or the file left the view."""
        self.jobs.cancel("sample-detail")
        self.stop_playback()
        self.entry, self._pending, self.detail = None, None, None
        self.title.setText(PLACEHOLDER)
        self.index.setEnabled(False)
        self.image.clear()
        self.markers.setData([], [])
        for curve in (self.reference_curve, self.histogram_curve, self.waveform_curve):
            curve.setData([], [])
        self.lower_plot.setTitle("")
        self.colorbar.hide()
        self.readout.setText(" ")
        self._set_play_enabled(None)
        self._hide_cursors()

    def select_entry(self, entry):
        """Follows the evidence selection; the detail is computed when the view is shown."""
        if entry is self.entry:
            return
        self._pending = entry
        if self.isVisible():
            self.show_entry(entry)

    def showEvent(self, event):
        super().showEvent(event)
        if self._pending is not None:
            self.show_entry(self._pending)

    def show_entry(self, entry):
        self._pending = None
        self.stop_playback()
        self.entry = entry
        if not entry.read:  # a case's file not read yet: the evidence view reads the current one
            self.title.setText(f"{html.escape(entry.name)} — {entry.modality} — reading the file…")
            return
        sampleset = entry.sampleset
        self.index.blockSignals(True)
        self.index.setRange(0, max(0, sampleset.n - 1))
        self.index.setValue(0)
        self.index.blockSignals(False)
        # Speech and music show the whole file (its patches side by side); images one at a time.
        self.index.setEnabled(display(sampleset.modality).browses_samples and sampleset.n > 1)
        self._request_detail(0)

    @Slot(int)
    def _index_changed(self, index):
        if self.entry is not None:
            self._request_detail(index)

    def _request_detail(self, index):
        entry = self.entry
        self.title.setText(f"{html.escape(entry.name)} — {entry.modality}, {entry.sampleset.n} sample(s) — computing…")
        self.jobs.start("sample-detail", f"detail of {entry.name}", sample_tasks.sample_detail_job,
                        {"path": entry.path, "sampleset": entry.sampleset, "index": index,
                         "case_dir": self.session.case_dir},
                        finished=self._show_detail,
                        failed=lambda reason: self.title.setText(f"Could not show the sample: {html.escape(reason)}"))

    @Slot(object)
    def _show_detail(self, detail):
        self.detail = detail
        shows = display(detail["modality"])
        shows.draw(self, detail)
        self.markers.setData(*(detail["violations"].T if len(detail["violations"]) else ([], [])))
        lower = detail["lower"]
        self.lower_plot.setTitle(lower["title"], size="10pt")
        self.lower_plot.setLabel("bottom", lower["x_label"])
        self.lower_plot.setLabel("left", lower["y_label"])
        if lower["kind"] == "histogram":
            plotting.set_step(self.histogram_curve, lower["x"], lower["y"])
            if lower["reference"] is not None:
                plotting.set_step(self.reference_curve, lower["x"], lower["reference"])
            else:
                self.reference_curve.setData([], [])
            self.waveform_curve.setData([], [])
        else:
            plotting.set_xy(self.waveform_curve, lower["x"], lower["y"])
            self.histogram_curve.setData([], [])
            self.reference_curve.setData([], [])
        # The waveform shares the spectrogram's time axis; a histogram has its own x.
        shared_time = shows.seconds_axis and lower["kind"] == "waveform"
        self.lower_plot.setXLink(self.map_plot if shared_time else None)
        self.map_plot.autoRange()
        if detail.get("focus_rows"):  # piano rolls: zoom onto the pitches that sound
            self.map_plot.setYRange(*detail["focus_rows"], padding=0.05)
        if shared_time:
            # whole patches only are mapped: the time axis spans the recording, the map what it covers
            map_end = detail["map_start_seconds"] + self.image.width() * detail["seconds_per_column"]
            self.map_plot.setXRange(0.0, max(float(lower["x"][-1]), map_end), padding=0.01)
            self.lower_plot.enableAutoRange(axis="y")
        else:
            self.lower_plot.autoRange()
        self._show_title()
        self._set_play_enabled(detail)
        self._hide_cursors()

    def show_colorbar(self, levels, label):
        self.colorbar.setLevels(values=levels)
        self.colorbar.axis.setLabel(label)
        self.colorbar.show()

    @Slot(object)
    def _content_arrived(self, entry):
        if entry is self.entry:  # read while this view waited for it
            self.show_entry(entry)

    @Slot(object)
    def verdict_arrived(self, entry):
        if entry is self.entry and self.detail is not None:
            self._show_title()

    def _show_title(self):
        entry = self.entry
        title = f"{html.escape(entry.name)} — {entry.modality}, {entry.sampleset.n} sample(s)"
        if entry.sampleset.meta.get("modality_from_reference"):
            title += " (an array read as the case reference's modality)"
        verdict = entry.verdict
        if verdict:  # in the report's words (engine.findings)
            described = findings.describe(verdict)
            title += f" — <b>{html.escape(described['finding'])}</b> ({html.escape(described['strength'])})"
        if self.detail["note"]:
            title += f" — {html.escape(self.detail['note'])}"
        self.title.setText(title)

    # --- value readout ---------------------------------------------------------------

    @Slot(object)
    def _mouse_moved(self, scene_pos):
        if self.detail is None:
            return
        if self.map_plot.sceneBoundingRect().contains(scene_pos):
            point = self.map_plot.vb.mapSceneToView(scene_pos)
            self.readout.setText(self.map_value(point.x(), point.y()) or " ")
        elif self.lower_plot.sceneBoundingRect().contains(scene_pos):
            point = self.lower_plot.vb.mapSceneToView(scene_pos)
            self.readout.setText(f"{self.detail['lower']['x_label']} {point.x():.4g}, "
                                 f"{self.detail['lower']['y_label']} {point.y():.4g}")

    def map_value(self, x, y):
        """What the map holds at view coordinates (x, y), in words; None outside it."""
        detail = self.detail
        shows = display(detail["modality"])
        rows, columns = detail["map"].shape[-2:]
        column, row = shows.cell(detail, x, y)
        if not (0 <= row < rows and 0 <= column < columns and x >= 0 and y >= 0):
            return None
        return shows.describe(detail, row, column)

    # --- playback ------------------------------------------------------------------------

    def _set_play_enabled(self, detail):
        if detail is None or not display(detail["modality"]).playable:
            reason = "Nothing to play: choose a speech or MIDI file."
        elif audio_unavailable():
            reason = audio_unavailable()
        elif detail["audio"] is None:
            reason = "Nothing to play: these maps come from an array, not a recording or MIDI file."
        else:
            reason = None
        self.play_button.setEnabled(reason is None)
        self.stop_button.setEnabled(reason is None)
        self.play_button.setToolTip(reason or "Play (Space)")
        self.stop_button.setToolTip(reason or "Stop (Space)")

    def play(self):
        if self.detail is None or self.detail["audio"] is None:
            return
        samples, rate = self.detail["audio"]
        self.player.play(samples, rate)
        self.map_cursor.show()
        self.lower_cursor.setVisible(self.detail["lower"]["kind"] == "waveform")

    def stop_playback(self):
        self.player.stop()

    def toggle_playback(self):
        if self.player.is_playing():
            self.stop_playback()
        elif self.play_button.isEnabled():
            self.play()

    @Slot(float)
    def _cursor_at(self, seconds):
        self.map_cursor.setValue(float(np.interp(seconds, *self.detail["cursor"])))
        self.lower_cursor.setValue(seconds)  # the waveform's x axis is in seconds

    @Slot()
    def _playback_stopped(self):
        self._hide_cursors()

    def _hide_cursors(self):
        self.map_cursor.hide()
        self.lower_cursor.hide()


def scene_point(plot, x, y):
    """Scene position of view coordinates (x, y) in `plot` (for tests and scripted readouts)."""
    return plot.vb.mapViewToScene(QPointF(x, y))
