"""Atomic artefact writes (DESIGN.md, "Storage"): write to a temporary file in the same
folder, then `os.replace`, so a crash never leaves half a file behind."""
import contextlib
import json
import os


@contextlib.contextmanager
def atomic_output(path, suffix=""):
    """Yields a temporary path beside `path` (creating the folder); on success it replaces
    `path`, on failure it is removed. `suffix` keeps an extension some writers insist on."""
    path = os.path.abspath(str(path))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = f"{path}.tmp{os.getpid()}{suffix}"
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def write_json(path, data):
    """Writes JSON atomically (indented, keys in the order given)."""
    with atomic_output(path) as tmp, open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2, sort_keys=False)
        fh.write("\n")
