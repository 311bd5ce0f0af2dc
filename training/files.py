"""Reading a run folder's files defensively: a run folder may come from outside (a colleague's
run registered in a case, a downloaded model), so nothing in it is trusted.

- Only regular files are opened (a FIFO would block forever, a link to /dev/zero never end),
  and only up to a size limit.
- JSON is size- and depth-limited (a deeply nested sidecar raised RecursionError).
- A safetensors header is validated before the library sees it: header length, dtypes,
  shapes and data offsets must describe exactly the bytes that follow.
- An architecture description is checked against the builder's parameters (known kind,
  known keys, integers where integers belong, a known activation) and its parameter count
  is taken on torch's "meta" device, which allocates nothing, so a model over the budget is
  refused before allocation (a sidecar asking for width 1e9 once tried to allocate 78 TB).

The limits sit here because training/ cannot import engine/ (engine/data/limits.py
points to them). Every refusal is an `UnsafeRunFile` whose text is the reason.
"""
import inspect
import json
import math
import os
import stat
import struct

MAX_JSON_BYTES = 16 * 2**20  # run.json, a sidecar
MAX_JSON_DEPTH = 32  # nesting of objects and arrays
MAX_CHECKPOINT_BYTES = 2 * 2**30
MAX_SAFETENSORS_HEADER = 16 * 2**20
MAX_MODEL_PARAMETERS = 100_000_000  # one module, 400 MB of float32 (DCGAN width 128 on 128x64 rolls: ~50 M)
MAX_SAMPLE_SIDE = 4096  # rows, columns of the samples a model takes
MAX_CHANNELS = 16
MAX_INTEGER = 1_000_000  # any other integer argument (z_dim, width, n_classes, widths)

