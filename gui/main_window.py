"""The main window: case explorer, the views as tabs, jobs, notifications and log at the bottom.

One window shows one case: the views share a `CaseSession` and follow it."""
import logging
import os

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QFileDialog, QMainWindow, QTabWidget

from gui.case_explorer import CaseExplorer
from gui.compare_view import CompareView
from gui.evidence_view import EvidenceView
from gui.job_manager import JobManager
from gui.jobs_panel import JobsPanel
from gui.log_panel import LogPanel
from gui.notifications import NotificationsPanel
from gui.rounds_view import RoundsView
from gui.reproduce_panel import ReproducePanel
from gui.sample_view import SampleView
from gui.session import CaseSession
from gui.training_panel import TrainingPanel

log = logging.getLogger("gui")
MAX_RECENT = 8


class MainWindow(QMainWindow):
    def __init__(self, settings, restore_last_case=True):
        super().__init__()
        self.settings = settings
        self.setWindowTitle("GAN Forensics Workstation")
        self.resize(1400, 900)
        self.setAcceptDrops(True)
        self.jobs = JobManager(self)
        self.session = CaseSession(self)

        self.case_explorer = CaseExplorer(self.jobs, self.session)
        self.evidence_view = EvidenceView(self.jobs, self.session)
        self.sample_view = SampleView(self.jobs, self.session)
        self.compare_view = CompareView(self.jobs, self.session)
        self.training_panel = TrainingPanel(self.jobs, self.session, settings)
        self.rounds_view = RoundsView(self.jobs, self.session)
        self.tabs = QTabWidget()
        self.views = {
            "evidence": (self.evidence_view, "&Evidence"),
            "sample": (self.sample_view, "&Sample"),
            "compare": (self.compare_view, "&Compare"),
            "training": (self.training_panel, "&Training"),
            "rounds": (self.rounds_view, "&Rounds"),
            "reproduce": (ReproducePanel(self.jobs), "Re&produce"),
        }
        self.reproduce_panel = self.views["reproduce"][0]
        for widget, title in self.views.values():
            self.tabs.addTab(widget, title.replace("&", ""))
        self.setCentralWidget(self.tabs)

        self.log_panel = LogPanel()
        self.notifications = NotificationsPanel(self.jobs, self.session)
        self.jobs.log.connect(lambda text: log.info("%s", text))
        case_dock = self._dock("Case", self.case_explorer, Qt.LeftDockWidgetArea)
        jobs_dock = self._dock("Jobs", JobsPanel(self.jobs), Qt.BottomDockWidgetArea)
        self.notifications_dock = self._dock("Notifications", self.notifications, Qt.BottomDockWidgetArea)
        log_dock = self._dock("Log", self.log_panel, Qt.BottomDockWidgetArea)
        self.tabifyDockWidget(jobs_dock, self.notifications_dock)
        self.tabifyDockWidget(self.notifications_dock, log_dock)
        jobs_dock.raise_()
        # a new problem brings the notifications forward (once per burst, not stealing focus)
        self.notifications.list.model().rowsInserted.connect(lambda *_: self.notifications_dock.raise_())
        self.resizeDocks([jobs_dock], [130], Qt.Vertical)
        self.resizeDocks([case_dock], [270], Qt.Horizontal)

        self.evidence_view.sample_chosen.connect(self._show_sample)
        self.evidence_view.sample_selected.connect(self.sample_view.select_entry)
        self.session.message.connect(self.show_message)
        self.evidence_view.add_requested.connect(self._add_evidence_dialog)
        self.session.case_changed.connect(self._remember_case)
        self.training_panel.run_finished.connect(self._run_finished)
        self.case_explorer.run_chosen.connect(self._open_run)
        self._build_menus()
        self._restore_layout()
        if restore_last_case:
            last = self.settings.value("last_case", "", str)
            if last and os.path.isdir(last):
                self.open_case(last)

    def _dock(self, title, widget, area):
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock_{title.lower()}")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    # --- menus and shortcuts ------------------------------------------------------------

    def _action(self, menu, text, slot, shortcut=None):
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self):
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self._action(file_menu, "&New case…", self.case_explorer.new_case_dialog, QKeySequence.New)
        self._action(file_menu, "&Open case…", self._open_case_dialog, QKeySequence.Open)
        self.recent_menu = file_menu.addMenu("&Recent cases")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file_menu.addSeparator()
        self._action(file_menu, "Add &evidence…", self._add_evidence_dialog, "Ctrl+E")
        self._action(file_menu, "Re&fresh case", self.case_explorer.refresh, QKeySequence.Refresh)
        self._action(file_menu, "&Close case", self.close_case, "Ctrl+W")
        self._action(file_menu, "Export &report…", self._export_report, "Ctrl+R")
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, "Ctrl+Q")

        view_menu = bar.addMenu("&View")
        for number, (name, (_, title)) in enumerate(self.views.items(), start=1):
            self._action(view_menu, title, lambda _=False, n=name: self.show_view(n), f"Ctrl+{number}")
        view_menu.addSeparator()
        self._action(view_menu, "&Notifications", self.show_notifications, "Ctrl+Shift+N")

        jobs_menu = bar.addMenu("&Jobs")
        self._action(jobs_menu, "Get &verdicts", self.evidence_view.request_verdicts, "Ctrl+Shift+V")
        self._action(jobs_menu, "&Compare", self.compare_view.run_from_fields, "Ctrl+Shift+C")
        self._action(jobs_menu, "Start &training", lambda: self.training_panel.start(), "Ctrl+Shift+T")
        self._action(jobs_menu, "&Stop training", self.training_panel.stop, "Ctrl+Shift+S")
        self._action(jobs_menu, "Cancel &all", self.jobs.cancel_all, "Ctrl+.")

        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "User &guide", lambda: self._help("guide_dialog"), QKeySequence.HelpContents)
        self._action(help_menu, "Keyboard &shortcuts", lambda: self._help("shortcuts_dialog", self.shortcuts()),
                     "Ctrl+/")
        self._action(help_menu, "&About", lambda: self._help("about_dialog"))

    def shortcuts(self):
        """(menu ▸ action, shortcut) of every menu action that has one."""
        found = []
        for menu_action in self.menuBar().actions():
            menu = menu_action.menu()
            for action in menu.actions() if menu else ():
                if not action.shortcut().isEmpty():
                    found.append((f"{menu.title().replace('&', '')} ▸ {action.text().replace('&', '')}",
                                  action.shortcut().toString(QKeySequence.NativeText)))
        return found

    def _help(self, which, *args):
        from gui import help as help_windows

        dialog = getattr(help_windows, which)(self, *args)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.show()
        return dialog

    @Slot()
    def _fill_recent(self):
        self.recent_menu.clear()
        for path in self.recent_cases():
            self._action(self.recent_menu, path, lambda _=False, p=path: self.open_case(p))
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction("(none)").setEnabled(False)

    def recent_cases(self):
        value = self.settings.value("recent_cases", [], list)
        return [p for p in (value or []) if isinstance(p, str)]

    @Slot(object)
    def _remember_case(self, path):
        if not path:
            self.setWindowTitle("GAN Forensics Workstation")
            return
        recent = [path] + [p for p in self.recent_cases() if p != path]
        self.settings.setValue("recent_cases", recent[:MAX_RECENT])
        self.settings.setValue("last_case", path)
        self.setWindowTitle(f"GAN Forensics Workstation — {os.path.basename(path)}")

    # --- actions ---------------------------------------------------------------------------

    def show_view(self, name):
        self.tabs.setCurrentWidget(self.views[name][0])

    def show_message(self, text):
        self.statusBar().showMessage(text, 10000)

    def show_notifications(self):
        self.notifications_dock.show()
        self.notifications_dock.raise_()

    def open_case(self, path):
        self.case_explorer.open_case(path)

    def close_case(self):
        self.case_explorer.close_case()

    def add_evidence(self, paths):
        self.show_view("evidence")
        self.evidence_view.add_paths(paths)

    def _open_case_dialog(self):
        path = QFileDialog.getExistingDirectory(self, "Open case", self.settings.value("last_case", "", str))
        if path:
            self.open_case(path)

    def _add_evidence_dialog(self):
        files, _ = QFileDialog.getOpenFileNames(self, "Add evidence")
        if files:
            self.add_evidence(files)

    def _export_report(self):
        from gui.report_dialog import ReportDialog

        ReportDialog(self.jobs, self.session, self.recent_cases(), self).open()

    @Slot(object)
    def _show_sample(self, entry):
        self.sample_view.show_entry(entry)
        self.show_view("sample")

    @Slot(dict)
    def _run_finished(self, run):
        if run.get("kind") == "rounds":
            self.rounds_view.load(run["out"])

    @Slot(dict)
    def _open_run(self, run):
        """A registered run opens in the training panel, ready to resume."""
        self.training_panel.show_run(run)
        self.show_view("training")

    # --- drag and drop ---------------------------------------------------------------------

    def dragEnterEvent(self, event):
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event):
        paths = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.add_evidence(paths)

    # --- layout persistence ----------------------------------------------------------------

    def _restore_layout(self):
        geometry = self.settings.value("window/geometry")
        state = self.settings.value("window/state")
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None:
            self.restoreState(state)

    def closeEvent(self, event):
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.training_panel.save_settings()
        self.jobs.shutdown()
        self.sample_view.stop_playback()
        self.log_panel.detach()
        super().closeEvent(event)
