"""Zero-phase Butterworth filtering in numpy (the app's bundle leaves scipy.signal out, packaging/bundle.py).

An order-th order digital Butterworth filter (scipy's `butter`: the analog prototype through the bilinear transform,
its cut-off prewarped) run forward and back (scipy's filtfilt) has no phase and the squared magnitude of the filter as
its gain: 1 / (1 + (t / tc) ** (2 order)) for a low-pass and 1 / (1 + (tc / t) ** (2 order)) for a high-pass, with
t = tan(pi f / rate) and tc = tan(pi cut / rate). That gain is applied to the spectrum of the signal extended at each
end by its odd reflection over `edge_seconds` (as filtfilt pads), so that neither end wraps round onto the other.
"""
import numpy as np


def butterworth_zero_phase(x, rate, cut_hz, order, highpass=False, edge_seconds=0.05):
    """`x` (1-D, sampled at `rate` Hz) through the zero-phase Butterworth low-pass (or high-pass) of `order` at
    `cut_hz`, as float64 of x's length."""
    x = np.asarray(x, dtype=np.float64)
    edge = min(int(edge_seconds * rate), max(x.size - 1, 0))
    extended = np.concatenate([2 * x[:1] - x[edge:0:-1], x, 2 * x[-1:] - x[-2:-edge - 2:-1]]) if edge else x
    ratio = np.tan(np.pi * np.fft.rfftfreq(extended.size, 1.0 / rate) / rate) / np.tan(np.pi * cut_hz / rate)
    gain = np.zeros_like(ratio)
    with np.errstate(over="ignore"):  # near the Nyquist frequency tan, and a power of it, grow without bound
        if highpass:
            gain[1:] = 1.0 / (1.0 + ratio[1:] ** (-2.0 * order))
        else:
            gain[:] = 1.0 / (1.0 + ratio ** (2.0 * order))
    return np.fft.irfft(np.fft.rfft(extended) * gain, extended.size)[edge:edge + x.size]
