"""Synthetic voice: a model trained on voices no case reference holds, calibrated on the case's own.

A detector fitted on a case's reference learns its three or four speakers (docs/studies.md, fourth
and fifth passes). This one is trained once, outside any case, on two FSDD speakers that no built-in
reference uses (theo, yweweler) and, since the thirty-sixth pass, on Speech Commands clips of 75 more speakers no
evaluation set uses (trained on two alone, a clean take of a voice unlike theirs read as synthesis now and then:
docs/studies.md, "synthetic-voice's real side", thirty-sixth pass) against 128 text-to-speech voices of three
engines (espeak-ng, flite, festival) saying the digits, flite's and festival's also at other pitches, and against the
two speakers' own recordings re-synthesised by an LPC vocoder and by Griffin-Lim (eighth pass). Each
recording is at 8 kHz with its silence trimmed, with a recorded noise floor added and requantised to 8
bits, some also in a small room, so that neither silence, a recorder nor a room marks a class. Its
weights ship as plain arrays (resources/models/synthetic_voice.npz and its sidecar .json).

The statistic, on the waveform at the speech rate, brought to one level (its loudest quarter of 20 ms
frames at unit power: a gain changes nothing):

- 32 ms frames every 10 ms; speech frames are those within SPEECH_DB of the loud frames;
- per speech frame: log energies of N_BANDS linear bands to 4 kHz, their cepstrum (c1..c16, c0
  dropped), deltas and delta-deltas; spectral flatness over the band and over 2-4 kHz; the cepstral
  peak prominence (a voice's harmonicity); the kurtosis of the order-10 LPC residual (an impulse
  excitation leaves a peaky one);
- per recording (`features`): log standard deviation of each cepstral coefficient (a statistical
  voice's trajectories are smoothed), log mean |delta| and |delta-delta| of each, quantiles of the
  flatness, prominence and residual kurtosis, the log energy's mean |delta| and |delta-delta|;
- score = the logit of a small network over these (`synthetic_logit`: standardised, one hidden layer
  of 32 ReLU units), trained by tests/benchmarks/test_bench_outside_voices.py.

It was trained on single digits: a recording 1.5 times the reference's median length or longer is judged in
segments of that length, their tail probabilities merged by Hommel's rule (engine/detectors/segments.py). A segment
holding fewer than MIN_SEGMENT_FRAMES frames at the recording's own speech level (within SPEECH_DB of its loud frames)
scores 0, as silence does: brought to one level alone, a word's onset or tail, a breath or the background before the
word read as synthesis, +7.6 to +16.9 on real 1-s clips and 8-bit takes (docs/studies.md, "Clean voices recorded
elsewhere", thirty-fourth pass).

A word judged whole (not continuous speech with a recorder's floor) is read also over its voiced frames alone
(`features(audio, voiced=True)`), calibrated on the kept reference recordings read alike (VOICED_KEY): a short word
mostly fricative noise dilutes what its voiced frames carry. The smaller of the two tail probabilities, doubled, is
the word's (`SyntheticVoice.scores`; docs/studies.md, "Short words read over their voiced frames", forty-sixth pass).
A word of 10-14 voiced frames is read against the kept takes holding 10 or more read alike (SHORT_VOICED_KEY), a
reading of few frames lying higher than one of many (docs/studies.md, "The rule-based synthesisers' short words",
forty-seventh pass).

What it reads as synthetic besides synthesis is a clean recording set-up: studio read speech (a low floor, sharp
harmonics, wide cepstral dynamics) lies in the tail of a reference of noisy 8 kHz digits (LJ Speech, other
corpora's read sentences: docs/studies.md, "Speech recorded elsewhere", thirteenth to fifteenth pass), and a
segment cut from continuous speech is not a digit take. So continuous speech (its `segments.speech_duration`, without the
silence around it, at least the WHOLE_BELOW segment lengths beyond which a recording is judged in segments) whose
floor above 1 kHz is a recorder's (`recorded_floor` no deeper than STUDIO_FLOOR_DB or the outside recordings'
deepest) is judged against the reference's calibration and, apart, against pieces of real continuous speech of outside
set-ups (OUTSIDE: 21 speakers' film, interview and audiobook clips cut as case T's recordings; a union tail, so
its tail probability is the larger of the two and stays valid for a real file of either kind). Studio read
speech (CMU Arctic, Japanese studio corpora) has floors to -82 dB, deeper than any outside clip's, and its pieces
lie within the outside part's range (docs/studies.md, "Studio read speech", twenty-ninth pass), so the gate is
STUDIO_FLOOR_DB when that is the deeper. A word, however much silence pads it, and a synthesiser writing digital
silence or a floor deeper than a studio's are judged against the reference alone. Concatenated units of a
recorded voice (festival's diphone voices, flite's cluster voices) keep their recorder's floor: their sentences are
judged with the outside part too, and some pass (docs/studies.md, fifteenth pass).

Its calibration is the case's, scored by the shipped model (a profile records which: MODEL_KEY; where another model
scored it, the detector stands aside, saying so, until the case is made anew): every reference recording kept in the profile (at least MIN_KEPT), or
them through the evidence's codec (engine/detectors/channels.py), as noise-floor's, or brought up to a noisy
file's floor (joined with the clean calibration: the larger tail probability); for a recording read as
band-limited it stands aside (channel_limits.BAND_LIMIT_MOVES_VOICE), unless the file is PCM with no codec read and
either its band edge lies at LOW_PASS_LOWERS_FROM_HZ or above with no added noise read (a low-pass there lowers the
model's reading of real speech; SVOX Pico resampled to 8 kHz reads as band-limited at 2.9-3.4 kHz: docs/studies.md,
"SVOX Pico resampled to 8 kHz", forty-fifth pass) or its floor above 1 kHz lies deeper than a studio's and every
outside recording's (`written_to_file`): a synthesiser writing to a file (SVOX Pico's weak upper band reads as a band
limit at 1.3-3.6 kHz on short words; no real file of 2,900 seen, nor real takes through an editor's band filters
after a noise suppressor, read so: "SVOX Pico's floor against its own grid, and its band limit", forty-third pass);
either way judged against the reference as calibrated.
So it does, saying why, for a voice
pitched above every kept reference recording (`voiced_pitch`, the median period of its voiced frames): the
calibration holds no such voice, and a higher voice's harmonicity and cepstral dynamics read as synthesis (women's
and a child's digits against FSDD's men), unless its floor lies deeper than a studio's and every outside
recording's: a synthesiser writing to a file (SVOX Pico's voices lie just above FSDD's men) is judged as before.
It needs the waveform: a file that reaches the verdict as mel patches has none, and the detector stands aside
(weight 0).
"""
import functools
import hashlib

