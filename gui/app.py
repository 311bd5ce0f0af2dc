"""Starts the workstation window (`python main.py` or `python main.py gui ...`).

Only Qt and pyqtgraph load at start-up; torch, librosa and the analysis modules load
inside the jobs that need them, so the window is usable quickly.
"""
import gc
import logging
import os
import sys
import tempfile
import time

from engine.errors import InputError

log = logging.getLogger("gui")

VIEWS = ("evidence", "sample", "compare", "training", "rounds", "reproduce")


def run_gui(args):
    started = time.monotonic()
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtWidgets import QApplication

    view = getattr(args, "view", None)
    if view is not None and view not in VIEWS:
        raise InputError("--view", f"unknown view {view!r} (one of {', '.join(VIEWS)})")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName("GANForensics")
    app.setApplicationName("GAN Forensics Workstation")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")

    from gui.log_panel import ExceptionHook
    from gui.main_window import MainWindow

    screenshot = getattr(args, "screenshot", None)
    # A screenshot run neither reads nor changes the analyst's saved layout and cases; its
    # throwaway settings folder goes when the run ends.
    scratch = tempfile.TemporaryDirectory(prefix="gf-shot-") if screenshot else None
    settings = (QSettings(os.path.join(scratch.name, "settings.ini"), QSettings.IniFormat)
                if scratch else QSettings())
    window = MainWindow(settings, restore_last_case=not screenshot and not args.case)
    hook = ExceptionHook(window)
    hook.install()
    window.show()
    log.info("window ready in %.2f s", time.monotonic() - started)

    if args.case:
        window.open_case(args.case)
    if getattr(args, "compare", None):
        window.compare_view.run_comparison(args.compare[0], args.compare[1:])
    if getattr(args, "rounds", None):
        window.rounds_view.load(args.rounds)
    if getattr(args, "train", None):
        overrides = {"steps": args.train_steps} if args.train_steps else {}
        if args.case:  # train into the case once it is open (the run folder and registration need it;
            # the panel has by then set its data to the case's fitting part, which --train overrides)
            window.session.case_changed.connect(lambda _: window.training_panel.train_on(args.train, **overrides),
                                                Qt.SingleShotConnection)
        else:
            window.training_panel.train_on(args.train, **overrides)
    if args.paths and args.case:  # judged in the case, once it is open (opening empties the view)
        window.session.case_changed.connect(lambda _: window.add_evidence(args.paths), Qt.SingleShotConnection)
    elif args.paths:
        window.add_evidence(args.paths)
    if view:
        window.show_view(view)
    if screenshot:
        from gui.screenshot import ScreenshotWhenIdle

        ScreenshotWhenIdle(window, screenshot, timeout_s=getattr(args, "screenshot_timeout", 300))
    try:
        return app.exec()
    finally:
        hook.uninstall()
        # Destroy the widgets while Qt and Python are both alive: left to interpreter
        # shutdown, pyqtgraph items can be collected after their C++ side is gone.
        window.deleteLater()
        app.sendPostedEvents(None, 0)
        gc.collect()
        if scratch:
            scratch.cleanup()
