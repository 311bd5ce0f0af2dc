"""The mu-law residual of flite's diphone voices, read back through the LPC filter (docs/verdicts.md, "Speech
synthesis: flite's mu-law residual (2026-12-02, tenth pass)").

flite's diphone voices (`kal`, `kal16`) store each pitch period as 16-bit LPC coefficients and a residual coded
as mu-law bytes (G.721 ADPCM decoded to mu-law for `kal`), and write the output with an integer recursion
(src/wavesynth/cst_sigpr.c, lpc_resynth_fixedpoint):

    y[n] = trunc((16384 e[n] + sum_k c_k y[n-1-k]) / 16384),   c_k integers, e[n] a mu-law value

so y[n] - sum_k c_k y[n-1-k] / 16384 lies within 1 of a mu-law value (0, +-8, ..., +-120, +-132, +-148, ...)
at every sample of the period, while a microphone's residual is continuous. The coefficients are unknown and a
least-squares fit misses them by 10^3-10^4 sixteen-thousandths (order 10 at 8 kHz is ill-conditioned), which
moves the residual by tens of units, more than the lattice's step of 8; so they are searched as a closest-vector
problem: integer c_k such that 16384 y[n] - sum_k c_k y[n-1-k] is within 16384 of a multiple of 8 x 16384 over a
window of WINDOW samples, solved by LLL on the embedding basis (rows: 8 x 16384 e_n; the window's past samples of
lag k with a unit in coordinate k; the least-squares fit's residual with 16384 in the last coordinate). A window
`hits` when the residual of the coefficients found lies within 1 of the lattice at 95 % of its samples. Per
recording: hits among up to WINDOWS windows spread over it; windows are skipped whose samples share a factor (an
8-bit recorder's multiples of 256 put every residual on a grid) or lie on the lattice themselves (mu-law or
A-law input), and windows whose residual is below RMS_MIN (a near-silent window hits trivially).

    python tests/benchmarks/test_bench_mulaw_residual.py measure DIR|fsdd:SPEAKER:FIRST-LAST ...
    python -m pytest tests/benchmarks/test_bench_mulaw_residual.py -s -o addopts=""

The measurement needs the 8 kHz waveform's exact 16-bit values: resampled input (`kal16` at 16 kHz, festival's
voices written at other rates) loses them. LLL runs in numpy (0.5-2.5 s a window); with fpylll importable it is
used instead (about 0.03 s a window, the same reduction).
"""
import sys

import numpy as np

from tests.benchmarks import test_bench_cycle_traits as traits
from tests.benchmarks.test_bench_unit_joins import files_of

Q = 16384  # lpc_resynth_fixedpoint's scale of the coefficients
ORDER = 10  # cmu_us_kal's LPC order
WINDOW = 40  # samples a window's coefficients must explain (a pitch period of kal is about 84)
HOP = 20
WINDOWS = 30  # windows read per recording, spread over it
ON_LATTICE = 0.95  # share of a window's samples within 1 of the lattice for a hit
RMS_MIN = 6.0  # residual RMS (16-bit units) below which a window says nothing
FLAGGED = 2  # hits per recording above the real tuning sets' largest (1 hit in 300 recordings, twice)


def mulaw_values():
    """The 16-bit values a mu-law byte decodes to (G.711, flite's ulaw_to_short_table), ascending."""
    magnitudes = {((((m << 3) + 0x84) << x) - 0x84) for x in range(8) for m in range(16)}
    pos = np.array(sorted(magnitudes), dtype=np.float64)
    return np.concatenate([-pos[:0:-1], pos])


LATTICE = mulaw_values()


def lattice_distance(r):
    """Distance of each value to the nearest mu-law value."""
    i = np.clip(np.searchsorted(LATTICE, r), 1, LATTICE.size - 1)
    return np.minimum(np.abs(r - LATTICE[i - 1]), np.abs(r - LATTICE[i]))


def lll(basis, delta=0.99):
    """The rows of `basis` (integers) LLL-reduced: fpylll when importable, else the textbook algorithm in numpy
    (Gram-Schmidt in floats, re-orthogonalised once; full size reduction once the Lovasz condition holds)."""
    try:
        from fpylll import LLL, IntegerMatrix
    except ImportError:
        pass
    else:
        m = IntegerMatrix.from_matrix(np.asarray(basis, dtype=np.int64).tolist())
        LLL.reduction(m, delta=delta)
        return np.array([[m[i, j] for j in range(m.ncols)] for i in range(m.nrows)], dtype=np.float64)
    b = np.array(basis, dtype=np.float64)
    n = len(b)
    star, mu, norm = np.zeros_like(b), np.zeros((n, n)), np.zeros(n)

    def orthogonalise(k):
        v = b[k].copy()
        if k:
            m = star[:k] @ v / norm[:k]
            v -= m @ star[:k]
            m2 = star[:k] @ v / norm[:k]
            v -= m2 @ star[:k]
            mu[k, :k] = m + m2
        star[k], norm[k] = v, max(float(v @ v), 1e-300)

    orthogonalise(0)
    k = 1
    while k < n:
        orthogonalise(k)
        q = round(float(mu[k, k - 1]))
        if q:
            b[k] -= q * b[k - 1]
            mu[k, :k - 1] -= q * mu[k - 1, :k - 1]
            mu[k, k - 1] -= q
        if norm[k] >= (delta - mu[k, k - 1] ** 2) * norm[k - 1]:
            for j in range(k - 2, -1, -1):
                q = round(float(mu[k, j]))
                if q:
                    b[k] -= q * b[j]
                    mu[k, :j] -= q * mu[j, :j]
                    mu[k, j] -= q
            k += 1
        else:
            b[[k - 1, k]] = b[[k, k - 1]]
            orthogonalise(k - 1)
            k = max(k - 1, 1)
    return b


