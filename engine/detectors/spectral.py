"""The checkerboard of upsampling layers, as a per-sample score.

Transposed (and strided) convolutions leave a period-2 pattern in a generator's output
(Odena, Dumoulin and Olah 2016, "Deconvolution and checkerboard artifacts"; Frank et al.
2020 find it in the spectrum of every GAN they examine). In the 2-D DFT of a sample it is
power at the highest frequency of either axis. Real images and mel spectrograms are
smooth at the scale of one pixel or one mel band, so they hold little power there; the
score is the log10 of that share, which spans orders of magnitude.
"""
import numpy as np

FLOOR = 1e-12  # a constant sample has no power at all: log10(FLOOR), as smooth as it gets


def nyquist_power_shares(x):
    """(rows, columns, either): each sample's share of (mean-removed) spectral power on the
    highest-frequency row, on the highest-frequency column, and on either, of its 2-D DFT,
    channels pooled; 0 for a constant sample."""
    x = np.asarray(x, dtype=np.float64)
    rows, cols = x.shape[-2], x.shape[-1]
    x = x.reshape(x.shape[0], -1, rows, cols)
    power = np.abs(np.fft.rfft2(x - x.mean(axis=(-2, -1), keepdims=True))) ** 2
    row_freq, col_freq = np.abs(np.fft.fftfreq(rows)), np.fft.rfftfreq(cols)
    on_row = np.broadcast_to((row_freq == row_freq.max())[:, None], power.shape[-2:])
    on_col = np.broadcast_to((col_freq == col_freq.max())[None, :], power.shape[-2:])
    total = power.sum(axis=(1, 2, 3))

    def share(mask):
        return np.divide(power[..., mask].sum(axis=(1, 2)), total, out=np.zeros_like(total), where=total > 0)

    return share(on_row), share(on_col), share(on_row | on_col)


def nyquist_share(x):
    """(n,) log10 of each sample's share of (mean-removed) spectral power on the
    highest-frequency row or column of its 2-D DFT, channels pooled."""
    return np.log10(nyquist_power_shares(x)[2] + FLOOR)
