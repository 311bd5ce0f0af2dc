"""PDF reports of a case (reportlab; figures drawn with matplotlib Agg into memory).

Layout: cover (case, analyst, date, tool version, integrity banner), evidence table
with SHA-256 and integrity status, verdict summary, one section per file (the sample
drawn and the reasons), the analysis figures, methods (parameters, model hashes,
seeds), and the audit log. Page numbers and the case ID are on every page. Hashes are
re-verified before anything is written; a mismatch is flagged on the cover, in the
evidence table, in the file's section and in the audit log.
"""
import datetime
import functools
import getpass
import io
import json
import os

import numpy as np

from engine import case as case_store
from engine.npz import load_arrays
from engine.detectors import calibration, profile as profile_mod, specification, statistical, suite
from engine.detectors.learned import GENERATOR_SAMPLES, SAMPLING_SEED

RED, GREEN, AMBER = "#b00020", "#1b7f3a", "#b36b00"
LABEL_COLOURS = {"generated": RED, "real": GREEN, "inconclusive": AMBER}
STATUS_TEXT = {"ok": "verified", "modified": "MODIFIED SINCE INTAKE", "missing": "MISSING"}


def write_report(out_path, case_dirs, analyst=None, alpha=calibration.DEFAULT_ALPHA, state=None):
    """Writes the report of one or more cases to out_path (atomically).

    Returns {"path", "integrity_ok", "pages", "cases"}; each case's part starts on a
    new page and its pages carry its case ID.
    """
    from engine.verdict import check_alpha

    progress = state.progress if state is not None else (lambda *a: None)
    check_alpha(alpha)
    doc = _Document(analyst or _analyst())
    integrity = []
    for i, case_dir in enumerate(case_dirs):
        def part_progress(fraction, message, i=i):
            progress((i + 0.9 * fraction) / len(case_dirs), message)
        integrity.append(_case_part(doc, case_dir, alpha, part_progress))
    pages = doc.build(out_path)
    for case_dir, ok in zip(case_dirs, integrity):
        with case_store.open_case(case_dir) as case:
            case_store.record_report(case, out_path, ok)
    progress(1.0, "report written")
    return {"path": os.path.abspath(out_path), "integrity_ok": all(integrity), "pages": pages,
            "cases": len(case_dirs)}


def write_analysis_report(out_path, result, analyst=None):
    """`analyze --report`: the analyze JSON's tables and its figures (result["plots"]) as a PDF."""
    doc = _Document(analyst or _analyst())
    ref = result["reference"]
    doc.start_case({"case_id": "none (analysis without a case)", "name": f"reference {ref['name']}"})
    doc.p("GAN forensics analysis", "Title")
    doc.table([["Analysis", "Value"], ["Analyst", doc.analyst], ["Date (UTC)", _today()],
               ["Tool version", case_store.tool_version()],
               ["Reference", f"{ref['name']} ({ref['modality']}, {ref['n']} samples)"]], [4.5, 12])
    doc.space()
    doc.p("KS: two-sample Kolmogorov-Smirnov statistic and p-value; JSD: Jensen-Shannon divergence in bits "
          "between 100-bin histograms on [0,1]. Centroid and slope rows compare the distributions of the "
          "per-sample moments.", "small")
    for entry in result["results"]:
        doc.heading(f"{entry['name']} ({entry['n']} samples)", 2)
        rows = [["Quantity", "KS statistic", "KS p-value", "JSD (bits)"]]
        rows += [[label, *_ks_row(values)] for label, values in _comparisons(entry)]
        if "violations" in entry:
            rows.append(["chroma-transition violations", str(entry["violations"]), "", ""])
        doc.table(rows, [6, 3.5, 3.5, 3.5])
    for path in result.get("plots", []):
        doc.page_break()
        doc.heading(os.path.splitext(os.path.basename(path))[0].replace("_", " "), 2)
        with open(path, "rb") as fh:
            doc.image(fh.read(), 17)
    pages = doc.build(out_path)
    return {"path": os.path.abspath(out_path), "pages": pages}


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


