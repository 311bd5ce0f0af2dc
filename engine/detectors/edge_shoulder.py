"""Edge shoulder: a figure's one-pixel edges and its greys both squeezed just below the strokes' plateau.

`shoulder` (engine/detectors/shoulder.py) reads a whole figure's greys; this reads its stroke cross-sections too.
An edge here is a grey that steps straight from the background to the plateau along a row or a column: a
neighbour below GREY on one side, one at or above TOP on the other (levels relative to the figure's brightest
value, as `shoulder`'s). A real MNIST digit's edge is the anti-aliased coverage of a binary figure, so its grey is
where the stroke's border cuts the pixel, spread evenly between background and plateau (12 % of the 5,000
reference digits' edges lie in the shoulder); a generator's saturating output activation squeezes the same
one-pixel climb towards the plateau (a long-trained DCGAN's: 30-34 %). Interpolation (a rotated, rescaled or
shifted real figure, a resize and back) widens a climb to two or three pixels, which then is no edge, so it
leaves few edges, as evenly spread as the files' (7-13 %), where under every blur the greys near the plateau
crowd the shoulder as a generator's do (docs/studies.md, "A shoulder read per stroke", fiftieth pass).

The edges' reading is a binomial z over their distinct 8-bit values: with n of them and k in the shoulder
([SHOULDER, TOP)), (k - SHARE n) / sqrt(SHARE (1 - SHARE) n + ROOM). Distinct values, because a straight stroke
repeats its border's coverage down its length (a real '1' with 232 down its side) and counted per pixel one edge
scored as many; ROOM, because a figure with a handful of edges (a blurred one) cannot score high by chance. It is
read against the reference files and, apart, their resampled copies (the larger tail probability). Alone it put
the digits of long-trained DCGANs that the verdict missed at 0.001-0.01, short of a detector's share of alpha, as
`shoulder` puts them, so the score is Fisher's statistic of the two, -ln p_shoulder - ln p_edges (as
`shoulder-placement`'s, engine/detectors/shoulder_placement.py), calibrated on every reference file's own statistic
(the two correlate on real files, Spearman 0.45, which the calibration holds). Under a channel read from the pixels
both readings and the statistic are recalibrated on the reference so channelled (engine/detectors/channels.py).
Cases made before have no `cal_edge_shoulder` and keep their detectors. Applies to image references of figures on a
blank background, beside `shoulder`.
"""
import numpy as np

from engine.detectors import calibration, resampling
from engine.detectors.detector import EVERY_FILE, Detector
from engine.detectors.shoulder import GREY, SHOULDER, TOP, Shoulder
from engine.detectors.shoulder_placement import fisher

LEVELS = 255  # distinct values on the 8-bit grid
SHARE = 0.17  # the reference files' edges: 12.6 % in the shoulder, their resampled copies' 9.6 %
ROOM = 10.0


def edge_counts(x):
    """Per sample (n, [c,] h, w), channels averaged: (distinct 8-bit values of its edges, how many of them lie in the
    shoulder), two (n,) int arrays (module docstring)."""
    images = np.asarray(x, dtype=np.float64).reshape(x.shape[0], -1, x.shape[-2], x.shape[-1]).mean(axis=1)
    peak = images.max(axis=(1, 2), keepdims=True)
    relative = images / np.where(peak > 0, peak, 1.0)
    padded = np.pad(relative, ((0, 0), (1, 1), (1, 1)))
    left, right, up, down = padded[:, 1:-1, :-2], padded[:, 1:-1, 2:], padded[:, :-2, 1:-1], padded[:, 2:, 1:-1]

    def step(a, b):  # background on one side, plateau on the other
        return ((a < GREY) & (b >= TOP)) | ((b < GREY) & (a >= TOP))

    edges = (relative >= GREY) & (relative < TOP) & (step(left, right) | step(up, down))
    values = np.rint(np.clip(images, 0.0, 1.0) * LEVELS).astype(np.int64)
    used = np.zeros((len(images), LEVELS + 1), dtype=bool)
    figure, *_ = np.nonzero(edges)
    used[figure, values[edges]] = True
    in_shoulder = np.arange(LEVELS + 1) >= SHOULDER * np.rint(peak[:, 0] * LEVELS) - 1e-9
    return used.sum(axis=1), (used & in_shoulder).sum(axis=1)


