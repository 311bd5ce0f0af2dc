"""The notifications list: every failed job and every problem, kept for the session with
its full reason (the status bar only shows a line for a few seconds). Lines can be
selected and copied (Ctrl+C, or Copy)."""
import datetime

from PySide6.QtCore import QUrl, Slot
from PySide6.QtGui import QDesktopServices, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton,
                               QVBoxLayout, QWidget)


class NotificationsPanel(QWidget):
    def __init__(self, jobs, session, parent=None):
        super().__init__(parent)
        self.list = QListWidget()
        self.list.setObjectName("notifications")
        self.list.setWordWrap(True)
        self.list.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.empty = QLabel("No problems so far. Failed jobs and their reasons are listed here.")
        copy_button, clear_button = QPushButton("Copy"), QPushButton("Clear")
        copy_button.setToolTip("Copy the selected notifications (all when none is selected) to the clipboard")
        clear_button.setToolTip("Empty the list")
        copy_button.clicked.connect(self.copy)
        clear_button.clicked.connect(self.clear)
        QShortcut(QKeySequence.Copy, self.list).activated.connect(self.copy)
        buttons = QVBoxLayout()
        buttons.addWidget(copy_button)
        buttons.addWidget(clear_button)
        buttons.addStretch(1)
        column = QVBoxLayout()
        column.addWidget(self.empty)
        column.addWidget(self.list, 1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(column, 1)
        layout.addLayout(buttons)
        jobs.job_failed.connect(lambda name, reason: self.add(f"{name} failed: {reason}"))
        session.notice.connect(self.add)

    @Slot(str)
    def add(self, text):
        stamp = datetime.datetime.now().strftime("%H:%M:%S")
        item = QListWidgetItem(f"{stamp}  {text}")
        item.setToolTip(text)
        self.list.addItem(item)
        self.list.scrollToBottom()
        self.empty.hide()

    def lines(self):
        return [self.list.item(row).text() for row in range(self.list.count())]

    def copy(self):
        chosen = self.list.selectedItems() or [self.list.item(row) for row in range(self.list.count())]
        QGuiApplication.clipboard().setText("\n".join(item.text() for item in chosen))

    def clear(self):
        self.list.clear()
        self.empty.show()


def open_file(path, session):
    """Opens `path` in the desktop's program for it; when there is none, says so (with the
    path, so the analyst can open it by hand) in the notifications."""
    if QDesktopServices.openUrl(QUrl.fromLocalFile(path)):
        return True
    session.notice.emit(f"No program to open {path} was found on this computer (no PDF viewer?); "
                        "the file is written, open it by hand.")
    return False
