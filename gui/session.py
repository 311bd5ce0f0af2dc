"""The open case of one window, and the evidence shown for it.

Every view takes the `CaseSession` instead of reaching into another widget: it holds the
open case (folder and the plain snapshot `gui.tasks.case.read_case_job` read), the
evidence on screen as plain `Evidence` dataclasses in a list model (the evidence grid's
model), and says what changed through its signals. A window shows one case: changing or
closing the case empties the evidence list and every view clears or reloads itself.
"""
import os
from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel

from engine.errors import shown


@dataclass(eq=False)  # identity: two entries for the same path are never both in the list
class Evidence:
    """A file on view. The case's own files are listed from the case store (path, recorded
    modality and verdict) and read when the grid shows them: until then `sampleset`, `preview`,
    `metadata` and `thumbnail` are None."""
    path: str
    sampleset: object = None  # engine.data.sampleset.SampleSet, once the file is read
    preview: object = None  # (channels, rows, cols) map drawn as the thumbnail
    verdict: dict = None  # the verdict's JSON dict, once there is one
    unjudged: str = None  # why the open case cannot judge this file
    metadata: dict = None  # the file's own metadata (engine.metadata.file_metadata)
    thumbnail: object = None  # QPixmap without badge (made by the evidence view)
    icon: object = None  # QIcon shown in the grid (thumbnail plus verdict badge)
    recorded_modality: str = None  # the case store's, for a file not read yet
    sha256: str = None  # the case store's, checked when the file is read

    @property
    def name(self):
        return shown(os.path.basename(self.path))  # control characters escaped, as everywhere

    @property
    def modality(self):
        return self.sampleset.modality if self.sampleset is not None else self.recorded_modality

    @property
    def read(self):
        return self.sampleset is not None

    def describe(self):
        """"image, 1 sample(s)", or the modality alone before the file is read."""
        return f"{self.modality}, {self.sampleset.n} sample(s)" if self.read else f"{self.modality}, not read yet"


class EvidenceModel(QStandardItemModel):
    """The evidence on screen, in intake order; one row per file. A C++ model, so that the
    grid paints without entering Python: a Python data() would wait for the interpreter
    lock, which a worker judging files holds, once per item and role."""

    EvidenceRole = Qt.UserRole

    def __init__(self, parent=None):
        super().__init__(parent)
        self._items = []
        self._rows = {}  # path -> Evidence
        self._cells = {}  # path -> its QStandardItem (which knows its row without a search)

    def __iter__(self):
        return iter(list(self._items))

    def __len__(self):
        return len(self._items)

    def get(self, path):
        return self._rows.get(path)

    def paths(self):
        return [item.path for item in self._items]

    def index_of(self, item):
        return self._cells[item.path].index() if self._rows.get(item.path) is item else QModelIndex()

    def add(self, items):
        """Appends the items as rows, in one insertion (the grid lays itself out once)."""
        rows = []
        for item in items:
            row = QStandardItem(_elide(item.name))
            row.setFlags(Qt.ItemIsSelectable | Qt.ItemIsEnabled | Qt.ItemNeverHasChildren)
            row.setToolTip(_tooltip(item))
            row.setData(item, self.EvidenceRole)
            if item.icon is not None:
                row.setIcon(item.icon)
            self._items.append(item)
            self._rows[item.path] = item
            self._cells[item.path] = row
            rows.append(row)
        if rows:
            self.invisibleRootItem().appendRows(rows)

    def remove(self, item):
        self._items.remove(item)
        del self._rows[item.path]
        self.removeRow(self._cells.pop(item.path).row())

    def changed(self, item):
        """The item's icon (its thumbnail or verdict badge) or what is known of it changed."""
        if self._rows.get(item.path) is item:
            row = self._cells[item.path]
            row.setIcon(item.icon)
            row.setToolTip(_tooltip(item))

    def clear(self):
        self._items, self._rows, self._cells = [], {}, {}
        super().clear()


class CaseSession(QObject):
    case_changed = Signal(object)  # the case folder, or None once closed
    snapshot_changed = Signal(object)  # the case's snapshot dict after every (re)read, or None
    evidence_added = Signal(object)  # list of Evidence, added together
    evidence_removed = Signal(object)  # Evidence
    verdict_arrived = Signal(object)  # Evidence whose verdict came in
    evidence_read = Signal(object)  # Evidence whose content (samples, thumbnail) was read
    message = Signal(str)  # one line for the status bar
    notice = Signal(str)  # a problem to keep in the notifications list (failed jobs come from the jobs)
    refresh_requested = Signal()  # the case changed on disk (verdicts, runs): read it again

    def __init__(self, parent=None):
        super().__init__(parent)
        self.case_dir = None
        self.snapshot = None
        self.evidence = EvidenceModel(self)
        self.refused = {}  # path -> reason, for the files of this case's view

    # --- the case ----------------------------------------------------------------------

    def set_snapshot(self, snapshot):
        """A case read (or re-read): another folder than the open one starts a new session."""
        changed = snapshot["dir"] != self.case_dir
        if changed:
            self._reset(snapshot["dir"])
        self.snapshot = snapshot
        self.snapshot_changed.emit(snapshot)
        if changed:
            self.case_changed.emit(self.case_dir)

    def close(self):
        if self.case_dir is None and not len(self.evidence):
            return
        self._reset(None)
        self.snapshot = None
        self.snapshot_changed.emit(None)
        self.case_changed.emit(None)

    def _reset(self, case_dir):
        self.case_dir = case_dir
        self.evidence.clear()
        self.refused = {}

    def reference(self):
        """The case reference's row (name, spec, modality, n, ...) or None."""
        return (self.snapshot or {}).get("reference")

    def reference_spec(self):
        reference = self.reference()
        return reference["spec"] if reference else None

    def fitting_spec(self):
        """The part of the reference the case's models may train on (its calibration files held
        out), or None when the case has none that a spec can name."""
        return ((self.snapshot or {}).get("meta") or {}).get("fit_spec") or None

    # --- evidence ----------------------------------------------------------------------

    def add_evidence(self, items):
        """Adds the items not on view yet (one per path)."""
        new = {}
        for item in items:
            if self.evidence.get(item.path) is None:
                new.setdefault(item.path, item)
        if new:
            self.evidence.add(new.values())
            self.evidence_added.emit(list(new.values()))

    def set_content(self, item):
        """The item's file was read: its thumbnail and what it holds are known."""
        self.evidence.changed(item)
        self.evidence_read.emit(item)

    def remove_evidence(self, item):
        if self.evidence.get(item.path) is item:
            self.evidence.remove(item)
            self.refused.pop(item.path, None)
            self.evidence_removed.emit(item)

    def set_verdict(self, item, verdict):
        item.verdict = verdict
        self.evidence.changed(item)
        self.verdict_arrived.emit(item)

    def refuse(self, path, reason):
        """Records why a file is not shown or not judged; False when already said."""
        if self.refused.get(path) == reason:
            return False
        self.refused[path] = reason
        return True

    def request_refresh(self):
        if self.case_dir:
            self.refresh_requested.emit()

    def report_failure(self, what, reason):
        """A failed job's line for the status bar (the job manager files the full reason
        in the notifications list)."""
        self.message.emit(f"{what} failed: {reason}")


def _tooltip(item):
    return f"{shown(item.path)}\n{item.describe()}"


def _elide(name, width=16):
    return name if len(name) <= width else name[: width - 1] + "…"
