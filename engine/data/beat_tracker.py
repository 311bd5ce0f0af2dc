"""Tempo and beats of an onset envelope: Ellis's dynamic-programming beat tracker (Ellis 2007, "Beat
tracking by dynamic programming"), as librosa 0.11 implements it (`librosa.feature.tempo`,
`librosa.beat.beat_track` with `trim=False`), in numpy.

librosa compiles these loops with numba, which the packaged app leaves out (packaging/bundle.py:
numba and llvmlite are about 210 MB), so the tracker that quantises a MIDI performance
(engine/data/performance.py) is written here. tests/test_beat_tracker.py checks it against librosa, the
tests' reference, on performances and on random envelopes. librosa's details are kept, so that what
was measured with it holds: the tempo is the lag of the frame-averaged, windowed autocorrelation
(8 s windows) under a log-normal prior on the tempo; the local score leaves out the envelope's first
frame, as librosa's convolution loop does; ties between predecessors go to the nearest.
"""
import numpy as np
import scipy.fft

AC_SECONDS = 8.0  # the autocorrelation window (librosa's ac_size)
STD_OCTAVES = 1.0  # the tempo prior's spread (librosa's std_bpm)
MAX_BPM = 320.0
CHUNK_FRAMES = 1024  # autocorrelation windows computed at once (bounded memory on long files)


def tempo(envelope, frame_rate, start_bpm):
    """The tempo (beats per minute) of onset envelope `envelope` sampled at `frame_rate` frames a second."""
    envelope = np.asarray(envelope, dtype=np.float64)
    width = int(AC_SECONDS * frame_rate)
    lags = np.arange(1.0, width)
    bpms = np.concatenate([[np.inf], 60.0 * frame_rate / lags])
    with np.errstate(divide="ignore"):
        log_prior = -0.5 * ((np.log2(bpms) - np.log2(start_bpm)) / STD_OCTAVES) ** 2
    log_prior[:int(np.argmax(bpms < MAX_BPM))] = -np.inf
    return float(bpms[np.argmax(np.log1p(1e6 * mean_autocorrelation(envelope, width)) + log_prior)])


def mean_autocorrelation(envelope, width):
    """The mean over frames of each frame-centred, Hann-windowed window's autocorrelation (lags 0 to
    width - 1), each normalised by its largest magnitude (librosa.feature.tempogram, aggregated by the mean)."""
    n = envelope.size
    half = width // 2
    padded = np.pad(envelope, half, mode="linear_ramp", end_values=0)
    window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(width) / width)  # periodic Hann (scipy's fftbins=True)
    size = scipy.fft.next_fast_len(2 * width - 1, real=True)
    total = np.zeros(width)
    for start in range(0, n, CHUNK_FRAMES):
        stop = min(start + CHUNK_FRAMES, n)
        frames = np.lib.stride_tricks.sliding_window_view(padded, width)[start:stop] * window
        correlation = scipy.fft.irfft(np.abs(scipy.fft.rfft(frames, n=size, axis=1)) ** 2, n=size, axis=1)[:, :width]
        largest = np.abs(correlation).max(axis=1, keepdims=True)
        largest[largest < np.finfo(np.float64).tiny] = 1.0
        total += (correlation / largest).sum(axis=0)
    return total / n


def beat_frames(envelope, frame_rate, bpm, tightness):
    """Frames of the beats tracked in `envelope` at tempo `bpm`: the path through the local score (the
    envelope, scaled by its standard deviation and smoothed over a beat) that best rewards onsets and
    penalises intervals off the beat period by tightness x (log ratio)^2."""
    envelope = np.asarray(envelope, dtype=np.float64)
    if not envelope.any():
        return np.array([], dtype=np.int64)
    period = float(np.round(frame_rate * 60.0 / bpm))
    score = local_score(envelope / (envelope.std(ddof=1) + np.finfo(np.float64).tiny), period)
    links, cumulative = best_predecessors(score, period, tightness)
    beats = []
    frame = last_beat(cumulative)
    while frame >= 0:
        beats.append(frame)
        frame = links[frame]
    beats = np.array(beats[::-1], dtype=np.int64)
    positive = np.flatnonzero(score > 0)  # trim=False: only frames with nothing near them are left out
    return beats[(beats >= positive[0]) & (beats <= positive[-1])] if positive.size else beats[:0]


def local_score(envelope, period):
    """`envelope` convolved (same size) with a Gaussian of a 32nd of the beat period, its first frame left out
    of every sum as in librosa's loop."""
    offsets = np.arange(-period, period + 1)
    window = np.exp(-0.5 * (offsets * 32.0 / period) ** 2)
    reach = window.size // 2
    return np.convolve(np.concatenate([[0.0], envelope[1:]]), window)[reach:reach + envelope.size]


def best_predecessors(score, period, tightness):
    """(back link per frame, cumulative score) of the dynamic programme: a beat at frame i follows the best
    beat between 2 periods and half a period before it."""
    n = score.size
    links = np.full(n, -1, dtype=np.int64)
    cumulative = np.empty(n)
    nearest, farthest = int(np.round(period / 2)), int(2 * period)
    distance = np.arange(nearest, farthest + 1)
    penalty = tightness * (np.log(distance) - np.log(period)) ** 2
    threshold = 0.01 * score.max()
    first_beat = True
    for i in range(n):
        reachable = distance[distance <= i]
        best = -1
        if reachable.size:
            candidates = cumulative[i - reachable] - penalty[:reachable.size]
            k = int(np.argmax(candidates))  # the first maximum: the nearest predecessor among ties
            best = i - int(reachable[k])
            cumulative[i] = score[i] + candidates[k]
        else:
            cumulative[i] = score[i]
        if first_beat and score[i] < threshold:
            links[i] = -1
        else:
            links[i] = best
            first_beat = False
    return links, cumulative


def last_beat(cumulative):
    """The last local maximum of the cumulative score reaching half the local maxima's median."""
    peaks = np.zeros(cumulative.size, dtype=bool)
    peaks[1:-1] = (cumulative[1:-1] > cumulative[:-2]) & (cumulative[1:-1] >= cumulative[2:])
    if cumulative.size > 1:
        peaks[-1] = cumulative[-1] > cumulative[-2]
    if not peaks.any():
        return cumulative.size - 1
    reaching = np.flatnonzero(peaks & (cumulative >= 0.5 * np.median(cumulative[peaks])))
    return int(reaching[-1]) if reaching.size else cumulative.size - 1
