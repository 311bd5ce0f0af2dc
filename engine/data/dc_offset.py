"""A recorder's DC offset, read from a recording and removed before it is judged.

Some recorders write their takes a steady few per cent of full scale off zero (filiph-r/MFCC-DTW's 44.1 kHz words:
5 %). The offset carries no voice, but in the mel map it lands in the lowest band of every frame, pauses included,
where `features` and `checkerboard` read it as a generator's texture (docs/studies.md, "A recorder's DC offset read
as a checkerboard", fifty-fourth pass, and "A recorder's DC offset read and removed", fifty-fifth pass). So a
recording whose sound (padding.speech_bounds: a script's padding left out) has its median MIN_OFFSET or more off
zero is judged with that median subtracted, in whole 16-bit steps so that a PCM file's samples stay on their
lattice (lpc-lattice and pulse-grid read it), from its first to its last sample off zero: a script's zero padding
stays as written, while silence the recorder wrote at its offset comes back to zero with the rest. The median, not
the mean: a short take's waveform is lopsided, so its mean strays further from the recorder's zero than its median
(flite's words: means up to 83 16-bit steps off zero, medians up to 36). FSDD's takes lie within 0.008 of zero
(nicolas records every take about 0.0076 off zero; the other speakers' medians stray up to 0.007 by themselves).
Where the padding left out holds one value off zero (silence the recorder or a script wrote at the offset), that
value is the offset, so that the silence comes back to exact zeros. What a slow drift adds about the offset is left.
"""
import numpy as np

from engine.data import padding

MIN_OFFSET = 0.01  # of full scale (-40 dBFS): above every FSDD take's median (0.008; module docstring)


def removed(mono, rate):
    """(mono with its offset removed, the offset removed) where the median of its sound lies MIN_OFFSET or more off
    zero (module docstring); else (mono, None)."""
    start, stop = padding.speech_bounds(mono, rate)
    offset = float(np.median(mono[start:stop])) if stop > start else 0.0
    if abs(offset) < MIN_OFFSET:
        return mono, None
    silence = np.unique(np.r_[mono[:start], mono[stop:]])
    if silence.size == 1 and silence[0] != 0:  # the padding at the offset: the recorder's own zero, to the step
        offset = float(silence[0])
    offset = round(offset / padding.STEP_16) * padding.STEP_16
    sounding = np.flatnonzero(mono)  # a script's zeros at the ends stay; a recorder's offset-laden silence does not
    out = np.array(mono, dtype=np.float32)
    out[sounding[0]:sounding[-1] + 1] -= np.float32(offset)
    return out, offset


def reason(channel):
    """The verdict's reason for a recording judged with its DC offset removed, or None."""
    offset = channel.get("dc_offset")
    if offset is None:
        return None
    return (f"a recorder's DC offset: its sound's median lies {offset:+.3f} of full scale off zero; judged with the "
            f"offset removed (it carries no voice; a reference take's median lies within {MIN_OFFSET} of zero)")
