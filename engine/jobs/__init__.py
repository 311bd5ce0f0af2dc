"""The job protocol and its two runners.

A long job is a plain function `job(params, state)`. It reports through
`state.progress(fraction, message)` and `state.partial(result)` (a result so far, replacing
the earlier one) or `state.extend(part)` (a dict of lists adding to the parts before it: a
listing of thousands of rows sends each row once, not everything so far each time), checks
`state.cancelled` between steps (or calls `state.check()`, which raises `Cancelled`),
and returns its result. The command line runs it with `ConsoleState` (a progress bar
with ETA on stderr); the GUI runs the same function in a QThread through
`gui.job_runner.QtJob`.

Nothing in engine/ imports Qt: the QThread runner is the window's (gui/job_runner.py, QtCore
only), so the command line never pays for Qt. `child.py` runs a job in a child process.
"""
import sys
import time

from engine.errors import shown

RATE = 10.0  # updates a second a window or a parent process is sent, at most


class Cancelled(Exception):
    """Raised inside a job when the user asked it to stop."""


class JobState:
    """Qt-free state object; the base for every runner and a silent one for tests."""

    def __init__(self):
        self._cancelled = False
        self.partials = []
        self.last_progress = (0.0, "")

    @property
    def cancelled(self):
        return self._cancelled

    def cancel(self):
        self._cancelled = True

    def check(self):
        if self._cancelled:
            raise Cancelled()

    def progress(self, fraction, message=""):
        self.last_progress = (float(fraction), str(message))

    def partial(self, result):
        self.partials.append(result)

    def extend(self, part):
        self.partials.append(part)


class ThrottledState(JobState):
    """Passes progress and partial results on through `send_progress` / `send_partial`, at most
    `rate` a second. Within the interval a partial result waits (the newest replaces an older
    one; parts sent with `extend` are joined, key by key) and goes out with the next update or
    at `flush()` when the job ends, so none is lost for good. The base of the window's thread
    state and of a child process's state. A job uses `partial` or `extend`, not both."""

    def __init__(self, rate):
        super().__init__()
        self._interval = 1.0 / rate
        self._last_progress = 0.0
        self._last_partial = 0.0
        self._pending = None
        self._has_pending = False
        self._extending = False  # the pending result is parts joined by `extend`

    def send_progress(self, fraction, message):
        raise NotImplementedError

    def send_partial(self, result):
        raise NotImplementedError

    def send_extend(self, part):
        self.send_partial(part)

    def progress(self, fraction, message=""):
        super().progress(fraction, message)
        now = time.monotonic()
        if now - self._last_progress >= self._interval or fraction >= 1.0:
            self._last_progress = now
            self.send_progress(float(fraction), str(message))
        self.flush(force=False)

    def partial(self, result):
        self._pending = result
        self._has_pending, self._extending = True, False
        self.flush(force=False)

    def extend(self, part):
        if not (self._has_pending and self._extending):
            self._pending = {key: [] for key in part}
            self._has_pending, self._extending = True, True
        for key, values in part.items():
            self._pending.setdefault(key, []).extend(values)
        self.flush(force=False)

    def flush(self, force=True):
        now = time.monotonic()
        if self._has_pending and (force or now - self._last_partial >= self._interval):
            self._last_partial = now
            self._has_pending = False
            pending, self._pending = self._pending, None
            (self.send_extend if self._extending else self.send_partial)(pending)


class ConsoleState(JobState):
    """Draws a progress bar with ETA on a stream (stderr by default): redrawn in place on a
    terminal, one line per tenth of the work elsewhere (CI logs, pipes)."""

    def __init__(self, stream=None, label="", min_interval=0.1):
        super().__init__()
        self.stream = stream if stream is not None else sys.stderr
        self.label = label
        self.min_interval = min_interval
        self._start = time.monotonic()
        self._last_draw = 0.0
        self._tenth = -1  # the last tenth written as a line (not a terminal)
        self._bar_open = False  # a terminal line waits for its newline

    def progress(self, fraction, message=""):
        super().progress(fraction, message)
        fraction = min(max(float(fraction), 0.0), 1.0)
        now = time.monotonic()
        if now - self._last_draw < self.min_interval and fraction < 1.0:
            return
        self._last_draw = now
        elapsed = now - self._start
        eta = f"ETA {elapsed * (1 - fraction) / fraction:5.0f}s" if fraction > 0 else "ETA     ?"
        line = f"{self.label}[{'#' * int(fraction * 30):<30}] {fraction * 100:5.1f}% {eta} {shown(message)}"[:160]
        if self.stream.isatty():
            self.stream.write("\r" + line.ljust(80))
            self._bar_open = True
        elif int(fraction * 10) != self._tenth:
            self._tenth = int(fraction * 10)
            self.stream.write(line + "\n")
        self.stream.flush()

    def partial(self, result):
        """A terminal has no live view: partial results are not kept (they may be large)."""

    def extend(self, part):
        """Nor are parts."""

    def finish(self):
        if self._bar_open:
            self.stream.write("\n")
            self.stream.flush()
            self._bar_open = False


class StageState:
    """Maps a sub-job's progress into [lo, hi] of a larger job, its messages prefixed with `label`;
    cancellation and partial results pass straight through."""

    def __init__(self, state, lo, hi, label):
        self.state, self.lo, self.hi, self.label = state, lo, hi, label

    @property
    def cancelled(self):
        return self.state.cancelled

    def check(self):
        self.state.check()

    def progress(self, fraction, message=""):
        self.state.progress(self.lo + (self.hi - self.lo) * float(fraction), f"{self.label}: {message}")

    def partial(self, result):
        self.state.partial(result)

    def extend(self, part):
        self.state.extend(part)


def run_in_console(job, params, label=""):
    """Runs a job in the foreground with a progress bar; returns its result."""
    state = ConsoleState(label=label)
    try:
        return job(params, state)
    finally:
        state.finish()
