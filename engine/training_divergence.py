"""KS and JSD of a GAN's samples to its training data over the training steps (the
TequilaGAN papers' curves): the job state's partial results gain them.

The training loop sends, with every loss point, the newest fixed-noise preview and its
100-bin intensity histogram on [0,1]. When a new preview arrives, its histogram is
compared with the training data's: JSD in bits between the two histograms (the papers'
convention, exactly) and the KS distance between their CDFs at the 101 bin edges (the
sample KS statistic read at 0.01 steps: a lower bound that misses at most the mass of
one bin). Every later partial repeats the last comparison with the step of its preview,
so a throttled runner that keeps only the last partial of a burst loses no point.
"""
import numpy as np

HIST_BINS = 100


def divergence(generated_counts, reference_counts):
    """{"ks", "jsd"} between two 100-bin histograms over [0,1]."""
    from engine.analysis.stats import jsd_counts

    generated = np.asarray(generated_counts, dtype=np.float64)
    reference = np.asarray(reference_counts, dtype=np.float64)
    cdf_gap = np.cumsum(generated) / max(generated.sum(), 1.0) - np.cumsum(reference) / max(reference.sum(), 1.0)
    return {"ks": float(np.abs(cdf_gap).max()), "jsd": jsd_counts(generated, reference)}


class WithDivergence:
    """A job state (engine.jobs protocol) whose partial results carry
    "divergence": {"step", "ks", "jsd"} of the newest preview to the training data and, with
    every preview, "reference_histogram": the training data's counts (computed once per run;
    the window draws both histograms from the partial results alone)."""

    def __init__(self, state, data):
        from engine.analysis.stats import histogram

        self._state = state
        self._reference = histogram(data.x, bins=HIST_BINS, range=(0.0, 1.0), levels=data.levels)
        self._histogram, self._latest = None, None

    def __getattr__(self, name):  # progress, check, cancelled: the wrapped state's
        return getattr(self._state, name)

    def partial(self, update):
        histogram = update.get("histogram")
        if histogram is not None and histogram is not self._histogram:
            self._histogram = histogram
            self._latest = dict(divergence(histogram, self._reference), step=update["step"])
        if self._latest:
            update = dict(update, divergence=self._latest, reference_histogram=self._reference)
        self._state.partial(update)
