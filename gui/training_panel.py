"""Training panel: choose what to train, start / stop / resume, and watch it learn.

The engine's training jobs (engine/training_jobs.py) run through the job manager;
their partial results ({"step", "losses", "preview", "histogram"}) are buffered here
and drawn by a display timer, never at the rate they arrive.
"""
import datetime
import os

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtWidgets import (QComboBox, QFormLayout, QGridLayout, QHBoxLayout, QLabel, QLineEdit,
                               QProgressBar, QPushButton, QSpinBox, QVBoxLayout, QWidget)

from gui import plotting
from gui.tasks import HIST_BINS
from gui.tasks import compare as compare_tasks
from gui.jobs_panel import format_eta

# kind shown -> (engine.training_jobs function, losses offered, form rows shown)
KINDS = {
    "GAN": ("train_gan_job", ("gan", "lsgan", "wgan-gp"), ("data", "loss", "activation")),
    "classifier": ("train_classifier_job", (), ("data", "fakes")),
    "inverse model": ("train_inverse_job", (), ("generator",)),
    "rounds": ("train_rounds_job", ("fool-all", "memoryless"), ("data", "loss", "iterations", "generators")),
}
ACTIVATIONS = ("sigmoid", "tanh", "scaled-tanh", "linear")
DEVICES = ("auto", "cpu", "cuda")
LOG_EVERY_STEPS = 5  # metrics.jsonl resolution
PREVIEW_EVERY_STEPS = 25  # live partials (losses, preview grid, histogram); each also saves a preview PNG


