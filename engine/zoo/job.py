"""`case zoo` as a job (engine/jobs.py protocol): progress, cancel, resume.

Each family's two runs (raw samples as an image file holds them, engine/zoo/written.py, and
cleaned-up samples) are written to the case's
runs/zoo/<family>/ and runs/zoo/<family>-clean/ folders and marked finished last; a later
`case zoo` skips finished families, so a cancelled zoo resumes with the families not yet
done (a family cut off mid-training starts again). Then every zoo run is registered in the
case (the pooled logistic regression refitted once, with the last one), and a CNN classifier
of the fitting part against every generator run of the case is trained, time-limited, and
registered (runs/zoo/classifier-<digest of its generators>/; resumed when cut off); the
classifiers of earlier zoos of the case, which knew fewer generators, are then retired.
"""
import hashlib
import os
import shutil
import time

import numpy as np

from engine.errors import InputError
from engine.jobs import StageState

POOL = 1000  # samples stored per run (the logistic regression draws up to 2,000 per generator) ...
POOL_BYTES = 8 * 2**20  # ... and at most this much (a piano-roll patch is 32 KB: 256 of them)
FAMILY_SHARE = 0.7  # of the budget: the families; the classifier gets CLASSIFIER_SHARE
CLASSIFIER_SHARE = 0.2
CLASSIFIER_REAL = 3000  # at most this many fitting samples on the real side of the classifier
SAMPLE_SEED = 777  # the pool's draw (the detectors draw from the pool with their own seeds)


def zoo_dir(case):
    return case.path("runs", "zoo")


def run_finished(run_dir):
    from engine.runs import is_run_folder, read_run_json

    return is_run_folder(run_dir) and read_run_json(run_dir).get("status") == "finished"


def write_generator_run(run_dir, samples, config, run_info, recordings=None):
    """A finished generator run: samples in the checkpoint's "samples" tensor and, for a family kept as recordings,
    those 16-bit recordings (engine/runs.py RECORDINGS), run.json last."""
    import torch

    from training.grid import make_grid
    from training.runfolder import RunFolder

    if os.path.isdir(run_dir):
        shutil.rmtree(run_dir)  # a half-written run of an interrupted zoo
    tensors = {"samples": torch.from_numpy(np.ascontiguousarray(samples, dtype=np.float32))}
    if recordings is not None:  # engine/runs.py RECORDINGS
        tensors["recordings"] = torch.from_numpy(np.concatenate(recordings).astype(np.int16))
        tensors["recording_lengths"] = torch.from_numpy(np.array([len(r) for r in recordings], dtype=np.int64))
    folder = RunFolder(run_dir)
    folder.save_checkpoint(1, tensors, {"kind": "generator", "config": config, "architectures": {}})
    folder.save_preview(make_grid(samples[:64]), 1)
    folder.update(kind="generator", config=config, status="finished", **run_info)


def family_output(sample, fit, pool, seed):
    """[(variant, samples, recordings or None)] of a trained family: its pool and the pool's cleaned-up copy. A
    family kept as recordings (RecordingPool) stores as many as give `pool` patches, cleaned on the waveform."""
    from engine.zoo.cleanup import clean, clean_recordings
    from engine.zoo.families import RecordingPool, as_pcm16, pcm_patches
    from engine.zoo.written import as_written

    if not isinstance(sample, RecordingPool):
        samples = np.clip(sample(pool, SAMPLE_SEED + seed), 0, 1).astype(np.float32)
        written = as_written(samples, fit.modality, fit.levels, seed)  # the raw samples as a file holds them
        return [("raw", written, None), ("cleaned", clean(samples, fit.modality, fit.x, fit.levels, seed), None)]
    raw = [sample.recordings[i] for i in sample.draw(pool, SAMPLE_SEED + seed)]
    cleaned = [as_pcm16(audio) for audio in clean_recordings(raw, np.random.default_rng(seed))]
    return [(variant, np.concatenate([pcm_patches(pcm) for pcm in recordings]).astype(np.float32), recordings)
            for variant, recordings in (("raw", raw), ("cleaned", cleaned))]


