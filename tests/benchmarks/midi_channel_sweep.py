"""MIDI files through the changes an export or a sequencer makes (tempo, resolution, one track, flat velocities, a
humanised timing), each channel a folder of files, judged in a `builtin:bach` case and counted per channel with the
detector that decided each "generated" (docs/studies.md, "Image and MIDI channels on the current detectors",
forty-first pass). Judging and counting as tests/benchmarks/image_channel_sweep.py.

    python tests/benchmarks/midi_channel_sweep.py make OUT 'bach[300:]'|DIR [--channels asis tempo0.5 ...]
    python tests/benchmarks/image_channel_sweep.py judge CASE OUT --json VERDICTS
"""
import argparse
import glob
import os

import numpy as np

from tests.benchmarks.chorale_excerpts import chorales

JITTER_SECONDS = 0.010
JITTER_SEED = 45


def _tempo(factor):
    """Played `factor` times as fast: every set_tempo's microseconds per beat divided by it (a file with none
    gets one, at MIDI's default 120 beats a minute)."""
    def change(midi, k):
        import mido

        found = False
        for track in midi.tracks:
            for i, message in enumerate(track):
                if message.type == "set_tempo":
                    track[i], found = message.copy(tempo=int(round(message.tempo / factor))), True
        if not found:
            midi.tracks[0].insert(0, mido.MetaMessage("set_tempo", tempo=int(round(500000 / factor)), time=0))
        return midi
    return change


def _resolution(ticks):
    """The same music at `ticks` per beat: every event's absolute time rescaled and rounded."""
    def change(midi, k):
        scale = ticks / midi.ticks_per_beat
        for track in midi.tracks:
            absolute, previous = 0, 0
            for i, message in enumerate(track):
                absolute += message.time
                now = int(round(absolute * scale))
                track[i], previous = message.copy(time=now - previous), now
        midi.ticks_per_beat = ticks
        return midi
    return change


def _type0(midi, k):
    import mido

    merged = mido.MidiFile(type=0, ticks_per_beat=midi.ticks_per_beat)
    merged.tracks.append(mido.merge_tracks(midi.tracks))
    return merged


def _velocity64(midi, k):
    for track in midi.tracks:
        for i, message in enumerate(track):
            if message.type == "note_on" and message.velocity > 0:
                track[i] = message.copy(velocity=64)
    return midi


def _jittered(path, out, k):
    """Each note's onset moved by a uniform draw in +-JITTER_SECONDS (file k's own seed), its end kept; a repeated
    note's predecessor ends where the moved onset begins (a sequencer's humanise, pretty_midi writes the file)."""
    import pretty_midi

    music = pretty_midi.PrettyMIDI(path)
    rng = np.random.default_rng([JITTER_SEED, k])
    for instrument in music.instruments:
        for note in instrument.notes:
            note.start = float(np.clip(note.start + rng.uniform(-JITTER_SECONDS, JITTER_SECONDS), 0, note.end - 1e-3))
        last_by_pitch = {}
        for note in sorted(instrument.notes, key=lambda n: n.start):
            earlier = last_by_pitch.get(note.pitch)
            if earlier is not None and earlier.end > note.start:
                earlier.end = max(note.start, earlier.start + 1e-3)
            last_by_pitch[note.pitch] = note
    music.write(out)


CHANGES = {"asis": lambda midi, k: midi, "tempo0.5": _tempo(0.5), "tempo1.5": _tempo(1.5),
           "tpb96": _resolution(96), "tpb960": _resolution(960), "type0": _type0, "vel64": _velocity64}
CHANNELS = (*CHANGES, "jitter10ms")


def sources(spec):
    return chorales(spec) if spec.startswith("bach[") else sorted(glob.glob(os.path.join(spec, "*.mid")))


def make(out, spec, channels):
    import mido

    paths = sources(spec)
    for channel in channels:
        folder = os.path.join(out, channel)
        os.makedirs(folder, exist_ok=True)
        for k, path in enumerate(paths):
            target = os.path.join(folder, os.path.basename(path))
            if channel == "jitter10ms":
                _jittered(path, target, k)
            else:
                CHANGES[channel](mido.MidiFile(path), k).save(target)
    print(f"{len(paths)} files x {len(channels)} channels in {out}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    made = commands.add_parser("make")
    made.add_argument("out")
    made.add_argument("source")
    made.add_argument("--channels", nargs="+", choices=CHANNELS, default=list(CHANNELS))
    args = parser.parse_args()
    make(args.out, args.source, args.channels)


if __name__ == "__main__":
    main()
