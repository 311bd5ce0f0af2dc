"""Other simple non-GAN music models a checker might write over the embedded chorales, each file written to MIDI
its own way (docs/studies.md, "Other non-GAN music models, written their own way", fifty-fourth pass). Not part of
the product; the sets of the pass are named in tests/benchmarks/data/musicnew_untouched.md.

Every model returns four voices [(pitch or REST, length in sixteenths)] (soprano, alto, tenor, bass), in C major
or A minor as tests/synthetic_voices.read_voices moves the chorales, and is written in a random key:
- `voice`: independent per-voice note chains of order k (tests/synthetic_voices.voice_chain's model);
- `bass`: a bass chain of order k; each upper voice's next note drawn given its previous pitch and the bass
  pitch sounding at its onset (its previous pitch alone where that pair was never seen);
- `walk`: a soprano stepping through the scale at random, block triads under every quarter beat (`harmonise`);
- `realsop`: the real soprano of a chorale from its first note, harmonised by the same rule;
- `barmix`: whole bars of different chorales (4/4, in one key) concatenated;
- `perturb`: a whole chorale transposed, 10 % of its notes moved by a semitone or a tone;
- `sopgru`: a small GRU over the soprano's (pitch, length) notes, harmonised by the same rule.
Writers, file k taking the (k mod 3)-th: pretty_midi (an instrument per voice, 220 ticks, 100 bpm), mido type 1
(480 ticks, a tempo track and a track per voice, note-off as velocity 0) and music21's way emulated with mido
(10080 ticks, a track per named part, time and key signature, 120 bpm; music21 itself is not installed).

    python tests/benchmarks/music_models.py voice 'bach[0:300]' OUT --order 1 --bars 8 --seed 5801 --n 30
"""
import argparse
import os

import numpy as np

from tests.benchmarks.chorale_excerpts import chorales
from tests.synthetic_voices import MAJOR, RANGES, REST, _chain, _nearest, read_voices, scale_walk

STEPS_PER_BAR = 16


def _steps(seq):
    """A voice as (pitch per sixteenth, onset per sixteenth)."""
    pitch, onset = [], []
    for p, d in seq:
        pitch += [p] * d
        onset += [True] + [False] * (d - 1)
    return np.array(pitch, dtype=int), np.array(onset, dtype=bool)


def _notes(pitch, onset):
    """The inverse of `_steps`."""
    seq = []
    for t, p in enumerate(pitch):
        if seq and not onset[t] and seq[-1][0] == p:
            seq[-1] = (p, seq[-1][1] + 1)
        else:
            seq.append((int(p), 1))
    return seq


def _cut(seq, steps):
    out, t = [], 0
    for p, d in seq:
        if t >= steps:
            break
        out.append((p, min(d, steps - t)))
        t += d
    return out


def voice_model(voices, order, steps, rng):
    return [_chain([c[v] for c in voices], order, lambda e: e[1], steps, rng) for v in range(4)]


def bass_model(voices, order, steps, rng):
    bass = _cut(_chain([c[3] for c in voices], order, lambda e: e[1], steps, rng), steps)
    bass_at = _steps(bass)[0]
    out = []
    for v in range(3):
        given, alone = {}, {}
        for c in voices:
            under = _steps(c[3])[0]
            t = 0
            for a, b in zip(c[v], c[v][1:]):
                t += a[1]
                if t < len(under):
                    given.setdefault((a[0], int(under[t])), []).append(b)
                alone.setdefault(a[0], []).append(b)
        seq = [voices[rng.integers(len(voices))][v][0]]
        t = seq[0][1]
        while t < steps:
            choices = given.get((seq[-1][0], int(bass_at[t]))) or alone.get(seq[-1][0]) or [c[v][0] for c in voices]
            seq.append(choices[rng.integers(len(choices))])
            t += seq[-1][1]
        out.append(seq)
    return out + [bass]


def _chord_for(pc, rng):
    """A triad holding pitch class `pc` in C major / A minor: a diatonic one at random, else a major triad with `pc`
    as its third (the raised leading note of A minor under E major)."""
    triads = [[MAJOR[(d + k) % 7] for k in (0, 2, 4)] for d in (0, 1, 3, 4, 5)]
    fits = [t for t in triads if pc in t]
    return fits[rng.integers(len(fits))] if fits else [(pc - 4) % 12, pc, (pc + 3) % 12]


