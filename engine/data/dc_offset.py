"""A recorder's DC offset, read from a recording and removed before it is judged.

Some recorders write their takes a steady few per cent of full scale off zero (filiph-r/MFCC-DTW's 44.1 kHz words:
5 %). The offset carries no voice, but in the mel map it lands in the lowest band of every frame, pauses included,
where `features` and `checkerboard` read it as a generator's texture (docs/studies.md, "A recorder's DC offset read
as a checkerboard", fifty-fourth pass, and "A recorder's DC offset read and removed", fifty-fifth pass). So a
recording whose sound (padding.speech_bounds: a script's padding left out) lies MIN_OFFSET or more off zero on
average is judged with that mean subtracted, in whole 16-bit steps so that a PCM file's samples stay on their
lattice (lpc-lattice and pulse-grid read it), from its first to its last sample off zero: a script's zero padding
stays as written, while silence the recorder wrote at its offset comes back to zero with the rest. Smaller offsets
are part of the real recordings' spread as the reference holds it (FSDD's nicolas records every take about 0.008
off zero) and stay. Where the padding left out holds one value off zero (silence the recorder or a script wrote
at the offset), that value is the offset, so that the silence comes back to exact zeros. The mean, not the median:
the mel map's lowest band sees the mean (the DC), and a short take's median strays from it by itself (george's take
0: mean 2 16-bit steps, median -95). Synthesisers' words lie near zero (espeak-ng and flite: within 0.003). What a
slow drift adds about the offset is left.
"""
import numpy as np

from engine.data import padding

MIN_OFFSET = 0.01  # of full scale (-40 dBFS): above the largest offset of a reference take (FSDD: 0.008)


def removed(mono, rate):
    """(mono with its offset removed, the offset removed) where its sound lies MIN_OFFSET or more off zero on
    average (module docstring); else (mono, None)."""
    start, stop = padding.speech_bounds(mono, rate)
    offset = float(np.mean(mono[start:stop], dtype=np.float64)) if stop > start else 0.0
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
    return (f"a recorder's DC offset: its sound lies {offset:+.3f} of full scale off zero on average; judged with "
            f"the offset removed (it carries no voice, and the reference's takes lie within {MIN_OFFSET} of zero)")
