"""A channel's calibration counts each reference recording once (calibration.versions_tail_model): under a codec every
recording passes as recorded, at 8 bits and at a tenth of its level (channel_media.RECORDERS), three near-equal scores
that pooled as files of their own tightened the tail as if the reference held three times the recordings (docs/studies.md,
"Real digits through G.711: a recording counted once", fortieth pass)."""
import numpy as np
import pytest

from engine.detectors import calibration
from engine.detectors.channel_media import RECORDERS
from engine.detectors.detector import CROSS_FITTED_AND_RESAMPLED

N, VERSIONS = 400, 3


def versioned_scores(seed=0):
    """N recordings' scores, each as VERSIONS near-equal versions side by side (recording g's version k at g V + k)."""
    rng = np.random.default_rng(seed)
    recordings = rng.gumbel(-3.5, 0.15, N)
    return np.repeat(recordings, VERSIONS) + rng.normal(0, 0.005, N * VERSIONS), recordings


def test_three_versions_of_each_recording_give_the_tail_of_the_recordings_not_of_three_times_as_many():
    scores, recordings = versioned_scores()
    extreme = recordings.max() + np.array([0.05, 0.2, 0.4])
    counted_once = calibration.tail_probability(calibration.versions_tail_model(scores, VERSIONS), extreme)
    pooled = calibration.tail_probability(calibration.tail_model(scores), extreme)
    alone = calibration.tail_probability(calibration.tail_model(recordings), extreme)
    assert np.all(pooled < 0.85 * alone)  # the pooled versions claimed a tighter tail than the recordings hold
    np.testing.assert_allclose(counted_once, alone, rtol=0.15)
    assert np.all(counted_once > pooled)


def test_one_version_is_the_plain_tail_model():
    scores, _ = versioned_scores(1)
    one = calibration.versions_tail_model(scores, 1)
    plain = calibration.tail_model(scores)
    probe = np.linspace(scores.min(), scores.max() + 0.5, 9)
    np.testing.assert_allclose(calibration.tail_probability(one, probe), calibration.tail_probability(plain, probe))


def test_a_codec_channel_tells_its_detectors_how_many_versions_each_recording_passed_as(fsdd_channel):
    def parts(key, name):
        detectors, _ = fsdd_channel(key, few=True)
        tail = next(d for d in detectors if d.name == name).tail
        return [part["sorted"].size for part in tail.get("parts", [tail])]

    n = 8  # conftest.kept_few: 4 recordings each side of the fit / calibration split
    features = next(d for d in fsdd_channel(("audio", "ULAW", None, None, None), few=True)[0] if d.name == "features")
    assert features.calibration != CROSS_FITTED_AND_RESAMPLED  # versions of one recording are no resampled copies
    for name in ("checkerboard", "features"):
        assert parts(("audio", "ULAW", None, None, None), name) == [n] * len(RECORDERS)
        assert parts(("audio", "ALAW", None, None, None, -50), name) == [n] * 2  # a quiet file: as recorded, 8-bit
        assert parts(("audio", None, 16000, None, None), name) == [n]  # a resampler: the recordings as made


def test_scores_that_are_not_whole_versions_of_each_file_are_refused():
    scores, _ = versioned_scores(2)
    with pytest.raises(ValueError, match="versions of each reference file"):
        calibration.versions_tail_model(scores[:-1], VERSIONS)
