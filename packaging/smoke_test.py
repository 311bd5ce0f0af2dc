"""Smoke test of the frozen app: builds nothing, runs the built executable and fails on any
traceback, missing module or wrong exit code.

    python packaging/smoke_test.py [APP] [--repeat N] [--demo]

APP defaults to dist/ganforensics/ganforensics (the one-folder build); pass
dist/ganforensics-onefile for the one-file build. Every run happens in an empty temporary
folder with its own HOME, so nothing may lean on the checkout, the venv or earlier runs.
The GUI start is timed from process start until the offscreen screenshot file is written.
"""
import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
DEFAULT_APP = ROOT / "dist" / "ganforensics" / "ganforensics"
# Text that means the bundle is broken even when the exit code looks fine.
BAD_OUTPUT = (
    "Traceback (most recent call last)",
    "ModuleNotFoundError",
    "No module named",
    "ImportError",
    "Fatal Python error",
    "Failed to execute script",
    "could not load the Qt platform plugin",
    "cannot open shared object file",
)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PDF_SIGNATURE = b"%PDF-"


class SmokeFailure(Exception):
    pass


def expect_file(path, signature):
    """Fails unless the app wrote `path` and it starts with the format's signature."""
    if not path.is_file():
        raise SmokeFailure(f"{path.name} was not written")
    if not path.read_bytes().startswith(signature):
        raise SmokeFailure(f"{path.name} does not start with {signature!r}")


