"""Evidence named on a command line or dropped on the window -> the files to judge.

Folders are walked iteratively (a stack, not recursion: 1,100 nested folders once raised
RecursionError) down to limits.MAX_FOLDER_DEPTH, hidden entries (.DS_Store, .git) left out,
links to folders not followed (they can loop), links that loop or cannot be resolved rejected.
Every file or folder that cannot be taken is listed in `rejected` with its reason, and the walk goes
on: a name that is not UTF-8 (it could not be stored in the case or reported as text) is rejected
under its `shown` form.
"""
import os

from engine.data import limits
from engine.errors import is_utf8, shown


def evidence_files(paths):
    """(files, rejected): named files as given, then the files under each named folder sorted by
    path; rejected holds {"path", "reason"} for what was left out."""
    files, rejected = [], []
    for path in map(str, paths):
        if not is_utf8(path):
            rejected.append({"path": shown(path), "reason": "file name is not valid UTF-8"})
        elif os.path.isdir(path):
            found, refused = walk_folder(path)
            files += found
            rejected += refused
        else:
            files.append(path)
    return files, rejected


def walk_folder(top):
    """(sorted files, rejected) under `top`, sub-folders included down to MAX_FOLDER_DEPTH."""
    found, rejected, stack = [], [], [(top, 0)]
    while stack:
        folder, depth = stack.pop()
        try:
            with os.scandir(folder) as scan:
                entries = [entry for entry in scan if not entry.name.startswith(".")]
        except OSError as err:
            rejected.append({"path": shown(folder), "reason": f"cannot list folder: {err.strerror or err}"})
            continue
        for entry in entries:
            if not is_utf8(entry.name):
                rejected.append({"path": shown(entry.path), "reason": "file name is not valid UTF-8"})
            elif entry.is_dir(follow_symlinks=False):
                if depth + 1 > limits.MAX_FOLDER_DEPTH:
                    rejected.append({"path": entry.path, "reason": f"folder nested deeper than "
                                                                  f"{limits.MAX_FOLDER_DEPTH} levels (not searched)"})
                else:
                    stack.append((entry.path, depth + 1))
            elif entry.is_symlink() and (reason := unfollowed_link(entry)):
                rejected.append({"path": entry.path, "reason": reason})
            else:
                found.append(entry.path)
        limits.check_at_most(top, "number of files", len(found), limits.MAX_ITEMS)
    return sorted(found), rejected


def unfollowed_link(entry):
    """Why a link found in a folder is not taken (it points at a folder, or it loops or cannot be resolved: asking
    where it points raises), or None: a link to a file is taken as the file."""
    try:
        return "link to a folder (not followed)" if entry.is_dir() else None
    except OSError as err:
        return f"link cannot be resolved: {err.strerror or err}"