def _case_part(doc, case_dir, alpha, progress):
    """Adds one case's pages to doc; returns whether all its evidence verified."""
    from engine.verdict import case_detectors

    with case_store.open_case(case_dir) as case:
        progress(0.05, "re-verifying evidence hashes")
        evidence = case_store.verify_evidence(case)
        integrity_ok = all(e["status"] == "ok" for e in evidence)
        ref = case.reference()
        profile = load_arrays(case.path(ref["profile_path"]))
        detectors = case_detectors(case, profile)
        verdicts = case.verdicts()
        status_by_id = {e["id"]: e["status"] for e in evidence}
        doc.start_case(case.meta())
        doc.cover(ref, evidence, verdicts, alpha, integrity_ok)
        doc.evidence_table(evidence)
        doc.verdict_summary(verdicts)
        for i, verdict in enumerate(verdicts):
            progress(0.2 + 0.6 * i / max(1, len(verdicts)), f"section {i + 1} of {len(verdicts)}")
            doc.file_section(verdict, status_by_id.get(verdict["evidence_id"], "missing"), profile)
        doc.analysis(profile, detectors, verdicts, alpha)
        doc.methods(ref, profile, detectors, case.runs(), alpha)
        doc.audit(case.audit_log())
    return integrity_ok


def _analyst():
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


# --- figures -------------------------------------------------------------------------


def _figure_png(draw, size=(6.0, 2.6)):
    """PNG bytes of a matplotlib figure drawn by draw(fig) (Agg backend, in memory)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, dpi=100)
    draw(fig)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def sample_figure(samples, modality, violations=None):
    """The first patch of a file as an image, a mel-spectrogram or a piano roll.

    violations: time steps of the piano roll where a forbidden chroma transition starts.
    """
    patch = samples[0]

    def draw(fig):
        ax = fig.add_subplot(1, 1, 1)
        if modality == "image":
            shown = np.moveaxis(patch, 0, -1) if patch.shape[0] == 3 else patch[0]
            ax.imshow(shown, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
            ax.set_axis_off()
        elif modality == "speech":
            ax.imshow(patch[0], origin="lower", aspect="auto", cmap="magma", vmin=0, vmax=1)
            ax.set_xlabel("frame")
            ax.set_ylabel("mel band")
        else:
            ax.imshow(patch[0], origin="lower", aspect="auto", cmap="Greys", vmin=0, vmax=1,
                      interpolation="nearest")
            for t in violations if violations is not None else ():
                ax.axvspan(t - 0.5, t + 1.5, color=RED, alpha=0.25, lw=0)
            used = np.flatnonzero(patch[0].max(axis=1) > 0)
            if used.size:  # zoom on the pitches played
                ax.set_ylim(used[0] - 3, used[-1] + 3)
            ax.set_xlabel("time step" + (" (red: transitions the reference never makes)"
                                         if violations is not None and len(violations) else ""))
            ax.set_ylabel("MIDI pitch")

    size = (2.2, 2.2) if modality == "image" else (6.0, 2.4)
    return _figure_png(draw, size)


def intensity_figure(profile, suspects):
    """Reference intensity histogram against the suspects', on [0,1], log counts."""
    edges = np.linspace(0, 1, profile_mod.HIST_BINS + 1)
    ref = profile["hist"] / max(1, profile["hist"].sum())
    sus = np.histogram(suspects, bins=edges)[0] if suspects.size else np.zeros(profile_mod.HIST_BINS)
    sus = sus / max(1, sus.sum())

    def draw(fig):
        ax = fig.add_subplot(1, 1, 1)
        ax.stairs(ref, edges, label="reference", color="#333333")
        ax.stairs(sus, edges, label="evidence", color=RED)
        ax.set_yscale("log")
        ax.set_xlabel("intensity")
        ax.set_ylabel("share of values")
        ax.legend(fontsize=7)

    return _figure_png(draw)