class TrainingPanel(QWidget):
    run_finished = Signal(dict)  # run.json (rounds: rounds.json) of a finished run, plus "out": its folder

    def __init__(self, jobs, case_explorer, settings, parent=None):
        super().__init__(parent)
        self.jobs, self.case_explorer, self.settings = jobs, case_explorer, settings
        self.last_out = None
        self.history = {}  # loss name -> [(step, value)]
        self.preview = None
        self.generated_histogram = None
        self.reference_histogram = None
        self._dirty = False

        self.kind = QComboBox()
        self.kind.addItems(list(KINDS))
        self.kind.currentTextChanged.connect(self._kind_changed)
        self.data = QLineEdit(settings.value("training/data", "builtin:digits", str))
        self.fakes = QLineEdit()
        self.fakes.setPlaceholderText("NAME=SPEC … (generated sets to tell apart)")
        self.generator = QLineEdit()
        self.generator.setPlaceholderText("GAN run folder")
        self.loss = QComboBox()
        self.activation = QComboBox()
        self.activation.addItems(ACTIVATIONS)
        self.iterations = QSpinBox()
        self.iterations.setRange(1, 50)
        self.iterations.setValue(2)
        self.generators = QSpinBox()
        self.generators.setRange(2, 64)
        self.generators.setValue(4)
        self.epochs = QSpinBox()
        self.epochs.setRange(1, 10000)
        self.epochs.setValue(5)
        self.device = QComboBox()
        self.device.addItems(DEVICES)
        self.device.setCurrentText(settings.value("training/device", "auto", str))
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.out = QLineEdit()
        self.out.setPlaceholderText("run folder (default: the case's runs/ or ~/ganforensics-runs/)")
        form = self.form = QFormLayout()
        self.rows = {}
        for key, label, widget in (("kind", "Train", self.kind), ("data", "Data", self.data),
                                   ("fakes", "Generated sets", self.fakes),
                                   ("generator", "Generator run", self.generator),
                                   ("loss", "Loss", self.loss), ("activation", "Output activation", self.activation),
                                   ("iterations", "Iterations", self.iterations),
                                   ("generators", "GANs per iteration", self.generators),
                                   ("epochs", "Epochs", self.epochs), ("device", "Device", self.device),
                                   ("seed", "Seed", self.seed), ("out", "Run folder", self.out)):
            form.addRow(label, widget)
            self.rows[key] = widget

        self.start_button, self.stop_button = QPushButton("Start"), QPushButton("Stop")
        self.resume_button = QPushButton("Resume")
        self.start_button.clicked.connect(lambda: self.start(resume=False))
        self.resume_button.clicked.connect(lambda: self.start(resume=True))
        self.stop_button.clicked.connect(self.stop)
        buttons = QHBoxLayout()
        for button in (self.start_button, self.stop_button, self.resume_button):
            buttons.addWidget(button)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.eta = QLabel("")
        self.status = QLabel("Idle.")
        self.status.setWordWrap(True)
        left = QVBoxLayout()
        left.addLayout(form)
        left.addLayout(buttons)
        left.addWidget(self.progress)
        left.addWidget(self.eta)
        left.addWidget(self.status)
        left.addStretch(1)
        left_widget = QWidget()
        left_widget.setLayout(left)
        left_widget.setMaximumWidth(380)

        self.loss_plot = plotting.plot_widget("Losses", "step", "loss")
        self.loss_curves = {}
        self.preview_widget = pg.GraphicsLayoutWidget()
        self.preview_view = self.preview_widget.addViewBox(lockAspect=True, invertY=True)
        self.preview_image = pg.ImageItem()
        self.preview_view.addItem(self.preview_image)
        self.preview_widget.ci.addLabel("Samples from fixed noise", row=1, col=0)
        self.hist_plot = plotting.plot_widget("Intensity histogram", "intensity", "density")
        self.reference_curve = plotting.curve(self.hist_plot.getPlotItem(), "reference", plotting.REFERENCE_PEN,
                                              step=True)
        self.generated_curve = plotting.curve(self.hist_plot.getPlotItem(), "generated",
                                              pg.mkPen(plotting.colour(0), width=2), step=True)
        plots = QGridLayout()
        plots.addWidget(self.loss_plot, 0, 0, 1, 2)
        plots.addWidget(self.preview_widget, 1, 0)
        plots.addWidget(self.hist_plot, 1, 1)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(left_widget)
        layout.addLayout(plots, 1)
        self.display_timer = QTimer(self)
        self.display_timer.setInterval(100)
        self.display_timer.timeout.connect(self._draw)
        self.display_timer.start()
        self._kind_changed(self.kind.currentText())
        self._set_running(False)

    # --- form --------------------------------------------------------------------------

    @Slot(str)
    def _kind_changed(self, kind):
        _, losses, shown = KINDS[kind]
        self.loss.clear()
        self.loss.addItems(list(losses))
        for key in ("data", "fakes", "generator", "loss", "activation", "iterations", "generators"):
            widget = self.rows[key]
            widget.setVisible(key in shown)
            self.form.labelForField(widget).setVisible(key in shown)

    def _default_out(self, kind):
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        base = (os.path.join(self.case_explorer.case_dir, "runs") if self.case_explorer.case_dir
                else os.path.join(os.path.expanduser("~"), "ganforensics-runs"))
        return os.path.join(base, f"{kind.split()[0]}-{stamp}")

    def params(self, resume):
        kind = self.kind.currentText()
        out = self.out.text().strip() or (self.last_out if resume and self.last_out else self._default_out(kind))
        params = {"out": out, "epochs": self.epochs.value(), "seed": self.seed.value(),
                  "device": self.device.currentText(), "resume": resume,
                  "log_every": LOG_EVERY_STEPS, "preview_every": PREVIEW_EVERY_STEPS}
        if self.case_explorer.case_dir:
            params["case"] = self.case_explorer.case_dir
        if kind in ("GAN", "rounds"):
            params["data"] = self.data.text().strip()
            params["loss"] = self.loss.currentText()
        if kind == "GAN":
            params["activation"] = self.activation.currentText()
        if kind == "rounds":
            params["iterations"] = self.iterations.value()
            params["generators"] = self.generators.value()
        if kind == "classifier":
            from gui.compare_view import parse_sets

            params["real"] = self.data.text().strip()
            params["fakes"] = parse_sets(self.fakes.text())
        if kind == "inverse model":
            params["generator"] = self.generator.text().strip()
        return params

    def show_run(self, run):
        """Fills the form from a case's run row (kind and run folder), ready for Resume."""
        kind = {"gan": "GAN", "classifier": "classifier", "inverse": "inverse model"}.get(run["kind"])
        if kind is None:
            return
        self.kind.setCurrentText(kind)
        self.out.setText(run["run_dir"])
        self.last_out = run["run_dir"]
        self.status.setText(f"{run['name']}: Resume continues this run.")

    # --- running -----------------------------------------------------------------------

    def start(self, resume=False, **overrides):
        """Starts (or resumes) a run of the chosen kind; `overrides` adjust the job's params."""
        import engine.training_jobs as training_jobs

        kind = self.kind.currentText()
        job = getattr(training_jobs, KINDS[kind][0])
        params = dict(self.params(resume), **overrides)
        self.last_out = params["out"]
        self.out.setText(params["out"])
        if not resume:
            self.history, self.preview, self.generated_histogram = {}, None, None
        self._dirty = True
        if "data" in params:
            self.jobs.start("training-reference", "reference histogram", compare_tasks.reference_histogram_job,
                            {"data": params["data"]}, finished=self._reference_histogram)
        self.status.setText(f"{'Resuming' if resume else 'Training'} {kind} → {params['out']}")
        self._set_running(True)
        return self.jobs.start("training", f"train {kind}", job, params, progress=self._progress,
                               partial=self._partial, finished=self._finished, failed=self._failed)

    def stop(self):
        self.jobs.cancel("training")
        self.status.setText("Stopping: the run saves a checkpoint; Resume continues it.")
        self._set_running(False)

    def _set_running(self, running):
        self.start_button.setEnabled(not running)
        self.resume_button.setEnabled(not running)
        self.stop_button.setEnabled(running)

    @Slot(float, str)
    def _progress(self, fraction, message):
        self.progress.setValue(int(fraction * 1000))
        record = self.jobs.running("training")
        self.eta.setText(f"{fraction * 100:.0f}%  {format_eta(record.eta_seconds() if record else None)}  {message}")

    @Slot(object)
    def _partial(self, update):
        for name, value in update.get("losses", {}).items():
            self.history.setdefault(name, []).append((update["step"], value))
        if update.get("preview") is not None:
            self.preview = update["preview"]
        if update.get("histogram") is not None:
            self.generated_histogram = update["histogram"]
        self._dirty = True

    @Slot(object)
    def _reference_histogram(self, counts):
        self.reference_histogram = counts
        self._dirty = True

    def _finished(self, run):
        self._set_running(False)
        self.progress.setValue(1000)
        metrics = run.get("metrics", {})
        shown = ", ".join(f"{k} {v:.4g}" for k, v in metrics.items() if isinstance(v, (int, float)))
        self.status.setText(f"Finished: {self.last_out}\n{shown}")
        self.run_finished.emit(dict(run, out=self.last_out))

    def _failed(self, reason):
        self._set_running(False)
        self.status.setText(f"Training failed: {reason}")

    # --- drawing -----------------------------------------------------------------------

    @Slot()
    def _draw(self):
        if not self._dirty:
            return
        self._dirty = False
        for number, (name, points) in enumerate(sorted(self.history.items())):
            curve = self.loss_curves.get(name)
            if curve is None:
                curve = plotting.curve(self.loss_plot.getPlotItem(), name, pg.mkPen(plotting.colour(number), width=2))
                self.loss_curves[name] = curve
            steps, values = np.asarray(points, dtype=np.float64).T
            plotting.set_xy(curve, steps, values)
        if self.preview is not None:
            grid = np.asarray(self.preview)
            self.preview_image.setImage(grid[..., 0] if grid.shape[-1] == 1 else grid, levels=(0.0, 1.0))
        edges = np.linspace(0.0, 1.0, HIST_BINS + 1)
        for curve, counts in ((self.reference_curve, self.reference_histogram),
                              (self.generated_curve, self.generated_histogram)):
            if counts is not None:
                counts = np.asarray(counts, dtype=np.float64)
                plotting.set_step(curve, edges, counts / max(counts.sum(), 1.0) * HIST_BINS)

    def save_settings(self):
        self.settings.setValue("training/device", self.device.currentText())
        self.settings.setValue("training/data", self.data.text())
