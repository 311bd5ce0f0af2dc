"""Case tasks: read a case, create one, write a report (engine.case, engine.report)."""
import glob
import json
import os


def read_case_job(params, state):
    """A plain snapshot of a case: meta, reference, evidence, runs, verdicts, reports."""
    from engine.case_workflows import open_case
    from engine.errors import InputError
    from engine.report.limitations import self_test_rows
    from engine.view_log import hidden_evidence

    state.progress(0.0, "reading the case")
    with open_case(params["case_dir"]) as case:
        try:
            reference = case.reference()
        except InputError:  # a case made with create_case alone has none yet
            reference = None
        if reference is not None:
            reference["shape"] = json.loads(reference["sample_shape"])
        snapshot = {
            "dir": case.dir,
            "meta": case.meta(),
            "reference": reference,
            "evidence": case.evidence(),
            "removed_from_view": sorted(hidden_evidence(case)),
            "runs": case.runs(),
            "verdicts": case.verdicts(),
            "reports": sorted(glob.glob(case.path("reports", "*.pdf"))),
            "resumable": resumable_runs(case.path("runs")),
            "self_test": self_test_rows(case.audit_log()),  # the latest `case validate`, or None
        }
    state.progress(1.0, "case read")
    return snapshot


def new_case_job(params, state):
    """Creates a case with its reference profile, then reads it back."""
    from engine.case_workflows import new_case

    state.progress(0.0, "creating the case and profiling the reference")
    new_case(params["case_dir"], params["reference"], params.get("name"), state)
    return read_case_job({"case_dir": params["case_dir"]}, state)


def report_job(params, state):
    """engine.report.write_report over the chosen cases."""
    from engine.report import write_report

    return write_report(params["out"], params["case_dirs"], analyst=params.get("analyst") or None, state=state)


RESUMABLE_KINDS = ("gan", "classifier", "inverse")  # the training panel's kinds with a Resume


def resumable_runs(runs_dir):
    """The run folders under the case's runs/ that Resume can continue: a run.json of a
    trainable kind and a checkpoint beside it. [{"run_dir", "name", "kind", "status"}], newest first."""
    from engine.runs import read_run_json
    from engine.errors import InputError

    found = []
    for run_dir in glob.glob(os.path.join(runs_dir, "*", "")):
        run_dir = run_dir.rstrip(os.sep)
        try:
            run = read_run_json(run_dir)
        except InputError:
            continue
        if run.get("kind") in RESUMABLE_KINDS and glob.glob(os.path.join(run_dir, "*.safetensors")):
            found.append({"run_dir": run_dir, "name": os.path.basename(run_dir), "kind": run["kind"],
                          "status": run.get("status", "?"), "mtime": os.path.getmtime(run_dir),
                          "data": (run.get("data") or {}).get("spec")})
    return sorted(found, key=lambda r: -r["mtime"])
