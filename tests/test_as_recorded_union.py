"""Under Opus, checkerboard is judged against the reference as recorded as well as through the codec
(channel_losses.AS_RECORDED_TOO, channels.as_recorded_union): libopus narrows the reference's spread by erasing one
recorder's checkered maps, which other recorders keep through it."""
import numpy as np

from engine.detectors import calibration
from engine.detectors.channels import NoiseUnion, StandAside, as_recorded_union


class Fixed:
    """A detector double: given scores per file, a tail fitted on given calibration scores."""

    def __init__(self, name, scores, calibration_scores):
        self.name, self.method, self.values = name, f"{name} method", np.asarray(scores, dtype=np.float64)
        self.tail = calibration.tail_model(np.asarray(calibration_scores, dtype=np.float64))

    def scores(self, batch):
        return self.values

    def reason(self, batch, g, score, p):
        return f"{self.name} score {score:.3g}"


def probabilities(detector):
    return calibration.tail_probability(detector.tail, detector.scores(object()))


def test_a_recorder_beyond_the_codecs_narrower_reference_alone_is_not_called_generated_under_opus():
    rng = np.random.default_rng(0)
    # file 0: beyond the reference through the codec, within the wider spread of the reference as recorded;
    # file 1: beyond both (a generator's checkerboard): still an alarm
    clean = Fixed("checkerboard", [2.5, 9.0], rng.normal(size=400))
    through = Fixed("checkerboard", [2.5, 9.0], 0.6 * rng.normal(size=400))
    assert probabilities(through)[0] < 1e-3 < probabilities(clean)[0]
    out = as_recorded_union([clean], [through], ("audio", "OPUS", 48000, None, None))
    union = out[0]
    assert isinstance(union, NoiseUnion) and union.name == "checkerboard"
    p = calibration.tail_probability(union.tail, union.scores(object()))
    assert np.allclose(p, np.maximum(probabilities(clean), probabilities(through)), rtol=1e-9)
    assert p[0] > 1e-3 and p[1] < 1e-4
    assert "the reference as recorded applied" in union.reason(object(), 0, 0.0, float(p[0]))


def test_only_checkerboard_is_joined_and_a_detector_standing_aside_stays_aside():
    rng = np.random.default_rng(1)
    names = ("features", "checkerboard", "synthetic-voice")
    clean = [Fixed(n, [0.0], rng.normal(size=50)) for n in names]
    through = [Fixed(n, [0.0], rng.normal(size=50)) for n in names]
    out = as_recorded_union(clean, through, ("audio", "OPUS", 48000, None, None))
    assert out[0] is through[0] and out[2] is through[2]  # the channel's calibration alone
    assert isinstance(out[1], NoiseUnion)
    aside = StandAside(through[1], "its trait does not survive the codec")
    assert as_recorded_union(clean, [through[0], aside, through[2]], ("audio", "OPUS", 48000, None, None))[1] is aside


def test_opus_joins_the_case_checkerboard_and_mp3_keeps_the_channels_alone(fsdd_case_template, fsdd_channel):
    from engine import case_workflows
    from engine.detectors import suite

    with case_workflows.open_case(fsdd_case_template) as case:
        case_checkerboard = next(d for d in suite.profile_detectors(case.profile()) if d.name == "checkerboard")

    def checkerboard(subtype):
        return next(d for d in fsdd_channel(("audio", subtype, None, None, None), True)[0] if d.name == "checkerboard")

    opus = checkerboard("OPUS")
    assert isinstance(opus, NoiseUnion)
    (words, as_recorded), (_, channelled) = opus.parts_
    assert words == "as recorded"
    assert np.allclose(as_recorded.tail["sorted"], case_checkerboard.tail["sorted"])
    assert not np.array_equal(channelled.tail["sorted"], case_checkerboard.tail["sorted"])
    assert not isinstance(checkerboard("MPEG_LAYER_III"), NoiseUnion)
