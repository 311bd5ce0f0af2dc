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
exceeds SCREEN_RMS is not searched. No exact test was found that proves a window cannot hit: the least-squares
residual bounds any integer fit's RMS from below (so a residual never gets quieter than it) but says nothing of
how close its samples come to mu-law values, and the LLL's rows have no norm bound tight enough to confine the
candidates. The screen rests on the mechanism and on measurement instead: LLL returns short vectors, whose
residual lies near multiples of 8 (the mu-law values within +-120) at nearly every sample, so hits come from
quiet residuals. Measured on flite kal, espeak-ng and all 2000 FSDD recordings (46 000 windows): no hit had a
least-squares RMS above 44, and no window above 100 put more than 32 of its 40 samples on the lattice (a hit
needs 38); the same hits on every window of that set, 2.4-3.6x faster (docs/studies.md, "lpc-lattice's screen
(2026-12-03, eighteenth pass)").

Upsampled from 8 kHz: a file written at a higher rate with no content above UPSAMPLED_BANDWIDTH_HZ (the channel's
`bandwidth_hz`, read at the file's own rate) is read as the verdict reads all speech, at 8 kHz. A standard resampler's
round trip brings most samples of flite `kal` back within a step of their values, and the windows whose residual
stays on the lattice still hit (a few of every 30 rather than one in four). The clean calibration says nothing of a
resampled real recording, so the channel's detectors take q from the reference upsampled to the file's rate and
read back at 8 kHz (engine/detectors/channels.py, channel_calibration). A native wide-band recording (content above
4.8 kHz: any microphone at 16 kHz or more, flite `kal16`) stands aside as before. docs/studies.md, "flite's kal
resampled: lpc-lattice reads a file upsampled from 8 kHz at 8 kHz (2026-12-04, twenty-ninth pass)", measured it.

What it cannot see: output that does not reach the verdict with its exact 16-bit values and the fixed-point
recursion (flite `kal16` at 16 kHz; festival's voices, which synthesise in floats; any lossy codec or added noise;
a resampler's dither, which moves every sample by up to a step: sox's default). It stands aside (weight 0,
`informative`) for a file written by a lossy codec or at another rate with content above UPSAMPLED_BANDWIDTH_HZ,
and reads no window of mu-law, A-law or 8-bit samples; under added noise it keeps its clean calibration (noise moves
real and flite samples alike off the lattice, so hits only become rarer).
"""
import numpy as np

from engine.data.representations import SPEECH_RATE
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
SCREEN_RMS = 100.0  # least-squares residual RMS above which no window was seen to hit (the module's docstring)
MIN_KEPT = 100  # kept recordings a case needs for the detector (smaller cases are quick to make, without it)
CALIBRATION_RECORDINGS = 50  # kept reference recordings read for q (about 1 s each)
MIN_CALIBRATION_WINDOWS = 600  # fewer (8-bit or mu-law reference recordings): q says too little, no detector
CONFIDENCE = 0.95  # of the upper bound on q
STOP_P = 1e-9  # a recording's reading stops below this tail probability
FLOOR = 1e-15  # the smallest tail probability reported (calibration.tail_probability's credible limit)
# A file at a higher rate with no content above this (channel `bandwidth_hz`) was upsampled from 8 kHz: read at 8 kHz.
# A resampler's transition band reaches past 4 kHz (ffmpeg's default: FSDD takes read up to 4.6 kHz); native
# wide-band speech reads from 5.1 kHz (flite awb at 16 kHz) to the Nyquist frequency.
UPSAMPLED_BANDWIDTH_HZ = 4800


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


def window_rows(y, s):
    """(past samples of lags 1..ORDER, target samples) of the window y[s:s+WINDOW] as int64, one row a sample."""
    past = np.lib.stride_tricks.sliding_window_view(y[s - ORDER:s + WINDOW - 1], ORDER)[:, ::-1]
    return past, y[s:s + WINDOW]


def least_squares_rms(y, s):
    """The RMS of the window's least-squares residual: the smallest any real coefficients leave, so no integer
    coefficients leave less."""
    past, t = window_rows(y, s)
    a = np.linalg.lstsq(past.astype(np.float64), t.astype(np.float64), rcond=None)[0]
    return float(np.sqrt(np.mean((t - past @ a) ** 2)))


def window_fit(y, s):
    """(share of samples within 1 of the lattice, residual RMS) for the integer coefficients found over
    y[s:s+WINDOW] (y: int64 16-bit samples, s >= ORDER)."""
    past, t = window_rows(y, s)
    a = np.linalg.lstsq(past.astype(np.float64), t.astype(np.float64), rcond=None)[0]
    c0 = np.round(a * Q).astype(np.int64)
    d = WINDOW + ORDER + 1
    basis = np.zeros((d, d), dtype=np.int64)
    basis[np.arange(WINDOW), np.arange(WINDOW)] = 8 * Q
    basis[WINDOW:WINDOW + ORDER, :WINDOW] = past.T
    basis[WINDOW + np.arange(ORDER), WINDOW + np.arange(ORDER)] = 1
    basis[-1, :WINDOW] = Q * t - past @ c0
    basis[-1, -1] = Q
    rows = lll(basis)
    x = rows[np.abs(rows[:, -1]) == Q, WINDOW:WINDOW + ORDER].astype(np.int64)
    if not x.size:
        return 0.0, 0.0
    candidates = c0 + np.stack([x, -x], 1).reshape(-1, ORDER)  # each row's x, then its -x, as read before
    shares = np.count_nonzero(lattice_distance(t - candidates @ past.T / Q) < 1.0, axis=1) / WINDOW
    best = int(np.argmax(shares))  # the first of the best, as a strict > over the same order keeps it
    if shares[best] == 0:
        return 0.0, 0.0
    r = t - past @ candidates[best] / Q
    return float(shares[best]), float(np.sqrt(np.mean(r ** 2)))


def samples_16bit(audio):
    """A recording at the speech rate (floats in [-1, 1)) as int64 16-bit values."""
    x = np.nan_to_num(np.asarray(audio, dtype=np.float64))  # a hostile file's NaN reads as silence
    return np.round(np.clip(x, -1.0, 1.0) * 32768).astype(np.int64)


def window_budget(size):
    """How many windows a recording of `size` samples reads: WINDOWS per WINDOWS_SPAN, at least WINDOWS, at most
    MAX_WINDOWS. The hit rate's bound is per window, so the binomial tail holds for any number read."""
    return int(min(MAX_WINDOWS, max(WINDOWS, round(WINDOWS * size / WINDOWS_SPAN))))


def candidate_windows(y):
    """Window starts that can say something (see the module's docstring), at most window_budget spread evenly."""
    starts = []
    for s in range(ORDER, y.size - WINDOW, HOP):
        w = y[s:s + WINDOW]
        if np.abs(w).max() < 16 or np.gcd.reduce(np.abs(w)) > 1:
            continue
        if np.mean(lattice_distance(w.astype(np.float64)) < 1.0) >= 0.5:
            continue
        starts.append(s)
    budget = window_budget(y.size)
    if len(starts) > budget:
        starts = [starts[i] for i in np.linspace(0, len(starts) - 1, budget).round().astype(int)]
    return starts


def hit(y, s):
    """Whether the window hits; a window whose least-squares residual RMS exceeds SCREEN_RMS is not searched."""
    if least_squares_rms(y, s) > SCREEN_RMS:
        return False
    share, rms = window_fit(y, s)
    return share >= ON_LATTICE and rms >= RMS_MIN


def tail(k, m, q):
    """P(K >= k) for K binomial(m, q): the tail probability of k hits of m windows (1 for k = 0)."""
    from scipy.stats import binom

    return np.where(np.asarray(k) > 0, binom.sf(np.asarray(k) - 1, m, q), 1.0)


def q_upper(hit_count, windows):
    """The one-sided CONFIDENCE Clopper-Pearson upper bound on the hit probability of a window."""
    from scipy.stats import beta

    return 1.0 if hit_count >= windows else float(beta.ppf(CONFIDENCE, hit_count + 1, windows - hit_count))


def hits(audio, q=None):
    """(windows hitting the lattice, windows the recording offers, windows read) of a recording at the speech
    rate (floats in [-1, 1)); with `q`, reading stops once the hits' tail probability is below STOP_P."""
    y = samples_16bit(audio)
    starts = candidate_windows(y)
    found = 0
    for read, s in enumerate(starts, 1):
        found += hit(y, s)
        if q is not None and found and tail(found, len(starts), q) < STOP_P:
            return found, len(starts), read
    return found, len(starts), len(starts)


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
    arrays = ("cal_lpc_lattice",)

    @classmethod
    def calibrate(cls, audio):
        """(hits, windows) of each calibration recording; {} when they offer too few windows."""
        counts = np.array([hits(a)[:2] for a in calibration_recordings(audio)], dtype=np.int64).reshape(-1, 2)
        return {cls.arrays[0]: counts} if counts[:, 1].sum() >= MIN_CALIBRATION_WINDOWS else {}

    def __init__(self, profile):
        counts = np.asarray(profile["cal_lpc_lattice"], dtype=np.int64).reshape(-1, 2)
        self.cal_hits, self.cal_windows = int(counts[:, 0].sum()), int(counts[:, 1].sum())
        self.q = q_upper(self.cal_hits, self.cal_windows)
        self.tail = calibration.log_p_model(np.maximum(tail(counts[:, 0], counts[:, 1], self.q), FLOOR), FLOOR)
        self.method = (f"hits of {WINDOWS} windows per {WINDOWS_SPAN / SPEECH_RATE:.1f} s (up to {MAX_WINDOWS}) of "
                       f"{WINDOW} samples whose residual under integer order-{ORDER} LPC coefficients (LLL closest-"
                       f"vector search) lies within 1 of a mu-law value at {ON_LATTICE:.0%} of samples, as flite's "
                       f"fixed-point synthesis writes them; score -log10 of the binomial tail with the hit rate's "
                       f"{CONFIDENCE:.0%} upper bound on {len(counts)} reference recordings ({self.cal_hits} of "
                       f"{self.cal_windows} windows hit), windows assumed to hit independently")
        self._seen = None  # (batch, [(hits, windows, read)] per recording) of the last batch scored, for reasons

    def read(self, batch):
        if self._seen is None or self._seen[0] is not batch:
            self._seen = (batch, [hits(a, self.q) if a is not None else (0, 0, 0) for a in batch.recordings()])
        return self._seen[1]

    def scores(self, batch):
        counts = np.array(self.read(batch), dtype=np.int64).reshape(-1, 3)
        return -np.log10(np.maximum(tail(counts[:, 0], counts[:, 1], self.q), FLOOR))

    def informative(self, samples):
        """Only a recording without a lossy codec (it moves the samples off the lattice), written at the speech rate
        or upsampled from it (upsampled_from_speech_rate), that offers a window (not an 8-bit recorder's steps, not
        mu-law or A-law samples). A band limit below 4 kHz is no reason: flite's own output reads as one at times."""
        audio = getattr(samples, "audio", None)
        channel = (getattr(samples, "meta", None) or {}).get("channel") or {}
        rate = channel.get("native_sample_rate", SPEECH_RATE)
        if audio is None or channel.get("lossy") or rate != SPEECH_RATE and not upsampled_from_speech_rate(channel):
            return False
        return bool(candidate_windows(samples_16bit(audio)))

    def reason(self, batch, g, score, p):
        found, windows, read = self.read(batch)[g]
        if not windows:
            return ("lpc-lattice: no window to read (no waveform, an 8-bit recorder's steps, or samples on the "
                    "mu-law lattice already), stands aside")
        stopped = f", reading stopped after {read}" if read < windows else ""
        return (f"lpc-lattice: {found} of {windows} windows{stopped} fit integer LPC coefficients over a mu-law "
                f"residual within 1 at {ON_LATTICE:.0%} of samples (flite's fixed-point synthesis; the reference: "
                f"{self.cal_hits} of {self.cal_windows} windows, a hit rate of at most {self.q:.2g}); tail "
                f"probability {p:.2g}")
