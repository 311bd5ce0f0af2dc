"""Bar-line leaps: whether a piece's voices leap together at one place in its bar, as bars spliced together do.

A model that recombines real bars (a bar of one chorale after a bar of another, or one chorale's bars shuffled)
keeps every chord, voice and step inside a bar the corpus' own, so the detectors of harmony, voice leading and
copying see real music; what it cannot keep is the motion across its joins: at each bar line every voice jumps
from where one piece left it to where another begins. A chorale's voices move across a bar line as on any other
beat. On `builtin:bach[0:300]` (fifty-fourth pass, docs/studies.md, "Other non-GAN music models, written their own
way") this reading of 8-bar splices of the reference's own bars had a median 9.2 (reference chorales: median 2.6,
99th percentile 6.7); per-voice chains, walks and harmonisers move as much on every beat and read as chorales.

The reading: the chords on successive quarter beats that both sound four pitches; the motion of a transition is
the sum over the four voices (the sounding pitches in order) of how far each moves, in semitones. For each bar of
3 or 4 quarters and each phase in it, the transitions at that phase are compared with the median motion of the
others: the sum of their differences from it divided by their number plus SHRINK (a pseudo-count of transitions moving as
the others do, so that a short excerpt's two or three bar lines decide less than a long splice's many). The
statistic is the largest over bars and phases. Pitch, tempo, resolution and velocity change nothing.
"""
import numpy as np

BEAT = 4  # steps per quarter note (engine/data/representations.py)
BARS = (3, 4)  # quarters per bar read: 3/4 and 4/4
SHRINK = 4  # pseudo-count of transitions at the median motion (module docstring)
MIN_TRANSITIONS = 8  # fewer four-pitch transitions: 0 (nothing to compare)


def transitions(roll):
    """(quarter beat index, motion) of each transition between four-pitch chords on successive quarter beats."""
    chords = [np.flatnonzero(roll[:, t]) for t in range(0, roll.shape[1], BEAT)]
    return np.array([(t, np.abs(b - a).sum()) for t, (a, b) in enumerate(zip(chords, chords[1:]))
                     if a.size == 4 and b.size == 4], dtype=np.float64).reshape(-1, 2)


def bar_line_leaps(roll):
    """The statistic (module docstring) of one boolean (128, steps) roll."""
    found = transitions(roll)
    if len(found) < MIN_TRANSITIONS:
        return 0.0
    best = 0.0
    for bar in BARS:
        phase = found[:, 0] % bar
        for k in range(bar):
            at, others = found[phase == k, 1], found[phase != k, 1]
            if at.size and others.size:
                best = max(best, float((at - np.median(others)).sum() / (at.size + SHRINK)))
    return best
