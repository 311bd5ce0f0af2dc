"""A codec's trace read from a recording's samples: evidence decoded and re-saved as plain PCM.

A telephone call's mu-law or A-law, a GSM 06.10 file converted with sox, a companding done in
numpy: the header of the re-saved file says PCM_16, but the samples keep the codec's output
grid, and the verdict must judge the file against the reference through that codec
(engine/detectors/channels.py), as the JPEG history does for lossless images. Samples are read
as 16-bit integers v = x * 32768 (exact for a 16-bit file; a wider file only where every sample
lies within HISTORY_INTEGER of one).

Companded lattices (G.711 mu-law and A-law, and the continuous mu-law with 8 bits). A decoder
maps each code to one magnitude of a fixed table T: G.711 mu-law T = ((m << 3) + 132) << e - 132
(m = 0..15, e = 0..7: 0, 8, ..., 32124), A-law T = 16 m + 8 (e = 0) and (16 m + 264) << (e - 1)
(8 ... 32256); the continuous mu-law of 2N + 1 levels T_k = 32768 ((1 + 255)^(k / N) - 1) / 255
(N = 127; also N = 127.5 with k half-integer: 256 levels that skip 0). A direct decode gives
|v| in T exactly; a decode to float and a write to 16 bits (libsndfile scales by 32767 / 32768)
or a normalisation gives |v| within rounding of g T for one gain g. For each table the gain is
anchored at each of the table's magnitudes for the file's largest (g = max|v| / T_j), refined by
least squares over the magnitudes it explains, and kept where it explains the most. A clean
recording's magnitudes fall near a lattice by chance with the lattice's local density
d = (2 HISTORY_TOLERANCE + 1) / (g times the local step of T), capped at 1; the evidence is the
log-likelihood of the distinct magnitudes on it, sum of -ln d over them (a quiet 16-bit
recording's consecutive integers: d = 1, no evidence), less ln(1 / HISTORY_OUTLIER) per magnitude
off it (so that a gain whose coarser lattice explains fewer magnitudes does not win). A uniform grid (an 8-bit recorder:
multiples of 256) lies on a companded table's linear first segment too, so the evidence must
exceed that of the best uniform grid of step s (s = the smallest magnitude / k, k = 1..8) by
HISTORY_MIN_EXCESS nats, with at most HISTORY_MISSES of the distinct magnitudes off the lattice
and at most HISTORY_MAX_LEVELS distinct values in all (a codec of 8 bits has 256).

GSM 06.10 works on 13-bit samples: its decoder (libgsm, which libsndfile and sox use) clears the
three low bits of each 16-bit output sample. Its output therefore has every sample a multiple of
8 (within one where a write's gain of 32767 / 32768 moved the largest) but, unlike a decoded
G.711 file or an 8-bit recorder, more than HISTORY_MAX_LEVELS distinct values; a clean 16-bit
recording has about an eighth of its samples on multiples of 8.

MS ADPCM and IMA ADPCM leave no grid but a decoder's chain: each sample is the decoder's prediction from
the samples before it plus a 4-bit code times a step size that the codes themselves adapt, so from any
sample on, a guessed state (MS: the block's predictor pair and its step; IMA: its step index) reproduces the
next samples exactly or fails at once (a clean recording matches a step's 16 values with odds of at most
1/16 a sample). `adpcm_history` follows such chains through the file, a block header's raw samples breaking
them, and reads the codec when chains of at least ADPCM_MIN_RUN samples explain ADPCM_MIN_SHARE of the file
(IMA counting only samples coded with a step of at least ADPCM_IMA_MIN_STEP: a small step's few values
follow near-silence by chance). A write through float that scaled by 32767 / 32768 is undone where the samples
as written fail.

G.726 (DECT cordless phones, voice over IP) leaves both: FFmpeg's decoder writes its 14-bit samples shifted left by
two, so every 16-bit sample is a multiple of G726_STEP, and a decoded stream is a fixed point of the codec at its own
bitrate: FFmpeg's encoder, started as the decoder was at the file's first sample, finds each sample's own code again,
so encoding the samples at that bitrate and decoding them gives them back, sample for sample (16, 24, 32 and 40
kbit/s tried in turn). Read where they come back from the first sample to the last, or at least G726_MIN_RUN nonzero
samples in a row from the first before the two part: a decoder's output that overflowed near full scale (a loud,
clipped take) is not its encoder's fixed point there, and at 40 kbit/s the encoder now and then misses one of its own
codes (a reconstruction level on its decision boundary), after which the two drift apart. A clean recording at 8 kHz
lies on multiples of 4 a quarter of the time, and an ADPCM of at most 5 bits a sample reproduces no run of arbitrary
14-bit samples; through the wrong bitrate a decoded file parts within a few samples (docs/studies.md, "G.726 and the
mel map", fifty-seventh pass).

Not read (the header, if any, is all there is): MP3, Vorbis and Opus (their decoders' output has
no grid; decoded, real takes were not labelled generated against the clean calibration), and any history
followed by resampling, mixing or level processing in float that leaves the grid or the chain. Measured in
docs/studies.md, "Codec history read from the samples" and "Decoded, fast-gated and padded speech".
"""
import numpy as np

