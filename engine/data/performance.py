"""A MIDI file played by a person and recorded without a click: read from its onsets, and quantised.

A sequencer writes notes on a grid of the file's beat (its ticks at its tempo), and so do the
chorale corpus and every generator the product knows. A keyboard recorded without a click keeps the
recorder's default tempo (120 bpm, 480 ticks a quarter) and the player's time: the onsets keep no
grid of the file's quarters, and the piano roll, which counts in those quarters, holds music at the
wrong speed, off every beat, which the detectors that read where notes fall call generated.

Reading: the notes' onsets are grouped into chord events (onsets within CHORD_WINDOW_S seconds: a
player's hands are never together to the tick) and each event's position in the file's quarters is
compared with the grid of sixteenths and eighth triplets (GRID): `on_grid` is the share within
GRID_TOLERANCE quarters of it. Notes written on a grid give 1 (every chorale of resources/bach 0.97-1);
a performance's positions spread evenly over the quarter, giving about the share the tolerance covers
(0.48; measured 0.37-0.62). A sequencer's humanise (onsets moved by a Gaussian of 6 % of a beat) splits
chords and takes the share as low, but keeps the file's eighth-note pulse (`eighth_pulse`, the length of
the mean of exp(4 pi i q) over the events' positions q: 1 on the eighth grid, 0.57-0.75 so humanised,
at most 0.29 for a performance), and its notes are where the detectors, robust to it, read them. So a file
with at least MIN_EVENTS events, `on_grid` below MAX_ON_GRID and `eighth_pulse` below MAX_PULSE is read
as a performance (docs/studies.md, "MIDI performances", twenty-fourth pass).

Quantising (`quantised`): the player's beats are tracked from the chord events' onsets (librosa's
dynamic-programming beat tracker, written in numpy in engine/data/beat_tracker.py, over an onset envelope of
the events, each weighted by the notes it starts, in a time where the player's local tempo is made steady:
`steady_time`), the tracked pulse moved to the level where a beat carries
the chords (`beat_level`) and, if moved, tracked again at that level's tempo; every onset is mapped to beats
by interpolation between the tracked beats, a chord's notes to their median, rounded to the piano roll's step
(`chord_starts`); every note ends at the chord onset its release predicts through the player's articulation,
read from the file (`written_ends`). Those positions are the notes' positions in quarter notes: the file is
judged as written at the beat it was played at. What this costs (a beat added where the tracker loses a
player whose tempo turns within seconds) is measured there too (twenty-fourth and twenty-fifth passes).
"""
import numpy as np

from engine.data.limits import MAX_MIDI_QUARTERS
from engine.data.representations import STEPS_PER_QUARTER, quarters_at

CHORD_WINDOW_S = 0.06
GRID = np.unique(np.concatenate([np.arange(4) / 4, np.arange(3) / 3]))  # of a quarter note
GRID_TOLERANCE = 0.04  # quarters
MIN_EVENTS = 16
MAX_ON_GRID = 0.8  # of chord events on the grid: below, the onsets keep no grid of the file's quarters
MAX_PULSE = 0.5  # `eighth_pulse`: a humanised file keeps more of it, a performance at most 0.29 measured
FRAME_RATE = 100  # onset envelope frames a second
START_BPM = 80.0  # the tracker's tempo prior (librosa: log-normal, an octave's spread): a chorale's beat as played
TIGHTNESS = 100  # librosa's default; looser (30, 10) followed a drifting player worse on the tuning set
LEVEL_WINDOW = 0.15  # of a beat: the events around a beat (or a midpoint) that make its weight
HALVE_BELOW = 0.5  # alternate beats this much weaker than the others: the tracker took the subdivision
DOUBLE_ABOVE = 0.6  # midpoints this strong against the beats: it took every other beat
LOCAL_WINDOW_S = 8.0  # seconds of envelope around each second whose autocorrelation gives the local period
LOCAL_RANGE = 1.4  # the local period is searched within this factor of the whole file's
LOCAL_SMOOTH = 5  # seconds: the median over them
PARITY_RUN = 8  # beats over which alternate beats are compared (`alternation`)
MAX_SIXTEENTHS = 0.25  # `sixteenth_share` above this: the tracker took the half note (a chorale: 0.13 at most)
LEGATO = 0.1  # of a beat: a legato release comes up to this much after the next onset
ARTICULATION_QUANTILE = 0.25  # of the notes' held shares (`articulation`): each reads the articulation or more
MIN_ARTICULATION = 0.4  # the shortest share of its written length a player is taken to hold a note
CHORD_SPREAD = 0.15  # of a beat: onsets this near the first of a chord are its notes (a sixteenth lies 0.25 off)
END_TOLERANCE = 0.3  # the largest |log| ratio of a note's length to its predicted length at which it ends on an onset
# A player's velocities are the performance's dynamics, not its notes (`grid`, which reads them, stands aside for
# every MIDI file): the quantised notes are written at the corpus' one velocity, so that the detectors that take a
# note as sounding above half intensity (chroma, durations) read every note, the softly played ones too.
NOTATED_VELOCITY = 127


