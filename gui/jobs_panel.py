"""The jobs pane: one row per running task with its progress, ETA and a Cancel button."""
from PySide6.QtCore import Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget


def show_progress(bar, value):
    """Sets a QProgressBar's value without its immediate repaint: setValue repaints the bar at
    once, outside the window's paint pass, whenever its percentage or a pixel changes (several
    ms each time, ten times a second per bar during a run); with updates held off, the new
    value is drawn in the window's next ordinary paint pass (setUpdatesEnabled(True) calls
    update())."""
    bar.setUpdatesEnabled(False)
    bar.setValue(value)
    bar.setUpdatesEnabled(True)


def format_eta(seconds):
    if seconds is None:
        return "ETA ?"
    seconds = int(round(seconds))
    minutes, seconds = divmod(seconds, 60)
    return f"ETA {minutes}:{seconds:02d}" if minutes < 60 else f"ETA {minutes // 60}h{minutes % 60:02d}"


class JobRow(QWidget):
    def __init__(self, record, manager, parent=None):
        super().__init__(parent)
        self.record = record
        layout = QHBoxLayout(self)
        layout.setContentsMargins(2, 0, 2, 0)
        self.name = QLabel(record.name)
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.eta = QLabel(format_eta(None))
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(lambda: manager.cancel_record(record))
        layout.addWidget(self.name, 2)
        layout.addWidget(self.bar, 3)
        layout.addWidget(self.eta)
        layout.addWidget(self.cancel_button)

    def refresh(self):
        show_progress(self.bar, int(self.record.fraction * 1000))
        self.bar.setFormat(f"{self.record.fraction * 100:.0f}%  {self.record.message}")
        self.eta.setText(format_eta(self.record.eta_seconds()))


class JobsPanel(QWidget):
    def __init__(self, manager, parent=None):
        super().__init__(parent)
        self.manager = manager
        self.rows = {}
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(2, 2, 2, 2)
        self.empty = QLabel("No running jobs.")
        self.layout_.addWidget(self.empty)
        self.layout_.addStretch(1)
        manager.job_started.connect(self._add)
        manager.job_changed.connect(self._update)
        manager.job_ended.connect(self._remove)

    @Slot(object)
    def _add(self, record):
        row = JobRow(record, self.manager)
        self.rows[id(record)] = row
        self.layout_.insertWidget(self.layout_.count() - 1, row)
        self.empty.hide()

    @Slot(object)
    def _update(self, record):
        row = self.rows.get(id(record))
        if row is not None:
            row.refresh()

    @Slot(object)
    def _remove(self, record):
        row = self.rows.pop(id(record), None)
        if row is not None:
            row.setParent(None)
            row.deleteLater()
        self.empty.setVisible(not self.rows)
