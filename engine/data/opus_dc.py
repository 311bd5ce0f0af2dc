"""libopus's DC filter's decay into a script's padding, read as the silence it was.

libopus's encoder first passes its input through a one-pole DC filter (opus_encoder.c, dc_reject: a 3 Hz cutoff,
pole 1 - 6.3 * 3 / rate, so a time constant of 1 / 18.9 s, about 53 ms). A recording made over a DC offset and then
padded with a script's zeros holds a step at the padding's edge (from the offset to zero); the filter turns the step
into an exponential decay of one sign that runs on through the padding (about 8 dB every 50 ms), and the decoder
returns it to within the codec's rounding (a step or two). At the end of a 1-s clip the decay can run to the last
sample still above half a 16-bit step, so the padding is not silent and engine/data/codec_edges.py, which reads back
from a silent end, does not see it: the file's floor was read in the decay, 44-68 dB below the word instead of the
recorder's offset-laden floor, and a mel detector read the decay's map (one Speech Commands speaker's four clips,
`features`; docs/studies.md, "libopus's DC filter's decay into a script's padding", thirty-fifth pass).

So, for an Opus file, the longest end whose samples follow that decay (a fitted amplitude times the filter's pole to
the power of the sample's distance from the start of the end) to within RESIDUAL_STEPS RMS in every window, from at
least START_STEPS at its start, for MIN_SECONDS or more, is written as zeros (`decay_length`); codec_edges then reads
the codec's smear before it as for any padding. The decay's rate is the filter's, not fitted: a recording's own decay
(a room's reverberation, a fade, an AC-coupled recorder's filter at another cutoff) leaves a residual far above a step
and is left as decoded.
"""
import numpy as np

from engine.data.padding import STEP_16, samples

TIME_CONSTANT = 1 / (6.3 * 3)  # seconds: libopus dc_reject's pole, 1 - 6.3 * cutoff / rate, at its 3 Hz cutoff
WINDOW_SECONDS = 0.005
RESIDUAL_STEPS = 3.0  # RMS in 16-bit steps in every window: the decoder's rounding about the decay (measured 1-1.5)
START_STEPS = 16.0  # the decay's amplitude at its start: an offset's step, not a quiet floor that fits any curve
MIN_SECONDS = 0.1  # about two time constants: a decay, not a few smooth samples
MAX_SECONDS = 0.75  # the longest end read (about 14 time constants: from a full-scale offset to below half a step)


def decay_length(audio, rate):
    """Samples at the end of `audio` (decoded from Opus) that are the DC filter's decay of a step into digital
    silence (module docstring); 0 where the end does not follow it."""
    window = samples(WINDOW_SECONDS, rate)
    tail = np.asarray(audio[audio.size - min(audio.size, samples(MAX_SECONDS, rate)):], dtype=np.float64) / STEP_16
    pole = np.exp(-1 / (TIME_CONSTANT * rate))
    found = 0
    for start in range(tail.size - 2 * window, -1, -window):  # grow the end back a window at a time
        end = tail[start:]
        curve = pole ** np.arange(end.size)
        amplitude = end @ curve / (curve @ curve)
        n = end.size // window
        residual = (end[:n * window] - amplitude * curve[:n * window]).reshape(n, window)
        if np.sqrt((residual ** 2).mean(axis=1)).max() > RESIDUAL_STEPS:
            break
        if abs(amplitude) >= START_STEPS and end.size >= samples(MIN_SECONDS, rate):
            found = end.size
    return found


def decay_as_silence(mono, rate):
    """`mono` (decoded from Opus) with the DC filter's decay at its end written as zeros."""
    trail = decay_length(mono, rate)
    if not trail or trail >= mono.size:
        return mono
    out = np.array(mono, copy=True)
    out[out.size - trail:] = 0
    return out
