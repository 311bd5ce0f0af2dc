"""Training panel: choose what to train, start / stop / resume, and watch it learn.

The engine's training jobs (engine/training_jobs.py) run through the job manager;
their partial results ({"step", "losses", "preview", "histogram"}) are buffered here
and drawn by a display timer, never at the rate they arrive: at each tick only one plot
that has something new is redrawn (in turn), so the window never paints all four plots
in one go while a run trains (docs/gui.md, "Responsiveness").

The panel follows the window's case session: the data defaults to the case's reference,
each Start trains into a fresh folder inside the case, and Resume offers the case's runs
(a run of another case is never continued by accident). Another case, or none, stops a
running training (it keeps its checkpoint) and clears the plots.

The form's rows are fields of the jobs' options dataclasses (engine/training_options.py):
KINDS lists the fields each kind offers; widget, label, tooltip, default and QSettings key
come from the field (gui/option_form.py).
"""
import dataclasses
import datetime
import os

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QGridLayout, QHBoxLayout,
                               QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget)

from engine.options import label
from engine.training_options import ClassifierOptions, GanOptions, InverseOptions, RoundsOptions
from gui import option_form, plotting
from gui.tasks import HIST_BINS
from gui.jobs_panel import format_eta, show_progress

# The plots the display timer redraws, one per tick, in this order when several have news.
PLOTS = ("losses", "divergence", "preview", "histogram")
DISPLAY_MS = 100
# kind shown -> (engine.training_jobs function, its options, the fields its form offers)
KINDS = {
    "GAN": ("train_gan_job", GanOptions, ("data", "loss", "activation", "epochs", "device", "seed", "out")),
    "classifier": ("train_classifier_job", ClassifierOptions, ("real", "fakes", "epochs", "device", "seed", "out")),
    "inverse model": ("train_inverse_job", InverseOptions, ("generator", "epochs", "device", "seed", "out")),
    "rounds": ("train_rounds_job", RoundsOptions,
               ("data", "loss", "iterations", "generators", "device", "seed", "out")),
}
SAME_ROW = {"real": "data"}  # the classifier's real set is typed in the Data row
FORM_ROWS = ("data", "fakes", "generator", "loss", "activation", "iterations", "generators", "epochs", "device",
             "seed", "out")  # the rows of every kind's fields, in the form's order
REMEMBERED = ("data", "device")  # kept between sessions, under option_form.settings_key("training", name)
FIRST_DATA = "builtin:digits"  # the data offered before a case or an earlier session chose any
PLACEHOLDERS = {"fakes": "NAME=SPEC … (generated sets to tell apart)", "generator": "GAN run folder",
                "out": "empty: a fresh folder in the case's runs/"}
NOTES = {"data": "With a case open: the case's reference, so the trained model fits the case",
         "out": "Empty: a fresh folder in the case's runs/ (no case: ~/ganforensics-runs/)"}
RUN_KINDS = {"gan": "GAN", "classifier": "classifier", "inverse": "inverse model"}  # run.json kind -> shown
LOG_EVERY_STEPS = 5  # metrics.jsonl resolution
PREVIEW_EVERY_STEPS = 25  # live partials (losses, preview grid, histogram); each also saves a preview PNG