HISTORY_INTEGER = 0.02  # a sample of a wider file this close to a 16-bit integer counts as one
HISTORY_MAX_LEVELS = 256
HISTORY_MIN_LEVELS = 12  # fewer distinct magnitudes are too little evidence
HISTORY_TOLERANCE = 1.5  # 16-bit steps: the write's rounding (which may differ by sign) and the gain's error
HISTORY_MISSES = 0.02
HISTORY_OUTLIER = 0.01  # a magnitude off the lattice costs ln(1 / this) nats: a gain that explains more wins
HISTORY_MIN_EXCESS = 40.0  # nats over the uniform grid: the search over tables and gains costs < 10
HISTORY_UNIFORM_DIVISORS = range(1, 9)
GSM_STEP = 8
GSM_MIN_ON_GRID = 0.999  # samples on multiples of 8 (clean 16-bit speech: about 0.125)
MU = 255
G726_STEP = 4
G726_RATE = 8000  # the codec's only sample rate
G726_BIT_RATES = (16000, 24000, 32000, 40000)
G726_MIN_RUN = 2000  # nonzero samples, a quarter of a second
G726_PROBE = 8 * G726_RATE  # samples tried alone first (g726_history)
G726_PROBE_MARGIN = 64  # samples short of the probe's end where a parting is its own, not the cut's
ADPCM_MIN_RUN = 64  # samples a chain must explain to count (a clean recording's: a few)
ADPCM_MIN_SHARE = 0.9  # of the samples explained (block headers: 2 raw samples in 500 for MS, 1 in 505 for IMA)
ADPCM_PROBE = 16  # start positions tried in a row before a file is given up
ADPCM_IMA_MIN_STEP = 64
ADPCM_MIN_EVIDENCE = 256  # samples explained with a step of at least 16 (MS) or ADPCM_IMA_MIN_STEP (IMA)
MS_COEFFICIENTS = ((256, 0), (512, -256), (0, 0), (192, 64), (240, 0), (460, -208), (392, -232))
MS_ADAPTATION = (230, 230, 230, 230, 307, 409, 512, 614, 768, 614, 512, 409, 307, 230, 230, 230)
IMA_STEPS = (7, 8, 9, 10, 11, 12, 13, 14, 16, 17, 19, 21, 23, 25, 28, 31, 34, 37, 41, 45, 50, 55, 60, 66, 73, 80, 88,
             97, 107, 118, 130, 143, 157, 173, 190, 209, 230, 253, 279, 307, 337, 371, 408, 449, 494, 544, 598, 658,
             724, 796, 876, 963, 1060, 1166, 1282, 1411, 1552, 1707, 1878, 2066, 2272, 2499, 2749, 3024, 3327, 3660,
             4026, 4428, 4871, 5358, 5894, 6484, 7132, 7845, 8630, 9493, 10442, 11487, 12635, 13899, 15289, 16818,
             18500, 20350, 22385, 24623, 27086, 29794, 32767)
