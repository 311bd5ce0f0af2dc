"""Judging a long recording at the reference's scale.

A detector that aggregates over a recording (synthetic-voice: spreads and quantiles over its frames), or
grades an extreme over it against the reference's, is calibrated on the reference's recordings, about
half a second each for spoken digits. A recording ten times longer holds ten times as many frames, so
its spreads and extremes are wider by length alone: real
read sentences were labelled generated (docs/verdicts.md, "Speech recorded elsewhere: long recordings
judged at the reference's scale").

So a recording is cut into n = round(duration / L) segments, L the kept reference recordings' median
length (each segment 0.75 L to 1.25 L before its cuts move), each cut moved to the quietest 20 ms within
a quarter of L of where it would fall (a pause where there is one). Each segment is scored as a
reference recording is and gets its tail probability p_i from the detector's calibration. For a real
recording each segment is a real recording of the reference's scale, so P(p_i <= t) <= t for each i
and, by Bonferroni (whatever the dependence between segments),

    P(min_i p_i <= t / n) <= n * (t / n) = t,

so the recording's tail probability is p = min(1, n * min_i p_i), with no more than one segment's evidence
needed. The premise holds only approximately: a segment cut from continuous speech is not drawn as the
reference's takes were (it may start mid-word, it holds no leading silence), which is why the rate is
measured on real long recordings, not only derived (ibid.: FSDD takes in a row, LJ Speech, other corpora). A synthesiser's trait (a duplicated frame, a
synthetic timbre) is in most of its segments, so its most extreme segment usually lies below alpha / n
where the whole file lay below alpha; the price is a factor n on the smallest p (measured ibid.). The
recording's score is the score whose tail probability is p (calibration.score_threshold), so
everything after the detector (the combination, channels, reports) reads it as any other score.

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


def typical_length(profile):
    """The median length in samples of the recordings the profile keeps; None when it keeps none."""
    if "ref_audio_bounds" not in profile or len(profile["ref_audio_bounds"]) < 2:
        return None
    return int(np.median(np.diff(np.asarray(profile["ref_audio_bounds"]))))


def cut_points(audio, length):
    """Sample positions that cut a recording into round(size / length) segments (none when that is 1),
    each cut at the quietest QUIET_FRAME within length / 4 of its even position."""
    size = len(audio)
    n = int(round(size / length)) if length else 1
    if n <= 1:
        return []
    x = np.asarray(audio, dtype=np.float64)
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


def corrected(tail, segment_scores):
    """(score, p, index of the most extreme segment) of a recording from its segments' scores: p =
    min(1, n * min_i p_i) (Bonferroni over the n segments) and the score whose tail probability is p;
    one segment gives its own score back."""
    scores = np.asarray(segment_scores, dtype=np.float64)
    p = calibration.tail_probability(tail, scores)
    k = int(np.argmin(p))
    if scores.size == 1:
        return float(scores[0]), float(p[0]), 0
    p_file = min(1.0, scores.size * float(p[k]))
    return min(float(scores[k]), calibration.score_threshold(tail, p_file)), p_file, k
