"""The log pane and the global exception hook.

Records from any thread reach the pane through a queued signal; an uncaught
exception is logged and shown in at most one dialog at a time (as Friture does),
so an error storm never buries the analyst in message boxes.
"""
import logging
import sys
import threading
import traceback

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QPlainTextEdit

log = logging.getLogger("gui")


class _Bridge(QObject):
    line = Signal(str)


class QtLogHandler(logging.Handler):
    """A logging handler that forwards formatted records as a Qt signal (thread-safe)."""

    def __init__(self):
        super().__init__()
        self.bridge = _Bridge()
        self.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%H:%M:%S"))

    def emit(self, record):
        try:
            self.bridge.line.emit(self.format(record))
        except RuntimeError:  # the pane is gone while the app shuts down
            pass


class LogPanel(QPlainTextEdit):
    def __init__(self, parent=None, max_lines=5000):
        super().__init__(parent)
        self.setReadOnly(True)
        self.setMaximumBlockCount(max_lines)
        self.setObjectName("log")
        self.handler = QtLogHandler()
        self.handler.bridge.line.connect(self.append_line)
        logging.getLogger().addHandler(self.handler)
        logging.getLogger().setLevel(min(logging.getLogger().level or logging.INFO, logging.INFO))

    @Slot(str)
    def append_line(self, text):
        self.appendPlainText(text)

    def detach(self):
        logging.getLogger().removeHandler(self.handler)


class ExceptionHook(QObject):
    """Replaces sys.excepthook and threading.excepthook; shows one dialog at a time."""

    raised = Signal(str, str)  # summary, traceback text

    def __init__(self, parent_widget=None):
        super().__init__()
        self.parent_widget = parent_widget
        self.dialog = None
        self.count = 0
        self.raised.connect(self._show)
        self._previous = (sys.excepthook, threading.excepthook)

    def install(self):
        sys.excepthook = self._hook
        threading.excepthook = lambda args: self._hook(args.exc_type, args.exc_value, args.exc_traceback)

    def uninstall(self):
        sys.excepthook, threading.excepthook = self._previous

    def _hook(self, exc_type, value, tb):
        if issubclass(exc_type, KeyboardInterrupt):
            self._previous[0](exc_type, value, tb)
            return
        text = "".join(traceback.format_exception(exc_type, value, tb))
        log.error("unexpected error:\n%s", text)
        self.count += 1
        self.raised.emit(f"{exc_type.__name__}: {value}", text)

    @Slot(str, str)
    def _show(self, summary, details):
        if self.dialog is not None and self.dialog.isVisible():
            return
        # Non-modal: a modal box would freeze jobs' updates and an offscreen run.
        self.dialog = QMessageBox(QMessageBox.Critical, "Unexpected error",
                                  f"{summary}\n\nThe full traceback is in the log.", QMessageBox.Ok,
                                  self.parent_widget)
        self.dialog.setDetailedText(details)
        self.dialog.setModal(False)
        self.dialog.show()
