"""Real images resampled on the way: the reference's own figures rotated, rescaled and shifted by
a fraction of a pixel with interpolation, so that image detectors can be calibrated on what a
re-scan, a straightening or a rescale does to a real file.

Interpolation makes new values: a faint fringe beside every stroke, edges about half a pixel
wider, and with a cubic spline (scipy.ndimage's default order 3) a faint ripple that spreads a
few pixels into the background. Against the clean reference alone these read as a generator's
smoothed output: real MNIST digits rotated by up to 8 degrees with bilinear interpolation were
11-14 % "generated", scaled by 1.1 29-34 % (docs/verdicts.md). Which resampling a file went
through cannot be read from a 28 x 28 figure, so the detectors that use these copies calibrate
on the reference's files and, apart, on their resampled copies (`calibration_rows`, `tail`): a file is
extreme only if it is extreme against both, so the rate of false positives holds for clean and
resampled real files alike, and a generator's trait must stand out from both.

Each reference figure is resampled once by each row of RESAMPLINGS (a random angle, scale and
sub-pixel shift about its centre, drawn per figure from a fixed seed, so a profile is
reproducible), then rounded to the reference's grid (8-bit PNG levels for MNIST). Nearest-
neighbour resampling makes no new values and needs no copy.
"""
import numpy as np

MODALITIES = ("image",)  # figures that a re-scan or an editor resamples
SEED = 20261201
# name, largest rotation (degrees), largest relative scale change, largest shift (pixels),
# spline order (1 bilinear, 3 cubic spline)
RESAMPLINGS = (
    ("rotated by up to 10 degrees, bilinear", 10.0, 0.0, 0.0, 1),
    ("scaled by 0.88-1.12, bilinear", 0.0, 0.12, 0.0, 1),
    ("shifted by up to half a pixel, bilinear", 0.0, 0.0, 0.5, 1),
    ("rotated by up to 10 degrees and scaled by 0.88-1.12, cubic spline", 10.0, 0.12, 0.0, 3),
)


def applies(ref):
    """Whether detectors of this reference calibrate on resampled copies: images of figures on a
    blank background (statistical.blank_background), whose interpolated fringe and edges the
    detectors would otherwise read as a generator's."""
    from engine.detectors.statistical import blank_background

    return str(ref.modality) in MODALITIES and blank_background(ref.x)


def describe():
    """The resamplings in words, for methods and reasons."""
    return "; ".join(name for name, *_ in RESAMPLINGS)


def resample(images, degrees, scale, shift, order, rng):
    """(n, h, w) images, each rotated by an angle in [-degrees, degrees], scaled by a factor in
    [1 - scale, 1 + scale] about its centre and shifted by up to `shift` pixels on each axis."""
    from scipy import ndimage

    n, h, w = images.shape
    centre = np.array([(h - 1) / 2, (w - 1) / 2])
    angles = np.deg2rad(rng.uniform(-degrees, degrees, n))
    factors = rng.uniform(1 - scale, 1 + scale, n)
    shifts = rng.uniform(-shift, shift, (n, 2))
    out = np.empty_like(images)
    for i, image in enumerate(images):
        c, s = np.cos(angles[i]) / factors[i], np.sin(angles[i]) / factors[i]
        matrix = np.array([[c, -s], [s, c]])  # output coordinates -> input coordinates
        offset = centre - matrix @ centre - shifts[i]
        out[i] = ndimage.affine_transform(image, matrix, offset, order=order, mode="constant", cval=0.0)
    return out


BILINEAR = tuple(row for row in RESAMPLINGS if row[-1] == 1)  # the first rows: drawn as in every row's copies


def resampled_copies(x, levels, seed=SEED, rows=RESAMPLINGS):
    """(copies (k n, 1, h, w), kind per copy): every image of x (n, 1, h, w) through every row of `rows`
    (RESAMPLINGS or a leading part of it, whose copies are then those of the whole), clipped to [0, 1] and rounded
    to the reference's grid k / levels (none when 0)."""
    images = np.asarray(x, dtype=np.float64).reshape(len(x), x.shape[-2], x.shape[-1])
    rng = np.random.default_rng(seed)
    copies = [resample(images, *row[1:], rng) for row in rows]
    out = np.clip(np.concatenate(copies), 0.0, 1.0)
    if levels:
        out = np.rint(out * levels) / levels
    kinds = np.repeat(np.arange(len(rows)), len(images))
    return out.reshape(-1, 1, x.shape[-2], x.shape[-1]).astype(np.float32), kinds


