"""The window's job runner: `QtJob` runs `job(params, state)` (engine/jobs/__init__.py) in a
QThread and reports through `signals` (progress, partial results, the result or a one-line
failure), carrying plain data only, at most RATE updates a second.

QtCore only; imported by gui/ (never by the command line, which runs jobs with
engine.jobs.run_in_console and so never loads Qt).
"""
from PySide6.QtCore import QObject, QThread, Signal

from engine.jobs import RATE, Cancelled, ThrottledState


class JobSignals(QObject):
    progress = Signal(float, str)
    partial = Signal(object)
    finished = Signal(object)
    failed = Signal(str)


class ThreadState(ThrottledState):
    """Forwards progress and partial results as signals, at most `rate` a second."""

    def __init__(self, signals, rate=RATE):
        super().__init__(rate)
        self._signals = signals

    def send_progress(self, fraction, message):
        self._signals.progress.emit(fraction, message)

    def send_partial(self, result):
        self._signals.partial.emit(result)


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
