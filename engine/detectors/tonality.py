"""Tonality: whether a piece keeps a key and a beat the way the reference chorales do.

A chorale stays in one key, modulates only to close ones, and changes harmony mostly on the
beat. A chain that strings together chord transitions (a first-order Markov chain over
chords) makes every step look like the reference, so the chroma-transition specification
passes it, but it has no memory: its pieces drift through
unrelated keys where it splices fragments of different chorales, and its chord changes drift
off the beat. Three statistics per file, from its whole roll (its patches end to end):

- `out of key`: the share of its sounding pitch classes (per time step, octaves merged)
  outside its best-fitting scale (12 major and 12 harmonic-minor scales);
- `key drift`: over windows of four bars (hop half a bar), the mean total-variation distance
  between the window's pitch-class distribution and the whole file's: a chorale's stays close
  to its piece's throughout, a splice into another key does not;
- `off beat`: the share of its chroma changes that fall between quarter beats (chorales'
  passing notes put a median 41 % there).

Each is centred on the reference files' median and divided by their interquartile range; the
score is the signed square z|z| of their sum z. The sum of three roughly normal terms has a
light tail, which the calibration's exponential tail model (engine/detectors/calibration.py)
would extrapolate far too cautiously; its square has the exponential tail of a chi-square.
Only the high side counts: too few changes off the beat (a chain over chords sliced at the
beat) was tried two-sided and cost more detection of the chains than it gained. The six
medians and ranges are fitted, so the calibration is cross-fitted (engine/detectors/folds.py):
every reference file is scored with the medians and ranges of the other folds.
"""
import numpy as np

from engine.analysis.specifications import NOTE_NAMES, PITCH_CLASSES, chroma
from engine.detectors import calibration
from engine.detectors.detector import CROSS_FITTED, Detector

STATISTICS = ("out of key", "key drift", "off beat")
MAJOR = (0, 2, 4, 5, 7, 9, 11)
HARMONIC_MINOR = (0, 2, 3, 5, 7, 8, 11)
WINDOW, HOP = 64, 8  # four 4/4 bars and half a bar at a sixteenth-note step
BEAT = 4  # steps per quarter note (engine/data/representations.py)
MIN_SPREAD = 1e-3


def _scales():
    scales = np.zeros((2 * PITCH_CLASSES, PITCH_CLASSES))
    for tonic in range(PITCH_CLASSES):
        scales[tonic, [(tonic + p) % PITCH_CLASSES for p in MAJOR]] = 1
        scales[PITCH_CLASSES + tonic, [(tonic + p) % PITCH_CLASSES for p in HARMONIC_MINOR]] = 1
    return scales


SCALES = _scales()


def key_name(scale):
    return f"{NOTE_NAMES[scale % PITCH_CLASSES]} {'major' if scale < PITCH_CLASSES else 'minor'}"


def best_scale(histogram):
    """Index of the scale holding most of a pitch-class histogram (the first on ties)."""
    return int(np.argmax(SCALES @ histogram))


def file_chroma(x, groups, g):
    """(12, T) boolean chroma of file g: its patches end to end."""
    return np.concatenate(list(chroma(x[groups == g])), axis=1)


def statistics_of(pcs):
    """(out of key, key drift, off beat) and the best scale of one file's (12, T) chroma."""
    histogram = pcs.sum(axis=1).astype(np.float64)
    total = histogram.sum()
    if total == 0:
        return np.zeros(len(STATISTICS)), 0
    key = best_scale(histogram)
    out_of_key = 1.0 - (SCALES[key] @ histogram) / total
    steps = pcs.shape[1]
    cumulative = np.concatenate([np.zeros((PITCH_CLASSES, 1)), np.cumsum(pcs, axis=1)], axis=1)
    starts = np.arange(0, max(steps - WINDOW, 0) + 1, HOP)
    windows = (cumulative[:, np.minimum(starts + WINDOW, steps)] - cumulative[:, starts]).T
    windows = windows[windows.sum(axis=1) > 0]
    windows = windows / windows.sum(axis=1, keepdims=True)
    drift = float(0.5 * np.abs(windows - histogram / total).sum(axis=1).mean()) if len(windows) else 0.0
    states = (1 << np.arange(PITCH_CLASSES)) @ pcs.astype(np.int64)
    changes = np.flatnonzero(states[1:] != states[:-1]) + 1
    off_beat = float(np.mean(changes % BEAT != 0)) if changes.size else 0.0
    return np.array([out_of_key, drift, off_beat]), key


def file_statistics(x, groups):
    """(n_files, 3) statistics and (n_files,) best scales of the files of rolls x."""
    n_files = int(groups.max()) + 1 if groups.size else 0
    found = [statistics_of(file_chroma(x, groups, g)) for g in range(n_files)]
    stats = np.array([s for s, _ in found]).reshape(n_files, len(STATISTICS))
    return stats, np.array([k for _, k in found], dtype=np.int64)


def fit_scaling(stats):
    """(centre, spread): the reference files' median and interquartile range per statistic."""
    low, centre, high = np.quantile(stats, [0.25, 0.5, 0.75], axis=0)
    return centre, np.maximum(high - low, MIN_SPREAD)


def combined(stats, centre, spread):
    z = ((stats - centre) / spread).sum(axis=1)
    return z * np.abs(z)


class Tonality(Detector):
    name = "tonality"
    modalities = ("music",)
    calibration = CROSS_FITTED
    arrays = ("tonality_centre", "tonality_spread", "cal_tonality")
    shares = len(STATISTICS)  # one per statistic its score sums (calibration.share_weights)

    @classmethod
    def fit(cls, ref, groups, n_groups, cross_fitted):
        """Scaling fitted on every reference file, calibration cross-fitted."""
        stats, _ = file_statistics(ref.x, groups)
        centre, spread = fit_scaling(stats)

        def fold_scores(train, held):
            train_files, held_files = np.unique(groups[train]), np.unique(groups[held])
            return combined(stats[held_files], *fit_scaling(stats[train_files]))

        return {"tonality_centre": centre, "tonality_spread": spread,
                "cal_tonality": cross_fitted(groups, n_groups, fold_scores)}

    def __init__(self, profile):
        self.centre, self.spread = profile["tonality_centre"], profile["tonality_spread"]
        self.tail = calibration.tail_model(profile["cal_tonality"])
        self.method = ("sum of three standardised statistics of the whole file: its share of pitch classes "
                       "outside its best major or harmonic-minor scale, the mean total-variation distance of "
                       "its four-bar windows' pitch-class distributions from the whole file's, and its share of chord changes off the quarter beat; score z|z| of the sum z of their "
                       "standardised values (a chain of chord transitions drifts in key and beat); calibration cross-fitted")

    def scores(self, batch):
        return combined(file_statistics(batch.x, batch.groups)[0], self.centre, self.spread)

    def reason(self, batch, g, score, p):
        (out_of_key, drift, off_beat), key = statistics_of(file_chroma(batch.x, batch.groups, g))
        m_key, m_drift, m_beat = self.centre
        return (f"tonality: {out_of_key:.0%} of the sounding pitch classes lie outside the file's key "
                f"({key_name(key)}; reference files: median {m_key:.0%}), its four-bar windows' pitch classes "
                f"differ from the whole file's by {drift:.0%} (total variation; median {m_drift:.0%}), {off_beat:.0%} "
                f"of its chord changes fall between quarter beats (median {m_beat:.0%}); score {score:.1f} "
                f"(reference calibration files: median {round(float(np.median(self.tail['sorted'])), 1) + 0.0:.1f}); "
                f"tail probability {p:.2g}")
