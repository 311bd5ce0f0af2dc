"""A MIDI file's choir parts read apart where it names them beside other parts (engine/data/choir_parts.py)."""
import os

import numpy as np
import pretty_midi

from engine.data import choir_parts
from engine.data.loaders import load_path

BACH = os.path.join(os.path.dirname(__file__), "..", "resources", "bach")


def piece(names, drum=()):
    """A PrettyMIDI with a part per name, each holding a bar of one note (its own pitch); `drum`: parts on drums."""
    midi = pretty_midi.PrettyMIDI()
    for k, name in enumerate(names):
        part = pretty_midi.Instrument(0, is_drum=name in drum, name=name)
        part.notes.append(pretty_midi.Note(100, 48 + 5 * k, 0.0, 2.0))
        midi.instruments.append(part)
    return midi


def test_a_named_choir_beside_other_parts_is_read_alone():
    found = choir_parts.read(piece(["Horn 1", "Soprano", "Alto", "Tenor", "Bass", "Continuo"]))
    assert found is not None and found.others == ("Horn 1", "Continuo")
    roll = found.x[:, 0].any(axis=0)
    assert sorted(np.flatnonzero(roll.any(axis=1))) == [53, 58, 63, 68]  # the four voices' pitches, not the horn's


def test_the_choir_is_read_at_the_file_s_other_time_scales_too():
    found = choir_parts.read(piece(["Horn 1", "Soprano", "Alto", "Tenor", "Bass"]), (2.0,))
    sounding = lambda choir: np.count_nonzero(choir.x[:, 0].any(axis=1))  # noqa: E731  steps with a note
    assert sounding(found.at(2.0)) == 2 * sounding(found) and found.at(2.0).others == ("Horn 1",)
    assert found.at(0.5) is None  # not read so


def test_four_voices_alone_one_track_or_an_incomplete_choir_is_not_read_apart():
    assert choir_parts.read(piece(["Soprano", "Alto", "Tenor", "Bass"])) is None  # a model writing four voices
    assert choir_parts.read(piece(["Piano"])) is None
    assert choir_parts.read(piece(["Soprano", "Alto", "Tenor", "Horn"])) is None
    assert choir_parts.read(piece(["Soprano", "Alto", "Tenor", "Bass", "Drums"], drum=("Drums",))) is None


def test_a_voice_its_instruments_double_and_numbered_voices_are_the_choir():
    assert choir_parts.voice_named("Soprano\rOboe 1,2\rViolin1") == "soprano"
    assert choir_parts.voice_named("Soprano 2") == "soprano"
    assert choir_parts.voice_named("Bassoon") is None and choir_parts.voice_named("") is None


def test_a_chorale_with_horns_is_read_with_its_choir_apart_and_one_without_is_not():
    horns = load_path(os.path.join(BACH, "bwv79.3.mid"))
    assert horns.choir.others == ("Horn 1", "Horn 2", "Timpani", "Continuo")
    assert load_path(os.path.join(BACH, "bwv80.8.mid")).choir is None
    assert horns.subset(slice(0, 1)).choir is None  # a subset of patches is no longer the file
