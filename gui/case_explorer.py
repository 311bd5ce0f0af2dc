"""The case explorer: what the open case holds, plus New / Open case.

The case database is read in a job (`gui.tasks.case.read_case_job`) and shown from the plain
snapshot it returns, so the GUI thread never waits on SQLite.
"""
import os

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout,
                               QLabel, QLineEdit, QPushButton, QTreeWidget, QTreeWidgetItem,
                               QVBoxLayout, QWidget)

from engine import findings
from gui.tasks import case as case_tasks

SECTIONS = ("References", "Evidence", "Generators", "Detectors", "Runs", "Reports")


class CaseExplorer(QWidget):
    case_changed = Signal(str)  # the case folder, after it opened
    snapshot_changed = Signal(object)  # the snapshot dict (or None)
    run_chosen = Signal(dict)
    message = Signal(str)

    def __init__(self, jobs, parent=None):
        super().__init__(parent)
        self.jobs = jobs
        self.case_dir = None
        self.snapshot = None
        self.title = QLabel("No case open. New case (Ctrl+N) or Open case (Ctrl+O).")
        self.title.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Item", "Detail"])
        self.tree.itemDoubleClicked.connect(self._item_activated)
        new_button, open_button = QPushButton("New…"), QPushButton("Open…")
        new_button.clicked.connect(self.new_case_dialog)
        open_button.clicked.connect(self._open_dialog)
        buttons = QHBoxLayout()
        buttons.addWidget(new_button)
        buttons.addWidget(open_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.title)
        layout.addLayout(buttons)
        layout.addWidget(self.tree)
        self._fill(None)

    # --- opening and reading -----------------------------------------------------------

    def open_case(self, path):
        self.jobs.start("case", f"open case {os.path.basename(os.path.abspath(path))}",
                        case_tasks.read_case_job, {"case_dir": os.path.abspath(path)},
                        finished=self._opened, failed=self._failed)

    def refresh(self):
        if self.case_dir:
            self.open_case(self.case_dir)

    def reference_spec(self):
        """The open case's reference dataset spec, or None."""
        if self.snapshot and self.snapshot["reference"]:
            return self.snapshot["reference"]["spec"]
        return None

    @Slot(object)
    def _opened(self, snapshot):
        changed = snapshot["dir"] != self.case_dir
        self.case_dir, self.snapshot = snapshot["dir"], snapshot
        self._fill(snapshot)
        self.snapshot_changed.emit(snapshot)
        if changed:
            self.case_changed.emit(self.case_dir)
            self.message.emit(f"Case opened: {self.case_dir}")

    @Slot(str)
    def _failed(self, reason):
        self.message.emit(f"Could not open the case: {reason}")

    def _fill(self, snapshot):
        self.tree.clear()
        if snapshot is None:
            return
        name = snapshot["meta"].get("name", os.path.basename(snapshot["dir"]))
        self.title.setText(f"<b>{name}</b><br>{snapshot['dir']}")
        sections = {title: QTreeWidgetItem(self.tree, [title]) for title in SECTIONS}
        reference = snapshot["reference"]
        if reference:
            QTreeWidgetItem(sections["References"],
                            [reference["name"], f"{reference['modality']}, n={reference['n']}, {reference['spec']}"])
        labels = {v["evidence_id"]: findings.FINDINGS[v["label"]] for v in snapshot["verdicts"]}  # the report's words
        for row in snapshot["evidence"]:
            item = QTreeWidgetItem(sections["Evidence"], [os.path.basename(row["path"]),
                                                         labels.get(row["id"], "no verdict")])
            item.setToolTip(0, f"{row['path']}\nSHA-256 {row['sha256']}")
        for run in snapshot["runs"]:
            section = "Generators" if run["kind"] == "gan" else "Detectors"
            for parent in (sections[section], sections["Runs"]):
                item = QTreeWidgetItem(parent, [run["name"], run["kind"]])
                item.setData(0, Qt.UserRole, run)
                item.setToolTip(0, run["run_dir"])
        for path in snapshot["reports"]:
            item = QTreeWidgetItem(sections["Reports"], [os.path.basename(path)])
            item.setData(0, Qt.UserRole, {"report": path})
        for title, item in sections.items():
            item.setText(1, str(item.childCount()))
            item.setExpanded(title != "Runs")

    @Slot(QTreeWidgetItem, int)
    def _item_activated(self, item, _column):
        data = item.data(0, Qt.UserRole)
        if not data:
            return
        if "report" in data:
            from PySide6.QtCore import QUrl
            from PySide6.QtGui import QDesktopServices

            QDesktopServices.openUrl(QUrl.fromLocalFile(data["report"]))
        else:
            self.run_chosen.emit(data)

    # --- dialogs ---------------------------------------------------------------------------

    def _open_dialog(self):
        path = QFileDialog.getExistingDirectory(self, "Open case")
        if path:
            self.open_case(path)

    def new_case_dialog(self):
        dialog = NewCaseDialog(self)
        if dialog.exec() == QDialog.Accepted:
            self.create_case(*dialog.values())

    def create_case(self, case_dir, reference_spec, name):
        self.jobs.start("case", f"new case {os.path.basename(case_dir)}", case_tasks.new_case_job,
                        {"case_dir": case_dir, "reference": reference_spec, "name": name or None},
                        finished=self._opened, failed=self._failed)


class NewCaseDialog(QDialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("New case")
        self.folder = QLineEdit()
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder)
        folder_row.addWidget(browse)
        self.reference = QLineEdit("builtin:digits")
        self.reference.setToolTip("A dataset spec: a file, a folder, builtin:mnist|digits|fsdd|bach, "
                                  "with an optional [a:b] slice")
        self.name = QLineEdit()
        form = QFormLayout(self)
        form.addRow("Case folder", folder_row)
        form.addRow("Reference (real data)", self.reference)
        form.addRow("Name", self.name)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _browse(self):
        path = QFileDialog.getExistingDirectory(self, "Case folder")
        if path:
            self.folder.setText(path)

    def _accept(self):
        if self.folder.text().strip() and self.reference.text().strip():
            self.accept()

    def values(self):
        return self.folder.text().strip(), self.reference.text().strip(), self.name.text().strip()
