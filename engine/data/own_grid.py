"""A sequenced MIDI file whose onsets keep a regular grid of their own, not a subdivision of the file's quarters.

A script that renders a piece by placing its notes in seconds writes them under whatever tempo map its MIDI library
starts with (pretty_midi: 120 bpm), not the tempo it rendered at: a chorale placed at 96 bpm holds every quarter note
over 1.25 of the file's quarters, at 100 bpm over 1.2, at 72 bpm over 1.67. The piano roll counts the file's quarters,
so the music lies off its metric grid and `meter` calls a real chorale generated (JSB test chorales at 1.25: 77 of
77; docs/studies.md, thirty-sixth pass, "A MIDI file on a grid of its own"). Neither other reader catches it: at
1.25, 1.5 or 0.75 every onset still falls on the file's sixteenth grid, so the file is not read as a performance
(engine/data/performance.py), and the time scale (engine/detectors/time_scale.py) reads twice and half only.

But the onsets are exactly regular: every chord event lies on a multiple of one unit (GRID_TOLERANCE quarters,
a tick's rounding at 220 ticks a quarter being 0.002), as no performance does. `read` finds the largest such unit
(`grid_unit`); a notated file's is a power of two of the quarter or a third of one (a whole, a quarter, a sixteenth,
a triplet eighth: `notated`), and is left as it is. Another unit is read as the power of two of the quarter nearest
it (in the ratio): the file's positions are rescaled by that value over the unit, about the grid's origin
(`rescaled`). Which power of two is the music's quarter the onsets do not say (a rendering at 1.5 whose shortest
value is a quarter note holds the same grid as one at 0.75 whose shortest is an eighth); the nearest one reads a
factor between 0.71 and 1.41 at the notated scale and one between 1.41 and 2 as a rendering at 2 (every note twice as
long), which the time scale's readings at twice and half the quarters then judge as it judges such a file.
"""
import numpy as np

from engine.data.representations import quarters_at

GRID_TOLERANCE = 0.01  # quarters an onset may lie off its grid (a tick at 96 ticks a quarter: 0.0104 / 2)
MIN_ON_GRID = 0.97  # of chord events on the grid: a file's grid, not a performance's (chance at most 0.1 measured)
MIN_EVENTS = 16
SMALLEST_IOIS = 4  # the shortest distinct intervals between chord events, each divided by DIVISORS, are the candidates
DIVISORS = (1, 2, 3, 4)
REFINE_SPANS = (8, 32, 128, 512, np.inf)
NOTATED_TOLERANCE = 0.01  # |log2| off a notated unit
SHORTEST_UNIT = 1 / 8  # quarters, as read: a grid finer than a 32nd note is a frame rate, not a rendering's tempo
LONGEST_UNIT = 4.0


def chord_onsets(midi):
    """The file's chord events' first onsets in its quarter notes (performance.chord_events)."""
    from engine.data import performance

    firsts, _ = performance.chord_events([note.start for note in performance.notes_of(midi)])
    return quarters_at(midi, firsts)


def on_grid(quarters, unit, origin):
    return np.abs(np.mod(quarters - origin + unit / 2, unit) - unit / 2) <= GRID_TOLERANCE


def grid_unit(quarters):
    """(unit, origin) in quarters of the coarsest regular grid holding MIN_ON_GRID of the positions `quarters`, or
    None. Candidates are the shortest intervals between positions divided by 1-4 (a piece's shortest interval may
    be a dotted value or span a triplet); each is refined by least squares over the positions' grid indices, so a
    unit rounded to a tick does not drift off the grid over a long file."""
    quarters = np.unique(np.asarray(quarters, dtype=np.float64))
    if quarters.size < MIN_EVENTS:
        return None
    relative = quarters - quarters[0]
    steps = np.diff(quarters)
    steps = np.unique(np.round(steps[steps > 2 * GRID_TOLERANCE], 2))[:SMALLEST_IOIS]
    for unit in sorted({step / n for step in steps for n in DIVISORS}, reverse=True):
        if unit <= 4 * GRID_TOLERANCE:
            break
        unit = refined(relative, unit)
        if unit > 0 and np.mean(on_grid(relative, unit, 0.0)) >= MIN_ON_GRID:
            return unit, float(quarters[0] - unit * np.rint(quarters[0] / unit))  # the phase nearest 0
    return None


def refined(relative, unit):
    """`unit` fitted by least squares to the positions' grid indices over ever longer spans (REFINE_SPANS units):
    a candidate 0.005 off (rounded to 0.01) would put the index of a position 100 units on off by one."""
    for span in REFINE_SPANS:
        part = relative[relative <= span * unit]
        index = np.rint(part / unit)
        if np.dot(index, index) > 0:
            unit = float(np.dot(index, part) / np.dot(index, index))
    return unit


def notated(unit):
    """Whether a grid unit (quarters) is a notated one: a power of two of the quarter, or a third of one."""
    return any(abs(value - np.rint(value)) <= NOTATED_TOLERANCE for value in (np.log2(unit), np.log2(3 * unit)))


def read(midi):
    """{"unit", "origin" (quarters), "scale"} of a file whose onsets keep a regular grid that no notated unit makes
    (module docstring): its positions are read at `scale` times the file's quarters, from `origin`. None otherwise."""
    found = grid_unit(chord_onsets(midi))
    if found is None or notated(found[0]):
        return None
    unit, origin = found
    read_as = 2.0 ** np.rint(np.log2(unit))
    if not SHORTEST_UNIT <= read_as <= LONGEST_UNIT:
        return None
    return {"unit": round(unit, 4), "origin": round(origin, 4), "scale": round(float(read_as / unit), 4),
            "unit_read_as": float(read_as)}


def rescaled(midi, found):
    """A pretty_midi.PrettyMIDI at 60 bpm whose seconds are the notes' positions read on their own grid (`read`):
    (quarters - origin) x scale; drums left out, as the piano roll leaves them."""
    import pretty_midi

    out = pretty_midi.PrettyMIDI(initial_tempo=60.0)
    for instrument in (i for i in midi.instruments if not i.is_drum):
        copy = pretty_midi.Instrument(program=instrument.program, name=instrument.name)
        if instrument.notes:
            times = np.array([(note.start, note.end) for note in instrument.notes])
            positions = (quarters_at(midi, times.ravel()).reshape(-1, 2) - found["origin"]) * found["scale"]
            copy.notes = [pretty_midi.Note(velocity=note.velocity, pitch=note.pitch, start=float(max(start, 0.0)),
                                           end=float(max(end, start, 0.0)))
                          for note, (start, end) in zip(instrument.notes, positions)]
        out.instruments.append(copy)
    return out


def reason(channel):
    """The verdict's reason for a MIDI file read on its own grid, or None."""
    found = channel.get("own_grid")
    if not found:
        return None
    return (f"onsets on a regular grid of their own, {found['unit']:g} of the file's quarter notes, which no notated "
            f"value makes (a piece placed in seconds at another tempo than its tempo map's): read at "
            f"{found['scale']:g} times the file's quarters, that unit as {found['unit_read_as']:g} quarter notes")
