"""Native copy: whether a stretch of a file's 16-bit samples as written equals, sample for sample, the stretch one
pitch period before it; read by repeated-cycle (engine/detectors/repeated_cycle.py) beside its cycle repeats.

festival's diphone voices (UniSyn) write a pause, and the silence before and after a word, by placing pitch marks at
a fixed period and writing one stored frame at each: in the voices written at 16 kHz (`ked_diphone`, `rab_diphone`)
the pause closing a short word holds one 10 ms frame (160 samples) written again, 40-60 dB below the speech, for
only a period or two. At the speech rate the resampler's filter reaches across so short a copy's ends and it no
longer matches to 1e-6, and the tracker needs a 40 ms stretch that looks voiced to start a cycle, so repeated-cycle
reads such a word as a recording (`ked_diphone` "three", `rab_diphone` "five": 1 - c of 10^-3.2 to 10^-4.4 at 8 kHz).
As written, 57-294 samples repeat exactly at a lag of 160 (docs/studies.md, "Diphone and MBROLA voices on short
words", fortieth pass).

A microphone's samples never repeat: its own noise differs in every sample, so a copy exact to the last bit is a
program's. What a program writes without a voice's source is set aside by counting information, as repeated-cycle
does (MIN_BITS): digital silence, a constant or a square wave repeat at every lag, but their steps from sample to
sample carry little, and a copy longer than its lag repeats one period's content again, so a copy is credited with the
information of its first lag's worth of samples at most (a digital tone copied over a second would otherwise pile up
bits period by period). A stretch of steps holding b bits matches a given one by chance with probability 2^-b, and a file
offers about (lags x samples) such comparisons (10^7 for a second at 16 kHz, 2^23), so a copy of COPY_BITS bits or
more is no accident (2^-105 per file and less). It is read on 16-bit PCM files written above the speech rate with no
codec read in their samples (SampleSet.native_audio: a resampler, a codec or added noise undoes an exact copy), at
lags of one period of 60-400 Hz, the range repeated-cycle's tracker reads. Such a copy is a cycle repeated with
1 - c = 0 (MAX_SCORE); below COPY_BITS it counts nothing, so a real file's tail probability is that of its cycles
and the profile's calibration (the reference's recordings at the speech rate, where the reading does not apply) is
unchanged.

A file upsampled from the speech rate (no content above WIDE_BAND_CONTENT_HZ at its own rate: its channel's
`bandwidth_hz`) is not read: a resampler is linear and time-invariant, so a stretch of its source repeated with
the samples around it (an 8-bit recorder's lone steps in its silence repeat by chance, a few bits each) comes out
repeated, its steps spread over many values by the filter: bits the resampler wrote, not the source (an 8-bit
recorder's takes resampled to 16 kHz: 18 of 40 read as a copy of 127-204 bits). Its source's copies are read where
they were written, at the speech rate, by repeated-cycle's cycles (docs/studies.md, "An 8-bit recorder upsampled:
a resampler's copies", forty-second pass). What it cannot see: a copy at 8 kHz (festival's `kal_diphone`;
repeated-cycle reads it at its own rate) or shorter than COPY_BITS, a copy any processing touched, a repeat that is
not exact (MBROLA's overlap-add of interpolated periods).

Nor is a stretch that touches a clipped recording's extremes (engine/data/clipping.py `on_rails`) read: where the
converter saturates, the voice's cycles are cut to the same flat tops, and a recorder's filter after the clip turns
two equal runs of them into equal samples around them too. A real recorder driven far past full scale (a set of
command words clipping 4-13 % of its samples) repeated 34 samples, 164 bits of steps, at a lag of 88 (docs/studies.md,
"Red team: speech as a checker prepares it", fifty-fifth pass), and so it does scaled down after the clip. A
synthesiser's copies in its pauses lie far below its peaks and are read as before.
"""
import numpy as np

from engine.data.clipping import on_rails
from engine.data.representations import WIDE_BAND_CONTENT_HZ
from engine.detectors.cycles import pure_tone