def frozen_env(home):
    """The caller's environment without anything that could let the app find the venv."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "QT_"))}
    env.update(HOME=str(home), QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(home / ".config"),
               XDG_CACHE_HOME=str(home / ".cache"))
    return env


def report(step, seconds):
    print(f"  {step:<32} {seconds:6.2f} s", flush=True)


def run_app(step, app, args, workdir, expect_rc=0, timeout=600):
    """Runs the app once and reports the step; returns (stdout, stderr) or raises SmokeFailure."""
    started = time.perf_counter()
    proc = subprocess.run([str(app), *args], cwd=workdir, env=frozen_env(workdir), capture_output=True,
                          text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    output = proc.stdout + proc.stderr
    bad = [marker for marker in BAD_OUTPUT if marker in output]
    if proc.returncode != expect_rc or bad:
        raise SmokeFailure(f"{' '.join(args)}: exit {proc.returncode} (expected {expect_rc}), "
                           f"bad output {bad}\n--- output ---\n{output[-6000:]}")
    report(step, seconds)
    return proc.stdout, proc.stderr


def time_to_screenshot(app, workdir, timeout=300):
    """Seconds from process start until the screenshot is written, and the process's exit code."""
    shot = workdir / "window.png"
    shot.unlink(missing_ok=True)  # left by the previous start
    log = open(workdir / "gui.log", "w+")
    started = time.perf_counter()
    proc = subprocess.Popen([str(app), "gui", "--screenshot", str(shot)], cwd=workdir, env=frozen_env(workdir),
                            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    written = None
    while proc.poll() is None and time.perf_counter() - started < timeout:
        if written is None and shot.exists() and shot.stat().st_size > len(PNG_SIGNATURE):
            written = time.perf_counter() - started
        time.sleep(0.01)
    if proc.poll() is None:
        proc.kill()
    rc = proc.wait()
    log.seek(0)
    output = log.read()
    log.close()
    if written is None and shot.exists():
        written = time.perf_counter() - started  # written just before exit, between two polls
    bad = [marker for marker in BAD_OUTPUT if marker in output]
    if rc != 0 or bad or written is None or shot.read_bytes()[:8] != PNG_SIGNATURE:
        raise SmokeFailure(f"gui --screenshot: exit {rc}, screenshot {'missing' if written is None else 'written'}, "
                           f"bad output {bad}\n--- output ---\n{output[-6000:]}")
    return written


def check_commands(app, workdir, demo):
    """Every command-line check, reported step by step."""
    out, _ = run_app("--help", app, ["--help"], workdir)
    for command in ("analyze", "verdict", "gui"):
        if command not in out:
            raise SmokeFailure(f"--help does not list {command!r}:\n{out}")
    run_app("verdict --help", app, ["verdict", "--help"], workdir)

    # matplotlib (Agg, PNG) and reportlab: the figures and the PDF of an analysis.
    analyses = {
        "analyze digits --plots --report": [
            "--reference", "builtin:digits[0:200]", "--compare", "b=baseline:bernoulli",
            "--plots", str(workdir / "plots"), "--report", str(workdir / "analysis.pdf")],
        "analyze fsdd": ["--reference", "builtin:fsdd[0:4]", "--compare", "e=baseline:exponential"],
        "analyze bach": ["--reference", "builtin:bach[0:3]", "--compare", "other=builtin:bach[3:6]"],
    }
    for name, args in analyses.items():
        out_json = workdir / f"{name.replace(' ', '-')}.json"
        run_app(name, app, ["analyze", *args, "--json", str(out_json)], workdir)
        result = json.loads(out_json.read_text(encoding="utf-8"))
        if not result.get("results") or "intensity" not in result["results"][0]:
            raise SmokeFailure(f"{name}: JSON without results/intensity: {result}")
    expect_file(workdir / "plots" / "intensity_histograms.png", PNG_SIGNATURE)
    expect_file(workdir / "analysis.pdf", PDF_SIGNATURE)

    # torch, the trainers and safetensors checkpoints: a few steps of a GAN on 64 digits, registered
    # in a case, then sampled into PNG evidence that the case judges and reports on.
    case = workdir / "case"
    run_app("case new", app, ["case", "new", str(case), "--reference", "builtin:digits[0:200]"], workdir)
    run_app("train gan --case", app, ["train", "gan", "--data", "builtin:digits[0:64]", "--steps", "3",
                                      "--device", "cpu", "--out", str(workdir / "gan"), "--case", str(case)], workdir)
    status = json.loads((workdir / "gan" / "run.json").read_text(encoding="utf-8")).get("status")
    if status != "finished":
        raise SmokeFailure(f"train gan: run.json status {status!r}")
    run_app("generate (PNG)", app, ["generate", str(workdir / "gan"), "--n", "4", "--out", str(workdir / "generated")],
            workdir)
    run_app("verdict --json --report", app, ["verdict", str(workdir / "generated"), "--case", str(case), "--json",
                                             str(workdir / "verdict.json"), "--report", str(workdir / "verdict.pdf")],
            workdir)
    labels = [f.get("label") for f in json.loads((workdir / "verdict.json").read_text(encoding="utf-8"))["files"]]
    if len(labels) != 4 or not set(labels) <= {"generated", "real", "inconclusive"}:
        raise SmokeFailure(f"verdict: expected 4 labelled files, got {labels}")
    expect_file(workdir / "verdict.pdf", PDF_SIGNATURE)
    run_app("report", app, ["report", "--case", str(case), "--out", str(workdir / "report.pdf")], workdir)
    expect_file(workdir / "report.pdf", PDF_SIGNATURE)
    # The window on that case and evidence: it judges the files in a worker thread before the screenshot.
    run_app("gui --case with evidence", app, ["gui", "--case", str(case), str(workdir / "generated"),
                                              "--screenshot", str(workdir / "case-window.png")], workdir)
    expect_file(workdir / "case-window.png", PNG_SIGNATURE)

    _, err = run_app("bad input", app, ["analyze", "--reference", str(workdir / "missing.png"),
                                        "--compare", "b=baseline:bernoulli"], workdir, expect_rc=2)
    error_lines = [line for line in err.splitlines() if line.startswith("error:")]
    if len(error_lines) != 1 or "missing.png" not in error_lines[0]:  # a progress line may come first
        raise SmokeFailure(f"bad input: expected one 'error:' line naming the file, got:\n{err}")

    # Spawned worker processes re-enter the frozen executable (needs multiprocessing.freeze_support).
    run_app("train rounds (processes)", app, [
        "train", "rounds", "--data", "builtin:digits[0:64]", "--out", str(workdir / "rounds"), "--iterations", "1",
        "--generators", "2", "--gan-steps", "2", "--classifier-steps", "2", "--device", "cpu",
        "--executor", "process", "--workers", "2"], workdir)
    if "matrix" not in json.loads((workdir / "rounds" / "rounds.json").read_text(encoding="utf-8")):
        raise SmokeFailure("train rounds: rounds.json without a matrix")

    if demo:
        run_app("demo --quick", app, ["demo", "--quick", "--out", str(workdir / "demo")], workdir)
        if not (workdir / "demo" / "report.pdf").is_file():
            raise SmokeFailure("demo wrote no report.pdf")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("app", nargs="?", default=str(DEFAULT_APP), help="the frozen executable")
    parser.add_argument("--repeat", type=int, default=3, help="GUI starts to time (the first is the cold one)")
    parser.add_argument("--demo", action="store_true", help="also run the quick demo workflow (trains tiny models)")
    args = parser.parse_args(argv)
    app = pathlib.Path(args.app).resolve()
    if not app.is_file():
        print(f"smoke: no frozen app at {app} (run `make package` first)", file=sys.stderr)
        return 2

    with tempfile.TemporaryDirectory(prefix="ganforensics-smoke-") as tmp:
        workdir = pathlib.Path(tmp)
        try:
            starts = [time_to_screenshot(app, workdir) for _ in range(max(1, args.repeat))]
            warm = f", then median {statistics.median(starts[1:]):.2f} s of {len(starts) - 1}" if starts[1:] else ""
            print(f"  GUI start to screenshot: first {starts[0]:.2f} s{warm}", flush=True)
            check_commands(app, workdir, args.demo)
        except (SmokeFailure, subprocess.TimeoutExpired) as failure:
            print(f"SMOKE FAILED: {failure}", file=sys.stderr)
            return 1
    print(f"smoke: {app} OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
