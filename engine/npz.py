"""Dicts of plain arrays as .npz files: written atomically, read back with
allow_pickle=False, so a file from outside can never run code."""
import numpy as np

from engine.atomic import atomic_output
from engine.errors import InputError


def save_arrays(path, arrays):
    with atomic_output(path) as tmp, open(tmp, "wb") as fh:
        np.savez(fh, **arrays)


def load_arrays(path):
    """The arrays of an .npz file; an unreadable one (or one holding objects, or one that is not a
    regular file: a FIFO would block) raises InputError. Member headers are checked against the
    evidence limits before anything is inflated."""
    import io
    import zipfile

    from engine.data import limits
    from engine.data.formats.array import check_npz_members
    from training.files import UnsafeRunFile, read_regular

    try:
        data = read_regular(path, limits.MAX_FILE_BYTES)
        check_npz_members(path, data)
        with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
            return {key: arrays[key] for key in arrays.files}
    except (OSError, ValueError, EOFError, UnsafeRunFile, zipfile.BadZipFile) as err:
        raise InputError(path, f"not a readable array file ({err})") from None
