"""Bar joins: whole bars of different reference pieces written one after another (a "musical dice game").

A file recombined from whole 4/4 bars of the reference's chorales holds every bar verbatim: its chords, its voices'
steps, its place in the meter are a chorale's own, so the detectors of harmony, voice leading and meter see chorales,
and its n-grams of six chord events or seven quarter chords hardly fit inside one bar, so copying's share finds little
(docs/studies.md, "Other non-GAN music models", fifty-fourth pass). What such a file does and a real chorale does not
is join two bars, each found verbatim in the reference, that no reference piece holds together.

A bar is BAR successive sixteenth-note steps, the chord sounding on each (chord_grams.gram_hashes over single steps: pitch
sets up to transposition, velocity ignored), read at every offset, so that a pickup, a file that starts mid-bar or a
bar cut at another phase is read alike. A join at step t: the bar ending at t and the bar starting at t are each
found in some reference piece, and no piece holds both. A piece that holds two of the file's bars a bar or more apart
is set aside first: a duplicate harmonisation, the same chorale in another edition (JSB's quarter chords: its bars
found in their piece, a chord changed here and there) or with its repeat written otherwise, where the file's found
bars lie in different places of one piece; a recombination takes its bars from as many pieces. (Setting aside only
the pieces holding two bars together left the reference's own chorales 20 of 300 with a join, up to 2, and a JSB
chorale 5.) A real piece's shared formula sounds at several neighbouring offsets (a held chord) and a repeated section
repeats its joins, so the statistic is the number of distinct (left pieces, right pieces) joins at one phase of the
bar (t mod BAR), the largest over the phases; a recombination's joins all lie at one phase. Reference chorales, each
against the others: 288 of 300 at 0, none above 1; 3,684 other real files (held-out chorales whole and as excerpts,
the reference's own excerpts and closing bars, JSB's editions at three resolutions) at most 3; 8-bar recombinations
of the reference's bars a median 5 (of 7 joins), 16-bar ones 9 (docs/studies.md, "Bars of reference chorales
recombined", fifty-fifth pass).

The score is the squared count (a count with a light tail, as copying's share: engine/detectors/copying.py). Only
4/4 bars are read: at 12 steps (a 3/4 bar) a real chorale's bars recur across the collection too often (reference
files: 59 of 300 with a join, up to 3). Calibration is cross-fitted with one fold per file, as replay's: each
reference file against every other. The reference's rolls end at each piece's last whole 4-bar patch, so bars
from a piece's closing bars are found nowhere and make no join.
"""
import collections

import numpy as np

from engine.detectors.chord_grams import gram_hashes

BAR = 16  # sixteenth-note steps of a 4/4 bar
ONE_STEP = 1  # copying's units taken on every step: the chord sounding at each sixteenth


def windows(roll):
    """(int64 hash of the roll's bar starting at each step; that step)."""
    return gram_hashes(roll, ONE_STEP, BAR)


def index_of(rolls):
    """(sorted bar hashes, their pieces) of the pieces' rolls, each (hash, piece) once."""
    pairs = np.unique(np.array([(h, f) for f, r in enumerate(rolls) for h in set(windows(r)[0].tolist())],
                               dtype=np.int64).reshape(-1, 2), axis=0)
    return pairs[:, 0], pairs[:, 1]


def holders(hashes, ref_hashes, ref_sources):
    """The set of reference pieces holding each hash."""
    lo, hi = np.searchsorted(ref_hashes, hashes, "left"), np.searchsorted(ref_hashes, hashes, "right")
    return [frozenset(ref_sources[a:b].tolist()) for a, b in zip(lo, hi)]


def set_aside(found):
    """The pieces holding two of the file's bars a bar or more apart (`found`: the pieces holding each bar)."""
    first, last = {}, {}
    for t, pieces in enumerate(found):
        for piece in pieces:
            first.setdefault(piece, t)
            last[piece] = t
    return frozenset(piece for piece in first if last[piece] - first[piece] >= BAR)


def joins(roll, index, own=-1):
    """(distinct joins at the phase of the bar that holds most, that phase; module docstring); `own`: a reference
    piece read against the others (calibration)."""
    found = holders(windows(roll)[0], *index)
    aside = set_aside(found) | {own}
    found = [pieces - aside for pieces in found]
    per_phase = collections.defaultdict(set)
    for t in range(BAR, len(found)):
        before, after = found[t - BAR], found[t]
        if before and after and not before & after:
            per_phase[t % BAR].add((before, after))
    if not per_phase:
        return 0, 0
    phase = max(per_phase, key=lambda k: len(per_phase[k]))
    return len(per_phase[phase]), phase


def calibration_scores(rolls, index):
    """Each reference piece's squared count against the others."""
    return np.array([joins(r, index, own=f)[0] for f, r in enumerate(rolls)], dtype=np.float64) ** 2
