"""What every detector of the reference profile is (the registry, engine/detectors/registry.py,
lists them; one file each).

A detector is a class with
- `name` (str): its name in verdicts, reports and the profile's keys;
- `modalities`: the modalities it applies to ("image", "speech", "music");
- `calibration`: how its tail model is calibrated, in words (EVERY_FILE, CROSS_FITTED,
  HELD_OUT, KEPT_RECORDINGS, EVERY_FILE_AND_RESAMPLED, CROSS_FITTED_AND_RESAMPLED,
  HELD_OUT_AND_RESAMPLED, EVERY_FILE_AND_CENTRED_COPIES), shown in the report's methods table;
- `arrays`: the names of the profile arrays it writes; all of them in a profile means it is
  there, none means the profile was made before it existed (or it could not apply), some
  but not all is an error (`present`), except those of `added_later`: arrays a later version
  writes, which a profile made before lacks (the detector then works as that version did);
- `fit(ref, groups, n_groups, cross_fitted)` (classmethod): its profile arrays, its fitted
  state and the scores of its calibration files, from the reference `ref` (an
  engine.detectors.batch.Reference: samples, modality, grid, features); `groups`, `n_groups`:
  the reference's file ids; `cross_fitted`: engine.detectors.folds.cross_fitted. {} when it
  cannot apply to this reference (a grid for continuous values);
- `__init__(profile)`: reads its arrays back, sets `tail` (calibration.tail_model of its
  calibration scores) and `method` (one line for the report's methods table);
- `scores(batch)`: one score per file of an engine.detectors.batch.Batch (higher = less like
  the reference; a file's patches are averaged, in calibration as in use);
- `reason(batch, g, score, p)`: one sentence with numbers about file g;
- optionally `informative(samples)`: False when the file's format alone decides its score
  (weight 0 for that file).
- `shares`: its shares in the combination (calibration.share_weights), one per statistic its
  score sums when each is a rule a detector of its own could ask (`voice-leading`, `tonality`),
  one per view whose smallest tail probability it takes (`familiarity`, `slice-familiarity`);
  1 otherwise.
Detectors of registered training runs (engine/detectors/learned.py) share the scoring
half of this (`name`, `method`, `calibration`, `tail`, `scores`, `reason`) and say
`learned = True`.
"""
import numpy as np

from engine.data.representations import SPEECH_RATE
from engine.detectors import segments

EVERY_FILE = "every reference file"
CROSS_FITTED = "every reference file, cross-fitted"
HELD_OUT = "held-out reference files"
KEPT_RECORDINGS = "every reference recording kept in the profile"  # detectors of the waveform
# image detectors calibrated on resampled copies of the reference too (engine/detectors/resampling.py)
EVERY_FILE_AND_RESAMPLED = "every reference file and, apart, its resampled copies"
CROSS_FITTED_AND_RESAMPLED = "every reference file and, apart, its resampled copies, cross-fitted"
HELD_OUT_AND_RESAMPLED = "held-out reference files and, apart, their resampled copies"
# `placement`: not the copies shifted by a fraction of a pixel (resampling.without_shifts)
EVERY_FILE_AND_CENTRED_COPIES = "every reference file and, apart, its copies rotated or rescaled about the centre"


class Detector:
    name = ""
    modalities = ()
    calibration = EVERY_FILE
    arrays = ()
    added_later = ()
    learned = False
    shares = 1

    @classmethod
    def applies(cls, modality):
        return str(modality) in cls.modalities

    @classmethod
    def present(cls, profile):
        """Whether the profile holds this detector (all its arrays, and its modality); a
        profile holding only some of its arrays is broken (ValueError)."""
        held = [key for key in cls.arrays if key in profile]
        older = held and all(key in profile for key in cls.arrays if key not in cls.added_later)
        if held and len(held) < len(cls.arrays) and not older:
            missing = ", ".join(key for key in cls.arrays if key not in profile)
            raise ValueError(f"the profile holds part of detector {cls.name}'s arrays (missing {missing})")
        return bool(held) and cls.applies(profile["modality"])


