"""A sequencer's gate time (engine/data/gate_time.py): a chorale whose every note is written shorter than its value by
one share is read as held to its written end; legato files and a generator's ragged ends are judged as written."""
import numpy as np
import pytest

from engine.data import gate_time
from engine.data.builtins import corpus_files
from engine.data.loaders import load_path


def written(tmp_path, name, shorten=lambda held: held):
    """A chorale of resources/bach (its four voices on their own tracks, 480 ticks a quarter) rewritten with mido,
    each note's held ticks passed through `shorten`, as a sequencer writes its gate time."""
    import mido

    midi = mido.MidiFile(corpus_files("bach")[300])
    for track in midi.tracks:
        timed, now, sounding = [], 0, {}
        for message in track:
            now += message.time
            timed.append([now, message])
            if message.type == "note_on" and message.velocity > 0:
                sounding[message.note] = timed[-1]
            elif message.type in ("note_on", "note_off") and message.note in sounding:
                start = sounding.pop(message.note)[0]
                timed[-1][0] = start + max(1, shorten(now - start))
        timed.sort(key=lambda pair: pair[0])
        previous = 0
        for pair in timed:
            pair[1].time, previous = pair[0] - previous, pair[0]
        track[:] = [pair[1] for pair in timed]
    midi.save(tmp_path / name)
    return load_path(str(tmp_path / name))


@pytest.mark.parametrize("gate", [0.5, 0.8])
def test_a_chorale_at_a_gate_is_read_and_judged_with_its_notes_held_as_written(tmp_path, gate):
    legato = written(tmp_path, "legato.mid")
    gated = written(tmp_path, "gated.mid", lambda held: int(gate * held))
    assert "gate" not in legato.meta["channel"]
    assert gated.meta["channel"]["gate"]["gate"] == pytest.approx(gate, abs=0.01)
    assert np.array_equal(gated.x, legato.x)
    assert f"held {gate:.0%} of their length" in gate_time.reason(gated.meta["channel"])


def test_ragged_note_ends_are_no_gate_and_stay_as_written(tmp_path):
    random = np.random.default_rng(3)
    ragged = written(tmp_path, "ragged.mid", lambda held: int(random.uniform(0.4, 1.0) * held))
    legato = written(tmp_path, "legato.mid")
    assert "gate" not in ragged.meta["channel"]
    assert gate_time.reason(ragged.meta["channel"]) is None
    assert ragged.x.sum() < legato.x.sum()  # its silences are judged
