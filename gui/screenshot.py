"""`--screenshot OUT.png`: wait until every job is idle, save the window, quit."""
import logging
import os
import time

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication

log = logging.getLogger("gui")


class ScreenshotWhenIdle(QObject):
    """Polls the window's jobs; after `settle_ms` of continuous idleness saves and exits.

    The settle time lets chained jobs (load evidence -> verdicts) start before the
    window is called idle, and lets the display timers draw the last data.
    """

    def __init__(self, window, path, timeout_s=300.0, settle_ms=600):
        super().__init__(window)
        self.window, self.path = window, os.path.abspath(path)
        self.deadline = time.monotonic() + timeout_s
        self.settle_s = settle_ms / 1000.0
        self.idle_since = None
        self.timer = QTimer(self)
        self.timer.setInterval(100)
        self.timer.timeout.connect(self._poll)
        self.timer.start()

    def _poll(self):
        now = time.monotonic()
        if not self.window.jobs.is_idle():
            self.idle_since = None
            if now < self.deadline:
                return
            log.warning("screenshot: jobs still running after the timeout; saving anyway")
        elif self.idle_since is None:
            self.idle_since = now
            return
        elif now - self.idle_since < self.settle_s:
            return
        self.timer.stop()
        code = 0 if self.save() else 1
        if now >= self.deadline:
            code = 1
        self.window.close()
        QApplication.instance().exit(code)

    def save(self):
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        root, ext = os.path.splitext(self.path)
        tmp = f"{root}.tmp{os.getpid()}{ext or '.png'}"
        if not self.window.grab().save(tmp):
            log.error("screenshot: could not write %s", self.path)
            return False
        os.replace(tmp, self.path)
        log.info("screenshot saved: %s", self.path)
        return True
