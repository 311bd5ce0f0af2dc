"""The checkerboard detector: spectral power at the highest frequencies (engine/detectors/spectral.py).

Version 2 (speech profiles made since 2026-12-01) reads a mel patch's recorded part only. A
recording shorter than a patch is zero-padded to one (representations.split_patches), and the
step from speech into the padding puts power at every frequency of the time axis, the highest
included: the shorter the recording, the more (on 900 real FSDD recordings the time-axis share
correlated -0.5 with the recorded length), so a speaker who speaks briefly looked like an
upsampling layer's checkerboard (1-2 % of real recordings of an unseen speaker labelled generated,
whatever the channel). The padded columns (and any all-zero columns before the first live one)
are filled with the recorded part's mirror image, which continues a period-2 pattern exactly
and adds none of its own. A generator's patch is recorded throughout and scores as before.
Images keep version 1: a digit's blank margin is part of the image.
"""
import numpy as np

from engine.detectors import calibration, spectral
from engine.detectors.detector import EVERY_FILE, Detector, median
from engine.modality import CONTINUOUS_MODALITIES

RECORDED_PART_VERSION = 2


def version_for(modality):
    return RECORDED_PART_VERSION if str(modality) == "speech" else 1


def recorded_part(x):
    """Samples (n, c, h, w) with each one's all-zero columns outside its recorded span replaced by
    the span's mirror image (numpy's 'reflect', which repeats a period-2 pattern in phase); a
    span shorter than 3 columns, or one that fills the sample, is left as it is."""
    x = np.asarray(x)
    out = x.copy()
    live = np.any(x != 0, axis=(1, 2))
    for k in np.flatnonzero(~live.all(axis=1)):
        columns = np.flatnonzero(live[k])
        if columns.size == 0 or columns[-1] - columns[0] < 2:
            continue
        span = x[k, :, :, columns[0]:columns[-1] + 1]
        out[k] = np.pad(span, ((0, 0), (0, 0), (0, x.shape[-1] - span.shape[-1])), mode="reflect")
    return out


def checkerboard_scores(x, version):
    """Per sample, log10 of its share of spectral power at the highest frequency of either axis
    (version 2: of its recorded part, see the module docstring)."""
    return spectral.nyquist_share(recorded_part(x) if version >= RECORDED_PART_VERSION else x)


class Checkerboard(Detector):
    name = "checkerboard"
    modalities = CONTINUOUS_MODALITIES
    calibration = EVERY_FILE  # it fits nothing
    arrays = ("cal_checkerboard", "checkerboard_version")

    @classmethod
    def present(cls, profile):
        # Profiles made before versions hold only the calibration scores: version 1.
        return "cal_checkerboard" in profile and cls.applies(profile["modality"])

    @classmethod
    def fit(cls, ref, groups, n_groups, cross_fitted):
        version = version_for(ref.modality)
        return {"cal_checkerboard": calibration.group_mean(checkerboard_scores(ref.x, version), groups),
                "checkerboard_version": np.array(version)}

    def __init__(self, profile):
        self.version = int(profile.get("checkerboard_version", 1))
        self.tail = calibration.tail_model(profile["cal_checkerboard"])
        self.method = ("log10 of the share of spectral power at the highest frequency of either axis "
                       "(the period-2 checkerboard of upsampling layers)"
                       + ("; of a recording's recorded part, its zero padding mirrored"
                          if self.version >= RECORDED_PART_VERSION else ""))

    def scores(self, batch):
        return batch.file_mean(checkerboard_scores(batch.x, self.version))

    def reason(self, batch, g, score, p):
        ref_max = float(self.tail["sorted"][-1])
        return (f"checkerboard: {10 ** score:.2%} of the spectral power at the highest frequencies "
                f"(reference files: median {10 ** median(self.tail):.2%}, max {10 ** ref_max:.2%}); "
                f"tail probability {p:.2g}")
