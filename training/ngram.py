"""Markov (n-gram) models of symbolic music over chord events: the oldest music generators,
no neural network. A piano roll (pitches x steps) is read as a sequence of events, each a
pitch set (the notes sounding, thresholded at 0.5) held for a number of steps; an order-k
model draws the next event from the counts of the k - 1 events before it, backing off to
shorter contexts when a context was never seen (order 1: events drawn by frequency).
"""
import numpy as np


def roll_events(roll):
    """(128, steps) -> [(pitch set as a tuple, duration in steps)] (runs of identical frames)."""
    on = np.asarray(roll) >= 0.5
    events, start = [], 0
    for t in range(1, on.shape[1] + 1):
        if t == on.shape[1] or not np.array_equal(on[:, t], on[:, start]):
            events.append((tuple(np.flatnonzero(on[:, start]).tolist()), t - start))
            start = t
    return events


class NGramModel:
    def __init__(self, rolls, order):
        """rolls: (n, 1, pitches, steps) piano-roll patches; order >= 1."""
        if order < 1:
            raise ValueError("the order of an n-gram model is at least 1")
        self.order, self.pitches, self.steps = int(order), rolls.shape[2], rolls.shape[3]
        self.vocabulary, self.sequences = {}, []
        for roll in rolls:
            seq = [self.vocabulary.setdefault(e, len(self.vocabulary)) for e in roll_events(roll[0])]
            self.sequences.append(seq)
        self.events = list(self.vocabulary)
        self.counts = [{} for _ in range(self.order)]  # counts[k][context of k events][next] = count
        for seq in self.sequences:
            for i, event in enumerate(seq):
                for k in range(min(self.order - 1, i) + 1):
                    table = self.counts[k].setdefault(tuple(seq[i - k:i]), {})
                    table[event] = table.get(event, 0) + 1
        self._cdfs = [{} for _ in range(self.order)]  # _draw's cumulative distributions, built as contexts occur
        nonzero = rolls[rolls > 0]
        self.velocity = float(np.median(nonzero)) if nonzero.size else 0.8

    def _draw(self, k, context, rng):
        """The next event after `context` (k events) drawn from its counts, or None for an unseen context. Each
        context's cumulative distribution is built once (order 1 draws from the whole vocabulary every event) and
        sampled as rng.choice(p=...) samples it, so a seed draws the same events."""
        cached = self._cdfs[k].get(context)
        if cached is None:
            table = self.counts[k].get(context)
            if not table:
                return None
            events, counts = zip(*table.items())
            cdf = np.cumsum(np.asarray(counts) / sum(counts))
            cached = self._cdfs[k][context] = (events, cdf / cdf[-1])
        events, cdf = cached
        return events[int(cdf.searchsorted(rng.random(), side="right"))]

    def _next(self, history, rng):
        for k in range(min(self.order - 1, len(history)), -1, -1):
            event = self._draw(k, tuple(history[len(history) - k:]), rng)
            if event is not None:
                return event
        raise ValueError("the model holds no events")

    def sample(self, n, seed=0):
        """(n, 1, pitches, steps) float32 piano rolls at the training data's median velocity."""
        rng = np.random.default_rng(int(seed))
        out = np.zeros((int(n), 1, self.pitches, self.steps), dtype=np.float32)
        for i in range(int(n)):
            history, t = [], 0
            while t < self.steps:
                event = self._next(history, rng)
                history.append(event)
                pitches, duration = self.events[event]
                out[i, 0, list(pitches), t:t + duration] = self.velocity
                t += duration
        return out
