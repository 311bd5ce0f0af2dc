"""The evidence view: the open case's files as a thumbnail grid, verdict badges, the chosen file's reasons.

The grid shows the session's evidence model (`gui.session`). Intake runs as a job
(`gui.tasks.evidence.load_evidence_job`); with a case open, the files without a verdict
then go to the verdict job, whose results arrive as badges. Opening a case lists its files
from the case store with their recorded verdicts (`case_evidence_job`, no file decoded: a case
of twelve thousand files is on view in seconds); the files the grid shows, and the current
one, are read when shown (`read_evidence_job`), so their thumbnails follow the scrolling.
Every refused file is listed once, with its one-line reason. Remove from view takes a file
off the grid (logged in the case's audit log by `engine.view_log`; the evidence itself stays
in the case).

What the jobs deliver (each file once: they send parts, not everything so far) is shown a
slice at a time (`SLICE_SECONDS` of the window's thread per turn of its event loop): a job's
results come in bursts of dozens of files, and the worker holds Python's interpreter lock
whenever the window lets go of it, so one long slot would stall the window for twice its own
length.
"""
import collections
import html
import os
import time

from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QLabel, QListView, QListWidget, QListWidgetItem,
                               QPushButton, QSplitter, QTextBrowser, QVBoxLayout, QWidget)

from engine import findings
from engine.errors import shown
from gui.imaging import pixmap_of, with_badge
from gui.modality_display import TILE_GREY, THUMBNAIL as THUMB
from gui.session import Evidence, EvidenceModel
from gui.tasks import evidence as evidence_tasks

SLICE_SECONDS = 0.004
ADD_AT_ONCE = 32  # files added to the grid in one insertion (one layout of the grid)
READ_AT_MOST = 512  # files one reading job takes (a screen holds far fewer)
CASE_SHOWN = "case shown"  # the queued key of the verdicts asked for once the case's own files are on view


