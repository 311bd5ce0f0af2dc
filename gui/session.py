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
    path: str
    sampleset: object  # engine.data.sampleset.SampleSet
    preview: object  # (channels, rows, cols) map drawn as the thumbnail
    verdict: dict = None  # the verdict's JSON dict, once there is one
    unjudged: str = None  # why the open case cannot judge this file
    metadata: dict = None  # the file's own metadata (engine.metadata.file_metadata)
    thumbnail: object = None  # QPixmap without badge (made by the evidence view)
    icon: object = None  # QIcon shown in the grid (thumbnail plus verdict badge)

    @property
    def name(self):
        return shown(os.path.basename(self.path))  # control characters escaped, as everywhere

    @property
    def modality(self):
        return self.sampleset.modality


class EvidenceModel(QStandardItemModel):
    """The evidence on screen, in intake order; one row per file. A C++ model, so that the
    grid paints without entering Python: a Python data() would wait for the interpreter
    lock, which a worker judging files holds, once per item and role."""

    EvidenceRole = Qt.UserRole

    def __init__(self, parent=None):
        super().__init__(parent)
        self._items = []
        self._rows = {}  # path -> Evidence

    def __iter__(self):
        return iter(list(self._items))

    def __len__(self):
        return len(self._items)

    def get(self, path):
        return self._rows.get(path)

    def paths(self):
        return [item.path for item in self._items]

    def index_of(self, item):
        return self.index(self._items.index(item), 0) if item in self._items else QModelIndex()

    def add(self, item):
        row = QStandardItem(_elide(item.name))
        row.setFlags(Qt.ItemIsSelectable | Qt.ItemIsEnabled | Qt.ItemNeverHasChildren)
        row.setToolTip(f"{shown(item.path)}\n{item.modality}, {item.sampleset.n} sample(s)")
        row.setData(item, self.EvidenceRole)
        if item.icon is not None:
            row.setIcon(item.icon)
        self._items.append(item)
        self._rows[item.path] = item
        self.appendRow(row)

    def remove(self, item):
        row = self._items.index(item)
        del self._items[row]
        del self._rows[item.path]
        self.removeRow(row)

    def changed(self, item):
        """The item's icon (its verdict badge) changed."""
        index = self.index_of(item)
        if index.isValid():
            self.setData(index, item.icon, Qt.DecorationRole)

    def clear(self):
        self._items, self._rows = [], {}
        super().clear()


class CaseSession(QObject):
    case_changed = Signal(object)  # the case folder, or None once closed
    snapshot_changed = Signal(object)  # the case's snapshot dict after every (re)read, or None
    evidence_added = Signal(object)  # Evidence
    evidence_removed = Signal(object)  # Evidence
    verdict_arrived = Signal(object)  # Evidence whose verdict came in
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

    def add_evidence(self, item):
        if self.evidence.get(item.path) is None:
            self.evidence.add(item)
            self.evidence_added.emit(item)

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


def _elide(name, width=16):
    return name if len(name) <= width else name[: width - 1] + "…"
