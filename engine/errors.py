"""Errors an analyst sees as one line: the file (or spec) and the reason."""


class InputError(Exception):
    """Bad input from outside: a corrupt, truncated, empty, too large or unknown file or spec.

    `str(err)` is the one line shown to the user ("PATH: reason"); the command line
    prints it and exits with code 2, the GUI shows it without stopping.
    """

    def __init__(self, source, reason):
        self.source = str(source)
        self.reason = reason
        super().__init__(f"{self.source}: {reason}")
