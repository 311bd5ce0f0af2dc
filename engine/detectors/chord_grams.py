"""A piano roll's chords as hashed n-grams, transposition-invariant: the index copying, familiarity and bar_joins
look files up in (engine/detectors/copying.py says what each view is for)."""
import hashlib

import numpy as np


def chord_events(roll):
    """[(pitches, steps)]: the roll's successive chords (silence is the empty chord) and how long each lasts."""
    codes = [np.flatnonzero(roll[:, t]).tobytes() for t in range(roll.shape[1])]
    events = []
    for t, code in enumerate(codes):
        if events and code == codes[t - 1]:
            events[-1][1] += 1
        else:
            events.append([np.flatnonzero(roll[:, t]), 1])
    return events


def units(roll, view):
    """[(pitches, steps)] of one view of the roll: its chord events (view 0), or the chord
    sounding every `view` steps, each counted as lasting `view` steps (a model trained on
    beat-sliced chords copies those, not the events)."""
    if view == 0:
        return chord_events(roll)
    return [[np.flatnonzero(roll[:, t]), view] for t in range(0, roll.shape[1], view)]


def _mix(v):
    """splitmix64's finaliser: scrambles uint64 values (wrapping arithmetic is intended)."""
    v = (v ^ (v >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    v = (v ^ (v >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return v ^ (v >> np.uint64(31))


def gram_hashes(roll, view, n):
    """(int64 hash of each n-gram of the view's units, transposed so that its first sounding
    chord's lowest pitch is 0; the step at which each starts). An n-gram is n chord events (view 0), or
    n chords of a sampled view. Each unit is hashed once by its shape (pitches above its
    lowest, length) and an n-gram combines its units' shapes and lowest pitches."""
    found = units(roll, view)
    count = max(len(found) - n + 1, 0)
    starts = np.cumsum([0] + [steps for _, steps in found])[:count].astype(np.int64)
    if count == 0:
        return np.zeros(0, np.int64), starts
    shape = np.array([np.frombuffer(hashlib.blake2b(f"{view}:{(p - p[:1]).tolist()}/{steps}".encode(),
                                                    digest_size=8).digest(), dtype=np.uint64)[0]
                      for p, steps in found])
    low = np.array([int(p[0]) if p.size else -1 for p, _ in found])
    sounding = np.flatnonzero(low >= 0)
    # base of the n-gram at i: the lowest pitch of its first sounding chord (0 if all silent)
    at = np.arange(count)
    if sounding.size:
        first = sounding[np.minimum(np.searchsorted(sounding, at), sounding.size - 1)]
        base = np.where((first >= at) & (first < at + n), low[first], 0)
    else:
        base = np.zeros(count, np.int64)
    with np.errstate(over="ignore"):
        out = np.zeros(count, np.uint64)
        for k in range(n):
            unit = at + k
            relative = np.where(low[unit] >= 0, low[unit] - base + 256, 0).astype(np.uint64)
            out = out * np.uint64(0x100000001B3) + _mix(shape[unit] ^ _mix(relative + np.uint64(k)))
    return out.view(np.int64), starts
