"""What the case's registered runs were trained on, and which generator family each generator run is.

A run records the specs of its data (run.json "data": a GAN's `spec`, a classifier's sets,
an inverse model's negatives and generator run); a spec that names a GAN run folder brings
that GAN's own training data too. A reference file counts as seen by a run when the run's
spec has the reference's source and its slice covers the file's position; a slice that
cannot be placed (negative or stepped bounds) covers every file of that source. A spec
of another source (another folder, another built-in) is taken to hold none of the
reference's files: the self-test compares sources by name, not by content.
"""
import os

import numpy as np

from engine.data.specs import split_slice
from engine.errors import InputError

MAX_DEPTH = 3  # run folders naming run folders (inverse -> GAN), followed this far


def family_of(run):
    """A generator run's family: the config's `family` when it names one (a zoo run, engine/zoo/:
    a family's raw and cleaned-up output are one family), else a GAN's loss and output
    activation (the DCGAN family of TequilaGAN's experiments)."""
    config = run.get("config") or {}
    if config.get("family"):
        return str(config["family"])
    if config.get("loss"):
        return f"{config['loss']} loss, {config.get('activation', 'sigmoid')} output"
    return str(run["name"])


def families(gan_runs):
    """{family: [runs]} in registration order."""
    out = {}
    for run in gan_runs:
        out.setdefault(family_of(run), []).append(run)
    return out


def relocated(runs, case_dir):
    """The runs with the run folders their data records name (a classifier's generator sets, an
    inverse model's generator) moved to where the case's own runs are now. A run records the
    absolute folders it was trained on; in a case copied or moved since, a recorded folder that
    ends in a case run's path relative to the case is that run (the original may still exist
    elsewhere, but the copy's run is the one judged). A folder outside the case stays as recorded."""
    from engine.case import relative_inside

    inside = {}
    for run in runs:
        rel = relative_inside(run["run_dir"], case_dir)
        if rel is not None:
            inside[rel] = run["run_dir"]

    def move(value):
        path = os.path.normpath(value)
        if not os.path.isabs(path):
            return value
        return next((now for rel, now in sorted(inside.items(), key=lambda item: -len(item[0]))  # the longest match
                     if path == now or path.endswith(os.sep + rel)), value)

    def walk(data):
        if isinstance(data, dict):
            return {key: move(value) if key in ("spec", "generator_run") and isinstance(value, str) else walk(value)
                    for key, value in data.items()}
        return [walk(value) for value in data] if isinstance(data, list) else data

    return [{**run, "data": walk(run.get("data") or {})} for run in runs]


def _specs(data, depth=0):
    """Every data spec in a run's "data" record (nested), following run folders."""
    from engine.runs import is_run_folder, read_run_json

    found = []
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in items:
        if key in ("spec", "generator_run") and isinstance(value, str):
            if os.path.isdir(value) and is_run_folder(value):
                if depth < MAX_DEPTH:
                    try:
                        found += _specs(read_run_json(value).get("data") or {}, depth + 1)
                    except InputError:
                        found.append(None)  # unreadable: cannot be placed
            elif key == "spec":
                found.append(value)
        elif isinstance(value, (dict, list)):
            found += _specs(value, depth)
    return found


def run_folders(data):
    """The absolute paths of the run folders a run's data names (GANs sampled for a
    classifier, an inverse model's generator)."""
    from engine.runs import is_run_folder

    found = set()
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in items:
        if key in ("spec", "generator_run") and isinstance(value, str) and os.path.isdir(value) \
                and is_run_folder(value):
            found.add(os.path.abspath(value))
        elif isinstance(value, (dict, list)):
            found |= run_folders(value)
    return found


def _same_source(a, b):
    if a == b:
        return True
    return not a.startswith(("builtin:", "baseline:")) and os.path.abspath(a) == os.path.abspath(b)


def seen_files(runs, reference_spec, n_files):
    """Per reference file (in spec order), whether any of `runs` may have been trained on it."""
    source, select = split_slice(reference_spec)
    start = select.start or 0
    placeable = start >= 0 and select.step in (None, 1)
    position = start + np.arange(n_files)
    seen = np.zeros(n_files, dtype=bool)
    for run in runs:
        for spec in _specs(run.get("data") or {}):
            if spec is None:
                return np.ones(n_files, dtype=bool)
            their_source, theirs = split_slice(spec)
            if not _same_source(their_source, source):
                continue
            low, high = theirs.start or 0, theirs.stop
            if not placeable or low < 0 or (high is not None and high < 0) or theirs.step not in (None, 1):
                return np.ones(n_files, dtype=bool)
            seen |= (position >= low) & (high is None or position < high)
    return seen
