"""Marking a dialog's field whose value was refused: a red frame until it is edited, the
reason in the dialog's message label, the focus on the field (the dialog stays open)."""
INVALID_STYLE = "QLineEdit { border: 2px solid #c0392b; }"


def mark_invalid(field, message_label, reason):
    field.setStyleSheet(INVALID_STYLE)
    field.setFocus()
    message_label.setStyleSheet("color: #c0392b")
    message_label.setText(reason)
    if not field.property("clears_mark"):
        field.setProperty("clears_mark", True)
        field.textEdited.connect(lambda _=None: field.setStyleSheet(""))


def output_problem(path, suffix):
    """Why `path` cannot take a new output file ending in `suffix`, or None."""
    import os

    if not path.lower().endswith(suffix):
        return f"The file name must end in {suffix}."
    folder = os.path.dirname(os.path.abspath(path))
    while not os.path.exists(folder):  # the writer makes missing folders: check the nearest that exists
        folder = os.path.dirname(folder)
    if not os.path.isdir(folder):
        return f"{folder} is a file, not a folder."
    if not os.access(folder, os.W_OK):
        return f"{folder} cannot be written to."
    if os.path.isdir(path):
        return f"{path} is a folder."
    return None
