"""LPC lattice: whether a recording's samples are an integer LPC filter's output on a mu-law excitation.

flite's diphone voices (`kal`, its default voice at 8 kHz) store each pitch period as 16-bit LPC coefficients
and a residual coded as mu-law bytes, and write the output with an integer recursion (flite's
src/wavesynth/cst_sigpr.c, lpc_resynth_fixedpoint):

    y[n] = trunc((16384 e[n] + sum_k c_k y[n-1-k]) / 16384),   c_k integers, e[n] a mu-law value

so y[n] - sum_k c_k y[n-1-k] / 16384 lies within 1 of a mu-law value (0, +-8, ..., +-120, +-132, +-148, ...)
at every sample of the period, while a microphone's residual is continuous. The coefficients are unknown and
a least-squares fit misses them by far more than the lattice's step (order 10 at 8 kHz is ill-conditioned),
so they are searched as a closest-vector problem: integer c_k such that 16384 y[n] - sum_k c_k y[n-1-k] is
within 16384 of a multiple of 8 x 16384 over a window of WINDOW samples, solved by LLL (python-flint) on the
embedding basis (rows: 8 x 16384 e_n; the window's past samples of lag k with a unit in coordinate k; the
least-squares fit's residual with 16384 in the last coordinate). A window *hits* when the residual of the
coefficients found lies within 1 of the lattice at ON_LATTICE of its samples (residual RMS at least RMS_MIN:
a near-silent window hits trivially). WINDOWS windows per WINDOWS_SPAN of the recording (at least WINDOWS, at
most MAX_WINDOWS) spread over it are read, so that a sentence offers evidence in proportion to its length (a flite
`kal` sentence of 2.75 s hit 3 of 30 windows read, a tail probability of 0.0018, and 22 of 270 read at every fourth
candidate: docs/studies.md, "Installed synthesisers as a checker runs them"). Windows are skipped whose samples
share a factor (an 8-bit recorder's multiples of 256 put every residual on a grid) or
lie on the lattice themselves (mu-law or A-law input). docs/studies.md, "Speech synthesis: flite's mu-law
residual (2026-12-02, tenth pass)", measured it (flite kal 40 of 40 digits with 2 or more hits, real
recordings 0 of 600).

The score is the binomial tail of the recording's hits: under the null each window hits independently with a
probability q, bounded from above by the one-sided Clopper-Pearson bound (CONFIDENCE) on the pooled windows of
up to CALIBRATION_RECORDINGS kept reference recordings; p = P(K >= k | m, q) for k hits of the m windows the
recording offers, and the score is -log10 p (calibration.log_p_model). This assumes that a real recording's
windows hit independently (a speaker whose own voice put whole stretches on the lattice would break it; the
real sets' hits, at most 1 per recording in 900, agree with it). Reading stops once p is below STOP_P: the
hits not read can only lower it, so the p reported is valid and larger than the full reading's.

The screen: the LLL is most of the cost (about 0.1 s a window), and a window whose least-squares residual RMS
exceeds RMS_MAX is not searched. The least-squares residual bounds any integer fit's RMS from below, so such a window
cannot leave a hit's quiet residual: the screen is exact (it was 100, on measurement, before the bound below;
docs/studies.md, "lpc-lattice's screen (2026-12-03, eighteenth pass)").

A chance fit's loud residual (forty-second pass): a hit's residual RMS is at most RMS_MAX. flite's recursion leaves
its excitation, a diphone's quiet mu-law residual (RMS 6-47 on its hits, median 12), while a real window put on the
lattice by the search does so with coefficients far from its least-squares fit, whose residual is louder than the
window at times (RMS 11-67, median 45): the lattice points within the search's reach grow with the residual's size.
Such chance fits are rare in loud speech but common in a quiet recording's band-limited stretches: one source's quiet
10 kHz takes through an editor's band filter (read at 8 kHz, taken for upsampled from it) hit 5-6 of 300 windows and
were labelled generated, against a reference whose windows hit 1 in 1,286. flite `kal`'s hits keep 94 % (435 of
464 on its 40 tuning digits, every digit 3 or more), real windows' lose nearly all (docs/studies.md, "Real speech
through an editor's clean-ups: a chance fit's loud residual", forty-second pass). A profile counted before the bound
counted such hits in its reference: its bound on the hit rate can only be higher, so it is read as it stands.

Upsampled from 8 kHz: a file written at a higher rate with no content above UPSAMPLED_BANDWIDTH_HZ (the channel's
`bandwidth_hz`, read at the file's own rate) is read as the verdict reads all speech, at 8 kHz. A standard resampler's
round trip brings most samples of flite `kal` back within a step of their values, and the windows whose residual
stays on the lattice still hit (a few of every 30 rather than one in four). The clean calibration says nothing of a
resampled real recording, so the channel's detectors take q from the reference upsampled to the file's rate and
read back at 8 kHz (engine/detectors/channels.py, channel_calibration). docs/studies.md, "flite's kal resampled:
lpc-lattice reads a file upsampled from 8 kHz at 8 kHz (2026-12-04, twenty-ninth pass)", measured it.

Read as written at 16 kHz (thirty-seventh pass): flite's `kal16` runs the same recursion at 16 kHz, at order 16
(WIDE_ORDER), and the speech rate's resampler moves every one of its samples. A 16-bit PCM file written at
WIDEBAND_RATE keeps its samples (SampleSet.native_audio, engine/data/formats/audio.py), and where they hold content
above UPSAMPLED_BANDWIDTH_HZ they are read WIDE (reads_wide): the same windows, order 16, as many windows per quarter second
as the speech rate reads per half (so they do not overlap). At order 16 the search puts about one real window in nine
on the lattice, with coefficients far from the least-squares fit and a residual RMS of 13 or more, or, in near-silent
stretches, at 9.5-12; kal16's windows hit with 6-10 and 39 or 40 of 40 samples on it. So a wide hit needs a residual
RMS of at most WIDE_RMS_MAX and WIDE_ON_LATTICE of the samples on the lattice, and a window whose least-squares
residual exceeds WIDE_RMS_MAX is not searched (no integer fit can leave less: an exact screen, which also makes the
reading cheap on real speech, whose windows are louder). The case's reference,
at 8 kHz, cannot be read at 16 kHz, so the bound on a wide window's hit rate comes from real 16 kHz speech read so
(WIDE_NULL: Speech Commands clips of speakers no evaluation set uses), with the same one-sided Clopper-Pearson bound.
docs/studies.md, "flite's kal16 read at its own rate" (thirty-seventh pass), measured it.

Both ways (forty-fourth pass): a 16-bit PCM file written at WIDEBAND_RATE with no content above
UPSAMPLED_BANDWIDTH_HZ may be flite `kal` upsampled from 8 kHz, whose lattice lies at 8 kHz, or `kal16` saying a word
with nothing above 4.8 kHz ("four": 3.2-3.8 kHz), whose lattice lies in its samples as written, which the speech rate's
resampler moves. Its channel cannot tell them apart, so such a file is read both ways (reads_both): at 8 kHz against
the reference upsampled (above) and WIDE against WIDE_NULL, and scored by the larger of the two scores less
log10(READINGS_BOTH), the readings' Bonferroni bound. A real 8 kHz take upsampled to 16 kHz leaves no exact recursion
either way: FSDD takes 45-48 through SoX (with and without dither), FFmpeg's default and soxr resamplers and SciPy's
resample_poly, Speech Commands clips low-passed at 3.4-3.8 kHz by an editor, and the seen real 16 kHz files read both
ways as recorded hit WIDE 3 of 85,099 windows, no file more than once (docs/studies.md, "flite and festival below the
goal", forty-fourth pass).

The rounding floor, at either rate: a window whose least-squares residual lies below ROUNDING_FLOOR, a step, is not
searched. A real recursion predicts its samples to within their rounding (a slow drift or a DC level between words, as
some Speech Commands speakers' microphones leave), so there is no excitation to read, and the integer coefficients found
leave the window's level leaking through as one constant lattice value (8) at every sample (docs/studies.md,
"lpc-lattice's wide reading and a microphone's drift", thirty-eighth pass, and "The rounding floor at 8 kHz",
thirty-ninth pass). flite's own hits leave 1.2-13.9. The floor the speech rate's calibration was counted with is
stored with it (`lpc_lattice_floor`; a profile made before holds none and is read with none, as it was counted).

A scaled 8-bit grid (forty-first pass): an 8-bit recording's quiet stretches hold a few steps of 256 around its
zeros, which an editor's noise reducer keeps under its floor gain (ffmpeg's afftdn at its default 12 dB: x 0.25, steps
of 64) and adds a smooth remainder to. Written at 16 bits, such a window is a grid of multiples of 8 plus what the
recursion predicts, and integer coefficients that are multiples of Q / 8 put its residual on the lattice's linear part
(multiples of 8 up to 120) through the grid, not through a mu-law excitation: wlhjkl's 8-bit digits so were 19 of 20
labelled generated. A hit whose coefficients all lie near the multiples of Q / d for one d of COEFFICIENT_GRIDS
(on_coefficient_grid) does not count; flite's coefficients, a vocal tract's, lie so by chance only (docs/studies.md,
"8-bit speech through an editor's clean-ups", forty-first pass). A profile counted before the rule counted such hits
in its reference: its hit rate's bound can only be higher than the rule's, so it is read as it stands.

What it cannot see: output that does not reach the verdict with its exact 16-bit values and the fixed-point
recursion (flite `kal16` resampled from 16 kHz; festival's voices, which synthesise in floats; any lossy codec or
added noise; a resampler's dither, which moves every sample by up to a step: sox's default). It stands aside (weight
0, `informative`) for a file written by a lossy codec or at another rate than 8 or 16 kHz with content above
UPSAMPLED_BANDWIDTH_HZ (or at 16 kHz in other than 16-bit PCM), and reads no window of mu-law, A-law or 8-bit
samples; under added noise it keeps its clean calibration (noise moves real and flite samples alike off the lattice,
so hits only become rarer).
"""
from dataclasses import dataclass, replace

