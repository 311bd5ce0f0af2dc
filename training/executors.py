"""Where the independent trainings of a round run: in this process, a local process pool, or Ray.

`executor.map(fn, jobs, on_done)` calls fn(**job) for every job dict and returns the results
in job order; on_done(count_finished) is called in the caller's process after each one (it
may raise to stop: pending jobs are cancelled). fn must be a module-level function whose
arguments and results are arrays and plain data (they cross process boundaries).
"""
import os

EXECUTORS = ("sequential", "process", "ray")


class SequentialExecutor:
    def map(self, fn, jobs, on_done=None):
        results = []
        for job in jobs:
            results.append(fn(**job))
            if on_done:
                on_done(len(results))
        return results


def _call(fn, job):
    return fn(**job)


class ProcessExecutor:
    """A local pool of spawned processes (spawn: no fork of a process holding torch threads)."""

    def __init__(self, workers=None):
        self.workers = workers or min(2, os.cpu_count() or 1)

    def map(self, fn, jobs, on_done=None):
        import multiprocessing
        from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

        results = [None] * len(jobs)
        with ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            futures = {pool.submit(_call, fn, job): i for i, job in enumerate(jobs)}
            pending, finished = set(futures), 0
            try:
                while pending:
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for future in done:
                        results[futures[future]] = future.result()
                        finished += 1
                        if on_done:
                            on_done(finished)
            except BaseException:
                pool.shutdown(wait=False, cancel_futures=True)
                raise
        return results


class RayExecutor:
    """Runs each job as a Ray task on a cluster (`ray.init()` connects as Ray's environment says).
    Ray is an optional dependency (the `cluster` extra), imported only here."""

    def __init__(self, address=None):
        import ray

        self.ray = ray
        if not ray.is_initialized():
            ray.init(address=address, ignore_reinit_error=True)

    def map(self, fn, jobs, on_done=None):
        remote = self.ray.remote(_call)
        refs = [remote.remote(fn, job) for job in jobs]
        index = {ref: i for i, ref in enumerate(refs)}
        results, pending = [None] * len(refs), list(refs)
        try:
            while pending:
                done, pending = self.ray.wait(pending, num_returns=1)
                results[index[done[0]]] = self.ray.get(done[0])
                if on_done:
                    on_done(len(refs) - len(pending))
        except BaseException:
            for ref in pending:
                self.ray.cancel(ref)
            raise
        return results


def make_executor(name="sequential", workers=None):
    if name == "sequential":
        return SequentialExecutor()
    if name == "process":
        return ProcessExecutor(workers)
    if name == "ray":
        return RayExecutor()
    raise ValueError(f"unknown executor {name!r}; choose one of {', '.join(EXECUTORS)}")