import numpy as np

from engine.analysis import lpc
from engine.data import representations
from engine.detectors import calibration, segments
from engine.detectors.detector import RecordingDetector, median

RATE = representations.SPEECH_RATE
FRAME, HOP = 256, 80
LEVEL_FRAME = 160  # 20 ms frames for the level, as noise_floor.py's
LOUD_SHARE = 0.25
SPEECH_DB = segments.SPEECH_DB  # as segments.py reads a recording's sound
N_BANDS = 24
N_CEPS = 16
LPC_ORDER = 10
EPS = 1e-8  # below any speech frame of a level-normalised recording (about -80 dB)
# -120 dB of full scale, below a 16-bit file's smallest step (-90 dB): no recorder writes a sound there, but an Opus
# decoder turns digital silence into float residue about -240 dB down, and a segment of a long recording holding only
# that scored +150 (an 8-bit recording's pauses through Opus 24 kbit/s: 20 of 20 labelled generated; docs/studies.md,
# "Spoken digits recorded elsewhere", thirty-third pass)
SILENT_PEAK = 1e-6
WEIGHTS = ("models", "synthetic_voice.npz")
# A profile's record of the model that scored its calibration (model_digest): a calibration holds one model's scores,
# and another model's read against it would be judged on the wrong scale.
MODEL_KEY = "synthetic_voice_model"
# Real speech of outside set-ups (tests/benchmarks/test_bench_studio_speech.py build): the network's features of its
# pieces, and each recording's recorded_floor.
OUTSIDE = ("models", "synthetic_voice_outside.npz")
# The deepest floor above 1 kHz (dB below the speech) read as a recorder's: studio read corpora's reach -82 dB (all
# but four of 61 tuning recordings above -80; docs/studies.md, twenty-ninth pass); espeak-ng's digital silence and
# most of Pico's output lie deeper.
STUDIO_FLOOR_DB = -80.0
# Real speakers' scores differ (FSDD's four: medians 2 units apart), so a bound set on a few recordings
# would be set by chance: a profile keeping fewer than MIN_KEPT recordings does not get the detector.
MIN_KEPT = 100
# Fewer frames than this at the recording's speech level and a segment holds a fragment, not a take: FSDD's 400 kept
# takes hold 12 at the fewest and 1 % of them fewer than 19; the fragments that read as synthesis on real clips
# (a word cut at a 1-s clip's middle, the clicks in an 8-bit recorder's silence) held 0-11.
MIN_SEGMENT_FRAMES = 15
# A voice pitched above every kept reference recording lies outside what the calibration holds: the network's
# harmonicity and cepstral-dynamics statistics rise with the pitch (a high voice's harmonics stand further apart), and
# against a reference of men's digits real women's and a child's takes read as synthesis (4 of the 5 outside digits it
# labelled generated in the thirty-seventh pass, pitched at 222-308 Hz against the FSDD reference's 178 Hz at most;
# docs/studies.md, "synthetic-voice above the reference's pitch", thirty-eighth pass). A frame is voiced where its
# normalised autocorrelation peaks at VOICED_R or more at a lag of PITCH_RANGE_HZ; a recording with fewer than
# MIN_VOICED_FRAMES voiced frames has no pitch to read (judged as before).
VOICED_R = 0.6
PITCH_RANGE_HZ = (60, 400)  # the lags the cepstral peak prominence is read at
MIN_VOICED_FRAMES = 5
# A word is also read over its voiced frames alone (`features(audio, voiced=True)`, calibrated on the kept reference
# recordings read alike, VOICED_KEY): a short word mostly fricative noise ("six", "seven") dilutes in its whole-word
# statistics what its voiced frames carry, and synthesisers' such words scored tails of 0.001-0.2 where the detector's
# share needs about 0.00125. The smaller of the two tail probabilities, doubled (Bonferroni), is the word's: 12 of the
# 38 misses among 360 tuning digits of nine synthesisers labelled generated, no real file moved (docs/studies.md,
# "Short words read over their voiced frames", forty-sixth pass). Fewer than MIN_VOICED_READ voiced frames give no
# such reading against VOICED_KEY: real 1-s clips with 6-11 read tails to 0.0001, and 347 of FSDD's 400 kept takes
# hold 15 or more.
MIN_VOICED_READ = 15
VOICED_KEY = "cal_synthetic_voice_voiced"
# A word of MIN_SHORT_VOICED_READ to MIN_VOICED_READ - 1 voiced frames (SVOX Pico's "six", "sit", "fix", "shift" hold
# 10-11) is read over them against its own calibration, SHORT_VOICED_KEY: the kept reference takes holding
# MIN_SHORT_VOICED_READ or more, read alike (370 of FSDD's 400), since a reading of few frames lies higher than one of
# many (real words of 10-14 frames reach that calibration's tail 2-5 times as often as it says: 7 of 169 tuning words
# under 0.01). Joined to VOICED_KEY's calibration, its short takes raised every word's voiced tail and cost 8 tuning
# words the whole word had caught; apart, the words of 15 or more are read as the forty-sixth pass read them
# (docs/studies.md, "The rule-based synthesisers' short words", forty-seventh pass). 6-8 frames read wild (real 1-s
# clips to tails of 0.0001).
MIN_SHORT_VOICED_READ = 10
SHORT_VOICED_KEY = "cal_synthetic_voice_voiced_short"
# A low-pass from this edge up lowers the model's reading of real speech saved as 16-bit: 551 real 8 kHz takes
# (FSDD held-out takes 45-49 of the reference's speakers; Speech Commands, outside digits and clips resampled to 8 kHz)
# low-passed at 2.5, 2.8, 3, 3.2 and 3.4 kHz or band-passed at 300-3400 Hz scored a median 1.8-2.8 lower than as
# recorded (86-92 % of them lower, the 90th percentile of the change +0.24 at most), and none of the 462-484 per filter
# it would judge reached a tail probability of 0.01 against the full-band reference (the least 0.023). At 2 kHz a take
# not rounded to 16 bits after the filter scored higher as often as lower (docs/studies.md, "SVOX Pico resampled to
# 8 kHz", forty-fifth pass). So under a band limit at or above it a PCM file is judged against the reference as
# calibrated (channels.py VoiceAsideUnlessWritten): the stand-aside's ground (an unseen speaker's band-limited takes
# against a low-passed reference, 4 of 16, in the fourth pass, with an earlier model) was the reference's scores
# lowered by its low-pass.
LOW_PASS_LOWERS_FROM_HZ = 2500