def harmonise(soprano, rng):
    """Block triads under every note starting on a quarter beat: alto and tenor the nearest chord tones below the
    voice above, the bass the root nearest the previous bass; notes off the beat pass over held chords."""
    voices, t, bass = [list(soprano), [], [], []], 0, 48
    for pitch, length in soprano:
        if pitch == REST:
            for v in (1, 2, 3):
                voices[v].append((REST, length))
        elif t % 4 == 0 or not voices[1]:
            chord = _chord_for(pitch % 12, rng)
            alto = max(p for p in range(pitch - 12, pitch) if p % 12 in chord)
            tenor = max(p for p in range(alto - 12, alto) if p % 12 in chord)
            bass = _nearest(chord[0], bass, RANGES[3][0], min(RANGES[3][1], tenor - 1))
            for v, p in zip((1, 2, 3), (alto, tenor, bass)):
                voices[v].append((p, length))
        else:
            for v in (1, 2, 3):
                voices[v][-1] = (voices[v][-1][0], voices[v][-1][1] + length)
        t += length
    return voices


def walk_model(voices, order, steps, rng):
    return harmonise(scale_walk(*RANGES[0], steps, rng, margin=3, lengths=(4, 4, 4, 8, 2)), rng)


def realsop_model(voices, order, steps, rng):
    soprano = voices[rng.integers(len(voices))][0]
    while soprano and soprano[0][0] == REST:
        soprano = soprano[1:]
    return harmonise(_cut(soprano, steps), rng)


