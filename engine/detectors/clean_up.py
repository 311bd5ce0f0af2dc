"""Clean-up traces: the gaps a threshold, a clamp or a posterisation leaves in a figure's values.

A generator's blurred output can be cleaned in one line (issue 14): the faint background set
to 0, the highlights set to 255, the rest re-quantised to a few grey levels, or a median filter
first. Each such clean-up erases the traits that mark a generator (a faint background, soft
edges) but leaves its own, in the histogram of the figure's values:

- a **threshold** at t leaves no value in (0, t), while the values just above t are dense (the
  ramp of a blurred stroke crosses t everywhere): the empty stretch below the lowest value, less
  FAINTEST levels, measured in units of the spacing of the next LOCAL used values above it, is
  20-40 for a blurred figure thresholded at 30-60 and mostly 0 for real MNIST digits (an
  anti-aliased edge has faint values down to 1 or 2, but one real digit in 200 starts at 8-20
  with dense values above: without the FAINTEST allowance 0.5 % of mnist[5000:8500] were past
  the reference's 99.8th percentile, with it 0.1 %);
- a **clamp** at t leaves a plateau at the brightest value and nothing in (t, brightest): the
  same ratio for the stretch below the brightest value, counted only when at least PLATEAU
  pixels share it (a resampled real figure whose single brightest pixel stands alone is not
  clamped);
- a **posterisation** leaves a few evenly spaced levels k * 255 / m. Real references can be
  posterised too (about 5 % of MNIST digits use only the levels 255 k / 4 or 255 k / 9, the NIST
  scans' own), so the grids m seen in the reference are mined from it (cross-fitted) and only a
  figure on a grid the reference never uses counts: it scores its grid step in 8-bit levels.

The score is the two gap ratios added (a clean-up usually does both, and a median-filtered
GAN's figures, whose values are sparse, show each only moderately, where real figures have
either at most: summed, 99.7 % of them lie beyond the reference's 99.8th percentile, the larger of
the two 79 %), or the posterisation's step if larger (>= 8 levels; the reference's summed gap
ratios have 99.8th percentile 4). Interpolation (rotation, rescaling), JPEG and WebP
only ever add values, so real figures resampled on the way score lower, not higher; the
detector is calibrated on the reference's files and, apart, their resampled copies anyway
(engine/detectors/resampling.py). A lossy channel fills every gap, generated or real, so under
JPEG or lossy WebP it stands aside (engine/detectors/channels.py, `lossy_erases`); under a lossless
preparation read from the pixels (a resize, an enlargement, a figure centred by its box as EMNIST's)
it is recalibrated on the reference so prepared: the preparation's fill is then in the calibration,
while a cleaned figure that only looks so prepared keeps its gaps (a generator's cleaned digit whose
box happens to be centred and span 22-26 pixels was let through when it stood aside there:
docs/studies.md, "Cleaned generator output", forty-third pass). Values are
read on the 8-bit grid (k / 255). It flags the clean-up, not the generator: a real figure put
through the same clean-up is flagged too, and the reason says which trace was found.
"""
import numpy as np

from engine.detectors import calibration, resampling
from engine.detectors.detector import CROSS_FITTED_AND_RESAMPLED, Detector, median
from engine.detectors.folds import renumber
from engine.detectors.statistical import blank_background

LEVELS = 255  # 8-bit grid
LOCAL = 4  # used values above a gap whose spacing measures it
PLATEAU = 4  # pixels at the brightest value that make a clamp's plateau
FAINTEST = 8  # an anti-aliased edge's faintest values reach this far from 0 (a threshold below it is not told)
MAX_GRID = 32  # posterisation grids k * 255 / m with m <= MAX_GRID (steps of >= 8 levels)
MAX_POSTERISED = 16  # more distinct values than this is not a posterisation


def values_of(image):
    """(integer values of a figure on the 8-bit grid, its distinct non-zero values)."""
    values = np.rint(np.clip(image, 0, 1) * LEVELS).astype(np.int64)
    return values, np.unique(values[values > 0])


def gap_ratio(empty, used):
    """An empty stretch of `empty` levels beside the sorted used values `used` (nearest first), in units
    of their mean spacing over the LOCAL nearest ones (at least one level)."""
    k = min(LOCAL, used.size - 1)
    if k < 1:
        return 0.0
    return float(empty / max(abs(float(used[k]) - float(used[0])) / k, 1.0))


def grid_of(distinct):
    """The smallest m <= MAX_GRID with every distinct value within one level of a multiple of 255 / m,
    or 0 (too many values, or none such)."""
    if distinct.size == 0 or distinct.size > MAX_POSTERISED:
        return 0
    for m in range(max(1, distinct.size), MAX_GRID + 1):
        step = LEVELS / m
        if np.all(np.abs(distinct - np.rint(distinct / step) * step) <= 1.0):
            return m
    return 0


