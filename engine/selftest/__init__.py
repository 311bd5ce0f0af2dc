"""`case validate`: how far to trust this case's verdicts, measured on its own data.

- Leave-one-source-out (engine/selftest/sources.py): real files of a source (speaker, block
  of images or chorales) judged by detectors rebuilt without it: the false-positive rate
  on a real source the case never saw, which the conformal guarantee does not cover.
- Leave-one-family-out (engine/selftest/families.py): samples of each registered generator
  family judged by detectors that never saw that family: the detection rate of a
  generator the case did not register.

Rates come with exact 95 % (Clopper-Pearson) intervals. The result is stored in the case
as an artefact (validation/self-test-*.json, hashed like every artefact) with an audit row
`case_validated` carrying the summary, which the report's limitations section shows.
"""
import json
import os

from engine.detectors.calibration import DEFAULT_ALPHA

SUMMARY_SOURCE_KEYS = ("source", "false_positive_rate", "n", "false_positives", "interval")
SUMMARY_FAMILY_KEYS = ("family", "detected", "n", "detection_rate", "interval", "detected_registered", "refused")


def load_reference(reference):
    """The case's reference data, refusing (IntegrityFailure) data that differ from those recorded."""
    from engine.case import IntegrityFailure
    from engine.data.specs import load_spec

    ref = load_spec(reference["spec"])
    recorded = json.loads(reference["files_json"])
    if ref.n != reference["n"] or list(ref.shape) != json.loads(reference["sample_shape"]) or (
            [f.get("sha256") for f in ref.files] != [f.get("sha256") for f in recorded]):
        raise IntegrityFailure(reference["spec"], "the reference data differ from those the case was made from; "
                                                  "the self-test needs the case's own reference")
    return ref


def learned_models(detectors, runs):
    """[(detector, run)] of the CNN and inverse models among the case's detectors."""
    by_dir = {run["run_dir"]: run for run in runs}
    return [(d, by_dir[d.run_dir]) for d in detectors if getattr(d, "run_dir", None) in by_dir]


def validate_job(params, state):
    """params: case (folder), alpha (default 1 %), samples (per family). The self-test's
    result (module docstring), stored in the case."""
    from engine.case_workflows import open_case
    from engine.detectors.channel_limits import CHANNEL_LIMITS
    from engine.detectors.learned import latest_runs
    from engine.errors import InputError
    from engine.runs import GENERATOR_KINDS
    from engine.selftest.families import SAMPLES_PER_FAMILY, leave_one_family_out
    from engine.selftest.runs import relocated
    from engine.selftest.sources import leave_one_source_out
    from engine.verdict import case_detectors, check_alpha

    alpha = float(params.get("alpha") or DEFAULT_ALPHA)
    check_alpha(alpha)
    with open_case(params["case"]) as case:
        state.progress(0.0, "checking the case")
        profile = case.profile()
        runs = relocated(latest_runs(case), case.dir)
        detectors = case_detectors(case, profile)  # every artefact re-hashed first
        learned = learned_models(detectors, runs)
        gan_runs = [run for run in runs if run["kind"] in GENERATOR_KINDS]  # GANs and zoo families
        reference = case.reference()
        state.progress(0.02, "reading the reference")
        ref = load_reference(reference)
        sources = leave_one_source_out(ref, reference["spec"], learned, gan_runs, alpha, state, (0.05, 0.6))
        families = leave_one_family_out(profile, detectors, learned, gan_runs, alpha, state, (0.6, 0.98),
                                        int(params.get("samples") or SAMPLES_PER_FAMILY))
        result = {"alpha": alpha, "reference": reference["spec"],
                  "families": families["families"], "families_note": families["note"],
                  "registered_families": families["registered_families"],
                  "sources": sources["sources"], "sources_how": sources["how"],
                  "channel_limits": [{"channel": c, "lost": what} for c, what in
                                     CHANNEL_LIMITS.get(str(profile["modality"]), ())]}
        if not any(s["n"] for s in result["sources"]) and not result["families"]:
            raise InputError(case.dir, "nothing could be measured: "
                                       + "; ".join(s.get("note", "") for s in result["sources"]))
        state.check()
        result["stored"] = store(case, result)
    state.progress(1.0, "self-test done")
    return result


def store(case, result):
    """Writes the result under validation/ (a new file per run, so earlier results keep
    their recorded hash) and logs `case_validated` with its summary; returns the relative path."""
    import uuid

    from engine import case as case_store, case_verify
    from engine.atomic import atomic_output

    rel = os.path.join("validation", f"self-test-{case_store.now()[:19].replace(':', '')}-{uuid.uuid4().hex[:6]}.json")
    with atomic_output(case.path(rel)) as tmp, open(tmp, "w", encoding="utf-8") as fh:
        json.dump(result, fh, indent=2)
        fh.write("\n")
    summary = {"alpha": result["alpha"], "path": rel, "families_note": result["families_note"],
               "sources_how": result["sources_how"],
               "families": [{k: f[k] for k in SUMMARY_FAMILY_KEYS} for f in result["families"]],
               "sources": [{k: s.get(k) for k in SUMMARY_SOURCE_KEYS} for s in result["sources"]]}
    with case.transaction("case_validated", summary):
        case_store.record_artefact(case, rel, case_verify.SELF_TEST_ROLE)
    return rel


def _percent(rate):
    return "-" if rate is None else f"{rate:.1%}"


def summary_lines(result):
    """The self-test as lines of text for the command line."""
    lines = [f"self-test at alpha = {result['alpha']:.2%} (95 % Clopper-Pearson intervals)",
             f"real sources left out ({result['sources_how']}):"]
    for s in result["sources"]:
        if s["n"]:
            low, high = s["interval"]
            lines.append(f"  {s['source']:<28} false positives {s['false_positives']:>3} of {s['n']:<4} "
                         f"{_percent(s['false_positive_rate']):>6}  [{low:.1%}, {high:.1%}]")
        else:
            lines.append(f"  {s['source']:<28} {s['note']}")
    lines.append("generator families left out (registered: detected by the case's own detectors, which know the family):")
    if result["families_note"]:
        lines.append(f"  {result['families_note']}")
    for f in result["families"]:
        low, high = f["interval"]
        lines.append(f"  {f['family']:<28} detected {f['detected']:>4} of {f['n']:<4} "
                     f"{_percent(f['detection_rate']):>6}  [{low:.1%}, {high:.1%}]  "
                     f"(registered: {f['detected_registered']})")
        if f.get("refused"):
            files = "file" if f["refused"] == 1 else "files"
            lines.append(f"    and {f['refused']} generated {files} refused as evidence, not judged: "
                         f"{'; '.join(f['refused_reasons'])}")
        if f.get("written_as_note"):
            lines.append(f"    judged as {' and '.join(sorted(set(f['written_as'])))}: {f['written_as_note']}")
        for left in f["left_out_detectors"]:
            lines.append(f"    without {left['detector']}: {left['why']}")
    if result.get("channel_limits"):
        lines.append("traits that do not survive a channel (measured for the method, not on this case):")
        lines += [f"  {c['channel']}: {c['lost']}" for c in result["channel_limits"]]
    return lines
