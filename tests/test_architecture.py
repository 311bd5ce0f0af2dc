"""The dependency rules of DESIGN.md and docs/architecture.md: gui -> engine -> training, Qt
only in gui/ (its job runner QtCore only), no import cycle inside a package, the engine's layers
(ENGINE_LAYERS), only main.py imports the command line, and no heavy import on the analysis
command line path."""
import ast
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
QT_MODULES = ("PySide6", "pyqtgraph", "PyQt5", "PyQt6", "shiboken6")
JOB_RUNNER = ROOT / "gui" / "job_runner.py"  # the QThread runner of engine jobs: QtCore only


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


# The engine's layers, top to bottom: a module may import its own layer and those below it,
# never one above. A module sits in the layer of the longest name listed that contains it
# (a new engine/data/x.py is in "data"; a new engine/x.py is in "foundation" until listed).
ENGINE_LAYERS = (
    ("command line", ("engine.cli",)),
    ("demo", ("engine.demo", "engine.reproduce")),
    ("report", ("engine.report",)),
    ("workflows", ("engine.verdict", "engine.training_jobs", "engine.training_options", "engine.view_log",
                   "engine.findings", "engine.selftest", "engine.case_workflows", "engine.case_upgrades",
                   "engine.zoo")),
    ("detectors", ("engine.detectors",)),
    ("case store", ("engine.case", "engine.case_verify", "engine.audit_chain")),
    ("trained runs", ("engine.runs",)),
    ("analysis", ("engine.analysis", "engine.batch_stats", "engine.training_divergence")),
    ("data", ("engine.data", "engine.metadata", "engine.npz", "engine.modality")),
    ("foundation", ("engine", "engine.errors", "engine.atomic", "engine.outputs", "engine.jobs", "engine.options")),
)
PRODUCT = ("engine", "gui", "training", "packaging")


