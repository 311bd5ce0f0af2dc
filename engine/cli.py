"""The command line: argparse, one function per sub-command (DESIGN.md, "Command line contract").

Each command function takes the parsed arguments and returns an exit code. Bad input
raises `InputError`, which `run` turns into one line on stderr and exit code 2.
Heavy modules (torch, Qt, librosa) are imported inside the functions that need them.
"""
import argparse
import json
import os
import sqlite3
import sys

from engine.atomic import write_json
from engine.errors import InputError, shown
from engine.jobs import run_in_console


# --- sub-commands -------------------------------------------------------------------


def cmd_gui(args):
    # The engine never imports gui/ (gui -> engine): main.py hands the launcher in.
    if args.gui_launcher is None:
        raise InputError("gui", "this entry point has no window; run `python main.py gui`")
    return args.gui_launcher(args)


def cmd_analyze(args):
    from engine.analysis.analyze import analyze_job
    from engine.analysis.table import format_table
    from engine.data.specs import named_spec

    params = {"reference": args.reference, "compare": [named_spec(text) for text in args.compare],
              "plots": _plots_for_report(args)}
    result = run_in_console(analyze_job, params, label="analyze ")
    _write_analysis_report(args, result)
    print(format_table(result))
    if args.json:
        write_json(args.json, result)
    for path in result.get("plots", []):
        print(f"plot: {shown(path)}")
    return 0


def _plots_for_report(args):
    """The plots folder: --plots, or a temporary one when only --report asks for figures."""
    if getattr(args, "report", None) and not args.plots:
        import tempfile

        return tempfile.mkdtemp(prefix="analyze-plots-")
    return args.plots


def _write_analysis_report(args, result):
    """`analyze --report OUT.pdf` (the CASE engineer's part of the analyze command)."""
    if not getattr(args, "report", None):
        return
    from engine.report import write_analysis_report

    report = write_analysis_report(args.report, result)
    if not args.plots and result.get("plots"):  # figures drawn only for the report
        import shutil

        shutil.rmtree(os.path.dirname(result.pop("plots")[0]), ignore_errors=True)
    print(f"report: {shown(report['path'])} ({report['pages']} pages)")


def cmd_case_new(args):
    from engine.case_workflows import new_case

    meta = run_in_console(lambda params, state: new_case(args.dir, args.reference, args.name, state), {},
                          label="case new ")
    print(f"case {meta['case_id']} ({shown(meta['name'])}) created in {shown(os.path.abspath(args.dir))}")
    if meta["fit_spec"]:
        print(f"train the case's detectors on {shown(meta['fit_spec'])} (the rest is held out for calibration)")
    return 0


def cmd_case_verify(args):
    from engine.case_workflows import open_case
    from engine.case_verify import verify_case

    with open_case(args.dir) as case:
        result = verify_case(case)
    for problem in result["problems"]:
        print(f"INTEGRITY: {problem}")
    state = "verified" if result["ok"] else f"INTEGRITY FAILURE ({len(result['problems'])} problems)"
    print(f"case {shown(os.path.abspath(args.dir))}: {state}; {len(result['evidence'])} evidence files, "
          f"{len(result['artefacts'])} artefacts, audit chain head {result['audit_head']}")
    return 0 if result["ok"] else 3


def cmd_case_validate(args):
    from engine.selftest import summary_lines, validate_job

    result = run_in_console(validate_job, {"case": args.dir, "alpha": args.fpr, "samples": args.samples},
                            label="case validate ")
    if args.json:
        write_json(args.json, result)
    print("\n".join(summary_lines(result)))
    print(f"stored in the case: {shown(result['stored'])} (audit row case_validated)")
    return 0


def cmd_case_zoo(args):
    from engine.options import from_args
    from engine.zoo.job import zoo_job
    from engine.zoo.options import ZooOptions

    result = run_in_console(zoo_job, from_args(ZooOptions, args), label="case zoo ")
    for name in result["families"]:
        made = result["samples"].get(name)
        print(f"{name:<16} {'trained: %d samples (+ cleaned copy)' % made if made is not None else 'done before'}")
    print(f"registered {len(result['runs'])} zoo runs and classifier {result['classifier']} in "
          f"{shown(result['case'])}")
    if result["retired"]:
        print(f"retired the earlier zoo classifier(s) {', '.join(result['retired'])} (audit row runs_retired)")
    if args.json:
        write_json(args.json, result)
    return 0


