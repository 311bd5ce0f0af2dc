"""Non-GAN music generators for testing and measuring the music detectors.

Rolls are boolean (128, T) arrays at a sixteenth-note step (one per piece); the output is
float (n, 1, 128, 64) patches with file ids, as engine.detectors.suite.Batch takes them.
- `chord_chain(pieces, order, ...)`: a Markov chain of the given order over chord events
  (the set of sounding pitches and how many steps it lasts), trained on `pieces`;
- `split_chain(pieces, order, ...)`: chains over the chords' pitch sets and over their lengths, drawn apart;
- `sliced_chain(pieces, step, ...)`: a chain (first-order unless told) over the chords sounding every
  `step` steps, each held `step` steps (another slicing);
- `transposed(pieces, ...)`: pieces in random keys (augmentation, or a real-file control);
- `shuffled_bars(pieces, ...)`: real pieces with their 4/4 bars in random order;
- `recombined_bars(pieces, ...)`: whole 4/4 bars of different pieces, one after another (a musical dice game);
- `retimed(paths, folder, ...)`: real MIDI files played slower and at another velocity, read back as rolls;
- `frame_lstm(pieces, ...)`: an LSTM (or a GRU, a small causal Transformer) over multi-hot frames, trained briefly
  (torch).
"""
import numpy as np

from engine.data.representations import PATCH_STEPS

BAR = 16


def file_rolls(x, groups):
    """(n, 1, 128, T) patches and file ids -> list of boolean (128, steps) rolls, one per file."""
    return [np.concatenate(list(x[groups == g, 0] > 0.5), axis=1) for g in range(int(groups.max()) + 1)]


def as_batch(rolls):
    """Boolean rolls -> (float32 patches, file ids), cut like engine.data.representations does."""
    patches, groups = [], []
    for g, roll in enumerate(rolls):
        n = roll.shape[1] // PATCH_STEPS
        patches += [roll[:, i * PATCH_STEPS:(i + 1) * PATCH_STEPS] for i in range(n)]
        groups += [g] * n
    return np.array(patches, dtype=np.float32)[:, None], np.array(groups, dtype=np.int64)


def held_chords(chords):
    """Successive chords as events (chord, frames it is held), as a chain over chords with their lengths sees them."""
    out = []
    for chord in chords:
        if out and out[-1][0] == chord:
            out[-1] = (chord, out[-1][1] + 1)
        else:
            out.append((chord, 1))
    return out


def _events(roll):
    return held_chords([tuple(np.flatnonzero(roll[:, t])) for t in range(roll.shape[1])])


def _render(events, steps):
    roll = np.zeros((128, steps), dtype=bool)
    t = 0
    for chord, length in events:
        roll[list(chord), t:t + length] = True
        t += length
    return roll


def _sample_chain(sequences, order, rng, length_of, steps, n):
    table = {}
    for seq in sequences:
        for i in range(order, len(seq)):
            table.setdefault(tuple(seq[i - order:i]), []).append(seq[i])
    out = []
    while len(out) < n:
        current = list(sequences[rng.integers(len(sequences))][:order])
        while sum(map(length_of, current)) < steps and tuple(current[-order:]) in table:
            choices = table[tuple(current[-order:])]
            current.append(choices[rng.integers(len(choices))])
        if sum(map(length_of, current)) >= steps:
            out.append(current)
    return out


def chord_chain(pieces, order, n, steps=4 * PATCH_STEPS, seed=0):
    rng = np.random.default_rng(seed)
    sequences = [_events(roll) for roll in pieces]
    return [_render(s, steps) for s in _sample_chain(sequences, order, rng, lambda e: e[1], steps, n)]


def split_chain(pieces, order, n, steps=4 * PATCH_STEPS, seed=0):
    """Two order-k chains drawn side by side: one over the chords' pitch sets, one over their lengths
    (a model that learned harmony and rhythm apart)."""
    rng = np.random.default_rng(seed)
    sequences = [_events(roll) for roll in pieces]
    chords = _sample_chain([[c for c, _ in seq] for seq in sequences], order, rng, lambda c: 1, steps, n)
    lengths = _sample_chain([[length for _, length in seq] for seq in sequences], order, rng, lambda length: length, steps, n)
    return [_render(list(zip(c, m)), steps) for c, m in zip(chords, lengths)]