def chord_events(seconds, window=CHORD_WINDOW_S):
    """(first onset of each chord event, index of its event per onset) of onsets in seconds (sorted or not):
    an event is a run of onsets each within `window` of the event's first."""
    seconds = np.asarray(seconds, dtype=np.float64)
    order = np.argsort(seconds, kind="stable")
    event = np.empty(seconds.size, dtype=np.int64)
    firsts, first = [], None
    for k in order:
        if first is None or seconds[k] - first > window:
            first = seconds[k]
            firsts.append(first)
        event[k] = len(firsts) - 1
    return np.array(firsts), event


def on_grid_share(quarters):
    """Share of positions (in quarter notes) within GRID_TOLERANCE of GRID."""
    fraction = np.mod(np.asarray(quarters, dtype=np.float64), 1.0)
    distance = np.abs(fraction[:, None] - np.concatenate([GRID, [1.0]])[None, :]).min(axis=1)
    return float(np.mean(distance <= GRID_TOLERANCE)) if fraction.size else 1.0


def onset_envelope(seconds, weights):
    """The events' onset envelope at FRAME_RATE: each event's weight at its frame, smoothed over 20 ms."""
    frames = np.rint(np.asarray(seconds) * FRAME_RATE).astype(np.int64)
    envelope = np.zeros(int(frames.max()) + 2 * FRAME_RATE)
    np.add.at(envelope, frames, weights)
    return np.convolve(envelope, np.array([0.25, 0.5, 1.0, 0.5, 0.25]), mode="same")


def tracked_beats(seconds, weights, bpm=None):
    """Beat times (s) tracked from chord-event onsets `seconds` (each weighted by the notes it starts) by
    the dynamic-programming beat tracker (engine/data/beat_tracker.py, librosa's) over an onset envelope of
    those events, at tempo `bpm` (None: the envelope's own estimate)."""
    from engine.data import beat_tracker

    envelope = onset_envelope(seconds, weights)
    bpm = beat_tracker.tempo(envelope, FRAME_RATE, START_BPM) if bpm is None else bpm
    return beat_tracker.beat_frames(envelope, FRAME_RATE, bpm, TIGHTNESS) / FRAME_RATE


