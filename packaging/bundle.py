"""What goes into the frozen app and what stays out.

Shared by the PyInstaller spec, the build script, the smoke test and tests/test_packaging.py.
It imports nothing from PyInstaller, so the rules can be checked without a build.
(packaging/ has no __init__.py on purpose: the folder must not shadow the PyPI `packaging`
package, so callers put this folder on sys.path and `import bundle`.)
"""
import fnmatch
import os
import pathlib
import shutil
import struct
import subprocess
import tomllib

ROOT = pathlib.Path(__file__).resolve().parents[1]
APP_NAME = "ganforensics"
APP_TITLE = "GAN Forensics Workstation"
ICON_PNG = ROOT / "resources" / "icons" / f"{APP_NAME}.png"
DESKTOP_TEMPLATE = ROOT / "packaging" / f"{APP_NAME}.desktop.in"

# Qt bindings the app loads: the GUI uses QtCore/QtGui/QtWidgets, and pyqtgraph 0.14 imports
# QtOpenGL, QtOpenGLWidgets, QtSvg and QtTest when it is imported (measured: sys.modules after
# building a PlotWidget and an ImageView offscreen). Every other PySide6 module stays out.
QT_MODULES_KEPT = ("QtCore", "QtGui", "QtWidgets", "QtOpenGL", "QtOpenGLWidgets", "QtSvg", "QtTest")

# Python packages installed in the venv that the running app never imports (checked with
# packaging/trace_imports.py over analyze, the demo and the GUI, and by tests/test_packaging.py
# over the app's own imports). torch's hook collects every torch submodule, which would drag
# some of these in.
EXCLUDED_MODULES = (
    "music21",  # only regenerates resources/bach offline
    # The mel spectrogram is computed with numpy (engine/data/representations.py); librosa is
    # only the tests' reference. Leaving it out also drops numba and llvmlite (~210 MB).
    "librosa",
    "numba",
    "llvmlite",
    "sklearn",
    "IPython",
    "jedi",
    "tkinter",
    "_tkinter",
    "ray",  # the `cluster` extra (train rounds --executor ray); see OPTIONAL_MODULES
    "pytest",
    "_pytest",
    "pytestqt",
    "pluggy",
    "setuptools",
    "pkg_resources",
    "pip",
    "tensorboard",
    "torch.utils.tensorboard",
    "matplotlib.backends.backend_tkagg",
    "matplotlib.backends.backend_webagg",
    "PIL.ImageTk",
)

# Exceptions to DROPPED_FILE_PATTERNS: `import torch` fails without its shared-memory manager.
KEPT_FILE_PATTERNS = ("torch/bin/torch_shm_manager",)

# Excluded modules the app may still import, lazily, for an optional feature that the frozen
# app does not offer (it must then fail with a clear message, not a traceback).
OPTIONAL_MODULES = ("ray",)

# Files that hooks collect but the app never opens: C/C++ headers and static libraries, torch's
# test programs and test data, type stubs, test folders of any package, and the offline
# scripts that regenerate resources/ (they need music21).
DROPPED_FILE_PATTERNS = (
    "resources/tools/*",
    "torch/bin/*",
    "torch/test/*",
    "torch/include/*",
    "torch/share/*",
    "*.a",
    "*.h",
    "*.hpp",
    "*.pyi",
    "*/tests/*",
    "*/__pycache__/*",
    "matplotlib/mpl-data/sample_data/*",
    # Qt: the UI is English only; the GTK3 theme plugin would load the desktop's own GTK next
    # to the cairo/pango/glib copies collected for it; nobody serves the app over VNC or TUIO.
    "PySide6/Qt/translations/*",
    "PySide6/Qt/plugins/platformthemes/libqgtk3.so",
    "PySide6/Qt/plugins/platforms/libqvnc.so",
    "PySide6/Qt/plugins/generic/libqtuiotouchplugin.so",
    # ... and the libraries that only those three plugins need (readelf -d over the bundle).
    *(f"{prefix}{lib}*" for prefix in ("", "PySide6/Qt/lib/") for lib in (
        "libQt6Network", "libgssapi_krb5", "libkrb5", "libk5crypto", "libcom_err", "libkeyutils",
        "libgtk-3", "libgdk-3", "libatk-1.0", "libcairo", "libpango", "libgdk_pixbuf", "libpixman",
        "libthai", "libdatrie", "libfribidi", "libharfbuzz", "libgraphite2",
        "libgio-2.0", "libgobject-2.0", "libgmodule-2.0", "libmount", "libblkid", "libselinux")),
)

