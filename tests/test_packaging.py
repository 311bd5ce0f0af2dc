"""The packaging files agree with the project (no build: a build takes minutes).

packaging/ has no __init__.py (it would shadow the PyPI `packaging` package), so its rules
module is imported from the folder itself.
"""
import configparser
import ctypes
import pathlib
import re
import shutil
import struct
import subprocess
import sys
import tomllib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "packaging"))
import bundle  # noqa: E402
import trace_imports  # noqa: E402
from tests.test_architecture import imported_modules, python_files  # noqa: E402

# Keys of the Desktop Entry Specification 1.5 ("Recognized desktop entry keys").
DESKTOP_KEYS = {
    "Type", "Version", "Name", "GenericName", "NoDisplay", "Comment", "Icon", "Hidden", "OnlyShowIn",
    "NotShowIn", "DBusActivatable", "TryExec", "Exec", "Path", "Terminal", "Actions", "MimeType",
    "Categories", "Implements", "Keywords", "StartupNotify", "StartupWMClass", "URL", "PrefersNonDefaultGPU",
    "SingleMainWindow",
}
LIST_KEYS = {"OnlyShowIn", "NotShowIn", "Actions", "MimeType", "Categories", "Implements", "Keywords"}


def pyproject():
    with open(ROOT / "pyproject.toml", "rb") as fh:
        return tomllib.load(fh)["project"]


def desktop_entry(tmp_path):
    exe = tmp_path / "ganforensics" / "ganforensics"
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # desktop keys are case-sensitive
    parser.read_string(bundle.render_desktop_entry(exe, bundle.ICON_PNG))
    return parser, exe


def test_version_comes_from_pyproject(tmp_path):
    assert bundle.project_version() == pyproject()["version"]
    entry, _ = desktop_entry(tmp_path)
    assert entry["Desktop Entry"]["X-GANForensics-Version"] == pyproject()["version"]


def test_spec_hard_codes_no_version():
    spec = (ROOT / "packaging" / "ganforensics.spec").read_text(encoding="utf-8")
    compile(spec, "ganforensics.spec", "exec")
    assert not re.search(r"\b\d+\.\d+\.\d+\b", spec)


def test_icon_is_a_square_png_of_at_least_128_pixels():
    data = bundle.ICON_PNG.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk comes first
    assert width == height >= 128
    assert bundle.ICON_PNG.with_suffix(".svg").is_file()


def test_desktop_entry_has_only_valid_keys_and_no_placeholders(tmp_path):
    entry, exe = desktop_entry(tmp_path)
    assert entry.sections() == ["Desktop Entry"]
    section = entry["Desktop Entry"]
    for key, value in section.items():
        assert key in DESKTOP_KEYS or key.startswith("X-"), key
        assert "@" not in value, f"{key} keeps a placeholder: {value}"
        if key in LIST_KEYS:
            assert value.endswith(";"), f"{key} must end with ';'"
    assert section["Type"] == "Application"
    assert section["Version"] == "1.5"
    assert section["Terminal"] in ("true", "false")
    assert section["Exec"].split()[0] == str(exe) == section["TryExec"]
    assert pathlib.Path(section["Icon"]) == bundle.ICON_PNG
    assert any(c in ("AudioVideo", "Audio", "Video", "Development", "Education", "Game", "Graphics", "Network",
                     "Office", "Science", "Settings", "System", "Utility")
               for c in section["Categories"].split(";")), "needs one main category"


def test_make_package_installs_the_pinned_package_extra():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    target = re.search(r"^package:.*\n((?:\t.*\n)+)", makefile, re.M).group(1)
    assert "'.[package]'" in target and "packaging/build.py" in target
    assert [p.split("==")[0] for p in pyproject()["optional-dependencies"]["package"]] == ["pyinstaller"]
    assert all("==" in p for p in pyproject()["optional-dependencies"]["package"])


def app_imports():
    files = [ROOT / "main.py"] + [p for pkg in ("engine", "training", "gui") for p in python_files(pkg)]
    return {(path, module) for path in files for module in imported_modules(path)}


def test_app_imports_none_of_the_excluded_modules_but_optional_ones():
    required = [m for m in bundle.EXCLUDED_MODULES if m not in bundle.OPTIONAL_MODULES]
    for path, module in app_imports():
        excluded = [ex for ex in required if module == ex or module.startswith(ex + ".")]
        assert not excluded, f"{path.relative_to(ROOT)} imports {module}, which the bundle leaves out"


def test_qt_exclusions_keep_every_qt_module_the_app_imports():
    import PySide6

    excluded = set(bundle.excluded_qt_modules(pathlib.Path(PySide6.__file__).parent))
    assert {"PySide6.QtNetwork", "PySide6.QtQml", "PySide6.QtQuick"} <= excluded
    assert not {f"PySide6.{name}" for name in bundle.QT_MODULES_KEPT} & excluded
    for path, module in app_imports():
        if module.startswith("PySide6."):
            binding = ".".join(module.split(".")[:2])
            assert binding not in excluded, f"{path.relative_to(ROOT)} imports {module}, which the bundle leaves out"


