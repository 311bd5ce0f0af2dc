"""A noise gate's release: how a recording's speech reaches a run of exact zeros.

A hard gate (or a suppressor that gates) after the microphone closes over the pauses: its gain ramps down over
its release time, tens of milliseconds, and then writes exact zeros. On the way the speech's tail and the room's
floor fade down through the depths a microphone records, so the level takes MIN_RELEASE_SECONDS or more from
the last speech to the silence beyond them (beyond PLAUSIBLE_DB below the loud frames: the gated tail of a
16-bit recording is its last step's dither, 70-80 dB down, until the zeros). A synthesiser writes its silence
after its speech: the level drops from the speech straight beyond any microphone's floor (0-9 ms for espeak-ng
and MBROLA voices, as written or resampled to 8 kHz and written at 16 bits; a resampler's ringing into the zeros
lies far beyond it) and its zeros stay its trait. noise-floor (engine/detectors/noise_floor.py) sets a slow
release and its zero run aside. The reading is of the gate, not of the voice: a synthesiser put through a gate
reads as gated (an evasion, as added noise is); a gate releasing faster than MIN_RELEASE_SECONDS reads as a
synthesiser's stop. A gate's gain falls exponentially, so even a 5 ms release time takes the speech's tail
through the 30 dB between SPEECH_DB and PLAUSIBLE_DB in 9-28 ms (median 15), a VAD muting whole 32 ms frames
after spectral subtraction in 6-35 ms (5th-95th percentiles); MIN_RELEASE_SECONDS (10 ms) lies above every
synthesiser's stop measured (at most 9 ms, MBROLA `mb-de2`; espeak-ng, MBROLA us1-us3 and Pico at most 5.4 ms in
the fifteenth pass) and below most such gates (docs/studies.md, "Decoded, fast-gated and padded speech").

A lossy codec draws a stop out: the level falls from the speech to the codec's noise, holds it for up to a block and
drops into the zeros, 10-30 ms from the last speech at 44.1 kHz (AAC, MP3, Vorbis) and up to 70 ms through AAC at
16 kHz, the lengths of a 5 ms gate's releases, so no bound on the length tells them apart (the nineteenth and
twenty-second passes). Its course does where the stop came from full speech: a release is read as a stop
(`smeared_stop`) when a decoder or a resampler wrote it (samples off the 16-bit grid: as written, a stop is its own),
the speech lay within STOP_DB of the loud frames in the STOP_SECONDS before its last 5 ms (a fall of 32 dB or more
in 10 ms, which a 5 ms gate's gain takes 18 ms for, after the gate has closed below the speech), and two constant
levels fit its 1 ms level course better than a straight line in dB (a gate's gain falls exponentially). Of 480
gated FSDD takes (tuning and untouched), none changes its reading at any of eight channels (AAC at 16 kHz 32 and
44.1 kHz 32, 64, 128 kbit/s, MP3 64, Vorbis q3, 44.1 kHz PCM, 8 kHz WAV), while 0-10 of 40 more synthesised digits
per channel keep their zeros (MBROLA `mb-us2` through AAC at 44.1 kHz 64 and 128 kbit/s: 2 and 1 -> 4 of 10 beyond
PLAUSIBLE_DB; docs/studies.md, "Codec-smeared stops", twenty-second pass). A stop from quiet speech, or whose smear
falls steadily, still reads as a release. The price: a sound that stops within a few milliseconds from full level
into a quiet floor which a gate then fades reads as a stop once resampled or decoded (a tone cut into a floor 65 dB
down, gated, written at 44.1 kHz).

A gate closed before the first word leaves zeros no release reaches. At the speech rate they are padding
(engine/data/padding.py); at another rate they rarely have a length a script pads to, and the resampler to the
speech rate lays faint pre-ringing (90-170 dB down) into them, so they read as a synthesiser's silence (FSDD takes
through a gate and resampled to 44.1 kHz: 24-58 of 160 beyond PLAUSIBLE_DB, none as 8 kHz WAVs). Before its first
sound nothing tells a closed gate from a synthesiser's lead-in, and a synthesiser's stop after its speech says what
it is, so the faint stretch before a recording's first sound within PLAUSIBLE_DB of its loud frames, when
ZERO_RUN_SECONDS or longer, is not read (`closed_start`): the gated takes 5-10 of 160 through 44.1 kHz PCM, MP3 and
Vorbis (untouched), 130 synthesised digits as written and through them 1 reading of 780 fewer beyond it
(docs/studies.md, "Lossy speech: noisy real takes judged whole, and the gate rule under codec smear"). The price: a
synthesiser whose only silence is its lead-in (no stop into zeros or near-silence after its speech) is not read there.
"""
import numpy as np

