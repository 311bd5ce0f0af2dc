"""NumPy `.npy` / `.npz` arrays of intensity maps, loaded without unpickling anything.

Accepted shapes: (h, w) one map, (n, h, w) grey maps, (n, c, h, w), and the channel-last
layouts many tools write, (h, w, c) and (n, h, w, c) with c = 1, 3 or 4 and sides above 4 (a
map one to four pixels wide is no picture). Accepted values: uint8 (k/255, levels 255), uint16
(k/65535), bool (levels 1), floats that lie in [0, 1], or floats in [-1, 1] reaching below -0.5,
a tanh generator's convention, mapped back by (x + 1) / 2. NaN, inf and other ranges are
refused with their range: a linear output straying a little below 0 is not guessed at.
A flat vector (L,) is one row of L values: a batch flattened to (n, L), as an MLP generator outputs it, is read
as n pictures where the case's reference has L values a picture (`unflattened`; the reader alone cannot know the
pictures' size). How the array was read is said in meta["channel"]["stored_as"].
An `.npz` holds the maps under `x` (or as its only array), optionally integer `labels`
(or `y`) and a string `modality` ("image", "speech", "music"); arrays without a recorded
modality are marked `modality_recorded: False` so a spec can adopt the reference's.
"""
import io
import zipfile

import numpy as np

from engine.data import limits, sniff
from engine.data.sampleset import MODALITIES, SampleSet
from engine.errors import InputError

SIDE_KEYS = ("labels", "y", "modality")
INTEGER_LEVELS = {np.dtype(np.uint8): 255, np.dtype(np.uint16): 65535, np.dtype(bool): 1}


COLOUR_AXIS = (1, 3, 4)  # grey, RGB, RGBA
MIN_PICTURE_SIDE = 5
TANH_BELOW = -0.5  # a tanh output's background lies near -1; a linear output's undershoot near 0


def channels_first(array):
    """(array as (n, c, h, w), or (n, h, w) for grey maps; whether it was channel-last)."""
    last, sides = array.shape[-1], array.shape[-3:-1]
    if array.ndim in (3, 4) and last in COLOUR_AXIS and min(sides) >= MIN_PICTURE_SIDE:
        picture = np.moveaxis(array, -1, -3)
        return (picture[None] if array.ndim == 3 else picture), True
    return array, False


def float_maps(path, x):
    """(x in [0, 1], how its values were read or None) from finite floats, or InputError."""
    low, high = float(x.min()), float(x.max())
    if 0 <= low and high <= 1:
        return x, None
    if -1 <= low < TANH_BELOW and high <= 1:
        return (x + 1) / 2, "values in [-1, 1] (a tanh output) mapped to [0, 1] by (x + 1) / 2"
    raise InputError(path, f"float values outside [0, 1] (min {low:.4g}, max {high:.4g}); accepted are [0, 1] "
                           f"and a tanh output's [-1, 1]")


def as_maps(path, array):
    """(x float32 (n, c, h, w) in [0,1], levels, how it was read: [text]) from a raw array, or InputError."""
    if array.ndim not in (1, 2, 3, 4) or array.size == 0:
        raise InputError(path, f"array of shape {array.shape} is not (h, w), (n, h, w), (n, c, h, w), channel-last "
                               f"maps or a flat vector")
    array, channel_last = channels_first(array[None] if array.ndim == 1 else array)
    read = ["a channel-last array read as (n, c, h, w)"] if channel_last else []
    if array.ndim == 2:
        array = array[None, None]
    elif array.ndim == 3:
        array = array[:, None]
    limits.check_set_size(path, array.shape[0], int(np.prod(array.shape[1:])))
    levels = INTEGER_LEVELS.get(array.dtype)
    if levels is not None:
        x = array.astype(np.float32)
        return (x / levels if levels > 1 else x), levels, read
    if array.dtype.kind != "f":
        raise InputError(path, f"array of dtype {array.dtype} (expected uint8, uint16, bool or floats in [0, 1])")
    x = array.astype(np.float32)
    if not np.isfinite(x).all():
        raise InputError(path, f"array holds {int((~np.isfinite(x)).sum())} NaN or infinite values")
    x, values = float_maps(path, x)
    snapped = half_precision_grid(array, x, tanh=values is not None)
    if snapped is not None:
        return snapped, 255, read + ([values] if values else []) + [HALF_GRID_READ]
    return x, None, read + ([values] if values else [])


