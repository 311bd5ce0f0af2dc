"""Noise floor: how far a recording's quietest moments lie below its speech.

A microphone recording always carries a floor of room and self-noise: it never falls
silent. Speech synthesised and written straight to a file (formant and rule-based
synthesisers, concatenative and statistical ones, most text-to-speech front ends) is
computed sample by sample, and between and around the words it is exactly or nearly 0.
The trait is generic, not one synthesiser's fingerprint: digital silence and an
implausibly low floor are the first things anti-spoofing work checks (ASVspoof 2019/2021
analyses of leading/trailing silence; Müller et al. 2021, "Speech is silver, silence is
golden"). The statistic, on the waveform at the speech rate (engine/data/representations.py):

    depth = 10 log10(mean power of the loudest LOUD_SHARE of 20 ms frames / FLOOR_QUANTILE
            quantile of the frame powers)      [dB; a frame's power about its mean; frames
            entirely silent count as DEPTH_CAP dB down, and MIN_SILENT_FRAMES of them or more
            are the floor whatever their share]

A ratio of powers, so any gain leaves it unchanged (requantising a quieter copy to 16 bits
only raises the floor; a floor at the 16-bit step is read as below); noise added on the way (a
channel, a noisier room) only makes it shallower. How deep a real floor lies depends on the room,
not on the voice: the four FSDD speakers' floors lie 9-65 dB down (one quiet room reaches 65, the
others at most 52), so a score graded by depth, calibrated on some rooms, calls a quieter room synthetic (13 of 100
recordings of the quiet-room speaker, left out of the reference, labelled generated). The
score therefore counts only depth beyond what a microphone in a room records:

    score = max(0, depth - PLAUSIBLE_DB)

zero for every real recording seen (PLAUSIBLE_DB = 70 dB: 5 dB beyond the deepest of 2,000
FSDD recordings), positive for digital silence (300 dB) and near-silence. It fits nothing:
every reference recording kept in the profile (`ref_audio`) calibrates it, and under an audio
channel the channelled reference recordings do (engine/detectors/channels.py). When they all
score 0, a positive score gets the conformal floor 1/(n+1), which the combination's floor
weights let decide (engine/detectors/calibration.py) when n + 1 >= 1/alpha: a reference of fewer
than 100 recordings cannot use it at alpha = 1 %.

Digital silence is read by its count as well as its share (`silent_frames`): a sentence of several seconds that a
synthesiser closes with 0.3 s of zeros (espeak-ng, MBROLA) holds them in fewer than a tenth of its frames, so the
quietest tenth was its quietest speech, 29-63 dB down (docs/studies.md, "Rule-based synthesisers as written",
fifty-eighth pass); MIN_SILENT_FRAMES kept frames of exact silence read as the floor. A run set aside below (padding,
a gate's closed stretches, a coarse recorder's silence) is no such frame, and a G.711 file's zeros are read by their
share alone, at the codec's first decision level (the codec writes a loud take's quiet floor as zeros).

Padding is set aside (`unpadded`): the constant runs at a recording's ends (exact zeros or a
constant offset, with an 8-bit recorder's own steady silence next to them) are not read when the
recording carries a microphone's floor right up to them (its 20 ms next to them lie within
PLAUSIBLE_DB of its loud frames): an editor or a dataset script put them there (zeros at both
ends, padding to 1 s as speech-command sets do). A synthesiser's signal decays into its
silence, beyond any microphone's floor, and those runs stay; digital silence inside a recording
always counts. A synthesiser's abrupt stop into its zeros looks like a trimmed take's, so at
another rate than 8 kHz only runs of a round length, or equally long at both ends, count as padding, and so do runs
a fade's tail rounded to a 16-bit step enters, of any length (engine/data/padding.py). A file kept as written
(16-bit PCM above 8 kHz: Batch.native) has those rules applied to its own samples, where its lengths are exact, and
the runs they kept are not read again by length at 8 kHz (`judged_as_written`), where one sample is 2.8 of 22.05 kHz:
espeak-ng's 14,330-sample "five" at 190 words a minute, 2.5 samples off a round 0.65 s as written, had read as padded
to 0.65 s there (docs/studies.md, "Synthesisers below the goal", forty-second pass).
The price: a synthesiser's output padded to a round length, or written at 8 kHz with its zeros
exact, is read without them (espeak-ng `en` padded to 1 s at 22.05 kHz: 26 of 40 by the whole
verdict, 40 of 40 unpadded).

A floor at a 16-bit step's rounding is read no deeper than that (`rounded_floor`): a noise suppressor after
the microphone (a phone's, a conferencing tool's: spectral subtraction, a Wiener gain, a spectral gate, a band
gain with a floor) takes a quiet room's pauses below one step, and written at 16 bits they become a residual
rounded to 0 and a step or two (0.7-0.9 step RMS), 70-80 dB below a quiet speaker's loud frames. A synthesiser's
near-silence written at 16 bits is the same rounding (espeak-ng `en+f3`'s decay: 0.55-0.9 step), so the depth
there measures the speech level over the step, not the source, and a floor between `sub_step` and ROUNDING_STEPS
steps RMS is read as ROUNDING_STEPS steps (`sub_step`: SUB_STEP for a file written at 8 kHz, less for one written at a
higher rate, whose lone steps read fainter once brought to 8 kHz: a Speech Commands clip's 16-kHz residue through MP3
read 0.041 step, below the 8-kHz bound, and 85 dB down; docs/studies.md, "A sub-step floor at the file's own rate") (quiet-room takes through the suppressors measured: 4-17 % beyond
PLAUSIBLE_DB before, 0-3 % after; docs/studies.md, "Suppressed and decoded real speech"). A browser's suppressor
under speech gain-controlled near full scale leaves more: 1.7-2.7 steps RMS, 70-76 dB below the loud frames (Speech
Commands' crowd-sourced clips), so ROUNDING_STEPS is 4 (those clips' floors beyond PLAUSIBLE_DB: 9 of 300 at two
steps, 0 at four; docs/studies.md, "Suppressed and faded real speech", thirty-second pass). Exact digital
silence still counts, and so does a floor far below a step, which no 16-bit rounding leaves (a float or 24-bit
file's own near-silence). The price: a synthesiser's near-silence written at 16 bits is not read (`en+f3`: 13 of
20 files beyond it before, 1 after two steps; at four, 6 more of the 302 synthesised files measured beyond it:
espeak-ng `en-f4` 3, a Pico digit, two tuning variants), and the depth is no longer gain-invariant once a quiet
copy's floor reaches four steps (it only reads shallower: the quiet-room speaker's deepest reference take 63 -> 61 dB).

A floor read from a G.711 file (mu-law, A-law: every sample on the codec's decoding table) is read no deeper than
the codec's first decision level (`codec_floor`, engine/data/companding.py): the codec writes any quieter floor as
digital silence or one code, so its zeros say nothing about the source (unseen speakers' clips through mu-law and
A-law at 8 kHz: 3 and 4 of 100 labelled generated so before; docs/studies.md, "A quiet floor through G.711",
thirty-sixth pass). The price: through A-law no floor reads beyond PLAUSIBLE_DB, through mu-law only beneath loud
frames above -8 dB of full scale, so a synthesiser's silence through G.711 is not read.

A coarse recorder's clicks are set aside too (engine/detectors/recorder_clicks.py): a burst between runs of exact zeros
whose samples reach half an 8-bit step on at most 15 ms' worth of samples is an 8-bit recorder's floor crossing half a
step, and it and the zero runs next to it are the recorder's silence, which a transform codec keeps as zeros while it
erases the 8-bit grid that sets noise-floor aside as written (one speaker's 8-bit digits through Opus 24 kbit/s: 3 of
20 labelled generated by noise-floor before; docs/studies.md, "An 8-bit recorder's clicks through Opus and MP3",
thirty-ninth pass). Since the forty-first pass a click at a quarter step (a step under a noise reducer's 12 dB floor
gain) counts, and so does a burst of at most 40 ms whose other samples are a filter's ringing (an editor's band filter,
which keeps the zeros and spreads the grid; wlhjkl's 8-bit digits through ffmpeg's afftdn and band filter: 6 and 6 of
20 read beyond any microphone before, 0 and 0 after; docs/studies.md, "8-bit speech through an editor's
clean-ups", forty-first pass).

Digital silence requantised with triangular dither (SoX's default when it resamples to 16 bits) is read as the
silence it dithers: a stretch of 50 ms or more whose samples lie within one step of a constant in the dither's exact
proportions, uncorrelated (engine/detectors/dithered_silence.py); no microphone's floor, suppressed or gated, was
found so (docs/studies.md, "espeak-ng's variants", thirtieth pass).

A noise gate's closed stretches are set aside too (engine/detectors/gate_release.py): a run of exact zeros
that the speech reaches only after MIN_RELEASE_SECONDS (10 ms) or more of sound fading through the depths a
microphone records (a gate's release over the speech's tail and the room's floor) is not read, nor is its
release. A synthesiser drops from its speech straight beyond them (espeak-ng and MBROLA voices 0-9 ms) and its
zeros count; a stop a lossy codec drew out past 10 ms is told from a release by its course (`smeared_stop`: from
full speech, a level held and then dropped, not falling as a gate's gain). A synthesiser put through a gate reads as
gated: an evasion, as added noise is. Nor is the faint
stretch before a recording's first sound read (a gate closed before the first word, its zeros carrying a
resampler's ringing at rates other than 8 kHz): a synthesiser says what it is by its stop after the speech.

A converter held at its limit is set aside too (`clipping.held`): a recorder saturating as it starts writes one
value at full scale for half a second, whose frames have no power about their mean, as digital silence has none
(a real set of command words: 2 of 150 labelled generated so, at any gain after it; docs/studies.md, "Red team:
speech as a checker prepares it", fifty-fifth pass). No synthesiser writes its silence a quarter of its peak or more
off zero.

A file written at another rate is read at SPEECH_RATE with the resampler's residue in its zero runs written as
the zeros they were (`representations.to_speech_rate`): an 8-bit recorder's pauses written at 16 or 44.1 kHz, as WAV
or MP3, had read 159-169 dB below the speech, their exact zeros, which mark the recorder's silence for the rules
above, gone (docs/studies.md, "A resampler's residue in an 8-bit recorder's pauses", forty-second pass).

It needs the waveform: a file that reaches the verdict as mel patches (a generator's .npy)
has none, and the detector stands aside for it (weight 0). What it cannot see: a
synthesiser whose output carries a noise floor of its own (the LPC diphone voices of flite and
festival; Griffin-Lim inversion or LPC resynthesis of real recordings inherits theirs; noise
added at 30 dB SNR fills any silence), measured in docs/verdicts.md. What it wrongly calls
synthetic: a real recording from a quiet room whose quiet parts were made digitally silent after
the microphone where no zero run follows the gate's release (a suppressor whose gain rounds the pauses to
exact zeros), a recording whose pauses a suppressor or a gate's release took to the 16-bit step while its loud
frames lie more than 70 dB above four steps, a gate or a muting VAD releasing within 10 ms, an editor's silence
cut in straight from the speech (takes joined by zeros, or muted across the join: 12 of 20 each), or a fade through
louder sound into zeros that leaves the word's level within 25 ms of them (padding.fades_out);
measured in docs/studies.md ("Padded, faded, gated and noise-suppressed real speech"; "Gated real speech:
the gate's release set aside"; "Rule-based synthesisers as written"). A quiet room's floor lies below the
speech's own spectral valleys, so nothing read under the speech tells such a recording from a synthesiser's
silence (ibid., "Gated and noise-suppressed real speech: the floor under the speech").
"""
import numpy as np

