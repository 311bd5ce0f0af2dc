"""A figure statistic: an image detector whose score is one number per figure (a count of faint
values, a share of the background, a distance to the strokes) with nothing fitted, so that every
reference file calibrates it and, apart, each file's resampled copies (engine/detectors/resampling.py).

For a statistic t and a reference of n files, the profile holds one (1 + k, n) array
(resampling.calibration_rows): row 0 the files' t (a file's patches averaged), row 1 + j their
copies' t through resampling j. A file scoring s gets p = max(p_files(s), p_copies(s))
(resampling.tail), so it is extreme only if it is extreme against both, and the false-positive
rate holds for clean and resampled real files alike. A 1-D array (a case made before the copies,
or a channel's recalibration without them, engine/detectors/channels.py) is one population.
Applies to image references of figures on a blank background (statistical.blank_background).

A subclass gives `statistic` ((n, 1, h, w) samples -> n values, a staticmethod), `name`, its one
profile key in `arrays`, `method` and `reason`; `resampled = False` (and `calibration = EVERY_FILE`)
for a statistic that the copies only weaken, calibrated on the files alone (`shoulder`).
"""
from engine.detectors import calibration, resampling
from engine.detectors.detector import EVERY_FILE_AND_RESAMPLED, Detector
from engine.detectors.statistical import blank_background


class FigureStatistic(Detector):
    modalities = ("image",)
    calibration = EVERY_FILE_AND_RESAMPLED  # it fits nothing
    resampled = True  # calibrated apart on the files' resampled copies too; False: on the files alone

    @staticmethod
    def statistic(x):
        raise NotImplementedError

    @classmethod
    def fit(cls, ref, groups, n_groups, cross_fitted):
        if not blank_background(ref.x):
            return {}
        files = calibration.group_mean(cls.statistic(ref.x), groups)
        if not cls.resampled:
            return {cls.arrays[0]: files}
        copies = ref.resampled()
        return {cls.arrays[0]: resampling.calibration_rows(files, copies.file_mean(cls.statistic(copies.x)))}

    def __init__(self, profile):  # on the files alone, a profile made when the copies calibrated it on its files' row
        rows = profile[self.arrays[0]]
        self.tail = resampling.tail(rows if self.resampled else resampling.files_only(rows))

    def scores(self, batch):
        return batch.file_mean(self.statistic(batch.x))

    def calibrations(self):
        """(the reference files' sorted scores, their resampled copies' or None without them), for reasons."""
        parts = self.tail.get("parts", [self.tail])
        return parts[0]["sorted"], (parts[1]["sorted"] if len(parts) > 1 else None)
