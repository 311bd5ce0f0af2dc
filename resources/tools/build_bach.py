"""Builds resources/bach/*.mid from music21's Bach corpus, once, so that builtin:bach needs
only pretty_midi at run time (music21 is not a runtime dependency).

Usage (from the repository root, with the `corpus` extra installed):
    .venv/bin/python resources/tools/build_bach.py

Every score of music21's `bach` composer corpus that is notated music (MusicXML or
Humdrum; the RomanText analyses are skipped; MusicXML preferred where a work has both)
is written as a standard MIDI file at 480 ticks per quarter with every note at
velocity 127, so piano-roll intensities are exactly 0 or 1. Files that do
not parse, or whose MIDI holds no notes when read back with pretty_midi, are left out
and listed. The output name is the corpus file's stem (`bwv10.7.mid`).
"""
import os
import pathlib
import sys
import tempfile

NOTATED = (".mxl", ".xml", ".musicxml", ".krn")  # in order of preference when a work has two encodings
# music21 writes 10080 ticks per quarter; pretty_midi then builds a tick-to-time table of
# millions of entries per chorale. 480 keeps every sixteenth and triplet exact.
RESOLUTION = 480
OUT = pathlib.Path(__file__).resolve().parents[1] / "bach"


def rescale_ticks(path, resolution=RESOLUTION):
    """Rewrites a MIDI file at `resolution` ticks per quarter (event times rounded on absolute ticks)."""
    import mido

    midi = mido.MidiFile(path)
    factor = resolution / midi.ticks_per_beat
    for track in midi.tracks:
        absolute = 0
        previous = 0
        for message in track:
            absolute += message.time
            scaled = round(absolute * factor)
            message.time, previous = scaled - previous, scaled
    midi.ticks_per_beat = resolution
    midi.save(path)


def convert(source, target):
    from music21 import corpus

    score = corpus.parse(str(source))
    for element in score.recurse().notes:
        for note in (element.notes if element.isChord else (element,)):
            note.volume.velocity = 127
    handle, tmp = tempfile.mkstemp(suffix=".mid", dir=target.parent)
    os.close(handle)
    try:
        score.write("midi", fp=tmp)
        rescale_ticks(tmp)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def has_notes(path):
    import pretty_midi

    return any(inst.notes for inst in pretty_midi.PrettyMIDI(str(path)).instruments)


def main():
    from music21 import corpus

    OUT.mkdir(exist_ok=True)
    by_stem = {}
    for path in map(pathlib.Path, corpus.getComposer("bach")):
        if path.suffix in NOTATED:
            by_stem.setdefault(path.stem, []).append(path)
    sources = [min(paths, key=lambda p: NOTATED.index(p.suffix)) for _, paths in sorted(by_stem.items())]
    skipped = []
    for source in sources:
        target = OUT / (source.stem + ".mid")
        try:
            convert(source, target)
            if not has_notes(target):
                raise ValueError("no notes")
        except Exception as err:  # one bad score must not stop the build; it is listed below
            target.unlink(missing_ok=True)
            skipped.append(f"{source.name}: {err}")
    print(f"wrote {len(sources) - len(skipped)} MIDI files to {OUT}")
    for stale in {p.name for p in OUT.glob("*.mid")} - {source.stem + ".mid" for source in sources}:
        (OUT / stale).unlink()
    for line in skipped:
        print("skipped", line, file=sys.stderr)


if __name__ == "__main__":
    main()