def steady_time(seconds, weights):
    """(times, steady times): a monotone map of the file's seconds to a time in which the player's tempo is
    one. The tracker keeps one period, so a player drifting 10-30 % from it loses it (beats land between the
    chords). The local period is the autocorrelation peak of the onset envelope over LOCAL_WINDOW_S around
    each second, searched within LOCAL_RANGE of the whole file's period (so it stays at the same level), the
    median over LOCAL_SMOOTH of them; the steady time runs at the whole file's period over the local one."""
    from engine.data import beat_tracker

    envelope = onset_envelope(seconds, weights)
    period = 60.0 / beat_tracker.tempo(envelope, FRAME_RATE, START_BPM) * FRAME_RATE  # frames
    lags = np.arange(int(period / LOCAL_RANGE), int(np.ceil(period * LOCAL_RANGE)) + 1)
    half = int(LOCAL_WINDOW_S * FRAME_RATE) // 2
    window = np.hanning(2 * half)
    centres = np.arange(0, envelope.size, FRAME_RATE)
    local = np.full(centres.size, np.nan)
    padded = np.pad(envelope, half)
    for k, centre in enumerate(centres):
        part = padded[centre:centre + 2 * half] * window
        if np.count_nonzero(part) == 0:
            continue
        correlation = np.array([np.dot(part[:-lag], part[lag:]) for lag in lags])
        local[k] = lags[int(np.argmax(correlation))]
    known = np.isfinite(local)
    if known.sum() < 2:
        return centres / FRAME_RATE, centres / FRAME_RATE
    local = np.interp(centres, centres[known], local[known])
    local = np.array([np.median(local[max(0, k - LOCAL_SMOOTH // 2):k + LOCAL_SMOOTH // 2 + 1])
                      for k in range(local.size)])
    rate = period / local
    steady = np.concatenate([[0.0], np.cumsum((rate[1:] + rate[:-1]) / 2)])  # a second a centre
    return centres / FRAME_RATE, steady


def weight_near(times, period, seconds, weights):
    """Total weight of the events (at sorted `seconds`) within LEVEL_WINDOW of a period of each of `times`."""
    total = np.concatenate([[0.0], np.cumsum(weights, dtype=np.float64)])
    reach = LEVEL_WINDOW * period
    return (total[np.searchsorted(seconds, np.asarray(times) + reach, side="right")]
            - total[np.searchsorted(seconds, np.asarray(times) - reach, side="left")])


def alternation(on):
    """How evenly alternate beats carry weight (`on`, per beat): the median over runs of PARITY_RUN beats of
    the weaker parity's mean weight over the stronger's (1: even; about 0.3 where every other beat is an
    eighth-note offbeat). Read over runs, because a tracker that slips by a beat midway swaps the parities,
    which over the whole file look even."""
    runs = on[:on.size // PARITY_RUN * PARITY_RUN].reshape(-1, PARITY_RUN)
    if not runs.size:
        runs = on[:on.size // 2 * 2].reshape(1, -1)
    even, odd = runs[:, 0::2].mean(axis=1), runs[:, 1::2].mean(axis=1)
    return float(np.median(np.minimum(even, odd) / np.maximum(np.maximum(even, odd), np.finfo(np.float64).tiny)))


def sixteenth_share(beats, seconds, weights):
    """Share of the events' weight nearer a quarter or three quarters of a tracked beat than its start or middle:
    a chorale's sixteenths, few (at most 0.13 of the corpus' notes but one prelude's), or its eighths where the
    tracker took the half note."""
    position = np.mod(beat_positions(seconds, beats), 1.0)
    return float(weights[np.abs(np.mod(2 * position + 0.5, 1.0) - 0.5) > 0.25].sum() / weights.sum())


def beat_level(beats, seconds, weights):
    """The tracked beats at the level where a beat carries the chords (all voices move together there,
    the subdivisions carry passing notes): every other beat where alternate beats carry under HALVE_BELOW
    of the others' weight (`alternation`); beats with their midpoints where the midpoints weigh more than
    DOUBLE_ABOVE of the beats, or where more than MAX_SIXTEENTHS of the weight lies between beat and midpoint
    (`sixteenth_share`); else as tracked."""
    if beats.size < 4:
        return beats
    period = float(np.median(np.diff(beats)))
    on = weight_near(beats, period, seconds, weights)
    if alternation(on) < HALVE_BELOW:
        return beats[0::2] if on[0::2].mean() >= on[1::2].mean() else beats[1::2]
    middle = (beats[1:] + beats[:-1]) / 2
    if (weight_near(middle, period, seconds, weights).mean() > DOUBLE_ABOVE * on.mean()
            or sixteenth_share(beats, seconds, weights) > MAX_SIXTEENTHS):
        return np.sort(np.concatenate([beats, middle]))
    return beats


def restruck(starts, releases, pitches):
    """(whether each note's key is struck again within LEGATO after its release, the start of that strike):
    a player releases a key to strike it again (a repeated note, a unison of two voices), so such a release
    tells where the note ends, not how it was held. Notes in the order played (stable on ties)."""
    order = np.lexsort((np.arange(starts.size), starts, pitches))
    following = np.full(starts.size, np.inf)
    same = pitches[order[1:]] == pitches[order[:-1]]
    following[order[:-1][same]] = starts[order[1:]][same]
    return following - releases <= LEGATO, following


def held_shares(starts, releases, onsets):
    """Each note's held length over its length to the first chord onset after its release (less LEGATO), for the
    notes some onset follows. That onset is where the written note ends, or before it (another voice moves while
    it sounds), so each share reads the articulation the note was held at, or more."""
    first = np.searchsorted(onsets, np.maximum(releases - LEGATO, starts), side="right")
    found = (first < onsets.size) & (releases > starts)
    return (releases[found] - starts[found]) / (onsets[first[found]] - starts[found])


def articulation(starts, releases, onsets):
    """The share of its written length the player holds a note: the ARTICULATION_QUANTILE of the notes'
    `held_shares`, each of which reads the player's articulation or more; legato playing gives about 1."""
    shares = held_shares(starts, releases, onsets)
    if shares.size == 0:
        return 1.0
    return float(np.clip(np.quantile(shares, ARTICULATION_QUANTILE), MIN_ARTICULATION, 1.0))


def written_ends(starts, releases, pitches):
    """Where the notes (starts and releases in beats) end as written: a note whose key is struck again at once
    (`restruck`) ends at that strike; a player holds the others about the same share of their written length
    (`articulation`), so a release at that share predicts its end, and the note ends at the chord onset after
    its release (less LEGATO: a legato release may come a little late) nearest that prediction (in the ratio of
    lengths), else, where none lies within END_TOLERANCE of it (a rest), at the prediction rounded to the roll's
    step, or, for the notes of the last chord, to the beat (a step short of the last bar would leave the roll's
    last patch out). A release rounded on its own would leave a gap in the voice where the player
    lifted the finger, or an overlap where the next chord came early."""
    onsets = np.unique(starts)
    again, strike = restruck(starts, releases, pitches)
    held = np.maximum(releases - starts, 0.0)
    predicted = starts + held / articulation(starts[~again], releases[~again], onsets)
    lowest = np.searchsorted(onsets, np.maximum(releases - LEGATO, starts), side="right")  # first allowed onset
    above = np.clip(np.searchsorted(onsets, predicted), lowest, onsets.size - 1)
    below = np.clip(above - 1, lowest, onsets.size - 1)
    length = np.maximum(predicted - starts, 1e-9)
    with np.errstate(divide="ignore", invalid="ignore"):
        off = [np.abs(np.log((onsets[k] - starts) / length)) for k in (below, above)]
    best = np.where(off[0] <= off[1], onsets[below], onsets[above])
    near = (lowest < onsets.size) & (np.minimum(off[0], off[1]) <= END_TOLERANCE) & (held > 0)
    last = lowest >= onsets.size  # nothing struck after it: the last chord ends on a beat
    rounded = np.where(last, np.maximum(np.rint(predicted), np.floor(starts) + 1),
                       np.rint(predicted * STEPS_PER_QUARTER) / STEPS_PER_QUARTER)
    ends = np.where(near, best, rounded)
    return np.where(again, np.maximum(strike, starts), ends)


def chord_starts(positions):
    """The notes' onsets (`positions`, in beats) as written: the notes a player strikes together (each within
    CHORD_SPREAD of a beat of the first: hands are never together to the millisecond, and a rolled chord spreads
    further) start at their median position, rounded to the roll's step. Rounded one by one, the notes of a
    chord played 50 ms apart would fall on two steps at a fast tempo (a sixteenth at 150 bpm is 100 ms)."""
    _, chord = chord_events(positions, CHORD_SPREAD)
    order = np.argsort(chord, kind="stable")
    parts = np.split(positions[order], np.flatnonzero(np.diff(chord[order])) + 1)
    return np.rint(np.array([np.median(part) for part in parts]) * STEPS_PER_QUARTER)[chord] / STEPS_PER_QUARTER


def extended(values, source, target):
    """np.interp(values, source, target), continued linearly beyond both ends."""
    values = np.asarray(values, dtype=np.float64)
    slopes = ((target[1] - target[0]) / (source[1] - source[0]), (target[-1] - target[-2]) / (source[-1] - source[-2]))
    return np.where(values < source[0], target[0] + (values - source[0]) * slopes[0],
                    np.where(values > source[-1], target[-1] + (values - source[-1]) * slopes[1],
                             np.interp(values, source, target)))


def beat_positions(seconds, beats):
    """Positions in beats of times in seconds, by interpolation between the beats (linear beyond them, at
    the first and last beats' periods)."""
    seconds = np.asarray(seconds, dtype=np.float64)
    index = np.arange(beats.size, dtype=np.float64)
    inside = np.interp(seconds, beats, index)
    before = (seconds - beats[0]) / (beats[1] - beats[0])
    after = beats.size - 1 + (seconds - beats[-1]) / (beats[-1] - beats[-2])
    return np.where(seconds < beats[0], before, np.where(seconds > beats[-1], after, inside))


def notes_of(midi):
    """The non-drum pretty_midi notes of a file."""
    return [note for instrument in midi.instruments if not instrument.is_drum for note in instrument.notes]


def read(midi):
    """What a pretty_midi.PrettyMIDI's onsets say (module docstring): {"performance": bool, "on_grid": share
    of chord events on the grid, "eighth_pulse": ..., "events": count}."""
    notes = notes_of(midi)
    if not notes:
        return {"performance": False, "on_grid": 1.0, "eighth_pulse": 1.0, "events": 0}
    firsts, _ = chord_events([note.start for note in notes])
    quarters = quarters_at(midi, firsts)
    on_grid = on_grid_share(quarters)
    pulse = float(np.abs(np.exp(4j * np.pi * quarters).mean()))
    found = firsts.size >= MIN_EVENTS and on_grid < MAX_ON_GRID and pulse < MAX_PULSE
    return {"performance": bool(found), "on_grid": round(on_grid, 3), "eighth_pulse": round(pulse, 3),
            "events": int(firsts.size)}


def quantised(midi):
    """(a pretty_midi.PrettyMIDI at 60 bpm whose seconds are the notes' positions in tracked beats, rounded to
    the piano roll's step; {"tracked_beats", "beat_bpm": median tempo of the tracked beats}), or None where
    fewer than 4 beats are tracked or more than the roll may hold."""
    notes = notes_of(midi)
    seconds, event = chord_events([note.start for note in notes])
    weights = np.bincount(event)
    times, steady = steady_time(seconds, weights)
    firsts = extended(seconds, times, steady)
    tracked = tracked_beats(firsts, weights)
    beats = beat_level(tracked, firsts, weights)
    if beats.size != tracked.size and beats.size >= 4:  # tracked again at that level's tempo: its own phase
        beats = tracked_beats(firsts, weights, bpm=60 / np.median(np.diff(beats)))
    beats = extended(beats, steady, times)
    if beats.size < 4:
        return None
    starts = chord_starts(beat_positions([note.start for note in notes], beats))
    releases = beat_positions([note.end for note in notes], beats)
    ends = written_ends(starts, releases, np.array([note.pitch for note in notes]))
    origin = np.floor(starts.min())
    if ends.max() - origin > MAX_MIDI_QUARTERS:  # more beats than the roll may hold: judged as it is
        return None
    out = written_at(midi, starts - origin, ends - origin, NOTATED_VELOCITY)
    return out, {"tracked_beats": int(beats.size), "beat_bpm": round(float(60 / np.median(np.diff(beats))), 1)}


def written_at(midi, starts, ends, velocity=None):
    """A pretty_midi.PrettyMIDI at 60 bpm (its seconds are quarter notes) holding the non-drum notes of `midi`
    (`notes_of`' order) at `starts` and `ends` in quarters, each at `velocity` (None: its own)."""
    import pretty_midi

    out = pretty_midi.PrettyMIDI(initial_tempo=60.0)
    k = 0
    for instrument in midi.instruments:
        if instrument.is_drum:
            continue
        copy = pretty_midi.Instrument(program=instrument.program, is_drum=False, name=instrument.name)
        for note in instrument.notes:
            copy.notes.append(pretty_midi.Note(velocity=velocity or note.velocity, pitch=note.pitch,
                                               start=float(starts[k]), end=float(max(ends[k], starts[k]))))
            k += 1
        out.instruments.append(copy)
    return out


def reason(channel):
    """The verdict's reason for a MIDI file read as a performance, or None."""
    found = (channel.get("onsets") or {}) if channel.get("codec") == "MIDI" else {}
    if not found.get("performance"):
        return None
    read = (f"a performance recorded without a click: {found['on_grid']:.0%} of its {found['events']} chord events "
            f"lie on a sixteenth or triplet grid of the file's quarters (a sequenced file: all), eighth-note pulse "
            f"{found['eighth_pulse']:.2f} (1 on the grid)")
    if "tracked_beats" not in found:
        return (f"{read}; not quantised (fewer than 4 beats tracked from its onsets, or more beats than the roll "
                f"holds), so judged on the file's own quarters")
    return (f"{read}; quantised to {found['tracked_beats']} beats tracked from its onsets (about "
            f"{found['beat_bpm']:g} bpm as played) and judged as written at that beat")