def edges_z(x):
    """Per sample: the binomial z of its edges' distinct values in the shoulder (module docstring)."""
    n, k = edge_counts(x)
    return (k - SHARE * n) / np.sqrt(SHARE * (1 - SHARE) * n + ROOM)


def files_edges(arrays):
    """The reference files' edges' tail probabilities from the profile arrays (clean, or recalibrated through a
    channel): each file's own reading against the files and their copies."""
    edges = np.asarray(arrays["cal_edges"], dtype=np.float64)
    return calibration.tail_probability(resampling.tail(edges), edges[0] if edges.ndim == 2 else edges)


def files_statistic(arrays):
    """The reference files' statistic from the profile arrays: each file's own two readings against the calibrations
    that hold them."""
    return fisher(calibration.tail_probability(Shoulder(arrays).tail, resampling.files_only(arrays["cal_shoulder"])),
                  files_edges(arrays))


class EdgeShoulder(Detector):
    name = "edge-shoulder"
    modalities = ("image",)
    calibration = EVERY_FILE
    arrays = ("cal_edges", "cal_edge_shoulder")
    method = (f"Fisher's statistic of shoulder's tail probability and that of a figure's one-pixel edges (a grey "
              f"between the background, below {GREY:.3f} of its brightest value, and the plateau, {TOP:.3f} and up, "
              f"along a row or column): the binomial z of their distinct 8-bit values in the shoulder just below the "
              f"plateau ({SHOULDER:.3f}-{TOP:.3f}) against {SHARE:g} with room {ROOM:g}, read against the reference's "
              f"figures and, apart, their resampled copies. A real figure's edge grey is its border's coverage of "
              f"the pixel, spread evenly, where a generator's saturating activation squeezes it towards the plateau; "
              f"interpolation widens an edge beyond one pixel. Calibrated on every reference file's own statistic")

    @classmethod
    def fit(cls, ref, groups, n_groups, cross_fitted):
        shoulder = Shoulder.fit(ref, groups, n_groups, cross_fitted)
        if not shoulder:  # not figures on a blank background
            return {}
        copies = ref.resampled()
        edges = resampling.calibration_rows(calibration.group_mean(edges_z(ref.x), groups),
                                            copies.file_mean(edges_z(copies.x)))
        return {"cal_edges": edges, "cal_edge_shoulder": files_statistic({**shoulder, "cal_edges": edges})}

    @classmethod
    def present(cls, profile):
        """Only beside the detector it reads."""
        return super().present(profile) and Shoulder.present(profile)

    def __init__(self, profile):
        self.shoulder = Shoulder(profile)
        self.edges_tail = resampling.tail(profile["cal_edges"])
        self.tail = calibration.tail_model(profile["cal_edge_shoulder"])

    def readings(self, batch):
        """(shoulder's, the edges') tail probabilities of the batch's files, read once per batch (each file's reason
        asks again)."""
        return batch.once((self, "readings"), lambda: (
            calibration.tail_probability(self.shoulder.tail, self.shoulder.scores(batch)),
            calibration.tail_probability(self.edges_tail, batch.file_mean(edges_z(batch.x)))))

    def scores(self, batch):
        return fisher(*self.readings(batch))

    def reason(self, batch, g, score, p):
        n, k = (int(count.sum()) for count in edge_counts(batch.x[batch.groups == g]))
        held = f"{k} of its {n} one-pixel edge values" if n else "no one-pixel edges"
        p_shoulder, p_edges = (float(found[g]) for found in self.readings(batch))
        files = self.tail["sorted"]
        reading = ("within the reference files' range" if score <= files[-1] else
                   "beyond every reference file: edges and greys squeezed towards the plateau, as a saturating "
                   "activation writes them")
        return (f"edge shoulder: {held} lie just below the strokes' plateau ({SHOULDER:.3f}-{TOP:.3f}), tail "
                f"probability {p_edges:.2g}, with shoulder's {p_shoulder:.2g}: -ln of each summed {score:.1f} "
                f"(reference files: median {float(np.median(files)):.1f}, max {float(files[-1]):.1f}), {reading}; "
                f"tail probability {p:.2g}")
