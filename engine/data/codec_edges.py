"""A transform codec's smear of a recording's silent ends, read as the silence it was.

A script pads a clip with zeros (engine/data/padding.py reads such padding and sets it aside). Through a transform
codec the zeros do not come back as zeros next to the sound: the codec spreads the sound before the padding's edge into
it, a fall of 12 dB or more within a few milliseconds and then a slow decay (Opus at 24 kbit/s: about 1 dB every 5 ms,
for up to 0.31 s before it lies below half a 16-bit step), and renders the silence beyond as residue and, every codec
frame, a few samples of one step (engine/data/formats/audio.py sets the residue below half a step to zeros, not the
steps). Read as decoded, the padding's run of zeros starts where the smear has decayed, far below the sound before it,
so the padding reader took it for a synthesiser's decay into digital silence (noise-floor: "the quietest tenth lies
115 dB below its loud frames"), and a segment of a 1-s clip holding only the smear, raised to a word's level, scored
+5 to +55 on synthetic-voice (spoken digits of BachchuPaul's set through Opus: 8 of 20 labelled generated, 2 as
recorded; docs/studies.md, "A codec's smear of a script's padding", thirty-fourth pass).

So, for a file decoded from a transform codec, an end that lies silent (windows of WINDOW_SECONDS below SILENT_STEPS
RMS) for MIN_SILENCE or more is read back towards the sound, and where within SMEAR_SECONDS the level of the
WINDOW_SECONDS * 2 before a point lies JUMP_DB or more above everything between that point and the silence, that
point is the padding's edge: the smear and the silence beyond it are written as the zeros they were (`smear_length`).
The codec's fast part (a frame's worth right after the edge) can itself stand JUMP_DB above the slow decay, so the
edge is the farthest such point within FAST_SECONDS of the first. What stands beyond the edge is then read by the
padding reader's own rules (the floor next to the run, round lengths, even ends), as the file was before the codec: a
synthesiser's stop into its silence is the run it was, and stays. An end with no such fall (a fade, a decay of the
sound itself, a recorder's floor) is left as decoded. The reference passed through the codec is read the same way
(engine/detectors/channel_media.py), so its calibration sees what the evidence's reading sees.
"""
import numpy as np

from engine.data.padding import STEP_16, samples

WINDOW_SECONDS = 0.005
SILENT_STEPS = 0.5  # RMS in 16-bit steps: a window this quiet is the codec's rendering of digital silence
MIN_SILENCE = 0.02  # seconds of such windows at an end: a run of padding, not a pause between a decoder's samples
SMEAR_SECONDS = 0.5  # the longest smear read back from the silence (Opus 24 kbit/s: up to 0.38 s measured)
SMOOTH = 5  # windows (25 ms): the median level is read, so that a codec's burst of a window or two is no edge
# Read back from the silence, the smear's level rises steadily (Opus 24 kbit/s: about 1 dB a window) and ends ...
STEEP_DB = 6.0  # ... at a step of this much from one window to the next (the sound before the edge), ...
RISE_DB = 3.0  # ... where the level falls this far below the loudest read so far (a word's level moves), ...
FLAT_WINDOWS, FLAT_DB = 10, 3.0  # ... or where it rose less than this over the last 50 ms (a recorder's floor) ...
NOISE_STEPS = 4.0  # ... the last two above this RMS in 16-bit steps (below it, the codec's rounding noise wanders)
DROP_DB = 10.0  # ending without a step, the smear is read as silence up to this far below the level it reached


def _levels_db(audio, window):
    """dB re one 16-bit step of the RMS of consecutive windows of `window` samples."""
    n = audio.size // window
    power = (np.asarray(audio[:n * window], dtype=np.float64).reshape(n, window) ** 2).mean(axis=1)
    return 10 * np.log10(power / STEP_16 ** 2 + 1e-30)


def smear_length(audio, rate):
    """Samples at the start of `audio` (a decoded recording, or one read backwards from its end) that are a transform
    codec's silence and its smear of the edge before it (module docstring); 0 where the start is not silent."""
    window = samples(WINDOW_SECONDS, rate)
    level = _levels_db(audio, window)
    silent = level < 20 * np.log10(SILENT_STEPS)
    quiet = int(np.argmin(silent)) if not silent.all() else silent.size
    if quiet * window < samples(MIN_SILENCE, rate) or quiet >= level.size:
        return 0
    reach = level[quiet:quiet + samples(SMEAR_SECONDS, rate) // window]
    padded = np.pad(reach, SMOOTH // 2, mode="edge")
    smooth = np.median(np.lib.stride_tricks.sliding_window_view(padded, SMOOTH), axis=1)
    steep = np.diff(smooth, prepend=smooth[0]) >= STEEP_DB
    heard = smooth >= 20 * np.log10(NOISE_STEPS)
    fell = heard & (smooth < np.maximum.accumulate(smooth) - RISE_DB)
    gain = smooth - np.concatenate([np.full(min(FLAT_WINDOWS, smooth.size), -np.inf), smooth[:-FLAT_WINDOWS]])
    ends = np.flatnonzero(steep | fell | (heard & (gain < FLAT_DB)))
    end = int(ends[0]) if ends.size else smooth.size
    if (ends.size and steep[end]) or end == 0:
        return (quiet + end) * window
    course = smooth[:end]
    return (quiet + int(np.argmax(course > course.max() - DROP_DB))) * window


def smear_as_silence(mono, rate):
    """`mono` (decoded from a transform codec) with the codec's silence and smear at each end written as zeros."""
    lead, trail = smear_length(mono, rate), smear_length(mono[::-1], rate)
    if not (lead or trail) or lead + trail >= mono.size:
        return mono
    out = np.array(mono, copy=True)
    out[:lead] = 0
    out[out.size - trail:] = 0
    return out