HALF_GRID_READ = "half-precision values that are each the nearest half to an 8-bit value k/255, read as k/255"


def half_precision_grid(source, x, tanh):
    """x (in [0, 1], read from `source`) snapped to the 8-bit grid k/255 where `source` is half precision and every
    value is the half nearest its grid value (mapped back to [-1, 1] for a tanh output's), else None. A half cannot
    hold k/255 (its step above 0.25 is 1/4096 or more), so 8-bit pictures stored as halves (model inputs cast with
    .half()) lay off the grid and `grid` labelled them generated (40 of 40 real digits); a generator's halves are
    the nearest half to its own values, which lie on the grid by chance only (above 0.5 for one value in eight)."""
    if source.dtype != np.float16:
        return None
    grid = np.rint(x * 255) / 255
    written = (grid * 2 - 1 if tanh else grid).astype(np.float16)
    if not np.array_equal(written, source):
        return None
    return grid.astype(np.float32)


def read_npy_header(path, fh, member=""):
    """(shape, fortran_order, dtype) of the .npy header in `fh` (an .npz `member`), or InputError
    saying it is cut or malformed."""
    where = f"{member}: " if member else ""
    version = np.lib.format.read_magic(fh)
    read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
    try:  # numpy reads the header as literals only (ast.literal_eval), never running it
        return read_header(fh)
    except ValueError as err:  # its reasons name Python's syntax tree ("malformed node or string on line 1: <ast...>")
        cut = str(err).startswith("EOF")
        raise InputError(path, f"{where}truncated inside the .npy header" if cut else
                               f"{where}malformed .npy header (not a dictionary of 'descr', 'fortran_order' and "
                               f"'shape' literals)") from None


def check_npy_header(path, fh, available, member=""):
    """Reads a .npy header from `fh` (an .npz `member`) and refuses object, absurd or truncated
    arrays before np.load allocates them."""
    where = f"{member}: " if member else ""
    shape, _, dtype = read_npy_header(path, fh, member)
    if dtype.hasobject:
        raise InputError(path, f"{where}array of Python objects (never unpickled)")
    if len(shape) >= 1 and shape[0] > 0:
        limits.check_set_size(path, shape[0], int(np.prod(shape[1:], dtype=np.int64)))
    values = int(np.prod(shape, dtype=np.int64))
    limits.check_decoded_size(path, values, f"{where}array size")
    expected = values * dtype.itemsize
    if expected > available - fh.tell():
        raise InputError(path, f"{where}truncated: the header announces {shape} {dtype} ({expected} bytes) "
                               f"but {available - fh.tell()} bytes follow")


def check_npz_members(path, data):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if any(name.endswith(".pkl") for name in archive.namelist()):
            raise InputError(path, "a PyTorch file (torch.save: pickled tensors in a zip): never unpickled, since "
                                   "loading one runs code; save samples with numpy.save")
        for info in archive.infolist():
            limits.check_at_most(path, f"decompressed size of {info.filename}", info.file_size,
                                 limits.MAX_FILE_BYTES, " bytes")
            with archive.open(info) as member:
                check_npy_header(path, member, info.file_size, member=info.filename)


