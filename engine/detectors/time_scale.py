"""A MIDI file's notated time scale: the multiple of its quarter notes at which its note values are the reference's.

A piano roll counts in the file's quarter notes. A roll written back to MIDI at another speed than it was read (a
sixteenth roll at 16 frames a second under pretty_midi's default 120 bpm: every note half its length) holds the
music at twice or half its notated scale, and the detectors that read where notes fall and how long they last
(`meter`, `durations`, `voice-leading`) called such a real chorale generated (23 of 40 at twice the speed, 5 of 40
at half it; docs/studies.md, twenty-fifth pass). Nothing in the file says its quarters are not the music's, but its
note values do. So a sequenced MIDI file is also read at twice and at half its quarter notes
(engine/data/formats/midi.py, SampleSet.readings), and a reading whose note durations lie nearer the reference's
(the KS distance `durations` measures) than the file as written by more than GAP is taken:

- at twice its quarters (the file's notes half as long as the reference's): the file is judged so read;
- at half its quarters: the file is judged both ways, each detector's larger tail probability applying
  (`ReadingUnion`), which can only lower a real file's alarm. Not `slice-familiarity` (`misreading_only_lowers`),
  judged as written alone: it alarms only where the file's chords on successive eighths or quarters are all
  n-grams the reference makes, and a piece read at the wrong scale pairs chords at another distance than the
  reference's, which makes it less familiar, not more (real chorales written at half their speed, as written:
  smallest tail probability 0.05 of 40). A chain over chords sampled at the quarter beat and written as quarter
  notes reads nearer the reference at half its quarters, where its steps are no longer the reference's quarter
  steps: judged both ways it was caught 3-4 of 40, as written alone 40 of 40 (docs/studies.md, "Quarter-note chord
  chains", twenty-eighth pass). The reference itself holds pieces notated in half notes that read nearer so (26
  of the 410 chorales of resources/bach, 4 at twice their quarters), and the detectors fitted on it know them as
  written: read at half their quarters, 3 of 6 held-out ones were inconclusive (`meter`).

What it costs: a generator whose note values are twice the reference's is judged at its best; one written at half
the speed loses what only its written reading showed (docs/studies.md, "A piano roll written back at another
speed: the notated time scale", twenty-sixth pass). Other factors are read before, as the file is decoded, where its
onsets keep a regular grid of their own (a piece placed in seconds at 96 bpm under a 120 bpm map): rescaled to the
nearest power of two of the quarter (engine/data/own_grid.py), after which these readings apply. A roll written at
100 frames a second (a sixteenth of 10 ms) is not read.
"""
import numpy as np

from engine.data.formats.midi import patch_items
from engine.detectors import calibration, specification

GAP = 0.1  # KS distance: real chorales written at twice or half their speed 0.01-0.42 nearer (5 % below 0.08)
SCALE_WORDS = {1.0: "as written", 2.0: "at twice its quarter notes", 0.5: "at half its quarter notes"}
KEY = "time scale"  # a channel key (KEY, scale): both readings judged
ALONE_WORDS = ("read at a wrong time scale, a piece's chords on successive beats pair chords at another distance "
               "than the reference's, and only look less familiar")


def notated(samples, profile):
    """`samples` (a MIDI file's) read at their notated time scale (module docstring): x replaced by the reading at
    twice its quarters, or the reading at half kept for ReadingUnion; channel["time_scale"] says which. Unchanged
    where no reading is nearer the reference's note durations by GAP, or the profile keeps none."""
    readings, samples.readings = samples.readings, {}
    if not readings or "ref_durations" not in profile:
        return samples
    distance = {1.0: _distance(samples.x, profile)} | {s: _distance(x, profile) for s, x in readings.items()}
    best = min(distance, key=distance.get)
    if distance[1.0] - distance[best] <= GAP:
        return samples
    found = {"scale": best, "durations_ks": {f"{s:g}": round(d, 3) for s, d in distance.items()},
             "judged": "so read" if best > 1 else "both ways"}
    samples.meta.setdefault("channel", {})["time_scale"] = found
    if best > 1:
        samples.x, samples.choir = readings[best], samples.choir and samples.choir.at(best)
        samples.items = patch_items(samples.name, samples.x)
    else:
        samples.readings = {best: readings[best]}
    return samples


def _distance(x, profile):
    return float(specification.duration_distance(x, np.zeros(x.shape[0], dtype=np.int64), profile["ref_durations"])[0])


def channel_key(channel):
    """(KEY, scale) for a file judged both as written and at another time scale, else None."""
    found = channel.get("time_scale")
    return (KEY, found["scale"]) if found and found["judged"] == "both ways" else None


