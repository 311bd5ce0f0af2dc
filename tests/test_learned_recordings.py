"""A speech case's learned detectors (CNN, inverse model) judge mel maps, not recordings (engine/detectors/learned.py
judged_by_learned): they learn the reference speakers' recordings and read other set-ups as generated."""
import numpy as np

from engine.data.builtins import corpus_files
from engine.data.loaders import load_path
from engine.data.representations import SPEECH_META
from engine.data.sampleset import SampleSet
from engine.data.specs import load_spec
from engine.detectors import learned, suite


class Stand:
    """A learned detector's per-file hook as ClassifierDetector and InverseDetector carry it."""
    informative = staticmethod(learned.judged_by_learned)


def test_a_speech_recording_mutes_the_learned_detectors_and_a_mel_map_does_not():
    recording = load_path(corpus_files("fsdd")[0])
    maps = SampleSet(name="maps", modality="speech", x=recording.x.copy(), levels=None, meta=dict(SPEECH_META))
    digits = load_spec("builtin:mnist[0:2]")
    assert recording.audio is not None and suite.informative([Stand()], recording) == (False,)
    assert suite.informative([Stand()], maps) == (True,) and suite.informative([Stand()], digits) == (True,)
    for kind in (learned.ClassifierDetector, learned.InverseDetector):
        assert kind.informative(recording) is False and kind.informative(maps) is True
    assert np.all(suite.weights([Stand()], 0.01, suite.informative([Stand()], recording)) == 0)


def test_under_an_audio_channel_a_learned_detector_is_kept_as_it_is_without_a_channel_tail(fsdd_case_template):
    """No tail is refitted for a learned detector under an audio channel (it judges no recording), and building the
    channel's detectors does not ask for one."""
    from engine import case_workflows
    from engine.detectors import calibration
    from engine.detectors.channels import channel_calibration, channel_detectors
    from tests.conftest import kept_few

    class LearnedStandIn:
        informative = staticmethod(learned.judged_by_learned)  # (before `learned` names the class's flag)
        learned, name, method = True, "cnn:stand-in", "mean level"
        tail = calibration.tail_model(np.linspace(0.0, 1.0, 50))

        def scores(self, batch):
            return batch.file_mean(batch.x.reshape(len(batch.x), -1).mean(1))

    with case_workflows.open_case(fsdd_case_template) as case:
        profile = kept_few(case.profile())
    stand_in = LearnedStandIn()
    detectors = suite.profile_detectors(profile) + [stand_in]
    key = ("audio", None, 16000, None, None)
    assert not any(name.startswith("tail:") for name in channel_calibration(detectors, profile, key))
    assert channel_detectors(detectors, profile, key)[0][-1] is stand_in