def add_case_zoo(case_sub):
    from engine.options import add_arguments
    from engine.zoo.options import ZooOptions

    q = case_sub.add_parser("zoo", help="train generators of many families on the fitting part, register them "
                                        "and refit the learned detectors across them")
    add_arguments(q, ZooOptions)
    q.add_argument("--json", metavar="OUT", help="write what the zoo did as JSON: families chosen and trained, "
                                                 "runs registered, the classifier, seconds taken")
    q.set_defaults(func=cmd_case_zoo)


def cmd_case_register(args):
    from engine.case_workflows import register_run

    run = run_in_console(lambda params, state: register_run(args.dir, args.run), {}, label="case register ")
    print(f"run {shown(run['name'])} ({run['kind']}) registered in {shown(os.path.abspath(args.dir))}")
    from engine.case import relative_inside

    if relative_inside(run["run_dir"], args.dir) is None:
        print(f"note: the run lies outside the case folder; the case refers to it as {shown(run['run_dir'])}, "
              f"so a copied or moved case needs it there")
    return 0


def cmd_verdict(args):
    """Exit 0 when every file was judged; 3 when a file changed since intake (the JSON is
    written, the file marked "modified"); 2 when files were refused or nothing was judged."""
    from engine.channel_warmup import default_workers
    from engine.verdict import judge

    workers = args.workers or default_workers()
    result = run_in_console(lambda params, state: judge(args.case, args.paths, args.fpr, state, workers), {},
                            label="verdict ")
    print_verdicts(result, args.case)
    if args.json:
        write_json(args.json, result)
    code = 0
    if args.report:
        code = _write_report(args.case, args.report, args.fpr, args.analyst)
    if result["batch"]["modified"]:
        return 3
    if result["batch"]["rejected"] or not result["batch"]["n_files"]:
        if not result["batch"]["n_files"]:
            print("error: nothing judged", file=sys.stderr)
        return 2
    return code


REASON_WIDTH = 1000  # the decisive reason whole (the report's findings table cuts it to one line)


def print_verdicts(result, case_dir):
    """Each file in the report's words (engine/findings.py): its finding, the strength of
    evidence with the tail probability behind it, the decisive reason, when calibrated the
    attribution, and how the file was read where not as it is (what was not read, clipping, a size change undone);
    never a bare score. The words also go into the JSON (keys finding,
    strength_of_evidence, decisive_reason, attribution_text) beside the contract's keys."""
    from engine import findings
    from engine.case_workflows import open_case
    from engine.verdict import readings

    with open_case(case_dir) as case:
        classifiers = [run["metrics"] for run in case.runs("classifier")]
    for f in result["files"]:
        if f["integrity"] == "modified":
            print(f"MODIFIED SINCE INTAKE, not judged: {shown(f['path'])}\n    {f['reasons'][0]}")
            continue
        words = findings.describe(f, classifiers)
        words["reason"] = findings.reason_line(f, width=REASON_WIDTH)
        f.update(finding=words["finding"], strength_of_evidence=words["strength_text"],
                 decisive_reason=words["reason"],
                 attribution_text=words["attribution"]["text"] if words["attribution"] else None)
        note = f" (duplicate of {shown(f['duplicate_of'])})" if f["integrity"] == "duplicate" else ""
        print(f"{words['finding']}: {shown(f['path'])}{note}\n"
              f"    strength of evidence that it was generated: {words['strength_text']}\n"
              f"    decisive reason: {words['reason']}")
        if words["attribution"]:
            print(f"    attribution: {words['attribution']['text']}")
        for reading in readings(f.get("channel") or {}):
            print(f"    read: {reading}")
        for aside in findings.stood_aside(f):
            print(f"    {aside}")
    for r in result["batch"]["rejected"]:
        print(f"rejected, not judged: {shown(r['path'])}: {r['reason']}")


def cmd_report(args):
    return _write_report(args.case, args.out, args.fpr, args.analyst)


