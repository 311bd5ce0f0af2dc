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
the fifteenth pass) and below most such gates (docs/verdicts.md, "Decoded, fast-gated and padded speech").

A gate closed before the first word leaves zeros no release reaches. At the speech rate they are padding
(engine/data/padding.py); at another rate they rarely have a length a script pads to, and the resampler to the
speech rate lays faint pre-ringing (90-170 dB down) into them, so they read as a synthesiser's silence (FSDD takes
through a gate and resampled to 44.1 kHz: 24-58 of 160 beyond PLAUSIBLE_DB, none as 8 kHz WAVs). Before its first
sound nothing tells a closed gate from a synthesiser's lead-in, and a synthesiser's stop after its speech says what
it is, so the faint stretch before a recording's first sound within PLAUSIBLE_DB of its loud frames, when
ZERO_RUN_SECONDS or longer, is not read (`closed_start`): the gated takes 5-10 of 160 through 44.1 kHz PCM, MP3 and
Vorbis (untouched), 130 synthesised digits as written and through them 1 reading of 780 fewer beyond it
(docs/verdicts.md, "Lossy speech: noisy real takes judged whole, and the gate rule under codec smear"). The price: a
synthesiser whose only silence is its lead-in (no stop into zeros or near-silence after its speech) is not read there.
"""
import numpy as np

from engine.data.padding import PLAUSIBLE_DB, SPEECH_RATE, samples

SPEECH_DB = 40.0  # a 5 ms stretch within this of the loud frames is speech (or a gate's open stretch)
LEVEL_SECONDS = 0.005  # the level is read over 5 ms
ZERO_RUN_SECONDS = 0.02  # a run of exact zeros this long is a closed gate or a synthesiser's silence
MIN_RELEASE_SECONDS = 0.01  # synthesisers stop within 0-9 ms, gated real takes release over 9-560 ms (5 ms gates: 9-28)


def zero_runs(audio):
    """[(start, stop)] of the runs of exact zeros in `audio` (at the speech rate) of at least ZERO_RUN_SECONDS."""
    edges = np.diff(np.concatenate([[0], (np.asarray(audio) == 0).astype(np.int8), [0]]))
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    long = stops - starts >= samples(ZERO_RUN_SECONDS, SPEECH_RATE)
    return list(zip(starts[long].tolist(), stops[long].tolist()))


def _reached(audio, loud):
    """(samples of `audio` whose 5 ms level lies within SPEECH_DB of the loud power `loud`, non-zero samples whose
    level lies within PLAUSIBLE_DB of it)."""
    n = samples(LEVEL_SECONDS, SPEECH_RATE)
    level = np.convolve(audio ** 2, np.ones(n) / n, "same")
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


def released(audio, loud):
    """Boolean mask of the samples of `audio` that a gate's slow release and its zero run, or a gate closed before the
    first word, wrote (module docstring)."""
    mask = np.zeros(len(audio), dtype=bool)
    mask[:closed_start(audio, loud)] = True
    for last, silence, stop in releases(audio, loud):
        if last is not None and silence - last >= samples(MIN_RELEASE_SECONDS, SPEECH_RATE):
            mask[last + 1:stop] = True
    return mask
