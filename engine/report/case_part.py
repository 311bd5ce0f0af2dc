"""One case's pages: findings first, then contents, limitations, evidence, the files, analysis,
methods, the examiner's declaration and the audit log."""
import json
import os

import numpy as np

from engine import case as case_store, findings
from engine.errors import shown
from engine.modality import modality
from engine.detectors import calibration, folds, profile as profile_mod, specification, statistical, suite
from engine.detectors.learned import GENERATOR_SAMPLES, SAMPLING_SEED
from engine.report import figures, limitations
from engine.report.pdf import AMBER, GREEN, LABEL_COLOURS, RED, esc

STATUS_TEXT = {"ok": "verified", "modified": "MODIFIED SINCE INTAKE", "missing": "MISSING",
               "unreadable": "UNREADABLE"}
AUDIT_DETAIL = 170  # characters of an audit row's details shown


def question(ref):
    return (f"Was each evidence file made by a generative model (a GAN or similar), or is it like the real "
            f"{ref['modality']} files of the reference '{ref['spec']}'?")


class CasePart:
    """Adds one case's pages to a pdf.Document."""

    def __init__(self, doc, case, examiner, alpha, today, several):
        from engine.case_verify import verify_case
        from engine.verdict import case_detectors, detector_fingerprint

        self.doc, self.case, self.examiner, self.alpha, self.today = doc, case, examiner, alpha, today
        self.several = several
        self.meta = case.meta()
        self.ref = case.reference()
        # evidence, artefact hashes, the audit chain and row seals; problems are flagged on page 1
        self.checks = verify_case(case)
        try:
            self.profile = case.profile()
            self.detectors = case_detectors(case, self.profile)
        except case_store.IntegrityFailure:  # flagged on page 1: no detector is built from a changed artefact;
            # the reference's own figures still draw on the profile as it is now, under that flag
            self.profile = case.profile(verify=False)
            self.detectors = []
        self.fingerprint = detector_fingerprint(self.detectors, alpha) if self.detectors else None
        self.weights = suite.weights(self.detectors, alpha)
        self.verdicts = case.verdicts(malformed=self.checks["problems"])  # a broken row is flagged, not drawn
        self.classifiers = [r["metrics"] for r in case.runs("classifier")]
        self.described = [findings.describe(v, self.classifiers) for v in self.verdicts]
        self._samples = {}

    def samples(self, path):
        if path not in self._samples:
            self._samples[path] = _load_samples(path)
        return self._samples[path]

    def stale(self, verdict):
        """Whether a verdict was produced by another detector set (names, calibration, weights,
        thresholds: its stored fingerprint) than the case's current one."""
        return verdict.get("fingerprint") != self.fingerprint

    def build(self, progress):
        progress(0.05, "re-verifying evidence, artefacts and the audit chain")
        evidence = self.checks["evidence"]
        status = self.status = {e["id"]: e["status"] for e in evidence}
        integrity_ok = not self.checks["problems"]  # malformed verdict rows were added to them
        self.refused = refused_files(self.case.audit_log(), {e["path"] for e in evidence})
        self.doc.start_case(self.meta)
        self.findings_page(evidence, self.checks["problems"])
        self.doc.page_break()
        if not self.several:  # a report of several cases has one contents, on its cover
            self.doc.contents()
            self.doc.page_break()
        self.limitations()
        self.evidence_table(evidence)
        self.doc.page_break()
        self.doc.add(self.doc.heading("The evidence files", "Heading1"))
        for i, (verdict, described) in enumerate(zip(self.verdicts, self.described)):
            progress(0.15 + 0.6 * i / max(1, len(self.verdicts)), f"section {i + 1} of {len(self.verdicts)}")
            self.file_section(i + 1, verdict, described, status.get(verdict["evidence_id"], "missing"))
        progress(0.8, "analysis figures")
        self.analysis()
        self.methods()
        self.declaration(integrity_ok)
        self.audit()
        return integrity_ok

    # --- page 1 ---------------------------------------------------------------------------

    def findings_page(self, evidence, problems):
        doc, meta = self.doc, self.meta
        title = f"Forensic examination report: {meta.get('name', '')}"
        doc.add(doc.heading(title, "CaseTitle" if self.several else "Title", outline=f"Case {meta.get('name', '')}"))
        doc.add(doc.table([
            ["Case", f"{meta.get('name', '')} (ID {meta.get('case_id', '')}, opened {meta.get('created', '')[:10]})"],
            ["Examiner", self.examiner],
            ["Report date (UTC)", self.today],
            ["Question", question(self.ref)],
            ["Reference (real files)", f"{self.ref['spec']}: {self.ref['n']} {self.ref['modality']} samples"],
            ["Decision rule", f"false-positive rate α = {findings.percent(self.alpha)}; strength of evidence on the scale below"],
        ], [4.0, 13.8], header=False, bold_first_column=True))
        doc.add(doc.space(0.2))
        if not problems:
            doc.p(f'<font color="{GREEN}"><b>Integrity: all {len(evidence)} evidence files match the SHA-256 recorded '
                  f"at intake (re-hashed for this report); the case's artefacts and its audit chain verify."
                  f"</b></font>", raw=True)
        else:
            doc.p(f'<font color="{RED}" size="13"><b>INTEGRITY FAILURE: {len(problems)} problem(s): evidence, a case '
                  f"artefact or the audit log changed since it was recorded. Findings refer to what was recorded, "
                  f"not to the files as they are now.</b></font>", raw=True)
            for problem in problems:
                doc.p(problem, "Small")
        heading = doc.add(doc.heading("Findings", "Heading1"))
        heading.keepWithNext = 0  # the table splits over pages with its header repeated, so it may start here
        rows = [["#", "File", "SHA-256", "Finding", "Strength of evidence for 'generated'", "Decisive reason"]]
        colours = {}
        for i, (v, d) in enumerate(zip(self.verdicts, self.described), 1):
            finding = d["finding"] + (" (older detector set)" if self.stale(v) else "")
            rows.append([str(i), file_name(v["path"]), v["sha256"][:8] + "…", finding,
                         f"{d['strength']} (p = {d['tail_probability']:.2g})", d["reason"]])
            colours[(i, 3)] = LABEL_COLOURS[v["label"]]
        doc.add(doc.table(rows, [0.8, 3.2, 2.1, 2.7, 3.0, 6.0], colours))
        doc.p("p: the combined tail probability, how often a real file of the reference looks at least this unusual "
              "to the detectors (the smaller, the stronger the support for 'generated').", "Small")
        self.conclusion()

    def conclusion(self):
        doc = self.doc
        counts = {label: sum(v["label"] == label for v in self.verdicts) for label in findings.FINDINGS}
        doc.add(doc.heading("Conclusion", "Heading2"))
        refused = (f" {len(self.refused)} further file(s) named for judgement were refused and never judged; each is "
                   f"listed with its reason under 'Files refused, not judged'." if self.refused else "")
        if not self.verdicts:
            doc.p("No evidence file has been judged in this case." + refused)
            return
        def are(n):
            return f"{n} {'is' if n == 1 else 'are'}"

        parts = [f"{counts['generated']} of {len(self.verdicts)} files {'is' if counts['generated'] == 1 else 'are'} "
                 f"reported as generated by a generative model",
                 f"{are(counts['real'])} consistent with the real files of the reference",
                 f"{are(counts['inconclusive'])} inconclusive"]
        doc.p("; ".join(parts) + f", at a false-positive rate of α = {findings.percent(self.alpha)}." + refused)
        strongest = [(d["tail_probability"], v) for v, d in zip(self.verdicts, self.described) if v["label"] == "generated"]
        if strongest:
            p, v = min(strongest, key=lambda pv: pv[0])
            doc.p(f"The strongest: {file_name(v['path'])}, {findings.strength_text(p)}.")
        attributions = [(v, d["attribution"]) for v, d in zip(self.verdicts, self.described) if d["attribution"]]
        displayed = [(v, a) for v, a in attributions if a["shown"]]
        if displayed:
            doc.p("Attribution to one of the case's generators (only when calibrated and above chance):")
            for v, a in displayed:
                doc.p(f"{file_name(v['path'])}: attributed to {a['text']}", "Small")
        withheld = {a["text"] for v, a in attributions if not a["shown"]}
        if withheld:
            doc.p(f"Attribution withheld for {len(attributions) - len(displayed)} generated file(s): "
                  f"{'; '.join(sorted(withheld)) if len(withheld) == 1 else 'see each file section'}.", "Small")
        stale = sum(map(self.stale, self.verdicts))
        if stale:
            doc.p(f'<font color="{AMBER}"><b>{stale} verdict(s) were produced by an older detector set than the case '
                  f"holds now (a run was registered since); their detector tables show the set that produced them. "
                  f"Judge the files again for findings with the current set.</b></font>", raw=True)
        doc.together(
            doc.heading("Strength of evidence scale", "Heading3"),
            doc.para(f"Support for the proposition that {findings.PROPOSITION}. 1/p bounds the likelihood ratio "
                     f"from above (a generated file gives the observation with probability at most 1), so each band "
                     f"is a ceiling, in the powers of ten of the ENFSI guideline for evaluative reporting.", "Small"),
            doc.table([["Combined tail probability p", "1/p", "Strength of evidence"]] +
                      [list(row) for row in findings.scale_rows()], [5.5, 4.0, 6.0]))

    # --- limitations ------------------------------------------------------------------------

    def limitations(self):
        doc = self.doc
        doc.add(doc.heading("Limitations and error rates", "Heading1"))
        doc.p(limitations.guarantee_text(self.alpha, calibration.INCONCLUSIVE_FACTOR))
        doc.p(limitations.INCONCLUSIVE_TEXT)
        rows = limitations.self_test_rows(self.case.audit_log())
        doc.add(doc.heading("This case's self-test", "Heading2"))
        if rows is None:
            doc.p("Self-test not run: `case validate` has not been run on this case, so there are no per-family "
                  "detection rates or per-source false-positive rates measured on this case's own data. The "
                  "rates below are the tool's validation study, not this case's.")
        else:
            doc.add(doc.table([["Left out", "Result", "Files"]] + [[a, b, str(c)] for a, b, c in rows], [7, 7, 3.8]))
        doc.add(doc.heading("Measured error rates of the method (validation study, α = 1 %)", "Heading2"))
        doc.add(doc.table([["Modality", "Real files reported as generated", "Generated files reported as generated",
                            "Data"]] + [[m, real, gen, data] for m, real, gen, data in limitations.BENCHMARK],
                          [2.0, 4.8, 6.2, 4.8]))
        doc.p("Source: docs/verdicts.md of this tool version (benchmark cases built like this one, generators not "
              "registered in the case, files never used for fitting or calibration).", "Small")
        doc.add(doc.heading("Known blind spots", "Heading2"))
        modality = self.ref["modality"]
        for text in limitations.BLIND_SPOTS.get(modality, []) + limitations.COMMON_BLIND_SPOTS:
            doc.p(f"• {text}")
        calib = int(self.profile["n_calibration_files"])
        doc.p(f"This case's reference holds {int(self.profile['n'])} samples; {calib} of its files are held out for "
              f"calibrating the learned detectors. The smallest tail probability a detector without a fitted tail "
              f"can give is 1/({calib}+1) = {1 / (calib + 1):.2g}.", "Small")

    def evidence_table(self, evidence):
        doc = self.doc
        doc.page_break()
        doc.add(doc.heading("Evidence and integrity", "Heading1"))
        doc.p("Every file is hashed (SHA-256) at intake and re-hashed when this report is made. The tool never "
              "modifies evidence.", "Small")
        rows = [["#", "File", "SHA-256 at intake", "Size", "Intake (UTC)", "Integrity"]]
        colours = {}
        for i, e in enumerate(evidence, 1):
            rows.append([str(i), shown(e["path"]), doc.cell(e["sha256"], mono=True), f"{e['size']:,} B",
                         _utc(e["intake_time"]), STATUS_TEXT[e["status"]]])
            colours[(i, 5)] = GREEN if e["status"] == "ok" else RED
        doc.add(doc.table(rows, [0.8, 5.6, 4.8, 1.6, 3.0, 2.0], colours))
        refused = self.refused
        if refused:
            doc.add(doc.heading("Files refused, not judged", "Heading2"))
            doc.p("Files named in a verdict batch that were not read as evidence (never hashed or judged), each with "
                  "the reason it was refused, from the audit log; a file judged later is listed above instead.",
                  "Small").keepWithNext = 1  # the heading and this note start the page the table starts on
            rows = [["#", "File", "Reason", "Batch (UTC)"]]
            rows += [[str(i), shown(path), doc.para(esc(shown(reason)), "Cell", raw=True), _utc(time)]
                     for i, (path, reason, time) in enumerate(refused[:MAX_REFUSED_SHOWN], 1)]
            doc.add(doc.table(rows, [0.8, 5.6, 8.4, 3.0]))
            if len(refused) > MAX_REFUSED_SHOWN:
                doc.p(f"... and {len(refused) - MAX_REFUSED_SHOWN:,} more (case.sqlite, table audit, action "
                      f"verdict_batch).", "Small")

    # --- one file ---------------------------------------------------------------------------

    def file_section(self, number, verdict, described, status):
        from engine.metadata import file_metadata

        doc = self.doc
        name = file_name(verdict["path"])
        colour = LABEL_COLOURS[verdict["label"]]
        heading = doc.heading(f"{number}. {name}: {described['finding']}", "Heading2", outline=f"{number}. {name}")
        lines = [doc.para(f"{shown(verdict['path'])} · {verdict['modality']} · SHA-256 {verdict['sha256']}", "Small"),
                 doc.para(f'<font color="{colour}"><b>{esc(described["finding"])}</b></font> — '
                          f"{esc(described['strength_text'])}", raw=True),
                 doc.para(described["sentence"], "Small"),
                 doc.para(f"Decisive reason: {described['reason']}", "Small")]
        if described["attribution"]:
            lines.append(doc.para(f"Attribution: {described['attribution']['text']}", "Small"))
        channel = verdict["detectors"].get("channel")  # verdicts recorded before channels have none
        if channel:
            read = ", ".join(f"{k} {v}" for k, v in channel.items() if k not in ("assumed", "lossy", "calibration"))
            lines.append(doc.para(f"Channel read from the file: {read or 'none (the format records no encoding)'}. "
                                  f"Reference calibrated through: {channel.get('assumed')}", "Small"))
        if self.stale(verdict):
            lines.append(doc.para(f'<font color="{AMBER}"><b>Produced by an older detector set (fingerprint '
                                  f"{str(verdict.get('fingerprint') or 'not recorded')[:12]}, current "
                                  f"{str(self.fingerprint or 'unavailable')[:12]}): "
                                  f"{esc(', '.join(findings.detector_rows(verdict)))}.</b></font>", "Small", raw=True))
        figure = None
        if status != "ok":
            lines.append(doc.para(f'<font color="{RED}"><b>{STATUS_TEXT[status]}: the file no longer matches the hash '
                                  f"recorded at intake; it is not drawn and its metadata not read.</b></font>", raw=True))
        else:
            samples = self.samples(verdict["path"])
            if samples is not None:
                kind = modality(verdict["modality"])
                violations = (specification.violating_transitions(samples[0], self.profile["chroma_spec"])[0]
                              if kind.notes and "chroma_spec" in self.profile else None)
                figure = doc.image(figures.sample_figure(samples, kind.figure, violations), kind.figure_width_cm)
        doc.together(heading, *lines, figure)
        if status == "ok":
            meta = file_metadata(verdict["path"])
            rows = [["Metadata", "Field", "Value"]] + [[f["group"], f["name"], f["value"]] for f in meta["fields"]]
            rows += [["problem", "could not read", text] for text in meta["problems"]]
            doc.together(doc.para(f"File metadata of {name}", "Heading3"), doc.table(rows[:40], [3.0, 4.6, 10.2]))
            if len(rows) > 40:
                doc.add(doc.table(rows[:1] + rows[40:], [3.0, 4.6, 10.2]))
        rows = [["Detector", "Score", "Tail probability", "Weight", "Threshold (α·weight)"]]
        alpha = findings.alpha_of(verdict)
        for detector, d in findings.detector_rows(verdict).items():
            weight = d.get("weight")
            rows.append([detector, f"{d['score']:.4g}", f"{d['tail_probability']:.3g}",
                         "-" if weight is None else f"{weight:.3g}",
                         "-" if weight is None else ("none: weight 0" if weight == 0 else f"{alpha * weight:.3g}")])
        # the first reason states the combination rule after the internal label ("real: combined ...")
        rule = verdict["reasons"][0].split(": ", 1)[-1] if verdict["reasons"] else ""
        reasons = [doc.para(f"• {r}", "Small") for r in [rule[:1].upper() + rule[1:]] + verdict["reasons"][1:]]
        doc.together(doc.para(f"Detectors of {name} (verdict of {verdict['created'].replace('T', ' ')} UTC)",
                              "Heading3"), doc.table(rows, [5.0, 2.6, 3.0, 2.2, 5.0]), *reasons[:1])
        for r in reasons[1:]:
            doc.add(r)

    # --- analysis and methods ---------------------------------------------------------------

    def analysis(self):
        doc = self.doc
        doc.page_break()
        doc.add(doc.heading("Analysis", "Heading1"))
        # figures never read a file that no longer matches its intake hash
        readable = [v["path"] for v in self.verdicts if self.status.get(v["evidence_id"]) == "ok"]
        values = [s.reshape(-1) for s in map(self.samples, readable) if s is not None]
        doc.together(doc.para("Intensity histograms (100 bins on [0, 1]) of the reference and of all evidence values.",
                              "Small"),
                     doc.image(figures.intensity_figure(self.profile["hist"], np.concatenate(values) if values
                                                        else np.zeros(0)), 17))
        doc.p("Each detector: the scores of the real files it is calibrated on (grey), its decision threshold at its "
              "share of α (dashed), and the evidence files (blue).", "Small")
        for detector, weight in zip(self.detectors, self.weights):
            scores = [v["detectors"][detector.name]["score"] for v in self.verdicts
                      if isinstance(v["detectors"].get(detector.name), dict)]
            threshold = calibration.score_threshold(detector.tail, self.alpha * weight)
            doc.add(doc.image(figures.calibration_figure(detector.name, detector.tail["sorted"], threshold,
                                                         self.alpha * weight, scores), 17))

    def methods(self):
        doc, profile, ref = self.doc, self.profile, self.ref
        doc.page_break()
        doc.add(doc.heading("Methods", "Heading1"))
        doc.p(" ".join(calibration.__doc__.split()), "Small")
        doc.p(f"Reference profile: {int(profile['n'])} samples; the last {profile_mod.CALIBRATION_SHARE:.0%} of the "
              f"reference's files in spec order ({int(profile['n_calibration_files'])} files) are held out for "
              f"calibrating the CNN and inverse models, the first {int(profile['n_fit_files'])} "
              f"({int(profile['n_fit'])} samples, spec {self.meta.get('fit_spec') or 'not expressible'}) may train "
              f"the case's models; the other detectors calibrate on every reference file (directly, or cross-fitted "
              f"over {folds.CROSS_FIT_FOLDS} contiguous folds). Profile SHA-256 "
              f"{self.case.recorded_sha256(ref['profile_path'])}.", "Small")
        doc.add(doc.heading("Detector set and thresholds", "Heading2"))
        doc.p(f"The case's current detector set at α = {findings.percent(self.alpha)}; each verdict's own table shows the "
              f"detectors, weights and thresholds that produced it (weights differ per file where its format leaves "
              f"a detector mute, e.g. the grid detector for an 8-bit PNG).", "Small")
        doc.add(doc.table(self.method_rows(), [3.0, 7.2, 1.8, 2.2, 3.6]))
        doc.p(f"Generator samples for the feature logistic regression: as many as the reference's fitting samples, at "
              f"most {GENERATOR_SAMPLES} per generator, latent seed {SAMPLING_SEED}; L2 {statistical.L2}; covariance "
              f"shrinkage {statistical.SHRINKAGE}.", "Small")
        runs = self.case.runs()
        doc.add(doc.heading("Registered training runs", "Heading2"))
        if not runs:
            doc.p("No training runs are registered in this case.", "Small")
            return
        rows = [["Run", "Kind", "Model files (SHA-256)", "Training data", "Configuration"]]
        for r in runs:
            rows.append([r["name"], r["kind"],
                         "; ".join(f"{k}: {v[:16]}…" for k, v in r["files"].items()),
                         _short_json(r["data"], 300), _short_json(r["config"], 300)])
        doc.add(doc.table(rows, [2.2, 1.6, 4.4, 4.6, 5.0]))

    def method_rows(self):
        """The methods table: each detector of the case as it describes itself (name, method,
        calibration), with its weight and threshold at α."""
        rows = [["Detector", "Method", "Weight", "Threshold", "Calibration files"]]
        unit = suite.unions(self.detectors)
        for k, (d, w) in enumerate(zip(self.detectors, self.weights)):
            threshold = calibration.score_threshold(d.tail, self.alpha * w)
            partners = [other.name for j, other in enumerate(self.detectors) if unit[j] == unit[k] and j != k]
            shared = f"; one union with {', '.join(partners)}, sharing its weight" if partners else ""
            rows.append([d.name, d.method + shared, f"{w:.3g}", f"{threshold:.4g}" if np.isfinite(threshold) else "none",
                         f"{d.tail['sorted'].size} ({d.calibration})"])
        return rows

    # --- declaration and audit --------------------------------------------------------------

    def declaration(self, integrity_ok):
        doc = self.doc
        doc.page_break()
        doc.add(doc.heading("Examiner and declaration", "Heading1"))
        doc.add(doc.table([
            ["Examiner", self.examiner],
            ["Tool", f"GAN forensics workstation {case_store.tool_version()}"],
            ["Detector set", ", ".join(d.name for d in self.detectors)],
            ["False-positive rate", f"α = {findings.percent(self.alpha)} (inconclusive up to {calibration.INCONCLUSIVE_FACTOR * self.alpha:.2g})"],
            ["Integrity", "evidence, artefacts and audit chain verified" if integrity_ok
             else "FAILED: see the findings page"],
        ], [4.0, 13.8], header=False, bold_first_column=True))
        doc.add(doc.space(0.4))
        doc.p("I declare that the findings in this report were produced by the tool and detector set named above "
              "from the evidence files identified by their SHA-256; that the evidence was not modified; that the "
              "limitations and error rates stated in this report apply to them; and that the audit log below records "
              "every action taken in this case.")
        doc.add(doc.space(1.4))
        doc.add(doc.table([["Signature", "Name", "Date"], ["", self.examiner, ""]], [7.5, 6.0, 4.3]))

    def audit(self):
        doc = self.doc
        log = self.case.audit_log()
        doc.page_break()
        doc.add(doc.heading("Audit log (chain of custody)", "Heading1"))
        with_operator = any("operator" in e for e in log)
        # the row's own hash in the chain (engine/audit_chain.py); cases opened by this version all have it
        hash_key = "hash" if log and "hash" in log[0] else None
        header = ["#", "Time (UTC)"] + (["Operator"] if with_operator else []) + ["Action", "Object", "Details"]
        header += ["Row hash"] if hash_key else []
        widths = [0.9, 2.3] + ([2.0] if with_operator else []) + [2.6, 3.4]
        widths.append(17.8 - sum(widths) - (2.3 if hash_key else 0))
        widths += [2.3] if hash_key else []
        rows = [header]
        for e in log:
            params = _params(e.get("params_json"))
            obj, details = audit_object(params)
            row = [str(e["id"]), doc.para("<br/>".join(map(esc, _utc(e["time"]).split(" ", 1))), "Cell", raw=True)]
            row += [str(e.get("operator") or "")] if with_operator else []
            row += [e["action"].replace("_", " "), obj, details]
            row += [doc.cell(str(e.get(hash_key) or "")[:10], mono=True)] if hash_key else []
            rows.append(row)
        doc.add(doc.table(rows, widths))
        doc.p("Details are shortened; the full parameters of every row are in the case database "
              "(case.sqlite, table audit).", "Small")
        doc.p(f"Audit chain head (SHA-256 of the last row, which seals every earlier row): "
              f"{self.checks['audit_head']}", "Small")


