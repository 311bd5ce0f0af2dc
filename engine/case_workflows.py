"""The case workflows: opening a case for work (its artefacts upgraded, engine/case_upgrades.py),
`case new` (load the reference, fit its profile, publish the case) and run registration
(check that a run fits the case, calibrate its detector, record it).

They fit and calibrate detectors, so they sit above them (the "workflows" layer of
tests/test_architecture.py); the store they write through (engine/case.py) sits below the
detectors and knows nothing of them. Both are atomic: `case new` builds the case in a
staging folder and publishes it in one rename; a registration commits in one transaction.
"""
import json
import os

from engine.case import (ARTEFACT_DIRS, DB_NAME, create_case, latest_checkpoint, now, record_artefact,
                         sha256_bytes)
from engine.case import open_case as open_store
from engine.case_upgrades import record_current_format, upgrade_case
from engine.data.hashing import sha256_file
from engine.errors import InputError
from engine.npz import save_arrays
from engine.runs import read_run_json


def open_case(case_dir):
    """Opens a case for work: the store (its schema migrated, engine/case.py) with its artefacts
    brought to the current format, once and audited (engine/case_upgrades.py)."""
    case = open_store(case_dir)
    try:
        upgrade_case(case)
    except BaseException:
        case.close()
        raise
    return case


# --- training runs ------------------------------------------------------------------

def _run_levels(run):
    """The value grid (levels) of the data a run was trained on, when run.json records it."""
    data = run.get("data") or {}
    for part in (data, (data.get("sets") or {}).get("real") or {}, data.get("real") or {}):
        if isinstance(part, dict) and "levels" in part:
            return part["levels"]
    return "unrecorded"


def check_run_fits(case, run, sidecar, run_dir):
    """Refuses (InputError) a run whose data's modality, sample shape or value grid differ
    from the case's reference: its detector would judge evidence it was never made for."""
    _check_fit(case, run_dir, run.get("modality") or (run.get("data") or {}).get("modality"),
               tuple((sidecar.get("config") or {}).get("shape") or ()), _run_levels(run), "the run's")


def check_data_fits(case_dir, source, modality, shape, levels):
    """Before training with --case: refuses data the finished run could not be registered with."""
    with open_case(case_dir) as case:
        _check_fit(case, source, modality, tuple(shape), levels, "the data's")


def _check_fit(case, source, modality, shape, levels, whose):
    ref = case.reference()
    ref_shape = tuple(json.loads(ref["sample_shape"]))
    if modality and modality != ref["modality"]:
        raise InputError(source, f"{whose} samples are {modality}, the case reference is {ref['modality']}")
    if tuple(shape) != ref_shape:
        raise InputError(source, f"{whose} samples have shape {tuple(shape)}, the case reference has {ref_shape}")
    ref_levels = int(case.profile()["levels"])
    if levels != "unrecorded" and int(levels or 0) != ref_levels:
        raise InputError(source, f"{whose} values lie on {_grid(int(levels or 0))}, the case reference's on "
                                 f"{_grid(ref_levels)}")


def _grid(levels):
    return f"{levels} levels" if levels else "continuous values"


