"""Checks shared by the music detectors' tests: the invariances every music detector claims
(transposition, velocity, tempo, MIDI resolution)."""
import mido
import numpy as np

from engine.data.builtins import corpus_files
from engine.data.loaders import load_path
from tests.detector_checks import judged



def assert_transposition_and_velocity_change_nothing(detector, x, groups):
    _, scores, _ = judged(detector, x, groups)
    for shift in (-5, 3, 7):
        _, moved, _ = judged(detector, np.roll(x, shift, axis=2), groups)
        np.testing.assert_array_equal(moved, scores)
    _, quieter, _ = judged(detector, x * (40 / 127), groups)  # below the 0.5 of the boolean roll: still notes
    np.testing.assert_array_equal(quieter, scores)


def assert_tempo_and_resolution_change_nothing(detector, tmp_path):
    source = corpus_files("bach")[310]
    changed = mido.MidiFile(source)
    changed.ticks_per_beat = changed.ticks_per_beat * 3 // 2
    for track in changed.tracks:
        for k, message in enumerate(track):
            message = message.copy(time=message.time * 3 // 2)
            if message.type == "set_tempo":
                message = message.copy(tempo=int(message.tempo * 0.7))
            track[k] = message
    changed.save(str(tmp_path / "changed.mid"))
    before, after = load_path(source), load_path(str(tmp_path / "changed.mid"))
    assert after.meta["channel"]["resolution"] != before.meta["channel"]["resolution"]
    one_file = np.zeros(before.n, dtype=np.int64)
    np.testing.assert_array_equal(judged(detector, after.x, one_file)[1], judged(detector, before.x, one_file)[1])