from engine.data import companding
from engine.data.clipping import held
from engine.data.padding import FRAME, HOP, LOUD_SHARE, PLAUSIBLE_DB, STEP_16, frame_powers, loud_power, unpadded
from engine.data.representations import SPEECH_RATE
from engine.detectors import calibration
from engine.detectors.detector import RecordingDetector
from engine.detectors.dithered_silence import dithered_runs, undithered
from engine.detectors.gate_release import released
from engine.detectors.recorder_clicks import click_silence

FLOOR_QUANTILE = 0.1  # the floor: the quietest tenth of the frames
DEPTH_CAP = 300.0  # dB; a frame of exact digital silence counts as this far down
# Frames of exact digital silence that the padding, gate and click rules kept, this many or more, are the floor
# whatever their share: a microphone's floor is no such frame, but a synthesiser's sentence of 3-4 s holds its
# 0.3 s of closing zeros in 5-8 % of its frames, under the quietest tenth (module docstring). Twice the most that
# real recordings kept: 4 (two of 4,074 Speech Commands clips), 1 of 3,300 FSDD takes (every take of its six
# speakers, and one set through five channels); espeak-ng's sentences at 240 words a minute keep 8.
MIN_SILENT_FRAMES = 8
ROUNDING_STEPS = 4.0  # a floor up to this RMS (in 16-bit steps) is a suppressor's residual rounded to 16 bits ...
SUB_STEP = 0.05  # ... down to this at 8 kHz: one step in a 20 ms frame of zeros is 0.08; below, a wider file's own floor


