"""Evidence tasks: load dropped files, then judge them in the open case (engine.verdict)."""
import os

from gui.modality_display import display


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
    """Loads each evidence file; partial results carry everything loaded so far.

    params: paths, and reference ({"modality", "shape"} of the open case's reference, or None)."""
    from engine.data.loaders import load_path
    from engine.errors import InputError
    from engine.data.walk import evidence_files

    # The files of dropped folders (and their sub-folders), as the `verdict` command takes them;
    # what the walk leaves out (too deep, a name that is not UTF-8) is refused with its reason.
    found, refused = evidence_files(params["paths"])
    files = [os.path.abspath(path) for path in found]
    loaded = []
    for number, path in enumerate(files, start=1):
        state.check()
        try:
            loaded.append(loaded_entry(path, adopt_case_modality(load_path(path), params.get("reference"))))
        except InputError as err:
            refused.append({"path": path, "reason": err.reason})
        state.progress(number / len(files), os.path.basename(path))
        state.partial({"loaded": list(loaded), "refused": list(refused)})
    return {"loaded": loaded, "refused": refused}


def case_evidence_job(params, state):
    """The evidence a case holds, each file with its latest recorded verdict (None if it has
    none); files missing on disk or changed since intake are refused with the reason, and
    their recorded verdicts are not shown; files the analyst removed from view are left out.
    Partial results carry everything so far."""
    from engine.case_workflows import open_case
    from engine.data.loaders import load_path
    from engine.errors import InputError
    from engine.view_log import hidden_evidence

    with open_case(params["case_dir"]) as case:
        hidden = hidden_evidence(case)
        rows = [row for row in case.evidence() if row["id"] not in hidden]
        verdicts = {v["evidence_id"]: v for v in case.verdicts()}
    loaded, refused = [], []
    for number, row in enumerate(rows, start=1):
        state.check()
        path = row["path"]
        try:
            sampleset = adopt_case_modality(load_path(path), params.get("reference"))
            digest = sampleset.files[0].get("sha256") if sampleset.files else None
            if digest and digest != row["sha256"]:
                raise InputError(path, "changed since intake (SHA-256 differs from the case's record)")
            loaded.append(loaded_entry(path, sampleset, verdict=verdicts.get(row["id"])))
        except InputError as err:
            refused.append({"path": path, "reason": f"case evidence: {err.reason}"})
        state.progress(number / len(rows), os.path.basename(path))
        state.partial({"loaded": list(loaded), "refused": list(refused)})
    return {"loaded": loaded, "refused": refused}


def verdict_job(params, state):
    """engine.verdict.judge over the files; its partial results carry the verdicts so far."""
    from engine.verdict import judge
    from engine.view_log import return_to_view

    return_to_view(params["case_dir"], params["paths"])  # added again after a Remove from view
    result = judge(params["case_dir"], list(params["paths"]), state=state)
    # a file changed since intake is refused (red), never shown as a new verdict
    modified = [{"path": f["path"], "reason": f["reasons"][0]} for f in result["files"] if f["integrity"] == "modified"]
    return {"files": [f for f in result["files"] if f["integrity"] != "modified"],
            "rejected": result["batch"]["rejected"] + modified}


def remove_from_view_job(params, state):
    """engine.view_log.remove_from_view: the removal in the case's audit log (ids concerned)."""
    from engine.view_log import remove_from_view

    return remove_from_view(params["case_dir"], params["path"])