COPY_BITS = 128.0  # a copy's information (its steps x the entropy of their values) no chance match reaches
PITCH_HZ = (60, 400)  # the periods read, as repeated-cycle's tracker reads them
MIN_RUN = 16  # samples: shorter runs of equal samples hold too few steps to reach COPY_BITS at any entropy
STRIDE = MIN_RUN // 2  # any MIN_RUN consecutive samples hold two consecutive points of a grid this fine


def step_bits(stretch):
    """The information of a stretch's steps from sample to sample, in bits: their number times the entropy of their
    values (repeated-cycle's cycle_bits)."""
    steps = np.diff(np.asarray(stretch, dtype=np.int64))
    if steps.size == 0:
        return 0.0
    _, counts = np.unique(steps, return_counts=True)
    return float(-(counts * np.log2(counts / steps.size)).sum())


def equal_runs(x, lag):
    """(starts, stops) of the runs of at least MIN_RUN samples t >= lag with x[t] == x[t - lag]. Such a run holds two
    consecutive points of a grid of step STRIDE, all equal, and reaches less than STRIDE beyond them, so only the
    windows about consecutive matching grid points are compared: a lag costs a STRIDE-th of the file where its samples
    do not repeat (tests/benchmarks/test_bench_native_copy_speed.py)."""
    grid = np.arange(lag, x.size, STRIDE)
    hit = x[grid] == x[grid - lag]
    pairs = np.flatnonzero(hit[:-1] & hit[1:])
    if pairs.size == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    low = np.maximum(grid[pairs] - STRIDE + 1, lag)
    high = np.minimum(grid[pairs + 1] + STRIDE, x.size)
    first = np.r_[True, low[1:] > high[:-1]]  # windows that touch or overlap are merged (both ends rise with the pair)
    starts, stops = low[first], high[np.r_[np.flatnonzero(first)[1:] - 1, high.size - 1]]
    lengths = stops - starts
    t = np.repeat(starts - np.r_[0, np.cumsum(lengths)[:-1]], lengths) + np.arange(lengths.sum())
    equal = x[t] == x[t - lag]
    adjacent = t[1:] == t[:-1] + 1  # within one window
    joined = np.r_[False, adjacent & equal[:-1]]  # by the sample before
    continued = np.r_[adjacent & equal[1:], False]  # by the sample after
    run_starts, run_stops = t[equal & ~joined], t[equal & ~continued] + 1
    keep = run_stops - run_starts >= MIN_RUN
    return run_starts[keep], run_stops[keep]


def exact_copy(native):
    """(bits, start sample, length in samples, lag in samples) of the most informative stretch of `native`'s samples
    (a NativeAudio) equal, sample for sample, to the stretch a lag of one period of PITCH_HZ before it, its bits those
    of its first lag's worth of samples, where they reach COPY_BITS; else None. A run whose steps could not hold
    COPY_BITS even if each step that changes took a value of its own is not counted (most runs of a plateau, a clipped
    top or a square wave, which would otherwise be counted one by one at every lag). None for a file upsampled from
    the speech rate, and no stretch touching a clipped recording's extremes (the module docstring)."""
    if native.bandwidth_hz <= WIDE_BAND_CONTENT_HZ:
        return None
    x = np.asarray(native.samples, dtype=np.int64)
    changes = np.r_[0, np.cumsum(np.diff(x) != 0)]  # steps that change, up to each sample
    railed = np.r_[0, np.cumsum(on_rails(x))]  # clipped samples, up to each sample
    best = None
    for lag in range(native.rate // PITCH_HZ[1], min(native.rate // PITCH_HZ[0], x.size - 1) + 1):
        starts, stops = equal_runs(x, lag)
        ends = starts + np.minimum(stops - starts, lag)  # a longer copy repeats the same period again
        steps, changed = ends - starts - 1, changes[ends - 1] - changes[starts]
        still = steps - changed
        bound = changed * np.log2(np.maximum(steps, 1)) + still * np.log2(steps / np.maximum(still, 1))
        enough = bound >= COPY_BITS
        for start, end, stop in zip(starts[enough], ends[enough], stops[enough]):
            if railed[stop] > railed[start - lag]:  # the copy or its source touches a clip
                continue
            bits = step_bits(x[start:end])
            if bits >= COPY_BITS and (best is None or bits > best[0]) and not pure_tone(x[start:end]):
                best = (bits, int(start), int(stop - start), lag)
    return best
