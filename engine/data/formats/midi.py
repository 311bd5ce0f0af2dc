"""Standard MIDI files -> piano-roll patches (see engine.data.representations).

pretty_midi can hang or exhaust memory on absurd files (huge tick counts, zero
resolution), so the file is parsed once with mido and its header and events are checked
against engine.data.limits before pretty_midi builds anything from the parsed object.
mido itself builds one Python object per event (10 M events: 110 s, 2.6 GB), so the events
are first counted from the raw track bytes, stopping as soon as the limit is passed.
"""
import io
import struct
import warnings

import numpy as np

from engine.data import channels, choir_parts, gate_time, limits, own_grid, performance, representations
from engine.data.sampleset import SampleSet
from engine.errors import InputError

SMPTE_DIVISION = 0x8000
DEFAULT_TEMPO = 500_000  # microseconds per quarter note (120 bpm) until a set_tempo event
OTHER_TIME_SCALES = (2.0, 0.5)  # a piano roll written back at twice or half the speed it was read at


DATA_BYTES = {0x8: 2, 0x9: 2, 0xA: 2, 0xB: 2, 0xC: 1, 0xD: 1, 0xE: 2}  # channel messages by high nibble
SYSTEM_BYTES = {0xF1: 1, 0xF2: 2, 0xF3: 1}  # other system messages carry none


def variable_length(data, at):
    """(value, next position) of a MIDI variable-length quantity (at most 4 bytes)."""
    value = 0
    for k in range(4):
        if at + k >= len(data):
            break
        byte = data[at + k]
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, at + k + 1
    return value, at + 4


def track_chunks(data):
    """(start, end) of each MTrk chunk's events, clipped to the data."""
    at, chunks = 14, []
    while at + 8 <= len(data):
        kind, length = data[at:at + 4], struct.unpack_from(">I", data, at + 4)[0]
        at += 8
        if kind == b"MTrk":
            chunks.append((at, min(at + length, len(data))))
        at += length
    return chunks


def check_track_count(path, data):
    """Refuses a file holding fewer track chunks than its header declares (mido stops at the end of the file with an
    error that names nothing)."""
    if data[:4] != b"MThd" or len(data) < 12:
        return  # mido names what is wrong with a missing or short header
    declared, found = struct.unpack_from(">H", data, 10)[0], len(track_chunks(data))
    if found < declared:
        raise InputError(path, f"truncated: the header declares {declared:,} tracks, the file holds {found:,}")


def track_events(data, position, end):
    """(status, whether it came by running status) of each event in one track's bytes, read as mido reads them
    (a meta event keeps the running status, a sysex takes it); a malformed track is read as far as it goes."""
    running = 0
    while position < end:
        position = variable_length(data, position)[1]
        if position >= end:
            return
        status, by_running = running, data[position] < 0x80
        if not by_running:
            status = data[position]
            position += 1
            running = running if status == 0xFF else status
        if status in (0xFF, 0xF0, 0xF7):
            position += status == 0xFF  # the meta event's type byte
            size, position = variable_length(data, position)
            position += size
        else:
            position += DATA_BYTES.get(status >> 4) or SYSTEM_BYTES.get(status, 0)
        yield status, by_running


def check_events(path, data):
    """Refuses, from the bytes, a file with more than MAX_MIDI_EVENTS events (stopping at the limit) and running
    status with no status before it or after a sysex event: the standard cancels it there, and mido would read the
    note's bytes as a sysex length and run past the track's end (a meta event keeps running status in mido, as in
    many writers' files)."""
    limit, total = limits.MAX_MIDI_EVENTS, 0
    for start, end in track_chunks(data):
        for status, by_running in track_events(data, start, end):
            if by_running and status in (0, 0xF0, 0xF7):  # mido's own words for the first: "without last_status"
                raise InputError(path, "running status after a sysex event (not allowed by the MIDI standard)" if status
                                 else "running status with no status before it (a data byte where an event must start)")
            total += 1
            if total > limit:
                raise InputError(path, f"more than {limit:,} MIDI events (the limit)")