def calibration_figure(detector, file_scores, tail_alpha):
    """Held-out reference file scores of one detector, its threshold (at its share
    `tail_alpha` of the false-positive rate), and the evidence."""
    threshold = calibration.score_threshold(detector.tail, tail_alpha)

    def draw(fig):
        ax = fig.add_subplot(1, 1, 1)
        ref = detector.tail["sorted"]
        lo = min(ref.min(), min(file_scores, default=ref.min()))
        hi = max(ref.max(), threshold if np.isfinite(threshold) else ref.max(), max(file_scores, default=ref.max()))
        bins = np.linspace(lo, hi if hi > lo else lo + 1, 40)
        ax.hist(ref, bins=bins, color="#888888", label="real calibration files")
        if np.isfinite(threshold):
            ax.axvline(threshold, color=RED, ls="--", label=f"threshold (tail {tail_alpha:.2g})")
        for s in file_scores:
            ax.axvline(s, color="#1f4e9c", alpha=0.5, lw=1)
        unreachable = "" if np.isfinite(threshold) else "; no threshold: it cannot decide at this rate on its own"
        ax.set_title(f"{detector.name}: evidence files (blue){unreachable}", fontsize=8)
        ax.set_xlabel("score (higher = less like the reference)", fontsize=7)
        ax.legend(fontsize=6)

    return _figure_png(draw, (6.0, 2.2))


# --- the document ----------------------------------------------------------------------