IMA_INDEX_MOVES = (-1, -1, -1, -1, 2, 4, 6, 8)


def _g711_mulaw():
    m, e = np.meshgrid(np.arange(16), np.arange(8))
    return np.unique((((m << 3) + 132) << e) - 132).astype(np.float64)


def _g711_alaw():
    m, e = np.meshgrid(np.arange(16), np.arange(1, 8))
    return np.unique(np.concatenate([16 * np.arange(16) + 8, ((16 * m + 264) << (e - 1)).ravel()])).astype(np.float64)


def _continuous_mulaw(steps, offset):
    k = np.arange(int(np.ceil(steps)) + 1) + offset
    k = k[k <= steps]
    return 32768 * np.expm1(k / steps * np.log1p(MU)) / MU


# name: (the codec whose channel the file is judged through, the decoder's magnitudes)
TABLES = {
    "G.711 mu-law": ("ULAW", _g711_mulaw()),
    "G.711 A-law": ("ALAW", _g711_alaw()),
    "mu-law, 8 bits": ("ULAW", _continuous_mulaw(127, 0.0)),
    "mu-law, 8 bits, no zero level": ("ULAW", _continuous_mulaw(127.5, 0.5)),
}


def integer_samples(mono):
    """The samples as 16-bit integers (int64), or None when some sample lies off them."""
    v = np.asarray(mono, dtype=np.float64) * 32768
    rounded = np.rint(v)
    return rounded.astype(np.int64) if np.all(np.abs(v - rounded) <= HISTORY_INTEGER) else None


def on_lattice(magnitudes, lattice):
    """The index of each magnitude's nearest lattice point (lattice ascending), and whether it lies within
    HISTORY_TOLERANCE of it."""
    nearest = np.clip(np.searchsorted(lattice, magnitudes), 1, lattice.size - 1)
    nearest -= magnitudes - lattice[nearest - 1] < lattice[nearest] - magnitudes
    return nearest, np.abs(magnitudes - lattice[nearest]) <= HISTORY_TOLERANCE


def lattice_fit(magnitudes, table):
    """(evidence in nats, gain, share of the distinct magnitudes off the lattice) of the best gain
    for `table` (the module docstring); magnitudes: the distinct nonzero ones, ascending."""
    best = (-np.inf, 0.0, 1.0)
    for anchor in table[table > 0]:
        gain = magnitudes[-1] / anchor
        nearest, on = on_lattice(magnitudes, gain * table)
        points = table[nearest[on]]
        if points.any():  # refined by least squares on the magnitudes the anchored gain explains
            gain = float(points @ magnitudes[on] / (points @ points))
            nearest, on = on_lattice(magnitudes, gain * table)
        step = np.diff(gain * table)
        local = np.maximum(step[np.clip(nearest - 1, 0, step.size - 1)], step[np.clip(nearest, 0, step.size - 1)])
        density = np.minimum(1.0, (2 * HISTORY_TOLERANCE + 1) / np.maximum(local, 1e-9))
        evidence = float(-np.log(density[on]).sum() + np.log(HISTORY_OUTLIER) * (~on).sum())
        if evidence > best[0]:
            best = (evidence, gain, float(1 - on.mean()))
    return best


def uniform_evidence(magnitudes):
    """The evidence (nats) of the best uniform grid of magnitudes: steps of the smallest / k, each
    refined by least squares (an 8-bit recorder's steps of 256 scaled by 0.1 are 25.6)."""
    best = 0.0
    for k in HISTORY_UNIFORM_DIVISORS:
        step = magnitudes[0] / k
        for _ in range(2):
            multiples = np.rint(magnitudes / step)
            step = float(multiples @ magnitudes / (multiples @ multiples))
        on = np.abs(magnitudes - step * np.rint(magnitudes / step)) <= HISTORY_TOLERANCE
        density = min(1.0, (2 * HISTORY_TOLERANCE + 1) / step)
        best = max(best, float(-np.log(density) * on.sum()) if on.mean() >= 1 - HISTORY_MISSES else 0.0)
    return best


