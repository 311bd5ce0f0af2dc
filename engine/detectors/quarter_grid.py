"""A piece whose notes all start and end on its quarter beats: an edition sampled at the quarter beat.

Editions of the chorales made for sequence models (Boulanger-Lewandowski's JSB chorales at quarter resolution,
the commonest in the literature) keep the pitches sounding at each quarter beat and hold them for the quarter.
The passing eighths go, and with them what kept consecutive fifths and octaves apart, and a passing tone heard on
the beat is held for a whole quarter: `voice-leading` reads exactly those, and labelled such real chorales
generated (22 of 305, JSB's valid and train splits in a `bach[0:300]` case; docs/studies.md, "Chorales from
another edition", twenty-seventh pass). So a file read on the quarter grid is a channel: `voice-leading` is judged
against the reference sampled the same way (its quarter arrays, fitted by `case new`); the other detectors as they
are. A real chorale as written nearly always moves in eighths somewhere, so it is not read so; a generator that
writes only quarter-note chords is judged like such an edition.
"""
import numpy as np

from engine.data.representations import STEPS_PER_QUARTER
from engine.detectors.copying import file_roll

KEY = "quarter grid"  # a channel key (KEY,)
WORDS = ("a piece whose notes all start and end on its quarter beats (an edition sampled at the quarter beat): "
         "voice-leading judged against the reference sampled at its quarter beats")


def on_grid(roll):
    """Whether a boolean (128, steps) roll sounds something and changes only on quarter beats."""
    roll = np.asarray(roll, dtype=bool)
    if not roll.any():
        return False
    off_beat = np.arange(1, roll.shape[1]) % STEPS_PER_QUARTER != 0
    return bool(np.array_equal(roll[:, 1:][:, off_beat], roll[:, :-1][:, off_beat]))


def sampled(roll):
    """The roll as an edition sampled at the quarter beat writes it: what sounds on each beat, held for the quarter."""
    return np.repeat(roll[:, ::STEPS_PER_QUARTER], STEPS_PER_QUARTER, axis=1)[:, :roll.shape[1]]


def marked(samples):
    """`samples` (a piece's, read at its notated time scale) with channel["quarter_grid"] set when on the grid (a file
    also judged at half its quarters, engine/detectors/time_scale.py, is on it as written)."""
    if on_grid(file_roll(samples.x, np.zeros(samples.x.shape[0], np.int64), 0)):
        samples.meta.setdefault("channel", {})["quarter_grid"] = True
    return samples


def channel_key(channel):
    return (KEY,) if channel.get("quarter_grid") else None


def detectors(detectors, profile):
    """(detectors, note) for a file on the quarter grid: those calibrated on the sampled reference too
    (`on_quarter_grid(profile)`: voice-leading) judged against it, the others as they are."""
    sampled = [getattr(type(d), "on_quarter_grid", lambda _: None)(profile) for d in detectors]
    if not any(sampled):
        return detectors, (f"channel {WORDS}: this case's profile was made before such calibration (`case new` "
                           f"again to get it), so voice-leading is judged against the reference as written")
    return [s or d for s, d in zip(sampled, detectors)], f"channel {WORDS}"
