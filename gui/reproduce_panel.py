"""The Reproduce panel: the papers' reproducible items, a Run button each, live progress through
the window's JobManager, and the finished table (paper beside ours) with its page image.

The work is `engine.reproduce.job.reproduce_job`, the same job `main.py reproduce` runs; the
panel only starts it and shows what comes back. Runs go to one output folder, so a second run
of an item reuses its finished training runs (and resumes an interrupted one).
"""
import os

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QProgressBar, QPushButton,
                               QScrollArea, QSplitter, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from gui.jobs_panel import show_progress

SLOT = "reproduce"
DEFAULT_OUT = os.path.join(os.path.expanduser("~"), "gan-forensics-reproduce")


class ReproducePanel(QWidget):
    finished = Signal(dict)  # the ID.json document of a finished run

    def __init__(self, jobs, parent=None):
        super().__init__(parent)
        from engine.reproduce.registry import PAPERS, list_items

        self.jobs = jobs
        self.items = list_items()
        self.document = None
        self.items_table = QTableWidget(len(self.items), 4)
        self.items_table.setHorizontalHeaderLabels(["", "id", "title", "paper"])
        self.items_table.verticalHeader().hide()
        self.items_table.setEditTriggers(QTableWidget.NoEditTriggers)
        self.run_buttons = {}
        for r, item in enumerate(self.items):
            button = QPushButton("Run")
            button.setToolTip("; ".join(f"{scale}: about {seconds / 60:.0f} min of CPU" if scale == "quick" else
                                        f"{scale}: about {seconds / 60:.0f} min on a GPU (estimate)"
                                        for scale, seconds in item.expected_seconds.items()))
            button.clicked.connect(lambda _=False, i=item.id: self.run(i))
            self.run_buttons[item.id] = button
            self.items_table.setCellWidget(r, 0, button)
            for c, text in enumerate((item.id, item.title, PAPERS[item.paper]), start=1):
                self.items_table.setItem(r, c, QTableWidgetItem(text))
        self.items_table.setSelectionBehavior(QTableWidget.SelectRows)
        self.items_table.cellClicked.connect(lambda r, _c: self.show_saved(self.items[r].id))
        header = self.items_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.Stretch)

        self.scale = QComboBox()
        self.scale.addItems(["quick", "paper"])
        self.scale.setToolTip("quick: minutes on a laptop CPU; paper: the papers' sizes, meant for a GPU")
        self.device = QComboBox()
        self.device.addItems(["auto", "cpu", "cuda"])
        self.out = QLineEdit(DEFAULT_OUT)
        self.out.setToolTip("ID.json, ID.pdf and ID.png go here; training runs to runs/SCALE (reused)")
        self.stop_button = QPushButton("Stop")
        self.stop_button.setEnabled(False)
        self.stop_button.clicked.connect(self.stop)
        options = QHBoxLayout()
        for label, widget in (("Scale", self.scale), ("Device", self.device), ("Output folder", self.out)):
            options.addWidget(QLabel(label))
            options.addWidget(widget, 1 if widget is self.out else 0)
        options.addWidget(self.stop_button)

        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.status = QLabel("Choose an item and press Run.")
        self.status.setWordWrap(True)
        self.result_table = QTableWidget(0, 4)
        self.result_table.setHorizontalHeaderLabels(["row", "value", "paper", "ours"])
        self.result_table.setEditTriggers(QTableWidget.NoEditTriggers)
        self.result_table.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.page = QLabel()
        self.page.setAlignment(Qt.AlignHCenter | Qt.AlignTop)
        page_scroll = QScrollArea()
        page_scroll.setWidget(self.page)
        page_scroll.setWidgetResizable(True)
        results = QSplitter(Qt.Horizontal)
        results.addWidget(self.result_table)
        results.addWidget(page_scroll)
        results.setSizes([500, 500])

        layout = QVBoxLayout(self)
        layout.addWidget(self.items_table, 2)
        layout.addLayout(options)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(results, 3)

    def run(self, item_id, scale=None):
        """Starts an item (cancelling a running one); `scale` overrides the combo (tests use "tiny")."""
        from engine.jobs.child import in_child_process
        from engine.reproduce.job import reproduce_job

        params = {"id": item_id, "scale": scale or self.scale.currentText(), "device": self.device.currentText(),
                  "out": self.out.text().strip() or DEFAULT_OUT}
        self.progress.setValue(0)
        self.status.setText(f"Running {item_id} ({params['scale']})…")
        self.stop_button.setEnabled(True)
        self.jobs.start(SLOT, f"reproduce {item_id}", in_child_process(reproduce_job), params, progress=self._on_progress,
                        finished=self._on_finished, failed=self._on_failed)

    @Slot()
    def stop(self):
        self.jobs.cancel(SLOT)
        self.stop_button.setEnabled(False)
        self.status.setText("Stopped; running it again resumes from its finished and checkpointed runs.")

    def _on_progress(self, fraction, message):
        show_progress(self.progress, int(fraction * 1000))
        self.progress.setFormat(f"{fraction * 100:.0f}%  {message}")

    def _on_finished(self, document):
        self.document = document
        self.stop_button.setEnabled(False)
        self.progress.setValue(1000)
        self.status.setText(f"{document['id']} ({document['scale']}): {document['seconds']:.0f} s; "
                            f"written to {os.path.dirname(document['files']['json'])}")
        self.show_document(document)
        self.finished.emit(document)

    def _on_failed(self, message):
        self.stop_button.setEnabled(False)
        self.status.setText(f"Failed: {message}")

    def show_saved(self, item_id):
        """Shows the table an earlier run left in the output folder, if there is one."""
        import json

        folder = self.out.text().strip() or DEFAULT_OUT
        path = os.path.join(folder, f"{item_id}.json")
        if self.jobs.running(SLOT) or not os.path.isfile(path):
            return
        try:
            with open(path, encoding="utf-8") as fh:
                document = json.load(fh)
            document["files"] = {"json": path, "png": os.path.join(folder, f"{item_id}.png")}
            self.show_document(document)
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as err:
            self.status.setText(f"{path}: not a readable result ({err})")
            return
        self.status.setText(f"{item_id} ({document.get('scale')}): the last run's table, from {folder}")

    def show_document(self, document):
        from engine.reproduce.page import fmt

        cells = [(r["name"], key, fmt(r["paper"].get(key)), fmt(value))
                 for r in document["rows"] for key, value in r["ours"].items()]
        self.result_table.setRowCount(len(cells))
        for i, texts in enumerate(cells):
            for j, text in enumerate(texts):
                self.result_table.setItem(i, j, QTableWidgetItem(text))
        pixmap = QPixmap(document["files"]["png"])
        if not pixmap.isNull():
            self.page.setPixmap(pixmap.scaledToWidth(520, Qt.SmoothTransformation))
