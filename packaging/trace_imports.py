"""Measures which packages the app really imports, to justify packaging/bundle.py's exclusions.

    python packaging/trace_imports.py [--gui] [--train [--device cuda]] [--demo]

Runs main.py (not the frozen app) in this interpreter for a few representative commands and
prints, per command, the third-party top-level packages left in sys.modules at exit and how
many torch modules were loaded. Exits 1 if any command imported a module that the bundle
excludes (the frozen app would then fail). --train covers every torch code path of the command
line: a case, the three trainers, generate, FGSM, verdicts, reports and rounds (the rounds'
worker processes run the same trainers, so tracing the parent process is enough).
"""
import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import bundle  # noqa: E402

# Runs main.py like `python main.py ARGS` and, at exit, writes the imported module names.
PROBE = """
import atexit, json, runpy, sys
def dump(path=sys.argv[1]):
    with open(path, "w") as fh:
        json.dump(sorted(sys.modules), fh)
atexit.register(dump)
sys.argv = ["main.py", *sys.argv[2:]]
runpy.run_path("main.py", run_name="__main__")
"""


def training_commands(workdir, device):
    """Commands that train, sample, judge and report, in an order where each finds its inputs."""
    case, gan, classifier, generated = (str(workdir / name) for name in ("case", "gan", "classifier", "generated"))
    cpu = ["--steps", "3", "--device", device]
    return {
        "case new": ["case", "new", case, "--reference", "builtin:digits[0:200]"],
        "train gan": ["train", "gan", "--data", "builtin:digits[0:64]", *cpu, "--out", gan, "--case", case],
        "generate": ["generate", gan, "--n", "8", "--out", generated],
        "train classifier": ["train", "classifier", "--real", "builtin:digits[0:64]", "--fake", f"g={generated}", *cpu,
                             "--out", classifier, "--case", case],
        "train inverse": ["train", "inverse", "--generator", gan, *cpu, "--out", str(workdir / "inverse"),
                          "--case", case],
        "fgsm": ["fgsm", "--classifier", classifier, "--data", "builtin:digits[0:8]", "--eps", "0.1",
                 "--out", str(workdir / "fgsm.npy")],
        "verdict": ["verdict", generated, "--case", case, "--json", str(workdir / "verdict.json"),
                    "--report", str(workdir / "verdict.pdf")],
        "report": ["report", "--case", case, "--out", str(workdir / "report.pdf")],
        "train rounds": ["train", "rounds", "--data", "builtin:digits[0:64]", "--out", str(workdir / "rounds"),
                         "--iterations", "1", "--generators", "2", "--gan-steps", "2", "--classifier-steps", "2",
                         "--device", device, "--executor", "process", "--workers", "2"],
    }


def commands(workdir, gui, train, demo, device="cpu"):
    runs = {
        "analyze digits": ["analyze", "--reference", "builtin:digits[0:200]", "--compare", "b=baseline:bernoulli",
                           "--plots", str(workdir / "plots"), "--report", str(workdir / "analysis.pdf")],
        "analyze fsdd": ["analyze", "--reference", "builtin:fsdd[0:4]", "--compare", "e=baseline:exponential"],
        "analyze bach": ["analyze", "--reference", "builtin:bach[0:3]", "--compare", "o=builtin:bach[3:6]"],
    }
    if gui:
        runs["gui"] = ["gui", "--screenshot", str(workdir / "window.png")]
    if train:
        runs.update(training_commands(workdir, device))
    if demo:
        runs["demo"] = ["demo", "--quick", "--out", str(workdir / "demo")]
    return runs


def traced_modules(args, workdir):
    out = workdir / "modules.json"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run([sys.executable, "-c", PROBE, str(out), *args], cwd=bundle.ROOT, env=env,
                          capture_output=True, text=True, timeout=900)
    if proc.returncode != 0 or not out.exists():
        raise SystemExit(f"{' '.join(args)} failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
    return json.loads(out.read_text())


def is_excluded(module):
    return any(module == ex or module.startswith(ex + ".") for ex in bundle.EXCLUDED_MODULES)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gui", action="store_true", help="also trace the GUI start (offscreen screenshot)")
    parser.add_argument("--train", action="store_true", help="also trace case, training, verdict and report commands")
    parser.add_argument("--device", default="cpu", choices=("cpu", "cuda"),
                        help="where --train trains (cuda: check a CUDA build's torch imports)")
    parser.add_argument("--demo", action="store_true", help="also trace the whole demo")
    args = parser.parse_args(argv)
    clashes = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, command in commands(pathlib.Path(tmp), args.gui, args.train, args.demo, args.device).items():
            modules = traced_modules(command, pathlib.Path(tmp))
            tops = sorted({m.split(".")[0] for m in modules} - set(sys.stdlib_module_names))
            torch_count = sum(m == "torch" or m.startswith("torch.") for m in modules)
            print(f"{name} ({torch_count} torch modules): {' '.join(tops)}", flush=True)
            clashes += [f"{name}: {m}" for m in modules if is_excluded(m)]
    for clash in clashes:
        print(f"EXCLUDED BUT IMPORTED  {clash}")
    return 1 if clashes else 0


if __name__ == "__main__":
    sys.exit(main())
