"""Padding: constant runs an editor or a dataset script put at a recording's ends.

Zeros at both ends, or after the speech up to 1 s as speech-command sets pad every clip, are
no part of the recording: read with it, they shift and cut the words in the mel patches,
lower the speech level and make the quietest frames read as a silent floor. A microphone
records its floor right up to where the padding begins; a synthesiser's signal decays into
its own digital silence, beyond any microphone's floor, and that silence is its trait. So
the constant runs touching an end are set aside only when the 20 ms next to them lie within
PLAUSIBLE_DB of the loud frames (`unpadded`). noise-floor (engine/detectors/noise_floor.py)
reads its depth without them; the speech map (engine/data/representations.py `mel_map`) and
the noise and level keys (engine/data/channels.py) read `speech_span`, which keeps an end
run shorter than STEADY (a recording's own first equal samples: cropping them would only
shift the frame grid). All of it works on audio at the speech rate (8000 Hz), after resampling: a clip
padded at 16 kHz keeps its padding, since the resampler's faint ringing into the zeros reads as a decay
(docs/verdicts.md, "Padding set aside in the speech map and the noise key").
"""
import numpy as np

FRAME, HOP = 160, 80  # 20 ms frames, 10 ms hop at 8000 Hz
LOUD_SHARE = 0.25  # the loud frames: as representations.LEVEL_TOP
PLAUSIBLE_DB = 70.0  # the deepest floor a microphone recording is taken to reach (noise_floor's docstring)
STEADY = FRAME // 4  # samples: a constant run this long next to padding is silence too (5 ms)


def frame_powers(audio):
    audio = np.asarray(audio, dtype=np.float64)
    if audio.size < FRAME:
        audio = np.pad(audio, (0, FRAME - audio.size))
    frames = np.lib.stride_tricks.sliding_window_view(audio, FRAME)[::HOP]
    # About its mean: A-law, for one, turns digital silence into a constant offset of one step.
    return frames.var(axis=1)


def loud_power(power):
    """Mean power of the loudest LOUD_SHARE of the frame powers `power`."""
    return np.sort(power)[-max(1, int(round(LOUD_SHARE * power.size))):].mean()


def constant_lead(audio):
    """How many samples at the start of `audio` are constant runs: the first run, and after it every run of at
    least STEADY samples (padding put next to an 8-bit recorder's own steady silence)."""
    bounds = np.concatenate([[0], np.flatnonzero(np.diff(audio) != 0) + 1, [audio.size]])
    short = np.flatnonzero(np.diff(bounds)[1:] < STEADY)
    return int(bounds[1 + short[0]] if short.size else audio.size)


def unpadded(audio):
    """(start, stop) of the recording without its padding. The constant runs touching an end are set aside when
    the recording carries a microphone's floor right up to them (the FRAME samples next to them lie within
    PLAUSIBLE_DB of the loud frames): an editor or a dataset script put them there. A synthesiser's signal
    decays into its silence, beyond any microphone's floor, and the runs stay."""
    start, stop = constant_lead(audio), audio.size - constant_lead(audio[::-1])
    if start >= stop:
        return 0, audio.size
    edge = loud_power(frame_powers(audio[start:stop])) * 10 ** (-PLAUSIBLE_DB / 10)
    if np.var(audio[start:start + FRAME]) < edge:
        start = 0
    if np.var(audio[max(start, stop - FRAME):stop]) < edge:
        stop = audio.size
    return start, stop


def speech_span(audio):
    """`audio` (at the speech rate) without its padding (`unpadded`), an end run shorter than STEADY kept."""
    audio = np.asarray(audio)
    start, stop = unpadded(audio)
    start = start if start >= STEADY else 0
    stop = stop if audio.size - stop >= STEADY else audio.size
    return audio[start:stop]