import numpy as np

from engine.data.representations import SPEECH_RATE, WIDE_BAND_CONTENT_HZ, WIDEBAND_RATE
from engine.detectors import calibration
from engine.detectors.detector import RecordingDetector

Q = 16384  # lpc_resynth_fixedpoint's scale of the coefficients
ORDER = 10  # cmu_us_kal's LPC order
WINDOW = 40  # samples a window's coefficients must explain (a pitch period of kal is about 84)
HOP = 20
WINDOWS = 30  # windows read per WINDOWS_SPAN of a recording, spread over it
WINDOWS_SPAN = SPEECH_RATE // 2  # half a second, a spoken digit (FSDD's median 0.48 s): digits read WINDOWS as before
MAX_WINDOWS = 300  # 5 s of speech: the reading's cost bounded (the LLL, about 0.1 s a window the screen lets through)
ON_LATTICE = 0.95  # share of a window's samples within 1 of the lattice for a hit
RMS_MIN = 6.0  # residual RMS (16-bit units) below which a window says nothing
# A hit's residual RMS at most (16-bit units, three of the lattice's linear steps), and so the least-squares residual
# RMS above which a window is not searched (no integer fit leaves less: an exact screen). flite kal's hits on its 40
# tuning digits leave 6-47 (median 12; 435 of 464 at most 24); a real window's chance fit, coefficients far from its
# least-squares fit, leaves 11-67 (median 45): 56 of 14,585 windows of 190 outside digits through a band filter hit
# without the bound, 4 with it; 32 of 11,473 of 194 as recorded, 0; FSDD's kept recordings 6, 0 (the module's
# docstring, "A chance fit's loud residual").
RMS_MAX = 24.0
MIN_KEPT = 100  # kept recordings a case needs for the detector (smaller cases are quick to make, without it)
CALIBRATION_RECORDINGS = 50  # kept reference recordings read for q (about 1 s each)
MIN_CALIBRATION_WINDOWS = 600  # fewer (8-bit or mu-law reference recordings): q says too little, no detector
CONFIDENCE = 0.95  # of the upper bound on q
STOP_P = 1e-9  # a recording's reading stops below this tail probability
FLOOR = 1e-15  # the smallest tail probability reported (calibration.tail_probability's credible limit)
# A file at a higher rate with no content above this (channel `bandwidth_hz`) was upsampled from 8 kHz: read at 8 kHz.
UPSAMPLED_BANDWIDTH_HZ = WIDE_BAND_CONTENT_HZ
WIDE_ORDER = 16  # kal16's LPC order at 16 kHz: its hits' residuals lie on the lattice at order 16, not at 14
# A wide-band hit's residual RMS at most, and its share of samples on the lattice at least: flite kal16's own hits
# leave 6-10 with 39 or 40 of 40 samples on it, while a real 16 kHz window that the search puts on the lattice (about
# one in nine at order 16) does so with coefficients far from its least-squares fit, their residual 13 or more, or,
# in a near-silent window (peaks of 16-55), at 9.5-12 with 38-40 on it (13 of 10,080 windows at 12 and 0.95).
# A window whose least-squares residual exceeds WIDE_RMS_MAX cannot hit: an exact screen.
WIDE_RMS_MAX = 10.0
WIDE_ON_LATTICE = 0.975
# A window's least-squares residual RMS at least (one step; rounding alone leaves 0.29): below it a real recursion
# predicts the samples to within their rounding and the lattice fit is the window's level leaking through as one
# constant residual of +-8. Speech Commands speaker fa446c16's drifting silences hit so at 16 kHz (74 hits in 15 clips,
# their least-squares RMS 0.27-0.64), d1a4fb3f's at 8 kHz (9 hits in one clip, 0.39-0.56); flite kal16's hits on its
# ten digits leave 1.2-6.4, kal's at 8 kHz 3.5-13.9.
ROUNDING_FLOOR = 1.0
# A scaled 8-bit grid (the module's docstring): coefficients within GRID_TOLERANCE of a grid step of the multiples of
# Q / d map samples on a grid of 256 / d x 8 onto multiples of 8 (d = 32: an 8-bit recorder's own step of 256; 2: a
# step of 16, its grid at -24 dB). Coefficients unrelated to such a grid all lie so with a chance of 0.4^10 (1e-4)
# per grid; flite kal's 124 hits on its ten digits lie at 0.25-0.48 of a step from the nearest grid, the hits of
# wlhjkl's 8-bit digits through ffmpeg's afftdn (its 12 dB floor gain takes the step of 256 to 64) mostly at 0.02-0.2,
# a few at 0.2-0.3 (a file of them 6 hits in 223 windows at 0.2, a tail probability of 0.0002). Unrelated coefficients
# lie within 0.3 of one of the five grids with a chance of 5 x 0.6^10 (3 %): flite's hits lose that share (464 of 477
# kept on 40 kal digits; 62 of 62 on 10 kal16 digits at order 16, where the chance is 5 x 0.6^16, 1e-3).
COEFFICIENT_GRIDS = (32, 16, 8, 4, 2)
GRID_TOLERANCE = 0.3
# Real 16 kHz speech read so (hits, windows): Speech Commands clips of speakers no evaluation set uses (those of
# tests/benchmarks/data/pico_real_speakers.tsv's training rows); the case's reference, at 8 kHz, cannot be read at
# 16 kHz, so this count stands in for it (docs/studies.md, "flite's kal16 read at its own rate", thirty-seventh pass).
WIDE_NULL = (2, 24000)  # 200 clips of 1 s, 120 windows each; tests/benchmarks/wide_lattice_null.py measures it again
READINGS_BOTH = 2  # a file read both ways (reads_both): at the speech rate and WIDE


