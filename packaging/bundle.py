"""What goes into the frozen app and what stays out.

Shared by the PyInstaller spec, the build script, the smoke test and tests/test_packaging.py.
It imports nothing from PyInstaller, so the rules can be checked without a build.
(packaging/ has no __init__.py on purpose: the folder must not shadow the PyPI `packaging`
package, so callers put this folder on sys.path and `import bundle`.)
"""
import fnmatch
import hashlib
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

# torch subpackages and modules that the app never imports (packaging/trace_imports.py --train:
# nothing under these names is in sys.modules after analyze, the GUI, case/verdict/report, and
# training a GAN, a classifier, an inverse model and rounds). The torch hook collects every
# torch submodule, as bytecode *and* source. `torch._dynamo` and a few `torch._inductor` and
# `torch.distributed` modules do load: the optimizers' `_disable_dynamo` decorator imports them.
TORCH_EXCLUDED_MODULES = (
    # torch.compile's code generation and graph passes: the app never compiles a model.
    "torch._inductor.codegen",
    "torch._inductor.fx_passes",
    "torch._inductor.kernel",
    "torch._inductor.template_heuristics",
    "torch._inductor.autoheuristic",
    "torch._inductor.compile_worker",
    "torch._inductor.lookup_table",
    "torch._inductor.runtime.caching",
    "torch._inductor.ir",
    "torch._inductor.scheduler",
    "torch._inductor.lowering",
    "torch._inductor.select_algorithm",
    "torch._inductor.codecache",
    "torch._inductor.compile_fx",
    "torch._inductor.graph",
    "torch._inductor.cudagraph_trees",
    "torch._inductor.pattern_matcher",
    "torch._vendor.quack",
    "torch._dynamo.repro",
    "torch._functorch.partitioners",
    "torch._functorch._activation_checkpointing",
    "torch._functorch._activation_offloading",
    "torch.sparse._triton_ops",
    "torch.sparse._triton_ops_meta",
    # Multi-process distributed training: the app trains in one process (`train rounds` runs
    # whole trainings in a process pool, without torch.distributed).
    "torch.distributed.checkpoint",
    "torch.distributed.elastic",
    "torch.distributed.pipelining",
    "torch.distributed._tools",
    "torch.distributed.optim",
    "torch.distributed.algorithms.ddp_comm_hooks",
    "torch.distributed.algorithms.model_averaging",
    "torch.distributed.flight_recorder",
    "torch.distributed.debug",
    "torch.distributed.launcher",
    "torch.distributed.run",
    "torch.distributed.tensor.experimental",
    # Quantization, pruning, export/ONNX serialisation, NNAPI, ROCm source translation,
    # benchmarking and the C++ extension builder (it needs a compiler): none is used.
    "torch.ao.quantization.fx",
    "torch.ao.quantization.backend_config",
    "torch.ao.ns",
    "torch.ao.pruning",
    "torch.quantization.fx",
    "torch._export.serde",
    "torch._export.passes",
    "torch._export.db",
    "torch._export.converter",
    "torch.export._trace",
    "torch.export.pt2_archive",
    "torch.onnx._internal.fx",
    "torch.backends._nnapi",
    "torch.utils.hipify",
    "torch.utils.benchmark",
    "torch.utils.cpp_extension",
    "torch.fx.experimental.migrate_gradual_types",
    # torch's own test suite (only common_dtype, logging_tensor and distributed.fake_pg load).
    "torch.testing._internal.generated",
    "torch.testing._internal.opinfo",
    "torch.testing._internal.optests",
    "torch.testing._internal.distributed.rpc",
    "torch.testing._internal.distributed._tensor",
    "torch.testing._internal.distributed.nn",
    "torch.testing._internal.distributed.distributed_test",
    "torch.testing._internal.common_methods_invocations",
    "torch.testing._internal.common_utils",
    "torch.testing._internal.common_modules",
    "torch.testing._internal.common_nn",
    "torch.testing._internal.common_quantization",
    "torch.testing._internal.common_device_type",
    "torch.testing._internal.common_optimizers",
    "torch.testing._internal.common_distributed",
    "torch.testing._internal.common_fsdp",
)