def window_fit(y, s):
    """(share of samples within 1 of the lattice, residual RMS) for the integer coefficients found over
    y[s:s+WINDOW] (y: int64 16-bit samples, s >= ORDER)."""
    past = np.stack([y[s - k:s - k + WINDOW] for k in range(1, ORDER + 1)], 1)
    t = y[s:s + WINDOW]
    a = np.linalg.lstsq(past.astype(np.float64), t.astype(np.float64), rcond=None)[0]
    c0 = np.round(a * Q).astype(np.int64)
    d = WINDOW + ORDER + 1
    basis = np.zeros((d, d), dtype=np.int64)
    basis[np.arange(WINDOW), np.arange(WINDOW)] = 8 * Q
    basis[WINDOW:WINDOW + ORDER, :WINDOW] = past.T
    basis[WINDOW + np.arange(ORDER), WINDOW + np.arange(ORDER)] = 1
    basis[-1, :WINDOW] = Q * t - past @ c0
    basis[-1, -1] = Q
    best = (0.0, 0.0)
    for row in lll(basis):
        if abs(row[-1]) != Q:
            continue
        for x in (row[WINDOW:WINDOW + ORDER], -row[WINDOW:WINDOW + ORDER]):
            r = t - past @ (c0 + x.astype(np.int64)) / Q
            share = float(np.mean(lattice_distance(r) < 1.0))
            if share > best[0]:
                best = (share, float(np.sqrt(np.mean(r ** 2))))
    return best


def candidate_windows(y):
    """Window starts that can say something (see the module's docstring), at most WINDOWS spread evenly."""
    starts = []
    for s in range(ORDER, y.size - WINDOW, HOP):
        w = y[s:s + WINDOW]
        if np.abs(w).max() < 16 or np.gcd.reduce(np.abs(w)) > 1:
            continue
        if np.mean(lattice_distance(w.astype(np.float64)) < 1.0) >= 0.5:
            continue
        starts.append(s)
    if len(starts) > WINDOWS:
        starts = [starts[i] for i in np.linspace(0, len(starts) - 1, WINDOWS).round().astype(int)]
    return starts


def hits(audio):
    """(windows hitting the lattice, windows read) of a recording at 8 kHz (floats in [-1, 1))."""
    y = np.round(np.asarray(audio, dtype=np.float64) * 32768).astype(np.int64)
    starts = candidate_windows(y)
    fits = [window_fit(y, s) for s in starts]
    return sum(share >= ON_LATTICE and rms >= RMS_MIN for share, rms in fits), len(starts)


def measure(specs):
    """Per set: the hits of each file, how many files read no window, and how many reach FLAGGED hits."""
    values = {}
    for spec in specs:
        counts = np.array([hits(traits.load(p)) for p in files_of(spec)])
        values[spec] = counts[:, 0]
        print(f"{spec:45s} files {len(counts)}, no window read {int((counts[:, 1] == 0).sum())}, hits per file: "
              f"median {np.median(counts[:, 0]):.0f}, largest {counts[:, 0].max()}, windows hit "
              f"{counts[:, 0].sum()}/{counts[:, 1].sum()}, files with >= {FLAGGED} hits "
              f"{int((counts[:, 0] >= FLAGGED).sum())}/{len(counts)}", flush=True)
    return values


def fixed_point_lpc(excitation, c):
    """flite's lpc_resynth_fixedpoint with one set of integer coefficients c (Q14) over integer excitation."""
    y = np.zeros(excitation.size, dtype=np.int64)
    for n in range(excitation.size):
        past = y[max(0, n - ORDER):n][::-1]
        s = int(Q * excitation[n] + int(np.dot(c[:past.size], past)))
        y[n] = abs(s) // Q * (1 if s >= 0 else -1)  # C's integer division truncates towards zero
    return y


def test_bench_mulaw_residual_an_lpc_filter_on_mulaw_excitation_hits_the_lattice():
    """An order-10 vowel filter run as flite runs it on a mu-law-valued excitation hits the lattice; the same
    filter on a continuous excitation rounded to 16 bits does not."""
    from scipy import signal

    rng = np.random.default_rng(0)
    poles = [0.97 * np.exp(2j * np.pi * f / 8000) for f in (500, 1500, 2500, 3300, 3800)]
    a = np.real(np.poly(np.concatenate([poles, np.conj(poles)])))
    c = np.round(-a[1:] * Q).astype(np.int64)
    pulses = np.zeros(800)
    pulses[::84] = 100.0  # a quiet vowel: the residual within the lattice's finest steps
    continuous = signal.lfilter([1.0], [1.0, -0.5], pulses + rng.normal(0, 12, pulses.size))
    quantised = LATTICE[np.argmin(np.abs(continuous[:, None] - LATTICE[None, :]), axis=1)]
    coded = fixed_point_lpc(quantised, c)
    plain = fixed_point_lpc(np.round(continuous), c)
    windows = (175, 430, 515)  # between the pulses
    coded_fits = [window_fit(coded, s) for s in windows]
    plain_fits = [window_fit(plain, s) for s in windows]
    assert all(f[1] >= RMS_MIN for f in coded_fits + plain_fits)
    assert sum(f[0] >= ON_LATTICE for f in coded_fits) >= 2, coded_fits  # LLL finds the coefficients in most
    assert not any(f[0] >= ON_LATTICE for f in plain_fits), plain_fits

if __name__ == "__main__":
    if sys.argv[1] == "measure":
        measure(sys.argv[2:])
