"""Evidence tasks: load dropped files, then judge them in the open case (engine.verdict)."""
import os

from gui.modality_display import display

CHANGED = "changed since intake (SHA-256 differs from the case's record)"


def loaded_entry(path, sampleset, **more):
    """What the evidence view shows of a loaded file: its samples, the map its thumbnail
    is drawn from, the thumbnail tile's pixels (made here, off the window's thread) and
    the file's own metadata."""
    from engine.metadata import file_metadata

    shows = display(sampleset.modality)
    preview = shows.preview(sampleset.x)
    return {"path": path, "sampleset": sampleset, "preview": preview, "thumbnail": shows.thumbnail(preview),
            "metadata": file_metadata(path), **more}


def adopt_case_modality(sampleset, reference):
    """A bare array of the case reference's sample shape takes the reference's modality
    (a speech generator's .npy mel maps are speech, as `verdict` and `load_spec` read them)."""
    if reference is not None and sampleset.meta.get("modality_recorded") is False \
            and list(sampleset.shape) == list(reference["shape"]):
        sampleset.modality = reference["modality"]
        sampleset.meta["modality_from_reference"] = True
    return sampleset


def load_evidence_job(params, state):
    """Loads each evidence file; each one's entry (or refusal) goes out once, through `state.extend`.

    params: paths, and reference ({"modality", "shape"} of the open case's reference, or None)."""
    from engine.data.loaders import load_path
    from engine.errors import InputError
    from engine.data.walk import evidence_files

    # The files of dropped folders (and their sub-folders), as the `verdict` command takes them;
    # what the walk leaves out (too deep, a name that is not UTF-8) is refused with its reason.
    found, refused = evidence_files(params["paths"])
    files = [os.path.abspath(path) for path in found]
    state.extend({"loaded": [], "refused": list(refused)})
    loaded = []
    for number, path in enumerate(files, start=1):
        state.check()
        try:
            loaded.append(loaded_entry(path, adopt_case_modality(load_path(path), params.get("reference"))))
            state.extend({"loaded": loaded[-1:], "refused": []})
        except InputError as err:
            refused.append({"path": path, "reason": err.reason})
            state.extend({"loaded": [], "refused": refused[-1:]})
        state.progress(number / len(files), os.path.basename(path))
    return {"loaded": loaded, "refused": refused}


def case_evidence_job(params, state):
    """The evidence a case holds, listed from the case's snapshot (`gui.tasks.case.read_case_job`)
    without decoding a file: its path, recorded modality and latest recorded verdict (None if
    none); `read_evidence_job` reads a file's content when the window shows it. A file missing on
    disk or changed since intake (its bytes are hashed here) is refused with the reason and its
    recorded verdict is not shown; files the analyst removed from view are left out. Each row goes
    out once, through `state.extend`.

    params: snapshot, and reference (as for load_evidence_job)."""
    from engine.errors import InputError

    snapshot = params["snapshot"]
    hidden = set(snapshot["removed_from_view"])
    rows = [row for row in snapshot["evidence"] if row["id"] not in hidden]
    verdicts = {v["evidence_id"]: v for v in snapshot["verdicts"]}
    listed, refused = [], []
    for number, row in enumerate(rows, start=1):
        state.check()
        try:
            check_recorded(row["path"], row["sha256"])
            listed.append({"path": row["path"], "sha256": row["sha256"], "modality": row["modality"],
                           "verdict": verdicts.get(row["id"])})
            state.extend({"loaded": listed[-1:], "refused": []})
        except InputError as err:
            refused.append({"path": row["path"], "reason": f"case evidence: {err.reason}"})
            state.extend({"loaded": [], "refused": refused[-1:]})
        if number % 64 == 0 or number == len(rows):
            state.progress(number / len(rows), os.path.basename(row["path"]))
    return {"loaded": listed, "refused": refused}


def check_recorded(path, sha256):
    """InputError unless the file is there, readable, and has the SHA-256 of its intake."""
    import hashlib

    from engine.data.loaders import read_file
    from engine.errors import InputError

    if hashlib.sha256(read_file(path)).hexdigest() != sha256:
        raise InputError(path, CHANGED)


def read_evidence_job(params, state):
    """The content of case evidence the window shows (thumbnail, samples, metadata), each file's
    entry sent once through `state.extend`; a file changed since its listing is refused.

    params: files ([{"path", "sha256"}] as `case_evidence_job` listed them) and reference."""
    from engine.data.loaders import load_path
    from engine.errors import InputError

    for number, row in enumerate(params["files"], start=1):
        state.check()
        try:
            sampleset = adopt_case_modality(load_path(row["path"]), params.get("reference"))
            if sampleset.files and sampleset.files[0].get("sha256") != row["sha256"]:
                raise InputError(row["path"], CHANGED)
            state.extend({"loaded": [loaded_entry(row["path"], sampleset)], "refused": []})
        except InputError as err:
            state.extend({"loaded": [], "refused": [{"path": row["path"], "reason": f"case evidence: {err.reason}"}]})
        state.progress(number / len(params["files"]), os.path.basename(row["path"]))


def verdict_job(params, state):
    """engine.verdict.judge over the files; its partial results carry the verdicts so far."""
    from engine.channel_warmup import default_workers
    from engine.verdict import judge
    from engine.view_log import return_to_view

    return_to_view(params["case_dir"], params["paths"])  # added again after a Remove from view
    result = judge(params["case_dir"], list(params["paths"]), state=state, workers=default_workers())
    # a file changed since intake is refused (red), never shown as a new verdict
    modified = [{"path": f["path"], "reason": f["reasons"][0]} for f in result["files"] if f["integrity"] == "modified"]
    return {"files": [f for f in result["files"] if f["integrity"] != "modified"],
            "rejected": result["batch"]["rejected"] + modified}


def remove_from_view_job(params, state):
    """engine.view_log.remove_from_view: the removal in the case's audit log (ids concerned)."""
    from engine.view_log import remove_from_view

    return remove_from_view(params["case_dir"], params["path"])
