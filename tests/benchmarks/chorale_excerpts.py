"""Real chorale excerpts and chord chains that replay the reference, for `replay` in a `builtin:bach` case
(docs/studies.md, "Chorale excerpts: replay stands aside for a verbatim excerpt", thirty-fourth pass). Not part of
the product.

Real: a piece of the embedded chorales cut at its bar lines (pretty_midi's downbeats), as a user clipping a piece
would; the JSB chorales (czhuang/JSB-Chorales-dataset's quarter-note JSON, the literature's edition, transposed to C)
written as quarter-note chords. Generated: Markov chains over the chord events (pitch set, length in sixteenths) of
whole chorales, restarting from a piece's opening when a context has no continuation, and the zoo's n-gram model
(training/ngram.py) over 4-bar patches. The sets of the pass are named in
tests/benchmarks/data/replay_excerpt_untouched.md.

    python tests/benchmarks/chorale_excerpts.py excerpt 'bach[100:160]' OUT --first-bar 4 --bars 4 [--last]
    python tests/benchmarks/chorale_excerpts.py jsb valid OUT --bars 8 [--first-bar 0] [--resolution quarter|8th|16th]
        [--mirror DIR]
    python tests/benchmarks/chorale_excerpts.py transpose DIR OUT --semitones 5
    python tests/benchmarks/chorale_excerpts.py joints DIR train [--mirror DIR]
    python tests/benchmarks/chorale_excerpts.py render 'bach[340:410]'|DIR OUT --factor 1.25
    python tests/benchmarks/chorale_excerpts.py events 'bach[0:328]' OUT --order 4 --bars 12 --seed 3904 --n 40
    python tests/benchmarks/chorale_excerpts.py zoo 'bach[0:328]' OUT --order 4 --seed 3905 --n 40
    python tests/benchmarks/chorale_excerpts.py lstm train OUT --bars 8 --resolution quarter --seed 0 --iterations 2000
        [--cell lstm|gru|transformer]
    python tests/benchmarks/chorale_excerpts.py chain train OUT --bars 8 --resolution 16th --order 2 --seed 0 [--events]
    python tests/benchmarks/chorale_excerpts.py voices 'bach[150:410]' OUT --kind chain|walk|harmonised --order 2
        --bars 4 --seed 5518 --n 40
"""
import argparse
import json
import os
import random
import re
import subprocess

import numpy as np

from engine.data import representations, writers
from tests.synthetic_music import held_chords

BACH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "resources", "bach")
JSB_MIRROR = "/work/.mirror/czhuang+JSB-Chorales-dataset/repo"
VELOCITY = 100


def chorales(spec):
    """Paths of the embedded chorales selected by 'bach[a:b]' (files sorted by name, as the spec reads them)."""
    start, stop = (int(v) if v else None for v in re.fullmatch(r"bach\[(\d*):(\d*)\]", spec).groups())
    return [os.path.join(BACH, n) for n in sorted(n for n in os.listdir(BACH) if n.endswith(".mid"))[start:stop]]


def excerpt(spec, out, first_bar, bars, last=False):
    """Each chorale's bars [first_bar, first_bar + bars), notes cut at the excerpt's ends; `last`: from its last
    `bars` bar lines to its end (its closing bars, which the reference's rolls partly drop)."""
    import pretty_midi

    for path in chorales(spec):
        midi = pretty_midi.PrettyMIDI(path)
        downbeats = midi.get_downbeats()
        if len(downbeats) <= (bars if last else first_bar + bars):
            continue
        start, end = ((downbeats[-bars], midi.get_end_time()) if last else
                      (downbeats[first_bar], downbeats[first_bar + bars]))
        cut(midi, start, end).write(os.path.join(out, os.path.basename(path)))


def cut(midi, start, end):
    """A pretty_midi file's notes between `start` and `end` seconds, cut there and moved to start at 0."""
    for instrument in midi.instruments:
        instrument.notes = [n for n in instrument.notes if n.start < end and n.end > start]
        for note in instrument.notes:
            note.start, note.end = max(note.start, start) - start, min(note.end, end) - start
    return midi


JSB_STEPS = {"quarter": 4, "8th": 2, "16th": 1}  # sixteenths per chord of each of the dataset's resolutions


def chord_roll(chords, steps):
    """Chords (lists of MIDI pitches), each `steps` sixteenths long -> a (128, steps) roll at sixteenths; a pitch
    sounding in successive chords is one held note (the dataset does not tell held from repeated notes)."""
    roll = np.zeros((representations.PITCHES, len(chords) * steps), np.float32)
    for k, chord in enumerate(chords):
        roll[[int(p) for p in chord], k * steps:(k + 1) * steps] = 1
    return roll * VELOCITY / 127


