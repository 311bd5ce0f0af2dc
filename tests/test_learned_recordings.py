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
