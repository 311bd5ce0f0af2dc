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
- a **posterisation** leaves a few evenly spaced levels k * s up to the figure's brightest value.
  Real references can be posterised too (about 5 % of MNIST digits use only the levels 255 k / 4 or
  255 k / 9, the NIST scans' own), so the grid steps s seen in the reference are mined from it
  (cross-fitted) and only a figure on a grid the reference never uses counts: it scores its step in
  8-bit levels. The grid is read relative to the figure's brightest value (s = brightest / j), not
  only on 255 / m: a dim generator re-quantised (its brightest value 204 = 12 * 17) has its tone line
  read and undone (engine/data/tone_curve.py), which moves its levels off every 255 / m grid but keeps
  them evenly spaced up to the reference's plateau (docs/studies.md, "Re-quantised output on a grid
  relative to its brightest value", forty-ninth pass). On MNIST both readings find the same grids in
  every figure (520 of 10,000, all but one on 255k/4 or 255k/9); a profile made before holds the grids m and is
  read on 255 / m, as it was calibrated.

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
MAX_GRID = 32  # posterisation grids of steps >= 255 / MAX_GRID (8 levels)
MAX_POSTERISED = 16  # more distinct values than this is not a posterisation
SAME_STEP = 0.03  # relative difference within which two grid steps are one: a real 255k/4 figure darkened and
# undone to the reference's plateau (253 for MNIST: 0.8 %, 248 would be 2.7 %); 255 / m grids, m <= 32, lie >= 3 % apart


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


def grid_step(distinct, relative=True):
    """The step (8-bit levels) of the coarsest grid k * step, step = top / j >= 255 / MAX_GRID, that holds every
    distinct value within one level, top being the brightest value (`relative`) or 255 (profiles made before the
    forty-ninth pass); 0 where there are too many values or no such grid."""
    if distinct.size == 0 or distinct.size > MAX_POSTERISED:
        return 0.0
    top = float(distinct[-1]) if relative else float(LEVELS)
    for j in range(max(1, distinct.size), int(top * MAX_GRID / LEVELS) + 1):
        step = top / j
        if np.all(np.abs(distinct - np.rint(distinct / step) * step) <= 1.0):
            return step
    return 0.0


def traces(x, relative=True):
    """Per sample (n, 1, h, w): (threshold gap ratio, clamp gap ratio, posterisation grid step or 0)."""
    images = np.asarray(x, dtype=np.float64).reshape(x.shape[0], x.shape[-2], x.shape[-1])
    out = np.zeros((len(images), 3))
    for i, image in enumerate(images):
        values, distinct = values_of(image)
        if distinct.size < 2:
            out[i] = (LEVELS, 0.0, grid_step(distinct, relative))
            continue
        below_peak = distinct[:-1][::-1]  # nearest to the brightest first
        clamped = np.count_nonzero(values == distinct[-1]) >= PLATEAU
        out[i] = (gap_ratio(max(distinct[0] - FAINTEST, 0), distinct),
                  gap_ratio(distinct[-1] - below_peak[0], below_peak) if clamped else 0.0,
                  grid_step(distinct, relative))
    return out


def unseen_steps(found, steps):
    """Per `traces` row: its posterisation grid step where the reference uses no such step (`steps`), else 0."""
    step = found[:, 2]
    seen = np.isclose(step[:, None], np.asarray(steps, dtype=np.float64)[None, :], rtol=SAME_STEP, atol=0).any(axis=1)
    return np.where((step > 0) & ~seen, step, 0.0)


def scores_of(found, steps):
    """Clean-up scores from `traces` rows, posterisation counted only on grid steps not in `steps`."""
    return np.maximum(found[:, 0] + found[:, 1], unseen_steps(found, steps))


def clean_up_scores(x, steps, relative=True):
    """Per sample (n, 1, h, w): the clean-up score, posterisation counted on grid steps not in `steps`."""
    return scores_of(traces(x, relative), steps)


def mined_steps(found):
    """The posterisation grid steps that reference figures use."""
    return np.unique(found[found[:, 2] > 0, 2])


def grid_reading(profile):
    """(the reference's grid steps, whether grids are read relative to a figure's brightest value) of a profile; one
    made before the forty-ninth pass holds the grids m of 255 / m, read so."""
    grids = np.asarray(profile["cleanup_grids"], dtype=np.float64)
    if "cleanup_relative" in profile:
        return grids, True
    return LEVELS / np.maximum(grids, 1), False


class CleanUp(Detector):
    name = "clean-up"
    modalities = ("image",)
    calibration = CROSS_FITTED_AND_RESAMPLED  # the reference's grids are mined without the file
    arrays = ("cleanup_grids", "cal_clean_up", "cleanup_relative")
    added_later = arrays[2:]  # grids read relative to the brightest value (grid_reading)
    lossy_erases = True  # JPEG and lossy WebP fill the gaps: stand aside (channels.py); recalibrated under a lossless one

    @classmethod
    def fit(cls, ref, groups, n_groups, cross_fitted):
        if not blank_background(ref.x):
            return {}
        found = traces(ref.x)
        clean = cross_fitted(groups, n_groups, lambda train, held: calibration.group_mean(
            scores_of(found[held], mined_steps(found[train])), renumber(groups[held])))
        steps = mined_steps(found)
        copies = ref.resampled()
        return {"cleanup_grids": steps, "cleanup_relative": np.array(True),
                "cal_clean_up": resampling.calibration_rows(clean, copies.file_mean(clean_up_scores(copies.x, steps)))}

    def __init__(self, profile):
        self.steps, self.relative = grid_reading(profile)
        self.tail = resampling.tail(profile["cal_clean_up"])
        seen = ", ".join(f"k * {s:.1f}" for s in self.steps) or "none"
        self.method = (f"traces of a clean-up in a figure's 8-bit values: the empty stretch below its lowest value, "
                       f"less {FAINTEST} levels (a threshold) or below a plateau of >= {PLATEAU} pixels at its brightest (a clamp), in units "
                       f"of the spacing of the {LOCAL} used values beside it, or the step (>= {LEVELS / MAX_GRID:.0f} levels) of a "
                       f"posterisation grid k * step up to {'its brightest value' if self.relative else '255'} that no "
                       f"reference figure uses (the reference's: {seen}); the "
                       f"two stretches added, or the grid's step if larger. Interpolation and lossy coding only add values; under JPEG or lossy "
                       f"WebP it stands aside; under a lossless preparation (a resize, EMNIST's framing) it is calibrated on "
                       f"the reference so prepared. Calibrated with the reference's figures also {resampling.describe()}")

    def scores(self, batch):
        return batch.file_mean(clean_up_scores(batch.x, self.steps, self.relative))

    def reason(self, batch, g, score, p):
        parts = self.tail.get("parts", [self.tail])
        top = float(parts[0]["sorted"][-1])
        seen = f"reference files: median {median(parts[0]):.1f}, max {top:.1f}"
        found = traces(batch.x[batch.groups == g], self.relative)
        low, high, _ = found.max(axis=0)
        step = unseen_steps(found, self.steps).max()
        if score <= top:
            return f"clean-up traces: score {score:.1f}, within the reference files' range ({seen}); tail probability {p:.2g}"
        if step > 0 and step >= score:
            found = (f"its values lie on a posterisation grid of step {step:.1f} levels (k * {step:.1f}) that no "
                     f"reference figure uses")
        else:
            found = (f"an empty stretch between 0 and its lowest value (less {FAINTEST} levels) {low:.1f} times the "
                     f"spacing of the values above it (a thresholded background)")
            if high > 0:
                found += (f" and one below a plateau at its brightest value {high:.1f} times the spacing of the values "
                          f"beneath (clamped highlights)")
        return (f"clean-up traces: {found} (score {score:.1f}; {seen}); the trace of a clean-up, which a generator's "
                f"output or a real file may have gone through; tail probability {p:.2g}")
