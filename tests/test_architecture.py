"""The dependency rules of DESIGN.md: gui -> engine -> training, Qt only in gui/ and
engine/jobs.py, and no heavy import on the analysis command line path."""
import ast
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
QT_MODULES = ("PySide6", "pyqtgraph", "PyQt5", "PyQt6", "shiboken6")


def imported_modules(path):
    """Every module a file imports, at any depth (lazy imports count too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def python_files(package):
    return sorted((ROOT / package).rglob("*.py"))


def top(module):
    return module.split(".")[0]


def test_training_imports_neither_engine_nor_gui_nor_qt():
    for path in python_files("training"):
        for module in imported_modules(path):
            assert top(module) not in ("engine", "gui") + QT_MODULES, f"{path}: imports {module}"


def test_engine_imports_no_gui():
    for path in python_files("engine"):
        for module in imported_modules(path):
            assert top(module) != "gui", f"{path}: imports {module}"


def test_qt_only_in_gui_and_jobs():
    for package in ("engine", "training"):
        for path in python_files(package):
            if path == ROOT / "engine" / "jobs.py":
                continue
            for module in imported_modules(path):
                assert top(module) not in QT_MODULES, f"{path}: imports {module}"


def test_jobs_uses_only_qtcore():
    for module in imported_modules(ROOT / "engine" / "jobs.py"):
        if top(module) == "PySide6":
            assert module == "PySide6.QtCore", f"engine/jobs.py imports {module}"


def test_checker_sees_a_violation(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from PySide6.QtWidgets import QWidget\n")
    assert "PySide6.QtWidgets" in set(imported_modules(bad))


def test_analyze_imports_neither_torch_nor_qt(tmp_path):
    code = (
        "import sys, main\n"
        "rc = main.main(['analyze', '--reference', 'builtin:digits[0:200]',"
        " '--compare', 'b=baseline:bernoulli', '--json', sys.argv[1]])\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in"
        " ('torch', 'PySide6', 'pyqtgraph', 'shiboken6'))\n"
        "print('HEAVY', heavy)\n"
        "sys.exit(rc)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "a.json")],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert out.returncode == 0, out.stderr
    assert "HEAVY []" in out.stdout, out.stdout