def sub_step(rate):
    """SUB_STEP for a file written at `rate` Hz and read at SPEECH_RATE: a lone step in a 20 ms frame of 0.02 * rate
    samples has power 1 / (0.02 * rate) steps squared, of which the band below 4 kHz keeps SPEECH_RATE / rate, so
    its RMS as read falls as 1 / rate (0.079 steps at 8 kHz, 0.040 at 16 kHz, 0.013 at 48 kHz)."""
    return SUB_STEP * SPEECH_RATE / max(rate, SPEECH_RATE)


def rounded_floor(floor, rate=SPEECH_RATE):
    """The floor (frame power) read: one that 16-bit rounding of a residual below a step explains (RMS between
    sub_step(rate) and ROUNDING_STEPS steps) is read at ROUNDING_STEPS steps (the module docstring)."""
    if (sub_step(rate) * STEP_16) ** 2 <= floor < (ROUNDING_STEPS * STEP_16) ** 2:
        return (ROUNDING_STEPS * STEP_16) ** 2
    return floor


def codec_floor(audio):
    """The shallowest floor (frame power) a recording's samples can show: a G.711 codec's first decision level
    squared where every sample lies on its table (engine/data/companding.py), else 0."""
    level = companding.decision_level(audio)
    return 0.0 if level is None else level ** 2


