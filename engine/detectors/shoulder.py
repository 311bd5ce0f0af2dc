"""Shoulder: too many near-white values just below the strokes' plateau, among a figure's greys.

A GAN's output layer (a sigmoid, or tanh rescaled) saturates towards white: across a stroke its
pre-activation climbs over a wide range that the activation squeezes into the last few percent
of the scale, so a long-trained generator's strokes carry a broad shoulder of values just below
their plateau (210-249 of 255). A real MNIST digit's strokes are a plateau (252-254 of 255, or
255) with a narrow anti-aliased edge whose greys spread nearly evenly between 0 and the plateau
(a median 23 % of the 5,000 reference digits' greys lie in the shoulder), and a real digit rotated,
rescaled or shifted with interpolation (the resampled copies, engine/detectors/resampling.py)
mixes the plateau with its edge linearly, so its greys spread nearly evenly too (25-27 %). A DCGAN
or LSGAN trained five times longer than the case's, whose figures pass every other per-file
statistic (docs/studies.md, eighteenth and thirty-fifth passes), holds a median of 38-42 % of its
greys there, and about a fifth of its digits lie beyond every real digit and copy but a
thousandth (docs/studies.md, "Long-trained MNIST GANs: a saturating activation's shoulder",
forty-second pass).

The score is a binomial z: with n values in [GREY, TOP) and k of them in [SHOULDER, TOP),
(k - SHARE n) / sqrt(SHARE (1 - SHARE) n + 1), where SHARE is an evenly spread edge's share of the
shoulder with room for real digits' spread (a share, not a count, so that a thin or a bold stroke
scores alike; the z, not the share, so that a figure with a handful of greys cannot score high by
chance). Values at or above TOP are the plateau (real digits: 250-255 of 255) and are left out, and
so are the faintest values (below GREY), which are faint-background's and faint-speck's. Levels
are relative to the figure's brightest value, as stroke-ramp's are: a real digit whose contrast was
lowered by a tenth puts its plateau (253 of 255 -> 228) in an absolute shoulder (83 % of 400 real
digits beyond the threshold, none relative to their brightest value).

A figure statistic (engine/detectors/figure_statistic.py): it fits nothing, so every reference file
calibrates it; not their resampled copies (engine/detectors/resampling.py). No rotation, rescale or
sub-pixel shift puts a real figure's greys in the shoulder beyond the files' own tail (their copies
lie past the files' threshold at a detector's share of alpha 0.1-0.4 % of the time, the files 0.1 %),
but the copies' top thousandth, bold digits enlarged, lengthened the tail until a long-trained DCGAN's
shoulder stood out in 9 % of its digits instead of 23 % (docs/studies.md, "`shoulder` against
the reference's files alone", forty-eighth pass). Profiles made before hold the copies' rows too, and
are read without them (resampling.files_only). Under JPEG, lossy WebP and a resize read from the
pixels it is recalibrated on the reference so channelled (engine/detectors/channels.py), whose
ringing puts values in the shoulder too. Applies to image references of figures on a blank
background, like `faint-background`.
"""
import numpy as np

from engine.detectors.detector import EVERY_FILE
from engine.detectors.figure_statistic import FigureStatistic

GREY = 0.076  # of the brightest value; 20 of 255 and up: the anti-aliased edge (19 of 255 is 0.0745)
SHOULDER = 0.822  # 210 of 255 and up (209 of 255 is 0.8196) ...
TOP = 0.978  # ... below 250 of 255 (249 of 255 is 0.9765): MNIST's plateau starts at 250
SHARE = 0.3  # an even spread holds (TOP - SHOULDER) / (TOP - GREY), 0.17, in the shoulder; real digits a median 0.23


def grey_counts(x):
    """Per sample (n, [c,] h, w), channels averaged, levels relative to its brightest value: (its greys, those of
    them in the shoulder), two (n,) int arrays."""
    images = np.asarray(x, dtype=np.float64).reshape(x.shape[0], -1, x.shape[-2], x.shape[-1]).mean(axis=1)
    peak = images.max(axis=(1, 2), keepdims=True)
    images = images / np.where(peak > 0, peak, 1.0)
    below_plateau = images < TOP
    return (((images >= GREY) & below_plateau).sum(axis=(1, 2)),
            ((images >= SHOULDER) & below_plateau).sum(axis=(1, 2)))


def shoulder_z(x):
    """Per sample: the binomial z of its greys' share in the shoulder (module docstring); 0 for one without greys."""
    grey, shoulder = grey_counts(x)
    return (shoulder - SHARE * grey) / np.sqrt(SHARE * (1 - SHARE) * grey + 1.0)


class Shoulder(FigureStatistic):
    name = "shoulder"
    calibration = EVERY_FILE
    resampled = False  # module docstring
    arrays = ("cal_shoulder",)
    statistic = staticmethod(shoulder_z)
    method = (f"binomial z of the share of a figure's greys (values {GREY:.3f}-{TOP:.3f} of its brightest) that "
              f"lie in the shoulder just below the strokes' plateau ({SHOULDER:.3f}-{TOP:.3f}) against an even "
              f"spread's share with room, {SHARE:g}: a generator's saturating output activation squeezes a wide "
              f"ramp into the last few percent of the scale, where a real figure's anti-aliased edge, rotated, "
              f"rescaled or shifted with interpolation or not, spreads its greys evenly")

    def reason(self, batch, g, score, p):
        files, copies = self.calibrations()
        grey, held = (int(count.sum()) for count in grey_counts(batch.x[batch.groups == g]))
        share = f"{held} of its {grey} greys" if grey else "no greys"
        seen = f"reference files: median {float(np.median(files)):.1f}, max {float(files[-1]):.1f}"
        if copies is not None:
            seen += f"; {np.mean(copies >= score):.2%} of their resampled copies reach it"
        reading = ("within the reference files' range" if score <= files[-1] else
                   "beyond every reference file: a saturating activation's shoulder below the plateau")
        return (f"shoulder: {share} lie just below the strokes' plateau ({SHOULDER:.3f}-{TOP:.3f}), z {score:.1f} "
                f"against a share of {SHARE:g} ({seen}), {reading}; tail probability {p:.2g}")
