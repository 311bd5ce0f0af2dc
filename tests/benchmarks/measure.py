"""Runs `python main.py ...` in a child process and reports its wall time and peak memory (the
child's own ru_maxrss from os.wait4, not that of earlier children)."""
import os
import subprocess
import sys
import tempfile
import time


def run_measured(argv, timeout=600):
    """(exit code, seconds, peak MiB, stdout, stderr) of `python main.py *argv`."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        child = subprocess.Popen([sys.executable, "main.py", *map(str, argv)], stdout=out, stderr=err,
                                 env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                child.kill()
                pid, status, usage = os.wait4(child.pid, 0)
                break
            time.sleep(0.05)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return child.returncode, seconds, usage.ru_maxrss / 1024, out.read(), err.read()