class _Document:
    """Collects reportlab flowables section by section, then builds the PDF."""

    def __init__(self, analyst):
        from reportlab.lib.styles import getSampleStyleSheet

        self.meta, self.analyst = {}, analyst
        self.styles = getSampleStyleSheet()
        self.small = self.styles["BodyText"].clone("small", fontSize=7, leading=8.5)
        self.story = []
        self._samples = {}

    def samples(self, path):
        """An evidence file's samples for drawing (read once), or None if unreadable now."""
        if path not in self._samples:
            self._samples[path] = _load_samples(path)
        return self._samples[path]

    def p(self, text, style="BodyText"):
        from reportlab.platypus import Paragraph
        from xml.sax.saxutils import escape

        self.story.append(Paragraph(text if style == "raw" else escape(str(text)),
                                    self.styles["BodyText"] if style == "raw" else self._style(style)))

    def _style(self, name):
        return self.small if name == "small" else self.styles[name]

    def heading(self, text, level=1):
        self.p(text, f"Heading{level}")

    def image(self, png, width_cm):
        from reportlab.lib.units import cm
        from reportlab.platypus import Image
        from reportlab.lib.utils import ImageReader

        w, h = ImageReader(io.BytesIO(png)).getSize()
        self.story.append(Image(io.BytesIO(png), width=width_cm * cm, height=width_cm * cm * h / w))

    def table(self, rows, widths_cm, colours=None):
        """A table of text cells (wrapped); colours: {(row, col): hex} for the text."""
        from reportlab.lib import colors
        from reportlab.lib.units import cm
        from reportlab.platypus import Paragraph, Table, TableStyle
        from xml.sax.saxutils import escape

        cells = []
        for r, row in enumerate(rows):
            out = []
            for c, cell in enumerate(row):
                text = escape(str(cell))
                colour = (colours or {}).get((r, c))
                if colour:
                    text = f'<font color="{colour}"><b>{text}</b></font>'
                if r == 0:
                    text = f"<b>{text}</b>"
                out.append(Paragraph(text, self.small))
            cells.append(out)
        table = Table(cells, colWidths=[w * cm for w in widths_cm], repeatRows=1)
        table.setStyle(TableStyle([
            ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]))
        self.story.append(table)

    def space(self, height_cm=0.3):
        from reportlab.lib.units import cm
        from reportlab.platypus import Spacer

        self.story.append(Spacer(1, height_cm * cm))

    def page_break(self):
        from reportlab.platypus import PageBreak

        self.story.append(PageBreak())

    # --- sections ----------------------------------------------------------------------

    def start_case(self, meta):
        """Starts a case's part: a new page whose footer (and the following) names this case."""
        from reportlab.platypus import PageBreak

        if self.story:
            self.story.append(PageBreak())
        self.meta = meta
        self.story.append(_CaseMarker(meta))

    def cover(self, ref, evidence, verdicts, alpha, integrity_ok):
        self.p("GAN forensics report", "Title")
        self.table([
            ["Case", "Value"],
            ["Case name", self.meta.get("name", "")],
            ["Case ID", self.meta.get("case_id", "")],
            ["Analyst", self.analyst],
            ["Report date (UTC)", _today()],
            ["Tool version", case_store.tool_version()],
            ["Case created", self.meta.get("created", "")],
            ["Reference", f"{ref['spec']} ({ref['modality']}, {ref['n']} samples of shape "
                          f"{tuple(json.loads(ref['sample_shape']))})"],
            ["False-positive rate", f"{alpha:.0%} ('generated' at combined tail probability <= {alpha:.2g}; "
                                    f"'inconclusive' up to {calibration.INCONCLUSIVE_FACTOR * alpha:.2g})"],
            ["Evidence files", str(len(evidence))],
            ["Verdicts", ", ".join(f"{sum(v['label'] == k for v in verdicts)} {k}"
                                   for k in ("generated", "real", "inconclusive"))],
        ], [4.5, 12])
        self.space(0.6)
        if integrity_ok:
            self.p(f'<font color="{GREEN}"><b>Integrity: all {len(evidence)} evidence files match the SHA-256 '
                   f"recorded at intake.</b></font>", "raw")
        else:
            bad = [e for e in evidence if e["status"] != "ok"]
            self.p(f'<font color="{RED}" size="14"><b>INTEGRITY FAILURE: {len(bad)} evidence file(s) changed or '
                   f"missing since intake. Their verdicts refer to the content recorded at intake, not to the "
                   f"file as it is now.</b></font>", "raw")
            for e in bad:
                self.p(f"{STATUS_TEXT[e['status']]}: {e['path']} (recorded {e['sha256']}, now "
                       f"{e['current_sha256'] or 'absent'})", "small")
        self.page_break()

    def evidence_table(self, evidence):
        self.heading("Evidence and integrity")
        self.p("Every file is hashed (SHA-256) at intake and re-hashed when this report is made. "
               "The tool never modifies evidence.", "small")
        rows = [["#", "File", "SHA-256 at intake", "Size", "Intake (UTC)", "Integrity"]]
        colours = {}
        for i, e in enumerate(evidence, 1):
            rows.append([i, e["path"], e["sha256"], f"{e['size']:,} B", e["intake_time"], STATUS_TEXT[e["status"]]])
            colours[(i, 5)] = GREEN if e["status"] == "ok" else RED
        self.table(rows, [0.7, 5.0, 5.6, 1.6, 2.6, 2.0], colours)

    def verdict_summary(self, verdicts):
        self.heading("Verdict summary")
        rows = [["#", "File", "Label", "Score", "Attribution", "Main reason"]]
        colours = {}
        for i, v in enumerate(verdicts, 1):
            att = v["attribution"]
            rows.append([i, os.path.basename(v["path"]), v["label"], f"{v['score']:.4f}",
                         f"{att['generator']} ({att['probability']:.2f})" if att else "-",
                         v["reasons"][1] if len(v["reasons"]) > 1 else v["reasons"][0]])
            colours[(i, 2)] = LABEL_COLOURS[v["label"]]
        self.table(rows, [0.7, 3.3, 1.9, 1.4, 2.5, 7.7], colours)
        self.p("Score = 1 - combined tail probability: how unusual the file is for the reference, "
               "after calibration on real files of the reference.", "small")
        self.page_break()

    def file_section(self, verdict, status, profile):
        self.heading(f"{os.path.basename(verdict['path'])}: {verdict['label']}", 2)
        self.p(f"{verdict['path']} - SHA-256 {verdict['sha256']} - {verdict['modality']}", "small")
        channel = verdict["detectors"].get("channel")  # verdicts recorded before channels have none
        if channel:
            self.p("Channel read from the file: " + ", ".join(f"{k} {v}" for k, v in channel.items()
                                                           if k not in ("assumed", "lossy")), "small")
        if status != "ok":
            self.p(f'<font color="{RED}"><b>{STATUS_TEXT[status]}: the file no longer matches the hash recorded '
                   f"at intake; the sample is not drawn.</b></font>", "raw")
        else:
            samples = self.samples(verdict["path"])
            if samples is not None:
                violations = (specification.violating_transitions(samples[0], profile["chroma_spec"])[0]
                              if verdict["modality"] == "music" and "chroma_spec" in profile else None)
                self.image(sample_figure(samples, verdict["modality"], violations),
                           4.5 if verdict["modality"] == "image" else 15)
        for reason in verdict["reasons"]:
            self.p(f"- {reason}", "small")
        detail = verdict["detectors"]
        # verdicts recorded before per-file weights have none to show
        rows = [["Detector", "Score", "Tail probability", "Weight"]] + [
            [name, f"{d['score']:.4g}", f"{d['tail_probability']:.3g}", f"{d['weight']:.3g}" if "weight" in d else "-"]
            for name, d in detail.items() if isinstance(d, dict) and "score" in d]
        self.table(rows, [5, 3, 3, 2])
        self.space()

    def analysis(self, profile, detectors, verdicts, alpha):
        self.page_break()
        self.heading("Analysis")
        values = [s.reshape(-1) for s in map(self.samples, [v["path"] for v in verdicts]) if s is not None]
        self.p("Intensity histograms (100 bins on [0,1]) of the reference and of all evidence values.", "small")
        self.image(intensity_figure(profile, np.concatenate(values) if values else np.zeros(0)), 15)
        self.p("Each detector: scores of the real files it is calibrated on (grey), the decision threshold for this "
               "detector (dashed), and the evidence files (blue).", "small")
        for detector, weight in zip(detectors, suite.weights(detectors, alpha)):
            scores = [v["detectors"][detector.name]["score"] for v in verdicts
                      if detector.name in v["detectors"]]
            self.image(calibration_figure(detector, scores, alpha * weight), 15)

    def methods(self, ref, profile, detectors, runs, alpha):
        self.page_break()
        self.heading("Methods")
        self.p(calibration.__doc__.strip().replace("\n\n", " ").replace("\n", " "), "small")
        self.space()
        self.p(f"Reference profile: {int(profile['n'])} samples; the last {profile_mod.CALIBRATION_SHARE:.0%} of the "
               f"reference's files in spec order ({int(profile['n_calibration_files'])} files) are held out for "
               f"calibrating the CNN and inverse models, the first {int(profile['n_fit_files'])} ({int(profile['n_fit'])} "
               f"samples, spec {self.meta.get('fit_spec') or 'not expressible'}) may train the case's models; "
               f"detectors that fit nothing (grid, checkerboard, near-zero) calibrate on every reference file, and the feature "
               f"outlier model, the logistic regression and the music specifications (chroma, durations) are "
               f"cross-fitted over "
               f"{profile_mod.CROSS_FIT_FOLDS} contiguous folds in spec order, so every reference file calibrates them too. "
               f"Profile SHA-256 {ref['profile_sha256']}. "
               f"Features: {', '.join(sorted({str(n).split(' ')[0] for n in profile['feature_names']}))}. "
               f"Batch KS uses up to {profile_mod.KS_SAMPLE:,} reference intensities drawn with seed 0.", "small")
        self.space()
        rows = [["Detector", "Method", "Weight", "Threshold", "Calibration files"]]
        for d, w in zip(detectors, suite.weights(detectors, alpha)):
            threshold = calibration.score_threshold(d.tail, alpha * w)
            rows.append([d.name, d.method, f"{w:.3g}", f"{threshold:.4g}" if np.isfinite(threshold) else "none",
                         str(d.tail["sorted"].size)])
        self.table(rows, [2.8, 7.6, 1.6, 2.2, 2.5])
        self.space()
        self.p(f"Generator samples for the feature logistic regression: as many as the reference's fitting "
               f"samples, at most {GENERATOR_SAMPLES} per generator, latent "
               f"seed {SAMPLING_SEED}; L2 {statistical.L2}; covariance shrinkage {statistical.SHRINKAGE}.", "small")
        if runs:
            rows = [["Run", "Kind", "Folder", "Model files (SHA-256)", "Training data", "Config (seed included)"]]
            for r in runs:
                rows.append([r["name"], r["kind"], r["run_dir"],
                             "; ".join(f"{k}: {v}" for k, v in r["files"].items()),
                             json.dumps(r["data"], sort_keys=True)[:500],
                             json.dumps(r["config"], sort_keys=True)[:500]])
            self.table(rows, [1.8, 1.4, 2.6, 4.2, 3.7, 4.3])
        else:
            self.p("No training runs are registered in this case.", "small")

    def audit(self, log):
        self.page_break()
        self.heading("Audit log")
        rows = [["#", "Time (UTC)", "Action", "Parameters"]]
        for entry in log:
            rows.append([entry["id"], entry["time"], entry["action"], entry["params_json"][:900]])
        self.table(rows, [0.8, 3.4, 2.8, 10.5])

    def build(self, out_path):
        from reportlab.lib.pagesizes import A4
        from reportlab.lib.units import cm
        from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

        def footer(canvas, doc):
            # Drawn at the end of the page, after the page's _CaseMarker (if any) set the case.
            meta = getattr(doc, "case_meta", {})
            canvas.saveState()
            canvas.setFont("Helvetica", 7)
            canvas.drawString(1.5 * cm, 1.0 * cm, f"Case {meta.get('case_id', '')} - {meta.get('name', '')}")
            canvas.drawRightString(A4[0] - 1.5 * cm, 1.0 * cm, f"page {doc.page}")
            canvas.restoreState()

        out_path = os.path.abspath(out_path)
        os.makedirs(os.path.dirname(out_path), exist_ok=True)
        tmp = f"{out_path}.tmp{os.getpid()}"
        doc = BaseDocTemplate(tmp, pagesize=A4, title="GAN forensics report", author=self.analyst)
        frame = Frame(1.5 * cm, 1.8 * cm, A4[0] - 3 * cm, A4[1] - 3.3 * cm, id="body")
        doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPageEnd=footer)])
        doc.build(self.story)
        os.replace(tmp, out_path)
        return doc.page


@functools.lru_cache(maxsize=None)
def _case_marker_class():
    from reportlab.platypus import Flowable

    class CaseMarker(Flowable):
        """Invisible; tells the page footer which case the following pages belong to."""

        def __init__(self, meta):
            super().__init__()
            self.meta = meta
            self.width = self.height = 0

        def draw(self):
            self.canv._doctemplate.case_meta = self.meta

    return CaseMarker


def _CaseMarker(meta):
    return _case_marker_class()(meta)


def _load_samples(path):
    """The samples of an evidence file for drawing, or None if it cannot be read now."""
    from engine.data.loaders import load_path
    from engine.errors import InputError

    try:
        return load_path(path).x
    except (InputError, OSError):
        return None