DTYPE_BYTES = {"F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1, "BOOL": 1}
CHOICES = {"norm": ("batch", "none")}


class UnsafeRunFile(ValueError):
    """A run-folder file refused before use; str() is the reason."""


def read_regular(path, max_bytes):
    """The bytes of a regular file of at most max_bytes. Opened without blocking and checked on
    the open descriptor, so a FIFO, a device or a link to one is refused, not read."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as err:
        raise UnsafeRunFile(f"cannot open {os.path.basename(path)}: {err.strerror or err}") from None
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnsafeRunFile(f"{os.path.basename(path)} is not a regular file")
        if info.st_size > max_bytes:
            raise UnsafeRunFile(f"{os.path.basename(path)} holds {info.st_size:,} bytes, over the limit of "
                                f"{max_bytes:,}")
        return fh.read(max_bytes + 1)[:max_bytes]


def json_depth(value):
    """Nesting depth of parsed JSON, walked with a stack."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, depth)
            stack += [(child, depth + 1) for child in (item.values() if isinstance(item, dict) else item)]
    return deepest


def parse_json(data, what):
    """JSON text -> value, refusing bad encodings, bad syntax and nesting deeper than MAX_JSON_DEPTH."""
    try:
        value = json.loads(data)
    except RecursionError:
        raise UnsafeRunFile(f"{what} nests deeper than {MAX_JSON_DEPTH} levels") from None
    except ValueError as err:
        raise UnsafeRunFile(f"{what} is not valid JSON ({err})") from None
    if json_depth(value) > MAX_JSON_DEPTH:
        raise UnsafeRunFile(f"{what} nests deeper than {MAX_JSON_DEPTH} levels")
    return value


def read_json(path, expect=dict):
    """A run-folder JSON file (run.json, a sidecar) holding an `expect` at the top."""
    what = os.path.basename(path)
    value = parse_json(read_regular(path, MAX_JSON_BYTES), what)
    if not isinstance(value, expect):
        raise UnsafeRunFile(f"{what} does not hold a JSON {expect.__name__}")
    return value


def check_safetensors(data, what):
    """Validates a safetensors file's header against its bytes: the header length, then for every
    tensor a known dtype, a shape of non-negative integers and offsets that tile the data exactly."""
    if len(data) < 8:
        raise UnsafeRunFile(f"{what} is truncated (no header)")
    size = struct.unpack_from("<Q", data)[0]
    if size > min(MAX_SAFETENSORS_HEADER, len(data) - 8):
        raise UnsafeRunFile(f"{what} announces a {size:,}-byte header in a {len(data):,}-byte file")
    header = parse_json(data[8:8 + size], f"{what} header")
    if not isinstance(header, dict):
        raise UnsafeRunFile(f"{what} header is not a JSON object")
    spans = []
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        if not isinstance(entry, dict) or set(entry) != {"dtype", "shape", "data_offsets"}:
            raise UnsafeRunFile(f"{what}: tensor {name!r} is not described by dtype, shape and data_offsets")
        dtype, shape, offsets = entry["dtype"], entry["shape"], entry["data_offsets"]
        if dtype not in DTYPE_BYTES:
            raise UnsafeRunFile(f"{what}: tensor {name!r} has unsupported dtype {dtype!r}")
        if not (isinstance(shape, list) and all(is_count(s, 0, 2**40) for s in shape)):
            raise UnsafeRunFile(f"{what}: tensor {name!r} has an invalid shape")
        if not (isinstance(offsets, list) and len(offsets) == 2 and all(is_count(o, 0, 2**62) for o in offsets)):
            raise UnsafeRunFile(f"{what}: tensor {name!r} has invalid data offsets")
        begin, end = offsets
        if end - begin != math.prod(shape) * DTYPE_BYTES[dtype]:
            raise UnsafeRunFile(f"{what}: tensor {name!r} offsets {offsets} do not hold its {dtype} shape {shape}")
        spans.append((begin, end, name))
    spans.sort()
    position = 0
    for begin, end, name in spans:
        if begin != position:
            raise UnsafeRunFile(f"{what}: tensor {name!r} starts at {begin}, expected {position} "
                                f"(overlapping or gapped data)")
        position = end
    if position != len(data) - 8 - size:
        raise UnsafeRunFile(f"{what}: the tensors take {position:,} bytes, the file holds "
                            f"{len(data) - 8 - size:,} after its header")


def is_count(value, low, high):
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


CONFIG_CHECKS = {  # the sidecar "config" keys the engine reads, and what they must hold
    "shape": lambda v: isinstance(v, list) and len(v) == 3 and is_count(v[0], 1, MAX_CHANNELS)
    and all(is_count(side, 1, MAX_SAMPLE_SIDE) for side in v[1:]),
    "z_dim": lambda v: is_count(v, 1, MAX_INTEGER),
    "activation": lambda v: v in _activations(),
    "labels": lambda v: isinstance(v, list) and 0 < len(v) <= MAX_INTEGER and all(isinstance(x, str) for x in v),
    "refine_steps": lambda v: is_count(v, 0, 100_000),
    "refine_lr": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and 0 < v < 100,
}


def _activations():
    from training.activations import ACTIVATIONS

    return ACTIVATIONS


def check_sidecar(sidecar, roles):
    """Refuses a checkpoint sidecar whose config or architectures (for `roles`) cannot be used as
    written; the architectures' parameter budget is checked here too."""
    from training.models import BUILDERS

    config, architectures = sidecar.get("config"), sidecar.get("architectures")
    if not isinstance(config, dict) or not isinstance(architectures, dict):
        raise UnsafeRunFile("the checkpoint sidecar holds no config or architectures object")
    for key, check in CONFIG_CHECKS.items():
        if key in config and not check(config[key]):
            raise UnsafeRunFile(f"the checkpoint sidecar's config {key} = {str(config[key])[:60]} is invalid")
    for role in roles:
        if role not in architectures:
            raise UnsafeRunFile(f"the run holds no {role!r} model (kind {str(sidecar.get('kind'))[:40]!r})")
        check_architecture(architectures[role], BUILDERS)


def check_architecture(arch, builders):
    """Refuses an architecture description the builders would not take as written, or one whose
    module would exceed MAX_MODEL_PARAMETERS (counted without allocating anything)."""
    if not isinstance(arch, dict) or arch.get("kind") not in builders:
        kind = arch.get("kind") if isinstance(arch, dict) else arch
        raise UnsafeRunFile(f"unknown architecture kind {kind!r}")
    parameters = inspect.signature(builders[arch["kind"]]).parameters
    for key, value in arch.items():
        if key == "kind":
            continue
        if key not in parameters:
            raise UnsafeRunFile(f"architecture {arch['kind']!r} has no parameter {key!r}")
        if key in ("shape", "z_dim"):
            ok = CONFIG_CHECKS[key](value)
        elif key == "activation":
            ok = value in _activations()
        elif key in CHOICES:
            ok = value in CHOICES[key]
        elif key == "widths":
            ok = isinstance(value, list) and 0 < len(value) <= 16 and all(is_count(w, 1, MAX_INTEGER) for w in value)
        else:
            ok = is_count(value, 1, MAX_INTEGER)
        if not ok:
            raise UnsafeRunFile(f"architecture {arch['kind']!r}: {key} = {str(value)[:60]} is out of range")
    if "shape" not in arch:
        raise UnsafeRunFile(f"architecture {arch['kind']!r} names no sample shape")
    count = parameter_count(arch)
    if count > MAX_MODEL_PARAMETERS:
        raise UnsafeRunFile(f"architecture {arch['kind']!r} has {count:,} parameters, over the limit of "
                            f"{MAX_MODEL_PARAMETERS:,}")


def parameter_count(arch):
    """Parameters and buffers of the module `arch` describes, built on the meta device."""
    import torch

    from training.models import build

    with torch.device("meta"):
        module = build(arch)
    return sum(t.numel() for t in list(module.parameters()) + list(module.buffers()))
