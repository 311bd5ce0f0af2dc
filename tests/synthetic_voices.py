"""Note-level and rule-based music generators for measuring the music detectors (docs/verdicts.md,
"Music"): models that write each voice of a four-part chorale on its own,
unlike tests/synthetic_music.py's chains over whole chords.

Voices are read from the chorales' MIDI parts (Soprano, Alto, Tenor, Bass) as note sequences
[(pitch or REST, length in sixteenth-note steps)]; every generator returns boolean (128, steps)
rolls, as tests/synthetic_music.as_batch takes them.
- `voice_chain(voices, order, ...)`: an order-k Markov chain over each voice's notes (pitch and
  length), the four voices drawn independently (in the key each training piece was moved to);
- `interval_chain(voices, order, ...)`: the same over melodic intervals and lengths, each voice
  starting on a pitch of its part's training range (a random walk with learned steps);
- `harmonised_melody(voices, order, ...)`: an order-k chain over soprano notes, harmonised by
  rule (`rules="primary"`: I, IV or V under every quarter beat, block chords; `rules="functional"`:
  tonic, subdominant and dominant functions in that order, triads on any diatonic degree, each
  inner voice moved to its nearest chord tone, a V-I cadence at the end);
- `random_walk(...)`: four voices stepping through a scale at random, within their ranges;
- `symbol_chain(pieces, order, ...)`: an order-k chain over chord symbols (pitch classes on each
  quarter beat relative to the key, bass pitch class, length in beats) voiced by rule.
"""
import numpy as np

from engine.data.representations import STEPS_PER_QUARTER, quarters_at

PARTS = ("Soprano", "Alto", "Tenor", "Bass")
REST = -1
MAJOR = (0, 2, 4, 5, 7, 9, 11)
RANGES = ((60, 81), (53, 74), (48, 69), (36, 62))  # S, A, T, B in MIDI pitches


def read_voices(paths):
    """Per chorale with all four parts: four note sequences [(pitch or REST, steps)], moved to C
    (major pieces) or A (minor) by the key of their pitch-class histogram."""
    import pretty_midi

    from engine.detectors.tonality import best_scale

    out = []
    for path in paths:
        midi = pretty_midi.PrettyMIDI(path)
        parts = {inst.name: inst for inst in midi.instruments}
        if not all(p in parts for p in PARTS):
            continue
        voices = []
        histogram = np.zeros(12)
        for name in PARTS:
            seq, t = [], 0
            for note in sorted(parts[name].notes, key=lambda n: n.start):
                start = int(np.rint(quarters_at(midi, np.array([note.start]))[0] * STEPS_PER_QUARTER))
                end = max(int(np.rint(quarters_at(midi, np.array([note.end]))[0] * STEPS_PER_QUARTER)), start + 1)
                if start > t:
                    seq.append((REST, start - t))
                elif start < t:
                    continue  # overlapping notes in one part: keep the first
                seq.append((note.pitch, end - start))
                histogram[note.pitch % 12] += end - start
                t = end
            voices.append(seq)
        key = best_scale(histogram)
        shift = -(key % 12) if key < 12 else -((key % 12) - 9)
        shift = (shift + 6) % 12 - 6
        out.append([[(p + shift if p != REST else REST, d) for p, d in seq] for seq in voices])
    return out


def _chain(sequences, order, length_of, steps, rng, start=None):
    """One sequence of an order-k chain trained on `sequences`, at least `steps` long (restarted
    from a training sequence's opening when it reaches a context never continued)."""
    table = {}
    for seq in sequences:
        for i in range(order, len(seq)):
            table.setdefault(tuple(seq[i - order:i]), []).append(seq[i])
    while True:
        current = list(start) if start is not None else list(sequences[rng.integers(len(sequences))][:order])
        while sum(map(length_of, current)) < steps and tuple(current[-order:]) in table:
            choices = table[tuple(current[-order:])]
            current.append(choices[rng.integers(len(choices))])
        if sum(map(length_of, current)) >= steps:
            return current


