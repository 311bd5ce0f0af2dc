"""Report export: choose the cases that go in, write the PDF in a job, then open it."""
import datetime
import os

from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout,
                               QLabel, QLineEdit, QPushButton, QVBoxLayout)

from gui.forms import mark_invalid, output_problem
from gui.notifications import open_file
from gui.tasks import case as case_tasks


class ReportDialog(QDialog):
    def __init__(self, jobs, session, other_cases=(), parent=None):
        super().__init__(parent)
        self.jobs, self.session = jobs, session
        self.setWindowTitle("Export report")
        case_dir = session.case_dir
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        self.out = QLineEdit(os.path.join(case_dir, "reports", f"report-{stamp}.pdf") if case_dir else "")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        out_row = QHBoxLayout()
        out_row.addWidget(self.out)
        out_row.addWidget(browse)
        self.analyst = QLineEdit()
        self.analyst.setPlaceholderText("analyst name (default: the login name)")
        self.analyst.setToolTip("The name printed on the report as its author")
        self.out.setToolTip("Where the PDF is written (default: the case's reports/ folder)")
        # The open case goes in; other recent cases can join it (one part per case).
        self.checks = {}
        cases = QVBoxLayout()
        choices = ([case_dir] if case_dir else []) + [p for p in other_cases if p != case_dir and os.path.isdir(p)]
        for path in choices:
            check = QCheckBox(path)
            check.setChecked(path == case_dir)
            self.checks[path] = check
            cases.addWidget(check)
        self.open_after = QCheckBox("Open the PDF when it is written")
        self.open_after.setChecked(True)
        self.open_after.setToolTip("Opens the PDF in the desktop's PDF viewer; without one, the notifications "
                                   "say so and where the file is")
        self.status = QLabel("" if case_dir else "Open a case first: a report describes a case.")
        form = QFormLayout()
        form.addRow("PDF file", out_row)
        form.addRow("Analyst", self.analyst)
        form.addRow("Cases", cases)
        form.addRow(self.open_after)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("Export")
        buttons.button(QDialogButtonBox.Ok).setEnabled(bool(case_dir))
        buttons.accepted.connect(self._export)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addWidget(buttons)

    def _browse(self):
        path, _ = QFileDialog.getSaveFileName(self, "Report PDF", self.out.text(), "PDF (*.pdf)")
        if path:
            self.out.setText(path)

    def params(self):
        return {"case_dirs": [path for path, check in self.checks.items() if check.isChecked()],
                "out": self.out.text().strip(), "analyst": self.analyst.text().strip()}

    def _export(self):
        params = self.params()
        if not params["case_dirs"]:
            self.status.setText("Choose at least one case.")
            return
        problem = output_problem(params["out"], ".pdf") if params["out"] else "Choose where to write the PDF."
        if problem:
            mark_invalid(self.out, self.status, problem)
            return
        open_after, session = self.open_after.isChecked(), self.session
        parent = self.parentWidget()

        def done(result):
            session.request_refresh()
            session.message.emit(f"Report written: {result['path']} ({result['pages']} pages, "
                                 f"{result['cases']} case(s), "
                                 f"evidence integrity {'ok' if result['integrity_ok'] else 'FAILED'})")
            if open_after:
                open_file(result["path"], session)

        self.jobs.start("report", f"report {os.path.basename(params['out'])}", case_tasks.report_job, params,
                        finished=done, failed=lambda reason: session.report_failure("Report", reason))
        if parent is not None:
            parent.statusBar().showMessage("Writing the report…", 5000)
        self.accept()
