"""Builds the double-click app with PyInstaller (`make package` runs this).

    python packaging/build.py            one-folder build: dist/ganforensics/
    python packaging/build.py --onefile  one-file build:   dist/ganforensics-onefile
    python packaging/build.py --smoke    ... then run packaging/smoke_test.py on the result

Uses whatever torch the interpreter has (CPU by default; docs/packaging.md says how to build
with a CUDA torch). After a one-folder build it writes the Linux desktop entry into the
bundle and prints the bundle size with its largest folders.
"""
import argparse
import os
import pathlib
import subprocess
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import bundle  # noqa: E402

DIST = bundle.ROOT / "dist"
WORK = bundle.ROOT / "build" / "pyinstaller"
SPEC = bundle.ROOT / "packaging" / f"{bundle.APP_NAME}.spec"


def run_pyinstaller(onefile):
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
               "--distpath", str(DIST), "--workpath", str(WORK), str(SPEC)]
    if onefile:
        command += ["--", "--onefile"]
    subprocess.run(command, check=True, cwd=bundle.ROOT)


def write_desktop_entry(bundle_dir):
    """The desktop entry beside the executable, pointing at this bundle's absolute paths."""
    exe = bundle_dir / bundle.APP_NAME
    icon = bundle_dir / "_internal" / "resources" / "icons" / bundle.ICON_PNG.name
    target = bundle_dir / f"{bundle.APP_NAME}.desktop"
    tmp = target.with_suffix(".desktop.tmp")
    tmp.write_text(bundle.render_desktop_entry(exe, icon), encoding="utf-8")
    os.replace(tmp, target)
    return target


def disk_usage(path):
    """Bytes on disk under a file or folder (links not followed)."""
    path = pathlib.Path(path)
    if path.is_symlink() or path.is_file():
        return path.lstat().st_size
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def size_report(target, top=12):
    """Total size and the largest entries one and two levels below the bundle's _internal/."""
    lines = [f"bundle {target}: {disk_usage(target) / 2**20:.0f} MiB"]
    internal = target / "_internal" if target.is_dir() else None
    if internal and internal.is_dir():
        entries = [p for p in internal.iterdir()] + [p for d in ("torch", "PySide6") for p in (internal / d).glob("*")]
        sizes = sorted(((disk_usage(p), p.relative_to(internal)) for p in entries), reverse=True)
        lines += [f"  {size / 2**20:7.1f} MiB  {name}" for size, name in sizes[:top]]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--onefile", action="store_true", help="build one self-extracting executable")
    parser.add_argument("--smoke", action="store_true", help="run the frozen-app smoke test afterwards")
    args = parser.parse_args(argv)

    print(f"building {bundle.APP_TITLE} {bundle.project_version()} ({'one-file' if args.onefile else 'one-folder'})")
    run_pyinstaller(args.onefile)
    if args.onefile:
        target = DIST / f"{bundle.APP_NAME}-onefile"
        app = target
    else:
        target = DIST / bundle.APP_NAME
        app = target / bundle.APP_NAME
        print(f"desktop entry: {write_desktop_entry(target)}")
    print(size_report(target))
    if args.smoke:
        smoke = pathlib.Path(__file__).resolve().parent / "smoke_test.py"
        return subprocess.run([sys.executable, str(smoke), str(app)]).returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
