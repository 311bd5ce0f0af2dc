"""Tunes: which reference pieces set the same melody as a file.

A chorale tune is harmonised many times (the collection holds several settings of many of its melodies), and a real
chorale is familiar to every setting of its tune: the same melody draws the same chords. The tune is read from the
soprano, the top pitch sounding on each quarter beat, as its successive melodic steps (repeated notes merged, so a
held note and a re-struck one read alike; steps, so a transposed setting reads alike). Two pieces share a tune when
they share a stretch of STEPS successive steps, the forty-fifth pass's choice (five let more real chorales look
familiar, eight caught fewer chains). Such a stretch is shared widely, so "its tune" is broad: a whole JSB chorale
shares one with a median 47 of the 410 embedded chorales, an 8-bar chain with 10 (docs/studies.md, "The quarter-pair
view's set-aside rule: the piece holding most pairs and its tune's settings"). A stretch is coded exactly (a byte
per step), not hashed.
"""
import numpy as np

from engine.detectors.copying import BEAT

STEPS = 6  # successive melodic steps that make two pieces share a tune


def stretches(roll):
    """The codes of the soprano's stretches of STEPS successive melodic steps (unique, sorted)."""
    top = [int(np.flatnonzero(roll[:, t])[-1]) for t in range(0, roll.shape[1], BEAT) if roll[:, t].any()]
    steps = np.diff(top)
    steps = np.clip(steps[steps != 0], -127, 127) + 128  # one byte each
    if steps.size < STEPS:
        return np.zeros(0, np.int64)
    windows = np.lib.stride_tricks.sliding_window_view(steps.astype(np.int64), STEPS)
    return np.unique(windows @ (256 ** np.arange(STEPS, dtype=np.int64)))


def index_of(codes):
    """(sorted stretch codes, piece numbers) of the pieces' stretches (`codes`: stretches per piece)."""
    sources = np.repeat(np.arange(len(codes), dtype=np.int64), [c.size for c in codes])
    flat = np.concatenate(list(codes) + [np.zeros(0, np.int64)])
    order = np.argsort(flat, kind="stable")
    return flat[order], sources[order]


def settings(codes, index):
    """The reference pieces that share a stretch with the file's codes (its tune's settings), sorted."""
    ref_codes, ref_sources = index
    lo, hi = np.searchsorted(ref_codes, codes, "left"), np.searchsorted(ref_codes, codes, "right")
    return np.unique(np.concatenate([ref_sources[a:b] for a, b in zip(lo, hi)] + [np.zeros(0, np.int64)]))
