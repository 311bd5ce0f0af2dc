"""The window's pictures in docs/gui.md, made from the folder `main.py demo` writes.

    python main.py demo --quick --out demo-out
    QT_QPA_PLATFORM=offscreen python docs/screenshots.py demo-out docs/img

Each picture is the real window in a scripted state (throwaway settings): the evidence view,
the sample view of each modality with a value readout, a case switch, the notifications
after three failures, the New-case dialog with a bad reference, and the training panel in
the middle of a run (smoothing, KS and JSD over the steps); small copies of four of them
for the Help menu's user guide go to resources/guide/.
"""
import os
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


def settle(app, window, quiet_s=0.6, timeout_s=300.0):
    """Runs the event loop until no job has run (and no view had results to show) for `quiet_s`."""
    deadline, quiet_since = time.monotonic() + timeout_s, None
    while time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.02)
        if not window.jobs.is_idle():
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= quiet_s:
            return
    raise SystemExit("screenshots: the window did not settle")


def wait_for(app, condition, timeout_s=300.0):
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit("screenshots: timed out")
        app.processEvents()
        time.sleep(0.02)


def first(folder):
    """The first file of a folder, by name."""
    return os.path.join(folder, sorted(os.listdir(folder))[0])


def save(widget, path):
    if not widget.grab().save(path):
        raise SystemExit(f"screenshots: could not write {path}")
    print("wrote", path)


def open_case(app, window, case_dir, *evidence):
    window.open_case(case_dir)
    wait_for(app, lambda: window.session.case_dir == os.path.abspath(case_dir))
    if evidence:
        window.add_evidence(list(evidence))
    settle(app, window)


def sample_detail(app, window, path, readout_at):
    """The sample view of the file at `path`, the mouse at view coordinates `readout_at` of the map."""
    from gui.sample_view import scene_point

    window.show_view("evidence")
    window.evidence_view.select(window.session.evidence.get(os.path.abspath(path)))
    window.evidence_view.detail_button.click()
    settle(app, window)
    view = window.sample_view
    view._mouse_moved(scene_point(view.map_plot, *readout_at))


def side_by_side(left, right, captions, path):
    """Two window pictures next to each other, each with its caption above."""
    from PySide6.QtGui import QColor, QFont, QPainter, QPixmap

    band = 36
    canvas = QPixmap(left.width() + right.width() + 20, max(left.height(), right.height()) + band)
    canvas.fill(QColor("white"))
    painter = QPainter(canvas)
    font = QFont()
    font.setPixelSize(18)
    painter.setFont(font)
    for x, picture, caption in ((0, left, captions[0]), (left.width() + 20, right, captions[1])):
        painter.drawText(x + 8, 24, caption)
        painter.drawPixmap(x, band, picture)
    painter.end()
    canvas.save(path)
    print("wrote", path)


def main(demo, out):
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from gui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    settings = QSettings(os.path.join(tempfile.mkdtemp(prefix="gf-shots-"), "s.ini"), QSettings.IniFormat)
    window = MainWindow(settings, restore_last_case=False)
    window.resize(1400, 900)
    window.show()
    evidence = os.path.join(demo, "evidence")
    image, speech, music = (os.path.join(demo, f"case-{name}") for name in ("image", "speech", "music"))
    os.makedirs(out, exist_ok=True)
    scratch = tempfile.mkdtemp(prefix="gf-shots-files-")
    notes = os.path.join(scratch, "notes.txt")
    with open(notes, "w", encoding="utf-8") as fh:
        fh.write("not evidence\n")

    # The image case: evidence, then a real digit's detail.
    open_case(app, window, image, os.path.join(evidence, "image", "real"), os.path.join(evidence, "image", "generated"),
              notes)
    window.show_view("evidence")
    window.evidence_view.select(window.session.evidence.get(os.path.abspath(first(os.path.join(evidence, "image",
                                                                                                "generated")))))
    app.processEvents()
    save(window, os.path.join(out, "evidence.png"))
    image_case = window.grab()
    sample_detail(app, window, first(os.path.join(evidence, "image", "real")), (14.2, 9.3))
    save(window, os.path.join(out, "sample-image.png"))

    # Failures: a bad reference in the New-case dialog, a bad compare set, training on nothing.
    dialog = window.case_explorer.new_case_dialog()
    dialog.folder.setText(os.path.join(scratch, "new-case"))
    dialog.reference.setText("builtin:mnits")
    dialog.buttons.accepted.emit()
    settle(app, window)
    save(dialog, os.path.join(out, "new-case-dialog.png"))
    dialog.reject()
    window.compare_view.run_comparison("builtin:digits[0:50]", [f"gan={os.path.join(scratch, 'nowhere')}"])
    settle(app, window)
    window.training_panel.data.setText(os.path.join(scratch, "nowhere"))
    window.training_panel.start(steps=10)
    settle(app, window)
    window.show_view("evidence")
    window.show_notifications()
    app.processEvents()
    save(window, os.path.join(out, "notifications.png"))

    # A case switch: the speech case replaces the image case.
    open_case(app, window, speech, os.path.join(evidence, "speech", "real"),
              os.path.join(evidence, "speech", "generated"))
    window.show_view("evidence")
    app.processEvents()
    captions = ("An image case open (MNIST reference)",
                "After File ▸ Open case: the speech case; nothing of the image case stays")
    side_by_side(image_case, window.grab(), captions, os.path.join(out, "case-switch.png"))
    sample_detail(app, window, first(os.path.join(evidence, "speech", "real")), (0.21, 20.5))
    save(window, os.path.join(out, "sample-speech.png"))
    sample_detail(app, window, first(os.path.join(evidence, "speech", "generated")), (0.5, 12.5))
    save(window, os.path.join(out, "sample-speech-generated.png"))

    # The music case.
    open_case(app, window, music, os.path.join(evidence, "music", "real"), os.path.join(evidence, "music", "generated"))
    sample_detail(app, window, first(os.path.join(evidence, "music", "real")), (40.5, 67.5))
    save(window, os.path.join(out, "sample-music.png"))

    # The training panel mid-run, in the image case.
    open_case(app, window, image)
    panel = window.training_panel
    window.show_view("training")
    panel.device.setCurrentText("cpu")
    panel.smoothing.setValue(0.7)
    panel.start(steps=3000)
    wait_for(app, lambda: len(panel.divergence_curves["KS"].xData if panel.divergence_curves["KS"].xData is not None
                              else ()) >= 6)
    for _ in range(30):  # the display timer draws the newest values
        app.processEvents()
        time.sleep(0.02)
    save(window, os.path.join(out, "training.png"))
    panel.stop()
    settle(app, window)
    window.close()
    guide_pictures(out)


def guide_pictures(out, width=600):
    """Small copies of four pictures for the Help menu's user guide (gui/help.py), which ships
    in resources/ (docs/ does not)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage

    folder = os.path.join(ROOT, "resources", "guide")
    os.makedirs(folder, exist_ok=True)
    for name in ("case-switch.png", "evidence.png", "sample-speech.png", "training.png"):
        picture = QImage(os.path.join(out, name)).scaledToWidth(width, Qt.SmoothTransformation)
        target = os.path.join(folder, name)
        if not picture.convertToFormat(QImage.Format_Indexed8).save(target):
            raise SystemExit(f"screenshots: could not write {target}")
        print("wrote", target)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    main(sys.argv[1], sys.argv[2])