def timing(midi):
    """(last tick of any track, [(tick, microseconds per quarter)] tempo changes) in one pass."""
    last_tick, tempi = 0, [(0, DEFAULT_TEMPO)]
    for track in midi.tracks:
        tick = 0
        for message in track:
            tick += message.time
            if message.type == "set_tempo":
                tempi.append((tick, message.tempo))
        last_tick = max(last_tick, tick)
    return last_tick, sorted(tempi)


def seconds_at(tick, tempi, resolution):
    """Time of `tick` in seconds under the (sorted) tempo changes."""
    seconds, previous_tick, tempo = 0.0, 0, DEFAULT_TEMPO
    for change_tick, change_tempo in tempi:
        if change_tick > tick:
            break
        seconds += (change_tick - previous_tick) * tempo / resolution / 1e6
        previous_tick, tempo = change_tick, change_tempo
    return seconds + (tick - previous_tick) * tempo / resolution / 1e6


def check_limits(path, midi):
    """Refuses, before pretty_midi sees a parsed mido.MidiFile, what would make it or the roll
    absurd: a bad timing header, too many events, ticks, quarter notes or seconds."""
    if midi.type == 2:
        raise InputError(path, "type 2 MIDI (independent sequences) is not supported")
    if midi.type not in (0, 1):
        raise InputError(path, f"MIDI format {midi.type} does not exist (a header says 0, 1 or 2)")
    if not any(midi.tracks):  # pretty_midi takes the latest event of every track and fails on none
        raise InputError(path, f"MIDI file holds no events (tracks: {len(midi.tracks)})")
    resolution = midi.ticks_per_beat
    if resolution & SMPTE_DIVISION:
        raise InputError(path, "SMPTE time division is not supported (ticks per quarter note expected)")
    if not 0 < resolution <= limits.MAX_MIDI_RESOLUTION:
        raise InputError(path, f"absurd resolution of {resolution} ticks per quarter note")
    limits.check_at_most(path, "number of MIDI events", sum(len(t) for t in midi.tracks), limits.MAX_MIDI_EVENTS)
    last_tick, tempi = timing(midi)
    if any(tempo <= 0 for _, tempo in tempi):
        raise InputError(path, "absurd tempo of 0 microseconds per quarter note")
    limits.check_at_most(path, "last event at tick", last_tick, limits.MAX_MIDI_TICKS)
    limits.check_at_most(path, "length", round(last_tick / resolution), limits.MAX_MIDI_QUARTERS, " quarter notes")
    end = round(seconds_at(last_tick, tempi, resolution), 1)
    limits.check_at_most(path, "end time", end, limits.MAX_MIDI_SECONDS, " s")


def checked_mido(path, data):
    """The file parsed by mido once its events are counted and its header and events checked against the limits."""
    import mido

    check_events(path, data)
    check_track_count(path, data)
    parsed = mido.MidiFile(file=io.BytesIO(data))
    check_limits(path, parsed)
    return parsed


def pretty(parsed):
    """pretty_midi's reading of a checked mido.MidiFile."""
    import pretty_midi

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pretty_midi warns about meta events on non-zero tracks
        return pretty_midi.PrettyMIDI(mido_object=parsed)


def parse(path, data):
    """A limit-checked pretty_midi.PrettyMIDI (limits are checked before pretty_midi builds it), its notes that no
    note-off ends ended where the file ends."""
    return parse_counting_unended(path, data)[0]


def parse_counting_unended(path, data):
    """(parse's PrettyMIDI, how many of its notes no note-off ended)."""
    parsed = checked_mido(path, data)
    unended = end_unended_notes(parsed)
    return pretty(parsed), unended


