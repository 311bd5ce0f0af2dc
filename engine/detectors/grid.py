"""The grid detector: the share of a file's values off the reference's intensity grid."""
from engine.data.sniff import MIDI
from engine.detectors import calibration, specification
from engine.detectors.detector import EVERY_FILE, Detector


class OffGrid(Detector):
    name = "grid"
    modalities = ("image", "speech", "music")
    calibration = EVERY_FILE  # it fits nothing, so every reference file can calibrate it
    arrays = ("cal_grid",)

    @classmethod
    def fit(cls, ref, groups, n_groups, cross_fitted):
        if not ref.levels:
            return {}  # continuous values: no grid
        return {"cal_grid": calibration.group_mean(specification.off_grid_fraction(ref.x, ref.levels), groups)}

    def __init__(self, profile):
        self.levels = int(profile["levels"])
        self.tail = calibration.tail_model(profile["cal_grid"])
        self.method = f"share of values off the reference's {specification.grid_name(self.levels)}"

    def informative(self, samples):
        """A file whose format decides its grid (an 8-bit PNG for k/255 or for k/16) says nothing here,
        nor do a MIDI file's velocities: they are its performance's (a player's touch, a sequencer's
        defaults), a channel like a PNG's bit depth, so a real chorale played with feeling stays real."""
        if samples.meta.get("format") == MIDI.label:
            return False
        return not specification.format_decides_grid(samples.meta.get("format_levels"), self.levels)

    def scores(self, batch):
        return batch.file_mean(specification.off_grid_fraction(batch.x, self.levels))

    def reason(self, batch, g, score, p):
        grid = specification.grid_name(self.levels)
        ref_max = float(self.tail["sorted"][-1])
        if score <= ref_max:
            return (f"grid: {score:.1%} of values off the {grid}, as in the reference (max {ref_max:.1%}); "
                    f"{specification.grid_note(self.levels)}")
        return (f"grid: {score:.1%} of values are off the {grid}, reference files at most {ref_max:.1%}; "
                f"{specification.grid_note(self.levels)}; tail probability {p:.2g}")