# Python packages installed in the venv that the running app never imports (checked with
# packaging/trace_imports.py --gui --train over analyze, the GUI, case/verdict/report, training
# and the demo, and by tests/test_packaging.py over the app's own imports and two traced
# commands). torch's hook collects every torch submodule, which would drag some of these in.
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
    # Pulled in only by torch submodules that the app never imports: Inductor's code templates
    # (jinja2, markupsafe) and graph partitioner (networkx), torch.hub's and the dataset tools'
    # downloads and caches (requests with urllib3, idna, certifi and chardet; fsspec, filelock)
    # and YAML configs. (sympy stays: torch._dynamo imports it.)
    "yaml",
    "chardet",
    "networkx",
    "jinja2",
    "markupsafe",
    "fsspec",
    "filelock",
    "requests",
    "urllib3",
    "certifi",
    "idna",
    # scipy.stats and scipy.special (the only scipy the app uses) import neither.
    "scipy.io",
    "scipy.signal",
    # Pillow decodes only PNG, JPEG, BMP and TIFF here (engine/data/sniff.py); its AVIF and WebP
    # plugins catch the missing extension. Drops libavif and libwebp (~6 MiB).
    "PIL._avif",
    "PIL._webp",
    *TORCH_EXCLUDED_MODULES,
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
    # torch's test libraries (TorchScript backends, custom-op and torchbind tests): nothing links
    # them, and only torch's test suite loads them with torch.ops.load_library.
    "torch/lib/libtorchbind_test.so",
    "torch/lib/libaoti_custom_ops.so",
    "torch/lib/libbackend_with_compiler.so",
    "torch/lib/libjitbackend_test.so",
    # Font metrics for matplotlib's PostScript/PDF backends; figures here are drawn with Agg to PNG.
    "matplotlib/mpl-data/fonts/afm/*",
    "matplotlib/mpl-data/fonts/pdfcorefonts/*",
    # Qt: the UI is English only; the GTK3 theme plugin would load the desktop's own GTK next
    # to the cairo/pango/glib copies collected for it; nobody serves the app over VNC or TUIO.
    "PySide6/Qt/translations/*",
    "PySide6/Qt/plugins/platformthemes/libqgtk3.so",
    "PySide6/Qt/plugins/platforms/libqvnc.so",
    "PySide6/Qt/plugins/generic/libqtuiotouchplugin.so",
    # Platforms for devices without a window system (framebuffer, KMS/EGL, Vulkan display): the
    # workstation runs on X11 or Wayland, and offscreen for its smoke test and screenshots.
    "PySide6/Qt/plugins/platforms/libqeglfs.so",
    "PySide6/Qt/plugins/platforms/libqminimalegl.so",
    "PySide6/Qt/plugins/platforms/libqlinuxfb.so",
    "PySide6/Qt/plugins/platforms/libqvkkhrdisplay.so",
    "PySide6/Qt/plugins/egldeviceintegrations/*",
    # ... and the libraries that only those plugins need (readelf -d over the bundle).
    *(f"{prefix}{lib}*" for prefix in ("", "PySide6/Qt/lib/") for lib in (
        "libQt6Network", "libgssapi_krb5", "libkrb5", "libk5crypto", "libcom_err", "libkeyutils",
        "libgtk-3", "libgdk-3", "libatk-1.0", "libcairo", "libpango", "libgdk_pixbuf", "libpixman",
        "libthai", "libdatrie", "libfribidi", "libharfbuzz", "libgraphite2",
        "libgio-2.0", "libgobject-2.0", "libgmodule-2.0", "libmount", "libblkid", "libselinux",
        "libQt6EglFSDeviceIntegration", "libQt6EglFsKmsSupport")),
)

# Shared libraries whose symbol tables are stripped (--strip-unneeded) before bundling: torch
# ships ~95 MB of them, the Python runtime ~25 MB. Only these: strip rewrites the layout of the
# libraries that auditwheel patched (numpy.libs/, scipy.libs/, their extension modules), and the
# stripped OpenBLAS then fails to load ("ELF load command address/offset not page-aligned",
# measured with PyInstaller's global strip=True).
STRIPPED_BINARY_PATTERNS = ("torch/lib/*.so*", "libpython3*.so*", "python3*/lib-dynload/*.so")


# Folders where auditwheel puts a wheel's vendored libraries under hash-stamped names: numpy's and
# scipy's wheels each carry the very same libgfortran and libquadmath files.
VENDORED_LIBRARY_PATTERNS = ("*.libs/*",)


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


def file_digest(path):
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def link_identical_libraries(toc):
    """The TOC with every vendored library (VENDORED_LIBRARY_PATTERNS) whose name and content equal
    an earlier one's turned into a relative symbolic link to that one. The dynamic loader follows
    the link from the RPATH ($ORIGIN) folder the library is looked up in, so nothing else changes."""
    first_of = {}
    linked = []
    for dest, src, typecode in toc:
        if typecode == "BINARY" and matches(dest, VENDORED_LIBRARY_PATTERNS):
            key = (pathlib.PurePosixPath(dest).name, file_digest(src))
            original = first_of.setdefault(key, dest)
            if original != dest:
                target = os.path.relpath(original, os.path.dirname(dest))
                linked.append((dest, target, "SYMLINK"))
                continue
        linked.append((dest, src, typecode))
    return linked


def render_desktop_entry(exec_path, icon_path, version=None):
    """The desktop entry text with the bundle's absolute executable and icon filled in."""
    text = DESKTOP_TEMPLATE.read_text(encoding="utf-8")
    values = {"@EXEC@": str(exec_path), "@ICON@": str(icon_path), "@VERSION@": version or project_version()}
    for key, value in values.items():
        text = text.replace(key, value)
    return text
