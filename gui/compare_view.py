"""Compare view: the reference against any sets — intensity histograms on [0,1] and
[0.11,0.88], ECDFs, the distributions of per-sample centroid and slope moments, and
the KS / JSD table (TequilaGAN's figures and tables).

`gui.tasks.compare.compare_job` computes everything; results are applied on a display timer with
persistent plot items (one curve per set and plot, updated with setData). The view follows the
window's case session: another case, or none, clears the comparison.
"""
import pyqtgraph as pg
from PySide6.QtCore import QTimer, Slot
from PySide6.QtWidgets import (QComboBox, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from gui import plotting
from gui.tasks import compare as compare_tasks

PLOTS = (  # key in the job's plot data, title, x label
    ("hist", "Intensities on [0, 1]", "intensity"),
    ("hist_mid", "Intensities on [0.11, 0.88]", "intensity"),
    ("ecdf", "Empirical CDF", "intensity"),
    ("centroid", "Spectral centroid moment", "per-sample moment"),
    ("slope", "Spectral slope moment", "per-sample moment"),
)
TABLE_COLUMNS = ("set", "n", "KS", "KS p", "JSD (bits)", "JSD [0.11,0.88]", "centroid KS", "centroid JSD",
                 "slope KS", "slope JSD", "violations")


def parse_sets(text):
    """'a=SPEC b=SPEC2' -> [("a", "SPEC"), ("b", "SPEC2")] (a bare SPEC names itself)."""
    from engine.data.specs import named_spec

    return [named_spec(token) for token in text.replace(",", " ").split()]


class CompareView(QWidget):
    def __init__(self, jobs, session, parent=None):
        super().__init__(parent)
        self.jobs, self.session = jobs, session
        self.result = None
        self._dirty = False
        self.curves = {}  # (plot key, set name) -> curve item

        self.reference = QLineEdit()
        self.reference.setPlaceholderText("reference spec (default: the case reference)")
        self.others = QLineEdit("bernoulli=baseline:bernoulli")
        self.reference.setToolTip("The real data the sets are compared with; empty: the open case's reference")
        self.others.setToolTip("NAME=SPEC … : files, folders, builtin:…, baseline:bernoulli|exponential, "
                               "GAN run folders")
        self.moment = QComboBox()
        self.moment.setToolTip("Which per-sample moment of the spectral centroid and slope is compared")
        self.moment.currentIndexChanged.connect(self._mark_dirty)
        run_button = QPushButton("Compare")
        run_button.setToolTip("Compare every set with the reference (Ctrl+Shift+C)")
        run_button.clicked.connect(self.run_from_fields)
        self.status = QLabel("")
        controls = QHBoxLayout()
        controls.addWidget(QLabel("Reference"))
        controls.addWidget(self.reference, 2)
        controls.addWidget(QLabel("Sets"))
        controls.addWidget(self.others, 3)
        controls.addWidget(QLabel("Moment"))
        controls.addWidget(self.moment)
        controls.addWidget(run_button)

        grid_widget = QWidget()
        grid = QGridLayout(grid_widget)
        grid.setContentsMargins(0, 0, 0, 0)
        self.plots = {}
        for number, (key, title, x_label) in enumerate(PLOTS):
            plot = plotting.plot_widget(title, x_label, "density" if key != "ecdf" else "F(x)")
            grid.addWidget(plot, number // 3, number % 3)
            self.plots[key] = plot
        self.table = QTableWidget(0, len(TABLE_COLUMNS))
        self.table.setObjectName("compare_table")
        self.table.setHorizontalHeaderLabels(TABLE_COLUMNS)
        self.table.verticalHeader().hide()
        grid.addWidget(self.table, 1, 2)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(controls)
        layout.addWidget(self.status)
        layout.addWidget(grid_widget, 1)
        # Results are drawn on a timer, decoupled from when the job delivers them.
        self.display_timer = QTimer(self)
        self.display_timer.setInterval(100)
        self.display_timer.timeout.connect(self._draw)
        self.display_timer.start()
        session.case_changed.connect(self.clear)

    @Slot()
    def clear(self, *_):
        """No comparison shown (another case opened, or the case closed)."""
        self.jobs.cancel("compare")
        self.result, self._dirty = None, False
        for (key, _name), item in self.curves.items():
            self.plots[key].getPlotItem().removeItem(item)
        self.curves = {}
        self.table.setRowCount(0)
        self.reference.clear()
        self.status.setText("Compare the case reference (or any reference) with generated or suspect sets.")

    # --- running ---------------------------------------------------------------------------

    def run_from_fields(self):
        reference = self.reference.text().strip() or self.session.reference_spec()
        if not reference:
            self.status.setText("Give a reference spec, or open a case.")
            return
        self.run_comparison(reference, parse_sets(self.others.text()))

    def run_comparison(self, reference, others):
        """reference: a spec; others: [(name, spec)] or ["NAME=SPEC"] strings."""
        others = [parse_sets(o)[0] if isinstance(o, str) else tuple(o) for o in others]
        self.reference.setText(reference)
        self.others.setText(" ".join(f"{name}={spec}" for name, spec in others))
        self.status.setText(f"Comparing {len(others)} set(s) with {reference}…")
        self.jobs.start("compare", f"compare {len(others)} set(s)", compare_tasks.compare_job,
                        {"reference": reference, "others": others},
                        finished=self._finished, failed=lambda reason: self.status.setText(f"Compare failed: {reason}"))

    @Slot(object)
    def _finished(self, result):
        self.result = result
        moments = result["moment_names"]
        if [self.moment.itemText(i) for i in range(self.moment.count())] != moments:
            self.moment.blockSignals(True)
            self.moment.clear()
            self.moment.addItems(moments)
            self.moment.blockSignals(False)
        ref = result["reference"]
        self.status.setText(f"Reference {ref['name']}: {ref['modality']}, n={ref['n']}")
        self._dirty = True

    @Slot()
    def _mark_dirty(self):
        self._dirty = True

    # --- drawing ---------------------------------------------------------------------------

    def _curve(self, key, name, pen, step):
        item = self.curves.get((key, name))
        if item is None:
            item = plotting.curve(self.plots[key].getPlotItem(), name, pen, step=step)
            self.curves[(key, name)] = item
        return item

    @Slot()
    def _draw(self):
        if not self._dirty or self.result is None:
            return
        self._dirty = False
        moment = self.moment.currentText()
        entries = [(self.result["reference"], plotting.REFERENCE_PEN)]
        entries += [(s, pg.mkPen(plotting.colour(i), width=2)) for i, s in enumerate(self.result["sets"])]
        shown = set()
        for entry, pen in entries:
            data = entry["plots"]
            for key in ("hist", "hist_mid"):
                plotting.set_step(self._curve(key, entry["name"], pen, True), *data[key])
            plotting.set_xy(self._curve("ecdf", entry["name"], pen, "left"), *data["ecdf"])
            for key in ("centroid", "slope"):
                plotting.set_step(self._curve(key, entry["name"], pen, True), *data[key][moment])
            shown.add(entry["name"])
        for (key, name), item in list(self.curves.items()):
            if name not in shown:  # a set from an earlier comparison
                self.plots[key].getPlotItem().removeItem(item)
                del self.curves[(key, name)]
        self._fill_table(moment)

    def _fill_table(self, moment):
        """KS / JSD per set; centroid and slope columns for the chosen moment."""
        sets = self.result["sets"]
        self.table.setRowCount(len(sets))
        for row, entry in enumerate(sets):
            r = entry["result"]
            values = [entry["name"], r["n"],
                      r["intensity"]["ks_statistic"], r["intensity"]["ks_pvalue"], r["intensity"]["jsd"],
                      r["intensity"].get("jsd_mid"),
                      r["centroid"][moment]["ks_statistic"], r["centroid"][moment]["jsd"],
                      r["slope"][moment]["ks_statistic"], r["slope"][moment]["jsd"], r.get("violations")]
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(_cell(value)))
        self.table.resizeColumnsToContents()


def _cell(value):
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 1e-3 and value != 0 else f"{value:.4f}"
    return str(value)