class RecordingDetector(Detector):
    """A detector of the waveform: each recording scored by `score_recordings(recordings)` (None for a
    file without one), calibrated on every recording the profile keeps (`calibrate`: clean, or through a
    channel, engine/detectors/channels.py), absent from profiles keeping fewer than `min_kept`; its
    `recording_reason(audio, batch, g, score, p)` explains a file with a waveform (one without stands aside).

    A detector whose statistic grows more extreme with a recording's length says `segmented = True` and
    calls `read_scale(profile)`: a recording much longer than the kept reference recordings is then judged
    in segments of their length, their tail probabilities merged (engine/detectors/segments.py)."""
    modalities = ("speech",)
    calibration = KEPT_RECORDINGS
    min_kept = 1
    segmented = False
    segment_length = None
    _judged = (None, ())  # (the batch last scored, per file (most extreme segment's start and size, segments))

    @staticmethod
    def score_recordings(recordings):
        raise NotImplementedError

    @classmethod
    def fit(cls, ref, groups, n_groups, cross_fitted):
        """The scores of every reference recording kept in the profile ({} when fewer than min_kept)."""
        if len(ref.kept_recordings or ()) < cls.min_kept:
            return {}
        return cls.calibrate(ref.kept_recordings)

    @classmethod
    def calibrate(cls, audio):
        """The profile arrays of a list of reference recordings (clean, or through a channel)."""
        return {cls.arrays[0]: cls.score_recordings(audio)}

    def informative(self, samples):
        """Only a file read from a recording has a waveform (mel patches from a .npy do not)."""
        return getattr(samples, "audio", None) is not None

    def read_scale(self, profile):
        """The segment length of long recordings: the kept reference recordings' median length."""
        self.segment_length = segments.typical_length(profile) if self.segmented else None

    def scores(self, batch):
        recordings = batch.recordings()
        if not self.segment_length:
            return self.score_recordings(recordings)
        pieces = [segments.split(audio, self.segment_length) for audio in recordings]
        flat = self.score_recordings([piece for found in pieces for piece in found])
        out, judged, start = np.zeros(len(pieces)), [], 0
        for g, found in enumerate(pieces):
            found_scores = self.read_segments(recordings[g], found, flat[start:start + len(found)])
            out[g], _, k = segments.corrected(self.tail_of(recordings[g]), found_scores, self.tail)
            offset = sum(len(piece) for piece in found[:k]) if len(found) > 1 else 0
            judged.append((offset, len(found[k]) if found[k] is not None else 0, len(found)))
            start += len(found)
        self._judged = (batch, judged)
        return out

    def reason(self, batch, g, score, p):
        audio = batch.recordings()[g]
        if audio is None:
            return f"{self.name}: no waveform (the file holds mel patches), stands aside"
        return self.recording_reason(audio, batch, g, score, p)

    def recording_reason(self, audio, batch, g, score, p):
        """The reason for a file with a waveform (`audio`, at the speech rate)."""
        raise NotImplementedError

    def read_segments(self, audio, found, scores):
        """The scores of a recording's segments `found` as judged (`scores`: theirs by score_recordings); a detector
        sets aside here segments it cannot judge (synthetic_voice.py)."""
        return scores

    def tail_of(self, audio):
        """The tail model a recording is judged against (its score is read back with `tail`): `tail` here; a
        detector whose calibration does not cover every recording set-up widens it for some (synthetic_voice.py)."""
        return self.tail

    def segment_note(self, batch, g):
        """For a recording judged in segments, how (a clause for the reason); "" otherwise."""
        seen, judged = self._judged
        if seen is not batch or judged[g][2] <= 1:
            return ""
        offset, size, n = judged[g]
        return (f"; judged in {n} segments of about {self.segment_length / SPEECH_RATE:.2f} s (the reference "
                f"recordings' median length), the most extreme at {offset / SPEECH_RATE:.2f}-"
                f"{(offset + size) / SPEECH_RATE:.2f} s, the segments' tail probabilities merged by Hommel's rule (the "
                f"score is the one with that tail probability)")


def median(tail):
    """The median calibration score of a tail model (for reasons)."""
    return float(np.median(tail["sorted"]))
