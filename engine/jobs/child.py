"""A job run in a child process, reporting through the same protocol as in a thread.

Why: a job in a thread of the window's process shares its interpreter lock. A training loop
runs Python between torch's operations and so holds the lock most of the time; when the
operating system puts that thread aside on a busy machine (more so at a lower priority) while
it holds the lock, the GUI thread cannot run a line of Python until it is scheduled again:
tens of milliseconds of a frozen window. A child process has its own interpreter, so the
window's thread only waits for messages here (the lock released) and relays them.

`in_child_process(job)` is itself a job `(params, state)`: the child (spawned, not forked: a
fork of a process that has Qt and threads is unsafe) runs `job(params, ChildState)`, whose
progress and partial results come back through a pipe, throttled to RATE a second, and are
passed on to `state`; `state.cancelled` is passed to the child through an event. The job's
result comes back, its failure as the same one-line reason (raised here as `JobFailed`), its
cancellation as `Cancelled`. `job`, `params` and what the job reports must be picklable
(module-level functions, dataclasses, arrays, plain data): they cross between two processes
of this program only, never from outside. The child starts at the priority of the thread that
starts it (a window's worker: lower than the GUI thread's), in a session of its own.
"""
import functools
import multiprocessing
import os
import sys

from engine.jobs import RATE, Cancelled, ThrottledState

POLL_SECONDS = 0.05  # how often cancellation is passed on while no message arrives
JOIN_SECONDS = 30.0  # how long an ended child may take to exit (a cancelled run saves its checkpoint first)


class JobFailed(Exception):
    """The job failed in the child; `str()` is its one-line reason."""


class ChildState(ThrottledState):
    """The child's side: sends (kind, payload) tuples up the pipe; cancelled when the parent
    asks or when the parent has gone (the pipe broke), so a run still ends with a checkpoint."""

    def __init__(self, connection, stop, rate=RATE):
        super().__init__(rate)
        self._connection, self._stop = connection, stop
        self._orphaned = False

    @property
    def cancelled(self):
        return self._orphaned or self._stop.is_set()

    def check(self):
        if self.cancelled:
            raise Cancelled()

    def send(self, message):
        if self._orphaned:
            return
        try:
            self._connection.send(message)
        except (BrokenPipeError, EOFError, OSError):  # the window is gone
            self._orphaned = True

    def send_progress(self, fraction, message):
        self.send(("progress", fraction, message))

    def send_partial(self, result):
        self.send(("partial", result))

    def send_extend(self, part):
        self.send(("extend", part))


def in_a_session_of_its_own():
    """Linux: the child leaves the window's session. Where the kernel groups the scheduling by
    session (autogroup, kernel.sched_autogroup_enabled = 1, the default of most distributions),
    CPU time is first shared fairly between sessions, and a thread's nice value weighs only
    within its own session: a training loop left in the window's session takes most of that
    session's share, and the GUI thread waits, however low the loop's priority. In a session of
    its own the training is one more session among the machine's (its nice value, inherited from
    the window's worker thread, still counts where there are no autogroups)."""
    if sys.platform.startswith("linux"):
        try:
            os.setsid()
        except OSError:  # already a session leader
            pass


def run_child(job, params, connection, stop):
    """The child process's body."""
    in_a_session_of_its_own()
    state = ChildState(connection, stop)
    try:
        result = job(params, state)
        state.flush()
    except Cancelled:
        state.send(("cancelled",))
    except Exception as exc:  # one line back to the window, as a job in a thread reports it
        state.send(("failed", str(exc) or type(exc).__name__))
    else:
        state.send(("finished", result))
    finally:
        connection.close()


def in_child_process(job):
    """`job` as a job that runs in a child process."""
    return functools.partial(run_in_child, job)


def run_in_child(job, params, state):
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    stop = context.Event()
    child = context.Process(target=run_child, args=(job, params, sender, stop),
                            name=f"job {getattr(job, '__name__', 'job')}")
    child.start()
    sender.close()  # the child holds the only writing end: its exit reads as end of file here
    try:
        while True:
            if state.cancelled:
                stop.set()
            if not receiver.poll(POLL_SECONDS):
                continue
            try:
                kind, *payload = receiver.recv()
            except EOFError:
                child.join(JOIN_SECONDS)
                raise JobFailed(f"the job's process ended without a result (exit code {child.exitcode})") from None
            if kind == "progress":
                state.progress(*payload)
            elif kind == "partial":
                state.partial(payload[0])
            elif kind == "extend":
                state.extend(payload[0])
            elif kind == "finished":
                return payload[0]
            elif kind == "cancelled":
                raise Cancelled()
            else:
                raise JobFailed(payload[0])
    finally:
        stop.set()  # a child still running (the parent thread failed) stops at its next step
        child.join(JOIN_SECONDS)
        if child.is_alive():
            child.terminate()
            child.join()
        receiver.close()