@pytest.mark.parametrize("dest, dropped", [
    ("torch/bin/test_jit", True),
    ("torch/bin/torch_shm_manager", False),
    ("torch/test/atest", True),
    ("torch/include/ATen/ATen.h", True),
    ("torch/lib/libtorch_cpu.a", True),
    ("scipy/io/tests/data/a.mat", True),
    ("PySide6/QtCore.pyi", True),
    ("resources/tools/build_bach.py", True),
    ("torch/lib/libtorch_cpu.so", False),
    ("resources/bach/bwv1.6.mid", False),
    ("PySide6/Qt/plugins/platforms/libqoffscreen.so", False),
    ("PySide6/Qt/plugins/platforms/libqxcb.so", False),
    ("PySide6/Qt/plugins/platforms/libqeglfs.so", True),
    ("PySide6/Qt/lib/libQt6EglFSDeviceIntegration.so.6", True),
    ("torch/lib/libtorchbind_test.so", True),
    ("torch/lib/libtorch_python.so", False),
    ("matplotlib/mpl-data/fonts/afm/pagd8a.afm", True),
    ("matplotlib/mpl-data/fonts/ttf/DejaVuSans.ttf", False),
])
def test_prune_drops_only_files_the_app_never_opens(dest, dropped):
    toc = [(dest, "/src/" + dest, "DATA")]
    assert bundle.prune(toc) == ([] if dropped else toc)


def test_symbol_table_is_detected_only_in_unstripped_elf_files(tmp_path):
    assert bundle.has_symbol_table(sys.executable) == (b".symtab" in pathlib.Path(sys.executable).read_bytes())
    assert not bundle.has_symbol_table(ROOT / "main.py")


@pytest.mark.skipif(not shutil.which("strip") or not shutil.which("cc"), reason="needs binutils and a C compiler")
def test_strip_symbols_replaces_only_matching_binaries_with_stripped_copies(tmp_path):
    library = tmp_path / "libdemo.so"
    (tmp_path / "demo.c").write_text("int answer(void) { return 42; }\n")
    subprocess.run(["cc", "-shared", "-fPIC", "-o", str(library), str(tmp_path / "demo.c")], check=True)
    assert bundle.has_symbol_table(library)
    toc = [("torch/lib/libdemo.so", str(library), "BINARY"), ("numpy.libs/libdemo.so", str(library), "BINARY")]

    stripped = bundle.strip_symbols(toc, tmp_path / "cache")

    assert stripped[1] == toc[1]  # auditwheel folders are left alone
    copy = pathlib.Path(stripped[0][1])
    assert copy.parent.parent.parent == tmp_path / "cache" and not bundle.has_symbol_table(copy)
    assert bundle.has_symbol_table(library)  # the source is never modified
    assert ctypes.CDLL(str(copy)).answer() == 42


def test_identical_vendored_libraries_become_relative_links_to_the_first_copy(tmp_path):
    (tmp_path / "a.so").write_bytes(b"\x7fELF same")
    (tmp_path / "b.so").write_bytes(b"\x7fELF same")
    (tmp_path / "c.so").write_bytes(b"\x7fELF other")
    toc = [("numpy.libs/libgfortran-1.so", str(tmp_path / "a.so"), "BINARY"),
           ("scipy.libs/libgfortran-1.so", str(tmp_path / "b.so"), "BINARY"),
           ("scipy.libs/libquadmath-1.so", str(tmp_path / "b.so"), "BINARY"),  # another name: a different library
           ("other.libs/libgfortran-1.so", str(tmp_path / "c.so"), "BINARY"),  # same name, other content
           ("torch/lib/libgfortran-1.so", str(tmp_path / "b.so"), "BINARY")]  # not a vendored-library folder

    linked = bundle.link_identical_libraries(toc)

    assert linked[1] == ("scipy.libs/libgfortran-1.so", "../numpy.libs/libgfortran-1.so", "SYMLINK")
    assert [linked[0], *linked[2:]] == [toc[0], *toc[2:]]


# One command per group of exclusions: torch's (a GAN training step loads torch._dynamo and parts
# of torch._inductor and torch.distributed), scipy's, Pillow's and matplotlib's (figures and PDF).
@pytest.mark.parametrize("command, loaded", [
    (["train", "gan", "--data", "builtin:digits[0:32]", "--steps", "1", "--device", "cpu", "--out", "{tmp}/gan"],
     ["torch._dynamo", "torch._inductor.config", "torch.distributed"]),
    (["analyze", "--reference", "builtin:digits[0:20]", "--compare", "o=builtin:digits[20:40]",
      "--plots", "{tmp}/plots", "--report", "{tmp}/analysis.pdf"],
     ["scipy.stats", "matplotlib.figure", "PIL.Image", "reportlab"]),
], ids=["train-gan", "analyze-plots-report"])
def test_commands_import_none_of_the_excluded_modules(command, loaded, tmp_path):
    modules = trace_imports.traced_modules([arg.format(tmp=tmp_path) for arg in command], tmp_path)
    assert set(loaded) <= set(modules)  # the trace saw the imports whose neighbours are excluded
    assert [m for m in modules if trace_imports.is_excluded(m)] == []
