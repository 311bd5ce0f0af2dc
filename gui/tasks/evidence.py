"""Evidence tasks: load dropped files, then judge them in the open case (engine.verdict)."""
import os

import numpy as np

PREVIEW_PATCHES = 4  # speech / music thumbnails show the first few patches side by side


def preview_of(sampleset):
    """One (channels, rows, cols) map to draw as the file's thumbnail."""
    if sampleset.modality == "image":
        return sampleset.x[0]
    return np.concatenate(list(sampleset.x[:PREVIEW_PATCHES]), axis=-1)


def load_evidence_job(params, state):
    """Loads each evidence file; partial results carry everything loaded so far."""
    from engine.data.loaders import load_path
    from engine.errors import InputError
    from engine.verdict import expand_paths

    # The files of dropped folders (and their sub-folders), as the `verdict` command takes them.
    files = [os.path.abspath(path) for path in expand_paths(params["paths"])]
    loaded, refused = [], []
    for number, path in enumerate(files, start=1):
        state.check()
        try:
            sampleset = load_path(path)
            loaded.append({"path": path, "sampleset": sampleset, "preview": preview_of(sampleset)})
        except InputError as err:
            refused.append({"path": path, "reason": err.reason})
        state.progress(number / len(files), os.path.basename(path))
        state.partial({"loaded": list(loaded), "refused": list(refused)})
    return {"loaded": loaded, "refused": refused}

def case_evidence_job(params, state):
    """The evidence a case holds, each file with its latest recorded verdict (None if it has
    none); files missing on disk or changed since intake are refused with the reason, and
    their recorded verdicts are not shown. Partial results carry everything so far."""
    from engine import case as case_store
    from engine.data.loaders import load_path
    from engine.errors import InputError

    with case_store.open_case(params["case_dir"]) as case:
        rows, verdicts = case.evidence(), {v["evidence_id"]: v for v in case.verdicts()}
    loaded, refused = [], []
    for number, row in enumerate(rows, start=1):
        state.check()
        path = row["path"]
        try:
            sampleset = load_path(path)
            digest = sampleset.files[0].get("sha256") if sampleset.files else None
            if digest and digest != row["sha256"]:
                raise InputError(path, "changed since intake (SHA-256 differs from the case's record)")
            loaded.append({"path": path, "sampleset": sampleset, "preview": preview_of(sampleset),
                           "verdict": verdicts.get(row["id"]), "from_case": True})
        except InputError as err:
            refused.append({"path": path, "reason": f"case evidence: {err.reason}"})
        state.progress(number / len(rows), os.path.basename(path))
        state.partial({"loaded": list(loaded), "refused": list(refused)})
    return {"loaded": loaded, "refused": refused}


def verdict_job(params, state):
    """engine.verdict.judge over the files; its partial results carry the verdicts so far."""
    from engine.verdict import judge

    result = judge(params["case_dir"], list(params["paths"]), state=state)
    # a file changed since intake is refused (red), never shown as a new verdict
    modified = [{"path": f["path"], "reason": f["reasons"][0]} for f in result["files"] if f["integrity"] == "modified"]
    return {"files": [f for f in result["files"] if f["integrity"] != "modified"],
            "rejected": result["batch"]["rejected"] + modified}
