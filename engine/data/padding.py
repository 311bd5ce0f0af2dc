"""Padding: constant runs an editor or a dataset script put at a recording's ends.

Zeros at both ends, or after the speech up to 1 s as speech-command sets pad every clip, are
no part of the recording: read with it, they shift and cut the words in the mel patches,
lower the speech level and make the quietest frames read as a silent floor. A microphone
records its floor right up to where the padding begins; a synthesiser's signal decays into
its own digital silence, beyond any microphone's floor, and that silence is its trait. So
the constant runs touching an end are set aside only when the 20 ms next to them lie within
PLAUSIBLE_DB of the loud frames and the padding has a length an editor or a script gives it
(`unpadded`). A synthesiser that stops abruptly into its silence (espeak-ng's words end 6-33 dB
below their loud frames, as a trimmed recording's do) leaves a run timed by its last phoneme:
editors and scripts pad by round durations (0.25 s) or to round clip lengths (1 s), so a run
is padding only when it, or the clip it completes, lasts a whole number of ROUND seconds.

The rules count seconds, so they find the same padding at any rate, and the padding is found
at the file's own rate (engine/data/representations.py `to_speech_rate`, which writes it as
exact zeros at the speech rate): resampled with the recording, the zeros would carry the
resampler's faint ringing (1e-9 and falling over 80 ms), which reads as a synthesiser's decay.
noise-floor (engine/detectors/noise_floor.py) reads its depth without the padding; the speech
map (representations `mel_map`) and the noise and level keys (engine/data/channels.py) read
`speech_span`, which keeps an end run shorter than STEADY_SECONDS (a recording's own first equal
samples: cropping them would only shift the frame grid).
"""
import numpy as np

SPEECH_RATE = 8000  # Hz: the rate noise-floor and the keys read (representations.SPEECH_RATE)
FRAME_SECONDS, HOP_SECONDS = 0.02, 0.01
STEADY_SECONDS = 0.005  # a constant run this long next to padding is silence too
ROUND = 0.05  # seconds: padding lasts, or pads its clip to, a whole number of these (0.25 s, 1 s)
LOUD_SHARE = 0.25  # the loud frames: as representations.LEVEL_TOP
PLAUSIBLE_DB = 70.0  # the deepest floor a microphone recording is taken to reach (noise_floor's docstring)


def samples(seconds, rate):
    return max(1, int(round(seconds * rate)))


FRAME, HOP, STEADY = (samples(s, SPEECH_RATE) for s in (FRAME_SECONDS, HOP_SECONDS, STEADY_SECONDS))


def frame_powers(audio, rate=SPEECH_RATE):
    frame = samples(FRAME_SECONDS, rate)
    audio = np.asarray(audio, dtype=np.float64)
    if audio.size < frame:
        audio = np.pad(audio, (0, frame - audio.size))
    frames = np.lib.stride_tricks.sliding_window_view(audio, frame)[::samples(HOP_SECONDS, rate)]
    # About its mean: A-law, for one, turns digital silence into a constant offset of one step.
    return frames.var(axis=1)


def loud_power(power):
    """Mean power of the loudest LOUD_SHARE of the frame powers `power`."""
    return np.sort(power)[-max(1, int(round(LOUD_SHARE * power.size))):].mean()


def constant_runs(audio, rate=SPEECH_RATE):
    """(length of the first constant run, samples at the start of `audio` that are constant runs: the first run,
    and after it every run of at least STEADY_SECONDS, padding put next to an 8-bit recorder's own steady silence)."""
    bounds = np.concatenate([[0], np.flatnonzero(np.diff(audio) != 0) + 1, [audio.size]])
    short = np.flatnonzero(np.diff(bounds)[1:] < samples(STEADY_SECONDS, rate))
    return int(bounds[1]), int(bounds[1 + short[0]] if short.size else audio.size)


def constant_lead(audio, rate=SPEECH_RATE):
    """How many samples at the start of `audio` are constant runs (constant_runs)."""
    return constant_runs(audio, rate)[1]


def round_length(n, rate):
    """Whether n samples at `rate` last a whole number of ROUND seconds (to a sample: a script rounds them)."""
    units = n / (ROUND * rate)
    return n > 0 and abs(units - round(units)) * ROUND * rate <= 1.0


def unpadded(audio, rate=SPEECH_RATE):
    """(start, stop) of the recording at `rate` without its padding. The constant runs touching an end are set
    aside when the recording carries a microphone's floor right up to them (the FRAME_SECONDS next to them lie
    within PLAUSIBLE_DB of the loud frames) and they have a length an editor or a script gives (round_length: the
    outermost run, the runs together, or the clip they complete): an editor or a dataset script put them there.
    A synthesiser's signal decays into its silence, beyond any microphone's floor, or stops into a silence timed
    by its speech, and the runs stay."""
    audio = np.asarray(audio)
    (first, lead), (last, trail) = constant_runs(audio, rate), constant_runs(audio[::-1], rate)
    start, stop = lead, audio.size - trail
    if start >= stop:
        return 0, audio.size
    frame = samples(FRAME_SECONDS, rate)
    edge = loud_power(frame_powers(audio[start:stop], rate)) * 10 ** (-PLAUSIBLE_DB / 10)
    scripted = round_length(audio.size, rate)
    if np.var(audio[start:start + frame]) < edge or not (scripted or round_length(first, rate)
                                                         or round_length(lead, rate)):
        start = 0
    if np.var(audio[max(start, stop - frame):stop]) < edge or not (scripted or round_length(last, rate)
                                                                   or round_length(trail, rate)):
        stop = audio.size
    return start, stop


def speech_bounds(audio, rate=SPEECH_RATE):
    """(start, stop) of `audio` at `rate` without its padding (`unpadded`), an end run shorter than STEADY_SECONDS
    kept."""
    start, stop = unpadded(audio, rate)
    steady = samples(STEADY_SECONDS, rate)
    return (start if start >= steady else 0), (stop if len(audio) - stop >= steady else len(audio))


def speech_span(audio, rate=SPEECH_RATE):
    """`audio` (at the speech rate) without its padding (speech_bounds)."""
    start, stop = speech_bounds(audio, rate)
    return np.asarray(audio)[start:stop]