def sliced_chain(pieces, step, n, steps=4 * PATCH_STEPS, seed=0, order=1):
    rng = np.random.default_rng(seed)
    sequences = [[tuple(np.flatnonzero(roll[:, t])) for t in range(0, roll.shape[1], step)] for roll in pieces]
    chains = _sample_chain(sequences, order, rng, lambda e: step, steps, n)
    return [_render([(chord, step) for chord in chain], steps) for chain in chains]


def transposed(pieces, seed=0, span=6):
    """Each piece shifted by a random number of semitones in [-span, span] (a training set
    augmented with transpositions, or real pieces in another key)."""
    rng = np.random.default_rng(seed)
    return [np.roll(roll, int(rng.integers(-span, span + 1)), axis=0) for roll in pieces]


def retimed(paths, folder, tempo=0.8, velocity=64):
    """Rolls of MIDI files rewritten at `tempo` times their tempo with every note at `velocity`
    (written to `folder`, read back by the product's loader): real pieces in another performance."""
    import mido

    from engine.data.loaders import load_path

    rolls = []
    for k, path in enumerate(paths):
        midi = mido.MidiFile(path)
        for track in midi.tracks:
            for i, message in enumerate(track):
                if message.type == "set_tempo":
                    track[i] = message.copy(tempo=int(round(message.tempo / tempo)))
                elif message.type == "note_on" and message.velocity > 0:
                    track[i] = message.copy(velocity=velocity)
        midi.save(f"{folder}/{k}.mid")
        loaded = load_path(f"{folder}/{k}.mid")
        rolls.append(np.concatenate(list(loaded.x[:, 0] > 0), axis=1))
    return rolls


def shuffled_bars(pieces, n, seed=0):
    rng = np.random.default_rng(seed)
    long_enough = [roll for roll in pieces if roll.shape[1] >= 2 * PATCH_STEPS]
    out = []
    for i in range(n):
        roll = long_enough[i % len(long_enough)]
        bars = roll[:, : roll.shape[1] // BAR * BAR].reshape(128, -1, BAR)
        out.append(bars[:, rng.permutation(bars.shape[1])].reshape(128, -1))
    return out


def recombined_bars(pieces, n, bars=8, seed=0):
    """Files of `bars` whole 4/4 bars, each from another piece (at a bar line of its roll), one after another."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        chosen = rng.choice(len(pieces), size=bars, replace=False)
        starts = [int(rng.integers(pieces[k].shape[1] // BAR)) * BAR for k in chosen]
        out.append(np.concatenate([pieces[k][:, t:t + BAR] for k, t in zip(chosen, starts)], axis=1))
    return out


def _frame_network(cell, hidden):
    """A sequence model over multi-hot frames: `step(frames, state) -> (hidden outputs, state)`, where a recurrent
    cell carries its state and a causal Transformer (two layers, four heads, learned positions) rereads the prefix
    it keeps as its state, so training and sampling share one loop."""
    import torch

    if cell in ("lstm", "gru"):
        rnn = (torch.nn.LSTM if cell == "lstm" else torch.nn.GRU)(128, hidden, batch_first=True)
        return rnn

    class CausalTransformer(torch.nn.Module):
        def __init__(self, length=256):
            super().__init__()
            self.embed, self.position = torch.nn.Linear(128, hidden), torch.nn.Parameter(torch.zeros(length, hidden))
            layer = torch.nn.TransformerEncoderLayer(hidden, 4, 2 * hidden, dropout=0.0, batch_first=True)
            self.layers = torch.nn.TransformerEncoder(layer, 2)

        def forward(self, frames, state=None):
            prefix = frames if state is None else torch.cat([state, frames], dim=1)
            steps = prefix.shape[1]
            mask = torch.triu(torch.full((steps, steps), float("-inf")), diagonal=1)
            y = self.layers(self.embed(prefix) + self.position[:steps], mask=mask)
            return y[:, -frames.shape[1]:], prefix

    return CausalTransformer()


def frame_lstm(pieces, n, steps=4 * PATCH_STEPS, seed=0, iterations=300, hidden=128, window=PATCH_STEPS, cell="lstm"):
    """A one-layer LSTM over the roll's frames (the pitches sounding at each step, a multi-hot vector;
    each pitch drawn as a Bernoulli given the state, as in Boulanger-Lewandowski et al.'s polyphonic
    RNNs on the chorales), trained briefly on `window`-step excerpts of `pieces` and sampled from a
    training piece's first frame. A step is a sixteenth here; a coarser one (JSB's quarter chords) needs
    a shorter window, most chorales having under 64 quarters. `cell` "gru" or "transformer" (a small causal
    one, _frame_network) puts another sequence model in the LSTM's place, the output the same."""
    import torch

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    rolls = [torch.from_numpy(r.T.astype(np.float32)) for r in pieces if r.shape[1] > window]
    network, out = _frame_network(cell, hidden), torch.nn.Linear(hidden, 128)
    rate = 1e-3 if cell == "transformer" else 3e-3  # attention diverges at the recurrent cells' rate
    optimiser = torch.optim.Adam([*network.parameters(), *out.parameters()], lr=rate)
    for _ in range(iterations):
        batch = []
        for k in rng.integers(len(rolls), size=32):
            start = int(rng.integers(rolls[k].shape[0] - window))
            batch.append(rolls[k][start:start + window + 1])
        batch = torch.stack(batch)
        logits = out(network(batch[:, :-1])[0])
        loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, batch[:, 1:])
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    with torch.no_grad():
        frame = torch.stack([rolls[k][0] for k in rng.integers(len(rolls), size=n)])[:, None]
        state, frames = None, [frame]
        for _ in range(steps - 1):
            y, state = network(frame, state)
            frame = torch.bernoulli(torch.sigmoid(out(y[:, -1:])))
            frames.append(frame)
    return [r.T.numpy() > 0.5 for r in torch.cat(frames, dim=1)]