def register_run(case_dir, run_dir, calibrate=True):
    """Registers a finished training run (GAN generator, zoo generator, classifier, inverse model).

    Records the run's kind, config, metrics, training data, the SHA-256 of its safetensors
    files and of the checkpoint (tensors and sidecar) its models load from, and the run's
    detector calibration on the reference stored in the case profile (computed first, with
    the case open to others), all in one transaction: a crash leaves the run unregistered,
    and running the command again registers it. Returns the run row as a dict.
    calibrate=False (`case zoo`, registering many generator runs at once) leaves a generator run
    without its pooled logistic regression: the batch's last registration fits it across all.
    """
    from engine.detectors.learned import RUN_KINDS, calibrate_run

    run_dir = os.path.abspath(run_dir)
    run_json = os.path.join(run_dir, "run.json")
    run = read_run_json(run_dir)
    kind = run.get("kind") or run.get("config", {}).get("kind")
    if kind not in RUN_KINDS:
        raise InputError(run_json, f"unknown run kind {kind!r} (expected one of {', '.join(RUN_KINDS)})")
    if run.get("status") not in (None, "done", "finished", "completed"):
        raise InputError(run_json, f"the run is not finished (status {run.get('status')!r})")
    tensors = sorted(f for f in os.listdir(run_dir) if f.endswith(".safetensors"))
    checkpoint = latest_checkpoint(run_dir)
    if not tensors or checkpoint is None:
        raise InputError(run_dir, "the run holds no safetensors model")
    files = {f: sha256_file(os.path.join(run_dir, f)) for f in tensors}
    from training.files import MAX_JSON_BYTES, UnsafeRunFile, parse_json, read_regular

    try:  # read defensively like every run file; its hash is that of the bytes on disk
        sidecar_bytes = read_regular(checkpoint + ".json", MAX_JSON_BYTES)
        sidecar = parse_json(sidecar_bytes, "checkpoint sidecar")
    except UnsafeRunFile as err:
        raise InputError(checkpoint + ".json", str(err)) from None
    if not isinstance(sidecar, dict):
        raise InputError(checkpoint + ".json", "the checkpoint sidecar does not hold a JSON object")
    name = run.get("name") or os.path.basename(run_dir)
    with open_case(case_dir) as case:
        stored = case.stored_path(run_dir)  # relative inside the case folder, so the case can move
        run_dir, checkpoint = case.path(stored), case.path(case.stored_path(checkpoint))
        same = [r for r in case.runs() if r["run_dir"] == run_dir and r["files"] == files]
        if same:  # registering the very same model again changes nothing
            return same[-1]
        check_run_fits(case, run, sidecar, run_dir)
        calibrated = calibrate_run(case, {"kind": kind, "name": name, "run_dir": run_dir}) if calibrate else None
        params = {"kind": kind, "name": name, "run_dir": stored, "files": files,
                  "outside_the_case": os.path.isabs(stored)}
        with case.transaction("run_registered", params):
            run_id = case.insert("run", {
                "kind": kind, "name": name, "run_dir": stored, "config_json": json.dumps(run.get("config", {})),
                "metrics_json": json.dumps(run.get("metrics", {})), "files_json": json.dumps(files),
                "data_json": json.dumps(run.get("data", {})), "registered": now()})
            record_artefact(case, checkpoint + ".safetensors", "checkpoint",
                            files[os.path.basename(checkpoint) + ".safetensors"], run_id)
            record_artefact(case, checkpoint + ".json", "checkpoint sidecar",
                            sha256_bytes(sidecar_bytes), run_id)
            if calibrated is not None:
                store_calibration(case, run_id, *calibrated)
        return next(r for r in case.runs() if r["id"] == run_id)


def store_calibration(case, run_id, detector, arrays):
    """Inside the registration's transaction: saves a run's calibration arrays under
    profiles/ and records them and their SHA-256."""
    rel = os.path.join("profiles", f"run{run_id}_{detector}.npz")
    save_arrays(case.path(rel), arrays)
    case.insert("calibration", {"run_id": run_id, "detector": detector, "path": rel})
    record_artefact(case, rel, f"calibration {detector}", run_id=run_id)


# --- case new -----------------------------------------------------------------------


def _half_made(case_dir):
    """Whether case_dir holds a case database without a reference, evidence or runs (what
    an interrupted `case new` of an older version left): `case new` may replace it."""
    try:
        with open_store(case_dir) as case:
            return all(case.conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] == 0
                       for t in ("reference", "evidence", "run"))
    except InputError:
        return False


def _staging_dir(case_dir):
    parent, base = os.path.split(os.path.abspath(case_dir))
    return os.path.join(parent, f".{base}.new-{os.getpid()}")