def end_unended_notes(parsed):
    """Ends every note-on that no note-off (or note-on of velocity 0) of the same track, channel and pitch ends where
    the file ends, as a player silences what still sounds when the file stops (pretty_midi would leave such notes
    out, with no end and so no length); returns how many. A note starting where the file ends stays without length.

    A note-on that follows, at the same tick, a note-off of its pitch that ended nothing, and that no note-off ends
    before the pitch's next note-on or the file's end, is a note of no length whose end was written first
    (pretty_midi writes a tick's note-offs before its note-ons; a note cut to nothing where an excerpt starts, at a
    tempo whose bar lines fall between float seconds, is written so): it is ended where it starts, not held to the
    pitch's next note-off or to the file's end. Held, such notes had read 4-bar chorale excerpts as pitches sounding
    through them and most quarter beats as off a chord (docs/studies.md, "Excerpts of chorales the reference
    lacks", fifty-first pass). A writer that sends a note-off before every note-on ends each note, so is read as
    before."""
    import mido

    last_tick = timing(parsed)[0]
    unended = 0
    for track in parsed.tracks:
        # sounding: (channel, pitch) -> (index of its note-on, whether it followed a note-off that ended nothing)
        sounding, ended_nothing, empty, tick = {}, {}, [], 0
        for at, message in enumerate(track):
            tick += message.time
            if message.type not in ("note_on", "note_off"):
                continue
            key = (message.channel, message.note)
            if message.type == "note_on" and message.velocity > 0:
                if key in sounding and sounding[key][1]:
                    empty.append((sounding[key][0], key))  # sounded again before any end: it had no length
                sounding[key] = (at, key not in sounding and ended_nothing.get(key) == tick)
            else:
                if key not in sounding:
                    ended_nothing[key] = tick
                sounding.pop(key, None)  # one end closes every such note, as pretty_midi
        empty += [(at, key) for key, (at, no_length) in sounding.items() if no_length]
        if empty:  # each ended right after its note-on, the track rebuilt once (an insert per note grows with its square)
            ends_after = {}
            for at, (c, n) in empty:
                ends_after.setdefault(at, []).append(mido.Message("note_off", channel=c, note=n, time=0))
            track[:] = [m for at, message in enumerate(track) for m in (message, *ends_after.get(at, ()))]
        sounding = {key: held for key, held in sounding.items() if not held[1]}
        if not sounding:
            continue
        unended += len(sounding)
        at = len(track) - 1 if track and track[-1].type == "end_of_track" else len(track)
        ends = [mido.Message("note_off", channel=c, note=n, time=0) for c, n in sorted(sounding)]
        ends[0].time = last_tick - tick  # the track's last event is at `tick`; the file's at last_tick
        if at < len(track):
            ends[0].time += track[at].time  # the end-of-track marker's own delta moves before the note-offs
            track[at] = track[at].copy(time=0)
        track[at:at] = ends
    return unended


def decode(path, data, kind):
    midi, unended = parse_counting_unended(path, data)
    channel = channels.midi_channel(midi)
    if unended:
        channel["notes_unended"] = unended
    if "own_grid" in channel:  # placed in seconds under another tempo map: read on the onsets' own grid
        midi = own_grid.rescaled(midi, channel["own_grid"])
    elif channel["onsets"]["performance"]:  # played without a click: judged on the beats tracked from its onsets
        found = performance.quantised(midi)
        if found is not None:
            midi, tracked = found
            channel["onsets"].update(tracked)
    elif "gate" in channel:  # a sequencer's gate time: judged with each note held as written
        midi = gate_time.held_as_written(midi)
    x = representations.piano_roll_patches(midi)
    if x.shape[0] == 0:
        never = f"; its {unended:,} note-ons are never ended by a note-off before the file ends" if unended else ""
        raise InputError(path, f"MIDI file holds no (non-drum) notes{never}")
    binary = bool(np.isin(x, (0.0, 1.0)).all())
    readings = {} if channel["onsets"]["performance"] else other_time_scales(midi)
    return SampleSet(
        name=str(path), modality="music", x=x, levels=1 if binary else 127, items=patch_items(path, x),
        meta=dict(representations.MUSIC_META, format=kind.label, resolution=channel["resolution"],
                  channel=channel),
        readings=readings, choir=choir_parts.read(midi, tuple(readings)),
    )


def patch_items(path, x):
    """Per patch of `x`, where it came from ("path#patchK")."""
    return [f"{path}#patch{k}" for k in range(x.shape[0])]


def other_time_scales(midi):
    """{scale: patches} of a sequenced file read at OTHER_TIME_SCALES times its quarter notes, where the
    roll may hold that many (a verdict picks the reading nearest the reference: engine/detectors/time_scale.py)."""
    end = representations.quarters_at(midi, np.array([midi.get_end_time()]))[0]
    return {scale: representations.piano_roll_patches(midi, scale) for scale in OTHER_TIME_SCALES
            if end * scale <= limits.MAX_MIDI_QUARTERS}