class EvidenceView(QWidget):
    sample_chosen = Signal(object)  # the Evidence the analyst opened (double-click)
    sample_selected = Signal(object)  # the current Evidence
    add_requested = Signal()

    def __init__(self, jobs, session, parent=None):
        super().__init__(parent)
        self.jobs, self.session = jobs, session
        self._batches = 0
        self._work = collections.deque()  # (keys, callable): arrived results still to show
        self._queued = set()  # their keys (a file dropped twice, a verdict shown already)
        self._drain = QTimer(self)
        self._drain.setInterval(0)
        self._drain.timeout.connect(self._show_some)
        self._reading = set()  # paths the running reading job was given
        self._unreadable = set()  # paths whose reading was refused (not asked for again)
        self._read_timer = QTimer(self)  # reading what the grid shows waits for scrolling to pause
        self._read_timer.setSingleShot(True)
        self._read_timer.setInterval(30)
        self._read_timer.timeout.connect(self._read_shown)
        self._blank_icons = {}  # verdict label (or None) -> the icon of a file not read yet
        jobs.count_as_busy(self.showing)

        self.grid = QListView()
        self.grid.setObjectName("evidence_grid")
        self.grid.setViewMode(QListView.IconMode)
        self.grid.setIconSize(QSize(THUMB, THUMB))
        self.grid.setGridSize(QSize(THUMB + 24, THUMB + 34))
        self.grid.setResizeMode(QListView.Adjust)
        self.grid.setMovement(QListView.Static)
        self.grid.setUniformItemSizes(True)
        self.grid.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.grid.setModel(session.evidence)
        self.grid.selectionModel().currentChanged.connect(self._current_changed)
        self.grid.doubleClicked.connect(lambda index: self._choose(self._evidence_at(index)))
        self.grid.verticalScrollBar().valueChanged.connect(self._read_timer.start)
        self.grid.viewport().installEventFilter(self)
        session.evidence.rowsInserted.connect(self._read_timer.start)
        self.hint = QLabel()
        self.hint.setAlignment(Qt.AlignCenter)
        self.hint.setWordWrap(True)
        self.refused_list = QListWidget()
        self.refused_list.setObjectName("refused_list")
        self.refused_list.setMaximumHeight(90)
        self.refused_list.hide()

        add_button = QPushButton("Add evidence…")
        add_button.setToolTip("Add image, audio or MIDI files or folders to the open case (Ctrl+E); "
                              "dragging them onto the window does the same")
        add_button.clicked.connect(self.add_requested)
        self.verdict_button = QPushButton("Get verdicts")
        self.verdict_button.setToolTip("Judge every file without a verdict against the case reference (Ctrl+Shift+V)")
        self.verdict_button.clicked.connect(self.request_verdicts)
        self.remove_button = QPushButton("Remove from view")
        self.remove_button.setToolTip("Take the selected files off this view (Delete). The evidence stays in the "
                                      "case and its reports; the removal is written to the case's audit log.")
        self.remove_button.setShortcut(Qt.Key_Delete)
        self.remove_button.clicked.connect(self.remove_selected)
        top = QHBoxLayout()
        top.addWidget(add_button)
        top.addWidget(self.verdict_button)
        top.addWidget(self.remove_button)
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
        self.detail_button.clicked.connect(lambda: self._choose(self.current()))
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
        session.case_changed.connect(self._case_changed)
        session.verdict_arrived.connect(self._detail_changed)
        session.evidence_read.connect(self._detail_changed)
        session.evidence_added.connect(self.hint.hide)
        self._case_changed(None)

    # --- the case's files ------------------------------------------------------------

    @Slot(object)
    def _case_changed(self, case_dir):
        """Another case: the session emptied the grid; the case's own evidence joins it with
        the verdicts recorded for it, and the rest are judged."""
        for slot in ("verdicts", "case-evidence", "evidence-read"):
            self.jobs.cancel(slot)
        for number in range(1, self._batches + 1):  # intake still going was for the previous case
            self.jobs.cancel(f"evidence-{number}")
        self._work.clear()  # and so were its results not shown yet
        self._queued.clear()
        self._drain.stop()
        self._reading, self._unreadable = set(), set()
        self.refused_list.clear()
        self.refused_list.hide()
        self._show_hint()
        self._show_detail(None)
        if case_dir:
            self.jobs.start("case-evidence", "load the case's evidence", evidence_tasks.case_evidence_job,
                            {"snapshot": self.session.snapshot, "reference": self.session.reference()},
                            partial=self._loaded, finished=self._case_evidence_done,
                            failed=lambda reason: self.session.report_failure("Loading the case's evidence", reason))

    def _case_evidence_done(self, batch):
        self._loaded(batch)  # shown already, part by part: nothing is queued twice
        # the case's files without a recorded verdict, and any dropped meanwhile: judged once the
        # case's files are on view with their recorded verdicts (queued before this)
        self._later(CASE_SHOWN, self.request_verdicts)

    # --- showing what arrived, a slice at a time ---------------------------------------

    def _later(self, key, work):
        """Queues `work()` behind what arrived before; a key already waiting is not queued twice."""
        if key is not None:
            if key in self._queued:
                return
            self._queued.add(key)
        self._queue((key,), work)

    def _queue(self, keys, work):
        self._work.append((keys, work))
        if not self._drain.isActive():
            self._drain.start()

    @Slot()
    def _show_some(self):
        deadline = time.perf_counter() + SLICE_SECONDS
        while self._work and time.perf_counter() < deadline:
            keys, work = self._work.popleft()
            self._queued.difference_update(keys)
            work()
        if not self._work:
            self._drain.stop()
            self.jobs.announce_if_idle()

    def showing(self):
        """Whether arrived results are still waiting to be shown (or the shown files to be read)."""
        return bool(self._work) or self._read_timer.isActive()

    def _show_hint(self):
        if len(self.session.evidence):
            self.hint.hide()
            return
        self.hint.setText("Drag image, audio or MIDI files and folders here, or use Add evidence (Ctrl+E)."
                          if self.session.case_dir else
                          "No case open: New case (Ctrl+N) or Open case (Ctrl+O) first; files added now "
                          "are shown but get no verdict.")
        self.hint.show()

    # --- intake ----------------------------------------------------------------------

    def add_paths(self, paths):
        self._batches += 1
        self.jobs.start(f"evidence-{self._batches}", f"load {len(paths)} evidence path(s)",
                        evidence_tasks.load_evidence_job,
                        {"paths": list(paths), "reference": self.session.reference()},
                        partial=self._loaded, finished=self._intake_done,
                        failed=lambda reason: self.session.report_failure("Evidence intake", reason))

    @Slot(object)
    def _loaded(self, batch):
        fresh = []
        for loaded in batch["loaded"]:
            shown = self.session.evidence.get(loaded["path"])
            if shown is None or (shown.verdict is None and loaded.get("verdict")):
                # keyed by whether it brings a recorded verdict: the same file dropped during the
                # case's loading, still waiting without one, must not hide the one that has it
                key = ("add", loaded["path"], bool(loaded.get("verdict")))
                if key not in self._queued:
                    self._queued.add(key)
                    fresh.append((key, loaded))
        for start in range(0, len(fresh), ADD_AT_ONCE):
            part = fresh[start:start + ADD_AT_ONCE]
            self._queue([key for key, _ in part], lambda part=part: self._add([loaded for _, loaded in part]))
        for refused in batch["refused"]:
            if self.session.refused.get(refused["path"]) != refused["reason"]:
                self._later(("refuse", refused["path"]),
                            lambda refused=refused: self._refuse(refused["path"], refused["reason"]))

    def _intake_done(self, batch):
        self._loaded(batch)
        self._later(None, lambda: self._intake_summary(batch))

    def _intake_summary(self, batch):
        self.session.message.emit(f"{len(batch['loaded'])} file(s) loaded, {len(batch['refused'])} refused")
        self.request_verdicts()

    def _add(self, part):
        """Adds loaded files (sample set and thumbnail) or listed ones (the case's, read when shown)."""
        new = {}
        for loaded in part:
            shown = self.session.evidence.get(loaded["path"])
            if shown is not None:  # added while the case's evidence loaded: it brings the recorded verdict
                if shown.verdict is None and loaded.get("verdict"):
                    self._verdict(loaded["verdict"])
                if not shown.read and loaded.get("sampleset") and _digest(loaded) == shown.sha256:
                    self._fill(loaded)  # a case file dropped again: read already
                continue
            if loaded["path"] in new and not loaded.get("verdict"):  # twice in one part: the copy
                continue  # with the recorded verdict counts
            item = Evidence(path=loaded["path"], sampleset=loaded.get("sampleset"), preview=loaded.get("preview"),
                            verdict=loaded.get("verdict"), metadata=loaded.get("metadata"),
                            recorded_modality=loaded.get("modality"), sha256=loaded.get("sha256"))
            if item.read:
                item.thumbnail = pixmap_of(loaded["thumbnail"])
            item.icon = self._icon(item, item.verdict)
            new[item.path] = item
        self.session.add_evidence(new.values())
        if new and not self.grid.currentIndex().isValid():
            self.grid.setCurrentIndex(self.session.evidence.index_of(next(iter(new.values()))))

    def _icon(self, item, verdict):
        """The grid's icon: the thumbnail (a blank tile until the file is read) with the verdict's badge."""
        label = verdict["label"] if verdict else None
        if item.thumbnail is not None:
            return QIcon(with_badge(item.thumbnail, label) if label else item.thumbnail)
        if label not in self._blank_icons:
            tile = QPixmap(THUMB, THUMB)
            tile.fill(QColor(TILE_GREY, TILE_GREY, TILE_GREY))
            self._blank_icons[label] = QIcon(with_badge(tile, label) if label else tile)
        return self._blank_icons[label]

    # --- reading the files the grid shows ------------------------------------------------

    def eventFilter(self, watched, event):
        if watched is self.grid.viewport() and event.type() in (QEvent.Resize, QEvent.Show):
            self._read_timer.start()
        return super().eventFilter(watched, event)

    def shown_items(self):
        """The items the grid shows now (in its viewport), READ_AT_MOST at most."""
        model, view = self.session.evidence, self.grid.viewport().rect()
        rows = model.rowCount()
        if not rows or not self.grid.isVisible():
            return []
        low, high = 0, rows  # rows are laid out in order: the first one not above the viewport
        while low < high:
            middle = (low + high) // 2
            if self.grid.visualRect(model.index(middle, 0)).bottom() < view.top():
                low = middle + 1
            else:
                high = middle
        found = []
        for row in range(low, rows):
            rect = self.grid.visualRect(model.index(row, 0))
            if rect.top() > view.bottom() or len(found) >= READ_AT_MOST:
                break
            if rect.intersects(view):
                found.append(self._evidence_at(model.index(row, 0)))
        return found

    @Slot()
    def _read_shown(self):
        """Reads the files on screen (and the current one) that are not read yet; a reading job for
        files scrolled past gives way to one for those on screen now."""
        wanted = [item for item in self.shown_items() + [self.current()]
                  if item is not None and not item.read and item.sha256 and item.path not in self._unreadable
                  and ("read", item.path) not in self._queued]
        wanted = list({item.path: item for item in wanted}.values())
        if not wanted or (self.jobs.running("evidence-read") and {item.path for item in wanted} <= self._reading):
            return
        self._reading = {item.path for item in wanted}
        self.jobs.start("evidence-read", f"read {len(wanted)} evidence file(s)", evidence_tasks.read_evidence_job,
                        {"files": [{"path": item.path, "sha256": item.sha256} for item in wanted],
                         "reference": self.session.reference()},
                        partial=self._read, finished=lambda _: self._read_timer.start(),
                        failed=lambda reason: self.session.report_failure("Reading the case's evidence", reason))

    @Slot(object)
    def _read(self, batch):
        for loaded in batch["loaded"]:
            self._later(("read", loaded["path"]), lambda loaded=loaded: self._fill(loaded))
        for refused in batch["refused"]:
            self._unreadable.add(refused["path"])
            self._later(("refuse", refused["path"]),
                        lambda refused=refused: self._refuse(refused["path"], refused["reason"]))

    def _fill(self, loaded):
        item = self.session.evidence.get(loaded["path"])
        if item is None or item.read:
            return
        item.sampleset, item.preview, item.metadata = loaded["sampleset"], loaded["preview"], loaded["metadata"]
        item.thumbnail = pixmap_of(loaded["thumbnail"])
        item.icon = self._icon(item, item.verdict)
        self.session.set_content(item)

    def _refuse(self, path, reason):
        if not self.session.refuse(path, reason):
            return  # said already
        for row in range(self.refused_list.count()):  # a newer reason replaces the file's old line
            if self.refused_list.item(row).data(Qt.UserRole) == path:
                self.refused_list.takeItem(row)
                break
        line = QListWidgetItem(f"Refused {shown(os.path.basename(path))}: {reason}")
        line.setData(Qt.UserRole, path)
        line.setToolTip(f"{shown(path)}: {reason}")
        line.setForeground(QColor(180, 30, 30))
        self.refused_list.addItem(line)
        self.refused_list.show()
        self.session.message.emit(f"Refused {shown(path)}: {reason}")

    # --- verdicts --------------------------------------------------------------------

    def request_verdicts(self):
        """Verdicts for every file without one (cancelling a verdict run still going)."""
        if self.jobs.running("case-evidence") or CASE_SHOWN in self._queued:
            return  # asked again when the case's own files, with their recorded verdicts, are on view
        pending = [item.path for item in self.session.evidence if item.verdict is None and not item.unjudged]
        if not pending:
            return
        if not self.session.case_dir:
            self.session.message.emit("Open or create a case (with its reference) to get verdicts.")
            return
        self.jobs.start("verdicts", f"verdicts for {len(pending)} file(s)", evidence_tasks.verdict_job,
                        {"case_dir": self.session.case_dir, "paths": pending},
                        partial=self._verdicts, finished=self._verdicts_done,
                        failed=lambda reason: self.session.report_failure("Verdicts", reason))

    @Slot(object)
    def _verdicts(self, result):
        for rejected in result["rejected"]:
            item = self.session.evidence.get(rejected["path"])
            if item is not None and item.unjudged is None:
                self._later(("reject", rejected["path"]), lambda rejected=rejected: self._reject(rejected))
        for verdict in result["files"]:
            item = self.session.evidence.get(verdict["path"])
            if item is not None and item.verdict is not verdict:  # partial results repeat earlier verdicts
                self._later(("verdict", verdict["path"]), lambda verdict=verdict: self._verdict(verdict))

    def _reject(self, rejected):
        item = self.session.evidence.get(rejected["path"])
        if item is not None and item.unjudged is None:
            item.unjudged = rejected["reason"]
            self._refuse(rejected["path"], f"no verdict in this case: {rejected['reason']}")

    def _verdict(self, verdict):
        item = self.session.evidence.get(verdict["path"])
        if item is None or item.verdict == verdict:
            return  # not on view, or shown already
        item.icon = self._icon(item, verdict)
        self.session.set_verdict(item, verdict)

    def _verdicts_done(self, result):
        self._verdicts(result)
        self._later(None, lambda: self._verdicts_summary(result))

    def _verdicts_summary(self, result):
        self.session.request_refresh()
        counts = {}
        for verdict in result["files"]:
            counts[verdict["label"]] = counts.get(verdict["label"], 0) + 1
        judged = ", ".join(f"{n} {label}" for label, n in sorted(counts.items())) or "none judged"
        unjudged = len(result["rejected"])
        self.session.message.emit(f"Verdicts: {judged}" + (f"; {unjudged} file(s) not judged (see the refused list)"
                                                           if unjudged else ""))

    @Slot(object)
    def _detail_changed(self, item):
        if self.current() is item:
            self._show_detail(item)

    # --- selection and removal -------------------------------------------------------

    def _evidence_at(self, index):
        return index.data(EvidenceModel.EvidenceRole) if index.isValid() else None

    def current(self):
        return self._evidence_at(self.grid.currentIndex())

    def select(self, item):
        self.grid.setCurrentIndex(self.session.evidence.index_of(item))

    @Slot(object, object)
    def _current_changed(self, index, _previous):
        item = self._evidence_at(index)
        self._show_detail(item)
        self._read_timer.start()
        if item is not None:
            self.sample_selected.emit(item)

    def _choose(self, item):
        if item is not None:
            self.sample_chosen.emit(item)

    def remove_selected(self):
        chosen = [self._evidence_at(index) for index in self.grid.selectionModel().selectedIndexes()]
        chosen = [item for item in chosen if item is not None] or ([self.current()] if self.current() else [])
        for item in chosen:
            self.remove(item)

    def remove(self, item):
        """Off the view; in a case, the removal goes to its audit log (the evidence stays)."""
        self.session.remove_evidence(item)
        for row in range(self.refused_list.count()):
            if self.refused_list.item(row).data(Qt.UserRole) == item.path:
                self.refused_list.takeItem(row)
                break
        self.refused_list.setVisible(self.refused_list.count() > 0)
        if self.session.case_dir:
            self.jobs.start(f"remove-{item.path}", f"remove {item.name} from view", evidence_tasks.remove_from_view_job,
                            {"case_dir": self.session.case_dir, "path": item.path},
                            finished=lambda ids: self._removed(item, ids),
                            failed=lambda reason: self.session.report_failure(f"Removing {item.name} from view",
                                                                              reason))
        self._show_detail(self.current())
        self._show_hint()

    def _removed(self, item, ids):
        self.session.message.emit(f"Removed {item.name} from view" + (
            " (logged in the case's audit log; the evidence stays in the case)" if ids else ""))
        if ids:
            self.session.request_refresh()  # the case explorer marks it

    def _show_detail(self, item):
        self.detail_button.setEnabled(item is not None)
        self.remove_button.setEnabled(len(self.session.evidence) > 0)
        if item is None:
            self.detail.setHtml("<p>Select a file to see its verdict and the reasons for it.</p>")
            return
        self.detail.setHtml(verdict_html(item))


