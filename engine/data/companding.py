"""G.711's rounding of a quiet floor, read from the samples (docs/studies.md, "A quiet floor through G.711",
thirty-sixth pass).

G.711 (mu-law and A-law: telephone lines, voice recorders' and answering machines' WAVs) codes each sample's
magnitude on a scale that is finest near 0 but not fine there: mu-law decodes inputs within 4 (16-bit units) of 0 to 0
(FFmpeg's encoder its negative ones to -8), A-law inputs within 12-16 to +-8 (it has no zero code; libsndfile and
FFmpeg measured, DECISION_LEVEL). A room's floor that quiet (a quiet
microphone's, a noise gate's closed stretch, a suppressor's residual) comes out as exact digital silence, or as
frames of one code whose power about their mean is 0, and noise-floor (engine/detectors/noise_floor.py) would read
it as a synthesiser's silence 300 dB down: Speech Commands clips of unseen speakers through mu-law at 8 kHz, 3 of 100
labelled generated so, through A-law 4 (none as recorded). Such a file's samples say what it went through: every
one lies on the codec's decoding table, which a 16-bit recording's samples, or a resampled G.711 file's, do not.

So a floor read from such a file is read no deeper than the codec's first decision level (`decision_level`): the
codec cannot show a floor deeper than that, whoever made the sound. mu-law's lies 78 dB below full scale and A-law's
66 dB, so under A-law no floor reads beyond noise-floor's 70 dB, and under mu-law only beneath loud frames above
-8 dB of full scale: through G.711 a synthesiser's silence is no longer told from a quiet room's.
"""
import numpy as np


def _mu_law_magnitudes():
    """ITU-T G.711's mu-law decoded magnitudes (16-bit units): ((mantissa << 3) + 0x84 << exponent) - 0x84."""
    return np.array([(((m << 3) + 0x84) << e) - 0x84 for e in range(8) for m in range(16)])


def _a_law_magnitudes():
    """ITU-T G.711's A-law decoded magnitudes (16-bit units): (mantissa << 4) + 8, then ((mantissa << 4) + 0x108)
    << (exponent - 1)."""
    first = [(m << 4) + 8 for m in range(16)]
    return np.array(first + [((m << 4) + 0x108) << (e - 1) for e in range(1, 8) for m in range(16)])


MAGNITUDES = {"mu-law": _mu_law_magnitudes(), "A-law": _a_law_magnitudes()}
DECISION_LEVEL = {"mu-law": 4, "A-law": 16}  # 16-bit units: inputs below decode to the one or two codes nearest 0
# A recording on a table, read so only when it takes this many of its magnitudes: a near-silent file of a few small
# values (multiples of 8) would lie on mu-law's table by chance.
MIN_MAGNITUDES = 8


def codec(mono):
    """"mu-law" or "A-law" where every sample of `mono` (floats, full scale 1) lies on that codec's decoding table
    and takes MIN_MAGNITUDES or more of its magnitudes; None otherwise."""
    magnitude = np.unique(np.abs(np.asarray(mono, dtype=np.float64)) * 32768)
    if magnitude.size < MIN_MAGNITUDES:
        return None
    for name, table in MAGNITUDES.items():
        if np.isin(magnitude, table).all():
            return name
    return None


def decision_level(mono):
    """The amplitude (full scale 1) below which the G.711 codec `mono` went through writes every input as one of
    its codes nearest 0; None for a recording off both tables."""
    name = codec(mono)
    return None if name is None else DECISION_LEVEL[name] / 32768
