"""The evidence view: dropped files as a thumbnail grid, verdict badges, the chosen file's reasons.

Intake runs as a job (`gui.tasks.evidence.load_evidence_job`); with a case open, the files without
a verdict then go to the verdict job, whose results arrive as badges. Every refused
file is listed with its one-line reason.
"""
import html
import os

from PySide6.QtCore import QSize, Qt, Signal, Slot
from PySide6.QtGui import QColor, QIcon
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QListView, QListWidget, QListWidgetItem,
                               QPushButton, QSplitter, QTextBrowser, QVBoxLayout, QWidget)

from gui.tasks import evidence as evidence_tasks
from gui.imaging import thumbnail, with_badge

THUMB = 96


class EvidenceView(QWidget):
    sample_chosen = Signal(object)  # the entry dict of a file the analyst opened (double-click)
    sample_selected = Signal(object)  # the entry dict of the current file
    verdict_arrived = Signal(object)  # the entry dict of a file whose verdict came in
    add_requested = Signal()
    message = Signal(str)

    def __init__(self, jobs, case_explorer, parent=None):
        super().__init__(parent)
        self.jobs, self.case_explorer = jobs, case_explorer
        self.entries = {}  # path -> {"path", "sampleset", "preview", "pixmap", "verdict", "item"}
        self.refused = {}  # path -> reason
        self._batches = 0

        self.grid = QListWidget()
        self.grid.setObjectName("evidence_grid")
        self.grid.setViewMode(QListView.IconMode)
        self.grid.setIconSize(QSize(THUMB, THUMB))
        self.grid.setGridSize(QSize(THUMB + 24, THUMB + 34))
        self.grid.setResizeMode(QListView.Adjust)
        self.grid.setMovement(QListView.Static)
        self.grid.setUniformItemSizes(True)
        self.grid.currentItemChanged.connect(self._current_changed)
        self.grid.itemDoubleClicked.connect(lambda item: self._choose(item))
        self.hint = QLabel("Drag image, audio or MIDI files and folders here, or use Add evidence (Ctrl+E).")
        self.hint.setAlignment(Qt.AlignCenter)
        self.refused_list = QListWidget()
        self.refused_list.setObjectName("refused_list")
        self.refused_list.setMaximumHeight(90)
        self.refused_list.hide()

        add_button = QPushButton("Add evidence…")
        add_button.clicked.connect(self.add_requested)
        self.verdict_button = QPushButton("Get verdicts")
        self.verdict_button.clicked.connect(self.request_verdicts)
        top = QHBoxLayout()
        top.addWidget(add_button)
        top.addWidget(self.verdict_button)
        top.addStretch(1)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(top)
        left_layout.addWidget(self.hint)
        left_layout.addWidget(self.grid, 1)
        left_layout.addWidget(self.refused_list)

        self.detail = QTextBrowser()
        self.detail.setObjectName("verdict_detail")
        self.detail_button = QPushButton("Open sample detail")
        self.detail_button.setEnabled(False)
        self.detail_button.clicked.connect(lambda: self._choose(self.grid.currentItem()))
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.detail, 1)
        right_layout.addWidget(self.detail_button)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(splitter)
        case_explorer.case_changed.connect(self._case_changed)
        self._show_detail(None)

    # --- intake ----------------------------------------------------------------------------

    def add_paths(self, paths):
        self._batches += 1
        self.jobs.start(f"evidence-{self._batches}", f"load {len(paths)} evidence path(s)",
                        evidence_tasks.load_evidence_job, {"paths": list(paths)},
                        partial=self._loaded, finished=self._intake_done,
                        failed=lambda reason: self.message.emit(f"Evidence intake failed: {reason}"))

    @Slot(object)
    def _loaded(self, batch):
        for entry in batch["loaded"]:
            if entry["path"] not in self.entries:
                self._add_entry(entry)
        for refused in batch["refused"]:
            if self.refused.get(refused["path"]) != refused["reason"]:
                self._add_refused(refused["path"], refused["reason"])

    def _intake_done(self, batch):
        self._loaded(batch)
        self.message.emit(f"{len(batch['loaded'])} file(s) loaded, {len(batch['refused'])} refused")
        self.request_verdicts()

    def _add_entry(self, entry):
        # verdict: a recorded one for the case's own evidence; unjudged: why the case cannot judge it
        entry = dict(entry, verdict=entry.get("verdict"), unjudged=None)
        sampleset = entry["sampleset"]
        entry["pixmap"] = thumbnail(entry["preview"], sampleset.modality, THUMB)
        icon = with_badge(entry["pixmap"], entry["verdict"]["label"]) if entry["verdict"] else entry["pixmap"]
        item = QListWidgetItem(QIcon(icon), _elide(os.path.basename(entry["path"])))
        item.setData(Qt.UserRole, entry["path"])
        item.setToolTip(f"{entry['path']}\n{sampleset.modality}, {sampleset.n} sample(s)")
        entry["item"] = item
        self.entries[entry["path"]] = entry
        self.grid.addItem(item)
        self.hint.hide()
        if self.grid.currentItem() is None:
            self.grid.setCurrentItem(item)

    def _add_refused(self, path, reason):
        self.refused[path] = reason
        item = QListWidgetItem(f"Refused {os.path.basename(path)}: {reason}")
        item.setToolTip(f"{path}: {reason}")
        item.setForeground(QColor(180, 30, 30))
        self.refused_list.addItem(item)
        self.refused_list.show()
        self.message.emit(f"Refused {path}: {reason}")

    # --- verdicts --------------------------------------------------------------------------

    @Slot(str)
    def _case_changed(self, case_dir):
        """Verdicts belong to a case: files judged in or loaded from the previous case leave the
        grid (nothing of another case is judged or logged in this one); files still waiting for a
        verdict are judged here, and the case's own evidence joins with its recorded verdicts."""
        for path in [p for p, e in self.entries.items() if e["verdict"] is not None or e.get("from_case")]:
            self.grid.takeItem(self.grid.row(self.entries.pop(path)["item"]))
        for entry in self.entries.values():
            entry["unjudged"] = None
        self.refused.clear()
        self.refused_list.clear()
        self.refused_list.hide()
        self._show_detail(self.entry_for(self.grid.currentItem()))
        self.request_verdicts()
        if case_dir:
            self.jobs.start("case-evidence", "load the case's evidence", evidence_tasks.case_evidence_job,
                            {"case_dir": case_dir}, partial=self._loaded, finished=self._case_evidence_done,
                            failed=lambda reason: self.message.emit(f"Loading the case's evidence failed: {reason}"))

    def _case_evidence_done(self, batch):
        self._loaded(batch)
        self.request_verdicts()  # the case's files without a recorded verdict

    def request_verdicts(self):
        """Verdicts for every file without one (cancelling a verdict run still going)."""
        pending = [path for path, entry in self.entries.items() if entry["verdict"] is None and not entry["unjudged"]]
        if not pending:
            return
        if not self.case_explorer.case_dir:
            self.message.emit("Open or create a case (with its reference) to get verdicts.")
            return
        self.jobs.start("verdicts", f"verdicts for {len(pending)} file(s)", evidence_tasks.verdict_job,
                        {"case_dir": self.case_explorer.case_dir, "paths": pending},
                        partial=self._verdicts, finished=self._verdicts_done,
                        failed=lambda reason: self.message.emit(f"Verdicts failed: {reason}"))

    @Slot(object)
    def _verdicts(self, result):
        for rejected in result["rejected"]:
            entry = self.entries.get(rejected["path"])
            if entry is not None and entry["unjudged"] is None:
                entry["unjudged"] = rejected["reason"]
                self._add_refused(rejected["path"], f"no verdict in this case: {rejected['reason']}")
        for verdict in result["files"]:
            entry = self.entries.get(verdict["path"])
            if entry is None:
                continue
            if entry["verdict"] == verdict:
                continue  # already shown (partial results repeat earlier verdicts)
            entry["verdict"] = verdict
            entry["item"].setIcon(QIcon(with_badge(entry["pixmap"], verdict["label"])))
            self.verdict_arrived.emit(entry)
            if self.grid.currentItem() is entry["item"]:
                self._show_detail(entry)

    def _verdicts_done(self, result):
        self._verdicts(result)
        self.case_explorer.refresh()
        counts = {}
        for verdict in result["files"]:
            counts[verdict["label"]] = counts.get(verdict["label"], 0) + 1
        self.message.emit("Verdicts: " + ", ".join(f"{n} {label}" for label, n in sorted(counts.items())))

    # --- selection -------------------------------------------------------------------------

    def entry_for(self, item):
        return self.entries.get(item.data(Qt.UserRole)) if item is not None else None

    @Slot(QListWidgetItem, QListWidgetItem)
    def _current_changed(self, item, _previous):
        entry = self.entry_for(item)
        self._show_detail(entry)
        if entry is not None:
            self.sample_selected.emit(entry)

    def _choose(self, item):
        entry = self.entry_for(item)
        if entry is not None:
            self.sample_chosen.emit(entry)

    def _show_detail(self, entry):
        self.detail_button.setEnabled(entry is not None)
        if entry is None:
            self.detail.setHtml("<p>Select a file to see its verdict and the reasons for it.</p>")
            return
        self.detail.setHtml(verdict_html(entry))