def jsb_pieces(split, mirror, resolution):
    """A JSB split's chorales, each a list of chords (lists of MIDI pitches)."""
    text = subprocess.run(["git", "-C", mirror, "show", f"HEAD:jsb-chorales-{resolution}.json"], capture_output=True,
                          check=True).stdout
    return json.loads(text)[split]


def jsb(split, out, bars, mirror, resolution="quarter", first_bar=0):
    """Each JSB chorale of a split (its bars [first_bar, first_bar + bars), 4/4 counted from its first chord; bars 0:
    to its end), at 120 bpm (writers.write_midi's sixteenth); a chorale too short for an excerpt past its opening is
    left out (one too short for its opening bars is written whole, as the sets before first_bar were)."""
    steps = JSB_STEPS[resolution]
    per_bar = 16 // steps
    for k, piece in enumerate(jsb_pieces(split, mirror, resolution)):
        if first_bar and len(piece) < (first_bar + max(bars, 1)) * per_bar:
            continue
        chords = piece[first_bar * per_bar:(first_bar + bars) * per_bar] if bars else piece[first_bar * per_bar:]
        writers.write_midi(os.path.join(out, f"jsb_{split}_{k:03d}.mid"), chord_roll(chords, steps))


def lstm(split, out, bars, mirror, resolution, seed, n, iterations, cell="lstm"):
    """What a checker training a small model on JSB would build: tests/synthetic_music.py's frame LSTM (or GRU, or
    small causal Transformer: `cell`) over a split's chords at `resolution` (one frame per chord, trained on 8-bar
    windows, which all but one chorale hold), `bars` bars sampled from a training piece's first chord, written as the
    dataset's chords are."""
    from tests.synthetic_music import frame_lstm

    steps = JSB_STEPS[resolution]
    pieces = [chord_roll(piece, 1) > 0 for piece in jsb_pieces(split, mirror, resolution)]
    for k, roll in enumerate(frame_lstm(pieces, n, steps=bars * 16 // steps, seed=seed, iterations=iterations,
                                        window=8 * 16 // steps, cell=cell)):
        chords = [np.flatnonzero(roll[:, t]) for t in range(roll.shape[1])]
        writers.write_midi(os.path.join(out, f"{cell}_{resolution}_{seed}_{k:03d}.mid"), chord_roll(chords, steps))


def held_events(piece):
    """A JSB chorale's chords as events (chord, frames it is repeated), as a chain over chords with their lengths
    sees them."""
    return tuple(held_chords(piece))


def jsb_chain(split, out, bars, mirror, resolution, order, seed, n, events=False):
    """Order-`order` chains over a JSB split's chords at `resolution` (one state per chord, as the dataset's
    frames are; `events`: one state per chord with the frames it is held, held_events), each started from a
    piece's opening and drawn again when a context has no continuation."""
    steps = JSB_STEPS[resolution]
    pieces = [tuple(tuple(chord) for chord in piece) for piece in jsb_pieces(split, mirror, resolution)]
    if events:
        pieces = [held_events(piece) for piece in pieces]
    table = {}
    for piece in pieces:
        for i in range(len(piece) - order):
            table.setdefault(piece[i:i + order], []).append(piece[i + order])
    rng, length, made = random.Random(seed), bars * 16 // steps, 0
    frames = (lambda c: sum(held for _, held in c)) if events else len  # a chain's length in the dataset's frames
    while made < n:
        chain = list(rng.choice([p for p in pieces if len(p) > order])[:order])
        while frames(chain) < length and tuple(chain[-order:]) in table:
            chain.append(rng.choice(table[tuple(chain[-order:])]))
        if frames(chain) < length:
            continue
        chords = [chord for chord, held in chain for _ in range(held)] if events else chain
        name = f"jsb{'events' if events else 'chain'}{order}_{resolution}_{seed}_{made:03d}.mid"
        writers.write_midi(os.path.join(out, name), chord_roll(chords[:length], steps))
        made += 1


def joints(source, split, mirror):
    """Per MIDI file of `source` (written as the dataset's quarter chords are), the fewest verbatim stretches of one
    chorale of a JSB split (successive chords, exactly) that cover it, less one: an order-k chain over that split
    changes chorale at least that often. Greedy longest match from the start (optimal for covering a line)."""
    import pretty_midi

    pieces = [[tuple(chord) for chord in piece] for piece in jsb_pieces(split, mirror, "quarter")]
    where = {}
    for i, piece in enumerate(pieces):
        for t, chord in enumerate(piece):
            where.setdefault(chord, []).append((i, t))

    def run(chords, a, i, t):
        n = 0
        while a + n < len(chords) and t + n < len(pieces[i]) and pieces[i][t + n] == chords[a + n]:
            n += 1
        return n

    found = {}
    for name in sorted(n for n in os.listdir(source) if n.endswith(".mid")):
        quarters = representations.piano_roll(pretty_midi.PrettyMIDI(os.path.join(source, name)))[:, ::4] > 0
        chords = [tuple(np.flatnonzero(quarters[:, t]).tolist()) for t in range(quarters.shape[1])]
        a, stretches = 0, 0
        while a < len(chords):
            a += max([run(chords, a, i, t) for i, t in where.get(chords[a], [])] + [1])
            stretches += 1
        found[name] = stretches - 1
    counts = np.array(list(found.values()))
    print(f"{source}: joints per file median {np.median(counts):g}; files with 0 / 1 / 2: "
          f"{np.sum(counts == 0)} / {np.sum(counts == 1)} / {np.sum(counts == 2)} of {counts.size}")
    return found


def transpose(source, out, semitones):
    """Every MIDI file of `source` with each note moved by `semitones`, as a copy in another key."""
    import pretty_midi

    for name in sorted(n for n in os.listdir(source) if n.endswith(".mid")):
        midi = pretty_midi.PrettyMIDI(os.path.join(source, name))
        for note in (n for instrument in midi.instruments for n in instrument.notes):
            note.pitch += semitones
        midi.write(os.path.join(out, name))


def render(source, out, factor):
    """Every MIDI file of `source` (a folder or 'bach[a:b]') as a script renders it at a tempo of 120 / `factor` bpm:
    its notes placed in seconds, `factor` times their notated position at 120 bpm, in a fresh pretty_midi.PrettyMIDI
    (its default 120 bpm map and 220 ticks a quarter), so the map no longer counts the music's quarters
    (tests/benchmarks/data/tempo_grid_untouched.md)."""
    import pretty_midi

    paths = chorales(source) if source.startswith("bach[") else [
        os.path.join(source, n) for n in sorted(n for n in os.listdir(source) if n.endswith(".mid"))]
    for path in paths:
        midi = pretty_midi.PrettyMIDI(path)
        rendered = pretty_midi.PrettyMIDI()
        for instrument in (i for i in midi.instruments if not i.is_drum):
            copy = pretty_midi.Instrument(program=instrument.program, name=instrument.name)
            for note in instrument.notes:
                start, end = representations.quarters_at(midi, np.array([note.start, note.end])) * 0.5 * factor
                copy.notes.append(pretty_midi.Note(velocity=note.velocity, pitch=note.pitch, start=start, end=end))
            rendered.instruments.append(copy)
        rendered.write(os.path.join(out, os.path.basename(path)))


def chord_events(roll):
    """[(pitch set, length in steps)] of a boolean (128, steps) roll."""
    changes = np.flatnonzero(np.any(roll[:, 1:] != roll[:, :-1], axis=0)) + 1
    bounds = np.concatenate([[0], changes, [roll.shape[1]]])
    return [(tuple(np.flatnonzero(roll[:, a])), int(b - a)) for a, b in zip(bounds[:-1], bounds[1:])]


def events(spec, out, order, bars, seed, n):
    """Order-`order` chains over whole chorales' chord events, `bars` bars of 4/4 each."""
    import pretty_midi

    pieces = [chord_events(representations.piano_roll(pretty_midi.PrettyMIDI(p)) > 0) for p in chorales(spec)]
    table = {}
    for piece in pieces:
        for i in range(len(piece) - order):
            table.setdefault(tuple(piece[i:i + order]), []).append(piece[i + order])
    rng, steps, made = random.Random(seed), bars * 16, 0
    while made < n:
        chain = list(rng.choice([p for p in pieces if len(p) > order])[:order])
        while sum(length for _, length in chain) < steps and tuple(chain[-order:]) in table:
            chain.append(rng.choice(table[tuple(chain[-order:])]))
        if sum(length for _, length in chain) < steps:
            continue  # a dead end before the length: drawn again
        roll = np.zeros((representations.PITCHES, sum(length for _, length in chain)), np.float32)
        at = 0
        for pitches, length in chain:
            roll[list(pitches), at:at + length] = VELOCITY / 127
            at += length
        writers.write_midi(os.path.join(out, f"events{order}_{seed}_{made:03d}.mid"), roll[:, :steps])
        made += 1


def zoo(spec, out, order, seed, n):
    """The zoo's n-gram model over the chorales' 4-bar patches."""
    import pretty_midi

    from training.ngram import NGramModel

    rolls = np.concatenate([representations.piano_roll_patches(pretty_midi.PrettyMIDI(p)) for p in chorales(spec)])
    for k, roll in enumerate(NGramModel(rolls, order).sample(n, seed=seed)):
        writers.write_midi(os.path.join(out, f"zoo{order}_{seed}_{k:03d}.mid"), roll[0])


def voices(spec, out, kind, order, bars, seed, n):
    """tests/synthetic_voices.py's note-level generators (per-voice chains, random walks, block-chord harmonised
    melodies) trained on the voices of the chorales of `spec`, `bars` bars of 4/4 each."""
    from tests import synthetic_voices

    steps = bars * 16
    if kind == "walk":
        rolls = synthetic_voices.random_walk(n, steps=steps, seed=seed)
    else:
        make = synthetic_voices.voice_chain if kind == "chain" else synthetic_voices.harmonised_melody
        rolls = make(synthetic_voices.read_voices(chorales(spec)), order, n, steps=steps, seed=seed)
    for k, roll in enumerate(rolls):
        writers.write_midi(os.path.join(out, f"{kind}{order}_{bars}_{seed}_{k:03d}.mid"),
                           roll.astype(np.float32) * VELOCITY / 127)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    cut = sub.add_parser("excerpt")
    cut.add_argument("spec"), cut.add_argument("out")
    cut.add_argument("--first-bar", type=int, default=0), cut.add_argument("--bars", type=int, default=8)
    cut.add_argument("--last", action="store_true", help="the last BARS bars (from a bar line to the end)")
    edition = sub.add_parser("jsb")
    edition.add_argument("split", choices=("train", "valid", "test")), edition.add_argument("out")
    edition.add_argument("--bars", type=int, default=8, help="the first bars (0: whole pieces)")
    edition.add_argument("--first-bar", type=int, default=0)
    edition.add_argument("--resolution", choices=tuple(JSB_STEPS), default="quarter")
    edition.add_argument("--mirror", default=JSB_MIRROR)
    for name in ("lstm", "chain"):  # models trained on a JSB split
        model = sub.add_parser(name)
        model.add_argument("split", choices=("train", "valid", "test")), model.add_argument("out")
        model.add_argument("--bars", type=int, default=8)
        model.add_argument("--resolution", choices=tuple(JSB_STEPS), default="quarter")
        model.add_argument("--mirror", default=JSB_MIRROR), model.add_argument("--seed", type=int, default=0)
        model.add_argument("--n", type=int, default=40)
        if name == "lstm":
            model.add_argument("--iterations", type=int, default=2000)
            model.add_argument("--cell", choices=("lstm", "gru", "transformer"), default="lstm")
        else:
            model.add_argument("--order", type=int, default=2)
            model.add_argument("--events", action="store_true", help="one state per chord and its held length")
    for name in ("events", "zoo"):
        chain = sub.add_parser(name)
        chain.add_argument("spec"), chain.add_argument("out")
        chain.add_argument("--order", type=int, default=4), chain.add_argument("--seed", type=int, default=0)
        chain.add_argument("--n", type=int, default=40)
        if name == "events":
            chain.add_argument("--bars", type=int, default=8)
    notes = sub.add_parser("voices")
    notes.add_argument("spec"), notes.add_argument("out")
    notes.add_argument("--kind", choices=("chain", "walk", "harmonised"), default="chain")
    notes.add_argument("--order", type=int, default=2), notes.add_argument("--bars", type=int, default=4)
    notes.add_argument("--seed", type=int, default=0), notes.add_argument("--n", type=int, default=40)
    seams = sub.add_parser("joints")
    seams.add_argument("source"), seams.add_argument("split", choices=("train", "valid", "test"))
    seams.add_argument("--mirror", default=JSB_MIRROR)
    slower = sub.add_parser("render")
    slower.add_argument("source"), slower.add_argument("out"), slower.add_argument("--factor", type=float, default=1.25)
    moved = sub.add_parser("transpose")
    moved.add_argument("source"), moved.add_argument("out"), moved.add_argument("--semitones", type=int, default=5)
    args = parser.parse_args()
    if args.command == "joints":
        joints(args.source, args.split, args.mirror)
        return
    os.makedirs(args.out, exist_ok=True)
    if args.command == "excerpt":
        excerpt(args.spec, args.out, args.first_bar, args.bars, args.last)
    elif args.command == "jsb":
        jsb(args.split, args.out, args.bars, args.mirror, args.resolution, args.first_bar)
    elif args.command == "lstm":
        lstm(args.split, args.out, args.bars, args.mirror, args.resolution, args.seed, args.n, args.iterations,
             args.cell)
    elif args.command == "chain":
        jsb_chain(args.split, args.out, args.bars, args.mirror, args.resolution, args.order, args.seed, args.n,
                  args.events)
    elif args.command == "render":
        render(args.source, args.out, args.factor)
    elif args.command == "transpose":
        transpose(args.source, args.out, args.semitones)
    elif args.command == "voices":
        voices(args.spec, args.out, args.kind, args.order, args.bars, args.seed, args.n)
    elif args.command == "events":
        events(args.spec, args.out, args.order, args.bars, args.seed, args.n)
    else:
        zoo(args.spec, args.out, args.order, args.seed, args.n)


if __name__ == "__main__":
    main()