def with_resampled_copies(x, levels, seed):
    """x (n, 1, h, w) followed by n resampled copies of its images, drawn from their copies through every row of
    RESAMPLINGS (angles, scales and shifts drawn from `seed`, not the calibration's SEED): the real side of a
    classifier of a case that calibrates on such copies, so that the classifier learns interpolation as a real
    file's (a classifier of typeset digits trained on clean real digits only rated the calibration's resampled
    copies as typeset, and its threshold let 94 % of other fonts' digits pass; docs/studies.md, twenty-third
    pass)."""
    copies, _ = resampled_copies(x, levels, seed)
    pick = np.sort(np.random.default_rng(seed).choice(len(copies), len(x), replace=False))
    return np.concatenate([np.asarray(x, dtype=np.float32), copies[pick]])


def calibration_rows(clean, resampled):
    """Calibration scores of the reference's n files (clean) and of their resampled copies (k n, copy
    kind j of file g at j n + g) as one (1 + k, n) array: row 0 the files, row 1 + j their copies of
    kind j (what `tail` reads)."""
    clean = np.asarray(clean, dtype=np.float64)
    return np.concatenate([clean[None], np.asarray(resampled, dtype=np.float64).reshape(-1, clean.size)])


def without_ringing(rows):
    """Calibration rows (`calibration_rows`) less those of the kinds whose interpolation rings (spline order
    above 1). The cubic spline's ripple spreads faint values a few pixels into the background, as a
    generator's haze does; calibrated on it, `features` let an unregistered DCGAN's digits pass (MNIST,
    seed 7, profile detectors: 500 of 500 caught without that row, 256 with it; real digits rotated or
    rescaled bilinearly, or with an editor's bicubic, stay at 0.3-1.7 %; docs/verdicts.md "Limits")."""
    keep = [0] + [1 + j for j, row in enumerate(RESAMPLINGS) if row[-1] == 1]
    return np.asarray(rows)[keep]


def without_shifts(rows):
    """Calibration rows (`calibration_rows`) less those of the kinds that move the figure by a fraction of a pixel
    (RESAMPLINGS' largest shift above 0), for `placement`: a rotation or a rescale about the picture's centre keeps a
    centred figure's centre of mass there, a shift moves it by what MNIST's centring (a translation by whole pixels)
    never does, and calibrated on the shifted copies `placement` needed a generated figure about a pixel off
    (docs/studies.md, "Placement without the shifted copies", forty-seventh pass). Rows of another layout (a
    channel's recalibration without copies: one row) as they are."""
    rows = np.asarray(rows)
    if rows.ndim != 2 or rows.shape[0] != 1 + len(RESAMPLINGS):
        return rows
    return rows[[0] + [1 + j for j, (_, _, _, shift, _) in enumerate(RESAMPLINGS) if shift == 0]]


def files_only(rows):
    """The reference files' row of calibration rows (`calibration_rows`) that a profile made before stored, for a
    detector calibrated on the files alone since (`shoulder`, engine/detectors/shoulder.py); one row as it is."""
    rows = np.asarray(rows)
    return rows[0] if rows.ndim == 2 and rows.shape[0] == 1 + len(RESAMPLINGS) else rows


def tail(calibration_scores, versions=1):
    """The tail model of a detector's calibration scores: for a (1 + k, n) array from `calibration_rows`, the
    larger of the tail probabilities against the reference's files and against their resampled
    copies (calibration.union_tail_model), so that a real file is judged as extreme only if it is
    so against both, and the rate of false positives holds for clean and resampled real files
    alike (pooling them instead let clean files, a fifth of the pool, past the threshold more
    often); a 1-D array (a case made before, or a channel's recalibration) as before, each of its files' `versions`
    counted once (calibration.versions_tail_model)."""
    from engine.detectors import calibration

    scores = np.asarray(calibration_scores, dtype=np.float64)
    if scores.ndim == 1:
        return calibration.versions_tail_model(scores, versions)
    return calibration.union_tail_model([scores[0], scores[1:].ravel()])