from engine.data.padding import PLAUSIBLE_DB, SPEECH_RATE, samples

SPEECH_DB = 40.0  # a 5 ms stretch within this of the loud frames is speech (or a gate's open stretch)
LEVEL_SECONDS = 0.005  # the level is read over 5 ms
ZERO_RUN_SECONDS = 0.02  # a run of exact zeros this long is a closed gate or a synthesiser's silence
MIN_RELEASE_SECONDS = 0.01  # synthesisers stop within 0-9 ms, gated real takes release over 9-560 ms (5 ms gates: 9-28)
# ... as written. Through a lossy codec a stop lasts 10-30 ms at 44.1 kHz and up to 70 ms through AAC at 16 kHz, as the
# 5 ms gates' releases do (AAC at 44.1 kHz, 64 kbit/s: stops 2-29 ms, gates 8-24), so no bound per codec separates
# them (a bound above the stops, 30 ms, put 20 -> 45 of 160 gated real takes beyond PLAUSIBLE_DB there); a stop the
# codec drew out is told by its course instead (module docstring, `smeared_stop`). Tuning releases of 10 ms or more
# whose course is stepped, eight channels: the gates' 5 ms level lay 9 dB or more below the loud frames in the 10 ms
# before their last speech (9: MP3 64 kbit/s and 44.1 kHz PCM; 19 or more under AAC at 44.1 kHz), the stops' up to 2:
STOP_DB = 8.0  # a stop: the speech lay within this of the loud frames in the STOP_SECONDS before its last 5 ms
STOP_SECONDS = 0.01
COURSE_SECONDS = 0.001  # a release's level course is read over 1 ms, each 1 ms, to 3 ms past its silence
COURSE_BEYOND_SECONDS = 0.003
COURSE_FLOOR_DB = 120.0  # levels below this (re the loud frames) are read as this: exact zeros have no level
STEPS_16 = 2 ** 15  # a 16-bit file's steps to full scale: a release on them was written as it sounds, not decoded


def zero_runs(audio):
    """[(start, stop)] of the runs of exact zeros in `audio` (at the speech rate) of at least ZERO_RUN_SECONDS."""
    edges = np.diff(np.concatenate([[0], (np.asarray(audio) == 0).astype(np.int8), [0]]))
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    long = stops - starts >= samples(ZERO_RUN_SECONDS, SPEECH_RATE)
    return list(zip(starts[long].tolist(), stops[long].tolist()))


def _level(audio, seconds):
    """The power of `audio` (at the speech rate) over `seconds` about each sample."""
    n = samples(seconds, SPEECH_RATE)
    return np.convolve(audio ** 2, np.ones(n) / n, "same")


def _reached(audio, loud):
    """(samples of `audio` whose 5 ms level lies within SPEECH_DB of the loud power `loud`, non-zero samples whose
    level lies within PLAUSIBLE_DB of it)."""
    level = _level(audio, LEVEL_SECONDS)
    speech = np.flatnonzero(level >= loud * 10 ** (-SPEECH_DB / 10))
    return speech, np.flatnonzero((level >= loud * 10 ** (-PLAUSIBLE_DB / 10)) & (audio != 0))


