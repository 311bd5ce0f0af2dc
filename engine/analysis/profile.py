"""The profile of a sample set: everything the comparisons need, computed once.

A profile is a plain dict of numpy arrays (strings as 0-d unicode arrays), so it can be saved
with np.savez and read back with allow_pickle=False. Comparing many sets against one reference
uses the reference's profile and never recomputes it.
"""

import numpy as np

from engine.analysis.features import sample_features
from engine.analysis.specifications import note_durations, transition_counts
from engine.analysis.stats import Distribution
from engine.errors import InputError
from engine.modality import modality
from engine.npz import load_arrays, save_arrays

HIST_BINS = 100
FULL_RANGE = (0.0, 1.0)
MID_RANGE = (0.11, 0.88)  # the papers' second histogram: the values between the modes


def profile(sampleset):
    """Profiles a SampleSet: intensity distribution and histograms, centroid/slope moments per
    sample, and for music the chroma transitions and note durations."""
    intensity = Distribution.of(sampleset.x, sampleset.levels)
    out = {
        "name": np.asarray(sampleset.name),
        "modality": np.asarray(sampleset.modality),
        "n": np.asarray(sampleset.n),
        **intensity.to_arrays("intensity_"),
        "intensity_hist": intensity.histogram(HIST_BINS, FULL_RANGE),
        "intensity_hist_mid": intensity.histogram(HIST_BINS, MID_RANGE),
        **sample_features(sampleset.x),
    }
    if modality(sampleset.modality).notes:
        codes, counts = transition_counts(sampleset.x)
        out["transition_codes"], out["transition_counts"] = codes, counts
        out.update(Distribution.of_integers(note_durations(sampleset.x)).to_arrays("durations_"))
    return out


def save_profile(path, prof):
    """Writes a profile as .npz, atomically."""
    save_arrays(path, prof)


def load_profile(path):
    """Reads a profile written by save_profile; anything else raises InputError."""
    prof = load_arrays(path)
    missing = {"name", "modality", "n", "centroid", "slope", "intensity_hist"} - prof.keys()
    if missing:
        raise InputError(path, f"not a profile (missing {', '.join(sorted(missing))})")
    return prof
