"""Sounding: how much of a piece's time sounds, and with how many voices.

A chorale is written for four voices that sing almost throughout: between its first note and its
last, a reference chorale has every step sounding but for a rest at a phrase's end (at most about a
tenth of its time), and 3.6-4.7 notes sound at once. A music generator that is undertrained or has
collapsed (a GAN whose output rarely reaches the note threshold, a VAE or an LSTM sampled with a high
threshold) writes nearly empty rolls: a note or two a bar, long silences between them. The detectors
of harmony, meter and copying find too few chords in such a piece to say anything, so it passed.

The statistic is the mean number of sounding notes per sixteenth-note step from the piece's first
onset to its last release, which is (1 - its silent share) x (its mean number of notes when any
sounds); the score is minus its logarithm (higher = emptier), one-sided: a piece fuller than the
reference's (a keyboard texture) is no evidence here. Silence before the first note and after the
last is not read, so a pickup, an excerpt or a file whose notes start late scores as its notes do;
a rest inside the piece (a fermata's breath, one voice resting) counts as the time it takes.
Invariances: the roll is read as on/off (velocity changes nothing), pitches are not read
(transposition changes nothing) and steps are sixteenth notes read from the tempo map (tempo and MIDI
resolution change nothing). Nothing is fitted, so every reference file calibrates it (as `grid`).
"""
import numpy as np

from engine.detectors import calibration
from engine.detectors.copying import file_roll, file_rolls
from engine.detectors.detector import EVERY_FILE, Detector, median

LEAST_VOICES = 0.01  # the mean voices an empty roll (an all-zero .npy) is read at: a finite score


def sounding(roll):
    """(silent share, mean notes when any sounds) of a boolean (128, steps) roll between its first and
    last sounding step; (1.0, 0.0) for an empty roll."""
    voices = roll.sum(axis=0)
    on = np.flatnonzero(voices)
    if on.size == 0:
        return 1.0, 0.0
    span = voices[on[0]:on[-1] + 1]
    return float(np.mean(span == 0)), float(span[span > 0].mean())


def score_of(silent, voices):
    """-log of the mean number of sounding notes per step over the piece (higher = emptier)."""
    return -np.log(np.maximum((1 - np.asarray(silent)) * np.asarray(voices), LEAST_VOICES))


class Sounding(Detector):
    name = "sounding"
    modalities = ("music",)
    calibration = EVERY_FILE  # it fits nothing
    arrays = ("sounding_silence", "sounding_voices")

    @classmethod
    def fit(cls, ref, groups, n_groups, cross_fitted):
        silent, voices = np.array([sounding(r) for r in file_rolls(ref.x, groups)]).T
        return {"sounding_silence": silent, "sounding_voices": voices}

    def __init__(self, profile):
        self.silence, self.voices = np.asarray(profile["sounding_silence"]), np.asarray(profile["sounding_voices"])
        self.tail = calibration.tail_model(score_of(self.silence, self.voices))
        self.method = ("minus the log of the mean number of notes sounding per step from the file's first note to its "
                       "last (its silent share and its voices when any sounds; a nearly empty roll, as an undertrained "
                       "or collapsed generator writes, is far below every reference piece)")

    def scores(self, batch):
        return score_of(*np.array([sounding(r) for r in file_rolls(batch.x, batch.groups)]).reshape(-1, 2).T)

    def reason(self, batch, g, score, p):
        silent, voices = sounding(file_roll(batch.x, batch.groups, g))
        return (f"sounding: no note sounds in {silent:.0%} of its time from its first note to its last (reference files: "
                f"at most {self.silence.max():.0%}), and {voices:.1f} notes sound at once when any does (reference files: "
                f"at least {self.voices.min():.1f}, median {np.median(self.voices):.1f}): {np.exp(-score):.2f} notes "
                f"sound per step (reference files: median {np.exp(-median(self.tail)):.2f}, least "
                f"{np.exp(-self.tail['sorted'][-1]):.2f}); tail probability {p:.2g}")