def releases(audio, loud):
    """[(last speech sample before the silence reaching the run or None, start of that silence, stop of the run)]
    of each zero run of `audio` (at the speech rate; `loud`: the power of its loud frames, padding.loud_power)."""
    audio = np.asarray(audio, dtype=np.float64)
    speech, sounding = _reached(audio, loud)
    out = []
    for start, stop in zero_runs(audio):
        before = np.searchsorted(sounding, start)
        silence = int(sounding[before - 1]) + 1 if before else 0
        spoken = np.searchsorted(speech, silence)
        out.append((int(speech[spoken - 1]) if spoken else None, silence, stop))
    return out


def closed_start(audio, loud):
    """How many samples at the start of `audio` lie before its first sound within PLAUSIBLE_DB of the loud power
    `loud` (module docstring: a gate closed before the first word); 0 when that stretch is shorter than
    ZERO_RUN_SECONDS."""
    sounding = _reached(np.asarray(audio, dtype=np.float64), loud)[1]
    first = int(sounding[0]) if sounding.size else len(audio)
    return first if first >= samples(ZERO_RUN_SECONDS, SPEECH_RATE) else 0


def stepped(course):
    """Whether two constant levels, one after the other, fit `course` (dB) with a smaller squared error than a
    straight line does (a codec's noise held for a block, then gone; against a gate's gain falling exponentially)."""
    y = np.asarray(course, dtype=np.float64)
    t = np.arange(y.size)
    line = np.sum((np.polyval(np.polyfit(t, y, 1), t) - y) ** 2)
    k = np.arange(2, y.size - 1)
    total, squares = np.cumsum(y), np.cumsum(y ** 2)
    before = squares[k - 1] - total[k - 1] ** 2 / k
    after = squares[-1] - squares[k - 1] - (total[-1] - total[k - 1]) ** 2 / (y.size - k)
    return bool(k.size) and line > float(np.min(before + after))


def smeared_stop(audio, loud, last, silence):
    """Whether the release of `audio` from its last speech `last` to `silence` is a synthesiser's stop a codec drew
    out (module docstring): a decoder or resampler wrote it (samples off the 16-bit grid), its 5 ms level lay within
    STOP_DB of the loud power `loud` in the STOP_SECONDS before `last`, and its level course is `stepped`."""
    if not np.any(np.modf(audio[last:silence] * STEPS_16)[0]):
        return False
    before = _level(audio[max(0, last - samples(STOP_SECONDS + LEVEL_SECONDS, SPEECH_RATE)):last + 1], LEVEL_SECONDS)
    if before[-samples(STOP_SECONDS, SPEECH_RATE) - 1:].max() < loud * 10 ** (-STOP_DB / 10):
        return False
    n = samples(COURSE_SECONDS, SPEECH_RATE)
    span = audio[max(0, last - n):silence + samples(COURSE_BEYOND_SECONDS, SPEECH_RATE) + n]
    course = _level(span, COURSE_SECONDS)[last - max(0, last - n):][:-n or None][::n]
    return stepped(10 * np.log10(np.maximum(course / loud, 10 ** (-COURSE_FLOOR_DB / 10))))


def released(audio, loud):
    """Boolean mask of the samples of `audio` that a gate's slow release and its zero run, or a gate closed before the
    first word, wrote (module docstring); a stop a codec drew out is not a release."""
    audio = np.asarray(audio, dtype=np.float64)
    mask = np.zeros(len(audio), dtype=bool)
    mask[:closed_start(audio, loud)] = True
    for last, silence, stop in releases(audio, loud):
        if last is not None and silence - last >= samples(MIN_RELEASE_SECONDS, SPEECH_RATE) and not smeared_stop(
                audio, loud, last, silence):
            mask[last + 1:stop] = True
    return mask
