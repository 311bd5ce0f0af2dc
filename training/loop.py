"""The loop around a trainer: progress, cancellation, checkpoints, metrics, partial results, NaN guard.

A trainer exposes:
  step_count (int), step() -> {name: float}, checkpoint() -> (tensors, sidecar dict),
  restore(tensors, sidecar), preview() -> (n, c, h, w) intensities or None,
  evaluate() -> final metrics dict, perturb(k) (new random stream after a NaN reload),
  config (JSON-able dict), samples_per_step (real samples consumed per step, for throughput),
  and optionally `converged` (true: stop before params["steps"], e.g. on validation loss).
`state` is any object with progress(fraction, msg), partial(obj) and a `cancelled`
attribute (engine.jobs.JobState and its runners are such objects).
"""
import math
import time

from training.grid import intensity_histogram, make_grid
from training.runfolder import RunFolder

MAX_NAN_RELOADS = 3


class TrainingDiverged(RuntimeError):
    """Losses stayed non-finite after reloading the last good checkpoint several times."""


class TimeLimited:
    """A trainer that counts as converged once `seconds` of training have passed (a time budget),
    so the loop ends as after convergence: evaluated, checkpointed, finished. Everything else
    is the wrapped trainer's."""

    def __init__(self, trainer, seconds):
        self._trainer, self._deadline = trainer, time.monotonic() + float(seconds)

    @property
    def converged(self):
        return time.monotonic() >= self._deadline or getattr(self._trainer, "converged", False)

    def __getattr__(self, name):
        return getattr(self._trainer, name)


def run_training(trainer, run_dir, params, state):
    """Runs `trainer` to params["steps"] in run folder `run_dir`; returns the run.json dict.

    params: steps, log_every (10), checkpoint_every (200), preview_every (200),
    resume (False: start fresh; True: continue from the last checkpoint if any),
    run_info (extra run.json fields: data spec and hash, command...).
    """
    run = RunFolder(run_dir)
    total = int(params["steps"])
    log_every = int(params.get("log_every", 10))
    checkpoint_every = int(params.get("checkpoint_every", 200))
    preview_every = int(params.get("preview_every", 200))
    clock = {"before": 0.0, "start": time.monotonic()}  # seconds trained in earlier sessions, this one's start
    if params.get("resume") and run.checkpoint_steps():
        tensors, sidecar = run.load_checkpoint()
        trainer.restore(tensors, sidecar)
        clock["before"] = sidecar.get("train_seconds", 0.0)
        run.truncate_metrics(trainer.step_count)
    run.update(status="running", config=trainer.config, steps=total, **params.get("run_info", {}))
    data_hash = params.get("run_info", {}).get("data", {}).get("sha256")
    if not run.checkpoint_steps():
        _save(run, trainer, data_hash, clock)  # a step-0 checkpoint: a NaN at the start can still be reloaded

    first_step, nan_reloads, latest_preview = trainer.step_count, 0, {}
    try:
        while trainer.step_count < total and not getattr(trainer, "converged", False):
            if state.cancelled:
                _save(run, trainer, data_hash, clock)
                return run.update(status="cancelled")
            losses = trainer.step()
            if not all(math.isfinite(v) for v in losses.values()):
                nan_reloads += 1
                if nan_reloads > MAX_NAN_RELOADS:
                    raise TrainingDiverged(f"non-finite losses at step {trainer.step_count}: {losses}")
                tensors, sidecar = run.load_checkpoint()
                trainer.restore(tensors, sidecar)
                trainer.perturb(nan_reloads)
                run.truncate_metrics(trainer.step_count)
                run.append_metrics({"step": trainer.step_count, "event": "nan-reload", "losses": losses})
                continue
            step = trainer.step_count
            if step % preview_every == 0 or step == total:
                latest_preview = _preview(run, trainer, step)
            if step % log_every == 0 or step == total or getattr(trainer, "converged", False):
                run.append_metrics({"step": step, "time": round(time.monotonic() - clock["start"], 3), **losses})
                # Every partial carries the newest preview too: a throttled runner may keep only
                # the last partial of a burst, and it must not lose a preview for a loss point.
                state.partial({"step": step, "steps": total, "losses": losses, **latest_preview})
            if step % checkpoint_every == 0 and step != total:
                _save(run, trainer, data_hash, clock)
            state.progress(step / total, " ".join(f"{k} {v:.3f}" for k, v in losses.items()))
        elapsed = time.monotonic() - clock["start"]
        metrics = trainer.evaluate()
        metrics["train_seconds"] = round(elapsed, 2)
        metrics["train_seconds_total"] = round(clock["before"] + elapsed, 2)  # over resumed sessions
        if trainer.step_count > first_step:
            metrics["samples_per_second"] = round(
                (trainer.step_count - first_step) * trainer.samples_per_step / max(elapsed, 1e-9), 1)
        _save(run, trainer, data_hash, clock, metrics)
        return run.update(status="finished", metrics=metrics)
    except KeyboardInterrupt:
        run.update(status="cancelled")
        raise
    except BaseException as exc:
        run.update(status="failed", error=f"{type(exc).__name__}: {exc}")
        raise


def _save(run, trainer, data_hash, clock, metrics=None):
    tensors, sidecar = trainer.checkpoint()
    sidecar["data_sha256"] = data_hash
    sidecar["train_seconds"] = clock["before"] + time.monotonic() - clock["start"]
    if metrics is not None:
        sidecar["metrics"] = metrics
    run.save_checkpoint(trainer.step_count, tensors, sidecar)


def _preview(run, trainer, step):
    """Saves the fixed-noise grid; returns it and its intensity histogram ({} for trainers without one)."""
    samples = trainer.preview()
    if samples is None:
        return {}
    grid = make_grid(samples)
    run.save_preview(grid, step)
    return {"preview": grid, "histogram": intensity_histogram(samples)}