def module_name(path):
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_edges(path, known):
    """(imported module, line) for every import in a file, at any depth, relative imports
    resolved; `from package import submodule` names the submodule when it is in `known`."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([node.module] if node.module else []))
            for alias in node.names:
                full = f"{base}.{alias.name}"
                yield (full if full in known else base), node.lineno


def import_graph(packages):
    """{module: {imported module inside `packages`: (path, line) of the first such import}}."""
    files = {module_name(path): path for package in packages for path in python_files(package)}
    graph = {}
    for name, path in files.items():
        graph[name] = {}
        for target, line in import_edges(path, files):
            while target and target not in files:  # engine.data.loaders.load_path -> engine.data.loaders
                target = target.rpartition(".")[0]
            if target and target != name:
                graph[name].setdefault(target, (path, line))
    return graph


def cycles(graph):
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index, low, stack, found = {}, {}, [], []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while not component or component[-1] != node:
                component.append(stack.pop())
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def describe(graph, component):
    return "; ".join(f"{graph[a][b][0].relative_to(ROOT)}:{graph[a][b][1]} imports {b}"
                     for a in component for b in sorted(graph[a]) if b in component)


def layer_of(module):
    """(rank, layer name) of an engine module; rank 0 is the top layer."""
    owners = [(len(prefix), rank, layer) for rank, (layer, prefixes) in enumerate(ENGINE_LAYERS)
              for prefix in prefixes if module == prefix or module.startswith(prefix + ".")]
    _, rank, layer = max(owners)
    return rank, layer


def layer_violations(graph):
    for module, targets in sorted(graph.items()):
        if top(module) != "engine":
            continue
        rank, layer = layer_of(module)
        for target, (path, line) in sorted(targets.items()):
            if top(target) == "engine" and layer_of(target)[0] < rank:
                yield (f"{path.relative_to(ROOT)}:{line} imports {target}: layer {layer!r} may not "
                       f"import layer {layer_of(target)[1]!r} above it (tests/test_architecture.py ENGINE_LAYERS)")


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


def test_qt_only_in_gui():
    for package in ("engine", "training"):
        for path in python_files(package):
            for module in imported_modules(path):
                assert top(module) not in QT_MODULES, f"{path}: imports {module}"


def test_jobs_uses_only_qtcore():
    for module in imported_modules(JOB_RUNNER):
        if top(module) == "PySide6":
            assert module == "PySide6.QtCore", f"gui/job_runner.py imports {module}"


def test_the_job_protocol_loads_no_qt_and_its_runner_only_qtcore():
    code = ("import sys\nimport engine.jobs\nprint('PROTOCOL', sorted(m for m in sys.modules if m.startswith('PySide6')))\n"
            "import gui.job_runner\nprint('RUNNER', sorted(m for m in sys.modules if m.startswith('PySide6.Qt')))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "PROTOCOL []" in out.stdout and "RUNNER ['PySide6.QtCore']" in out.stdout, out.stdout


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


def test_no_import_cycles():
    for package in ("engine", "gui", "training"):
        graph = import_graph([package])
        found = cycles(graph)
        assert not found, "\n".join(describe(graph, component) for component in found)


def test_engine_layers():
    violations = list(layer_violations(import_graph(["engine"])))
    assert not violations, "\n".join(violations)


def test_every_layer_entry_names_an_engine_module():
    modules = set(import_graph(["engine"]))
    for layer, prefixes in ENGINE_LAYERS:
        for prefix in prefixes:
            assert prefix in modules, f"ENGINE_LAYERS {layer!r} lists {prefix}, which does not exist"


def test_only_main_imports_the_command_line():
    graph = import_graph(PRODUCT)
    main_imports = {target for target, _ in import_edges(ROOT / "main.py", graph)}
    assert "engine.cli" in main_imports
    users = [f"{path.relative_to(ROOT)}:{line}" for module, targets in graph.items()
             for target, (path, line) in targets.items() if target == "engine.cli"]
    assert not users, f"only main.py may import engine.cli; also: {', '.join(users)}"


def test_graph_checkers_see_a_cycle_and_a_layer_violation():
    demo, report, cli = ROOT / "engine" / "demo.py", ROOT / "engine" / "report" / "__init__.py", ROOT / "engine" / "cli.py"
    graph = {"engine.demo": {"engine.cli": (demo, 3)}, "engine.cli": {"engine.demo": (cli, 9)},
             "engine.report": {"engine.demo": (report, 5)}}
    assert cycles(graph) == [["engine.cli", "engine.demo"]]
    assert describe(graph, ["engine.cli", "engine.demo"]) == \
        "engine/cli.py:9 imports engine.demo; engine/demo.py:3 imports engine.cli"
    violations = list(layer_violations(graph))
    assert len(violations) == 2
    assert violations[0].startswith("engine/demo.py:3 imports engine.cli: layer 'demo' may not import layer 'command line'")
    assert violations[1].startswith("engine/report/__init__.py:5 imports engine.demo: layer 'report'")


def test_import_edges_resolve_relative_and_submodule_imports(tmp_path, monkeypatch):
    package = tmp_path / "engine" / "data"
    package.mkdir(parents=True)
    source = package / "x.py"
    source.write_text("from . import specs\nfrom ..errors import InputError\ndef f():\n    import torch\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    edges = list(import_edges(source, {"engine.data.specs"}))
    assert edges == [("engine.data.specs", 1), ("engine.errors", 2), ("torch", 4)]


# What differs per modality is declared in engine/modality.py (the engine) and
# gui/modality_display.py (the window); the detectors declare the modalities they apply to
# (engine/detectors/). Anywhere else a test of a modality's name is a branch to find and keep
# in step by hand when a modality is added, so none is allowed. Tables keyed by modality name
# are allowed only for the report's measured limits (the validation study, per modality).
MODALITY_MODULES = ("engine/modality.py", "gui/modality_display.py", "engine/detectors/")
MODALITY_TABLES_ALLOWED = ("engine/report/limitations.py",)
MODALITY_NAMES = ("image", "speech", "music")


def _names_a_modality(node):
    if isinstance(node, ast.Constant):
        return node.value in MODALITY_NAMES
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return any(_names_a_modality(e) for e in node.elts)
    return (isinstance(node, ast.Name) and node.id == "CONTINUOUS_MODALITIES") or \
        (isinstance(node, ast.Attribute) and node.attr == "CONTINUOUS_MODALITIES")


def modality_branches(source):
    """(line, what) for each comparison with a modality's name (==, !=, in, not in, a match
    case) and each dict literal keyed by two or more (a table per modality; one such key, as in
    the loaders' {"image": decoder, "midi": ...}, names a file format), in Python source text."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare) and any(_names_a_modality(n) for n in [node.left, *node.comparators]):
            yield node.lineno, "comparison"
        elif isinstance(node, ast.MatchValue) and _names_a_modality(node.value):
            yield node.lineno, "comparison"
        elif isinstance(node, ast.Dict) and sum(k is not None and _names_a_modality(k) for k in node.keys) >= 2:
            yield node.lineno, "table"


def test_modality_names_are_tested_only_in_the_modality_modules():
    from engine.modality import MODALITIES

    assert MODALITY_NAMES == MODALITIES
    found = []
    for package in ("engine", "gui", "training"):
        for path in python_files(package):
            relative = path.relative_to(ROOT).as_posix()
            if relative.startswith(MODALITY_MODULES):
                continue
            for line, what in modality_branches(path.read_text(encoding="utf-8")):
                if not (what == "table" and relative in MODALITY_TABLES_ALLOWED):
                    found.append(f"{relative}:{line}: {what} on a modality's name")
    assert not found, ("read what differs per modality from engine.modality.modality(name) or "
                       "gui.modality_display.display(name):\n" + "\n".join(found))


def test_modality_checker_sees_branches():
    source = ('if m == "speech":\n    pass\nok = kind in ("image", "music")\ncontinuous = m in CONTINUOUS_MODALITIES\n'
              'title = {"image": 1, "speech": 2}[m]\nmatch m:\n    case "music":\n        pass\n'
              'same = a.modality != b.modality\nx = {"speechless": 1, "image": 2}\n')
    assert list(modality_branches(source)) == [(1, "comparison"), (3, "comparison"), (4, "comparison"),
                                                (5, "table"), (7, "comparison")]


def store_opens(source):
    """Lines that open a case through the store itself (engine.case.open_case), in Python source."""
    tree = ast.parse(source)
    store_names = {alias.asname or alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                   and node.module == "engine" for alias in node.names if alias.name == "case"}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "engine.case" and \
                any(alias.name == "open_case" for alias in node.names):
            yield node.lineno
        elif isinstance(node, ast.Attribute) and node.attr == "open_case" and \
                isinstance(node.value, ast.Name) and node.value.id in store_names:
            yield node.lineno


def test_cases_are_opened_with_their_artefacts_upgraded():
    """Work on a case starts from engine.case_workflows.open_case, which brings older artefacts
    to the current format (engine/case_upgrades.py); only it opens the bare store."""
    found = [f"{path.relative_to(ROOT)}:{line}" for package in PRODUCT for path in python_files(package)
             if path != ROOT / "engine" / "case_workflows.py"
             for line in store_opens(path.read_text(encoding="utf-8"))]
    assert not found, "open cases with engine.case_workflows.open_case: " + ", ".join(found)


def test_store_open_checker_sees_both_spellings():
    source = ("from engine.case import open_case\nfrom engine import case as case_store\n"
              "case_store.open_case(d)\nfrom engine.case_workflows import open_case\n")
    assert list(store_opens(source)) == [1, 3]
