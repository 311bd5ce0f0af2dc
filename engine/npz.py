"""Dicts of plain arrays as .npz files: written atomically, read back with
allow_pickle=False, so a file from outside can never run code."""
import numpy as np

from engine.atomic import atomic_output
from engine.errors import InputError


def save_arrays(path, arrays):
    with atomic_output(path) as tmp, open(tmp, "wb") as fh:
        np.savez(fh, **arrays)


def load_arrays(path):
    """The arrays of an .npz file; an unreadable one (or one holding objects) raises InputError."""
    try:
        with np.load(path, allow_pickle=False) as data:
            return {key: data[key] for key in data.files}
    except (OSError, ValueError, EOFError) as err:
        raise InputError(path, f"not a readable array file ({err})") from None
