"""Every background task of the window goes through one JobManager.

It runs engine job functions through `gui.job_runner.QtJob`, one task per *slot*
(a panel's name): starting a new task in a slot cancels the previous one, as in
Orange3. Callbacks run on the GUI thread because they are slots of a QObject that
lives there (signals from the worker thread are queued to it).
"""
import functools
import os
import sys
import threading
import time

from PySide6.QtCore import QObject, Signal, Slot

from gui.job_runner import QtJob


WORKER_NICENESS = 5  # background work yields the CPU to the GUI thread on a busy machine


def in_background(job):
    """`job` run at a lower scheduling priority than the GUI thread (Linux: per thread).

    Threads the job starts (torch's pool) inherit the priority. Qt's own thread
    priorities are ignored on Linux, hence setpriority on the native thread id.
    """

    @functools.wraps(job)
    def run(params, state):
        if sys.platform.startswith("linux"):  # elsewhere a thread id is no process id
            try:
                os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), WORKER_NICENESS)
            except OSError:  # not allowed: run at normal priority
                pass
        return job(params, state)

    return run


class JobRecord(QObject):
    """One running task: its latest progress and the callbacks of the panel that started it."""

    changed = Signal(object)  # self, after progress
    ended = Signal(object)  # self, after finished / failed / cancelled

    def __init__(self, slot, name, job, params, callbacks, parent=None):
        super().__init__(parent)
        self.slot, self.name = slot, name
        self.fraction, self.message = 0.0, ""
        self.started = time.monotonic()
        self.outcome = None  # "finished" | "failed" | "cancelled"
        self.reason = None  # why it failed
        self._callbacks = callbacks
        self._job = QtJob(in_background(job), params, name=name)
        self._job.signals.progress.connect(self._on_progress)
        self._job.signals.partial.connect(self._on_partial)
        self._job.signals.finished.connect(self._on_finished)
        self._job.signals.failed.connect(self._on_failed)

    def start(self):
        self._job.start()

    def cancel(self):
        """Asks the job to stop; whatever it still delivers is dropped, not shown."""
        self._callbacks = {}
        self._job.cancel()

    def is_running(self):
        return self.outcome is None

    def wait(self, msecs=-1):
        return self._job.wait(msecs)

    def eta_seconds(self):
        """Seconds left, extrapolated from the progress so far (None before any progress)."""
        if self.fraction <= 0.0:
            return None
        elapsed = time.monotonic() - self.started
        return elapsed * (1.0 - self.fraction) / self.fraction

    @Slot(float, str)
    def _on_progress(self, fraction, message):
        if self.outcome is not None:
            return
        self.fraction, self.message = fraction, message
        self.changed.emit(self)
        self._call("progress", fraction, message)

    @Slot(object)
    def _on_partial(self, result):
        if self.outcome is None:
            self._call("partial", result)

    @Slot(object)
    def _on_finished(self, result):
        self._end("finished", "finished", result)

    @Slot(str)
    def _on_failed(self, message):
        if message == "cancelled":
            self._end("cancelled", None)
        else:
            self.reason = message
            self._end("failed", "failed", message)

    def _end(self, outcome, callback, *args):
        self.outcome = outcome
        # The worker emits its last signal just before run() returns: a short wait
        # joins the thread so that no QThread outlives its record.
        self._job.wait(5000)
        try:
            if callback:
                self._call(callback, *args)
        finally:
            # Announced after the callback, so a task it chains keeps the window busy.
            self.ended.emit(self)

    def _call(self, kind, *args):
        callback = self._callbacks.get(kind)
        if callback is not None:
            callback(*args)


class JobManager(QObject):
    """Starts, tracks and cancels the window's tasks."""

    job_started = Signal(object)  # JobRecord
    job_changed = Signal(object)
    job_ended = Signal(object)
    job_failed = Signal(str, str)  # the job's name, the full reason
    idle = Signal()
    log = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._running = {}  # slot -> JobRecord
        self._ending = []  # cancelled records still winding down
        self._showing = []  # callables: whether a view is still showing results a job delivered

    def start(self, slot, name, job, params, *, progress=None, partial=None, finished=None, failed=None):
        """Runs `job(params, state)` in a worker thread, cancelling what `slot` was running."""
        self.cancel(slot)
        callbacks = {"progress": progress, "partial": partial, "finished": finished, "failed": failed}
        record = JobRecord(slot, name, job, params, callbacks, parent=self)
        record.changed.connect(self.job_changed)
        record.ended.connect(self._on_ended)
        self._running[slot] = record
        self.job_started.emit(record)
        self.log.emit(f"started: {name}")
        record.start()
        return record

    def cancel(self, slot):
        record = self._running.pop(slot, None)
        if record is not None and record.is_running():
            record.cancel()
            self._ending.append(record)

    def cancel_record(self, record):
        if self._running.get(record.slot) is record:
            self.cancel(record.slot)
        else:
            record.cancel()

    def cancel_all(self):
        for slot in list(self._running):
            self.cancel(slot)

    def running(self, slot):
        record = self._running.get(slot)
        return record if record is not None and record.is_running() else None

    def ending(self, slot):
        """Whether a cancelled job of `slot` is still winding down (saving its checkpoint)."""
        return any(record.slot == slot for record in self._ending)

    def is_idle(self):
        """No job runs and no view still has delivered results to show."""
        return not self._running and not self._ending and not any(showing() for showing in self._showing)

    def count_as_busy(self, showing):
        """Counts the window busy while `showing()` is true: a view that shows what a job
        delivered a slice at a time (the evidence view) is still working after the job ended."""
        self._showing.append(showing)

    def shutdown(self, msecs=10000):
        """Cancels everything and joins the threads (on window close and in tests)."""
        records = list(self._running.values()) + self._ending
        self.cancel_all()
        for record in records:
            record.wait(msecs)

    @Slot(object)
    def _on_ended(self, record):
        if self._running.get(record.slot) is record:
            del self._running[record.slot]
        if record in self._ending:
            self._ending.remove(record)
        if record.outcome == "failed":
            self.log.emit(f"failed: {record.name}: {record.reason}")
            self.job_failed.emit(record.name, record.reason)
        else:
            self.log.emit(f"{record.outcome}: {record.name}")
        self.job_ended.emit(record)
        record.deleteLater()
        self.announce_if_idle()

    def announce_if_idle(self):
        if self.is_idle():
            self.idle.emit()