MAX_REFUSED_SHOWN = 200  # rows of the refused files' table (a batch over a folder of other files can refuse thousands)


def refused_files(log, judged):
    """[(path, reason, batch time)] of the files the verdict batches in audit log `log` refused, the latest reason
    per path, in the order first refused; paths in `judged` (evidence recorded since) left out."""
    latest = {}
    for entry in log:
        params = _params(entry.get("params_json")) if entry.get("action") == "verdict_batch" else None
        rejected = params.get("rejected") if isinstance(params, dict) else None
        for item in rejected if isinstance(rejected, list) else ():
            if isinstance(item, dict) and isinstance(item.get("path"), str):
                latest[item["path"]] = (str(item.get("reason", "")), entry["time"])
    return [(path, reason, time) for path, (reason, time) in latest.items() if path not in judged]


OBJECT_KEYS = ("path", "name", "run_dir", "spec", "evidence_id")
SEAL_KEYS = ("rows", "legacy_rows")  # digests of the rows an audit entry seals (engine/audit_chain.py)


def audit_object(params):
    """(object the action was on, short 'key: value' details) of an audit row's parameters."""
    if not isinstance(params, dict):
        return "", _short_json(params, AUDIT_DETAIL)
    obj = next((params[k] for k in OBJECT_KEYS if params.get(k) not in (None, "")), "")
    obj = shown(os.path.basename(str(obj).rstrip("/")) if isinstance(obj, str) and os.sep in obj else str(obj))
    details = []
    for key, value in params.items():
        if key in SEAL_KEYS:
            continue
        if key == "label" and value in findings.FINDINGS:
            key, value = "finding", findings.FINDINGS[value]
        elif key == "score" and isinstance(value, (int, float)):
            key, value = "combined tail probability (1 - score)", f"{1 - value:.2g}"
        if key in OBJECT_KEYS and obj and str(value).rstrip("/").endswith(obj):
            continue  # already in the Object column
        if isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value):
            value = value[:12] + "…"  # a SHA-256
        elif isinstance(value, dict):
            value = ", ".join(f"{k} {v}" for k, v in value.items()) if len(str(value)) <= 80 else f"{len(value)} entries"
        elif isinstance(value, list):
            value = "none" if not value else ", ".join(map(str, value)) if len(str(value)) <= 60 else f"{len(value)} items"
        elif isinstance(value, str) and os.sep in value:
            value = shown(os.path.basename(value.rstrip("/")))
        details.append(f"{key}: {value}")
    text = "; ".join(details)
    return obj, text if len(text) <= AUDIT_DETAIL else text[: AUDIT_DETAIL - 1] + "…"


def file_name(path):
    """A file's name as the report shows it: control and format characters escaped."""
    return shown(os.path.basename(path))


def _utc(stamp):
    """'2026-11-30T18:10:27+00:00' as '2026-11-30 18:10:27' (every stored time is UTC)."""
    return str(stamp).replace("T", " ").replace("+00:00", "")


def _params(text):
    try:
        return json.loads(text or "{}")
    except ValueError:
        return text


def _short_json(value, limit):
    text = json.dumps(value, sort_keys=True, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _load_samples(path):
    """The samples of an evidence file for drawing, or None if it cannot be read now."""
    from engine.data.loaders import load_path
    from engine.errors import InputError

    try:
        return load_path(path).x
    except (InputError, OSError):
        return None
