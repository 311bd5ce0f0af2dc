"""Output paths checked before the work that fills them: a `--json` into a read-only folder
or a `report --out` naming a folder used to fail with a traceback after minutes of work
(and leave a temporary file behind). `check_output` refuses such a path up front, in one
line: a folder where a file is wanted (or the reverse), a path under something that is not
a folder, or a folder this process cannot create files in (tried, not guessed from the
mode bits: root, ACLs and read-only mounts all answer differently).
"""
import os
import tempfile

from engine.errors import InputError, is_utf8

FILE, FOLDER, EITHER = "file", "folder", "file or folder"


def nearest_existing(path):
    """`path` itself or its closest ancestor that exists."""
    while not os.path.lexists(path):
        parent = os.path.dirname(path)
        if parent == path:
            break
        path = parent
    return path


def can_create_in(folder):
    try:
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".write-check-")
    except OSError:
        return False
    os.close(fd)
    os.remove(probe)
    return True


def check_output(path, kind=FILE):
    """Raises InputError(path, reason) unless `path` can be written as a `kind`."""
    full = os.path.abspath(str(path))
    if not is_utf8(full):
        raise InputError(path, "output name is not valid UTF-8")
    if os.path.isdir(full):
        if kind == FILE:
            raise InputError(path, "is a folder; give a file name")
        folder = full
    elif os.path.lexists(full):
        if kind == FOLDER:
            raise InputError(path, "exists and is not a folder")
        if not os.path.isfile(full):
            raise InputError(path, "exists and is not a regular file")
        folder = os.path.dirname(full)
    else:
        folder = nearest_existing(os.path.dirname(full))
        if not os.path.isdir(folder):
            raise InputError(path, f"cannot be created: {folder} is not a folder")
    if not can_create_in(folder):
        raise InputError(path, f"cannot write in {folder} (permission denied or read-only)")
