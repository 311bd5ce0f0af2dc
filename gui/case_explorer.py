"""The case explorer: what the open case holds, plus New / Open / Close case.

The case database is read in a job (`gui.tasks.case.read_case_job`) and handed to the
window's `CaseSession` as the plain snapshot it returns, so the GUI thread never waits
on SQLite; the views follow the session, not this widget.
"""
import os

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout,
                               QLabel, QLineEdit, QPushButton, QTreeWidget, QTreeWidgetItem,
                               QVBoxLayout, QWidget)

from gui.forms import mark_invalid
from engine import findings
from engine.runs import GENERATOR_KINDS
from gui.tasks import case as case_tasks

SECTIONS = ("References", "Evidence", "Generators", "Detectors", "Runs", "Self-test", "Reports")
NO_CASE = "No case open. New case (Ctrl+N) or Open case (Ctrl+O)."


class CaseExplorer(QWidget):
    run_chosen = Signal(dict)

    def __init__(self, jobs, session, parent=None):
        super().__init__(parent)
        self.jobs, self.session = jobs, session
        self.title = QLabel(NO_CASE)
        self.title.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Item", "Detail"])
        self.tree.itemDoubleClicked.connect(self._item_activated)
        new_button, open_button = QPushButton("New…"), QPushButton("Open…")
        self.close_button = QPushButton("Close")
        new_button.setToolTip("Create a case: a folder and the real data (reference) evidence is judged against")
        open_button.setToolTip("Open a case folder (one with a case.sqlite)")
        self.close_button.setToolTip("Close the case: every view is cleared (Ctrl+W)")
        new_button.clicked.connect(self.new_case_dialog)
        open_button.clicked.connect(self._open_dialog)
        self.close_button.clicked.connect(self.close_case)
        self.zoo_button = QPushButton("Train generator zoo…")
        self.zoo_button.setToolTip("Train generators of many families (GANs, VAE, autoregressive, n-gram, "
                                   "vocoder...) on the case's fitting part, register them and refit the learned "
                                   "detectors across them (main.py case zoo); cancel and start again to resume")
        self.zoo_button.clicked.connect(self.zoo_dialog)
        buttons = QHBoxLayout()
        for button in (new_button, open_button, self.close_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.title)
        layout.addLayout(buttons)
        layout.addWidget(self.zoo_button)
        layout.addWidget(self.tree)
        session.snapshot_changed.connect(self._fill)
        session.refresh_requested.connect(self.refresh)
        self._fill(None)

    # --- opening and reading -----------------------------------------------------------

    def open_case(self, path):
        self.jobs.start("case", f"open case {os.path.basename(os.path.abspath(path))}",
                        case_tasks.read_case_job, {"case_dir": os.path.abspath(path)},
                        finished=self._opened, failed=self._failed)

    def refresh(self):
        if self.session.case_dir:
            self.open_case(self.session.case_dir)

    def close_case(self):
        self.jobs.cancel("case")
        if self.session.case_dir:
            self.session.message.emit(f"Case closed: {self.session.case_dir}")
        self.session.close()

    @Slot(object)
    def _opened(self, snapshot):
        changed = snapshot["dir"] != self.session.case_dir
        self.session.set_snapshot(snapshot)
        if changed:
            self.session.message.emit(f"Case opened: {snapshot['dir']}")

    @Slot(str)
    def _failed(self, reason):
        self.session.message.emit(f"Could not open the case: {reason}")

    @Slot(object)
    def _fill(self, snapshot):
        self.tree.clear()
        self.close_button.setEnabled(snapshot is not None)
        self.zoo_button.setEnabled(snapshot is not None and bool(snapshot.get("reference")))
        if snapshot is None:
            self.title.setText(NO_CASE)
            return
        name = snapshot["meta"].get("name", os.path.basename(snapshot["dir"]))
        self.title.setText(f"<b>{name}</b><br>{snapshot['dir']}")
        sections = {title: QTreeWidgetItem(self.tree, [title]) for title in SECTIONS}
        reference = snapshot["reference"]
        if reference:
            QTreeWidgetItem(sections["References"],
                            [reference["name"], f"{reference['modality']}, n={reference['n']}, {reference['spec']}"])
        labels = {v["evidence_id"]: findings.FINDINGS[v["label"]] for v in snapshot["verdicts"]}  # the report's words
        removed = set(snapshot.get("removed_from_view", ()))
        evidence = []  # added in one insertion: a case may hold thousands of files
        for row in snapshot["evidence"]:
            detail = labels.get(row["id"], "no verdict") + (", removed from view" if row["id"] in removed else "")
            evidence.append(QTreeWidgetItem([os.path.basename(row["path"]), detail]))
            evidence[-1].setToolTip(0, f"{row['path']}\nSHA-256 {row['sha256']}")
        sections["Evidence"].addChildren(evidence)
        for run in snapshot["runs"]:
            section = "Generators" if run["kind"] in GENERATOR_KINDS else "Detectors"
            for parent in (sections[section], sections["Runs"]):
                item = QTreeWidgetItem(parent, [run["name"], run["kind"]])
                item.setData(0, Qt.UserRole, run)
                item.setToolTip(0, run["run_dir"])
        self_test = snapshot.get("self_test")
        if self_test is None:
            QTreeWidgetItem(sections["Self-test"], ["not run", "main.py case validate CASE measures it"])
        for what, result, _n in self_test or ():  # how far to trust this case's verdicts
            QTreeWidgetItem(sections["Self-test"], [what, result]).setToolTip(0, f"{what}: {result}")
        for path in snapshot["reports"]:
            item = QTreeWidgetItem(sections["Reports"], [os.path.basename(path)])
            item.setData(0, Qt.UserRole, {"report": path})
        for title, item in sections.items():
            if title != "Self-test":
                item.setText(1, str(item.childCount()))
            item.setExpanded(title != "Runs")

    @Slot(QTreeWidgetItem, int)
    def _item_activated(self, item, _column):
        data = item.data(0, Qt.UserRole)
        if not data:
            return
        if "report" in data:
            from gui.notifications import open_file

            open_file(data["report"], self.session)
        else:
            self.run_chosen.emit(data)

    # --- the generator zoo ----------------------------------------------------------------

    def zoo_dialog(self):
        """Asks for the budget, then runs `case zoo` as the "zoo" job (progress and Cancel in the jobs panel)."""
        from PySide6.QtWidgets import QInputDialog

        from engine.zoo.options import CPU_BUDGET_MINUTES

        dialog = QInputDialog(self)
        dialog.setWindowTitle("Train generator zoo")
        dialog.setLabelText("Time budget for the whole zoo (minutes; more on a GPU).\n"
                            "Families already trained are kept: a cancelled zoo resumes where it stopped.")
        dialog.setInputMode(QInputDialog.DoubleInput)
        dialog.setDoubleRange(0.1, 24 * 60)
        dialog.setDoubleDecimals(1)
        dialog.setDoubleValue(CPU_BUDGET_MINUTES)
        dialog.doubleValueSelected.connect(self.start_zoo)
        dialog.open()
        return dialog

    def start_zoo(self, minutes):
        from engine.jobs.child import in_child_process
        from engine.zoo.job import zoo_job
        from engine.zoo.options import ZooOptions

        case_dir = self.session.case_dir
        if not case_dir:
            return
        self.jobs.start("zoo", f"generator zoo {os.path.basename(case_dir)}", in_child_process(zoo_job),
                        ZooOptions(dir=case_dir, budget=float(minutes)),
                        finished=self._zoo_finished, failed=self._zoo_failed)

    @Slot(object)
    def _zoo_finished(self, result):
        self.session.message.emit(f"Generator zoo done: {len(result['runs'])} runs and classifier "
                                  f"{result['classifier']} registered")
        self.refresh()

    @Slot(str)
    def _zoo_failed(self, reason):
        self.session.message.emit(f"Generator zoo stopped: {reason}")
        self.refresh()

    # --- dialogs ---------------------------------------------------------------------------

    def _open_dialog(self):
        path = QFileDialog.getExistingDirectory(self, "Open case")
        if path:
            self.open_case(path)

    def new_case_dialog(self):
        dialog = NewCaseDialog(self.jobs, self)
        dialog.created.connect(self._opened)
        dialog.open()
        return dialog


