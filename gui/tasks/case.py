"""Case tasks: read a case, create one, write a report (engine.case, engine.report)."""
import glob


def read_case_job(params, state):
    """A plain snapshot of a case: meta, reference, evidence, runs, verdicts, reports."""
    from engine.case import open_case
    from engine.errors import InputError

    state.progress(0.0, "reading the case")
    with open_case(params["case_dir"]) as case:
        try:
            reference = case.reference()
        except InputError:  # a case made with create_case alone has none yet
            reference = None
        snapshot = {
            "dir": case.dir,
            "meta": case.meta(),
            "reference": reference,
            "evidence": case.evidence(),
            "runs": case.runs(),
            "verdicts": case.verdicts(),
            "reports": sorted(glob.glob(case.path("reports", "*.pdf"))),
        }
    state.progress(1.0, "case read")
    return snapshot


def new_case_job(params, state):
    """Creates a case with its reference profile, then reads it back."""
    from engine.case import new_case

    state.progress(0.0, "creating the case and profiling the reference")
    new_case(params["case_dir"], params["reference"], params.get("name"), state)
    return read_case_job({"case_dir": params["case_dir"]}, state)


def report_job(params, state):
    """engine.report.write_report over the chosen cases."""
    from engine.report import write_report

    return write_report(params["out"], params["case_dirs"], analyst=params.get("analyst") or None, state=state)
