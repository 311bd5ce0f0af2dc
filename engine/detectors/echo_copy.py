"""Echo copy: whether a quiet stretch of a recording is a scaled copy of the waveform a fixed delay before it,
read by repeated-cycle (engine/detectors/repeated_cycle.py) beside its cycle repeats.

espeak-ng's variants with an `echo` line (`en+f2`, `f3`, `f4`, `f5` and 25 others) add a digital echo: each
output sample gains floor(amplitude x the output sample `delay` ms before / 256) (`f2` 140 ms x 10/256, -28 dB;
`f3` 120 ms x 10/256; `f4` 130 ms x 15/256, -25 dB), and after the last word it plays that echo alone for one
delay. So the file's last 120-140 ms (and any pause) are the word's last 120-140 ms again, 25-28 dB down, to
within a rounding step: a delay in whole milliseconds is whole samples at 8 kHz, and a resampler acts on the copy as
on the original. This echo, not the breath noise, is the breathy voices' floor: its copy of a copy rounds
to 0 and -1 steps, the near-silence noise-floor reads as a suppressor's residual (docs/studies.md, "espeak-ng's
echo", thirty-sixth pass).

A room's reflections are no such copy: they are filtered, spread over time and mixed with the direct sound, and a
talker's voice changes within tens of milliseconds. The reading: each window of WINDOW samples at the speech rate
between QUIET_DB and LOUD_DB below the recording's loud windows (and holding MIN_BITS of steps, as repeated-cycle asks
of a cycle) is matched with the waveform MIN_DELAY-MAX_DELAY earlier (normalised correlation, the best whole lag);
at that lag a filter of 2 TAPS + 1 taps (a fraction of a sample's delay, a resampler's phase) is fitted to it by
least squares, and the unexplained share of its power is kept where the copy is at least GAIN_DB quieter than its
source (a steady hum, as loud a delay later, is no echo). closeness = -log10 of the smallest share. espeak-ng's
echoing voices read 3.3-6.6 at 8 kHz (as written, re-saved, through librosa at 8 or 16 kHz), but a word ending in a
fricative, whose echo is of a noise mostly above 4 kHz; real recordings at most 1.8 (docs/studies.md, thirty-sixth
pass). What it cannot see: an echo fainter than QUIET_DB, a recording with no
pause or end after a sound (a clip cut mid-word), an echo undone by a lossy codec or added noise above the copy.
"""
import numpy as np

from engine.detectors.cycles import RATE

WINDOW = RATE // 25  # 40 ms
STEP = WINDOW // 2
MIN_DELAY, MAX_DELAY = RATE // 20, RATE // 4  # 50-250 ms (espeak-ng's echoing female voices: 120-154 ms)
QUIET_DB, LOUD_DB = 50.0, 10.0  # a window's level below the loud windows (the 95th percentile) to be read
GAIN_DB = 6.0  # the copy lies at least this far below its source
TAPS = 3
MAX_CLOSENESS = 12.0


def closest_echo(audio, enough_bits):
    """(unexplained share, delay in samples, start sample, gain in dB) of the recording's window best explained by a
    short filter of the waveform a delay earlier; None without a window to read. `enough_bits(window)`: whether the
    window changes enough to tell a copy from chance (repeated-cycle's MIN_BITS)."""
    x = np.asarray(audio, dtype=np.float64)
    starts = np.arange(MAX_DELAY // 4, x.size - WINDOW, STEP)
    if starts.size == 0:
        return None
    level = np.array([np.sqrt(np.mean(x[t:t + WINDOW] ** 2)) for t in starts])
    loud = np.percentile(level, 95)
    best = None
    for t, rms in zip(starts, level):
        if not loud * 10 ** (-QUIET_DB / 20) < rms < loud * 10 ** (-LOUD_DB / 20) or not enough_bits(x[t:t + WINDOW]):
            continue
        found = _echo_at(x, int(t))
        if found is not None and (best is None or found[0] < best[0]):
            best = found
    return best


def _echo_at(x, t):
    """(unexplained share, delay, t, gain dB) of window t fitted from the best whole delay earlier; None when the
    copy is not GAIN_DB quieter than its source or no delay fits in the recording."""
    high = min(MAX_DELAY, t - TAPS)
    if high <= MIN_DELAY:
        return None
    y = x[t:t + WINDOW] - x[t:t + WINDOW].mean()
    power = y @ y
    if power == 0:
        return None
    earlier = x[t - high:t - MIN_DELAY + WINDOW]  # its windows, from `high` to MIN_DELAY earlier
    sums = np.concatenate([[0.0], np.cumsum(earlier)])
    squares = np.concatenate([[0.0], np.cumsum(earlier * earlier)])
    energy = (squares[WINDOW:] - squares[:-WINDOW]) - (sums[WINDOW:] - sums[:-WINDOW]) ** 2 / WINDOW  # about the mean
    louder = energy > power  # a source quieter than the window is no echo's source (and digital silence divides by 0)
    c = np.where(louder, np.correlate(earlier, y, "valid") / np.sqrt(np.where(louder, energy, 1.0) * power), 0.0)[::-1]
    delay = MIN_DELAY + int(np.argmax(np.abs(c)))
    source = np.stack([x[t - delay + k:t - delay + k + WINDOW] for k in range(-TAPS, TAPS + 1)], axis=1)
    source = source - source.mean(axis=0)
    gain = 10 * np.log10(power / max(source[:, TAPS] @ source[:, TAPS], 1e-20))
    if gain > -GAIN_DB:
        return None
    fit, *_ = np.linalg.lstsq(source, y, rcond=None)
    residual = y - source @ fit
    return float(residual @ residual / power), delay, t, float(gain)


def echo_closeness(found):
    """-log10 of the unexplained share, capped at MAX_CLOSENESS; 0 for no reading."""
    return 0.0 if found is None else float(min(MAX_CLOSENESS, -np.log10(max(found[0], 10 ** -MAX_CLOSENESS))))