class TrainingPanel(QWidget):
    run_finished = Signal(dict)  # run.json (rounds: rounds.json) of a finished run, plus "out": its folder

    def __init__(self, jobs, session, settings, parent=None):
        super().__init__(parent)
        self.jobs, self.session, self.settings = jobs, session, settings
        self.last_out = None
        self.session_runs = []  # runs this panel started outside a case, for Resume
        self.running_kind = None  # the kind of the run started last (the Kind box may change after)
        self.history = {}  # loss name -> [(step, value)]
        self.divergence = {}  # preview step -> (KS, JSD) of its samples to the training data
        self.preview = None
        self.generated_histogram = None
        self.reference_histogram = None
        self._dirty = set()  # the plots (PLOTS) with something new to draw
        self._drawn_last = len(PLOTS) - 1  # the plot drawn at the previous display tick
        self._smoothers = {}  # loss name -> plotting.Smoother of its curve

        self.kind = QComboBox()
        self.kind.addItems(list(KINDS))
        self.kind.currentTextChanged.connect(self._kind_changed)
        self.kind.setToolTip("What to train: a GAN on the data, a classifier telling real from generated sets, "
                             "an inverse model of a GAN, or sequential GAN-vs-classifier rounds")
        self.fields = {row: option_form.make_widget(*first_offer(row)) for row in FORM_ROWS}
        for row, text in PLACEHOLDERS.items():
            self.fields[row].setPlaceholderText(text)
        self.fields["data"].setText(FIRST_DATA)
        for name in REMEMBERED:
            widget = self.fields[name]
            stored = settings.value(option_form.settings_key("training", name),
                                    option_form.value(widget, *first_offer(name)), str)
            option_form.set_value(widget, stored)
        # the rows other parts of the window fill in (gui/app.py --train) or tests drive
        self.data, self.loss, self.activation, self.device, self.out = (
            self.fields[name] for name in ("data", "loss", "activation", "device", "out"))
        self.resume_run = QComboBox()
        self.resume_run.setToolTip("The run Resume continues: the case's runs with a checkpoint")
        self.resume_run.currentIndexChanged.connect(self._update_buttons)
        form = self.form = QFormLayout()
        form.addRow("Train", self.kind)
        for row, widget in self.fields.items():
            form.addRow(label(*first_offer(row)), widget)
        form.addRow("Resume run", self.resume_run)

        self.start_button, self.stop_button = QPushButton("Start"), QPushButton("Stop")
        self.resume_button = QPushButton("Resume")
        self.start_button.setToolTip("Start a new run into a fresh folder (Ctrl+Shift+T)")
        self.stop_button.setToolTip("Stop the run; it saves a checkpoint that Resume continues (Ctrl+Shift+S)")
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
        self.smoothing = QDoubleSpinBox()
        self.smoothing.setRange(0.0, 0.99)
        self.smoothing.setSingleStep(0.1)
        self.smoothing.setValue(0.6)
        self.smoothing.setPrefix("smoothing ")
        self.smoothing.setToolTip("Exponential moving average of the losses (0: raw values); the raw curve "
                                  "stays faint behind")
        self.log_scale = QCheckBox("log scale")
        self.log_scale.setToolTip("Logarithmic loss axis (losses at or below zero are left out)")
        self.reset_zoom = QPushButton("Reset zoom")
        self.reset_zoom.setToolTip("Back to the whole curve, following new steps again")
        self.smoothing.valueChanged.connect(self._mark_dirty)
        self.log_scale.toggled.connect(self._log_scale_toggled)
        self.reset_zoom.clicked.connect(self.auto_range)
        curve_bar = QHBoxLayout()
        curve_bar.addWidget(self.smoothing)
        curve_bar.addWidget(self.log_scale)
        curve_bar.addWidget(self.reset_zoom)
        curve_bar.addStretch(1)
        self.divergence_plot = plotting.plot_widget("Samples vs training data", "step", "KS / JSD (bits)")
        self.divergence_plot.setToolTip("At each preview: KS distance (CDFs at 0.01 steps) and Jensen–Shannon "
                                        "divergence (100-bin histograms) of the fixed-noise samples' intensities "
                                        "to the training data's")
        self.divergence_curves = {
            name: plotting.curve(self.divergence_plot.getPlotItem(), name, pg.mkPen(plotting.colour(k + 2), width=2))
            for k, name in enumerate(("KS", "JSD"))}
        self.preview_widget = pg.GraphicsLayoutWidget()
        self.preview_view = self.preview_widget.addViewBox(lockAspect=True, invertY=True)
        self.preview_image = pg.ImageItem()
        self.preview_view.addItem(self.preview_image)
        self.preview_widget.ci.addLabel("Samples from fixed noise", row=1, col=0)
        self.step_axis = plotting.StepAxis(self.loss_plot.getPlotItem(), self.divergence_plot.getPlotItem())
        self.hist_plot = plotting.plot_widget("Intensity histogram", "intensity", "density")
        self.reference_curve = plotting.curve(self.hist_plot.getPlotItem(), "reference", plotting.REFERENCE_PEN,
                                              step=True)
        self.generated_curve = plotting.curve(self.hist_plot.getPlotItem(), "generated",
                                              pg.mkPen(plotting.colour(0), width=2), step=True)
        plots = QGridLayout()
        plots.addLayout(curve_bar, 0, 0, 1, 2)
        plots.addWidget(self.loss_plot, 1, 0)
        plots.addWidget(self.divergence_plot, 1, 1)
        plots.addWidget(self.preview_widget, 2, 0)
        plots.addWidget(self.hist_plot, 2, 1)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(left_widget)
        layout.addLayout(plots, 1)
        self.display_timer = QTimer(self)
        self.display_timer.setInterval(DISPLAY_MS)
        self.display_timer.timeout.connect(self._draw)
        self.display_timer.start()
        self._kind_changed(self.kind.currentText())
        self._update_buttons()
        jobs.job_ended.connect(self._update_buttons)  # a stopped run has finished saving its checkpoint
        session.case_changed.connect(self._case_changed)
        session.snapshot_changed.connect(self._fill_resumable)

    # --- form --------------------------------------------------------------------------

    @Slot(str)
    def _kind_changed(self, kind):
        """Shows the kind's rows with its fields' tooltips and choices (a row shared with another
        kind keeps what was typed in it)."""
        _, options, names = KINDS[kind]
        shown = {SAME_ROW.get(name, name): name for name in names}
        for row, widget in self.fields.items():
            if row in shown:
                option_form.offer(widget, options, shown[row])
                if row in NOTES:
                    widget.setToolTip(f"{widget.toolTip()}. {NOTES[row]}")
            widget.setVisible(row in shown)
            self.form.labelForField(widget).setVisible(row in shown)

    def _default_out(self, kind):
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        base = (os.path.join(self.session.case_dir, "runs") if self.session.case_dir
                else os.path.join(os.path.expanduser("~"), "ganforensics-runs"))
        return os.path.join(base, f"{kind.split()[0]}-{stamp}")

    @Slot(object)
    def _case_changed(self, case_dir):
        """Another case: stop what trains for the previous one, clear the plots, and default
        the data to the case's reference."""
        if self.jobs.running("training"):
            self.stop()
            self.status.setText("The training of the previous case was stopped (its checkpoint is kept).")
        else:
            self.status.setText("Idle." if case_dir else "Idle. Open a case to train models for it.")
        self.jobs.cancel("training-reference")
        self.clear_plots()
        self.last_out = None
        self.out.clear()
        self.session_runs = []
        # the fitting part only: a model trained on the calibration files would calibrate against itself
        self.data.setText(self.session.fitting_spec() or "")
        self._fill_resumable(self.session.snapshot)
        self.progress.setValue(0)
        self.eta.clear()

    @Slot(object)
    def _fill_resumable(self, snapshot):
        runs = list((snapshot or {}).get("resumable", []))
        runs += [run for run in self.session_runs if run["run_dir"] not in {r["run_dir"] for r in runs}]
        chosen = self.resume_run.currentData()
        self.resume_run.blockSignals(True)
        self.resume_run.clear()
        for run in runs:
            self.resume_run.addItem(f"{run['name']} ({RUN_KINDS.get(run['kind'], run['kind'])}, {run['status']})", run)
        if not runs:
            self.resume_run.addItem("(no run to resume)")
        for row in range(self.resume_run.count()):
            data = self.resume_run.itemData(row)
            if chosen and data and data["run_dir"] == chosen["run_dir"]:
                self.resume_run.setCurrentIndex(row)
        self.resume_run.blockSignals(False)
        self._update_buttons()

    def _update_buttons(self, *_):
        running = self.jobs.running("training") is not None
        busy = running or self.jobs.ending("training")  # a stopped run may still be saving its checkpoint
        self.start_button.setEnabled(not busy)
        self.kind.setEnabled(not busy)
        self.stop_button.setEnabled(running)
        self.resume_button.setEnabled(not busy and self.resume_run.currentData() is not None)
        self.resume_button.setToolTip("Continue the run chosen under Resume run" if self.resume_run.currentData()
                                      else "No run to resume: Start a run first (a stopped run keeps a checkpoint)")

    def params(self, resume):
        """The chosen kind's options as the form holds them."""
        kind = self.kind.currentText()
        _, options, names = KINDS[kind]
        values = {name: option_form.value(self.fields[SAME_ROW.get(name, name)], options, name) for name in names}
        if resume:
            values["out"] = self.resume_run.currentData()["run_dir"]
            # a resumed GAN continues on the data it was started on
            values["data"] = self.resume_run.currentData().get("data") or values.get("data")
        else:
            values["out"] = values["out"] or self._default_out(kind)
        values.update(resume=resume, log_every=LOG_EVERY_STEPS, preview_every=PREVIEW_EVERY_STEPS,
                      case=self.session.case_dir)
        fields = {f.name for f in dataclasses.fields(options)}
        return options(**{name: value for name, value in values.items() if name in fields})

    def show_run(self, run):
        """Chooses a case's run (from the case explorer) under Resume run, ready for Resume."""
        kind = RUN_KINDS.get(run["kind"])
        if kind is None:
            return
        self.kind.setCurrentText(kind)
        for row in range(self.resume_run.count()):
            data = self.resume_run.itemData(row)
            if data and os.path.abspath(data["run_dir"]) == os.path.abspath(run["run_dir"]):
                self.resume_run.setCurrentIndex(row)
                self.status.setText(f"{run['name']}: Resume continues this run.")
                return
        self.status.setText(f"{run['name']} has no checkpoint to resume from.")

    # --- running -----------------------------------------------------------------------

    def train_on(self, spec, **overrides):
        """A new run of the chosen kind on the data `spec` (the command line's --train)."""
        self.data.setText(spec)
        return self.start(**overrides)

    def start(self, resume=False, **overrides):
        """Starts (or resumes) a run of the chosen kind; `overrides` adjust the job's params."""
        import engine.training_jobs as training_jobs
        from engine.jobs.child import in_child_process

        if resume and self.resume_run.currentData() is None:
            self.status.setText("No run to resume: press Start for a new run.")
            return None
        if resume:  # the run decides what kind of training continues
            self.kind.setCurrentText(RUN_KINDS[self.resume_run.currentData()["kind"]])
        kind = self.kind.currentText()
        job = in_child_process(getattr(training_jobs, KINDS[kind][0]))  # its Python never holds up the window's
        params = dataclasses.replace(self.params(resume), **overrides)
        if not resume and os.path.isfile(os.path.join(params.out, "run.json")):
            self.status.setText(f"{params.out} already holds a run: choose it under Resume run and press "
                                "Resume, or empty the Run folder field for a fresh folder.")
            return None
        self.last_out = params.out
        self.out.clear()  # the next Start gets a fresh folder again
        if not resume:
            self.clear_plots()
        self._dirty.update(PLOTS)
        self.status.setText(f"{'Resuming' if resume else 'Training'} {kind} → {params.out}")
        self.running_kind = kind
        record = self.jobs.start("training", f"train {kind}", job, params, progress=self._progress,
                                 partial=self._partial, finished=self._finished, failed=self._failed)
        self._update_buttons()
        return record

    def stop(self):
        if self.jobs.running("training") is None:
            return
        self.jobs.cancel("training")
        self.status.setText("Stopping: the run saves a checkpoint; Resume continues it.")
        self._remember_run()
        self._update_buttons()

    def _remember_run(self):
        """The run just trained joins the Resume list (a case's runs come with its next read)."""
        kind = {v: k for k, v in RUN_KINDS.items()}.get(self.running_kind)
        if kind and self.last_out and not any(r["run_dir"] == self.last_out for r in self.session_runs):
            self.session_runs.insert(0, {"run_dir": self.last_out, "name": os.path.basename(self.last_out),
                                         "kind": kind, "status": "this session"})
        self._fill_resumable(self.session.snapshot)
        self.session.request_refresh()

    def clear_plots(self):
        self.history, self.preview, self.generated_histogram, self.reference_histogram = {}, None, None, None
        self.divergence = {}
        self._smoothers = {}
        for curve in self.divergence_curves.values():
            curve.setData([], [])
        for curve in self.loss_curves.values():
            self.loss_plot.getPlotItem().removeItem(curve)
        self.loss_curves = {}
        self.preview_image.clear()
        self.reference_curve.setData([], [])
        self.generated_curve.setData([], [])
        self.step_axis.reset()

    def auto_range(self):
        self.step_axis.follow()

    @Slot(bool)
    def _log_scale_toggled(self, on):
        self.loss_plot.getPlotItem().setLogMode(y=on)
        self._smoothers = {}  # the curves leave out other points now
        self._dirty.add("losses")

    @Slot()
    def _mark_dirty(self, *_):
        self._dirty.add("losses")

    @Slot(float, str)
    def _progress(self, fraction, message):
        show_progress(self.progress, int(fraction * 1000))
        record = self.jobs.running("training")
        self.eta.setText(f"{fraction * 100:.0f}%  {format_eta(record.eta_seconds() if record else None)}  {message}")

    @Slot(object)
    def _partial(self, update):
        if "step" in update:
            self.step_axis.reach(update["step"], update.get("steps"))
        for name, value in update.get("losses", {}).items():
            self.history.setdefault(name, []).append((update["step"], value))
            self._dirty.add("losses")
        if update.get("preview") is not None:
            self.preview = update["preview"]
            self._dirty.add("preview")
        if update.get("histogram") is not None:
            self.generated_histogram = update["histogram"]
            self._dirty.add("histogram")
        if update.get("reference_histogram") is not None:  # the training data's, computed once by the job
            self.reference_histogram = update["reference_histogram"]
        if update.get("divergence"):
            point = update["divergence"]
            self.divergence[point["step"]] = (point["ks"], point["jsd"])
            self._dirty.add("divergence")

    def _finished(self, run):
        show_progress(self.progress, 1000)
        metrics = run.get("metrics", {})
        shown = ", ".join(f"{k} {v:.4g}" for k, v in metrics.items() if isinstance(v, (int, float)))
        self.status.setText(f"Finished: {self.last_out}\n{shown}")
        self._remember_run()
        self.run_finished.emit(dict(run, out=self.last_out))

    def _failed(self, reason):
        if os.path.isfile(os.path.join(self.last_out or "", "run.json")):  # it got as far as starting the run
            self._remember_run()
        self.status.setText(f"Training failed: {in_panel_words(reason)}")

    # --- drawing -----------------------------------------------------------------------

    @Slot()
    def _draw(self):
        """Redraws the next plot, in turn, that has something new (one plot per display tick)."""
        for shift in range(1, len(PLOTS) + 1):
            index = (self._drawn_last + shift) % len(PLOTS)
            if PLOTS[index] in self._dirty:
                self._dirty.discard(PLOTS[index])
                self._drawn_last = index
                getattr(self, f"_draw_{PLOTS[index]}")()
                return

    def _draw_losses(self):
        for number, (name, points) in enumerate(sorted(self.history.items())):
            if name not in self.loss_curves:
                red, green, blue = plotting.colour(number)
                item = self.loss_plot.getPlotItem()
                self.loss_curves[name] = plotting.curve(item, name, pg.mkPen((red, green, blue), width=2))
                self.loss_curves[f"{name} (raw)"] = plotting.curve(item, None, pg.mkPen((red, green, blue, 60)))
            steps, values = np.asarray(points, dtype=np.float64).T
            if self.log_scale.isChecked():  # log10 of a loss at or below zero is undefined
                keep = values > 0
                steps, values = steps[keep], values[keep]
            smoother = self._smoothers.setdefault(name, plotting.Smoother())
            plotting.set_xy(self.loss_curves[f"{name} (raw)"], steps, values)
            plotting.set_xy(self.loss_curves[name], steps, smoother.extend(values, self.smoothing.value()))

    def _draw_divergence(self):
        if self.divergence:
            steps = sorted(self.divergence)
            values = np.asarray([self.divergence[step] for step in steps], dtype=np.float64)
            for column, name in enumerate(("KS", "JSD")):
                plotting.set_xy(self.divergence_curves[name], steps, values[:, column])

    def _draw_preview(self):
        if self.preview is not None:
            grid = np.asarray(self.preview)
            self.preview_image.setImage(grid[..., 0] if grid.shape[-1] == 1 else grid, levels=(0.0, 1.0))

    def _draw_histogram(self):
        edges = np.linspace(0.0, 1.0, HIST_BINS + 1)
        for curve, counts in ((self.reference_curve, self.reference_histogram),
                              (self.generated_curve, self.generated_histogram)):
            if counts is not None:
                counts = np.asarray(counts, dtype=np.float64)
                plotting.set_step(curve, edges, counts / max(counts.sum(), 1.0) * HIST_BINS)

    def save_settings(self):
        for name in REMEMBERED:
            self.settings.setValue(option_form.settings_key("training", name),
                                   option_form.value(self.fields[name], *first_offer(name)))


def first_offer(row):
    """(options, field name) of the first kind whose form offers a row: its widget, label and default."""
    return next((options, name) for _, options, names in KINDS.values() for name in names
                if SAME_ROW.get(name, name) == row)


def in_panel_words(reason):
    """The engine's reasons are written for the command line; here they name the buttons."""
    return (reason.replace("pass --resume to continue it", "choose it under Resume run and press Resume")
            .replace("--resume with", "Resume with").replace("--device", "Device"))
