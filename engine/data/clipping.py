"""Clipping: a recording flattened where it reached its recorder's or its format's limit.

A microphone's converter, a phone's gain or an editor's gain past full scale saturates: the waveform's peaks are
cut flat at the largest value the file holds (or, scaled afterwards, at its own extreme), for several samples on
end. A flat top moves a pitch cycle's sharpest change, and so the LPC residual's peak, onto a sample, which
`pulse-grid` reads as a vocoder's pulses on the sample grid (a real recording clipping 0.7 % of its samples at
full scale: Rayleigh z 16-25; docs/studies.md, "Clipped and faded real speech", thirty-first pass). So the
recording is read for flat tops at its native rate, before any resampling smooths them, and `pulse-grid` stands
aside for a recording that clips (engine/detectors/pulse_grid.py).

A flat top here is a run of at least MIN_RUN equal samples at the recording's largest or smallest value, that
value at least MIN_LEVEL of full scale, and a recording clips when it holds MIN_RUNS such runs. Unclipped speech
reaches its extreme once or twice (the 3,000 FSDD takes of six speakers: never in two runs of equal samples above
MIN_LEVEL); an 8-bit recorder's coarse steps repeat its extreme in runs too, but far below full scale (nicolas:
at most 0.12 of it)."""
import numpy as np

MIN_RUN = 2  # equal samples at the extreme: a flat top
MIN_RUNS = 3  # flat tops that make a recording clipped
MIN_LEVEL = 0.25  # of full scale: the extreme a clipped recording holds (full scale, or it scaled by up to 12 dB)


def flat_tops(mono, level=MIN_LEVEL):
    """(runs, samples in them) of flat tops at the recording's largest and smallest values, those of them at `level`
    of full scale or beyond (module docstring)."""
    mono = np.asarray(mono)
    runs = samples = 0
    for extreme in {float(mono.max()), float(mono.min())} if mono.size else ():
        if abs(extreme) < level:
            continue
        at = np.diff(np.concatenate([[0], (mono == extreme).astype(np.int8), [0]]))
        lengths = np.flatnonzero(at == -1) - np.flatnonzero(at == 1)
        runs += int(np.count_nonzero(lengths >= MIN_RUN))
        samples += int(lengths[lengths >= MIN_RUN].sum())
    return runs, samples


def on_rails(mono):
    """Boolean mask of the samples at a clipped recording's extremes, at any level (a recording scaled down after it
    clipped keeps its flat tops), all False when it holds fewer than MIN_RUNS flat tops: there the converter, not the
    voice, set the value, so they and what a filter after the clip makes of them carry none of a microphone's noise
    (engine/detectors/native_copy.py)."""
    mono = np.asarray(mono)
    if flat_tops(mono, level=0.0)[0] < MIN_RUNS:
        return np.zeros(mono.shape, dtype=bool)
    return np.isin(mono, [mono.max(), mono.min()])


def held(mono, length):
    """Boolean mask of the samples in runs of at least `length` equal samples at MIN_LEVEL of the recording's peak or
    beyond: a converter held at its limit (a recorder saturating as it starts, for half a second on end), at any gain
    applied after it, which no synthesiser writes as its silence: read as a frame's power, such a run is as silent as
    digital silence (engine/detectors/noise_floor.py)."""
    mono = np.asarray(mono)
    mask = np.zeros(mono.shape, dtype=bool)
    if mono.size == 0:
        return mask
    starts = np.flatnonzero(np.r_[True, mono[1:] != mono[:-1]])
    stops = np.r_[starts[1:], mono.size]
    level = np.abs(mono[starts])
    long = (stops - starts >= length) & (level >= MIN_LEVEL * level.max()) & (level > 0)
    for start, stop in zip(starts[long], stops[long]):
        mask[start:stop] = True
    return mask


def clipping(mono):
    """The channel's record of a clipped recording ({"flat_tops", "share", "level"}), or None when it does not
    clip."""
    runs, samples = flat_tops(mono)
    if runs < MIN_RUNS:
        return None
    return {"flat_tops": runs, "share": round(samples / mono.size, 5),
            "level": round(float(np.abs(mono).max()), 4)}


def reason(channel):
    """The verdict's reason for a clipped recording, or None."""
    found = channel.get("clipping")
    if not found:
        return None
    return (f"clipped: {found['share']:.2%} of its samples lie on {found['flat_tops']} flat tops at its extremes "
            f"({found['level']:.3g} of full scale); pulse-grid stands aside (weight 0): a flat top puts a pitch "
            f"pulse on a sample, as a vocoder does")
