"""pyqtgraph conventions shared by the views.

Plots are made once with persistent items and later updated with `setData`; curves
clip to the view and downsample by peaks, x arrays are float64 (pyqtgraph's advice
for speed and precision); axes are cached as pixmaps until they change.
"""
import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QGraphicsItem

pg.setConfigOptions(antialias=False, imageAxisOrder="row-major", background="w", foreground="k")

REFERENCE_PEN = pg.mkPen((40, 40, 40), width=2)
SET_COLOURS = [(214, 39, 40), (31, 119, 180), (44, 160, 44), (255, 127, 14), (148, 103, 189), (140, 86, 75)]


def colour(index):
    return SET_COLOURS[index % len(SET_COLOURS)]


def plot_widget(title, x_label=None, y_label=None):
    widget = pg.PlotWidget()
    widget.setTitle(title, size="10pt")
    if x_label:
        widget.setLabel("bottom", x_label)
    if y_label:
        widget.setLabel("left", y_label)
    widget.showGrid(x=True, y=True, alpha=0.2)
    plain_axes(widget.getPlotItem())
    cache_axes(widget.getPlotItem())
    widget.addLegend(offset=(-5, 5))
    return widget


def plain_axes(plot_item):
    """Axis numbers as they are (no '(x0.001)' unit prefixes)."""
    for side in ("bottom", "left"):
        plot_item.getAxis(side).enableAutoSIPrefix(False)


def cache_axes(plot_item):
    """Each axis painted from a pixmap Qt keeps until the axis changes. An axis with a grid
    covers its whole plot, so every redraw of a curve also repainted every axis, ticks, labels
    and grid (the largest part of the GUI thread's work while a run trains)."""
    for side in ("left", "bottom", "right", "top"):
        plot_item.getAxis(side).setCacheMode(QGraphicsItem.DeviceCoordinateCache)


class StepAxis:
    """The step axis of a live training plot: it grows by doubling (up to the run's length)
    when a new step passes its end, instead of following every new step. An axis that changes
    repaints its ticks, labels and grid across the plot: following every step made each curve
    update cost half again as much of the GUI thread. The curve always fills at least half the
    width. A user's zoom or pan (the mouse) stops the following until `follow()` (Reset zoom)."""

    FIRST_END = 50.0

    def __init__(self, *plot_items):
        self.items = plot_items
        self.end, self.total, self.following = None, None, True
        for item in plot_items:
            item.getViewBox().sigRangeChangedManually.connect(self._zoomed)

    def _zoomed(self, *_):
        self.following = False

    def reset(self, total=None):
        """A new run (of `total` steps, when known): back to the first range, following."""
        self.end, self.total, self.following = None, total, True
        for item in self.items:
            item.enableAutoRange()

    def follow(self):
        """Follows the steps again (and auto-ranges the values)."""
        self.following = True
        for item in self.items:
            item.enableAutoRange()
        if self.end is not None:
            self._show(self.end)

    def reach(self, step, total=None):
        """Makes room for `step` (of a run of `total` steps)."""
        self.total = total or self.total
        if not self.following or (self.end is not None and step <= self.end):
            return
        end = max(2.0 * (self.end or self.FIRST_END / 2.0), float(step))
        self.end = min(end, float(self.total)) if self.total else end
        self._show(self.end)

    def _show(self, end):
        for item in self.items:
            item.enableAutoRange(x=False)
            item.setXRange(0.0, end, padding=0.02)


def curve(plot, name, pen, step=False):
    """A persistent curve item, fast for long data.

    step: False for a line, True for a histogram (x = bin edges), "left" for a
    right-continuous step function such as an ECDF (y[i] holds from x[i] to x[i+1]).
    """
    item = plot.plot(name=name, pen=pen, stepMode={False: None, True: "center"}.get(step, step))
    # pyqtgraph clips and downsamples a step curve's x and y to the same length, which breaks
    # stepMode ("len(X) must be len(Y)+1") whenever the view is narrower than the data:
    # only plain lines, the long ones, are clipped and downsampled (histograms are 100 bins).
    if not step:
        item.setClipToView(True)
        item.setDownsampling(auto=True, method="peak")
    return item


def set_step(item, edges, counts):
    """Histogram as a step curve: edges has one more entry than counts."""
    item.setData(np.asarray(edges, dtype=np.float64), np.asarray(counts, dtype=np.float64))


def set_xy(item, x, y):
    item.setData(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64))


def smooth(values, weight):
    """Exponential moving average with TensorBoard's debiasing (display only: the raw
    curve stays drawn behind). weight 0 returns the values as they are."""
    return Smoother().extend(values, weight)


class Smoother:
    """smooth() of a series that only grows: each call computes the new values only (a live
    loss curve would otherwise be smoothed whole, in Python, at every redraw)."""

    def __init__(self):
        self.weight, self.running, self.out = None, 0.0, np.empty(0)

    def extend(self, values, weight):
        """smooth(values, weight), reusing the previous call's result when `values` extends its series."""
        values = np.asarray(values, dtype=np.float64)
        if weight != self.weight or values.size < self.out.size:
            self.weight, self.running, self.out = weight, 0.0, np.empty(0)
        if weight <= 0.0:
            return values
        done = self.out.size
        new = np.empty(values.size - done)
        for k, value in enumerate(values[done:]):
            self.running = weight * self.running + (1.0 - weight) * value
            new[k] = self.running / (1.0 - weight ** (done + k + 1))
        self.out = np.concatenate([self.out, new])
        return self.out