def train_family(name, fit, data, seconds, seed, pool, folder, state):
    """Trains family `name`, stores its samples and their cleaned-up copy as two finished runs;
    returns (samples per run, training seconds)."""
    from engine.data.representations import SPEECH_RATE
    from engine.zoo.families import FAMILIES

    family = FAMILIES[name]
    start = time.monotonic()
    try:
        output = family_output(family.train(fit, seconds, seed, state, pool), fit, pool, seed)
    except ValueError as err:
        raise InputError(data["spec"], f"family {name}: {err}") from None
    train_seconds = round(time.monotonic() - start, 1)
    base = {"family": name, "family_kind": family.kind, "description": family.description, "seed": seed,
            "budget_seconds": round(seconds, 1), "shape": list(fit.x.shape[1:])}
    for variant, x, recordings in output:
        suffix = "" if variant == "raw" else "-clean"
        config = dict(base, variant=variant, **({} if recordings is None else {"recording_rate": SPEECH_RATE}))
        metrics = {"samples": int(len(x)), "train_seconds": train_seconds, "mean_intensity": float(x.mean()),
                   **({} if recordings is None else {"recordings": len(recordings)})}
        write_generator_run(os.path.join(folder, name + suffix), x, config, {
            "name": f"zoo-{name}{suffix}", "data": data, "modality": fit.modality, "metrics": metrics},
            recordings)
    return len(output[0][1]), train_seconds


def load_fit(case, device):
    """(FitData, data info) of the case's fitting part (never its held-out calibration files)."""
    from engine.detectors.profile import MIN_FILES
    from engine.training_jobs import data_info, load_set
    from engine.zoo.families import FitData

    spec = case.meta().get("fit_spec")
    if not spec:
        raise InputError(case.dir, "the case's reference slice cannot be narrowed to its fitting part, "
                                   "so a zoo would train on the held-out files")
    data = load_set(spec)
    if data.n < MIN_FILES:
        raise InputError(spec, f"the fitting part holds {data.n} samples; the zoo needs at least {MIN_FILES}")
    return FitData(data.x, data.modality, data.levels, list(data.items), device), data_info(spec, data)


