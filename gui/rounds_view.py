"""Rounds view: the classifier-iteration × generator-iteration accuracy matrix of sequential
GAN-vs-classifier rounds as a heatmap, and the generalisation curve.

The view follows the window's case session: opening a case shows its newest rounds run
(a runs/*/rounds.json inside the case), closing it clears the view."""
import glob
import os

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Slot
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from gui import plotting
from gui.modality_display import VIRIDIS
from gui.tasks import rounds as rounds_tasks


class RoundsView(QWidget):
    def __init__(self, jobs, session, parent=None):
        super().__init__(parent)
        self.jobs, self.session = jobs, session
        self.labels = []
        open_button = QPushButton("Open rounds…")
        open_button.setToolTip("Open a rounds folder (one holding rounds.json)")
        open_button.clicked.connect(self._open_dialog)
        self.status = QLabel()
        bar = QHBoxLayout()
        bar.addWidget(open_button)
        bar.addWidget(self.status, 1)

        self.canvas = pg.GraphicsLayoutWidget()
        self.matrix_plot = self.canvas.addPlot(row=0, col=0,
                                               title="Accuracy: classifier iteration × generator iteration")
        self.matrix_plot.setLabel("bottom", "generator iteration")
        self.matrix_plot.setLabel("left", "classifier iteration")
        self.matrix_plot.invertY(True)
        self.matrix_plot.setAspectLocked(True)
        self.heatmap = pg.ImageItem()
        self.heatmap.setLookupTable(VIRIDIS)
        self.matrix_plot.addItem(self.heatmap)
        self.colorbar = pg.ColorBarItem(values=(0.0, 1.0), colorMap=pg.ColorMap(np.linspace(0, 1, 256), VIRIDIS),
                                        interactive=False, label="accuracy")
        self.colorbar.setImageItem(self.heatmap, insert_in=self.matrix_plot)
        self.curve_plot = self.canvas.addPlot(row=0, col=1, title="Generalisation to held-out generators")
        self.curve_plot.setLabel("bottom", "generators in the classifier's training set")
        self.curve_plot.setLabel("left", "balanced accuracy")
        self.curve_plot.setYRange(0.0, 1.05)
        self.curve_plot.showGrid(x=True, y=True, alpha=0.2)
        plotting.plain_axes(self.curve_plot)
        self.curve = plotting.curve(self.curve_plot, "generalisation", pg.mkPen(plotting.colour(1), width=2))
        self.curve.setSymbol("o")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(bar)
        layout.addWidget(self.canvas, 1)
        session.case_changed.connect(self._case_changed)
        self.clear()

    def clear(self):
        self.jobs.cancel("rounds")
        self.heatmap.clear()
        for label in self.labels:
            self.matrix_plot.removeItem(label)
        self.labels = []
        self.curve.setData([], [])
        self.status.setText("Open a rounds folder (from the Training panel's rounds, or `train rounds`).")

    @Slot(object)
    def _case_changed(self, case_dir):
        self.clear()
        if case_dir:  # a glob of one folder level: cheap enough for the GUI thread
            found = glob.glob(os.path.join(case_dir, "runs", "*", "rounds.json"))
            if found:
                self.load(os.path.dirname(max(found, key=os.path.getmtime)))

    def _open_dialog(self):
        path = QFileDialog.getExistingDirectory(self, "Rounds folder")
        if path:
            self.load(path)

    def load(self, path):
        self.jobs.start("rounds", f"read rounds {os.path.basename(path)}", rounds_tasks.read_rounds_job, {"path": path},
                        finished=self.show_rounds, failed=lambda reason: self.status.setText(f"Cannot read: {reason}"))

    @Slot(object)
    def show_rounds(self, rounds):
        matrix = rounds["matrix"]
        self.heatmap.setImage(matrix, levels=(0.0, 1.0))
        for label in self.labels:
            self.matrix_plot.removeItem(label)
        self.labels = []
        rows, cols = np.nonzero(np.isfinite(matrix))
        for r, c in zip(rows, cols):
            # Dark text on the light (high-accuracy) end of viridis, light text elsewhere.
            label = pg.TextItem(f"{matrix[r, c]:.2f}", color="k" if matrix[r, c] > 0.6 else "w", anchor=(0.5, 0.5))
            label.setPos(c + 0.5, r + 0.5)
            self.matrix_plot.addItem(label)
            self.labels.append(label)
        plotting.set_xy(self.curve, *rounds["generalization"])
        for side, count in (("bottom", matrix.shape[1]), ("left", matrix.shape[0])):
            self.matrix_plot.getAxis(side).setTicks([[(i + 0.5, str(i)) for i in range(count)]])
        self.matrix_plot.autoRange()
        self.status.setText(f"{rounds['path']}: {matrix.shape[0]} classifier × {matrix.shape[1]} generator iterations")
