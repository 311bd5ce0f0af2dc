"""The window's job runner: `QtJob` runs `job(params, state)` (engine/jobs/__init__.py) in a
QThread and reports through `signals` (progress, partial results, the result or a one-line
failure), carrying plain data only, at most RATE updates a second.

QtCore only; imported by gui/ (never by the command line, which runs jobs with
engine.jobs.run_in_console and so never loads Qt).
"""
import time

from PySide6.QtCore import QObject, QThread, Signal

from engine.jobs import Cancelled, JobState

RATE = 10.0  # updates a second


class JobSignals(QObject):
    progress = Signal(float, str)
    partial = Signal(object)
    finished = Signal(object)
    failed = Signal(str)


class ThreadState(JobState):
    """Forwards progress and partial results as signals, at most `rate` a second. Within the
    interval a partial result waits (the newest replaces an older one) and goes out with the
    next update or when the job ends, so none is lost for good."""

    def __init__(self, signals, rate=RATE):
        super().__init__()
        self._signals = signals
        self._interval = 1.0 / rate
        self._last_progress = 0.0
        self._last_partial = 0.0
        self._pending = None
        self._has_pending = False

    def progress(self, fraction, message=""):
        super().progress(fraction, message)
        now = time.monotonic()
        if now - self._last_progress >= self._interval or fraction >= 1.0:
            self._last_progress = now
            self._signals.progress.emit(float(fraction), str(message))
        self.flush(force=False)

    def partial(self, result):
        self._pending = result
        self._has_pending = True
        self.flush(force=False)

    def flush(self, force=True):
        now = time.monotonic()
        if self._has_pending and (force or now - self._last_partial >= self._interval):
            self._last_partial = now
            self._has_pending = False
            pending, self._pending = self._pending, None
            self._signals.partial.emit(pending)


class JobThread(QThread):
    """The thread a job runs in; its outcome goes out through `signals` (never QThread's own)."""

    def __init__(self, job, params, signals):
        super().__init__()
        self.job, self.params, self.signals = job, params, signals
        self.state = ThreadState(signals)

    def run(self):
        try:
            result = self.job(self.params, self.state)
            self.state.flush()
        except Cancelled:
            self.signals.failed.emit("cancelled")
        except Exception as exc:  # reported to the GUI as one line, never a crash
            self.signals.failed.emit(str(exc) or type(exc).__name__)
        else:
            self.signals.finished.emit(result)


class QtJob(QObject):
    """Runs `job(params, state)` in a QThread; connect to `signals` before `start()`."""

    def __init__(self, job, params, name="", parent=None):
        super().__init__(parent)
        self.name = name
        self.signals = JobSignals()
        self._worker = JobThread(job, params, self.signals)

    def start(self):
        self._worker.start()

    def cancel(self):
        self._worker.state.cancel()

    def is_running(self):
        return self._worker.isRunning()

    def wait(self, msecs=-1):
        return self._worker.wait(msecs) if msecs >= 0 else self._worker.wait()