def describe(scale):
    return (f"a MIDI file whose note values read nearer the reference's at {scale:g} times its quarter notes "
            f"(a piano roll written back at another speed, or a piece notated in longer values): judged as "
            f"written and so read, each detector's larger tail probability applying")


def reason(channel):
    """The verdict's reason for a file read at another time scale, or None."""
    found = channel.get("time_scale")
    if not found:
        return None
    ks = ", ".join(f"{d:.2f} {SCALE_WORDS[float(s)]}" for s, d in found["durations_ks"].items())
    read = (f"note values read at {found['scale']:g} times the file's quarter notes, where they lie nearest the "
            f"reference's (KS distance of its note durations to the reference's: {ks})")
    if found["judged"] == "both ways":
        return f"{read}; judged as written and so read, each detector's larger tail probability applying"
    return f"{read}; judged so read (its notes half as long as the reference's, as in a roll written back at twice " \
           f"its speed)"


def other_reading(samples_list):
    """A Batch of the files' other reading (each file's one kept reading, in order), or None where one lacks it."""
    from engine.detectors.batch import Batch

    found = [next(iter(s.readings.items()), (None, None)) for s in samples_list]
    if not found or any(x is None for _, x in found):
        return None
    groups = np.repeat(np.arange(len(found)), [x.shape[0] for _, x in found])
    reading = Batch(np.concatenate([x for _, x in found]).astype(np.float32), groups)
    reading.choir = [s.choir and s.choir.at(scale) for s, (scale, _) in zip(samples_list, found)]  # choir_parts.py
    return reading


def union(detectors, scale, written=None):
    """(detectors, note) of files judged both as written (by `written`, the same detectors in the same order under
    the file's other channels; default `detectors`) and at `scale` times their quarter notes. A detector that says
    `misreading_only_lowers` (one whose score a wrong time scale can only lower) is judged as written alone."""
    written = written or detectors
    alone = [w.name for d, w in zip(detectors, written) if getattr(d, "misreading_only_lowers", False)]
    note = f"channel {describe(scale)}" + (f"; {', '.join(alone)} as written alone ({ALONE_WORDS})" if alone else "")
    return [w if getattr(d, "misreading_only_lowers", False) else ReadingUnion(d, scale, w)
            for d, w in zip(detectors, written)], note


class ReadingUnion:
    """A detector's larger tail probability of a file as written (by `written`: the detector as another channel of
    the written file has it, by default the same) and as read at another time scale (the Batch's `reading`); its
    score is -log10 of it (calibration.log_p_model), its calibration the detector's."""

    def __init__(self, detector, scale, written=None):
        self.detector, self.scale, self.written = detector, scale, written or detector
        self.name, self.learned = detector.name, getattr(detector, "learned", False)
        self.shares = getattr(detector, "shares", 1)
        self.calibration = getattr(detector, "calibration", "")
        self.method = (f"{detector.method}; for a MIDI file whose note values read nearer the reference's at "
                       f"{scale:g} times its quarter notes, the larger of its tail probabilities as written and so "
                       f"read (score: -log10 of it)")
        tail = detector.tail
        self.tail = calibration.log_p_model(calibration.tail_probability(tail, tail["sorted"]),
                                            calibration.tail_floor(tail))
        if hasattr(detector, "attribute"):
            self.attribute = detector.attribute
        self._seen = None  # (batch, (scores as written, as read)) of the last batch scored, for the reasons

    def informative(self, samples):
        return getattr(self.detector, "informative", lambda _: True)(samples)

    def parts(self, batch):
        """(scores, tail probabilities) of a batch's files as written and as read."""
        if self._seen is None or self._seen[0] is not batch:
            self._seen = (batch, (self.written.scores(batch), self.detector.scores(batch.reading)))
        return [(s, calibration.tail_probability(d.tail, s)) for d, s in zip((self.written, self.detector),
                                                                            self._seen[1])]

    def scores(self, batch):
        return -np.log10(np.max([p for _, p in self.parts(batch)], axis=0))

    def reason(self, batch, g, score, p):
        (written, p_written), (read, p_read) = ((float(s[g]), float(q[g])) for s, q in self.parts(batch))
        if p_read > p_written:
            found, applied = self.detector.reason(batch.reading, g, read, p_read), f"at {self.scale:g} times"
        else:
            found, applied = self.written.reason(batch, g, written, p_written), "as written"
        return (f"{found} [tail probability {p:.2g}, the larger of {p_written:.2g} as written and {p_read:.2g} read "
                f"at {self.scale:g} times its quarter notes: {applied} applied]")
