"""Measures which packages the app really imports, to justify packaging/bundle.py's exclusions.

    python packaging/trace_imports.py [--gui] [--demo]

Runs main.py (not the frozen app) in this interpreter for a few representative commands and
prints, per command, the third-party top-level packages left in sys.modules at exit. Exits 1
if any command imported a module that the bundle excludes (the frozen app would then fail).
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


def commands(workdir, gui, demo):
    runs = {
        "analyze digits": ["analyze", "--reference", "builtin:digits[0:200]", "--compare", "b=baseline:bernoulli"],
        "analyze fsdd": ["analyze", "--reference", "builtin:fsdd[0:4]", "--compare", "e=baseline:exponential"],
        "analyze bach": ["analyze", "--reference", "builtin:bach[0:3]", "--compare", "o=builtin:bach[3:6]"],
    }
    if gui:
        runs["gui"] = ["gui", "--screenshot", str(workdir / "window.png")]
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
    parser.add_argument("--demo", action="store_true", help="also trace the whole demo")
    args = parser.parse_args(argv)
    clashes = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, command in commands(pathlib.Path(tmp), args.gui, args.demo).items():
            modules = traced_modules(command, pathlib.Path(tmp))
            tops = sorted({m.split(".")[0] for m in modules} - set(sys.stdlib_module_names))
            print(f"{name}: {' '.join(tops)}")
            clashes += [f"{name}: {m}" for m in modules if is_excluded(m)]
    for clash in clashes:
        print(f"EXCLUDED BUT IMPORTED  {clash}")
    return 1 if clashes else 0


if __name__ == "__main__":
    sys.exit(main())