def _write_report(case_dir, out, fpr, analyst):
    from engine.report import write_report

    result = run_in_console(lambda params, state: write_report(out, [case_dir], analyst, fpr, state), {},
                            label="report ")
    integrity = "case verified" if result["integrity_ok"] else "INTEGRITY FAILURE: see the report"
    print(f"report: {shown(result['path'])} ({result['pages']} pages; {integrity})")
    return 0 if result["integrity_ok"] else 3


def cmd_demo(args):
    from engine.demo import demo_job

    result = run_in_console(demo_job, {"out": args.out, "quick": args.quick, "device": args.device}, label="demo ")
    print(f"demo report: {result['report']}")
    return 0


def _print_run_summary(result):
    print(json.dumps({k: result.get(k) for k in ("kind", "name", "status", "metrics")}, indent=2))
    return 0 if result.get("status") == "finished" else 1


def cmd_train_gan(args):
    from engine.options import from_args
    from engine.training_jobs import train_gan_job
    from engine.training_options import GanOptions

    return _print_run_summary(run_in_console(train_gan_job, from_args(GanOptions, args), label="train gan "))


def cmd_train_classifier(args):
    from engine.options import from_args
    from engine.training_jobs import train_classifier_job
    from engine.training_options import ClassifierOptions

    params = from_args(ClassifierOptions, args)
    return _print_run_summary(run_in_console(train_classifier_job, params, label="train classifier "))


def cmd_train_inverse(args):
    from engine.options import from_args
    from engine.training_jobs import train_inverse_job
    from engine.training_options import InverseOptions

    params = from_args(InverseOptions, args)
    return _print_run_summary(run_in_console(train_inverse_job, params, label="train inverse "))


def cmd_train_rounds(args):
    from engine.options import from_args
    from engine.training_jobs import train_rounds_job
    from engine.training_options import RoundsOptions

    result = run_in_console(train_rounds_job, from_args(RoundsOptions, args), label="train rounds ")
    print(json.dumps({k: result[k] for k in ("matrix", "generalization")}, indent=2))
    return 0


def cmd_generate(args):
    from engine.options import from_args
    from engine.training_jobs import generate_job
    from engine.training_options import GenerateOptions

    result = run_in_console(generate_job, from_args(GenerateOptions, args), label="generate ")
    print(json.dumps(result, indent=2))
    return 0


def cmd_fgsm(args):
    from engine.options import from_args
    from engine.training_jobs import fgsm_job
    from engine.training_options import FgsmOptions

    result = run_in_console(fgsm_job, from_args(FgsmOptions, args), label="fgsm ")
    print(json.dumps(result, indent=2))
    if args.json:
        write_json(args.json, result)
    return 0


def cmd_reproduce(args):
    from engine.reproduce.registry import PAPERS, list_items

    if args.list:
        for item in list_items():
            print(f"{item.id:<28} {item.title}  [{PAPERS[item.paper]}]")
        return 0
    if not args.id or not args.out:
        raise InputError("reproduce", "give --list, or an ID and --out DIR")
    from engine.reproduce.job import format_rows, reproduce_job

    params = {"id": args.id, "scale": args.scale, "device": args.device, "out": args.out}
    result = run_in_console(reproduce_job, params, label=f"reproduce {args.id} ")
    print("\n".join(format_rows(result)))
    print(f"{result['seconds']:.0f} s wall, {result['cpu_seconds']:.0f} s CPU; written: "
          + ", ".join(result["files"].values()))
    return 0


# --- parser ---------------------------------------------------------------------------


