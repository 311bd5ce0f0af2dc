"""Artefacts of older cases brought to the current format once, when the case is opened
(engine/case_workflows.py `open_case`), so that detectors read one format and hold no branch
for older ones.

ARTEFACT_FORMAT is the format this tool writes; a case records the format its artefacts were
brought to (engine/case.py `artefact_format`; `case new` records the current one). Opening a
case at an older format runs the upgrades below over its artefacts as last recorded: each
returns the arrays in the current format and the changes in words, or None when the artefact
is already current. engine/case.py `upgrade_artefacts` rewrites them in one audited
transaction with their new SHA-256, so `case verify` stays green and the audit log says what
changed. An upgrade never changes a verdict: it writes down, as an explicit value, what the
detectors used to infer from a missing array. An artefact that no longer matches its recorded
hash is never rewritten (that would launder an edit): it stays as found and flagged.

To change a stored format: write the new format, add its upgrade here (from every older
format), and raise ARTEFACT_FORMAT.
"""
from engine import case as case_store
from engine.errors import InputError
from engine.modality import modality
from engine.npz import load_arrays

ARTEFACT_FORMAT = 1


def profile_upgrade(arrays, run):
    """A continuous reference's texture features from before versions were version 1."""
    if modality(str(arrays["modality"])).continuous and "texture_version" not in arrays:
        return {**arrays, "texture_version": 1}, ["texture_version = 1 (texture features from before versions)"]
    return None


def classifier_upgrade(arrays, run):
    """A CNN calibration stored before log-odds were taken from log probabilities holds
    clipped scores: the evidence's scores are clipped alike (learned.ClassifierDetector)."""
    if "unclipped" not in arrays:
        return {**arrays, "unclipped": False}, ["unclipped = False (scores clipped at P(real) in [1e-6, 1 - 1e-6])"]
    return None


def logistic_upgrade(arrays, run):
    """A generators' logistic regression: fitted before texture features (texture 0), and
    before pooling (one model per GAN, naming it; not pooled, so each stays a detector)."""
    changes, new = [], dict(arrays)
    if "texture" not in arrays:
        new["texture"] = 0
        changes.append("texture = 0 (fitted on the features alone)")
    if "pooled" not in arrays:
        pooled = "generators" in arrays
        new["pooled"] = pooled
        changes.append(f"pooled = {pooled}" + ("" if pooled else " (one model per GAN, from before pooling)"))
    if "generators" not in arrays:
        new["generators"] = [run["name"]]
        changes.append(f"generators = [{run['name']!r}]")
    return (new, changes) if changes else None


UPGRADES = {  # artefact role -> upgrade(arrays, run or None)
    "reference profile": profile_upgrade,
    "calibration cnn": classifier_upgrade,
    "calibration logistic": logistic_upgrade,
}


def record_current_format(case):
    """Inside the transaction that makes a case's first artefacts: they are in the current format."""
    case.insert("artefact_format", {"version": ARTEFACT_FORMAT, "applied": case_store.now()})


def upgrade_case(case):
    """Brings an open case's artefacts to ARTEFACT_FORMAT (once; audited), see the module docstring."""
    if case.artefact_format() >= ARTEFACT_FORMAT:
        return
    runs = {row["id"]: dict(row) for row in case.conn.execute("SELECT id, name FROM run")}  # retired ones too
    rewrites, skipped = [], []
    for artefact in case.artefacts():
        upgrade = UPGRADES.get(artefact["role"])
        if upgrade is None:
            continue
        status, digest = case_store.artefact_status(case, artefact["path"], artefact["sha256"])
        if status != "ok":
            skipped.append({"path": artefact["path"], "reason": f"{status} since it was recorded"})
            continue
        try:
            upgraded = upgrade(load_arrays(case.path(artefact["path"])), runs.get(artefact["run_id"]))
        except InputError as err:
            skipped.append({"path": artefact["path"], "reason": err.reason})
            continue
        except (KeyError, ValueError, TypeError) as err:  # arrays that verify but no tool wrote: left as found
            skipped.append({"path": artefact["path"], "reason": f"arrays this tool cannot read ({err!r})"})
            continue
        if upgraded is not None:
            arrays, changes = upgraded
            rewrites.append({"path": artefact["path"], "role": artefact["role"], "run_id": artefact["run_id"],
                             "sha256": digest, "arrays": arrays, "changes": changes})
    case_store.upgrade_artefacts(case, ARTEFACT_FORMAT, rewrites, skipped)