def ms_chain(v, start):
    """(end of the longest MS ADPCM chain from `start`, the samples in it): each guess of the block's predictor pair
    and of the step (the first nonzero residual over a code of -8..7) followed while the residuals stay a code
    times the step."""
    best, evidence = start, 0
    for c1, c2 in MS_COEFFICIENTS:
        first = start  # residuals of 0 (a decoded silence) fit any step: the step is guessed at the first other
        while first < len(v) and v[first] == (v[first - 1] * c1 + v[first - 2] * c2) >> 8:
            first += 1
        if first > best:  # a decoded silence to the end of the file or of the block: no break, no evidence
            best, evidence = first, 0
        e0 = v[first] - ((v[first - 1] * c1 + v[first - 2] * c2) >> 8) if first < len(v) else 0
        for code0 in (c for c in range(-8, 8) if c and e0 % c == 0 and e0 // c >= 16):
            delta, n = e0 // code0, first
            while n < len(v):
                code, rest = divmod(v[n] - ((v[n - 1] * c1 + v[n - 2] * c2) >> 8), delta)
                if rest or not -8 <= code <= 7:
                    break
                delta = max(16, MS_ADAPTATION[code & 15] * delta >> 8)
                n += 1
            if n > best:
                best, evidence = n, n - first
    return best, evidence


def ima_chain(v, start):
    """(end of the longest IMA ADPCM chain from `start`, samples in it coded with a step of at least
    ADPCM_IMA_MIN_STEP): each step index guessed, the sample differences matched to the step's 16 values."""
    best = (start, 0)
    for index0 in range(len(IMA_STEPS)):
        index, n, large = index0, start, 0
        while n < len(v):
            step = IMA_STEPS[index]
            diff, code = v[n] - v[n - 1], -1
            for bits in range(8):  # the decoder's difference for a code's magnitude bits (its sign bit: diff's)
                size = (step >> 3) + (bits >> 2 & 1) * step + (bits >> 1 & 1) * (step >> 1) + (bits & 1) * (step >> 2)
                if abs(diff) == size:
                    code = bits
                    break
            if code < 0:
                break
            large += step >= ADPCM_IMA_MIN_STEP
            index = min(max(index + IMA_INDEX_MOVES[code], 0), len(IMA_STEPS) - 1)
            n += 1
        if n > best[0]:
            best = (n, large)
    return best


def _explained(v, chain):
    """(samples of `v` that chains of at least ADPCM_MIN_RUN explain, of them the evidence `chain` counts), or
    (0, 0) as soon as no chain starts within ADPCM_PROBE samples (a decoder's chain restarts within a block
    header's raw samples)."""
    pos, explained, evidence, failed = 2, 0, 0, 0
    while pos < len(v) - ADPCM_MIN_RUN:
        end, count = chain(v, pos)
        if end - pos >= ADPCM_MIN_RUN:
            explained, evidence, pos, failed = explained + end - pos, evidence + count, end, 0
            continue
        failed += 1
        if failed >= ADPCM_PROBE:
            return 0, 0
        pos += 1
    return explained, evidence


def adpcm_history(v):
    """{"codec", "subtype", "explained"} when MS or IMA ADPCM decoder chains explain the 16-bit samples `v` (the
    module docstring), else None; the samples as written, or as a float write's 32767 / 32768 left them."""
    for samples in (v, np.rint(v * (32768 / 32767)).astype(np.int64)):
        values = samples.tolist()
        for name, subtype, chain in (("MS ADPCM", "MS_ADPCM", ms_chain), ("IMA ADPCM", "IMA_ADPCM", ima_chain)):
            explained, evidence = _explained(values, chain)
            if explained >= ADPCM_MIN_SHARE * len(values) and evidence >= ADPCM_MIN_EVIDENCE:
                return {"codec": name, "subtype": subtype, "explained": round(explained / len(values), 3)}
        if not np.any(np.abs(v) >= 16384):
            break  # the gain moved no sample
    return None


def g726_history(v):
    """{"codec", "subtype", "reproduced": the share of the samples given back before the first that was not} when the
    16-bit samples `v` (at G726_RATE) are FFmpeg's G.726 decoder's output at one of G726_BIT_RATES (the module
    docstring), else None. The encoder is causal, so the first G726_PROBE samples are tried alone first: a file that
    parts there with fewer than G726_MIN_RUN nonzero samples given back parts so whole (an hour of an 8-bit
    recorder's multiples of 256 is not encoded four times)."""
    if np.any(v % G726_STEP):
        return None
    head = v[:G726_PROBE]
    for bit_rate in G726_BIT_RATES:
        if head.size < v.size:
            probed = _g726_run(head, bit_rate)
            if probed < head.size - G726_PROBE_MARGIN and np.count_nonzero(head[:probed]) < G726_MIN_RUN:
                continue
        end = _g726_run(v, bit_rate)
        if end == v.size or np.count_nonzero(v[:end]) >= G726_MIN_RUN:
            return {"codec": "G.726", "subtype": f"G726_{bit_rate}", "reproduced": round(end / v.size, 4)}
    return None


def _g726_run(v, bit_rate):
    """How many of the 16-bit samples `v` FFmpeg's G.726 encoder at `bit_rate` and its decoder give back, from the
    first, before the first they do not."""
    from engine.data.formats.container_audio import encoded, read_recording

    again = read_recording("the samples through G.726", encoded(v / 32767, G726_RATE, bit_rate, "wav", "g726"))[0]
    parted = np.flatnonzero(np.rint(again[:v.size] * 32768) != v)
    return int(parted[0]) if parted.size else v.size


def codec_history(mono, rate=None):
    """The codec a 16-bit PCM recording (float samples in [-1, 1], at `rate` Hz) was decoded from, read from its
    samples (the module docstring): {"codec": the name in TABLES, "GSM 06.10", "G.726", "MS ADPCM" or "IMA ADPCM",
    "subtype": soundfile's name of the codec, and how it was read} or None."""
    v = integer_samples(mono)
    if v is None or v.size < 4 * HISTORY_MAX_LEVELS:
        return None
    found = g726_history(v) if rate == G726_RATE else None
    if found:
        return found
    levels = np.unique(v)
    if levels.size > HISTORY_MAX_LEVELS:
        on_grid = float(np.mean(np.abs(v - GSM_STEP * np.rint(v / GSM_STEP)) <= 1))
        if on_grid >= GSM_MIN_ON_GRID:
            return {"codec": "GSM 06.10", "subtype": "GSM610", "on_13_bit_grid": round(on_grid, 4),
                    "levels": int(levels.size)}
        return adpcm_history(v)
    return companded_history(levels) or adpcm_history(v)  # a quiet ADPCM file may use few levels too


def companded_history(levels):
    """The companded table (TABLES) the distinct 16-bit values `levels` lie on, or None (the module docstring)."""
    magnitudes = np.unique(np.abs(levels[levels != 0])).astype(np.float64)
    if magnitudes.size < HISTORY_MIN_LEVELS:
        return None
    uniform = uniform_evidence(magnitudes)
    fits = {name: lattice_fit(magnitudes, table) for name, (_, table) in TABLES.items()}
    name = max(fits, key=lambda n: fits[n][0])
    evidence, gain, off = fits[name]
    if off > HISTORY_MISSES or evidence - uniform < HISTORY_MIN_EXCESS:
        return None
    return {"codec": name, "subtype": TABLES[name][0], "gain": round(gain, 4), "evidence": round(evidence, 1),
            "uniform_evidence": round(uniform, 1), "levels": int(levels.size)}