def level_normalised(audio):
    """The recording with its loudest LOUD_SHARE of 20 ms frames at unit mean power."""
    audio = np.asarray(audio, dtype=np.float64)
    padded = np.pad(audio, (0, max(0, LEVEL_FRAME - audio.size)))
    power = np.sort((np.lib.stride_tricks.sliding_window_view(padded, LEVEL_FRAME)[::LEVEL_FRAME // 2] ** 2)
                    .mean(axis=1))
    loud = power[-max(1, int(round(LOUD_SHARE * power.size))):].mean()
    return audio / np.sqrt(loud) if loud > 0 else audio


@functools.lru_cache(maxsize=1)
def _filterbank():
    """(N_BANDS, FRAME // 2 + 1) triangular bands, equally spaced from 0 to 4 kHz."""
    bins = np.arange(FRAME // 2 + 1)
    edges = np.linspace(0, FRAME // 2, N_BANDS + 2)
    low, centre, high = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    return np.maximum(0, np.minimum((bins - low) / (centre - low), (high - bins) / (high - centre)))


def _deltas(x):
    """Regression deltas over +-2 frames (edges repeated)."""
    padded = np.pad(x, ((2, 2), (0, 0)), mode="edge")
    return (2 * (padded[4:] - padded[:-4]) + padded[3:-1] - padded[1:-3]) / 10


def _residual_kurtosis(frames):
    """Kurtosis of each frame's order-LPC_ORDER prediction residual (pre-emphasised, Hann window)."""
    out = np.full(frames.shape[0], np.nan)
    emphasised = np.diff(frames, axis=1, prepend=0) * np.hanning(FRAME)
    coefficients, solved = lpc.predictors(emphasised, LPC_ORDER)
    residual = lpc.prediction_errors(emphasised[solved], coefficients[solved], LPC_ORDER)
    centred = residual - residual.mean(axis=1, keepdims=True)
    out[solved] = np.mean(centred ** 4, axis=1) / (np.mean(centred ** 2, axis=1) ** 2 + 1e-30)
    return out


def _spectra(x):
    """(frames, power spectra) of the Hann-windowed FRAME-sample frames every HOP samples that `features` reads."""
    frames = np.lib.stride_tricks.sliding_window_view(x, FRAME)[::HOP]
    return frames, np.abs(np.fft.rfft(frames * np.hanning(FRAME), axis=1)) ** 2


def _speech(energy):
    """Which frames are speech: within SPEECH_DB of the loud ones (the 95th percentile of `energy`)."""
    return energy >= np.quantile(energy, 0.95) * 10 ** (-SPEECH_DB / 10)


def segment_speech_frames(audio, cuts):
    """(len(cuts) + 1,) per segment of `audio` cut at sample positions `cuts`, how many of the frames lying wholly in
    it are speech by the whole recording's loud frames (not the segment's own, which a segment of background alone
    sets as low as its background)."""
    x = np.asarray(audio, dtype=np.float64)
    edges = np.concatenate([[0], np.asarray(cuts, dtype=np.int64), [x.size]])
    if x.size < FRAME:
        return np.zeros(edges.size - 1, dtype=np.int64)
    speech = _speech(_spectra(x)[1].sum(axis=1))
    starts = np.arange(speech.size) * HOP
    return np.array([np.count_nonzero(speech & (starts >= low) & (starts + FRAME <= high))
                     for low, high in zip(edges[:-1], edges[1:])], dtype=np.int64)


def features(audio, voiced=False, min_voiced=MIN_VOICED_READ):
    """(N_FEATURES,) per-recording statistics of one recording at RATE (module docstring); None for a
    recording with fewer than 5 speech frames or none but digital silence, or a decoder's residue of it (a peak below
    SILENT_PEAK, which level_normalised would raise to a word's loudness). `voiced`: the same statistics over its
    voiced speech frames alone (`_voiced`), read in a row as if they were the recording (deltas across the gaps a
    fricative or a closure leaves), None with fewer than `min_voiced` of them (`voiced_scores`)."""
    return counted_features(audio, voiced, min_voiced)[0]


def counted_features(audio, voiced=False, min_voiced=MIN_VOICED_READ):
    """(`features`, the number of frames it read: 0 where it is None)."""
    if np.size(audio) == 0 or np.max(np.abs(audio)) < SILENT_PEAK:
        return None, 0
    x = level_normalised(audio)
    if x.size < FRAME + 4 * HOP:
        return None, 0
    frames, power = _spectra(x)
    energy = power.sum(axis=1)
    speech = _speech(energy)
    if speech.sum() < 5:
        return None, 0
    if voiced:
        speech[speech] = _voiced(frames[speech])[0]
        if speech.sum() < min_voiced:
            return None, 0
    power, frames = power[speech], frames[speech]
    bands = np.log(power @ _filterbank().T + EPS)
    from scipy.fft import dct

    ceps = dct(bands, type=2, norm="ortho", axis=1)[:, 1:N_CEPS + 1]
    d = _deltas(ceps)
    dd = _deltas(d)
    log_power = np.log(power + EPS)
    flat = log_power.mean(axis=1) - np.log(power.mean(axis=1) + EPS)
    high = log_power[:, FRAME // 4:]
    flat_high = high.mean(axis=1) - np.log(np.exp(high).mean(axis=1) + EPS)
    quefrency = np.fft.irfft(log_power, axis=1)[:, RATE // 400:RATE // 60]
    prominence = quefrency.max(axis=1) - np.median(quefrency, axis=1)
    kurtosis = np.log(_residual_kurtosis(frames))
    log_energy = np.log(energy[speech] + EPS)[:, None]
    q = (0.1, 0.5, 0.9)
    return np.concatenate([
        np.log(ceps.std(axis=0) + 1e-6), np.log(np.abs(d).mean(axis=0) + 1e-6), np.log(np.abs(dd).mean(axis=0) + 1e-6),
        np.quantile(flat, q), np.quantile(flat_high, q), np.quantile(prominence, q),
        np.nanquantile(kurtosis, q) if np.isfinite(kurtosis).any() else np.zeros(3),
        [np.log(np.abs(_deltas(log_energy)).mean() + 1e-6), np.log(np.abs(_deltas(_deltas(log_energy))).mean() + 1e-6)],
    ]), int(speech.sum())


N_FEATURES = 3 * N_CEPS + 4 * 3 + 2


MODEL_SHAPES = {"mean": (N_FEATURES,), "scale": (N_FEATURES,), "w1": (N_FEATURES, None), "b1": (None,),
                "w2": (None,), "b2": (1,)}  # None: the hidden layer's width


@functools.lru_cache(maxsize=1)
def model():
    """The shipped network's arrays (read_model), read once per process."""
    from engine.data.builtins import resources_dir

    return read_model(resources_dir().joinpath(*WEIGHTS))


@functools.lru_cache(maxsize=1)
def model_digest():
    """The first 16 hex digits of the shipped model file's SHA-256 (what a profile's MODEL_KEY records)."""
    import hashlib

    from engine.data.builtins import resources_dir

    return hashlib.sha256(resources_dir().joinpath(*WEIGHTS).read_bytes()).hexdigest()[:16]


def read_model(path):
    """A network's arrays (MODEL_SHAPES) from an .npz, read without pickle; InputError when the file is
    missing or not what this version reads."""
    from engine.errors import InputError

    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {k: np.asarray(data[k], dtype=np.float64) for k in MODEL_SHAPES}
    except (OSError, KeyError, ValueError) as err:
        raise InputError(path, f"the synthetic-voice model cannot be read ({err})") from None
    hidden = arrays["b1"].shape[:1]
    for key, shape in MODEL_SHAPES.items():
        if arrays[key].shape != tuple(hidden[0] if n is None else n for n in shape) or not np.isfinite(arrays[key]).all():
            raise InputError(path, f"the synthetic-voice model's {key} is not what this version reads")
    return arrays


def synthetic_logit(rows, arrays=None):
    """(n,) logit of the network over feature rows (n, N_FEATURES): standardised, one hidden ReLU layer."""
    arrays = arrays or model()
    hidden = np.maximum(0, ((np.asarray(rows) - arrays["mean"]) / arrays["scale"]) @ arrays["w1"] + arrays["b1"])
    return hidden @ arrays["w2"] + float(arrays["b2"][0])


def voice_scores(recordings, arrays=None, missing=0.0):
    """(n,) score of each recording by the shipped network, or by `arrays` (a candidate's, read_model) (None, or
    too short to read -> `missing`: 0, the detector stands aside)."""
    out = np.full(len(recordings), missing)
    rows = [(k, features(a)) for k, a in enumerate(recordings) if a is not None]
    rows = [(k, f) for k, f in rows if f is not None]
    if rows:
        out[[k for k, _ in rows]] = synthetic_logit(np.array([f for _, f in rows]), arrays)
    return out


def voiced_scores(recordings, min_voiced=MIN_VOICED_READ):
    """(n,) the shipped network's score of each recording's voiced frames alone (`features(audio, voiced=True)`), NaN
    for one with fewer than `min_voiced` of them (no voiced reading)."""
    return counted_voiced_scores(recordings, min_voiced)[0]


def counted_voiced_scores(recordings, min_voiced=MIN_SHORT_VOICED_READ):
    """(voiced_scores, the number of voiced frames each read: 0 where NaN), in one reading of each recording, for
    the callers that apply several least numbers of frames to the same scores."""
    out, counts = np.full(len(recordings), np.nan), np.zeros(len(recordings), dtype=np.int64)
    rows = {}
    for k, audio in enumerate(recordings):
        if audio is not None:
            row, counts[k] = counted_features(audio, voiced=True, min_voiced=min_voiced)
            if row is not None:
                rows[k] = row
    if rows:
        out[list(rows)] = synthetic_logit(np.array(list(rows.values())))
    return out, counts


def voiced_pitch(audio):
    """Hz: the median pitch of a recording's voiced speech frames (`features`' frames of the level-normalised
    recording within SPEECH_DB of its loud ones whose normalised autocorrelation's strongest peak within
    PITCH_RANGE_HZ reaches VOICED_R; its lag is the period), or None with fewer than MIN_VOICED_FRAMES such frames.
    Unlike the cepstral peak it takes no fricative's noise for a pitch, and unlike the glottal-cycle tracker's
    half-period check (engine/detectors/cycles.py, which reads some of espeak-ng's male words at 348 Hz) it reads no
    voice an octave high: the FSDD reference's 400 takes lie at 71-178 Hz. Its error is the other way, a pulse train
    at a fractional period read at two or three periods (two of ten espeak-ng words at 220-250 Hz read at 134-136),
    which leaves the detector speaking."""
    if audio is None or np.size(audio) == 0 or np.max(np.abs(audio)) < SILENT_PEAK:
        return None
    x = level_normalised(audio)
    if x.size < FRAME:
        return None
    frames, power = _spectra(x)
    voiced, periods = _voiced(frames[_speech(power.sum(axis=1))])
    if np.count_nonzero(voiced) < MIN_VOICED_FRAMES:
        return None
    return float(np.median(RATE / periods[voiced]))


def _voiced(frames):
    """((n,) whether each frame is voiced, (n,) its period in samples): its normalised autocorrelation's strongest
    peak at a lag of PITCH_RANGE_HZ reaches VOICED_R (`voiced_pitch`)."""
    frames = frames - frames.mean(axis=1, keepdims=True)
    lags = np.arange(FRAME)
    # the unbiased autocorrelation (each lag's sum over its FRAME - lag products), by FFT with zero padding
    unbiased = np.fft.irfft(np.abs(np.fft.rfft(frames, 2 * FRAME, axis=1)) ** 2, axis=1)[:, :FRAME] / (FRAME - lags)
    low, high = RATE // PITCH_RANGE_HZ[1], RATE // PITCH_RANGE_HZ[0]
    within = unbiased[:, low - 1:high + 2] / (unbiased[:, :1] + 1e-30)  # one lag beyond each end, to find peaks
    # the strongest peak, not an end of the range: a dull frame's autocorrelation merely falls from lag 0 through it
    peaks = (within[:, 1:-1] > within[:, :-2]) & (within[:, 1:-1] >= within[:, 2:])
    within = np.where(peaks, within[:, 1:-1], -np.inf)
    return within.max(axis=1) >= VOICED_R, low + within.argmax(axis=1)


_PITCH_CEILINGS = {}


def reference_pitch_ceiling(profile):
    """Hz: the highest voiced_pitch of the reference recordings the profile keeps (None where it keeps none or none
    has a pitch), computed once per process and reference."""
    if "ref_audio" not in profile:
        return None
    key = hashlib.sha256(np.ascontiguousarray(profile["ref_audio"]).tobytes()).hexdigest()
    if key not in _PITCH_CEILINGS:
        # the recordings as engine/detectors/profile.py reference_audio cuts them (importing it would be a cycle)
        recordings = np.split(profile["ref_audio"], np.asarray(profile["ref_audio_bounds"])[1:-1])
        pitches = [voiced_pitch(audio) for audio in recordings]
        pitches = [f for f in pitches if f is not None]
        _PITCH_CEILINGS[key] = max(pitches) if pitches else None
    return _PITCH_CEILINGS[key]


def recorded_floor(audio):
    """dB of a recording's floor above 1 kHz relative to its speech (the shallower of engine/data/channels.py's
    1-2 and 2-4 kHz bands): where a microphone's hiss and a room's noise stay and a synthesiser writing to a
    file leaves least (its quiet frames' low band holds the tails of its voiced sounds)."""
    from engine.data.channels import noise_levels

    return float(np.max(noise_levels(audio, RATE)[2:]))


@functools.lru_cache(maxsize=1)
def outside_part():
    """(scores of the outside recordings' pieces by the shipped network, the deepest of their floors), read once
    per process without pickle; InputError when the file is missing or not what this version reads."""
    from engine.data.builtins import resources_dir
    from engine.errors import InputError

    path = resources_dir().joinpath(*OUTSIDE)
    try:
        with np.load(path, allow_pickle=False) as data:
            rows, floors = (np.asarray(data[k], dtype=np.float64) for k in ("features", "floor_db"))
    except (OSError, KeyError, ValueError) as err:
        raise InputError(path, f"the synthetic-voice outside calibration cannot be read ({err})") from None
    if rows.ndim != 2 or rows.shape[1] != N_FEATURES or not floors.size or not (np.isfinite(rows).all()
                                                                                 and np.isfinite(floors).all()):
        raise InputError(path, "the synthetic-voice outside calibration is not what this version reads")
    return synthetic_logit(rows), float(floors.min())


class SyntheticVoice(RecordingDetector):
    name = "synthetic-voice"
    min_kept = MIN_KEPT
    score_recordings = staticmethod(voice_scores)
    arrays = ("cal_synthetic_voice", MODEL_KEY, VOICED_KEY, SHORT_VOICED_KEY)
    # profiles made before the thirty-sixth pass's model do not record theirs, nor those made before the forty-sixth
    # the voiced reading's calibration (they are judged on the whole word alone), nor those made before the
    # forty-seventh the short words' (a word of fewer than MIN_VOICED_READ voiced frames: the whole word alone)
    added_later = (MODEL_KEY, VOICED_KEY, SHORT_VOICED_KEY)
    segmented = True  # spreads and quantiles over a sentence's many phones are not a digit's (segments.py)
    _voiced_read = (None, {})  # (the batch last scored, per file read also on its voiced frames: (their score, the
    # whole word's score and tail probability))

    @classmethod
    def calibrate(cls, audio, voiced=True, short=True):
        """The reference recordings' scores, which model scored them and, with `voiced`, the scores of those with a
        voiced reading (voiced_scores) of MIN_VOICED_READ frames or more and, with `short` too, apart of
        MIN_SHORT_VOICED_READ or more."""
        out = {"cal_synthetic_voice": cls.score_recordings(audio), MODEL_KEY: np.array(model_digest())}
        readings = ((VOICED_KEY, MIN_VOICED_READ), (SHORT_VOICED_KEY, MIN_SHORT_VOICED_READ))[:(1 + short) if voiced else 0]
        if readings:
            read, counts = counted_voiced_scores(audio, min(least for _, least in readings))
            for key, least in readings:
                out[key] = read[counts >= least]
        return out

    def __init__(self, profile):
        # a calibration another model scored (a profile made before the thirty-sixth pass records none) is on another
        # scale: the detector stands aside for every file until the case is made anew; a channel's calibration,
        # scored again by this model (engine/detectors/channels.py), records it and is current
        self.stale = str(profile.get(MODEL_KEY, "")) != model_digest()
        self.tail = calibration.tail_model(profile["cal_synthetic_voice"])
        outside, deepest = outside_part()
        self.deepest_floor = min(deepest, STUDIO_FLOOR_DB)
        self.pitch_ceiling = reference_pitch_ceiling(profile)
        self.outside_tail = calibration.union_tail_model([profile["cal_synthetic_voice"], outside])
        self.voiced_tail, self.short_voiced_tail = (
            calibration.tail_model(held) if held.size >= MIN_KEPT else None
            for held in (np.asarray(profile.get(key, ()), dtype=np.float64) for key in (VOICED_KEY, SHORT_VOICED_KEY)))
        self.read_scale(profile)
        self.method = ("logit of a small network over a recording's cepstral dynamics, spectral flatness, harmonicity "
                       "and LPC-residual peakiness at 8 kHz and one level, trained outside the case on two FSDD "
                       "speakers no reference uses and Speech Commands clips of 75 more speakers against about 130 espeak-ng, flite and festival voices and LPC "
                       "and Griffin-Lim copies of the two speakers; "
                       "calibrated on every kept reference recording and, for continuous speech with a recorder's "
                       "floor, apart on real speech of outside set-ups")

    def voiced_reading(self, audio):
        """(score, calibration) of a recording's voiced frames: MIN_VOICED_READ or more against VOICED_KEY's, else
        MIN_SHORT_VOICED_READ or more against SHORT_VOICED_KEY's (a profile holding it); None with fewer."""
        readings = [(tail, least) for tail, least in ((self.voiced_tail, MIN_VOICED_READ),
                                                      (self.short_voiced_tail, MIN_SHORT_VOICED_READ)) if tail is not None]
        if not readings:
            return None
        score, count = (float(v[0]) for v in counted_voiced_scores([audio], min(least for _, least in readings)))
        return next(((score, tail) for tail, least in readings if count >= least), None)

    def scores(self, batch):
        """A word judged whole and not `widened` is read also over its voiced frames (`voiced_reading`): its tail
        probability is the smaller of the two readings', doubled (Bonferroni), and its score the one with that tail
        probability."""
        out = super().scores(batch)
        read = {}
        if self.voiced_tail is not None or self.short_voiced_tail is not None:
            recordings = batch.recordings()
            judged = self._judged[1] if self._judged[0] is batch else None
            for g, audio in enumerate(recordings):
                if audio is None or (judged and judged[g][2] > 1) or self.widened(audio):
                    continue
                reading = self.voiced_reading(self.heard(audio))
                if reading is not None:
                    score, tail = reading
                    whole = float(calibration.tail_probability(self.tail, [out[g]])[0])
                    p = min(1.0, 2 * min(whole, float(calibration.tail_probability(tail, [score])[0])))
                    read[g] = (score, tail, out[g], whole)
                    out[g] = calibration.score_threshold(self.tail, p)
        self._voiced_read = (batch, read)
        return out

    def voiced_note(self, batch, g):
        """For a word judged also on its voiced frames, how (a clause for the reason); "" otherwise."""
        seen, read = self._voiced_read
        if seen is not batch or g not in read:
            return ""
        score, tail, whole_score, whole = read[g]
        voiced = float(calibration.tail_probability(tail, [score])[0])
        takes = ("reference recordings' voiced frames" if tail is self.voiced_tail else
                 f"the voiced frames of reference recordings holding {MIN_SHORT_VOICED_READ} or more")
        return (f" (the score whose tail probability is the smaller of two readings', doubled: the whole word "
                f"{whole_score:+.1f}, tail probability {whole:.2g}; its voiced frames alone {score:+.1f}, {takes} "
                f"typically {median(tail):+.1f}, at most {float(tail['sorted'][-1]):+.1f}, tail probability "
                f"{voiced:.2g})")

    def tail_of(self, audio):
        """Continuous speech with a recorder's floor (`widened`) is judged against the reference's calibration and,
        apart, the outside recordings' pieces (union tail: the larger tail probability); a word, as the reference's
        recordings were calibrated, or a deeper floor (a synthesiser writing to a file), against the reference's
        alone."""
        if self.widened(audio):
            return self.outside_tail
        return self.tail

    def widened(self, audio):
        """Whether the recording as heard (`heard`) is speech spanning WHOLE_BELOW segment lengths or more whose floor
        is no deeper than `deepest_floor` (a studio's or the outside recordings' deepest)."""
        if audio is None or self.segment_length is None:
            return False
        return (segments.speech_duration(self.heard(audio)) >= segments.WHOLE_BELOW * self.segment_length
                and not self.written_to_file(audio))

    def heard(self, audio):
        """The recording as the model reads it (a subclass filters it)."""
        return audio

    def read_segments(self, audio, found, scores):
        """A segment of a recording cut in two or more holding fewer than MIN_SEGMENT_FRAMES frames at the recording's
        speech level scores 0, as silence does (module docstring)."""
        if len(found) < 2:
            return scores
        cuts = np.cumsum([len(piece) for piece in found[:-1]])
        return np.where(segment_speech_frames(self.heard(audio), cuts) >= MIN_SEGMENT_FRAMES, scores, 0.0)

    def pitched_above(self, audio):
        """The recording's voiced_pitch (as heard) where it lies above every kept reference recording's
        (`pitch_ceiling`) and its floor is a recorder's, else None. A floor deeper than `deepest_floor` (a studio's
        and every outside recording's) is a synthesiser writing to a file, as `widened` reads it: the real voices
        above the ceiling that read as synthesis were recorded (their floors -68 dB and shallower), while SVOX
        Pico's voices, pitched just above FSDD's men, write floors of -76 to -120 dB (docs/studies.md, "SVOX Pico
        above the reference's pitch", fortieth pass); such a file is judged as one below the ceiling."""
        if audio is None or self.pitch_ceiling is None:
            return None
        pitch = voiced_pitch(self.heard(audio))
        if pitch is None or pitch <= self.pitch_ceiling:
            return None
        return None if self.written_to_file(audio) else pitch

    def written_to_file(self, audio):
        """Whether the recording's floor above 1 kHz (as heard) lies deeper than `deepest_floor` (a studio's and every
        outside recording's): a synthesiser writing to a file, not a recorder (`widened`, `pitched_above`, and the
        band limit's stand-aside, engine/detectors/channels.py VoiceAsideUnlessWritten)."""
        return recorded_floor(self.heard(audio)) < self.deepest_floor

    def informative(self, samples):
        return (not self.stale and super().informative(samples)
                and self.pitched_above(getattr(samples, "audio", None)) is None)

    def reason(self, batch, g, score, p):
        if self.stale:
            return (f"{self.name}: stands aside, weight 0: this case's reference recordings were scored by an earlier "
                    f"version of its model; make the case anew (case new) to use it")
        pitch = self.pitched_above(batch.recordings()[g])
        if pitch is not None:
            return (f"{self.name}: stands aside, weight 0: the voice's pitch ({pitch:.0f} Hz, the median of its voiced "
                    f"frames) lies above every reference recording's (at most {self.pitch_ceiling:.0f} Hz) and its "
                    f"floor is a recorder's, so its calibration holds no voice like it, and a higher voice's sharper "
                    f"harmonics read as synthesis (score {score:+.1f}, tail probability {p:.2g} against the reference)")
        return super().reason(batch, g, score, p)

    def recording_reason(self, audio, batch, g, score, p):
        outside = (f"; continuous speech whose floor above 1 kHz ({recorded_floor(audio):.0f} dB) is a recorder's, so "
                   f"pieces of outside speakers' real recordings ({self.outside_tail['parts'][1]['sorted'].size}) "
                   f"calibrate it too" if self.widened(audio) else "")
        return (f"synthetic-voice: the model trained on outside voices rates the recording {score:+.1f} toward "
                f"synthesised speech{self.voiced_note(batch, g)} (reference recordings: typically "
                f"{median(self.tail):+.1f}, at most {float(self.tail['sorted'][-1]):+.1f}){self.segment_note(batch, g)}"
                f"{outside}; tail probability {p:.2g}")