def npz_parts(path, archive):
    """(maps, labels or None, modality or None) from an opened .npz archive."""
    keys = archive.files
    candidates = ["x"] if "x" in keys else [k for k in keys if k not in SIDE_KEYS]
    if len(candidates) != 1:
        raise InputError(path, f"cannot tell which array holds the maps among {sorted(keys)} (name it 'x')")
    label_key = next((k for k in ("labels", "y") if k in keys), None)
    labels = archive[label_key] if label_key else None
    modality = str(archive["modality"]) if "modality" in keys else None
    if modality is not None and modality not in MODALITIES:
        raise InputError(path, f"unknown modality {modality!r} (expected one of {', '.join(MODALITIES)})")
    return archive[candidates[0]], labels, modality


def checked_labels(path, labels, n):
    if labels is None:
        return None
    if labels.shape != (n,) or labels.dtype.kind not in "iu":
        raise InputError(path, f"labels of shape {labels.shape} and dtype {labels.dtype} do not match {n} samples")
    return labels.astype(np.int64)


def decode(path, data, kind):
    labels = modality = None
    if kind is sniff.NPY:
        check_npy_header(path, io.BytesIO(data), len(data))
        array = np.load(io.BytesIO(data), allow_pickle=False)
    else:
        check_npz_members(path, data)
        with np.load(io.BytesIO(data), allow_pickle=False) as archive:
            array, labels, modality = npz_parts(path, archive)
    x, levels, read = as_maps(path, array)
    n = x.shape[0]
    return SampleSet(
        name=str(path), modality=modality or "image", x=x, levels=levels,
        items=[f"{path}[{i}]" for i in range(n)],
        meta={"format": kind.label, "dtype": str(array.dtype), "modality_recorded": modality is not None,
              "format_levels": levels, "array_shape": list(array.shape),
              **({"channel": {"stored_as": "; ".join(read)}} if read else {})},
        labels=checked_labels(path, labels, n),
    )


def unflattened(samples, shape):
    """(samples, None): samples of a bare vector (L,) or matrix (n, L) whose L is the values of one picture of
    `shape` (c, h, w) read as n such pictures, row by row (C order, as numpy's reshape and torch's view flatten
    them); other samples unchanged. (None, reason) for a vector of another length."""
    stored = samples.meta.get("array_shape")
    values = int(np.prod(shape))
    if stored is None or len(stored) > 2 or (len(stored) == 2 and stored[-1] != values):
        return samples, None
    if stored[-1] != values:
        return None, (f"a flat vector of {stored[-1]} values, not a flattened picture of the case reference's "
                      f"{' x '.join(map(str, shape[1:]))} ({values} values)")
    n = samples.x.size // values
    samples.x = samples.x.reshape(n, *shape)
    samples.items = [f"{samples.name}[{i}]" for i in range(n)]
    channel = samples.meta.setdefault("channel", {})
    read = f"a flattened array {tuple(stored)} read as {n} pictures of {shape[1]} x {shape[2]}, row by row"
    channel["stored_as"] = "; ".join(filter(None, (channel.get("stored_as"), read)))
    return samples, None


def adopted(samples, modality, shape, pictures):
    """A bare array's samples (no modality recorded) taken as the case reference's `modality`: as they are where
    their shape is the reference's (c, h, w), or transposed where the reference's samples are not pictures
    (`pictures` False: piano rolls, spectrograms) and the array holds them time-major, (T, 128) as pypianoroll
    stores a roll (the pitch or band count fixes which axis is which); other samples unchanged."""
    if samples.meta.get("modality_recorded") is not False:
        return samples
    c, h, w = shape
    if not pictures and h != w and samples.shape == (c, w, h):
        samples.x = np.ascontiguousarray(np.swapaxes(samples.x, -1, -2))
        channel = samples.meta.setdefault("channel", {})
        read = f"time-major maps ({w}, {h}) read as ({h}, {w})"
        channel["stored_as"] = "; ".join(filter(None, (channel.get("stored_as"), read)))
    if samples.shape == shape:
        samples.modality = modality
    return samples