class NewCaseDialog(QDialog):
    """Creates the case itself (a job) and closes only once it exists; a bad value keeps
    the dialog open with the field marked and the reason under the form."""

    created = Signal(object)  # the new case's snapshot

    def __init__(self, jobs, parent=None):
        super().__init__(parent)
        self.jobs = jobs
        self.setWindowTitle("New case")
        self.folder = QLineEdit()
        self.folder.setToolTip("A new or empty folder; the case database and its artefacts go in it")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder)
        folder_row.addWidget(browse)
        self.reference = QLineEdit("builtin:digits")
        self.reference.setToolTip("The real data evidence is judged against. A dataset spec: a file, a folder, "
                                  "builtin:mnist|digits|fsdd|bach, with an optional [a:b] slice")
        self.name = QLineEdit()
        self.name.setToolTip("A name for reports (default: the folder's name)")
        self.error = QLabel("")
        self.error.setObjectName("dialog_error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c0392b")
        self.error.setTextInteractionFlags(Qt.TextSelectableByMouse)
        form = QFormLayout(self)
        form.addRow("Case folder", folder_row)
        form.addRow("Reference (real data)", self.reference)
        form.addRow("Name", self.name)
        form.addRow(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.button(QDialogButtonBox.Ok).setText("Create")
        self.buttons.accepted.connect(self._create)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)

    def _browse(self):
        path = QFileDialog.getExistingDirectory(self, "Case folder")
        if path:
            self.folder.setText(path)

    def values(self):
        return self.folder.text().strip(), self.reference.text().strip(), self.name.text().strip()

    def mark(self, field, reason):
        mark_invalid(field, self.error, reason)
        self.adjustSize()  # room for a long reason

    def _create(self):
        folder, reference, name = self.values()
        if not folder:
            return self.mark(self.folder, "Choose the case folder.")
        if not reference:
            return self.mark(self.reference, "Give the reference: the real data to judge against.")
        self.error.setText("Creating the case and profiling the reference…")
        self.adjustSize()
        self.error.setStyleSheet("color: palette(text)")
        self.buttons.button(QDialogButtonBox.Ok).setEnabled(False)
        self.jobs.start("case", f"new case {os.path.basename(folder)}", case_tasks.new_case_job,
                        {"case_dir": os.path.abspath(folder), "reference": reference, "name": name or None},
                        finished=self._created, failed=self._failed)

    def _created(self, snapshot):
        self.created.emit(snapshot)
        self.accept()

    def _failed(self, reason):
        self.buttons.button(QDialogButtonBox.Ok).setEnabled(True)
        folder = os.path.abspath(self.values()[0])
        # InputError text is "SOURCE: reason": the folder's problems name the folder.
        self.mark(self.folder if reason.startswith(folder) else self.reference, reason)