def floor_depth(audio, rate=SPEECH_RATE, judged_as_written=False):
    """(depth in dB, share of the frames read that are exact digital silence, padding samples set aside, samples of
    a gate's release and closed stretches, and of a recorder's clicks and the zero runs next to them, set aside) of one
    recording written at `rate` Hz (read at SPEECH_RATE; `judged_as_written`: its padding was read on its samples as
    written, padding.unpadded);
    depth 0 for a recording with no signal at all (nothing to say about its floor)."""
    audio = np.asarray(audio, dtype=np.float64)
    start, stop = unpadded(audio, judged_as_written=judged_as_written)
    inner = undithered(audio[start:stop])[0]  # a requantiser's dither on digital silence read as the silence
    power = frame_powers(inner)
    loud = loud_power(power)
    if loud <= 0:
        return 0.0, 1.0, audio.size - (stop - start), 0
    # a gate's, a coarse recorder's silence by its clicks, or a converter held at its limit (engine/data/clipping.py)
    gated = released(inner, loud) | click_silence(inner) | held(inner, FRAME)
    touched = np.concatenate([[0], np.cumsum(gated)])  # the frames read touch no sample a gate wrote
    first = np.arange(power.size) * HOP
    read = power[touched[np.minimum(first + FRAME, gated.size)] == touched[first]]
    if read.size == 0:
        return 0.0, 0.0, audio.size - (stop - start), int(gated.sum())
    codec = codec_floor(audio)
    quiet = 0.0 if silent_frames(read) and not codec else float(np.quantile(read, FLOOR_QUANTILE))
    floor = max(rounded_floor(quiet, rate), codec, loud * 10 ** (-DEPTH_CAP / 10))
    return (float(10 * np.log10(loud / floor)), float(np.mean(read == 0)), audio.size - (stop - start),
            int(gated.sum()))


def silent_frames(read):
    """Whether the frame powers read hold MIN_SILENT_FRAMES or more of exact digital silence (floor_depth reads them
    as the floor, but for a G.711 file)."""
    return np.count_nonzero(read == 0) >= MIN_SILENT_FRAMES


def kept_as_written(batch, g):
    """Whether the batch keeps file g's samples as written (Batch.native; a reason asked without a batch: no)."""
    return batch is not None and batch.native[g] is not None


def depths(recordings, rate=SPEECH_RATE, as_written=None):
    """(n,) floor depth of each recording written at `rate` Hz (None -> 0: no waveform, the detector stands aside);
    `as_written`: per recording, whether its padding was read on its samples as written (floor_depth)."""
    as_written = [False] * len(recordings) if as_written is None else as_written
    return np.array([floor_depth(a, rate, kept)[0] if a is not None else 0.0
                     for a, kept in zip(recordings, as_written)])


