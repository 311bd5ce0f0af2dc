"""Weak traits together: a figure's shoulder, its one-pixel edges, its placement and its box side read as one.

A DCGAN or LSGAN trained five or more times longer than the case's leaves, in the digits no detector decides, several
weak traits at once, each at a tail probability of 0.001-0.02 against the reference, short of a detector's share of
alpha (about 0.0008 among the image detectors): greys crowding just below the plateau (`shoulder`), one-pixel edges
squeezed towards it (`edge-shoulder`'s edges), a figure a little off MNIST's centring (`placement`) and a figure of
19 pixels, which 9 of MNIST's 5,000 reference figures span (`box-size`). `shoulder-placement` and `edge-shoulder`
read them two by two; of the 35 digits of two long-trained GANs the verdict still missed, 14 held a box of 19 pixels
(tail probability 0.002) beside a shoulder or edges at 0.001-0.01 (docs/studies.md, "Weak traits together",
fifty-third pass: untouched long-trained GANs 91-94 % -> 96 % caught, no real set labelled generated more often).

The score is Fisher's statistic of the four, -ln p_shoulder - ln p_edges - ln p_placement - ln p_box, each read as its
own detector or pair reads it: shoulder's against the reference files, the edges' against the files and, apart, their
resampled copies, placement's against the files and every copy, the sub-pixel shifts included (as
`shoulder-placement` reads it, engine/detectors/shoulder_placement.py), the box side's rarity against the files
(engine/detectors/box_size.py). It is calibrated on every reference file's own statistic, so the readings' relation on
real figures (the shoulder and the edges correlate) is held by the calibration. Under a channel read from the pixels
every reading is recalibrated on the channelled reference and then the statistic (engine/detectors/channels.py);
for a figure read as resampled within its frame it is joined, as `box-size` and `placement` are, with itself
calibrated on the reference so resampled (channels.IN_FRAME_READ: without it a real digit scaled by 1.1 within its
frame was labelled generated 108 of 200 times, against 11).
Present only in a profile made since the fifty-third pass, beside the four it reads and the box side's rarity;
cases made before keep their detectors.
"""
import numpy as np

from engine.detectors import calibration, edge_shoulder, shoulder_placement
from engine.detectors.box_size import BoxSize
from engine.detectors.detector import EVERY_FILE, Detector
from engine.detectors.edge_shoulder import EdgeShoulder
from engine.detectors.placement import Placement
from engine.detectors.shoulder import Shoulder
from engine.detectors.shoulder_placement import ShoulderPlacement, fisher


def box_tail_probability(arrays):
    """The reference files' box sides' tail probabilities: each file's own rarity (leaving itself out) against the
    rarities' calibration."""
    return calibration.tail_probability(BoxSize(arrays).tail, arrays["cal_box_size"])


def files_statistic(arrays):
    """The reference files' statistic from the profile arrays (clean, or recalibrated through a channel): each file's
    own four readings against the calibrations that hold them."""
    p_shoulder, p_placement = shoulder_placement.files_readings(arrays)
    return fisher(p_shoulder, p_placement, edge_shoulder.files_edges(arrays), box_tail_probability(arrays))


class WeakTraits(Detector):
    name = "weak-traits"
    modalities = ("image",)
    calibration = EVERY_FILE
    arrays = ("cal_weak_traits",)
    method = ("Fisher's statistic of four weak traits a long-trained generator's figure holds together: shoulder's, "
              "the one-pixel edges', placement's (against every resampled copy) and the box side's rarity's tail "
              "probabilities; calibrated on every reference file's own statistic")

    @classmethod
    def fit(cls, ref, groups, n_groups, cross_fitted):
        arrays = {}
        for kind in (Shoulder, Placement, EdgeShoulder, BoxSize):
            arrays.update(kind.fit(ref, groups, n_groups, cross_fitted))
        if not all(key in arrays for key in ("cal_shoulder", "cal_placement", "cal_edges", "box_sides")):
            return {}  # not figures on a blank background
        return {cls.arrays[0]: files_statistic(arrays)}

    @classmethod
    def present(cls, profile):
        """Only beside the detectors it reads, the box side read by its rarity (`box_sides`)."""
        return (super().present(profile) and ShoulderPlacement.present(profile) and EdgeShoulder.present(profile)
                and BoxSize.present(profile) and "box_sides" in profile)

    def __init__(self, profile):
        self.pair, self.edges, self.box = ShoulderPlacement(profile), EdgeShoulder(profile), BoxSize(profile)
        self.tail = calibration.tail_model(profile[self.arrays[0]])

    def readings(self, batch):
        """(shoulder's, placement's, the edges', the box side's) tail probabilities of the batch's files, read once
        per batch (each file's reason asks again)."""
        def read():
            p_shoulder, p_placement = self.pair.readings(batch)
            return (p_shoulder, p_placement, self.edges.readings(batch)[1],
                    calibration.tail_probability(self.box.tail, self.box.scores(batch)))

        return batch.once((self, "readings"), read)

    def scores(self, batch):
        return fisher(*self.readings(batch))

    def informative(self, samples):
        return self.pair.informative(samples) and self.box.informative(samples)

    def reason(self, batch, g, score, p):
        p_shoulder, p_placement, p_edges, p_box = (float(found[g]) for found in self.readings(batch))
        files = self.tail["sorted"]
        reading = ("within the reference files' range" if score <= files[-1] else
                   "beyond every reference file: several weak traits of a generator's figure at once")
        return (f"weak traits: tail probabilities shoulder {p_shoulder:.2g}, one-pixel edges {p_edges:.2g}, placement "
                f"{p_placement:.2g}, box side {p_box:.2g}, -ln of each summed {score:.1f} (reference files: median "
                f"{float(np.median(files)):.1f}, max {float(files[-1]):.1f}), {reading}; tail probability {p:.2g}")
