"""PDF reports of cases and analyses (reportlab; figures drawn with matplotlib Agg in memory).

A case's part opens with its findings (case, examiner, question, one line per file with its
finding, strength of evidence and decisive reason, the conclusion), then contents,
limitations and error rates, evidence integrity, one section per file (figure, metadata,
detectors), analysis figures, methods, the examiner's declaration and the audit log. A
report of several cases (the demo's) opens with a cover and an overall contents. Evidence
hashes are re-verified before anything is written; a mismatch is flagged on the findings
page, in the evidence table, in the file's section and in the audit log.
"""
import datetime
import getpass
import os

from engine import case as case_store
from engine.case_workflows import open_case
from engine.detectors import calibration
from engine.report.pdf import Document

SUBJECT = "Which evidence files were made by a generative model, with the reasons, error rates and chain of custody"


def write_report(out_path, case_dirs, analyst=None, alpha=calibration.DEFAULT_ALPHA, state=None):
    """Writes the report of one or more cases to out_path (atomically).

    Returns {"path", "integrity_ok", "pages", "cases"}; each case's part starts on a new
    page and its pages carry its case ID."""
    from engine.report.case_part import CasePart
    from engine.verdict import check_alpha

    progress = state.progress if state is not None else (lambda *a: None)
    check_alpha(alpha)
    examiner = analyst or _analyst()
    several = len(case_dirs) > 1
    names = []
    for case_dir in case_dirs:
        with open_case(case_dir) as case:
            names.append(case.meta().get("name", os.path.basename(case_dir)))
    doc = Document(f"Forensic examination report: {', '.join(names)}", examiner, SUBJECT)
    if several:
        doc.levels_shift = 0
        cover(doc, names, examiner)
    integrity = []
    for i, case_dir in enumerate(case_dirs):
        def part_progress(fraction, message, i=i):
            progress((i + 0.9 * fraction) / len(case_dirs), message)

        with open_case(case_dir) as case:
            integrity.append(CasePart(doc, case, examiner, alpha, _today(), several).build(part_progress))
    pages = doc.build(out_path)
    for case_dir, ok in zip(case_dirs, integrity):
        with open_case(case_dir) as case:
            case_store.record_report(case, out_path, ok)
    progress(1.0, "report written")
    return {"path": os.path.abspath(out_path), "integrity_ok": all(integrity), "pages": pages,
            "cases": len(case_dirs)}


def cover(doc, names, examiner):
    """The cover of a report of several cases: what it covers, and the overall contents."""
    doc.p("Forensic examination report", "Title")
    doc.add(doc.table([["Cases", f"{len(names)}: {', '.join(names)}"], ["Examiner", examiner],
                       ["Report date (UTC)", _today()], ["Tool version", case_store.tool_version()]],
                      [4.0, 13.8], header=False, bold_first_column=True))
    doc.add(doc.space(0.3))
    doc.p("Each case's part opens with its findings, then its limitations and error rates, the evidence and its "
          "integrity, one section per file, the analysis, the methods, the examiner's declaration and the audit log.")
    doc.contents("Contents of all cases")


def write_analysis_report(out_path, result, analyst=None):
    """`analyze --report`: the analyze JSON's tables and its figures (result["plots"]) as a PDF."""
    examiner = analyst or _analyst()
    ref = result["reference"]
    doc = Document(f"Analysis against reference {ref['name']}", examiner,
                   "Distribution comparison (KS, JSD, centroid, slope) against a reference")
    doc.start_case({"case_id": "none (analysis without a case)", "name": f"reference {ref['name']}"})
    doc.p("GAN forensics analysis", "Title")
    doc.add(doc.table([["Analysis", "Value"], ["Analyst", examiner], ["Date (UTC)", _today()],
                       ["Tool version", case_store.tool_version()],
                       ["Reference", f"{ref['name']} ({ref['modality']}, {ref['n']} samples)"]], [4.5, 13.3]))
    doc.add(doc.space())
    doc.p("KS: two-sample Kolmogorov-Smirnov statistic and p-value; JSD: Jensen-Shannon divergence in bits between "
          "100-bin histograms on [0,1]. Centroid and slope rows compare the distributions of the per-sample "
          "moments.", "Small")
    for entry in result["results"]:
        rows = [["Quantity", "KS statistic", "KS p-value", "JSD (bits)"]]
        rows += [[label, *_ks_row(values)] for label, values in _comparisons(entry)]
        if "violations" in entry:
            rows.append(["chroma-transition violations", str(entry["violations"]), "", ""])
        doc.together(doc.heading(f"{entry['name']} ({entry['n']} samples)", "Heading1"),
                     doc.table(rows, [6.5, 3.7, 3.7, 3.7]))
    for path in result.get("plots", []):
        doc.page_break()
        with open(path, "rb") as fh:
            doc.together(doc.heading(os.path.splitext(os.path.basename(path))[0].replace("_", " "), "Heading1"),
                         doc.image(fh.read(), 17))
    return {"path": os.path.abspath(out_path), "pages": doc.build(out_path)}


def _comparisons(entry):
    """(label, {"ks_statistic", "ks_pvalue", "jsd"}) for every comparison of an analyze result."""
    yield "intensity", entry["intensity"]
    for family in ("centroid", "slope"):
        for moment, values in entry.get(family, {}).items():
            yield f"{family} {moment}", values
    if "durations" in entry:
        yield "note durations", entry["durations"]


def _ks_row(values):
    def number(key):
        v = values.get(key)
        return "-" if v is None else f"{v:.4g}"

    return [number("ks_statistic"), number("ks_pvalue"), number("jsd")]


def _today():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M")


def _analyst():
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