# Shared libraries whose symbol tables are stripped (--strip-unneeded) before bundling: torch
# ships ~95 MB of them, the Python runtime ~25 MB. Only these: strip rewrites the layout of the
# libraries that auditwheel patched (numpy.libs/, scipy.libs/, their extension modules), and the
# stripped OpenBLAS then fails to load ("ELF load command address/offset not page-aligned",
# measured with PyInstaller's global strip=True).
STRIPPED_BINARY_PATTERNS = ("torch/lib/*.so*", "libpython3*.so*", "python3*/lib-dynload/*.so")


def project_version(pyproject=ROOT / "pyproject.toml"):
    """The version in pyproject.toml: the single source of the app's version."""
    with open(pyproject, "rb") as fh:
        return tomllib.load(fh)["project"]["version"]


def excluded_qt_modules(pyside_dir):
    """Every PySide6 extension module in the installed package except the kept ones."""
    installed = sorted(p.name.split(".")[0] for p in pathlib.Path(pyside_dir).glob("Qt*.abi3.so"))
    return [f"PySide6.{name}" for name in installed if name not in QT_MODULES_KEPT]


def matches(dest_name, patterns):
    """True when a path inside the bundle matches one of the shell-style patterns."""
    path = str(dest_name).replace("\\", "/")
    return any(fnmatch.fnmatch(path, pattern) for pattern in patterns)


def is_dropped(dest_name):
    """True for a collected file (its path inside the bundle) that the app does not need."""
    return matches(dest_name, DROPPED_FILE_PATTERNS) and not matches(dest_name, KEPT_FILE_PATTERNS)


def prune(toc):
    """The TOC entries (dest_name, src_name, typecode) that survive `is_dropped`."""
    return [entry for entry in toc if not is_dropped(entry[0])]


def has_symbol_table(path):
    """True for a little-endian 64-bit ELF file with a .symtab section (SHT_SYMTAB)."""
    with open(path, "rb") as fh:
        header = fh.read(64)
        if header[:4] != b"\x7fELF" or header[4:6] != b"\x02\x01":
            return False
        (section_offset,) = struct.unpack_from("<Q", header, 0x28)
        entry_size, count = struct.unpack_from("<HH", header, 0x3A)
        fh.seek(section_offset)
        table = fh.read(entry_size * count)
    return any(struct.unpack_from("<I", table, i * entry_size + 4)[0] == 2 for i in range(count))


def strip_symbols(toc, cache_dir):
    """The TOC with STRIPPED_BINARY_PATTERNS' binaries replaced by stripped copies in cache_dir
    (made once per source file version)."""
    stripped = []
    for dest, src, typecode in toc:
        if matches(dest, STRIPPED_BINARY_PATTERNS) and has_symbol_table(src):
            copy = pathlib.Path(cache_dir, dest)
            if not copy.exists() or copy.stat().st_mtime < pathlib.Path(src).stat().st_mtime:
                copy.parent.mkdir(parents=True, exist_ok=True)
                tmp = copy.with_name(copy.name + ".tmp")
                shutil.copyfile(src, tmp)
                subprocess.run(["strip", "--strip-unneeded", str(tmp)], check=True)
                os.replace(tmp, copy)
            src = str(copy)
        stripped.append((dest, src, typecode))
    return stripped


def render_desktop_entry(exec_path, icon_path, version=None):
    """The desktop entry text with the bundle's absolute executable and icon filled in."""
    text = DESKTOP_TEMPLATE.read_text(encoding="utf-8")
    values = {"@EXEC@": str(exec_path), "@ICON@": str(icon_path), "@VERSION@": version or project_version()}
    for key, value in values.items():
        text = text.replace(key, value)
    return text
