"""Judging a long recording at the reference's scale.

A detector that aggregates over a recording (synthetic-voice: spreads and quantiles over its frames), or
grades an extreme over it against the reference's, is calibrated on the reference's recordings, about
half a second each for spoken digits. A recording ten times longer holds ten times as many frames, so
its spreads and extremes are wider by length alone: real
read sentences were labelled generated (docs/studies.md, "Speech recorded elsewhere: long recordings
judged at the reference's scale").

So a recording is cut into n = round(duration / L) segments, L the kept reference recordings' median
length (each segment 0.75 L to 1.25 L before its cuts move), each cut moved to the quietest 20 ms within
a quarter of L of where it would fall (a pause where there is one). Each segment is scored as a
reference recording is and gets its tail probability p_i from the detector's calibration. For a real
recording each segment is a real recording of the reference's scale, so P(p_i <= t) <= t for each i, and the
recording's tail probability is Hommel's merge of them (`merged`),

    p = H_n * min_k (n / k) p_(k),    p_(k) the k-th smallest, H_n = 1 + 1/2 + ... + 1/n,

which is valid whatever the dependence between segments (Hommel 1983). A single extreme segment is judged as by
Bonferroni's n * min_i p_i, times H_n (about 3 for a dozen segments): real read speech whose one clean vowel
looks synthetic gains that factor. A synthesiser's trait (a synthetic timbre) is in most of its segments, and
k = n / 2 judges it by H_n times twice its median segment's tail probability, far below n times the smallest. The premise holds only approximately: a segment cut from continuous
speech is not drawn as the reference's takes were (it may start mid-word, it holds no leading silence), which is
why the rate is measured on real long recordings, not only derived (docs/studies.md: FSDD takes in a row, LJ
Speech, other corpora), and why synthetic_voice.py calibrates such segments on outside speech too. The
recording's score is the score whose tail probability is p (calibration.score_threshold), so everything after
the detector (the combination, channels, reports) reads it as any other score.

A recording whose sound spans less than 1.5 L (`speech_duration`: from its first to its last 20 ms frame within
SPEECH_DB of its loud ones) is one word, however much silence pads it, and is judged whole, as the reference's takes
(a word with the silence their recorder kept) were calibrated (forty-first pass): cut by its length alone, a word
padded to 0.7-1 s was judged in two halves, one holding the word cut short or most of it, the other its tail and
the silence, and Hommel's merge cost the word a factor of three (n H_n for one extreme segment of two) on top of the
half word's weaker score; synthesisers' digits (espeak-ng, MBROLA, flite's cluster voices, SVOX Pico) lost half their
misses so (docs/studies.md, "A word judged whole however much silence pads it", forty-first pass).

A recording shorter than 1.5 L is judged whole, as the reference's recordings were calibrated (the
calibration arrays are unchanged). The few reference recordings longer than that (5 % in case T) were
calibrated whole and a recording like them is now judged in two: each half is still a real recording of
at most the reference's scale, so the bound above holds; only power is spent. Rounding rather than
flooring the count keeps 1-s clips, twice the length of a digit take, from being judged whole against
half-second calibration (LJ Speech in 1-s chunks: 4 of 62 labelled generated, 8 with the floor).
"""
import numpy as np

from engine.detectors import calibration

QUIET_FRAME = 160  # 20 ms at 8 kHz: the frame whose energy places a cut
WHOLE_BELOW = 1.5  # segment lengths: a shorter recording, or one whose sound spans fewer, is judged whole
SPEECH_DB = 35.0  # a 20 ms frame within this of the loud ones (the 95th percentile) is the recording's sound


def speech_duration(audio):
    """Samples from the first to the last 20 ms frame within SPEECH_DB of the loud ones (the 95th percentile): a
    word's length without the silence a synthesiser, a recorder or an editor pads it with."""
    x = np.asarray(audio, dtype=np.float64)
    if x.size < QUIET_FRAME:
        return x.size
    power = (np.lib.stride_tricks.sliding_window_view(x, QUIET_FRAME)[::QUIET_FRAME // 2] ** 2).mean(axis=1)
    loud = np.flatnonzero(power >= np.quantile(power, 0.95) * 10 ** (-SPEECH_DB / 10))
    return int((loud[-1] - loud[0]) * (QUIET_FRAME // 2) + QUIET_FRAME) if loud.size else 0


def typical_length(profile):
    """The median length in samples of the recordings the profile keeps; None when it keeps none."""
    if "ref_audio_bounds" not in profile or len(profile["ref_audio_bounds"]) < 2:
        return None
    return int(np.median(np.diff(np.asarray(profile["ref_audio_bounds"]))))


def cut_points(audio, length):
    """Sample positions that cut a recording into round(size / length) segments (none when that is 1, or when its
    sound spans fewer than WHOLE_BELOW lengths: one word, judged whole), each cut at the quietest QUIET_FRAME within
    length / 4 of its even position."""
    size = len(audio)
    n = int(round(size / length)) if length else 1
    x = np.asarray(audio, dtype=np.float64)
    if n <= 1 or speech_duration(x) < WHOLE_BELOW * length:
        return []
    cuts = []
    for k in range(1, n):
        even = k * size // n
        low, high = max(0, even - length // 4), min(size - QUIET_FRAME, even + length // 4)
        if high <= low:
            cuts.append(even)
            continue
        energy = np.convolve(x[low:high + QUIET_FRAME] ** 2, np.ones(QUIET_FRAME), "valid")
        cuts.append(low + int(np.argmin(energy)) + QUIET_FRAME // 2)
    return cuts


def split(audio, length):
    """The recording's segments (module docstring): [audio] when it is judged whole."""
    return np.split(np.asarray(audio), cut_points(audio, length)) if audio is not None else [None]


def merged(p):
    """Hommel's merge of n tail probabilities, valid whatever their dependence: H_n * min_k (n / k) p_(k), p_(k)
    the k-th smallest and H_n = 1 + 1/2 + ... + 1/n. One extreme segment costs a factor n H_n (as Bonferroni's n,
    times about 3 for a dozen segments); a trait in most segments is judged by their larger tail probabilities."""
    p = np.sort(np.asarray(p, dtype=np.float64))
    k = np.arange(1, p.size + 1)
    return min(1.0, float(np.sum(1.0 / k) * np.min(p.size / k * p)))


def corrected(tail, segment_scores, read_with=None):
    """(score, p, index of the most extreme segment) of a recording from its segments' scores: p = merged(p_i)
    and the score whose tail probability is p; one segment gives its own score back. `read_with`: the tail model
    the score will be read with where it is not `tail` (a recording judged against a wider calibration,
    synthetic_voice.py): the score is then the one whose tail probability under `read_with` is p."""
    scores = np.asarray(segment_scores, dtype=np.float64)
    p = calibration.tail_probability(tail, scores)
    k = int(np.argmin(p))
    read_with = tail if read_with is None else read_with
    if scores.size == 1 and read_with is tail:
        return float(scores[0]), float(p[0]), 0
    p_file = merged(p)
    return min(float(scores[k]), calibration.score_threshold(read_with, p_file)), p_file, k
