"""Errors an analyst sees as one line: the file (or spec) and the reason, and how names are shown."""
import unicodedata

# Control and format characters: a newline would split the line, a right-to-left override
# (U+202E) would show "exe.png" as "gnp.exe", zero-width characters would hide a difference.
HIDDEN_CATEGORIES = ("Cc", "Cf", "Cs", "Zl", "Zp")
SHORT_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def shown(name):
    """A file name (or spec) as printed or reported: one line, read as it is stored. Control and
    format characters become escapes (\\n, \\u202e), and bytes that are not UTF-8 (which Python
    keeps as surrogate escapes) become \\xNN."""
    out = []
    for char in str(name):
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:
            out.append(f"\\x{code - 0xDC00:02x}")
        elif unicodedata.category(char) in HIDDEN_CATEGORIES:
            out.append(SHORT_ESCAPES.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"))
        else:
            out.append(char)
    return "".join(out)


def is_utf8(name):
    """False for a name holding bytes that are not UTF-8 (they cannot be stored or reported as text)."""
    try:
        str(name).encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


class InputError(Exception):
    """Bad input from outside: a corrupt, truncated, empty, too large or unknown file or spec.

    `str(err)` is the one line shown to the user ("PATH: reason"); the command line prints it
    and exits with code 2, the GUI shows it without stopping. The reason is `shown` too: it may
    quote names from inside the file (an .npz member called "x\n\u202e.npy").
    """

    def __init__(self, source, reason):
        self.source = str(source)
        self.reason = shown(reason)
        super().__init__(f"{shown(self.source)}: {self.reason}")
