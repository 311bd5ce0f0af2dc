"""Copying: whether a piece replays long stretches of several reference pieces.

An order-k Markov chain (or any model that memorises) trained on a small corpus replays it:
every (k+1)-gram of its output occurs in the corpus, and where the corpus' contexts branch it
jumps from one piece into another. A real chorale the reference has not seen shares short
formulas with it (a cadence), rarely a stretch of N chords. Some chorales are in the
collection more than once (the same harmonisation under two numbers), so a real file may copy
ONE reference piece throughout; what a chain does and a real piece does not is copy long
stretches of SEVERAL. The score is the share of the file's N-grams of chord events (a chord:
the set of sounding pitches, held for some steps) that occur in the reference outside the
piece it shares most with and that piece's duplicates (the pieces whose matches lie mostly
within the top piece's). Chords are taken relative to the lowest pitch of the N-gram's first
chord, so a transposed copy is a copy (and a transposed real file scores as it is); velocity is
ignored (notes are on or off) and durations are in sixteenth-note steps, which the piano roll
takes from the file's tempo map and resolution. The reference N-grams are stored as 64-bit
hashes with the number of the piece they come from; the calibration is cross-fitted.
"""
import hashlib

import numpy as np

N = 6  # chord events per n-gram
DUPLICATE_OVERLAP = 0.8  # an alignment whose matches lie this much inside the top one's duplicates it


def file_rolls(x, groups):
    """One boolean (128, steps) roll per file: its patches end to end, any velocity = on."""
    n_files = int(groups.max()) + 1 if groups.size else 0
    return [np.concatenate(list(x[groups == g, 0] > 0), axis=1) for g in range(n_files)]


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


def gram_hashes(roll):
    """(int64 hash of each N-gram of chord events, transposed so that its first chord's lowest
    pitch is 0; the step at which each starts)."""
    events = chord_events(roll)
    starts = np.cumsum([0] + [steps for _, steps in events])[:-1].astype(np.int64)
    out = np.empty(max(len(events) - N + 1, 0), dtype=np.int64)
    for i in range(out.size):
        window = events[i:i + N]
        base = next((int(p[0]) for p, _ in window if p.size), 0)
        text = ";".join(f"{','.join(map(str, (p - base).tolist()))}/{steps}" for p, steps in window)
        out[i] = np.frombuffer(hashlib.blake2b(text.encode(), digest_size=8).digest(), dtype=np.int64)[0]
    return out, starts[:out.size]


def index_of(grams, files):
    """(sorted hashes, file numbers, start steps) of the given files' n-grams (`grams`: gram_hashes per file)."""
    files = np.asarray(files, dtype=np.int64)
    h = np.concatenate([grams[f][0] for f in files] + [np.zeros(0, np.int64)])
    t = np.concatenate([grams[f][1] for f in files] + [np.zeros(0, np.int64)])
    s = np.repeat(files, [grams[f][0].size for f in files]).astype(np.int64)
    order = np.argsort(h, kind="stable")
    return h[order], s[order], t[order]


def copied_share(grams, index):
    """(share of the file's n-grams found in the reference off the alignment it shares most
    with and that alignment's duplicates, reference piece of that alignment or -1, share found
    anywhere). An alignment is a reference piece at a fixed shift in time: a copy of a piece,
    however edited, keeps one; a model that splices pieces, or jumps within one, does not."""
    hashes, starts = grams
    ref_hashes, ref_sources, ref_starts = index
    if hashes.size == 0:
        return 0.0, -1, 0.0
    lo, hi = np.searchsorted(ref_hashes, hashes, "left"), np.searchsorted(ref_hashes, hashes, "right")
    found = hi > lo
    if not found.any():
        return 0.0, -1, 0.0
    position = np.repeat(np.arange(hashes.size), hi - lo)
    match = np.concatenate([np.arange(a, b) for a, b in zip(lo, hi)])
    key = np.stack([ref_sources[match], ref_starts[match] - starts[position]], axis=1)
    alignments, which = np.unique(key, axis=0, return_inverse=True)
    which = which.ravel()
    covered = np.zeros((alignments.shape[0], hashes.size), dtype=bool)
    covered[which, position] = True
    top = int(np.argmax(covered.sum(axis=1)))
    inside = ((covered & covered[top]).sum(axis=1) >= DUPLICATE_OVERLAP * covered.sum(axis=1)) | (
        alignments[:, 0] == alignments[top, 0])
    elsewhere = covered[~inside].any(axis=0)
    return float(elsewhere.mean()), int(alignments[top, 0]), float(found.mean())


def profile_arrays(x, groups, n_groups, cross_fitted, names):
    """The profile's copying arrays: the index of every reference file and the files' names,
    calibration cross-fitted (`cross_fitted` is engine/detectors/profile.cross_fitted)."""
    grams = [gram_hashes(r) for r in file_rolls(x, groups)]

    def fold_scores(train, held):
        index = index_of(grams, np.unique(groups[train]))
        return np.array([copied_share(grams[f], index)[0] for f in np.unique(groups[held])])

    ref_hashes, ref_sources, ref_starts = index_of(grams, np.arange(n_groups))
    return {"copying_hashes": ref_hashes, "copying_sources": ref_sources, "copying_starts": ref_starts,
            "copying_names": np.asarray(names),
            "cal_copying": cross_fitted(groups, n_groups, fold_scores)}


class Copying:
    name = "copying"
    modalities = ("music",)
    calibration = "cross-fitted"

    def __init__(self, profile):
        from engine.detectors import calibration

        self.index = (profile["copying_hashes"], profile["copying_sources"], profile["copying_starts"])
        self.names = [str(n) for n in profile["copying_names"]]
        self.tail = calibration.tail_model(profile["cal_copying"])
        self.method = (f"share of the file's sequences of {N} chord events (pitch set and length, up to transposition) "
                       f"that occur verbatim in reference pieces other than the one it shares most with and that "
                       f"piece's duplicates (a model that memorises splices several pieces; a real piece copies at "
                       f"most one); calibration cross-fitted")

    @classmethod
    def fit(cls, ref, groups, n_groups, cross_fitted):
        if ref.modality not in cls.modalities:
            return {}
        first = {}
        for item, g in zip(ref.items, groups):
            first.setdefault(int(g), str(item).split("#")[0].rsplit("/", 1)[-1])
        return profile_arrays(ref.x, groups, n_groups, cross_fitted, [first.get(g, str(g)) for g in range(n_groups)])

    def scores(self, batch):
        return np.array([copied_share(gram_hashes(r), self.index)[0] for r in file_rolls(batch.x, batch.groups)])

    def reason(self, batch, g, score, p):
        roll = np.concatenate(list(batch.x[batch.groups == g, 0] > 0), axis=1)
        grams = gram_hashes(roll)
        share, top, anywhere = copied_share(grams, self.index)
        closest = (f"; {anywhere:.0%} occur somewhere in the reference, most of them in {self.names[top]}"
                   if top >= 0 else "")
        return (f"copying: {share:.0%} of its {grams[0].size} sequences of {N} chords occur verbatim (up to "
                f"transposition) in reference pieces other than its closest one and that piece's duplicates "
                f"(reference calibration files: median {np.median(self.tail['sorted']):.0%}, max "
                f"{self.tail['sorted'][-1]:.0%}){closest}; tail probability {p:.2g}")
