"""What C decoders write to file descriptor 2 while they read evidence, sent to /dev/null.

libtiff ("Using code not yet in table.") and libmpg123 ("error: bad frame - unable to get valid sideinfo",
"Warning: Xing stream size off by more than 1%") write lines that name no file: in a batch the analyst cannot tell
which file they belong to. The analyst gets the one-line refusal instead, or the verdict of what decoded.
"""
import contextlib
import os


@contextlib.contextmanager
def silenced():
    """File descriptor 2 to /dev/null for the block; another thread's native writes in these milliseconds are lost."""
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