def depth_scores(depth):
    """The scores of floor depths (dB): the depth beyond PLAUSIBLE_DB, 0 within it."""
    return np.maximum(0.0, np.asarray(depth, dtype=np.float64) - PLAUSIBLE_DB)


class NoiseFloor(RecordingDetector):
    name = "noise-floor"
    arrays = ("cal_noise_floor", "noise_floor_depth_max")

    def score_recordings(self, recordings):
        return depth_scores(depths(recordings, self.rate))

    def scores(self, batch):
        """score_recordings; a file the batch keeps as written (Batch.native: 16-bit PCM above the speech rate, its
        padding read on those samples by representations.to_speech_rate) is read with judged_as_written."""
        recordings = batch.recordings()
        kept = [kept_as_written(batch, g) for g in range(len(recordings))]
        return depth_scores(depths(recordings, self.rate, kept))

    @classmethod
    def calibrate(cls, audio, rate=SPEECH_RATE):
        """The profile arrays of a list of reference recordings (clean, or through a channel whose files are written
        at `rate` Hz: its evidence is read with the same sub-step bound, kept as `noise_floor_rate` where not
        SPEECH_RATE, so that profiles keep the arrays they always had)."""
        depth = depths(audio, rate)
        arrays = {"cal_noise_floor": depth_scores(depth), "noise_floor_depth_max": np.array(depth.max())}
        return arrays if rate == SPEECH_RATE else {**arrays, "noise_floor_rate": np.array(rate)}

    def __init__(self, profile):
        self.tail = calibration.tail_model(profile["cal_noise_floor"])
        self.deepest = float(profile["noise_floor_depth_max"])
        self.rate = int(profile.get("noise_floor_rate", SPEECH_RATE))  # the rate its channel's files are written at
        self.method = (f"depth (dB) of the recording's noise floor ({FLOOR_QUANTILE:.0%} quantile of its 20 ms "
                       f"frame powers) below its loudest {LOUD_SHARE:.0%} of frames, from the waveform, beyond "
                       f"{PLAUSIBLE_DB:.0f} dB: a microphone never falls silent, synthesised speech written to a "
                       f"file does; a noise gate's slow releases into zeros set aside; triangular dither on digital "
                       f"silence read as the silence; a floor at a 16-bit step's rounding read as "
                       f"{ROUNDING_STEPS:.0f} steps, through G.711 at the codec's first decision level; "
                       f"gain-invariant above it; calibrated on every "
                       f"kept reference recording")

    def recording_reason(self, audio, batch, g, score, p):
        depth, silent, padding, gated = floor_depth(audio, self.rate, kept_as_written(batch, g))
        if depth <= PLAUSIBLE_DB:
            reading = f"within what a microphone records (up to {PLAUSIBLE_DB:.0f} dB)"
            codec = companding.codec(audio) if silent > 0 else None
            if codec:
                reading += (f", its {silent:.0%} of frames of digital silence read at {codec}'s first decision "
                            f"level, below which the codec writes any floor so")
        elif silent > 0:
            dithered = sum(b - a for a, b, _ in dithered_runs(audio)) / SPEECH_RATE
            under = f" ({dithered:.2f} s of it under a requantiser's triangular dither)" if dithered else ""
            reading = f"beyond any microphone recording: {silent:.0%} of its frames are exact digital silence{under}"
        else:
            reading = f"beyond what a microphone records ({PLAUSIBLE_DB:.0f} dB), as a synthesiser's near-silence is"
        aside = [f"{padding / SPEECH_RATE:.2f} s of constant padding at its ends"] if padding >= FRAME else []
        aside += [f"{gated / SPEECH_RATE:.2f} s of a noise gate's releases and closed stretches, of a coarse "
                  f"recorder's clicks and the zeros next to them, or of a converter held at its limit"] if gated else []
        padded = f" ({' and '.join(aside)} set aside)" if aside else ""
        # kept silent frames fewer than a tenth of those read, read as the floor by their count (silent_frames)
        counted = 0 < silent < FLOOR_QUANTILE and depth >= DEPTH_CAP
        part = "the digital silence" if counted else "the quietest tenth"
        return (f"noise-floor: {part} of the recording{padded} lies {depth:.0f} dB below its loud frames, "
                f"{reading} (reference recordings: at most {self.deepest:.0f} dB); tail probability {p:.2g}")