def zoo_job(params, state):
    """params: ZooOptions (engine/zoo/options.py; or a mapping of its fields). Returns a summary."""
    from engine.case_workflows import open_case
    from engine.case_workflows import register_run
    from engine.detectors.learned import generator_runs
    from engine.options import as_options
    from engine.training_jobs import device_for
    from engine.zoo.families import FAMILIES, choose
    from engine.zoo.options import ZooOptions, budget_seconds, check_budget

    params = as_options(ZooOptions, params)
    started = time.monotonic()
    try:
        check_budget(params.budget)
    except ValueError as err:
        raise InputError("--budget", str(err)) from None
    seed = int(params.seed or 0)
    device = device_for(params.device, params.threads)
    total = budget_seconds(params.budget, device.type)
    case_dir = os.path.abspath(params.dir)
    with open_case(case_dir) as case:
        modality = case.reference()["modality"]
        try:
            names = choose(list(params.families), modality)
        except ValueError as err:
            raise InputError("--families", str(err)) from None
        state.progress(0.0, "reading the fitting part")
        fit, data = load_fit(case, str(device))
        pool = int(params.pool or min(POOL, max(1, POOL_BYTES // (4 * int(np.prod(fit.x.shape[1:]))))))
        folder = zoo_dir(case)
    todo = [n for n in names if not (run_finished(os.path.join(folder, n)) and
                                     run_finished(os.path.join(folder, n + "-clean")))]
    shares = sum(FAMILIES[n].share for n in todo) or 1.0
    counts, seconds_taken, span = {}, {}, (0.02, 0.7)
    done_share = 0.0
    for name in todo:
        state.check()
        lo = span[0] + (span[1] - span[0]) * done_share / shares
        done_share += FAMILIES[name].share
        hi = span[0] + (span[1] - span[0]) * done_share / shares
        seconds = total * FAMILY_SHARE * FAMILIES[name].share / shares
        counts[name], seconds_taken[name] = train_family(name, fit, data, seconds, seed, pool, folder,
                                                         StageState(state, lo, hi, name))
    state.progress(0.7, "registering the zoo's runs")
    registering = time.monotonic()
    zoo_runs = [os.path.join(folder, n + suffix) for n in names for suffix in ("", "-clean")]
    with open_case(case_dir) as case:
        registered = {run["run_dir"] for run in case.runs()}
    new = [run_dir for run_dir in zoo_runs if run_dir not in registered]
    for k, run_dir in enumerate(new):  # the last new one fits the pooled logistic regression for all
        state.check()
        register_run(case_dir, run_dir, calibrate=k == len(new) - 1)
        state.progress(0.7 + 0.08 * (k + 1) / len(new), f"registered {os.path.basename(run_dir)}")
    with open_case(case_dir) as case:
        generators = [run["run_dir"] for run in generator_runs(case)]
        fit_spec = case.meta()["fit_spec"]
        level_normalised = "level_version" in case.profile()  # its evidence is judged at one loudness
    classifying = time.monotonic()
    classifier = train_zoo_classifier(case_dir, fit_spec, generators, fit.x.shape[0], total * CLASSIFIER_SHARE,
                                      seed, params.device, params.threads, level_normalised,
                                      StageState(state, 0.78, 1.0, "classifier"))
    with open_case(case_dir) as case:
        retired = retire_older_classifiers(case, os.path.join(zoo_dir(case), classifier))
    state.progress(1.0, "zoo done")
    end = time.monotonic()
    return {"case": case_dir, "modality": modality, "families": names, "trained": todo,
            "samples": counts, "runs": [os.path.basename(r) for r in zoo_runs],
            "registered": [os.path.basename(r) for r in new], "classifier": classifier, "retired": retired,
            "budget_seconds": total,
            "seconds": {"families": seconds_taken, "registration": round(classifying - registering, 1),
                        "classifier": round(end - classifying, 1), "total": round(end - started, 1)}}


def retire_older_classifiers(case, current):
    """The classifiers of earlier zoos of the case (other generator runs) leave its detectors
    once the classifier `current` of its generator runs now is registered, audited; returns
    their folder names."""
    zoo = [run for run in case.runs("classifier") if os.path.dirname(run["run_dir"]) == zoo_dir(case)
           and os.path.basename(run["run_dir"]).startswith("classifier-")]
    by = [run["id"] for run in zoo if run["run_dir"] == current]
    older = [run for run in zoo if run["run_dir"] != current]
    if not by or not older:
        return []
    case.retire_runs([run["id"] for run in older], by[-1],
                     "replaced by the zoo classifier of the case's generator runs now")
    return [os.path.basename(run["run_dir"]) for run in older]


def distinct_names(run_dirs):
    """A name per run folder for the classifier's data record: its folder name, numbered when repeated."""
    names = []
    for run_dir in run_dirs:
        name = os.path.basename(run_dir)
        names.append(name if name not in names else f"{name}-{len(names)}")
    return names


def train_zoo_classifier(case_dir, fit_spec, generators, n_real, seconds, seed, device, threads, level_normalised,
                         state):
    """The binary CNN classifier, fitting part vs every generator run (generated samples shared out
    equally among them; the loss balances the two classes), time-limited, registered in the case;
    speech maps brought to one loudness when the case judges evidence so."""
    from engine.training_jobs import train_classifier_job

    digest = hashlib.sha256("\n".join(sorted(generators)).encode()).hexdigest()[:12]
    out = os.path.join(case_dir, "runs", "zoo", f"classifier-{digest}")
    real = min(n_real, CLASSIFIER_REAL)
    params = {"real": fit_spec, "fakes": tuple(zip(distinct_names(generators), generators)), "out": out,
              "binary": True, "per_class": real, "fake_per_class": max(20, real // len(generators)),
              "seed": seed, "device": device, "threads": threads, "case": case_dir, "max_seconds": seconds,
              "normalise_level": level_normalised,
              "resume": os.path.isdir(out)}
    if run_finished(out):
        from engine.case_workflows import register_run

        register_run(case_dir, out)  # a zoo cut off after training it, before registering
        return os.path.basename(out)
    train_classifier_job(params, state)
    return os.path.basename(out)