def traces(x):
    """Per sample (n, 1, h, w): (threshold gap ratio, clamp gap ratio, posterisation grid m or 0)."""
    images = np.asarray(x, dtype=np.float64).reshape(x.shape[0], x.shape[-2], x.shape[-1])
    out = np.zeros((len(images), 3))
    for i, image in enumerate(images):
        values, distinct = values_of(image)
        if distinct.size < 2:
            out[i] = (LEVELS, 0.0, grid_of(distinct))
            continue
        below_peak = distinct[:-1][::-1]  # nearest to the brightest first
        clamped = np.count_nonzero(values == distinct[-1]) >= PLATEAU
        out[i] = (gap_ratio(max(distinct[0] - FAINTEST, 0), distinct),
                  gap_ratio(distinct[-1] - below_peak[0], below_peak) if clamped else 0.0,
                  grid_of(distinct))
    return out


def scores_of(found, grids):
    """Clean-up scores from `traces` rows, posterisation counted only on grids not in `grids`."""
    unseen = (found[:, 2] > 0) & ~np.isin(found[:, 2], np.asarray(grids, dtype=np.float64))
    step = np.where(unseen, LEVELS / np.maximum(found[:, 2], 1), 0.0)
    return np.maximum(found[:, 0] + found[:, 1], step)


def clean_up_scores(x, grids):
    """Per sample (n, 1, h, w): the clean-up score, posterisation counted on grids not in `grids`."""
    return scores_of(traces(x), grids)


def mined_grids(found):
    """The posterisation grids that reference figures use."""
    return np.unique(found[found[:, 2] > 0, 2])


class CleanUp(Detector):
    name = "clean-up"
    modalities = ("image",)
    calibration = CROSS_FITTED_AND_RESAMPLED  # the reference's grids are mined without the file
    arrays = ("cleanup_grids", "cal_clean_up")
    lossy_erases = True  # JPEG and lossy WebP fill the gaps: stand aside (channels.py); recalibrated under a lossless one

    @classmethod
    def fit(cls, ref, groups, n_groups, cross_fitted):
        if not blank_background(ref.x):
            return {}
        found = traces(ref.x)
        clean = cross_fitted(groups, n_groups, lambda train, held: calibration.group_mean(
            scores_of(found[held], mined_grids(found[train])), renumber(groups[held])))
        grids = mined_grids(found)
        copies = ref.resampled()
        return {"cleanup_grids": grids,
                "cal_clean_up": resampling.calibration_rows(clean, copies.file_mean(clean_up_scores(copies.x, grids)))}

    def __init__(self, profile):
        self.grids = np.asarray(profile["cleanup_grids"], dtype=np.float64)
        self.tail = resampling.tail(profile["cal_clean_up"])
        seen = ", ".join(f"255k/{int(m)}" for m in self.grids) or "none"
        self.method = (f"traces of a clean-up in a figure's 8-bit values: the empty stretch below its lowest value, "
                       f"less {FAINTEST} levels (a threshold) or below a plateau of >= {PLATEAU} pixels at its brightest (a clamp), in units "
                       f"of the spacing of the {LOCAL} used values beside it, or the step of a posterisation grid "
                       f"255k/m (m <= {MAX_GRID}) that no reference figure uses (the reference's: {seen}); the "
                       f"two stretches added, or the grid's step if larger. Interpolation and lossy coding only add values; under JPEG or lossy "
                       f"WebP it stands aside; under a lossless preparation (a resize, EMNIST's framing) it is calibrated on "
                       f"the reference so prepared. Calibrated with the reference's figures also {resampling.describe()}")

    def scores(self, batch):
        return batch.file_mean(clean_up_scores(batch.x, self.grids))

    def reason(self, batch, g, score, p):
        parts = self.tail.get("parts", [self.tail])
        top = float(parts[0]["sorted"][-1])
        seen = f"reference files: median {median(parts[0]):.1f}, max {top:.1f}"
        low, high, grid = traces(batch.x[batch.groups == g]).max(axis=0)
        if score <= top:
            return f"clean-up traces: score {score:.1f}, within the reference files' range ({seen}); tail probability {p:.2g}"
        if grid > 0 and grid not in self.grids and LEVELS / grid >= score:
            found = f"its values lie on a posterisation grid 255k/{int(grid)} that no reference figure uses"
        else:
            found = (f"an empty stretch between 0 and its lowest value (less {FAINTEST} levels) {low:.1f} times the "
                     f"spacing of the values above it (a thresholded background)")
            if high > 0:
                found += (f" and one below a plateau at its brightest value {high:.1f} times the spacing of the values "
                          f"beneath (clamped highlights)")
        return (f"clean-up traces: {found} (score {score:.1f}; {seen}); the trace of a clean-up, which a generator's "
                f"output or a real file may have gone through; tail probability {p:.2g}")