@dataclass(frozen=True)
class Reading:
    """How a recording's samples are read: at the speech rate (NARROW) or as written at the wide-band rate (WIDE)."""
    order: int  # LPC order of the integer recursion searched
    span: int  # samples holding WINDOWS windows' worth of evidence (half a second at the reading's rate)
    floor: float  # least-squares residual RMS below which a window is not searched (nothing but rounding to read)
    screen: float  # least-squares residual RMS above which a window is not searched
    rms_max: float  # a hit's residual RMS at most
    on_lattice: float  # a hit's share of samples within 1 of the lattice at least


NARROW = Reading(ORDER, WINDOWS_SPAN, ROUNDING_FLOOR, RMS_MAX, RMS_MAX, ON_LATTICE)
# How a profile counted before the speech rate's floor (it holds no `lpc_lattice_floor`) read its windows
UNFLOORED = replace(NARROW, floor=0.0)
# A quarter second holds WINDOWS windows: at 16 kHz as many samples apart as the speech rate's half second, so that
# the windows read do not overlap (a digit of kal16 offers some 400 candidates, reads about 80)
WIDE = Reading(WIDE_ORDER, WIDEBAND_RATE // 4, ROUNDING_FLOOR, WIDE_RMS_MAX, WIDE_RMS_MAX, WIDE_ON_LATTICE)


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


def lll(basis):
    """The rows of `basis` (integers) LLL-reduced (python-flint, delta 0.99), as floats (exact below 2^53)."""
    from flint import fmpz_mat

    reduced = fmpz_mat(np.asarray(basis, dtype=np.int64).tolist()).lll()
    return np.array([[int(v) for v in row] for row in reduced.tolist()], dtype=np.float64)


def window_rows(y, s, order=ORDER):
    """(past samples of lags 1..order, target samples) of the window y[s:s+WINDOW] as int64, one row a sample."""
    past = np.lib.stride_tricks.sliding_window_view(y[s - order:s + WINDOW - 1], order)[:, ::-1]
    return past, y[s:s + WINDOW]


def least_squares_rms(y, s, order=ORDER):
    """The RMS of the window's least-squares residual: the smallest any real coefficients leave, so no integer
    coefficients leave less."""
    past, t = window_rows(y, s, order)
    a = np.linalg.lstsq(past.astype(np.float64), t.astype(np.float64), rcond=None)[0]
    return float(np.sqrt(np.mean((t - past @ a) ** 2)))


def window_fit(y, s, order=ORDER):
    """(share of samples within 1 of the lattice, residual RMS) for the integer coefficients of an order-`order`
    recursion found over y[s:s+WINDOW] (y: int64 16-bit samples, s >= order)."""
    return window_solution(y, s, order)[:2]


def on_coefficient_grid(c):
    """Whether integer coefficients `c` (Q14) all lie within GRID_TOLERANCE of a grid step of the multiples of
    Q / d, for some d in COEFFICIENT_GRIDS: the recursion maps a grid of samples onto multiples of 8 (the module's
    docstring, "A scaled 8-bit grid")."""
    c = np.asarray(c, dtype=np.float64)
    return any(np.max(np.abs(c * d / Q - np.round(c * d / Q))) <= GRID_TOLERANCE for d in COEFFICIENT_GRIDS)


def window_solution(y, s, order=ORDER):
    """window_fit's (share, residual RMS) and the integer coefficients found (None where no candidate put a sample
    on the lattice)."""
    past, t = window_rows(y, s, order)
    a = np.linalg.lstsq(past.astype(np.float64), t.astype(np.float64), rcond=None)[0]
    c0 = np.round(a * Q).astype(np.int64)
    d = WINDOW + order + 1
    basis = np.zeros((d, d), dtype=np.int64)
    basis[np.arange(WINDOW), np.arange(WINDOW)] = 8 * Q
    basis[WINDOW:WINDOW + order, :WINDOW] = past.T
    basis[WINDOW + np.arange(order), WINDOW + np.arange(order)] = 1
    basis[-1, :WINDOW] = Q * t - past @ c0
    basis[-1, -1] = Q
    rows = lll(basis)
    x = rows[np.abs(rows[:, -1]) == Q, WINDOW:WINDOW + order].astype(np.int64)
    if not x.size:
        return 0.0, 0.0, None
    candidates = c0 + np.stack([x, -x], 1).reshape(-1, order)  # each row's x, then its -x, as read before
    shares = np.count_nonzero(lattice_distance(t - candidates @ past.T / Q) < 1.0, axis=1) / WINDOW
    best = int(np.argmax(shares))  # the first of the best, as a strict > over the same order keeps it
    if shares[best] == 0:
        return 0.0, 0.0, None
    r = t - past @ candidates[best] / Q
    return float(shares[best]), float(np.sqrt(np.mean(r ** 2))), candidates[best]


def samples_16bit(audio):
    """A recording at the speech rate (floats in [-1, 1)) as int64 16-bit values."""
    x = np.nan_to_num(np.asarray(audio, dtype=np.float64))  # a hostile file's NaN reads as silence
    return np.round(np.clip(x, -1.0, 1.0) * 32768).astype(np.int64)


def window_budget(size, span=WINDOWS_SPAN):
    """How many windows a recording of `size` samples reads: WINDOWS per `span` samples, at least WINDOWS, at most
    MAX_WINDOWS. The hit rate's bound is per window, so the binomial tail holds for any number read."""
    return int(min(MAX_WINDOWS, max(WINDOWS, round(WINDOWS * size / span))))


def candidate_windows(y, reading=NARROW):
    """Window starts that can say something (see the module's docstring), at most window_budget spread evenly."""
    starts = []
    for s in range(reading.order, y.size - WINDOW, HOP):
        w = y[s:s + WINDOW]
        if np.abs(w).max() < 16 or np.gcd.reduce(np.abs(w)) > 1:
            continue
        if np.mean(lattice_distance(w.astype(np.float64)) < 1.0) >= 0.5:
            continue
        starts.append(s)
    budget = window_budget(y.size, reading.span)
    if len(starts) > budget:
        starts = [starts[i] for i in np.linspace(0, len(starts) - 1, budget).round().astype(int)]
    return starts


def hit(y, s, reading=NARROW):
    """Whether the window hits; a window whose least-squares residual RMS lies below the reading's floor or above its
    screen is not searched, and coefficients on a coarse grid (on_coefficient_grid: a scaled 8-bit grid's) do not
    hit."""
    if not reading.floor <= least_squares_rms(y, s, reading.order) <= reading.screen:
        return False
    share, rms, c = window_solution(y, s, reading.order)
    return share >= reading.on_lattice and RMS_MIN <= rms <= reading.rms_max and not on_coefficient_grid(c)


def tail(k, m, q):
    """P(K >= k) for K binomial(m, q): the tail probability of k hits of m windows (1 for k = 0)."""
    from scipy.stats import binom

    return np.where(np.asarray(k) > 0, binom.sf(np.asarray(k) - 1, m, q), 1.0)


def q_upper(hit_count, windows):
    """The one-sided CONFIDENCE Clopper-Pearson upper bound on the hit probability of a window."""
    from scipy.stats import beta

    return 1.0 if hit_count >= windows else float(beta.ppf(CONFIDENCE, hit_count + 1, windows - hit_count))


def hits(audio, q=None, reading=NARROW):
    """(windows hitting the lattice, windows the recording offers, windows read) of a recording at the speech
    rate (floats in [-1, 1)); with `q`, reading stops once the hits' tail probability is below STOP_P."""
    return sample_hits(samples_16bit(audio), q, reading)


def wide_hits(native, q=None):
    """hits() of a recording's 16-bit samples as written at WIDEBAND_RATE (SampleSet.native_audio), read WIDE."""
    return sample_hits(np.asarray(native, dtype=np.int64), q, WIDE)


def sample_hits(y, q=None, reading=NARROW):
    """hits() of int64 16-bit samples `y`, read as `reading` says."""
    starts = candidate_windows(y, reading)
    found = 0
    for read, s in enumerate(starts, 1):
        found += hit(y, s, reading)
        if q is not None and found and tail(found, len(starts), q) < STOP_P:
            return found, len(starts), read
    return found, len(starts), len(starts)


def reads_wide(native):
    """Whether a file's 16-bit samples as written (a NativeAudio, SampleSet.native_audio; None for other files) are
    read WIDE: written at WIDEBAND_RATE with content above UPSAMPLED_BANDWIDTH_HZ (else, upsampled from the speech
    rate, it is read there)."""
    return native is not None and native.rate == WIDEBAND_RATE and native.bandwidth_hz > UPSAMPLED_BANDWIDTH_HZ


def reads_both(native):
    """Whether a file's 16-bit samples as written are read WIDE as well as at the speech rate: written at
    WIDEBAND_RATE with no content above UPSAMPLED_BANDWIDTH_HZ (upsampled from 8 kHz, or a kal16 word with nothing up
    there: the module's docstring, "Both ways")."""
    return native is not None and native.rate == WIDEBAND_RATE and native.bandwidth_hz <= UPSAMPLED_BANDWIDTH_HZ


def upsampled_from_speech_rate(channel):
    """Whether a file's channel says it was written at a higher rate than SPEECH_RATE from a recording at it: no
    content above UPSAMPLED_BANDWIDTH_HZ (a file with no `bandwidth_hz` read is not taken for one)."""
    return (channel.get("native_sample_rate", SPEECH_RATE) > SPEECH_RATE
            and channel.get("bandwidth_hz", np.inf) <= UPSAMPLED_BANDWIDTH_HZ)


def calibration_recordings(recordings):
    """Up to CALIBRATION_RECORDINGS of the kept recordings, spread evenly."""
    n = len(recordings)
    chosen = np.unique(np.linspace(0, n - 1, min(n, CALIBRATION_RECORDINGS)).round().astype(int)) if n else []
    return [recordings[i] for i in chosen]


class LpcLattice(RecordingDetector):
    name = "lpc-lattice"
    min_kept = MIN_KEPT
    arrays = ("cal_lpc_lattice", "lpc_lattice_floor")
    added_later = ("lpc_lattice_floor",)  # profiles counted before the speech rate's rounding floor: read without

    @classmethod
    def calibrate(cls, audio):
        """(hits, windows) of each calibration recording, and the floor they were read with; {} when they offer too
        few windows."""
        counts = np.array([hits(a)[:2] for a in calibration_recordings(audio)], dtype=np.int64).reshape(-1, 2)
        if counts[:, 1].sum() < MIN_CALIBRATION_WINDOWS:
            return {}
        return {"cal_lpc_lattice": counts, "lpc_lattice_floor": np.array(NARROW.floor)}

    def __init__(self, profile):
        # the speech rate is read as its calibration was counted: with the floor it records, or without
        self.narrow = replace(NARROW, floor=float(profile.get("lpc_lattice_floor", UNFLOORED.floor)))
        counts = np.asarray(profile["cal_lpc_lattice"], dtype=np.int64).reshape(-1, 2)
        self.cal_hits, self.cal_windows = int(counts[:, 0].sum()), int(counts[:, 1].sum())
        self.q = q_upper(self.cal_hits, self.cal_windows)
        self.tail = calibration.log_p_model(np.maximum(tail(counts[:, 0], counts[:, 1], self.q), FLOOR), FLOOR)
        self.wide_q = q_upper(*WIDE_NULL)
        self.method = (f"hits of {WINDOWS} windows per {WINDOWS_SPAN / SPEECH_RATE:.1f} s (up to {MAX_WINDOWS}) of "
                       f"{WINDOW} samples whose residual under integer order-{ORDER} LPC coefficients (LLL closest-"
                       f"vector search) lies within 1 of a mu-law value at {ON_LATTICE:.0%} of samples, its RMS at "
                       f"most {RMS_MAX:g}, as flite's fixed-point synthesis writes them; score -log10 of the binomial "
                       f"tail with the hit rate's "
                       f"{CONFIDENCE:.0%} upper bound on {len(counts)} reference recordings ({self.cal_hits} of "
                       f"{self.cal_windows} windows hit), windows assumed to hit independently; a 16-bit file "
                       f"written at {WIDEBAND_RATE // 1000} kHz with content above {UPSAMPLED_BANDWIDTH_HZ} Hz read "
                       f"as written at order {WIDE_ORDER}, a hit's residual RMS at most {WIDE_RMS_MAX:g} and "
                       f"{WIDE_ON_LATTICE:.1%} of its samples on the lattice, against "
                       f"real {WIDEBAND_RATE // 1000} kHz speech ({WIDE_NULL[0]} of {WIDE_NULL[1]} windows hit)"
                       + (f"; no window whose least-squares residual RMS lies below {ROUNDING_FLOOR:g} (mere "
                          f"rounding) is searched" if self.narrow.floor else
                          f"; at {WIDEBAND_RATE // 1000} kHz no window whose least-squares residual RMS lies below "
                          f"{ROUNDING_FLOOR:g} (mere rounding) is searched; at {SPEECH_RATE // 1000} kHz every window, "
                          f"as this older calibration was counted"))
        self._seen = None  # (batch, per recording its readings [(hits, windows, read, wide)]) of the last batch scored

    def read(self, batch):
        """Per file, its readings: [(hits, windows, windows read, read WIDE)], one, or two where reads_both."""
        if self._seen is None or self._seen[0] is not batch:
            self._seen = (batch, [self.read_recording(a, n) for a, n in zip(batch.recordings(), batch.native)])
        return self._seen[1]

    def read_recording(self, audio, native):
        """The readings (hits, windows, windows read, read WIDE) of one file: its samples as written where reads_wide,
        its waveform at the speech rate and its samples as written where reads_both, else its waveform."""
        if reads_wide(native):
            return [wide_hits(native.samples, self.wide_q) + (True,)]
        narrow = (hits(audio, self.q, self.narrow) if audio is not None else (0, 0, 0)) + (False,)
        return [narrow, wide_hits(native.samples, self.wide_q) + (True,)] if reads_both(native) else [narrow]

    def reading_score(self, found, windows, wide):
        """-log10 of a reading's binomial tail at its bound on the hit rate."""
        return float(-np.log10(max(float(tail(found, windows, self.wide_q if wide else self.q)), FLOOR)))

    def scores(self, batch):
        """Per file, its reading's score, or the larger of its two less log10(READINGS_BOTH) (the Bonferroni bound)."""
        return np.array([max(self.reading_score(f, w, wide) for f, w, _, wide in readings)
                         - (np.log10(READINGS_BOTH) if len(readings) > 1 else 0.0)
                         for readings in self.read(batch)])

    def informative(self, samples):
        """Only a recording without a lossy codec (it moves the samples off the lattice), written at the speech rate
        or upsampled from it (upsampled_from_speech_rate; a 16-bit one at WIDEBAND_RATE so is read both ways,
        reads_both), or a 16-bit one written at WIDEBAND_RATE with content above UPSAMPLED_BANDWIDTH_HZ (reads_wide),
        that offers a window (not an 8-bit recorder's steps, not mu-law or A-law
        samples). A band limit below 4 kHz is no reason: flite's own output reads as one at times."""
        audio = getattr(samples, "audio", None)
        channel = (getattr(samples, "meta", None) or {}).get("channel") or {}
        rate = channel.get("native_sample_rate", SPEECH_RATE)
        if audio is None or channel.get("lossy"):
            return False
        native = getattr(samples, "native_audio", None)
        if reads_wide(native):
            return bool(candidate_windows(np.asarray(native.samples, dtype=np.int64), WIDE))
        if rate != SPEECH_RATE and not upsampled_from_speech_rate(channel):
            return False
        return bool(candidate_windows(samples_16bit(audio))) or (
            reads_both(native) and bool(candidate_windows(np.asarray(native.samples, dtype=np.int64), WIDE)))

    def reason(self, batch, g, score, p):
        readings = self.read(batch)[g]
        if len(readings) == 1 and not readings[0][3] and not readings[0][1]:
            return ("lpc-lattice: no window to read (no waveform, an 8-bit recorder's steps, or samples on the "
                    "mu-law lattice already), stands aside")
        told = "; ".join(self.reading_text(*reading) for reading in readings)
        both = (f" (no content above {UPSAMPLED_BANDWIDTH_HZ} Hz at {WIDEBAND_RATE // 1000} kHz: read both ways, the "
                f"stronger reading's tail times {READINGS_BOTH})" if len(readings) > 1 else "")
        return f"lpc-lattice: {told}{both}; tail probability {p:.2g}"

    def reading_text(self, found, windows, read, wide):
        stopped = f", reading stopped after {read}" if read < windows else ""
        if wide:
            return (f"{found} of {windows} windows{stopped} of the samples as written at {WIDEBAND_RATE // 1000} kHz "
                    f"fit integer order-{WIDE_ORDER} LPC coefficients over a mu-law residual within 1 at "
                    f"{WIDE_ON_LATTICE:.1%} of samples, the residual's RMS at most {WIDE_RMS_MAX:g} (flite kal16's "
                    f"fixed-point synthesis; real {WIDEBAND_RATE // 1000} kHz speech: {WIDE_NULL[0]} of "
                    f"{WIDE_NULL[1]} windows, a hit rate of at most {self.wide_q:.2g})")
        return (f"{found} of {windows} windows{stopped} fit integer LPC coefficients over a mu-law residual within 1 "
                f"at {ON_LATTICE:.0%} of samples, its RMS at most {RMS_MAX:g} (flite's fixed-point synthesis; the "
                f"reference: {self.cal_hits} of {self.cal_windows} windows, a hit rate of at most {self.q:.2g})")