def _render(voices, steps, shift):
    roll = np.zeros((128, steps), dtype=bool)
    for seq in voices:
        t = 0
        for pitch, length in seq:
            if pitch != REST and 0 <= pitch + shift < 128:
                roll[pitch + shift, t:t + length] = True
            t += length
            if t >= steps:
                break
    return roll


def voice_chain(chorales, order, n, steps=256, seed=0):
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        voices = [_chain([c[v] for c in chorales], order, lambda e: e[1], steps, rng) for v in range(len(PARTS))]
        out.append(_render(voices, steps, int(rng.integers(-5, 7))))
    return out


def interval_chain(chorales, order, n, steps=256, seed=0):
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        voices = []
        for v, (low, high) in enumerate(RANGES):
            moves = []
            for c in chorales:
                notes = [(p, d) for p, d in c[v] if p != REST]
                moves.append([(b[0] - a[0], b[1]) for a, b in zip(notes, notes[1:])])
            steps_taken = _chain(moves, order, lambda e: e[1], steps, rng)
            pitch = int(rng.integers(low + 4, high - 4))
            seq = []
            for interval, length in steps_taken:
                pitch += interval
                if not low <= pitch <= high:  # fold back into the part's range
                    pitch -= 12 * np.sign(pitch - (low + high) / 2).astype(int)
                seq.append((pitch, length))
            voices.append(seq)
        out.append(_render(voices, steps, int(rng.integers(-5, 7))))
    return out


def _triad(degree):
    """Pitch classes of the diatonic triad on a scale degree (0-based) of C major."""
    return [MAJOR[(degree + k) % 7] for k in (0, 2, 4)]


def _nearest(pitch_class, near, low, high):
    candidates = [p for p in range(min(low, high - 12), high + 1) if p % 12 == pitch_class]  # at least an octave
    return min(candidates, key=lambda p: abs(p - near))


FUNCTIONS = ((0, 2, 5), (1, 3), (4, 6))  # tonic, subdominant, dominant degrees


def _choose_degree(soprano_pc, rules, previous_function, rng, last):
    if rules == "primary":
        options = [d for d in (0, 3, 4) if soprano_pc in _triad(d)] or [0]
        return int(rng.choice(options)), 0
    if last:
        return (0 if soprano_pc in _triad(0) else 4), 0
    for function in ((previous_function + k) % 3 for k in (1, 0, 2)):  # move on; else stay; else back
        options = [d for d in FUNCTIONS[function] if soprano_pc in _triad(d)]
        if options:
            return int(rng.choice(options)), function
    return 0, 0


def harmonised_melody(chorales, order, n, steps=256, seed=0, rules="primary"):
    rng = np.random.default_rng(seed)
    major = [c for c in chorales if sum(d for p, d in c[0] if p != REST and p % 12 in MAJOR)
             >= 0.9 * sum(d for p, d in c[0] if p != REST)]
    out = []
    for _ in range(n):
        melody = _chain([c[0] for c in major], order, lambda e: e[1], steps, rng)
        voices = [[], [], [], []]
        t, function = 0, 0
        previous = [72, 67, 60, 48]
        for k, (pitch, length) in enumerate(melody):
            if pitch == REST:
                for v in range(4):
                    voices[v].append((REST, length))
                t += length
                continue
            if t % STEPS_PER_QUARTER == 0 or k == 0:
                degree, function = _choose_degree(pitch % 12, rules, function, rng, t + length >= steps)
                chord = _triad(degree)
                bass = _nearest(chord[0], previous[3], *RANGES[3])
                others = [pc for pc in chord if pc != pitch % 12] or chord
                if rules == "primary":
                    alto = max(p for p in range(pitch - 12, pitch) if p % 12 in chord)
                    tenor = max(p for p in range(alto - 12, alto) if p % 12 in chord)
                else:
                    alto = _nearest(others[0], previous[1], max(RANGES[1][0], pitch - 12), pitch - 1)
                    tenor = _nearest(others[-1], previous[2], max(RANGES[2][0], alto - 12), alto - 1)
                previous = [pitch, alto, tenor, bass]
                for v, p in zip((1, 2, 3), (alto, tenor, bass)):
                    voices[v].append((p, length))
            else:  # a passing note in the melody: the lower voices hold
                for v in (1, 2, 3):
                    p, held = voices[v][-1]
                    voices[v][-1] = (p, held + length)
            voices[0].append((pitch, length))
            t += length
        out.append(_render(voices, steps, int(rng.integers(-5, 7))))
    return out


