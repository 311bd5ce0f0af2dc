"""What the items share: run folders reused across runs and items, GAN samples, analysis rows.

An item trains into `OUT/runs/SCALE/NAME`; a finished run folder there is reused as it is
(another item of the same scale may have made it: the 003 inverse model uses the
attribution item's GANs), an unfinished one resumes from its last checkpoint.
"""
import dataclasses
import math
import os

import numpy as np

from engine.jobs import StageState


def runs_dir(params):
    return os.path.join(os.path.abspath(params["out"]), "runs", params["scale"])


def run_status(run_dir):
    from engine.runs import is_run_folder, read_run_json

    return read_run_json(run_dir).get("status") if is_run_folder(run_dir) else None


def train_or_reuse(job, options, state):
    """run.json of a finished run folder, training (or resuming) it first when needed: a run
    finished with fewer steps than asked for now continues from its last checkpoint.
    `options`: the job's options dataclass (engine/training_options.py)."""
    from engine.runs import read_run_json

    if run_status(options.out) == "finished":
        run = read_run_json(options.out)
        if options.steps in (None, run.get("steps")):
            state.progress(1.0, "reused")
            return run
    return job(dataclasses.replace(options, resume=True), state)


def train_gans(params, gans, state, lo=0.0, hi=1.0):
    """Trains (or reuses) GANs [(name, {GanOptions fields but out/device/name})]; {name: run dir}."""
    from engine.training_jobs import train_gan_job
    from engine.training_options import GanOptions

    runs, span = {}, (hi - lo) / max(len(gans), 1)
    for i, (name, options) in enumerate(gans):
        state.check()
        runs[name] = os.path.join(runs_dir(params), name)
        stage = StageState(state, lo + i * span, lo + (i + 1) * span, f"GAN {name}")
        train_or_reuse(train_gan_job, GanOptions(**options, out=runs[name], device=params.get("device") or "auto",
                                                 name=name), stage)
    return runs


def gan_sample_set(run_dir, n, reference, name, seed=7):
    """n samples of a GAN run, clipped to [0,1], as a SampleSet of the reference's modality."""
    from engine.data.sampleset import SampleSet
    from engine.runs import sample_gan

    x = np.clip(sample_gan(run_dir, n, seed)[0], 0, 1)
    return SampleSet(name=name, modality=reference.modality, x=x, levels=None)


def compare_all(reference, sets, state, lo=0.0, hi=1.0):
    """{name: analyze "results" entry} of every (name, SampleSet) against the reference."""
    from engine.analysis.compare import compare_profiles
    from engine.analysis.profile import profile

    state.progress(lo, "reference profile")
    ref_profile = profile(reference)
    out = {}
    for i, (name, sample_set) in enumerate(sets):
        state.check()
        state.progress(lo + (hi - lo) * (i + 1) / (len(sets) + 1), f"comparing {name}")
        other = profile(sample_set)
        other["name"] = np.asarray(name)
        out[name] = compare_profiles(ref_profile, other)
    return out


def row(name, paper, ours):
    """One table row; the paper's keys are ours too, null where the paper has no value."""
    keys = list(dict.fromkeys([*ours, *paper]))
    return {"name": name, "paper": {k: paper.get(k) for k in keys}, "ours": {k: clean(ours.get(k)) for k in keys}}


def clean(value):
    """JSON-able: numpy scalars to Python, non-finite floats to null."""
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    return value
