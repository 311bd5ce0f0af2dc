"""Real chorales as an outside user writes them (issues #14 / #18, the real side): cut, transposed, re-timed,
re-voiced or re-written by another tool, one folder per transform, judged in a `builtin:bach` case and counted per
folder with tests/benchmarks/image_channel_sweep.py `judge` (docs/studies.md, "Real chorales as an outside user
writes them", fifty-sixth pass). Not part of the product; the sets of the pass are named in
tests/benchmarks/data/musicreal2_untouched.md.

    python tests/benchmarks/outside_writers.py make OUT 'bach[350:]' [--transforms ex4a transpose ...]
    python tests/benchmarks/outside_writers.py random OUT --seed 6004 --n 30

Transforms (random draws seeded by the file's index): `ex{4,8,16}{a,m}` the bars from bar 1 / from mid-piece;
`transpose` by +-1..6 semitones (every note message moved, nothing else); `tempo0.7`, `tempo1.3`; `vel64`,
`velrand` (each note 50-110); `tpb96`, `tpb480`, `tpb960`; `quant16` (every note's ends rounded to the 16th grid);
`onetrack` (every part merged into one track on one channel); `mido` and `pm` (the notes written from scratch by
mido, parts named, tempo only, and by pretty_midi, parts unnamed, at their first tempo); `musescore` (480 ticks, a
conductor track repeating tempo, time and key signature every bar and slowing into the last bar, a channel and the
choir program per part); `piano` (two piano staves: soprano and alto, tenor and bass); `pickup` (8 bars from bar 3
and the beat before it).
"""
import argparse
import os

import numpy as np

from tests.benchmarks.chorale_excerpts import chorales, cut
from tests.benchmarks.midi_channel_sweep import _resolution, _tempo, _velocity64

TICKS = 480


def _bars(length, mid):
    def change(midi, k):
        downbeats = midi.get_downbeats()
        bars = len(downbeats) - 1  # the last bar line opens the (partial) closing bar
        first = max(1, (bars - length) // 2) if mid else 0
        if first + length >= len(downbeats):
            return None
        return cut(midi, downbeats[first], downbeats[first + length])
    return change


def _pickup(midi, k):
    downbeats, beats = midi.get_downbeats(), midi.get_beats()
    if len(downbeats) <= 10:
        return None
    start = beats[np.searchsorted(beats, downbeats[2] - 1e-6) - 1]
    return cut(midi, start, downbeats[10])


def _transpose(midi, k):
    shift = int(np.random.default_rng([60, k]).choice([-6, -5, -4, -3, -2, -1, 1, 2, 3, 4, 5, 6]))
    for track in midi.tracks:
        for i, message in enumerate(track):
            if message.type in ("note_on", "note_off"):
                track[i] = message.copy(note=message.note + shift)
    return midi


def _velrand(midi, k):
    rng = np.random.default_rng([61, k])
    for track in midi.tracks:
        for i, message in enumerate(track):
            if message.type == "note_on" and message.velocity > 0:
                track[i] = message.copy(velocity=int(rng.integers(50, 111)))
    return midi


def _quant16(music, k):
    """pretty_midi: each note's start and end rounded to the nearest 16th in ticks, at least a 16th long; a note
    of a voice ends where that voice's next note of the same pitch starts."""
    step = music.resolution // 4
    for instrument in music.instruments:
        for note in instrument.notes:
            start = int(round(music.time_to_tick(note.start) / step)) * step
            end = max(int(round(music.time_to_tick(note.end) / step)) * step, start + step)
            note.start, note.end = music.tick_to_time(start), music.tick_to_time(end)
        last = {}
        for note in sorted(instrument.notes, key=lambda n: n.start):
            if note.pitch in last and last[note.pitch].end > note.start:
                last[note.pitch].end = note.start
            last[note.pitch] = note
        instrument.notes = [n for n in instrument.notes if n.end > n.start]
    return music


def _onetrack(midi, k):
    import mido

    merged = mido.merge_tracks(midi.tracks)
    track = mido.MidiTrack(m.copy(channel=0) if hasattr(m, "channel") else m for m in merged
                           if m.type != "track_name")
    out = mido.MidiFile(type=0, ticks_per_beat=midi.ticks_per_beat)
    out.tracks.append(track)
    return out


def _timed(music, instrument, tempo):
    """(tick, 0 = off / 1 = on, pitch, velocity) of a part at `tempo` beats a minute, its first."""
    per_second = TICKS * tempo / 60
    ons = [(int(round(n.start * per_second)), 1, n.pitch, n.velocity) for n in instrument.notes]
    offs = [(int(round(n.end * per_second)), 0, n.pitch, 0) for n in instrument.notes]
    return sorted(ons + offs)


def _first_tempo(music):
    return float(music.get_tempo_changes()[1][0])


def _mido_scratch(music, k):
    """A script's mido file: a tempo track, one named track per part, note_off messages."""
    import mido

    tempo = _first_tempo(music)
    out = mido.MidiFile(type=1, ticks_per_beat=TICKS)
    out.tracks.append(mido.MidiTrack([mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(tempo), time=0)]))
    for channel, instrument in enumerate(music.instruments):
        track, now = mido.MidiTrack([mido.MetaMessage("track_name", name=instrument.name, time=0)]), 0
        for tick, on, pitch, velocity in _timed(music, instrument, tempo):
            kind = "note_on" if on else "note_off"
            track.append(mido.Message(kind, channel=channel % 16, note=pitch, velocity=velocity, time=tick - now))
            now = tick
        out.tracks.append(track)
    return out


