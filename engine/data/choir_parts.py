"""A MIDI file's choir: the parts it names as a chorale's four voices, where it holds other parts beside them.

A chorale with instruments (horns, trumpets and timpani, an orchestra, a continuo) is written as a track per part,
each named: `Soprano`, `Alto`, `Tenor`, `Bass` beside `Horn 1` or `Continuo` (resources/bach: 45 of the 410 files,
34 of `bach[0:300]`). A piano roll merges them, so `voice-leading`, whose rules are the four voices', reads an
instrument's line as a fifth voice: horns over a resting choir read as a thin texture and stray pitches (bwv79.3,
labelled generated whole and as 8-bar excerpts in a `bach[0:300]` case), a horn doubling the soprano hides or adds
parallels (bwv52.6). The file says which parts are the choir, so they can be read apart; voice-leading then judges
the file on all its parts and on its choir's, the larger tail probability applying (engine/detectors/voice_leading.py).

Read only where every one of the four voices names a part holding notes (a part's name starting with the voice's
name: `Soprano 1`, or `Soprano Oboe 1 Violin1` for a voice its instruments double) and some other part holds notes
too. A model writing four voices, named or not, or one track of chords holds no other part and is read as before;
a file naming no choir is read as before.
"""
from dataclasses import dataclass, field

import numpy as np

VOICES = ("soprano", "alto", "tenor", "bass")


@dataclass(frozen=True)
class Choir:
    """The patches of a file's choir parts alone, the names of its other parts, and the choir read at other multiples
    of its quarter notes ({scale: patches}, as the file's own readings: engine/detectors/time_scale.py)."""
    x: np.ndarray  # (n, 1, 128, steps), as representations.piano_roll_patches
    others: tuple
    readings: dict = field(default_factory=dict)

    def at(self, scale):
        """The choir read at `scale` times its quarter notes, or None where it was not."""
        return Choir(self.readings[scale], self.others) if scale in self.readings else None


def voice_named(name):
    """The choir voice a part's name starts with (`soprano`, ...), or None."""
    words = name.replace("\r", " ").lower().split()
    word = words[0].rstrip("0123456789,.") if words else ""
    return word if word in VOICES else None


def read(midi, scales=()):
    """The Choir of a pretty_midi.PrettyMIDI (module docstring), read also at each of `scales` times its quarter
    notes, or None."""
    import copy

    from engine.data import representations

    parts = [i for i in midi.instruments if not i.is_drum and i.notes]
    choir = [i for i in parts if voice_named(i.name)]
    if {voice_named(i.name) for i in choir} != set(VOICES) or len(choir) == len(parts):
        return None
    alone = copy.copy(midi)  # the same timing, the choir's parts only
    alone.instruments = choir
    others = tuple(i.name.replace("\r", " ") for i in parts if not voice_named(i.name))
    return Choir(representations.piano_roll_patches(alone), others,
                 {scale: representations.piano_roll_patches(alone, scale) for scale in scales})