def verdict_html(entry):
    sampleset, verdict = entry["sampleset"], entry["verdict"]
    parts = [f"<h3>{html.escape(os.path.basename(entry['path']))}</h3>",
             f"<p>{html.escape(entry['path'])}<br>{sampleset.modality}, {sampleset.n} sample(s)</p>"]
    if verdict is None:
        reason = entry.get("unjudged")
        text = f"No verdict in this case: {reason}" if reason else "No verdict yet."
        parts.append(f"<p><i>{html.escape(text)}</i></p>")
        return "".join(parts)
    # The score is 1 - the combined tail probability: how unusual the file is for the reference,
    # not the probability that it was generated (docs/verdicts.md).
    parts.append(f"<p><b>{verdict['label'].upper()}</b> — score {verdict['score']:.3f} "
                 f"(1 − combined tail probability: how unusual for the reference)</p>")
    if verdict.get("sha256"):
        parts.append(f"<p><small>SHA-256 {verdict['sha256']}</small></p>")
    parts.append("<ul>" + "".join(f"<li>{html.escape(str(r))}</li>" for r in verdict["reasons"]) + "</ul>")
    attribution = verdict.get("attribution")
    if attribution:
        parts.append(f"<p>Attributed to <b>{html.escape(str(attribution['generator']))}</b> "
                     f"(p = {attribution['probability']:.2f})</p>")
    return "".join(parts)


def _elide(name, width=16):
    return name if len(name) <= width else name[: width - 1] + "…"