CADENCE_TABLE = {0: (3, 4, 5, 1), 1: (4, 6), 3: (4, 1, 0), 4: (0, 5), 5: (1, 3), 6: (0,)}  # degree -> next degrees


def cadenced_progression(n, steps=4 * PATCH_STEPS, seed=0, phrase_bars=2):
    """A rule-based chorale writer: a functional progression (CADENCE_TABLE, one triad per quarter
    beat, in a random major key) in phrases of `phrase_bars` bars, each closing on a half-note
    cadence (V-I, or a half cadence on V every other phrase), the root or the third in the bass,
    voiced by nearest motion (synthetic_voices._voice), the soprano filling thirds with eighth-note
    passing tones: a generator with phrase structure that no model learned."""
    from tests import synthetic_voices as sv

    rng = np.random.default_rng(seed)
    phrase = phrase_bars * BAR
    out = []
    for _ in range(n):
        voices, previous, degree, t = [[], [], [], []], [72, 67, 60, 48], 0, 0
        while t < steps:
            in_phrase = t % phrase
            if in_phrase == phrase - 8:  # the cadence's half note
                degree = 4 if (t // phrase) % 2 == 0 and rng.random() < 0.5 else 0
                length = 8
            elif in_phrase == phrase - 12:
                degree, length = (4 if rng.random() < 0.5 else 1), 4
            else:
                degree, length = int(rng.choice(CADENCE_TABLE[degree])), 4
            triad = [sv.MAJOR[(degree + k) % 7] for k in (0, 2, 4)]
            bass = triad[0] if length == 8 or rng.random() < 0.7 else triad[1]
            chord = sv._voice(set(triad), bass, previous)
            soprano_step = chord[0] - previous[0]
            if length == 4 and abs(soprano_step) in (3, 4) and voices[0]:
                passing = max(p for p in range(min(chord[0], previous[0]) + 1, max(chord[0], previous[0]))
                              if p % 12 in sv.MAJOR)
                pitch, held = voices[0][-1]
                if held >= 4:
                    voices[0][-1] = (pitch, held - 2)
                    voices[0].append((passing, 2))
            for v in range(4):
                voices[v].append((chord[v], length))
            previous, t = chord, t + length
        out.append(sv._render(voices, steps, int(rng.integers(-5, 7))))
    return out