def barmix_model(voices, order, steps, rng):
    pieces = [[_steps(seq) for seq in c] for c in voices]
    pieces = [c for c in pieces if min(len(p) for p, _ in c) >= 2 * STEPS_PER_BAR]
    parts = [[[], []] for _ in range(4)]
    for _ in range(-(-steps // STEPS_PER_BAR)):
        piece = pieces[rng.integers(len(pieces))]
        bar = int(rng.integers(min(len(p) for p, _ in piece) // STEPS_PER_BAR)) * STEPS_PER_BAR
        for v, (pitch, onset) in enumerate(piece):
            parts[v][0].append(pitch[bar:bar + STEPS_PER_BAR])
            parts[v][1].append(np.r_[True, onset[bar + 1:bar + STEPS_PER_BAR]])  # a bar's first note is struck
    return [_notes(np.concatenate(p), np.concatenate(o)) for p, o in parts]


def perturb_model(voices, order, steps, rng):
    piece = voices[rng.integers(len(voices))]
    moves = (-2, -1, 1, 2)
    return [[(p + (int(rng.choice(moves)) if p != REST and rng.random() < 0.1 else 0), d) for p, d in seq]
            for seq in piece]


def sopgru_model(voices, order, steps, rng, _trained={}):
    """A one-layer GRU (64 units) over soprano note tokens, 600 Adam steps on CPU (trained once per run)."""
    import torch

    sopranos = [[(p, d) for p, d in c[0]] for c in voices]
    if "net" not in _trained:
        vocabulary = sorted({e for s in sopranos for e in s})
        index = {e: k for k, e in enumerate(vocabulary)}
        torch.manual_seed(int(rng.integers(2 ** 31)))
        embed, gru = torch.nn.Embedding(len(vocabulary), 32), torch.nn.GRU(32, 64, batch_first=True)
        head = torch.nn.Linear(64, len(vocabulary))
        parameters = [*embed.parameters(), *gru.parameters(), *head.parameters()]
        optimiser = torch.optim.Adam(parameters, lr=3e-3)
        sequences = [torch.tensor([index[e] for e in s]) for s in sopranos if len(s) > 9]
        for _ in range(600):
            batch = torch.stack([s[o:o + 9] for s in (sequences[k] for k in rng.integers(len(sequences), size=32))
                                 for o in [int(rng.integers(len(s) - 8))]])
            logits = head(gru(embed(batch[:, :-1]))[0])
            loss = torch.nn.functional.cross_entropy(logits.reshape(-1, len(vocabulary)), batch[:, 1:].reshape(-1))
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
        _trained.update(net=(embed, gru, head), vocabulary=vocabulary, index=index)
    embed, gru, head = _trained["net"]
    vocabulary = _trained["vocabulary"]
    first = sopranos[rng.integers(len(sopranos))]
    first = [e for e in first if e[0] != REST][0]
    melody, state, t = [first], None, first[1]
    token = torch.tensor([[_trained["index"][first]]])
    with torch.inference_mode():
        while t < steps:
            out, state = gru(embed(token), state)
            probability = torch.softmax(head(out[0, -1]), 0).numpy().astype(np.float64)
            k = int(rng.choice(len(vocabulary), p=probability / probability.sum()))
            melody.append(vocabulary[k])
            t += vocabulary[k][1]
            token = torch.tensor([[k]])
    return harmonise(_cut(melody, steps), rng)


MODELS = {"voice": voice_model, "bass": bass_model, "walk": walk_model, "realsop": realsop_model,
          "barmix": barmix_model, "perturb": perturb_model, "sopgru": sopgru_model}
NAMES = ("Soprano", "Alto", "Tenor", "Bass")


def _events(voices, shift):
    """(voice, pitch, start step, end step) of every sounding note."""
    out = []
    for v, seq in enumerate(voices):
        t = 0
        for p, d in seq:
            if p != REST and 0 <= p + shift < 128:
                out.append((v, p + shift, t, t + d))
            t += d
    return out


def write_pretty_midi(path, notes):
    import pretty_midi

    midi = pretty_midi.PrettyMIDI(resolution=220, initial_tempo=100)
    seconds = 60 / 100 / 4
    for v, name in enumerate(NAMES):
        instrument = pretty_midi.Instrument(program=52, name=name)
        instrument.notes = [pretty_midi.Note(velocity=90, pitch=p, start=s * seconds, end=e * seconds)
                            for w, p, s, e in notes if w == v]
        midi.instruments.append(instrument)
    midi.write(path)


def _mido_file(path, notes, ticks, tempo, named):
    import mido

    midi = mido.MidiFile(type=1, ticks_per_beat=ticks)
    meta = mido.MidiTrack([mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(tempo), time=0)])
    if named:
        meta += [mido.MetaMessage("time_signature", numerator=4, denominator=4, time=0),
                 mido.MetaMessage("key_signature", key="C", time=0)]
    midi.tracks.append(meta)
    per_step = ticks // 4
    for v, name in enumerate(NAMES):
        timed = sorted([(e * per_step, 0, p) for w, p, s, e in notes if w == v] +
                       [(s * per_step, 1, p) for w, p, s, e in notes if w == v])
        track, now = mido.MidiTrack(), 0
        if named:
            track.append(mido.MetaMessage("track_name", name=name, time=0))
        track.append(mido.Message("program_change", channel=v, program=52 if named else 0, time=0))
        for tick, on, p in timed:
            track.append(mido.Message("note_on", channel=v, note=p, velocity=80 if on else 0, time=tick - now))
            now = tick
        midi.tracks.append(track)
    midi.save(path)


def write_mido(path, notes):
    _mido_file(path, notes, 480, 90, named=False)


def write_music21_way(path, notes):
    _mido_file(path, notes, 10080, 120, named=True)


WRITERS = (write_pretty_midi, write_mido, write_music21_way)


def build(kind, spec, out, order, bars, seed, n):
    rng = np.random.default_rng(seed)
    voices = read_voices(chorales(spec))
    steps = bars * STEPS_PER_BAR if bars else None
    os.makedirs(out, exist_ok=True)
    for k in range(n):
        made = MODELS[kind](voices, order, steps or 10 ** 6, rng)
        if steps:
            made = [_cut(seq, steps) for seq in made]
        notes = _events(made, int(rng.integers(-5, 7)))
        WRITERS[k % 3](os.path.join(out, f"{kind}{order}_{bars}_{seed}_{k:03d}.mid"), notes)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("kind", choices=tuple(MODELS)), parser.add_argument("spec"), parser.add_argument("out")
    parser.add_argument("--order", type=int, default=1)
    parser.add_argument("--bars", type=int, default=8, help="0: as long as the model writes (perturb: whole)")
    parser.add_argument("--seed", type=int, default=0), parser.add_argument("--n", type=int, default=30)
    args = parser.parse_args()
    build(args.kind, args.spec, args.out, args.order, args.bars, args.seed, args.n)


if __name__ == "__main__":
    main()