def _digest(loaded):
    files = loaded["sampleset"].files
    return files[0].get("sha256") if files else None


def verdict_html(item):
    verdict = item.verdict
    parts = [f"<h3>{html.escape(item.name)}</h3>",
             f"<p>{html.escape(shown(item.path))}<br>{html.escape(item.describe())}</p>"]
    if verdict is None:
        reason = item.unjudged
        text = f"No verdict in this case: {reason}" if reason else "No verdict yet."
        parts.append(f"<p><i>{html.escape(text)}</i></p>")
        return "".join(parts)
    described = findings.describe(verdict)  # the report's words (no classifier results here: see attribution)
    colour = {"generated": "#b00020", "real": "#1b7f3a", "inconclusive": "#9a5b00"}[verdict["label"]]
    parts.append(f"<p><b><font color='{colour}'>{html.escape(described['finding'])}</font></b><br>"
                 f"Strength of evidence for 'generated': {html.escape(described['strength_text'])}</p>"
                 f"<p><small>{html.escape(described['sentence'])}</small></p>"
                 f"<p>Decisive reason: {html.escape(described['reason'])}</p>")
    parts += [f"<p><small>{html.escape(aside)}</small></p>" for aside in findings.stood_aside(verdict)]
    if verdict.get("sha256"):
        parts.append(f"<p><small>SHA-256 {verdict['sha256']}</small></p>")
    parts.append("<ul>" + "".join(f"<li>{html.escape(str(r))}</li>" for r in verdict["reasons"]) + "</ul>")
    if described["attribution"]:  # without the classifier's test results the window withholds it, like the report
        parts.append(f"<p>Attribution {html.escape(described['attribution']['text'])}</p>")
    parts.append(metadata_html(item.metadata))
    return "".join(parts)


def metadata_html(metadata):
    """The file's own metadata (engine.metadata) as a small table."""
    if not metadata:
        return ""
    rows = "".join(f"<tr><td>{html.escape(f['group'])}</td><td>{html.escape(f['name'])}</td>"
                   f"<td>{html.escape(f['value'])}</td></tr>" for f in metadata["fields"])
    rows += "".join(f"<tr><td>problem</td><td colspan='2'>{html.escape(p)}</td></tr>" for p in metadata["problems"])
    return f"<h4>File metadata</h4><table cellspacing='0' cellpadding='2'>{rows}</table>"

