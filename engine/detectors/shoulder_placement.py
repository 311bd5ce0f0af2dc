"""Shoulder and placement together: a figure a little off MNIST's centre whose greys also crowd below the plateau.

A DCGAN or LSGAN trained five or more times longer than the case's leaves two weak traits in most of the digits
that no detector decides alone: its figure lies a little off the centre MNIST put every centre of mass on
(`placement`, engine/detectors/placement.py) and its saturating output activation crowds its greys just below the
strokes' plateau (`shoulder`, engine/detectors/shoulder.py). The verdict's weighted Bonferroni rule needs one
detector below about alpha / 10, and of a long-trained DCGAN's 28 digits it did not label generated 13 held both
tail probabilities between 0.001 and 0.05 (docs/studies.md, "Long-trained generators: a shoulder off
the centre", forty-ninth pass).

The score is Fisher's statistic of the two, -ln p_shoulder - ln p_placement: shoulder's tail probability against
the reference files, placement's against the files and, apart, every resampled copy of them, **the copies shifted by
a fraction of a pixel included**, which `placement` alone leaves out (MNIST's centring moves a figure by whole
pixels). A real digit shifted by half a pixel leans on placement, and with shoulder's chance lean the pair flagged
such digits (emulated: 33 of 200 below 0.001, and 103 of 200 scaled by 1.1 bilinearly), where against every copy it
flags none of them and loses little on a long-trained DCGAN (5 -> 4 of the files the verdict missed). On real
figures the two read unrelated things (Spearman 0.01 on MNIST's 5,000 reference files, under 0.02 on their rotated
and rescaled copies), so the statistic is calibrated like any other: on every reference file's own score, its two
tail probabilities read against the calibrations that hold it.
Under a channel read from the pixels (JPEG, lossy WebP, a resize, a tone line) both detectors are recalibrated on
the reference so channelled (engine/detectors/channels.py), and this one on the channelled files' statistic.
Stands aside where `placement` does (a padded picture judged as its crop).
"""
import numpy as np

from engine.detectors import calibration, resampling
from engine.detectors.detector import EVERY_FILE, Detector
from engine.detectors.placement import Placement
from engine.detectors.shoulder import Shoulder


def fisher(*p_values):
    """Fisher's statistic of tail probabilities, -ln p_1 - ln p_2 - ..., per file."""
    return -sum(np.log(np.asarray(p, dtype=np.float64)) for p in p_values)


def placement_tail(arrays):
    """placement's calibration against the files and every resampled copy, shifted ones included (module
    docstring); a channel's recalibration without copies (one row) as it is."""
    return resampling.tail(arrays["cal_placement"])


def files_readings(arrays):
    """The reference files' (shoulder's, placement's) tail probabilities from the two detectors' profile arrays
    (clean, or recalibrated through a channel): each file's own scores read against the calibrations that hold them."""
    on_placement = np.asarray(arrays["cal_placement"], dtype=np.float64)
    on_placement = on_placement[0] if on_placement.ndim == 2 else on_placement
    return (calibration.tail_probability(Shoulder(arrays).tail, resampling.files_only(arrays["cal_shoulder"])),
            calibration.tail_probability(placement_tail(arrays), on_placement))


def files_statistic(arrays):
    """The reference files' statistic (files_readings' two, summed as Fisher's)."""
    return fisher(*files_readings(arrays))


class ShoulderPlacement(Detector):
    name = "shoulder-placement"
    modalities = ("image",)
    calibration = EVERY_FILE
    arrays = ("cal_shoulder_placement",)
    method = ("Fisher's statistic of shoulder's and placement's tail probabilities, -ln p_shoulder - ln "
              "p_placement: a figure a little off the reference's centring whose greys also crowd below the "
              "strokes' plateau, two weak traits a long-trained generator's digits hold together and real figures "
              "hold apart (placement's tail probability against every resampled copy, sub-pixel shifts included); "
              "calibrated on every reference file's own statistic")

    @classmethod
    def fit(cls, ref, groups, n_groups, cross_fitted):
        arrays = {**Shoulder.fit(ref, groups, n_groups, cross_fitted),
                  **Placement.fit(ref, groups, n_groups, cross_fitted)}
        if not all(key in arrays for key in Shoulder.arrays + Placement.arrays):
            return {}
        return {cls.arrays[0]: files_statistic(arrays)}

    @classmethod
    def present(cls, profile):
        """Only beside the two it reads (a profile with either left out judges without it)."""
        return super().present(profile) and Shoulder.present(profile) and Placement.present(profile)

    def __init__(self, profile):
        self.shoulder, self.placement = Shoulder(profile), Placement(profile)
        self.placement_tail = placement_tail(profile)
        self.tail = calibration.tail_model(profile[self.arrays[0]])

    def readings(self, batch):
        """(shoulder's, placement's against every copy) tail probabilities of the batch's files, read once per batch
        (each file's reason asks again)."""
        return batch.once((self, "readings"), lambda: (
            calibration.tail_probability(self.shoulder.tail, self.shoulder.scores(batch)),
            calibration.tail_probability(self.placement_tail, self.placement.scores(batch))))

    def scores(self, batch):
        return fisher(*self.readings(batch))

    def informative(self, samples):
        return self.placement.informative(samples)

    def reason(self, batch, g, score, p):
        p_shoulder, p_placement = (float(found[g]) for found in self.readings(batch))
        files = self.tail["sorted"]
        reading = ("within the reference files' range" if score <= files[-1] else
                   "beyond every reference file: off the centring with a saturating activation's shoulder")
        return (f"shoulder-placement: shoulder's tail probability {p_shoulder:.2g} and placement's {p_placement:.2g} "
                f"together, -ln of each summed {score:.1f} (reference files: median {float(np.median(files)):.1f}, "
                f"max {float(files[-1]):.1f}), {reading}; tail probability {p:.2g}")