def scale_walk(low, high, steps, rng, margin=2, lengths=(2, 4, 4, 4, 8)):
    """One voice stepping at random through C major within [low, high], from a degree `margin` inside it, each note
    of a length drawn from `lengths` (in steps), until `steps` are filled."""
    scale = [p for p in range(low, high + 1) if p % 12 in MAJOR]
    i, t, seq = int(rng.integers(margin, len(scale) - margin)), 0, []
    while t < steps:
        length = int(rng.choice(list(lengths)))
        i = int(np.clip(i + rng.choice([-2, -1, -1, 0, 1, 1, 2]), 0, len(scale) - 1))
        seq.append((scale[i], length))
        t += length
    return seq


def random_walk(n, steps=256, seed=0):
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        voices = [scale_walk(low, high, steps, rng) for low, high in RANGES]
        out.append(_render(voices, steps, int(rng.integers(-5, 7))))
    return out


def _voice(pcs, bass_pc, previous):
    """Four pitches (S, A, T, B) sounding the pitch classes `pcs` over `bass_pc`: the bass nearest
    the previous bass, each upper voice the nearest chord tone to where it was (within its range)."""
    bass = _nearest(bass_pc, previous[3], *RANGES[3])
    upper = []
    for v in (2, 1, 0):
        low = max(RANGES[v][0], (upper[-1] if upper else bass) + 1)
        options = [p for p in range(low, RANGES[v][1] + 1) if p % 12 in pcs]
        upper.append(min(options, key=lambda p: abs(p - previous[v])) if options else previous[v])
    tenor, alto, soprano = upper
    return [soprano, alto, tenor, bass]


def symbol_chain(pieces, order, n, steps=256, seed=0):
    """An order-k chain over chord symbols (the pitch-class set sounding on each quarter beat and its
    bass pitch class, relative to the piece's key, with how many beats it lasts), voiced by rule
    (`_voice`) in a random key: a chain over another representation than the roll's chords."""
    from engine.detectors.tonality import best_scale

    rng = np.random.default_rng(seed)
    sequences = []
    for roll in pieces:
        histogram = np.array([roll[pc::12].sum() for pc in range(12)], dtype=np.float64)
        key = best_scale(histogram)
        tonic = key % 12 if key < 12 else (key % 12 + 3) % 12  # minor pieces: their relative major's tonic
        seq = []
        for t in range(0, roll.shape[1], STEPS_PER_QUARTER):
            pitches = np.flatnonzero(roll[:, t])
            if pitches.size == 0:
                continue
            symbol = (frozenset(int(p - tonic) % 12 for p in pitches), int(pitches[0] - tonic) % 12)
            if seq and seq[-1][0] == symbol:
                seq[-1] = (symbol, seq[-1][1] + 1)
            else:
                seq.append((symbol, 1))
        sequences.append(seq)
    out = []
    for _ in range(n):
        chain = _chain(sequences, order, lambda e: e[1] * STEPS_PER_QUARTER, steps, rng)
        voices, previous = [[], [], [], []], [72, 67, 60, 48]
        for (pcs, bass_pc), beats in chain:
            previous = _voice(pcs, bass_pc, previous)
            for v in range(4):
                voices[v].append((previous[v], beats * STEPS_PER_QUARTER))
        out.append(_render(voices, steps, int(rng.integers(-5, 7))))
    return out