def build_parser():
    from engine.options import add_arguments
    from engine.training_options import (ClassifierOptions, FgsmOptions, GanOptions, GenerateOptions, InverseOptions,
                                         RoundsOptions)
    from training.device import DEVICE_CHOICES

    parser = argparse.ArgumentParser(
        prog=os.path.basename(sys.argv[0]) or "main.py",
        description="GAN Forensics Workstation: tell real samples from generated ones and say why.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("gui", help="open the workstation window")
    p.add_argument("paths", nargs="*", metavar="PATH", help="evidence files or folders to load")
    p.add_argument("--case", metavar="DIR", help="open this case")
    p.add_argument("--screenshot", metavar="OUT.png", help="load, wait until idle, save the window, exit")
    p.add_argument("--view", metavar="NAME", help="the tab to show: evidence, sample, compare, training, rounds, reproduce")
    p.add_argument("--compare", nargs="+", metavar="SPEC",
                   help="fill the compare view: a reference SPEC, then NAME=SPEC sets")
    p.add_argument("--rounds", metavar="DIR", help="show a rounds folder (rounds.json) in the rounds view")
    p.add_argument("--train", metavar="SPEC", help="start a GAN training run on SPEC in the training panel")
    p.add_argument("--train-steps", type=int, default=None, metavar="N", help="steps for --train (default: epochs)")
    p.add_argument("--screenshot-timeout", type=float, default=300.0, metavar="S",
                   help="with --screenshot: save anyway after S seconds")
    p.set_defaults(func=cmd_gui)

    p = sub.add_parser("analyze", help="compare data sets with a reference (KS, JSD, moments, violations)")
    p.add_argument("--reference", required=True, metavar="SPEC", help="the real data the others are compared to")
    p.add_argument("--compare", required=True, nargs="+", metavar="NAME=SPEC",
                   help="sets to compare (baseline:bernoulli|exponential are drawn to match the reference)")
    p.add_argument("--json", metavar="OUT", help="write the results as JSON")
    p.add_argument("--plots", metavar="DIR", help="write PNG figures (histograms, ECDFs, moments) here")
    p.add_argument("--report", metavar="OUT.pdf", help="write the tables and figures as a PDF report")
    p.set_defaults(func=cmd_analyze)

    p = sub.add_parser("case", help="case folders (evidence, reference, runs, verdicts, audit log)")
    case_sub = p.add_subparsers(dest="case_command", metavar="ACTION", required=True)
    q = case_sub.add_parser("new", help="create a case with a reference data set and its profile")
    q.add_argument("dir", metavar="DIR")
    q.add_argument("--reference", required=True, metavar="SPEC", help="the real data evidence is compared to")
    q.add_argument("--name", help="case name (default: the folder name)")
    q.set_defaults(func=cmd_case_new)
    q = case_sub.add_parser("verify", help="re-check evidence, artefact hashes and the audit chain (exit 3 on failure)")
    q.add_argument("dir", metavar="DIR")
    q.set_defaults(func=cmd_case_verify)
    q = case_sub.add_parser("validate", help="self-test: leave one real source / one generator family out")
    q.add_argument("dir", metavar="DIR")
    q.add_argument("--json", metavar="OUT", help="write the self-test as JSON")
    q.add_argument("--fpr", type=float, default=0.01, help="false-positive rate of the verdicts tested (default 0.01)")
    q.add_argument("--samples", type=int, help="generated samples judged per family (default 200)")
    q.set_defaults(func=cmd_case_validate)
    q = case_sub.add_parser("register", help="register a finished training run in the case (if its data fits)")
    q.add_argument("dir", metavar="DIR")
    q.add_argument("run", metavar="RUN_DIR")
    q.set_defaults(func=cmd_case_register)
    add_case_zoo(case_sub)

    p = sub.add_parser("verdict", help="calibrated, explained verdicts on evidence files")
    p.add_argument("paths", nargs="+", metavar="PATH", help="evidence files or folders")
    p.add_argument("--case", required=True, metavar="DIR")
    p.add_argument("--json", metavar="OUT", help="write the verdicts as JSON")
    p.add_argument("--report", metavar="OUT.pdf", help="then write the case report")
    p.add_argument("--fpr", type=float, default=0.01, help="false-positive rate on real files (default 0.01)")
    p.add_argument("--analyst", help="analyst name on the report (default: the login name)")
    p.add_argument("--workers", type=positive_int, metavar="N",
                   help="processes computing channel calibrations side by side (default: one a core, at most "
                        "4; 1: one after another)")
    p.set_defaults(func=cmd_verdict)

    p = sub.add_parser("report", help="the case report as PDF (re-verifies evidence hashes)")
    p.add_argument("--case", required=True, metavar="DIR")
    p.add_argument("--out", required=True, metavar="OUT.pdf")
    p.add_argument("--fpr", type=float, default=0.01, help="false-positive rate shown and used for thresholds")
    p.add_argument("--analyst", help="analyst name on the report (default: the login name)")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("demo", help="the whole workflow on embedded data: DIR/case-*/, DIR/report.pdf")
    p.add_argument("--out", default="demo-out", metavar="DIR")
    p.add_argument("--quick", action="store_true", help="a few training steps (for tests)")
    p.add_argument("--device", default="auto", choices=DEVICE_CHOICES)
    p.set_defaults(func=cmd_demo)

    # train gan|classifier|inverse|rounds, generate, fgsm (the learning lab, training/): their
    # arguments are their options dataclasses' fields (engine/training_options.py)
    p = sub.add_parser("train", help="train a GAN, a classifier, an inverse model, or sequential rounds")
    train = p.add_subparsers(dest="train_kind", metavar="KIND", required=True)
    for kind, options, func, text in (
            ("gan", GanOptions, cmd_train_gan, "train a DCGAN-family GAN on a dataset"),
            ("classifier", ClassifierOptions, cmd_train_classifier,
             "train a real-vs-generated / attribution classifier"),
            ("inverse", InverseOptions, cmd_train_inverse, "train an inverse model (sample -> latent) of a GAN run"),
            ("rounds", RoundsOptions, cmd_train_rounds, "sequential GAN-vs-classifier rounds (004)")):
        q = train.add_parser(kind, help=text)
        add_arguments(q, options)
        q.set_defaults(func=func)

    p = sub.add_parser("generate", help="sample a trained GAN run")
    add_arguments(p, GenerateOptions)
    p.set_defaults(func=cmd_generate)

    p = sub.add_parser("fgsm", help="FGSM adversarial samples against a trained classifier")
    add_arguments(p, FgsmOptions)
    p.add_argument("--json", metavar="OUT.json", help="write the summary")
    p.set_defaults(func=cmd_fgsm)

    p = sub.add_parser("reproduce", help="rerun a paper's table or figure and put our values beside the paper's")
    p.add_argument("id", nargs="?", metavar="ID", help="the item (see --list)")
    p.add_argument("--list", action="store_true", help="list the reproducible items: id, title, paper")
    p.add_argument("--scale", choices=("quick", "paper"), default="quick",
                   help="quick: <= 10 min on 2 CPU cores; paper: the papers' sizes, meant for a GPU")
    p.add_argument("--device", choices=DEVICE_CHOICES, default="auto")
    p.add_argument("--out", metavar="DIR", help="writes DIR/ID.json, DIR/ID.pdf, DIR/ID.png; trained runs go to "
                   "DIR/runs/SCALE and are reused (finished) or resumed (interrupted) by the next run")
    p.set_defaults(func=cmd_reproduce)

    return parser


def positive_int(text):
    """argparse's type for a count of at least 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return value


OUTPUT_OPTIONS = {"json": "file", "report": "file", "plots": "folder"}  # options that name an output


def check_outputs(args):
    """Refuses unwritable output paths before any work starts (engine/outputs.py)."""
    from engine.outputs import EITHER, FILE, FOLDER, check_output

    for option, kind in OUTPUT_OPTIONS.items():
        if getattr(args, option, None):
            check_output(getattr(args, option), kind)
    if getattr(args, "out", None):
        folders = (cmd_demo, cmd_train_gan, cmd_train_classifier, cmd_train_inverse, cmd_train_rounds)
        check_output(args.out, FILE if args.func is cmd_report else FOLDER if args.func in folders else EITHER)
    if args.func is cmd_case_new:
        check_output(args.dir, FOLDER)


def run(argv, gui_launcher=None):
    """Runs one sub-command; `gui_launcher(args)` opens the window (given by main.py)."""
    parser = build_parser()
    if not argv:
        argv = ["gui"]
    args = parser.parse_args(argv)
    args.gui_launcher = gui_launcher
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        check_outputs(args)
        return args.func(args) or 0
    except InputError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except sqlite3.DatabaseError as err:  # a corrupt page, a table edited away
        print(f"error: the case database cannot be read ({err})", file=sys.stderr)
        return 2
    except Exception as err:
        from engine.case import IntegrityFailure

        if not isinstance(err, IntegrityFailure):
            raise
        print(f"integrity failure: {err}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