def _remove_stale_staging(case_dir):
    """Staging folders that interrupted `case new` runs for this folder left (their process is gone)."""
    import glob
    import shutil

    parent, base = os.path.split(os.path.abspath(case_dir))
    for stale in glob.glob(os.path.join(glob.escape(parent), f".{glob.escape(base)}.new-*")):
        try:
            os.kill(int(stale.rsplit("-", 1)[1]), 0)
        except (ValueError, ProcessLookupError):
            shutil.rmtree(stale, ignore_errors=True)
        except PermissionError:  # another user's live process
            pass


def _publish(staging, case_dir):
    """Moves a finished case from its staging folder into case_dir: artefacts first, the
    database last, so case_dir becomes a case in one rename or not at all."""
    os.makedirs(case_dir, exist_ok=True)
    for sub in ARTEFACT_DIRS:
        os.makedirs(os.path.join(case_dir, sub), exist_ok=True)
        for name in os.listdir(os.path.join(staging, sub)):
            os.replace(os.path.join(staging, sub, name), os.path.join(case_dir, sub, name))
    for suffix in ("-wal", "-shm"):  # leftovers of a replaced half-made database
        if os.path.exists(os.path.join(case_dir, DB_NAME + suffix)):
            os.remove(os.path.join(case_dir, DB_NAME + suffix))
    os.replace(os.path.join(staging, DB_NAME), os.path.join(case_dir, DB_NAME))


def new_case(case_dir, reference_spec, name=None, state=None):
    """`case new`: loads the reference, computes its profile, creates the case.

    The case is built in a staging folder beside case_dir and published when complete
    (`_publish`), so an interrupted `case new` leaves no half-made case: running
    it again starts afresh. Returns the case's meta dict.
    """
    import shutil

    from engine.data.specs import load_spec
    from engine.detectors.profile import build_profile, fit_spec

    _remove_stale_staging(case_dir)
    if os.path.exists(os.path.join(case_dir, DB_NAME)) and not _half_made(case_dir):
        raise InputError(case_dir, "a case already exists here")
    if os.path.isfile(case_dir):
        raise InputError(case_dir, "is a file, not a folder")
    ref = load_spec(reference_spec)
    if ref.n == 0:
        raise InputError(reference_spec, "the reference holds no samples")
    try:
        profile = build_profile(ref, state)
    except ValueError as err:
        raise InputError(reference_spec, str(err)) from None
    staging = _staging_dir(case_dir)
    try:
        with create_case(staging, name or os.path.basename(os.path.abspath(case_dir))) as case:
            rel = os.path.join("profiles", "reference.npz")
            save_arrays(case.path(rel), profile)
            digest = sha256_file(case.path(rel))
            fitting = fit_spec(reference_spec, int(profile["n_fit_files"])) or ""
            params = {"spec": reference_spec, "name": ref.name, "modality": ref.modality, "n": ref.n,
                      "shape": list(ref.shape), "profile": rel, "profile_sha256": digest,
                      "rejected": ref.rejected, "meta": ref.meta, "fit_spec": fitting}
            with case.transaction("reference_added", params):
                case.insert("reference", {
                    "name": ref.name, "spec": reference_spec, "modality": ref.modality, "n": ref.n,
                    "sample_shape": json.dumps(list(ref.shape)), "files_json": json.dumps(ref.files),
                    "profile_path": rel, "profile_sha256": digest, "created": now()})
                record_artefact(case, rel, "reference profile", digest)
                case.insert("meta", {"key": "fit_spec", "value": fitting})
                record_current_format(case)
            meta = case.meta()
        if os.path.exists(os.path.join(case_dir, DB_NAME)) and not _half_made(case_dir):
            raise InputError(case_dir, "a case was created here meanwhile (by another process)")
        _publish(staging, case_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return meta