def _pm_scratch(music, k):
    """A script's pretty_midi file: unnamed piano parts at the first tempo, no time signature."""
    import pretty_midi

    out = pretty_midi.PrettyMIDI(initial_tempo=_first_tempo(music))
    for instrument in music.instruments:
        part = pretty_midi.Instrument(program=0)
        part.notes = [pretty_midi.Note(n.velocity, n.pitch, n.start, n.end) for n in instrument.notes]
        out.instruments.append(part)
    return out


def _musescore(music, k):
    """MuseScore's way: a conductor track (time, key signature and tempo at every bar line, the last bar slowed in
    four steps, as a fermata's or a ritardando's tempo marks export), a channel, volume, pan and the choir program
    per named part, note-offs as velocity 0. Notes placed in beats from the file's own tempo map."""
    import mido

    tempo = _first_tempo(music)
    out = mido.MidiFile(type=1, ticks_per_beat=TICKS)
    numerator, denominator = ((music.time_signature_changes[0].numerator, music.time_signature_changes[0].denominator)
                              if music.time_signature_changes else (4, 4))
    key = music.key_signature_changes[0].key_number if music.key_signature_changes else 0
    import pretty_midi
    key_name = pretty_midi.key_number_to_key_name(key).replace(" Major", "").replace(" minor", "m")
    bar_ticks = TICKS * 4 * numerator // denominator
    to_tick = music.time_to_tick
    scale = TICKS / music.resolution
    end = int(round(to_tick(music.get_end_time()) * scale))
    bar_lines = list(range(0, end, bar_ticks))
    conductor, now = mido.MidiTrack(), 0
    for bar, at in enumerate(bar_lines):
        last = bar == len(bar_lines) - 1
        steps = [(at + j * bar_ticks // 4, tempo * (1 - 0.1 * (j + 1))) for j in range(4)] if last else [(at, tempo)]
        for tick, bpm in steps:
            conductor.append(mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(bpm), time=tick - now))
            now = tick
            if tick == at:
                conductor.append(mido.MetaMessage("time_signature", numerator=numerator, denominator=denominator,
                                                  time=0))
                conductor.append(mido.MetaMessage("key_signature", key=key_name, time=0))
    out.tracks.append(conductor)
    for channel, instrument in enumerate(music.instruments):
        track = mido.MidiTrack([mido.MetaMessage("track_name", name=instrument.name, time=0),
                                mido.Message("program_change", channel=channel % 16, program=52, time=0),
                                mido.Message("control_change", channel=channel % 16, control=7, value=100, time=0),
                                mido.Message("control_change", channel=channel % 16, control=10, value=64, time=0)])
        timed = sorted([(int(round(to_tick(n.end) * scale)), 0, n.pitch, 0) for n in instrument.notes] +
                       [(int(round(to_tick(n.start) * scale)), 1, n.pitch, 80) for n in instrument.notes])
        now = 0
        for tick, on, pitch, velocity in timed:
            track.append(mido.Message("note_on", channel=channel % 16, note=pitch, velocity=velocity,
                                      time=tick - now))
            now = tick
        out.tracks.append(track)
    return out


def _piano(music, k):
    """Two piano staves, the upper voices on the right hand's, the lower on the left's, as a piano reduction."""
    import pretty_midi

    out = pretty_midi.PrettyMIDI(resolution=music.resolution, initial_tempo=_first_tempo(music))
    out.time_signature_changes, out.key_signature_changes = music.time_signature_changes, music.key_signature_changes
    hands = [pretty_midi.Instrument(program=0, name="Piano"), pretty_midi.Instrument(program=0, name="Piano")]
    voices = [i for i in music.instruments if i.notes]
    for v, instrument in enumerate(voices):
        hands[0 if v < len(voices) / 2 else 1].notes += instrument.notes
    out.instruments = hands
    return out


MIDO = {"transpose": _transpose, "tempo0.7": _tempo(0.7), "tempo1.3": _tempo(1.3), "vel64": _velocity64,
        "velrand": _velrand, "tpb96": _resolution(96), "tpb480": _resolution(480), "tpb960": _resolution(960),
        "onetrack": _onetrack}
PRETTY = {"ex4a": _bars(4, False), "ex8a": _bars(8, False), "ex16a": _bars(16, False), "ex4m": _bars(4, True),
          "ex8m": _bars(8, True), "ex16m": _bars(16, True), "quant16": _quant16, "mido": _mido_scratch,
          "pm": _pm_scratch, "musescore": _musescore, "piano": _piano, "pickup": _pickup}
TRANSFORMS = (*PRETTY, *MIDO)


def make(out, spec, transforms):
    import mido
    import pretty_midi

    paths = chorales(spec)
    for name in transforms:
        folder = os.path.join(out, name)
        os.makedirs(folder, exist_ok=True)
        written = 0
        for k, path in enumerate(paths):
            made = (PRETTY[name](pretty_midi.PrettyMIDI(path), k) if name in PRETTY else
                    MIDO[name](mido.MidiFile(path), k))
            if made is not None:
                target = os.path.join(folder, os.path.basename(path))
                made.write(target) if hasattr(made, "write") else made.save(target)
                written += 1
        print(f"{name}: {written} of {len(paths)}")


def random_notes(out, seed, n, bars=8, tempo=100):
    """Random notes: four parts, each a pitch drawn in its voice's range for 1, 2, 4 or 8 sixteenths."""
    import pretty_midi

    rng = np.random.default_rng(seed)
    seconds = 60 / tempo / 4
    os.makedirs(out, exist_ok=True)
    for k in range(n):
        music = pretty_midi.PrettyMIDI(initial_tempo=tempo)
        for low, high in ((60, 81), (53, 74), (48, 69), (36, 62)):
            part, t = pretty_midi.Instrument(program=0), 0
            while t < bars * 16:
                d = int(rng.choice([1, 2, 4, 8]))
                part.notes.append(pretty_midi.Note(int(rng.integers(50, 111)), int(rng.integers(low, high + 1)),
                                                   t * seconds, min(t + d, bars * 16) * seconds))
                t += d
            music.instruments.append(part)
        music.write(os.path.join(out, f"random_{seed}_{k:03d}.mid"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    made = commands.add_parser("make")
    made.add_argument("out"), made.add_argument("source")
    made.add_argument("--transforms", nargs="+", choices=TRANSFORMS, default=list(TRANSFORMS))
    drawn = commands.add_parser("random")
    drawn.add_argument("out"), drawn.add_argument("--seed", type=int, default=0), drawn.add_argument("--n", type=int,
                                                                                                     default=30)
    args = parser.parse_args()
    if args.command == "make":
        make(args.out, args.source, args.transforms)
    else:
        random_notes(args.out, args.seed, args.n)


if __name__ == "__main__":
    main()
