"""Sample detail: the map with zoom/pan and, by modality, its pixel histogram (images),
violating chroma transitions (piano rolls) or the waveform (speech), with play/stop
and a playback cursor.

What is drawn comes from `gui.tasks.sample.sample_detail_job` (histogram, violations, audio).
"""
import html
import os

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget

from gui import plotting
from gui.tasks import sample as sample_tasks
from gui.imaging import display_array
from gui.playback import Player, audio_unavailable


class SampleView(QWidget):
    def __init__(self, jobs, case_explorer, parent=None):
        super().__init__(parent)
        self.jobs, self.case_explorer = jobs, case_explorer
        self.entry = None
        self._pending = None
        self.detail = None
        self.player = Player(self)
        self.player.position.connect(self._cursor_at)
        self.player.stopped.connect(self._playback_stopped)

        self.title = QLabel("Choose a file in the Evidence view to see it here.")
        self.title.setWordWrap(True)
        self.index = QSpinBox()
        self.index.setPrefix("sample ")
        self.index.setEnabled(False)
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
        self.lower_plot = self.canvas.addPlot(row=1, col=0)
        plotting.plain_axes(self.map_plot)
        plotting.plain_axes(self.lower_plot)
        self.histogram_curve = plotting.curve(self.lower_plot, "", pg.mkPen((31, 119, 180)), step=True)
        self.waveform_curve = plotting.curve(self.lower_plot, "", pg.mkPen((31, 119, 180)))
        self.lower_cursor = pg.InfiniteLine(angle=90, pen=pg.mkPen((214, 39, 40), width=2))
        self.lower_plot.addItem(self.lower_cursor)
        self.canvas.ci.layout.setRowStretchFactor(0, 3)
        self.canvas.ci.layout.setRowStretchFactor(1, 1)
        self._hide_cursors()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(bar)
        layout.addWidget(self.canvas, 1)

    # --- showing a file --------------------------------------------------------------------

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
        sampleset = entry["sampleset"]
        self.index.blockSignals(True)
        self.index.setRange(0, max(0, sampleset.n - 1))
        self.index.setValue(0)
        self.index.blockSignals(False)
        # Speech and music show the whole file (its patches side by side); images one at a time.
        self.index.setEnabled(sampleset.modality == "image" and sampleset.n > 1)
        self._request_detail(0)

    @Slot(int)
    def _index_changed(self, index):
        if self.entry is not None:
            self._request_detail(index)

    def _request_detail(self, index):
        sampleset = self.entry["sampleset"]
        self.title.setText(f"{os.path.basename(self.entry['path'])} — {sampleset.modality}, "
                           f"{sampleset.n} sample(s) — computing…")
        self.jobs.start("sample-detail", f"detail of {os.path.basename(self.entry['path'])}",
                        sample_tasks.sample_detail_job,
                        {"path": self.entry["path"], "sampleset": sampleset, "index": index,
                         "case_dir": self.case_explorer.case_dir},
                        finished=self._show_detail,
                        failed=lambda reason: self.title.setText(f"Could not show the sample: {reason}"))

    @Slot(object)
    def _show_detail(self, detail):
        self.detail = detail
        modality = detail["modality"]
        rgb = display_array(detail["map"], modality)
        self.image.setImage(rgb[::-1] if modality != "image" else rgb, autoLevels=False, levels=(0, 255))
        # Row 0 of the display array is the top; flip the y axis so images read upright
        # and spectrograms / rolls have their lowest band at the bottom.
        self.map_plot.invertY(modality == "image")
        self.map_plot.setAspectLocked(modality == "image")
        self.map_plot.setLabel("bottom", {"image": "pixel", "speech": "frame (20 ms hop)",
                                          "music": "step (sixteenth note)"}[modality])
        self.map_plot.setLabel("left", {"image": "pixel", "speech": "mel band", "music": "MIDI pitch"}[modality])
        self.markers.setData(*(detail["violations"].T if len(detail["violations"]) else ([], [])))
        lower = detail["lower"]
        self.lower_plot.setTitle(lower["title"])
        self.lower_plot.setLabel("bottom", lower["x_label"])
        shown, hidden = ((self.histogram_curve, self.waveform_curve) if lower["kind"] == "histogram"
                         else (self.waveform_curve, self.histogram_curve))
        plotting.set_xy(shown, lower["x"], lower["y"])
        hidden.setData([], [])
        self.map_plot.autoRange()
        if detail.get("focus_rows"):  # piano rolls: zoom onto the pitches that sound
            self.map_plot.setYRange(*detail["focus_rows"], padding=0.05)
        self.lower_plot.autoRange()
        self._show_title()
        self._set_play_enabled(detail)
        self._hide_cursors()

    @Slot(object)
    def verdict_arrived(self, entry):
        if entry is self.entry and self.detail is not None:
            self._show_title()

    def _show_title(self):
        sampleset = self.entry["sampleset"]
        title = f"{html.escape(os.path.basename(self.entry['path']))} — {sampleset.modality}, {sampleset.n} sample(s)"
        verdict = self.entry.get("verdict")
        if verdict:
            title += f" — <b>{verdict['label'].upper()}</b> (score {verdict['score']:.3f})"
        if self.detail["note"]:
            title += f" — {html.escape(self.detail['note'])}"
        self.title.setText(title)

    # --- playback ------------------------------------------------------------------------

    def _set_play_enabled(self, detail):
        if detail is None or detail["modality"] == "image":
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

