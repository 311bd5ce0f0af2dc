"""Detectors that know the channel a file came through (engine/data/channels.py reads it).

A JPEG's ringing puts faint values beside every stroke where real digits are exactly 0; a
telephone codec fills the quiet mel bands with quantisation noise. Against a clean
reference both look like a generator's smoothed output, so a real file would be called
generated for its channel. Here the reference is passed through the same channel as the
file (re-encoded with the file's own JPEG quantisation tables; WebP at a cycle of
qualities; a Lanczos resize read from the pixels through a cycle of sizes, a resize with a filter that does not
ring through the filter and side read; the recording's codec,
bandwidth and sample rate), and the detectors that need
only the reference are refitted and calibrated on those files:

- `features`: outlier model fitted on the channelled reference files, calibrated by
  cross-fitting over them (engine/detectors/profile.py); through a resize read with its filter and side, on the
  features' rank normal scores among those files (FeatureOutlier.fit_ranked);
- `checkerboard`, `near-zero`, `noise-floor`, `cycle-jitter`, `synthetic-voice`: calibrated on them (they
  fit nothing here; the last three on the channelled recordings themselves); `lpc-lattice` at another sample
  rate without a lossy codec, on the reference resampled to that rate and back (it reads a file upsampled from
  8 kHz, engine/detectors/lpc_lattice.py);
- the CNN and inverse models: calibrated on the channelled held-out files;
- the pooled logistic regression: for images refitted on the channelled reference files
  against the case's generators' samples passed through the same channel (cross-fitted
  calibration, as in engine/detectors/learned.py); for speech it stands aside (weight 0):
  it was fitted on clean files against the generators' mel maps, which no audio channel
  can be applied to, so its inputs are not comparable across the channel.

The channelled files: for images the held-out reference samples kept in the profile
(`cal_x`, up to 1000); for speech the reference recordings kept in the profile
(`ref_audio`, case profiles from this version on). A speech case made before keeps its
clean calibration, and the reasons say so. Lossless channels (PNG, BMP, lossless WebP, PCM
at 8 kHz and full bandwidth) change nothing and use the case's detectors as they are.

The costly part, a channel's calibration arrays (channel_calibration), is kept in the case and reused by later
batches (engine/detectors/channel_store.py); the detectors are rebuilt from it by the current code (channel_set).
"""
import copy
import functools
import io

import numpy as np

from engine.data import picture_size, representations
from engine.data.channels import (NOISE_BANDS_HZ, band_powers, noise_levels, speech_and_floor, speech_level_db,
                                  webp_grey)
from engine.data.formats.container_audio import AMR_NB_MODES, TELEPHONE
from engine.detectors import (aside_marks, beyond_patches, calibration, far_field, low_rumble, quarter_grid,
                              resampling, statistical, time_scale)
from engine.detectors.batch import Recordings
from engine.detectors.channel_limits import (BAND_LIMIT_MOVES_VOICE, EIGHT_BITS_FLOOR, NOISE_FILLS_SILENCE,
                                             TRAITS_LOST)
from engine.detectors.profile import cross_fitted, reference_audio, renumber

WEBP_QUALITIES = (50, 65, 80, 90, 95)  # WebP keeps no tables: calibrate over typical qualities
# A resize read from the pixels (engine/data/resize_history.py) records no size: the reference is resized with
# Lanczos by these factors of its side and back, in turn (for 28 x 28 digits through 17-64 pixels). A trip through a
# side near the figure's own keeps saturated strokes just below white, which farther trips smooth away: without
# 0.95-1.1, real digits through 30 x 30 were 7 of 300 "generated" (`features`: values in [0.95, 1) +8-9 SD).
RESIZE_FACTORS = (0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.05, 1.1, 1.15, 1.3, 1.45, 1.7, 2.0, 2.3)
# A JPEG records only its last encoding's tables, and a photo or a digit that was saved as JPEG
# before (a phone, then a web site) carries both losses: real digits saved at quality 90 and
# again at 85 were labelled generated 12 times in 500 against reference digits encoded once.
# So a quarter of the reference digits are saved at each of these qualities first (None: not).
JPEG_EARLIER_QUALITIES = (None, None, None, 90)
# A quality read from a lossless image's pixels may be one off where adjacent qualities' tables differ
# only in steps the image has no coefficient at (builtin:mnist[8000:8500] at 55 read as 54, 7 of 500;
# against the reference at 54 alone, 5 of those 7 labelled generated), and `features` reads even that
# table difference. So the reference is encoded at the estimated quality and its two neighbours in turn.
HISTORY_SPREAD = (-1, 0, 1)
FULL_BANDWIDTH = 0.9  # a recording with content up to 90% of 4 kHz is not band-limited
# Band edges to the nearest 100 Hz (a mel band is about 100 Hz wide at 3 kHz): files of one
# telephone line share one channel, and the reference is passed through it once per batch, not
# once per file for edges a few Hz apart.
BAND_STEP_HZ = 100
# A lossy codec's error depends on the level and resolution of what it is given (GSM 06.10
# quantises 13-bit integers; mu-law and A-law steps grow with the level), and real recorders
# differ in both: one FSDD speaker's recordings take about 50 distinct 16-bit values (an 8-bit
# recorder), the others thousands. Reference recordings pass a lossy codec as recorded, requantised
# to 8 bits, and at a tenth of their level (16 bits), each version a calibration file of its own:
# GSM 06.10 on an unseen 8-bit speaker, 16 of 500 real recordings labelled generated with the
# recordings as made only (docs/verdicts.md, "Speech channels").
RECORDERS = (("as recorded", lambda audio: audio),
             ("8-bit", lambda audio: np.round(audio * 128) / 128),
             ("16-bit at a tenth of the level", lambda audio: np.round(audio * 0.1 * 32768) / 32768))
# A quiet recording is another matter: GSM 06.10 quantises 13-bit integers, so a speaker peaking at
# 3 % of full scale comes out with 5-12 % of his samples exactly 0, and `features` read that against the
# versions above (an unseen quiet speaker through GSM 06.10: 3 of 100 labelled generated; a fourth version
# at a thirtieth of the level: 4 of 100). So a file through a codec with a fixed quantisation scale whose
# speech level (engine/data/channels.py speech_level_db) lies below QUIET_DB is judged against the reference
# passed through the codec at its own level instead, to LEVEL_STEP_DB (a batch recalibrates once per step,
# not per file), as recorded and as 8 bits. On nicolas' recordings at a tenth to a thirtieth of their level
# (features alone, p < 0.002, of 100 per set: docs/studies.md, "Quiet speakers through codecs"): the three
# versions gave 1, 2 and 8 through GSM 06.10, mu-law and A-law (over three levels); the file's level as recorded
# and as 8 bits 0, 1 and 5; the file's level alone 0, 1 and 8 (the 8-bit version carries an 8-bit recorder's
# digital silence, which A-law writes as a constant step).
LEVEL_CODECS = ("GSM610", "ULAW", "ALAW", "PCM_U8", "PCM_S8")  # codecs with a fixed quantisation scale
QUIET_DB = -30.0  # dB relative to full scale: the FSDD reference speakers' levels lie at -24 to -14
# nicolas at -40 to -48 dB through GSM 06.10: features alike against references at -39, -45 and -48 dB
LEVEL_STEP_DB = 10


def at_level(level_db):
    """The recorders for a file at speech level `level_db`: as recorded and 8-bit (RECORDERS), each
    recording then scaled to that level and stored as 16-bit."""
    def version(recorder):
        def scaled(audio):
            gain = 10 ** ((level_db - speech_level_db(audio)) / 20)
            return np.round(recorder(audio) * gain * 32768) / 32768

        return scaled

    return tuple((f"{words}, scaled to {level_db} dB", version(recorder)) for words, recorder in RECORDERS[:2])


# Where an MP3 file's bitrate is not read from its frame headers (MP3_BITRATE below), and an MP3 encoder at its lowest
# bitrate writes the quiet stretches of a real recording as digital silence: real recordings of
# an unseen speaker through MP3 at 8 kbit/s were labelled generated by noise-floor 13 times in
# 300 against references encoded at libsndfile's default bitrate. So noise-floor is calibrated
# on the reference recordings encoded both ways.
# Added noise (a noisy line, a street, a fan): read from the recording itself as its noise floor
# per band relative to its speech (engine/data/channels.py `noise_levels`). A file whose floor
# lies above NOISE_GATE_QUANTILE of the reference recordings' floors in some band, or in all bands
# above 500 Hz at once (broadband: real pink noise at 10 dB SNR left out by the per-band test alone,
# 12 of 300 labelled generated, all of them with floors near -24 dB in every band), carries noise
# the reference does not; the reference recordings are then brought up to the file's floor with
# Gaussian noise of the same spectrum (levels to NOISE_STEP_DB) before the detectors are refitted.
# Real recordings of an unseen speaker with white noise at 10 dB SNR: 298 of 300 labelled
# generated against the clean reference (docs/verdicts.md, "Added noise").
# A file inside the reference's range keeps the clean calibration: a clean synthesiser's silence or
# a GAN's floor cannot buy a noisier reference.
NOISE_GATE_QUANTILE = 0.99
# A floor is read to the nearest NOISE_STEP_DB, so a file's calibration follows from its own floor alone, whatever
# else the batch holds, and is matched to within half a step. Each floor costs a recalibration of every detector
# (about 10 s on the FSDD case): at 3 dB nearly every noisy file read a floor of its own (30 takes with white noise
# at 20 dB: 28 floors), at 6 dB 18 (docs/studies.md, "Noisy batches: floors read to 6 dB").
NOISE_STEP_DB = 6
NOISE_LOWEST_HZ = 60.0  # the synthetic noise's density is held flat below this (mains hum's region)
# Automatic gain control (phones, conferencing apps) acts after the room's noise: in the pauses its
# gain rises and lifts the noise, so the floor follows the speech and the quietest frames (which the
# noise key reads) understate the noise in the rest; against stationary noise at that floor, real
# recordings with white noise at 20 dB SNR through an AGC were labelled generated 43 times in 300
# (features: too many mel cells at intensity 0.05-0.2). So under added noise each detector is also
# calibrated on the noise-matched reference through a typical AGC, fixed here, not read from the file
# (its time constants are in no header), and NoiseUnion takes the largest tail probability. The cost:
# a noisy synthetic file's features alarm may fall (a buzz through GSM 06.10, whose quantisation
# reads as added noise: features 0.004 -> 0.025, generated -> inconclusive).
AGC_ATTACK_MS, AGC_RELEASE_MS, AGC_MAX_GAIN_DB = 10, 500, 20
NOISE_CENTRES_HZ = tuple((lo + hi) / 2 for lo, hi in zip(NOISE_BANDS_HZ[:-1], NOISE_BANDS_HZ[1:]))
LOWEST_BITRATE_SUBTYPES = ("MPEG_LAYER_III",)  # (libsndfile sets no constant bitrate for Vorbis or Opus)
LOWEST_BITRATE = {"compression_level": 0.99, "bitrate_mode": "CONSTANT"}
# ... where the file's frame headers state its bitrate (engine/data/formats/mp3_frames.py, the channel's
# mp3_bitrate), the reference passes LAME (FFmpeg's libmp3lame, the encoder of most MP3 files) at it instead, as
# mono or as a mono recording saved on two channels like the file, and decoded by libsndfile as the file is: the
# audio key ends in (MP3_BITRATE, bit/s, channels); a VBR file's mean is matched by the nearest constant bitrate, so
# a batch's files share at most one channel per bitrate and sample rate (ENCODABLE: 8-14 of them).
MP3_BITRATE = "mp3 bitrate"
AMR_NB = tuple(f"AMR_NB_{mode}" for mode in AMR_NB_MODES)  # an AMR-NB file's codec at each of its modes
# An AMR-NB file's band edge (engine/data/channels.py effective_bandwidth) is the codec's, not a microphone's: clean
# FSDD takes read at 3.7-3.8 kHz come out of it at 2.4-3.6 kHz (4_jackson_9: 3844 -> 2406 Hz at 12.2 kbit/s), and 34
# of 40 untouched real takes read as band-limited through it, which put synthetic-voice aside for nearly every file.
# So no band limit is read under AMR-NB: the reference passes the codec, which sets its own.
# cycle-jitter stands aside under these codecs: GSM 06.10's long-term predictor re-synthesises
# every pitch period (a diphone voice's constant period: 33 of 40 files caught clean, 1 of 40 through it).
# Under AMR-NB measured per mode (twenty-second pass: tuning sets, each through the mode beside the reference through
# it; docs/studies.md). Real takes never come near PLAUSIBLE_PERCENT (least jitter 0.21-0.39 % through the modes,
# the reference's 0.16-0.24 %). Through 6.7-12.2 kbit/s MBROLA mb-us1's period comes out steadier than clean (3-8 of
# its 10 digits below the bound, 1 clean) and pulse-grid caught each of them; kept there all the same, as a second
# trait for a synthesiser off pulse-grid's grid (0 real takes labelled generated with it kept, tuning and untouched;
# it shares one weight with noise-floor and mel-inversion, so it costs the others nothing). Through 5.9 and 5.15 no
# digit stays below it (mb-us1 0.38 % and up): aside; through 4.75 one does, which nothing else caught: kept.
AMR_NB_JITTER_LOST = (5900, 5150)
JITTER_LOST = ("GSM610",) + tuple(f"AMR_NB_{mode}" for mode in AMR_NB_JITTER_LOST)
# Codecs that re-synthesise the waveform: a repeated pitch cycle does not survive them (CHANNEL_LIMITS). AMR-NB
# measured at every mode (twenty-second pass): no tuning synthesiser's digit repeats a cycle within 1e-6 through any,
# nor clean (closest 1e-4.9 clean, 1e-3.2 to 1e-3.8 through the modes); the reference's closest 1e-3.2 to 1e-3.7.
REPEAT_LOST = ("GSM610", "MPEG_LAYER_I", "MPEG_LAYER_II", "MPEG_LAYER_III", "VORBIS", "OPUS", "AAC") + AMR_NB
# mel-inversion stands aside under these: they re-synthesise the 2.5-3.8 kHz fine structure it reads. Not AAC, where
# it is recalibrated: Griffin-Lim speech stays smooth there (tuning takes' Griffin-Lim 9-10 of 10 below PLAUSIBLE_DB
# through AAC at 16 and 44.1 kHz, 32 and 128 kbit/s, as clean) and real takes rough (least 4.47 dB;
# docs/studies.md, twentieth pass). Under AMR-NB, measured (twenty-first pass): its codebook excitation roughens
# Griffin-Lim's band to a recording's (tuning takes' Griffin-Lim 2.1 dB median clean, 4.8 through 12.2 and 4.75 kbit/s,
# least 4.3; the takes 5.0, least 4.5): kept, it raised no alarm on the Griffin-Lim tuning set at any mode.
INVERSION_LOST = ("GSM610", "MPEG_LAYER_I", "MPEG_LAYER_II", "MPEG_LAYER_III", "VORBIS", "OPUS") + AMR_NB
# ... but for an MP3 whose frame headers state at least this bitrate (MP3_BITRATE), where it is recalibrated: through
# LAME at 32-128 kbit/s (22.05 kHz) Griffin-Lim speech stays smooth (30 of 30 tuning files below PLAUSIBLE_DB, 2.0-2.6
# dB at the least, as clean) and real takes rough (0 of 400, least 4.11 dB); below 32 kbit/s LAME cuts the band it
# reads, and not measured (docs/studies.md, twenty-seventh pass).
MP3_INVERSION_MIN = 32000
# ... and for an Ogg or WebM Opus file whose packets carry at least this bitrate (engine/data/formats/ogg_opus.py:
# their bytes over the stream's duration; recorded as the channel's opus_bitrate). From FFmpeg's -b:a 32k libopus keeps
# Griffin-Lim's smooth band as clean does or smoother, at 12-16k it roughens it to a recording's, at 24k it half does:
# on half-second takes VBR carries 23-30 kbit/s at 24k and 31-41 at 32k (CBR 3 % above its setting), so the bound
# lies between (docs/studies.md, thirty-second pass, "mel-inversion through Opus and Vorbis"). The reference still
# passes libsndfile's Opus at its default bitrate, which leaves real recordings rough, so the reading is a key part
# the calibration ignores (OPUS_INVERSION, as far_field's): the channel's stored calibration is the key's without it.
OPUS_INVERSION_MIN = 30000
OPUS_INVERSION = "opus bitrate at least"
# ... and for a Vorbis file whose identification header states at least this quality (ffmpeg's -q:a, the key's
# VORBIS_QUALITY part; the reference already passes libvorbis at it): Griffin-Lim speech below PLAUSIBLE_DB at 8 kHz,
# tuning, of 49 (clean 45): quality 4 21, 5 37, 6 40, 7 and 8 44, 9 and 10 46; real takes and outside pieces at none
# (least 4.58 dB; docs/studies.md, thirty-second pass).
VORBIS_INVERSION_MIN = 7
# pulse-grid stands aside under these (GSM 06.10's long-term predictor writes whole 8 kHz lags, so a real voice's
# pulses land on the grid; Vorbis at quality 3 gained nothing; MPEG I/II not measured); under MP3 and Opus it is
# recalibrated on the reference passed through the codec (CHANNEL_LIMITS); so under AMR-NB's modes from
# AMR_NB_PULSE_MIN (6.7 kbit/s) up, not below. Through 6.7-12.2 a synthesiser's pulse intervals fall on whole 8 kHz
# samples (39-40 % of them within 1/12 of a sample of one against 17 % by chance: mean phase length on the 16 kHz
# grid 0.25-0.30), through 5.9, 5.15 and 4.75 (as observed: the modes whose fixed codebook holds two pulses a
# subframe) they do not (23-25 %, 0.03-0.06), while real takes stay off it at every mode (0.01-0.03). Tuning sets
# (synthesisers caught of 40 aside -> kept; real takes labelled generated 0 of 30-35 either way at every mode): 12.2
# 10 -> 16, 10.2 11 -> 13, 7.95 7 -> 11, 7.4 8 -> 12, 6.7 5 -> 11; 5.9 7 -> 6, 5.15 6 -> 5, 4.75 6 -> 6 (0-1 alarm
# below 6.7; docs/studies.md, twenty-first pass).
# features stands aside under AMR-NB: it caught 1 of 50 synthesised digits through it and labelled real FSDD takes
# generated in smaller references (jackson's 4_jackson_9 p < 10^-4 against takes 0-7; 8_jackson_6 and 7 against 60
# recordings), where AMR-NB cuts a weak 3-4 kHz band 6-8 dB further than it cuts the reference's.
FEATURES_LOST = AMR_NB
AMR_NB_PULSE_MIN = 6700
PULSE_LOST = ("GSM610", "MPEG_LAYER_I", "MPEG_LAYER_II", "VORBIS") + tuple(
    f"AMR_NB_{mode}" for mode in AMR_NB_MODES if mode < AMR_NB_PULSE_MIN)
# noise-floor stands aside under 8-bit PCM: a step of 1/128 of full scale lies above a quiet room's floor, so
# a writer that rounds to the nearest step (FLAC's PCM_S8, sox, ffmpeg, Python's wave) makes a real recording's
# pauses digital silence (george, lucas, nicolas takes 20-29: 37 of 200 beyond PLAUSIBLE_DB at their level, 179
# of 200 at a tenth of it, none as recorded), and libsndfile's 8-bit WAV, which rounds down, turns a
# synthesiser's near silence into a step's noise (espeak-ng `en+f3`: 0 of 5 beyond it, 5 of 5 as made).
FLOOR_LOST = ("PCM_U8", "PCM_S8")
# ... and `features` reads which way the samples were rounded in a quiet recording's pauses (a held-out lucas take
# at a tenth of its level written to the nearest 8-bit step: p 0.002 against the reference through libsndfile's
# 8-bit WAV, 0.12 through its 8-bit FLAC), so under 8-bit PCM the reference passes both ways, each a version.
CODEC_TWINS = {"PCM_U8": ("PCM_U8", "PCM_S8"), "PCM_S8": ("PCM_S8", "PCM_U8")}
# Under added noise synthetic-voice is recalibrated on the reference brought up to the file's floor (its statistics
# take a few seconds for a case's kept recordings) and joined with its clean calibration by NoiseUnion, as the others
# are.
CODEC_FORMATS = {"VORBIS": "OGG", "OPUS": "OGG", "MPEG_LAYER_III": "MP3", "MPEG_LAYER_II": "MP3",
                 "MPEG_LAYER_I": "MP3"}
# Other codecs go into the first of these containers libsndfile can write them in: 8-bit signed PCM
# (an 8-bit FLAC reads as PCM_S8) has no WAV form, and passing the reference through WAV failed the verdict.
CODEC_CONTAINERS = ("WAV", "FLAC", "AU", "AIFF")
# libsndfile reads MPEG layer I and II (an .mp2 file) but writes neither: the reference passes through
# the nearest codec it writes, and the verdict names it.
CODEC_STAND_INS = {"MPEG_LAYER_I": "MPEG_LAYER_III", "MPEG_LAYER_II": "MPEG_LAYER_III"}
# Codecs libsndfile neither reads nor writes: the reference passes through PyAV's (ffmpeg's) encoder, (codec,
# bitrate bit/s, container); an AAC file's bitrate is read (its channel's aac_bitrate) but not part of the channel:
# following it gained nothing (docs/studies.md, twentieth and twenty-first passes); an AMR-NB file's mode is (its
# frames state it): the reference passes OpenCORE's encoder at that mode.
# A telephone codec's (G.722, G.726, G.723.1) bitrate is in its name: the reference passes FFmpeg's encoder at it,
# in WAV.
# Under each, the detectors whose trait did not survive it stand aside: none of them raised an alarm (p < 0.01) on the
# 40 tuning synthesisers' digits through the codec, recalibrated on the reference through it, so their share of the
# weight goes to those that still read something. Tuning digits caught, nothing aside -> these aside: G.722 20 -> 23,
# G.726 16 kbit/s 3 -> 3, 24 0 -> 2, 32 1 -> 4, 40 11 -> 11, G.723.1 10 -> 12; real takes 0 labelled generated either
# way (docs/studies.md, twenty-third pass; untouched: 60 of 300 caught, 58 with the rule undone).
TELEPHONE_LOST = {
    "G722_64000": ("features", "checkerboard", "repeated-cycle", "mel-inversion"),
    "G726_16000": ("features", "checkerboard", "noise-floor", "cycle-jitter", "mel-inversion", "pulse-grid"),
    "G726_24000": ("checkerboard", "noise-floor", "cycle-jitter", "repeated-cycle", "mel-inversion", "pulse-grid"),
    "G726_32000": ("checkerboard", "noise-floor", "cycle-jitter", "repeated-cycle", "mel-inversion"),
    "G726_40000": ("checkerboard", "noise-floor", "repeated-cycle", "mel-inversion"),
    "G723_1_6300": ("features", "checkerboard", "cycle-jitter", "mel-inversion", "pulse-grid"),
}
PYAV_CODECS = {"AAC": ("aac", 64000, "ipod"), **{f"AMR_NB_{mode}": ("amr_nb", mode, "amr") for mode in AMR_NB_MODES},
               **{name: (name.rsplit("_", 1)[0].lower(), int(name.rsplit("_", 1)[1]), "wav") for name in TELEPHONE}}


def broadband(levels):
    """The floor of a recording in every band above 500 Hz at once (dB): the lowest of them.
    Added noise raises them all; a recorder's hum, hiss or quantisation raises some."""
    return np.min(np.asarray(levels, dtype=np.float64)[..., 1:], axis=-1)


def reference_noise_gate(profile):
    """The median, the NOISE_GATE_QUANTILE and far_field.FAR_FIELD_QUANTILE of the reference recordings'
    floors kept in the profile (dB relative to their speech), per band and, last, of their broadband floor:
    a (3, bands + 1) array; None when the profile keeps no recordings (images, music, older cases)."""
    if "ref_audio" not in profile:
        return None
    levels = np.array([noise_levels(audio, representations.SPEECH_RATE) for _, audio in reference_audio(profile)])
    levels = np.concatenate([levels, broadband(levels)[:, None]], axis=1)
    return np.quantile(levels, far_field.gate_quantiles(NOISE_GATE_QUANTILE), axis=0)


def noise_key(channel, gate):
    """None unless the file's floor lies above the reference's NOISE_GATE_QUANTILE in some band or
    in all bands above 500 Hz at once (noise the reference does not carry); then per band the file's
    floor to NOISE_STEP_DB, or None for a band where it lies below the reference's median (no noise
    to match there)."""
    levels = channel.get("noise_db")
    if gate is None or levels is None:
        return None
    found = np.append(np.asarray(levels, dtype=np.float64), broadband(levels))
    if not np.any(found > gate[1]):
        return None
    return tuple(int(NOISE_STEP_DB * round(v / NOISE_STEP_DB)) if v > median else None
                 for v, median in zip(levels, gate[0]))


def added_noise(key):
    """Whether channel `key` carries added noise (noise_key)."""
    return key is not None and key[0] == "audio" and bool(key[4])


def noise_floor_text(noise):
    """A noise key's floors per band, as the reasons give them."""
    return ", ".join(f"{lo}-{hi} Hz {level} dB" for lo, hi, level in zip(NOISE_BANDS_HZ, NOISE_BANDS_HZ[1:], noise)
                     if level is not None)


def channel_key(meta, noise_gate=None):
    """A hashable description of the file's channel when it changes what detectors read, else None.
    `noise_gate`: reference_noise_gate of the case (None: added noise, a low rumble and far-field speech are not
    looked for)."""
    channel = meta.get("channel") or {}
    key = low_rumble.marked(_read_key(meta, channel, noise_gate), channel, noise_gate)
    return beyond_patches.marked(far_field.marked(key, channel, noise_gate), channel)


def _read_key(meta, channel, noise_gate):
    """channel_key before the readings that set detectors aside (engine/detectors/aside_marks.py)."""
    codec = channel.get("codec", "")
    on_grid = quarter_grid.channel_key(channel)  # a piece sampled at its quarter beats: calibrated at `case new`
    if time_scale.channel_key(channel):  # a MIDI file's two readings: no reference passes through anything
        return time_scale.channel_key(channel) + (on_grid or ())
    if on_grid:
        return on_grid
    if "enlarged" in channel and not channel["enlarged"]["exact"]:  # (no lossy codec before it: refused)
        found = channel["enlarged"]
        return ("enlarged", tuple(found["size"]), found["filter"])
    if "tables" in channel and (codec == "JPEG" or "jpeg_history" in channel):
        tables = tuple((k, tuple(v)) for k, v in sorted(channel["tables"].items()))
        key = ("JPEG", tables, channel.get("subsampling", -1))
        # the same channel as a JPEG file with these tables, marked so that the verdict says how it was read
        key = key + ("pixels",) if "jpeg_history" in channel else key
        read = channel.get("resample_history")  # a resize before the JPEG, read approximately: both judged
        return key + ((RESIZED_BEFORE, tuple(read["filter"]), int(read["side"])),) if read else key
    if codec == "WebP lossy":
        return ("WebP lossy",)
    if "webp_history" in channel:  # the same channel, marked so that the verdict says how it was read
        return ("WebP lossy", "pixels")
    if "resize_history" in channel:
        return ("resized", "pixels")
    if "resample_history" in channel:  # a filter that does not ring: the reference resized exactly as read
        read = channel["resample_history"]
        return ("resized", "pixels", tuple(read["filter"]), int(read["side"]))
    if "subtype" in channel:
        history = channel.get("codec_history")  # decoded and re-saved as PCM: the codec read from the samples
        subtype = history["subtype"] if history else channel["subtype"] if channel.get("lossy") else None
        rate = channel["native_sample_rate"]
        rate = rate if rate != representations.SPEECH_RATE else None  # the resampler's filter is a channel too
        nyquist = min(channel["native_sample_rate"], representations.SPEECH_RATE) / 2
        band = channel["bandwidth_hz"] if channel["bandwidth_hz"] < FULL_BANDWIDTH * nyquist else None
        band = None if subtype in AMR_NB else band  # AMR-NB's own edge, which the reference passes (AMR_NB)
        band = int(round(band / BAND_STEP_HZ) * BAND_STEP_HZ) if band else None
        noise = noise_key(channel, noise_gate)
        level = level_key(channel) if subtype in LEVEL_CODECS else None
        if subtype or rate or band or noise:  # a quiet recording's level follows, where read, then how the codec was
            key = ("audio", subtype, rate, band, noise) + ((level,) if level is not None else ()) + (
                mp3_key_part(channel) if subtype == "MPEG_LAYER_III" else ())
            if subtype == "VORBIS" and not history and channel.get("vorbis_quality") is not None:
                return key + ((VORBIS_QUALITY, int(channel["vorbis_quality"])),)
            if subtype == "OPUS" and not history:
                return key + opus_key_part(channel)
            # the same channel as a file in the codec's container, marked so that the verdict says how it was read
            return key + ((SAMPLES, history["codec"]),) if history else key
    return None


def mp3_key_part(channel):
    """An MP3 file's audio key's last part, (MP3_BITRATE, bit/s, channels), where its headers' bitrate was read
    (at the rate the file decodes at: mp3_frames.mp3_bitrate); else () (the reference then passes libsndfile's
    default and lowest bitrates)."""
    from engine.data.formats.mp3_frames import nearest_bitrate

    found = channel.get("mp3_bitrate") or {}
    if not found.get("bit_rate"):
        return ()
    channels = 1 if found["mode"] == "mono" else 2
    return ((MP3_BITRATE, nearest_bitrate(found["bit_rate"], found["sample_rate"]), channels),)


def opus_key_part(channel):
    """An Opus file's audio key's last part, (OPUS_INVERSION, OPUS_INVERSION_MIN), where its packets carry at least
    that bitrate (the channel's opus_bitrate); else (): not read, or less."""
    found = (channel.get("opus_bitrate") or {}).get("bit_rate")
    return ((OPUS_INVERSION, OPUS_INVERSION_MIN),) if found and found >= OPUS_INVERSION_MIN else ()


def opus_inversion(key):
    """The bitrate an Opus key's file carries at least (opus_key_part), or None."""
    return (last_part(key, OPUS_INVERSION) or (None,))[0]


def calibrated_key(key):
    """The key whose calibration a channel's is: without the Opus part, which decides a stand-aside only."""
    return key[:-1] if opus_inversion(key) else key


def inversion_lost(key):
    """Whether mel-inversion stands aside under audio key `key`'s codec (INVERSION_LOST): always under those, but
    for an MP3 whose frame headers state MP3_INVERSION_MIN or more, an Opus file whose packets carry
    OPUS_INVERSION_MIN or more and a Vorbis file whose header states VORBIS_INVERSION_MIN or more."""
    if key[1] == "MPEG_LAYER_III":
        return (mp3_bitrate(key) or (0,))[0] < MP3_INVERSION_MIN
    if key[1] == "OPUS":
        return not opus_inversion(key)
    if key[1] == "VORBIS":
        return vorbis_quality(key) is None or vorbis_quality(key) < VORBIS_INVERSION_MIN
    return key[1] in INVERSION_LOST


def inversion_kept_from(key):
    """Words for a stand-aside under a codec whose bitrate can keep mel-inversion: from which one it is kept (none
    for a file decoded and re-saved, whose bitrate is gone)."""
    if codec_from_samples(key):
        return ""
    if key[1] == "MPEG_LAYER_III":
        return (f"; under MP3 it is kept from {MP3_INVERSION_MIN // 1000} kbit/s as the frame headers state it, "
                f"here {'less' if mp3_bitrate(key) else 'not read'}")
    if key[1] == "OPUS":
        return (f"; under Opus it is kept where the file's packets carry {OPUS_INVERSION_MIN // 1000} kbit/s or "
                f"more over its duration (read from its pages: the channel's opus_bitrate), here less or not read")
    if key[1] == "VORBIS":
        return (f"; under Vorbis it is kept from quality {VORBIS_INVERSION_MIN} on ffmpeg's -q:a scale, read from "
                f"the nominal bitrate in its header, here " + (f"{vorbis_quality(key)}" if vorbis_quality(key) is not
                                                              None else "not read"))
    return ""


def last_part(key, tag):
    """The values of a channel key's last part (tag, values...) where it ends in one tagged `tag`, else None: how a
    key records what was read beyond its channel's kind (MP3_BITRATE, VORBIS_QUALITY, SAMPLES, RESIZED_BEFORE)."""
    last = key[-1] if key else None
    return last[1:] if isinstance(last, tuple) and last[:1] == (tag,) else None


def mp3_bitrate(key):
    """(bit/s, channels) an MP3 channel's reference passes LAME at (mp3_key_part), or None."""
    return last_part(key, MP3_BITRATE)


RESIZED_BEFORE = "resized before"  # a JPEG key's last part (RESIZED_BEFORE, filters, side): a resize read before it


def resized_before(key):
    """(filters, side) of a resize read before a JPEG (a JPEG key's last part), or None."""
    return last_part(key, RESIZED_BEFORE)


def jpeg_alone(key):
    """A JPEG key without the resize read before it."""
    return key[:-1] if resized_before(key) else key


SAMPLES = "samples"  # an audio key's last part (SAMPLES, the codec's name): the codec was read from the samples


# A Vorbis file's quality read from its header (engine/data/vorbis_quality.py, ffmpeg's -q:a scale): an audio key's last
# part (VORBIS_QUALITY, q), and the reference passes libvorbis at it instead of at libsndfile's default (quality 4).
VORBIS_QUALITY = "vorbis quality"


def vorbis_quality(key):
    """The Vorbis quality an audio key's reference is encoded at (ffmpeg's -q:a scale), or None: libsndfile's default."""
    return (last_part(key, VORBIS_QUALITY) or (None,))[0]


def quiet_level(key):
    """The speech level an audio key calibrates at (level_key), or None: the recording's own levels."""
    return key[5] if len(key) > 5 and isinstance(key[5], int) else None


def codec_from_samples(key):
    """The name of the codec an audio key's file was decoded from, read from its samples, or None."""
    return (last_part(key, SAMPLES) or (None,))[0]


def level_key(channel):
    """The file's speech level to LEVEL_STEP_DB when it lies below QUIET_DB, else None."""
    level = channel.get("level_db")
    if level is None or level >= QUIET_DB:
        return None
    return int(LEVEL_STEP_DB * round(level / LEVEL_STEP_DB))


def describe(key):
    """The channel assumed for the reference, in words."""
    if key is None:
        return "none (the file's format changes nothing the detectors read)"
    if key[0] == time_scale.KEY:
        return time_scale.describe(key[1]) + (f"; as written, {quarter_grid.WORDS}" if key[2:] else "")
    if key[0] == quarter_grid.KEY:
        return quarter_grid.WORDS
    if resized_before(key):
        filters, side = resized_before(key)
        return (f"{describe(jpeg_alone(key))}, after a resize with {' or '.join(filters)} through {side} x {side} "
                f"and back read approximately from the pixels (judged against the reference through the JPEG alone "
                f"and through that resize then the JPEG; each detector's larger tail probability applies)")
    if key[0] == "JPEG":
        from engine.data.channels import jpeg_quality

        quality, off = jpeg_quality(key[1][0][1])
        if "pixels" in key[3:]:
            spread = history_spread(quality)
            return (f"JPEG inferred from the pixels (estimated IJG quality {quality}: the lossless file keeps no "
                    f"tables; the reference is re-encoded with the IJG tables at qualities {spread[0]}-{spread[-1]})")
        return f"JPEG with the file's own quantisation tables (IJG quality {quality}{'' if off == 0 else ' approx.'})"
    if key[0] == "WebP lossy":
        qualities = ", ".join(map(str, WEBP_QUALITIES))
        if key[1:] == ("pixels",):
            return (f"lossy WebP inferred from the pixels (a grey picture with none of the levels libwebp's decoder "
                    f"cannot produce; the lossless file keeps no quality: the reference is re-encoded at qualities "
                    f"{qualities})")
        return f"lossy WebP at qualities {qualities} (WebP records none)"
    if key[0] == "enlarged":
        (h, w), kernel = key[1], key[2]
        if kernel is None:
            return (f"enlarged to {h} x {w} with a filter not read from the pixels: the file reduced with Pillow's box "
                    f"filter, the reference enlarged with each of {', '.join(picture_size.COMMON_KERNELS)} and reduced "
                    f"so (each detector's largest tail probability applies)")
        return (f"enlarged to {h} x {w} with {kernel}, read from the pixels (the file is that filter's upsampling of a "
                f"picture of the reference's size, to which it is reduced; the reference is enlarged and reduced so)")
    if key[0] == "resized" and len(key) > 2:
        filters, side = " or ".join(key[2]), key[3]
        return (f"resized with {filters} through {side} x {side} and back, inferred from the pixels (the file is a "
                f"fixed point of that round trip and of no neighbouring side's; the reference is resized so)")
    if key[0] == "resized":
        return ("resized with a ringing filter (Lanczos) and back, inferred from the pixels (a halo of faint values "
                "around the strokes and an empty background beyond it; the reference is resized by "
                f"{min(RESIZE_FACTORS)}-{max(RESIZE_FACTORS)} times its side and back with Lanczos)")
    _, subtype, rate, band, noise = key[:5]
    quiet = quiet_level(key)
    mp3 = mp3_bitrate(key)
    stand_in = (f" (the reference through {CODEC_STAND_INS[subtype]}, the nearest codec libsndfile writes)"
                if subtype in CODEC_STAND_INS else
                f" (the reference through LAME at {mp3[0] // 1000} kbit/s, "
                f"{'mono' if mp3[1] == 1 else 'on two channels'}: the file's bitrate as its frame headers state it, "
                f"a VBR file's mean to the nearest constant one)"
                if mp3 else
                " (the reference through libsndfile's MP3 at its default and lowest bitrates: the file's own bitrate "
                "was not read from its frame headers, the channel's mp3_bitrate says why)"
                if subtype in LOWEST_BITRATE_SUBTYPES else
                f" (the reference through OpenCORE's AMR-NB encoder at the file's commonest mode, "
                f"{PYAV_CODECS[subtype][1] / 1000:g} kbit/s, 8 kHz)" if subtype in AMR_NB else
                f" (the reference through FFmpeg's {PYAV_CODECS[subtype][0].upper()} encoder at the file's "
                f"{PYAV_CODECS[subtype][1] / 1000:g} kbit/s)" if subtype in TELEPHONE else
                f" (the reference through FFmpeg's encoder at {PYAV_CODECS[subtype][1] // 1000} kbit/s, whatever the "
                f"file's own bitrate, which the channel's aac_bitrate records: following it gained nothing)"
                if subtype in PYAV_CODECS else
                " (the reference through libsndfile's Opus at its default bitrate, whatever the file's own, which the "
                "channel's opus_bitrate records: following it caught fewer synthesisers" + (
                    f"; the file's packets carry at least {opus_inversion(key) // 1000} kbit/s, through which "
                    f"mel-inversion's trait survives the codec)" if opus_inversion(key) else ")")
                if subtype == "OPUS" else "")
    stand_in = (f" (the reference through libvorbis at the file's quality {vorbis_quality(key)} on ffmpeg's -q:a "
                f"scale, read from the nominal bitrate in its header)" if vorbis_quality(key) is not None else stand_in)
    inferred = codec_from_samples(key)
    read = (f" inferred from the samples: {inferred} (the file is PCM whose samples lie on that codec's output grid or "
            f"follow its decoder's chain, "
            f"so it was decoded from it and re-saved)" if inferred else "")
    parts = ([f"codec {subtype}{stand_in}{read}"] if subtype else []) + ([f"sample rate {rate} Hz"] if rate else []) + (
        [f"band-limited to {band} Hz"] if band else []) + (
        [f"a quiet recording (speech level about {quiet} dB of full scale; the reference passed through the codec "
         f"at it)"] if quiet is not None else [])
    if noise:
        parts.append(f"added noise (floor relative to the speech, to the nearest {NOISE_STEP_DB} dB: "
                     f"{noise_floor_text(noise)})")
    return ", ".join(parts)


# --- passing reference files through a channel ----------------------------------------


def jpeg_images(x, key):
    """Samples (n, c, h, w) in [0,1] re-encoded as JPEG with the file's tables, decoded again;
    sample k saved as JPEG at JPEG_EARLIER_QUALITIES[k % 4] before that (None: not before). For a
    quality read from the pixels, sample k is encoded at the quality HISTORY_SPREAD[k % 3] from it."""
    subsampling = key[2]
    options = [{"qtables": [list(t) for _, t in tables]} | ({"subsampling": subsampling} if subsampling >= 0 else {})
               for tables in jpeg_history_tables(key)]

    def save(image, buffer, k):
        earlier = JPEG_EARLIER_QUALITIES[k % len(JPEG_EARLIER_QUALITIES)]
        if earlier is not None:
            from PIL import Image

            first = io.BytesIO()
            image.save(first, format="JPEG", quality=earlier)
            image = Image.open(first)
        image.save(buffer, format="JPEG", **options[k % len(options)])

    return _through_pil(x, save)


def jpeg_history_tables(key):
    """The tables a JPEG key's reference is encoded with, in turn: the file's own; for a quality read
    from the pixels (key[3] "pixels"), the IJG tables at each quality HISTORY_SPREAD from it."""
    if "pixels" not in key[3:]:
        return [key[1]]
    from engine.data.channels import ijg_tables, jpeg_quality

    quality = jpeg_quality(key[1][0][1])[0]
    return [tuple((k, tuple(int(v) for v in ijg_tables()[q][k])) for k, _ in key[1]) for q in history_spread(quality)]


def history_spread(quality):
    """The qualities HISTORY_SPREAD from a quality read from the pixels, within the lattice's range or at the
    quality itself (99, read as a fixed point of the encoder, is not spread to 100)."""
    from engine.data.channels import HISTORY_QUALITIES

    return [int(np.clip(quality + step, HISTORY_QUALITIES[0], max(HISTORY_QUALITIES[-1], quality)))
            for step in HISTORY_SPREAD]


def image_through(x, key):
    """Samples (n, c, h, w) in [0, 1] through the image channel `key` (JPEG, lossy WebP, a Lanczos resize or a
    resize read with its filter and side, or such a resize and then JPEG)."""
    if resized_before(key):
        return jpeg_images(resampled_images(x, *resized_before(key)), jpeg_alone(key))
    if key[0] == "JPEG":
        return jpeg_images(x, key)
    if key[0] == "enlarged":
        return enlarged_images(x, key[1], key[2], key[3] if len(key) > 3 else key[2])
    if key[0] == "resized" and len(key) > 2:
        return resampled_images(x, key[2], key[3])
    return webp_images(x) if key[0] == "WebP lossy" else resized_images(x)


def resized_images(x):
    """Sample k resized with Lanczos by RESIZE_FACTORS[k % 15] and back, in 8 bits at both steps (as an editor
    saves it)."""
    from PIL import Image

    def save(image, buffer, k):
        side = [max(1, round(s * RESIZE_FACTORS[k % len(RESIZE_FACTORS)])) for s in image.size]
        image.resize(side, Image.LANCZOS).resize(image.size, Image.LANCZOS).save(buffer, format="PNG")

    return _through_pil(x, save)


PIL_FILTERS = {"nearest": "NEAREST", "box": "BOX", "bilinear": "BILINEAR", "hamming": "HAMMING"}


def enlarged_images(x, size, kernel, reduced_as):
    """Grey samples (n, 1, h, w) enlarged to `size` with Pillow's filter `kernel` (8 bits) and reduced back as a file
    enlarged with `reduced_as` is (engine/data/picture_size.reduced; None: the box filter, for a filter not read)."""
    from PIL import Image

    method = getattr(Image.Resampling, kernel.upper())
    pixels = np.rint(np.clip(x[:, 0], 0, 1) * 255).astype(np.uint8)
    out = np.empty(x.shape, dtype=np.float32)
    for first in range(0, len(pixels), ENLARGED_AT_ONCE):  # memory bounded at any size (limits.MAX_ENLARGEMENT)
        big = np.stack([np.asarray(Image.fromarray(p).resize(size[::-1], method))
                        for p in pixels[first:first + ENLARGED_AT_ONCE]])
        out[first:first + ENLARGED_AT_ONCE, 0] = picture_size.reduced(big, x.shape[2:], reduced_as) / 255
    return out


ENLARGED_AT_ONCE = 64


def resampled_images(x, filters, side):
    """Sample k resized to side x side with filters[k % len(filters)] and back (PIL, 8 bits at both steps): the
    reference through the resize read from a file (engine/data/resize_history.resample_history)."""
    from PIL import Image

    def save(image, buffer, k):
        method = getattr(Image.Resampling, PIL_FILTERS[filters[k % len(filters)]])
        image.resize((side, side), method).resize(image.size, method).save(buffer, format="PNG")

    return _through_pil(x, save)


def webp_images(x):
    return _through_pil(x, lambda image, buffer, k: image.save(
        buffer, format="WEBP", quality=WEBP_QUALITIES[k % len(WEBP_QUALITIES)]))


def _through_pil(x, save):
    from PIL import Image

    out = np.empty_like(x, dtype=np.float32)
    for k, sample in enumerate(x):
        pixels = np.rint(np.clip(sample, 0, 1) * 255).astype(np.uint8)
        image = Image.fromarray(pixels[0] if pixels.shape[0] == 1 else np.moveaxis(pixels, 0, -1))
        buffer = io.BytesIO()
        save(image, buffer, k)
        opened = Image.open(buffer)
        decoded = np.asarray(opened if opened.mode == "L" else opened.convert("RGB"))
        if image.mode == "L" and decoded.ndim == 3:  # as the loader reads a grey WebP
            decoded = webp_grey(decoded)
        decoded = decoded.astype(np.float32) / 255
        out[k] = decoded[None] if decoded.ndim == 2 else np.moveaxis(decoded, -1, 0)
    return out


def audio_through(audio, key, options=None):
    """A recording at SPEECH_RATE through the channel: sample rate, band limit, codec (soundfile's
    write `options`, e.g. LOWEST_BITRATE; the default: libsndfile's)."""
    import soundfile

    _, subtype, rate, band = key[:4]
    sr = representations.SPEECH_RATE
    if rate:
        audio = _resample(audio, sr, rate)
        sr = rate
    if band:  # an ideal low-pass (the evidence's own filter is unknown; its band edge is what was read)
        spectrum = np.fft.rfft(audio)
        spectrum[np.fft.rfftfreq(audio.size, 1.0 / sr) > band] = 0
        audio = np.fft.irfft(spectrum, audio.size).astype(np.float32)
    if vorbis_quality(key) is not None:
        from engine.data.vorbis_quality import compression_level

        options = {"compression_level": compression_level(vorbis_quality(key)), **(options or {})}
    if mp3_bitrate(key):
        audio = _through_lame(audio, sr, *mp3_bitrate(key))
    elif subtype in PYAV_CODECS:
        audio = _through_pyav(audio, sr, subtype, (options or {}).get("bit_rate", PYAV_CODECS[subtype][1]))
    elif subtype:
        subtype = CODEC_STAND_INS.get(subtype, subtype)
        buffer = io.BytesIO()
        soundfile.write(buffer, np.clip(audio, -1, 1), sr, subtype=subtype, format=codec_container(subtype),
                        **(options or {}))
        buffer.seek(0)
        audio = soundfile.read(buffer, dtype="float32")[0]
        audio = audio.mean(axis=1) if audio.ndim > 1 else audio
    return _resample(audio, sr, representations.SPEECH_RATE) if sr != representations.SPEECH_RATE else audio


def _through_pyav(audio, sr, subtype, bit_rate):
    """A recording through a codec libsndfile lacks, encoded and decoded by PyAV as the loader decodes it."""
    from engine.data.formats import container_audio

    codec, _, container = PYAV_CODECS[subtype]
    data = container_audio.encoded(audio, sr, bit_rate, container, codec)
    return container_audio.read_recording("the reference passed through " + subtype, data)[0][:audio.size]


def _through_lame(audio, sr, bit_rate, channels):
    """A recording through LAME at `bit_rate` on `channels` (1 or 2: the recording on both), decoded by libsndfile
    as an MP3 file is, mixed to mono."""
    import soundfile

    from engine.data.formats import container_audio

    data = container_audio.encoded(audio, sr, bit_rate, "mp3", "mp3", channels)
    decoded = soundfile.read(io.BytesIO(data), dtype="float32", always_2d=True)[0]
    return decoded.mean(axis=1)[:audio.size]


def codec_container(subtype):
    """The container the reference is written in to pass it through codec `subtype` (CODEC_FORMATS, else
    the first of CODEC_CONTAINERS that holds it)."""
    import soundfile

    if subtype in CODEC_FORMATS:
        return CODEC_FORMATS[subtype]
    return next((f for f in CODEC_CONTAINERS if soundfile.check_format(f, subtype)), CODEC_CONTAINERS[0])


def with_noise_floor(audio, levels_db, seed):
    """A recording at SPEECH_RATE brought up to a noise floor of `levels_db` per band of
    NOISE_BANDS_HZ (dB relative to its own speech level, as noise_levels reads them; None: the
    band is left as it is) by adding Gaussian noise: in each band only the power its own floor
    lacks, shaped by interpolating the target's spectral density (dB over log frequency) between
    the centres of the bands given, and scaled so that noise_levels' own measure of it is the target."""
    sr = representations.SPEECH_RATE
    audio = np.asarray(audio, dtype=np.float64)
    loud, own = speech_and_floor(band_powers(audio, sr))
    if loud <= 0:
        return audio.astype(np.float32)
    given = np.array([level is not None for level in levels_db])
    target = 10 ** (np.array([level if level is not None else -np.inf for level in levels_db]) / 10) * loud
    lacking = np.maximum(target - own, 0.0)
    freqs = np.fft.rfftfreq(audio.size, 1.0 / sr)
    density_db = _log_interp(np.log10(np.maximum(freqs, NOISE_LOWEST_HZ)), np.log10(np.asarray(NOISE_CENTRES_HZ)[given]),
                             10 * np.log10(target[given] / np.diff(NOISE_BANDS_HZ)[given]))
    shape = np.sqrt(10 ** ((density_db - density_db.max()) / 10))
    rng = np.random.default_rng(seed)
    out = audio.copy()
    for b, (lo, hi) in enumerate(zip(NOISE_BANDS_HZ[:-1], NOISE_BANDS_HZ[1:])):
        spectrum = np.fft.rfft(rng.normal(size=audio.size)) * shape
        spectrum[(freqs <= lo) | (freqs > hi)] = 0
        part = np.fft.irfft(spectrum, audio.size)
        measured = band_powers(part, sr)[:, b].mean()
        if lacking[b] > 0 and measured > 0:
            out += part * np.sqrt(lacking[b] / measured)
    return out.astype(np.float32)


def gain_controlled(audio, attack_ms=AGC_ATTACK_MS, release_ms=AGC_RELEASE_MS, max_gain_db=AGC_MAX_GAIN_DB):
    """A recording at SPEECH_RATE through an automatic gain control: a peak follower over 1 ms blocks
    (rising with `attack_ms`, falling with `release_ms`), and a gain that brings it to the loudest
    block's level, at most `max_gain_db` (so the pauses' noise rises after each word); the result
    scaled back to the recording's own peak."""
    sr = representations.SPEECH_RATE
    audio = np.asarray(audio, dtype=np.float64)
    step = sr // 1000
    blocks = np.abs(np.pad(audio, (0, -audio.size % step))).reshape(-1, step).max(axis=1)
    attack, release = (np.exp(-1.0 / ms) for ms in (attack_ms, release_ms))  # per 1 ms block
    envelope, level = np.empty_like(blocks), 0.0
    for i, v in enumerate(blocks):
        c = attack if v > level else release
        level = c * level + (1 - c) * v
        envelope[i] = level
    if envelope.max() <= 0:
        return audio.astype(np.float32)
    gain = np.minimum(envelope.max() / np.maximum(envelope, 1e-12), 10 ** (max_gain_db / 20))
    out = audio * np.repeat(gain, step)[: audio.size]
    return (out * np.abs(audio).max() / np.abs(out).max()).astype(np.float32)  # the recording's own peak (a codec clips at 1)


def _log_interp(x, centres, values):
    """Piecewise-linear through (centres, values), continued beyond the end centres with the slope
    of the nearest two (pink noise keeps rising below the lowest band's centre), flat for one."""
    inside = np.interp(x, centres, values)
    if centres.size < 2:
        return inside
    low = values[0] + (x - centres[0]) * (values[1] - values[0]) / (centres[1] - centres[0])
    high = values[-1] + (x - centres[-1]) * (values[-1] - values[-2]) / (centres[-1] - centres[-2])
    return np.where(x < centres[0], low, np.where(x > centres[-1], high, inside))


def _resample(audio, sr, rate):
    import soxr

    return soxr.resample(np.asarray(audio, dtype=np.float32), sr, rate).astype(np.float32)


_floored = (None, None, None)  # (profile, noise floor, its recordings) last made by noise_floored_reference


def noise_floored_reference(profile, noise):
    """[(file id, audio)] of the reference recordings brought up to noise floor `noise` (with_noise_floor, seeded by
    file id): the room's noise reaches the microphone before any gain control, recorder or codec. The last floor's
    are kept, as a noise channel's calibration is followed by its gain-controlled twin (channel_detectors) on the same
    noisy recordings (their making is about a quarter of each calibration's time). The cache is one tuple, replaced
    whole, so that a verdict in another thread never reads another floor's recordings."""
    global _floored
    found = _floored
    if found[0] is not profile or found[1] != noise:
        found = (profile, noise, [(g, with_noise_floor(audio, noise, seed=g)) for g, audio in reference_audio(profile)])
        _floored = found
    return found[2]


def channelled_reference(profile, key, agc=False):
    """(samples, file ids, calibration-file mask per sample, the channelled recordings (Recordings:
    what the detectors derive from each, derived once) or None for images) of reference files through
    the channel, or None when the profile keeps no files that can be passed through it; `agc`: after the
    noise, an automatic gain control."""
    if key[0] in ("JPEG", "WebP lossy", "resized", "enlarged"):
        x = image_through(profile["cal_x"], key)
        groups = np.asarray(profile["cal_x_group"])
        return x, groups, np.ones(groups.size, dtype=bool), None
    if "ref_audio" not in profile:
        return None
    maps, groups, is_cal, recordings = [], [], [], []
    n_fit_files = int(profile["n_fit_files"])
    noise, level = key[4], quiet_level(key)
    recorders = at_level(level) if level is not None else RECORDERS if key[1] else RECORDERS[:1]
    for g, audio in noise_floored_reference(profile, noise) if noise else reference_audio(profile):
        if agc:  # a phone's gain control acts on what its microphone hears, the room's noise included
            audio = gain_controlled(audio)
        versions = [(k, recorder, twin) for k, (_, recorder) in enumerate(recorders)
                    for twin in CODEC_TWINS.get(key[1], (key[1],))]
        for k, recorder, twin in versions:
            channelled = audio_through(recorder(audio), key[:1] + (twin,) + key[2:])
            if k == 0 and twin == key[1]:  # noise-floor: as made (a recorder's silence is its own trait), or at a quiet file's level
                recordings.append(channelled)
                if key[1] in LOWEST_BITRATE_SUBTYPES and not mp3_bitrate(key):  # the bitrate unknown: both ends
                    recordings.append(audio_through(audio, key, LOWEST_BITRATE))
            patches = representations.mel_patches(channelled, representations.SPEECH_RATE)
            maps.append(patches)
            groups.append(np.full(patches.shape[0], len(maps) - 1))  # a recording's versions side by side
            is_cal.append(np.full(patches.shape[0], g >= n_fit_files))
    groups = np.concatenate(groups)
    x = np.concatenate(maps)
    if "level_version" in profile:
        x = representations.normalise_level(x, renumber(groups))
    return x, groups, np.concatenate(is_cal), Recordings(recordings)


def resampled_through(profile, key, groups, n_files):
    """The profile's held-out figures resampled (engine/detectors/resampling.py) and then passed through
    the image channel `key`, as a Batch (copy kind j of file g is file j n + g), for a case whose image
    detectors are calibrated on resampled copies too (a real digit rotated, then saved as JPEG: 10 of
    500 labelled generated against the channel's files alone, docs/verdicts.md, "Images, second pass"); else None."""
    from engine.detectors import suite

    if key[0] not in ("JPEG", "WebP lossy", "enlarged") or np.ndim(profile.get("cal_stroke_ramp", ())) != 2:
        return None
    copies, kinds = resampling.resampled_copies(profile["cal_x"], int(profile.get("levels", 0)))
    copies = image_through(copies, key)
    return suite.Batch(copies, kinds * n_files + np.tile(groups, len(resampling.RESAMPLINGS)))


# --- the detectors of a channel -----------------------------------------------------


class StandAside:
    """A detector whose trait the channel destroys: scored and shown, weight 0 for the file."""

    def __init__(self, detector, why):
        self.detector, self.why = detector, why
        self.name, self.tail, self.method = detector.name, detector.tail, detector.method
        self.learned = getattr(detector, "learned", False)

    def informative(self, samples):
        return False

    def scores(self, batch):
        return self.detector.scores(batch)

    def reason(self, batch, g, score, p):
        return f"{self.detector.reason(batch, g, score, p)} [stands aside, weight 0: {self.why}]"


class NoiseUnion:
    """Under added noise: a detector's largest tail probability against each of its calibrations
    (`parts`: (the reference it was fitted on, in words; the detector) pairs: the reference without
    the noise, brought up to the file's floor, and that through an automatic gain control), so that
    the noise branch can only lower a real file's alarm (docs/verdicts.md, "Added noise": babble,
    non-stationary, matched with stationary noise had turned an unseen speaker's real takes
    "generated" 23 times in 400 where the clean calibration gave 0). Its score is -log10 of that
    probability (calibration.log_p_model); its calibration files are those of the second part."""

    def __init__(self, parts, when="under added noise"):
        self.parts_ = parts
        matched = parts[1][1]
        self.name, self.learned = matched.name, getattr(matched, "learned", False)
        self.calibration = getattr(matched, "calibration", "")
        self.method = (f"{matched.method}; {when} the largest of its tail probabilities against the "
                       f"reference {', '.join(words for words, _ in parts)} (score: -log10 of it)")
        floor = max(calibration.tail_floor(d.tail) for _, d in parts)
        self.tail = calibration.log_p_model(calibration.tail_probability(matched.tail, matched.tail["sorted"]), floor)
        if hasattr(matched, "attribute"):
            self.attribute = matched.attribute
        self._seen = None  # (batch, scores per part) of the last batch scored, for the reasons

    def informative(self, samples):
        return all(getattr(d, "informative", lambda _: True)(samples) for _, d in self.parts_)

    def parts(self, batch):
        """(scores, tail probabilities) per part, of a batch's files."""
        if self._seen is None or self._seen[0] is not batch:
            self._seen = (batch, [d.scores(batch) for _, d in self.parts_])
        return [(s, calibration.tail_probability(d.tail, s)) for s, (_, d) in zip(self._seen[1], self.parts_)]

    def scores(self, batch):
        return -np.log10(np.max([p for _, p in self.parts(batch)], axis=0))

    def reason(self, batch, g, score, p):
        found = [(float(s[g]), float(q[g])) for s, q in self.parts(batch)]
        k = int(np.argmax([q for _, q in found]))
        matched = self.parts_[1][1].reason(batch, g, found[1][0], found[1][1])
        each = ", ".join(f"{q:.2g} against the reference {words}" for (_, q), (words, _) in zip(found, self.parts_))
        return f"{matched} [tail probability {p:.2g}, the largest of {each}: the reference {self.parts_[k][0]} applied]"


def channel_logistic(batch, key, gan_runs, profile):
    """The arrays of the pooled logistic regression (engine/detectors/logistic.py) refitted on channelled reference
    samples (`batch`) against the generator runs' samples (GANs and zoo families) through the same image channel;
    cross-fitted calibration."""
    from engine.detectors.learned import generator_samples, texture_version

    fakes = generator_samples(gan_runs, batch.x.shape[0])
    fakes = image_through(fakes, key)
    version = texture_version(profile)
    fake_inputs = statistical.logistic_inputs(statistical.feature_matrix(fakes)[0],
                                              statistical.texture_features(fakes, version))
    reference = statistical.logistic_inputs(batch.features, batch.texture(version))
    groups = batch.groups
    model = statistical.fit_logistic(reference, fake_inputs)
    model["cal"] = cross_fitted(groups, batch.n_files, lambda train, held: calibration.group_mean(
        statistical.logistic_logits(statistical.fit_logistic(reference[train], fake_inputs), reference[held]),
        renumber(groups[held])))
    model["texture"] = np.array(version)
    return model


def channel_detectors(detectors, profile, key, gan_runs=(), for_channel=None, agc=False, store=None):
    """The case's detectors for files that came through channel `key` (module docstring),
    in the same order, and a note on the channel for the reasons; `gan_runs`: the case's
    GAN runs, whose samples refit the logistic regression under an image channel;
    `for_channel`: the batch's cache of (detectors, note) per key, for a noise channel's
    counterpart without the noise (built once per batch, not once per noise level); `agc`: the
    noise-matched reference passed through an automatic gain control (gain_controlled) as well;
    `store`: the case's stored channel calibrations (engine/detectors/channel_store.py), from which
    the calibration is read or to which it is added once computed (None: computed, not kept)."""
    if aside_marks.last(key) in ASIDE:
        return marked_detectors(detectors, profile, key, gan_runs, for_channel, store)
    if key[0] == time_scale.KEY:  # as written, on the quarter grid too (key[2:]): that channel's detectors
        written = quarter_grid.detectors(detectors, profile)[0] if key[2:] else None
        return time_scale.union(detectors, key[1], written)
    if key[0] == quarter_grid.KEY:
        return quarter_grid.detectors(detectors, profile)
    if key[0] == "enlarged" and key[2] is None:  # no filter read: each common one's round trip, the largest p
        return enlarged_union(detectors, profile, key, gan_runs, for_channel)
    compute = functools.partial(channel_calibration, detectors, profile, calibrated_key(key), gan_runs, agc)
    data = compute() if store is None else store.calibration(calibrated_key(key), agc, compute)
    if data is None:
        return detectors, (f"channel {describe(key)}: this case keeps no reference recordings to pass through it "
                           f"(made before channel calibration; `case new` again to get it), so the detectors are "
                           f"calibrated on the clean reference")
    out = channel_set(detectors, profile, key, gan_runs, data)
    if key[0] == "audio" and key[4] and not agc:
        levelled = channel_detectors(detectors, profile, key, gan_runs, for_channel, agc=True, store=store)[0]
        out = noise_union(detectors, profile, key, gan_runs, out, levelled, for_channel)
    if resized_before(key):
        out = resized_jpeg_union(detectors, profile, key, gan_runs, out, for_channel)
    if key[0] == "enlarged" and len(key) == 3:  # a filter read: the reduction gives a real file back nearly as it was
        out = enlarged_read_union(detectors, out)
    lost = TRAITS_LOST[key[0]] + (f"; {TRAITS_LOST['noise']}" if key[0] == "audio" and key[4] else "") + (
        f"; {TRAITS_LOST['resized then JPEG']}" if resized_before(key) else "")
    note = (f"channel {describe(key)}: the reference was passed through the same channel and the detectors "
            f"recalibrated on {int(data['n_files'])} such files; {lost}")
    return out, note


ASIDE = {far_field.FAR_FIELD: far_field, beyond_patches.BEYOND_PATCHES: beyond_patches,
         low_rumble.LOW_RUMBLE: low_rumble}  # aside_marks' readings


def marked_detectors(detectors, profile, key, gan_runs=(), for_channel=None, store=None):
    """The detectors of a recording whose key ends in a reading of ASIDE (far-field speech, its sound beyond the
    mel patches, a low rumble): those of its channel without that reading, the reading's DETECTORS standing aside;
    and the note."""
    reading = ASIDE[aside_marks.last(key)]
    inner = aside_marks.unmarked(key)
    if for_channel is None:
        def for_channel(k):
            return (detectors, None) if k is None else channel_detectors(detectors, profile, k, gan_runs, store=store)
    out, note = for_channel(inner)
    why = reading.reason(key)
    out = [StandAside(d, why) if d.name in reading.DETECTORS and not isinstance(d, StandAside) else d for d in out]
    return out, "; ".join(part for part in (note, reading.NOTE) if part)


def voice_aside(key):
    """Band-limited speech: synthetic-voice stands aside (and is not recalibrated)."""
    return key[0] == "audio" and bool(key[3])


def recalibrated_tail(detector):
    """Whether a detector keeps its model under a channel and has its tail refitted on the channelled held-out
    files: the learned ones (CNN, inverse model) other than the pooled logistic regression."""
    return getattr(detector, "learned", False) and not hasattr(detector, "generators")


def channel_calibration(detectors, profile, key, gan_runs=(), agc=False):
    """What a channel's detectors are rebuilt from (channel_set), as plain arrays a case can keep
    (engine/detectors/channel_store.py), or None when the profile keeps no files that pass through it:
    "n_files"; "profile:NAME": the profile's arrays refitted on the channelled reference; "tail:K": the
    channelled held-out files' scores of detectors[K] where recalibrated_tail; "logistic:NAME": the pooled
    logistic regression refitted under an image channel (channel_logistic). This is the costly part."""
    from engine.detectors import suite

    found = channelled_reference(profile, key, agc)
    if found is None:
        return None
    x, groups, is_cal, recordings = found
    batch = suite.Batch(x, renumber(groups))
    file_groups, n_files = batch.groups, batch.n_files
    refit = {}
    features = batch.features
    copies = resampled_through(profile, key, file_groups, n_files)
    if key[0] == "enlarged" or key[0] == "resized" and len(key) > 2:  # saturated pixels survive in bold strokes only
        from engine.detectors.outlier import FeatureOutlier

        refit.update(FeatureOutlier.fit_ranked(features, file_groups, n_files, cross_fitted))
    elif copies is not None:  # calibrated apart on the channelled resampled copies too
        from engine.detectors.outlier import FeatureOutlier

        refit.update(FeatureOutlier.fit_with_resampled(batch, file_groups, n_files, cross_fitted, copies))
    else:
        outlier = statistical.fit_outlier(features)
        refit.update({f"outlier_{k}": v for k, v in outlier.items()})
        refit["cal_outlier"] = cross_fitted(file_groups, n_files, lambda train, held: calibration.group_mean(
            statistical.outlier_scores(statistical.fit_outlier(features[train]), features[held]),
            renumber(file_groups[held])))
    if "cal_checkerboard" in profile:
        from engine.detectors.checkerboard import checkerboard_scores

        version = int(profile.get("checkerboard_version", 1))
        refit["cal_checkerboard"] = batch.file_mean(checkerboard_scores(x, version))
    if "cal_near_zero" in profile:
        refit["cal_near_zero"] = batch.file_mean(features[:, statistical.NEAR_ZERO])

    def rows(score):  # the channelled files' scores, and apart their resampled copies' where the case has them
        clean = batch.file_mean(score(x))
        return clean if copies is None else resampling.calibration_rows(clean, copies.file_mean(score(copies.x)))

    if "cal_faint_background" in profile:
        from engine.detectors.faint_background import faint_background

        refit["cal_faint_background"] = rows(faint_background)
    if "cal_edge_width" in profile:
        from engine.detectors.edge_width import edge_width

        refit["cal_edge_width"] = batch.file_mean(edge_width(x))
    if "cal_stroke_ramp" in profile:
        from engine.detectors.stroke_ramp import stroke_ramp

        refit["cal_stroke_ramp"] = rows(stroke_ramp)
    if "cal_placement" in profile:
        from engine.detectors.placement import placement_scores

        refit["cal_placement"] = rows(lambda x: placement_scores(x, profile["placement_reference"]))
    if "cal_noise_floor" in profile:
        from engine.detectors.noise_floor import NoiseFloor

        refit.update(NoiseFloor.calibrate(recordings))
    if "cal_cycle_jitter" in profile:
        from engine.detectors.cycle_jitter import CycleJitter

        refit.update(CycleJitter.calibrate(recordings))
    if "cal_mel_inversion" in profile:
        from engine.detectors.mel_inversion import MelInversion

        refit.update(MelInversion.calibrate(recordings))
    if "cal_pulse_grid" in profile:
        from engine.detectors.pulse_grid import PulseGrid

        refit.update(PulseGrid.calibrate(recordings))
    if "cal_lpc_lattice" in profile and key[0] == "audio" and key[2] and not key[1]:  # upsampled: read at 8 kHz
        from engine.detectors.lpc_lattice import LpcLattice

        refit.update(LpcLattice.calibrate(recordings))
    if "cal_synthetic_voice" in profile and not voice_aside(key):
        from engine.detectors.synthetic_voice import SyntheticVoice

        refit.update(SyntheticVoice.calibrate(recordings))
    out = {"n_files": np.array(n_files), **{f"profile:{name}": value for name, value in refit.items()}}
    cal_batch = suite.Batch(x[is_cal], renumber(groups[is_cal]))
    out.update({f"tail:{k}": d.scores(cal_batch) for k, d in enumerate(detectors) if recalibrated_tail(d)})
    if key[0] != "audio" and gan_runs and any(hasattr(d, "generators") for d in detectors):
        out.update({f"logistic:{name}": v for name, v in channel_logistic(batch, key, gan_runs, profile).items()})
    return out


def channel_set(detectors, profile, key, gan_runs, data):
    """The detectors of channel `key` rebuilt from its calibration `data` (channel_calibration): the profile's
    detectors refitted, learned ones with their tails refitted, those whose trait the channel destroys standing aside."""
    from engine.detectors import suite
    from engine.detectors.logistic import LogisticFeatures

    def part(prefix):
        return {name[len(prefix):]: value for name, value in data.items() if name.startswith(prefix)}

    refitted = {d.name: d for d in suite.profile_detectors({**profile, **part("profile:")})}
    out = []
    for k, detector in enumerate(detectors):
        if key[0] == "audio" and detector.name in TELEPHONE_LOST.get(key[1], ()):
            out.append(StandAside(refitted.get(detector.name, detector), f"its trait does not survive {describe(key)}: "
                                  f"no alarm on 40 synthesised digits through it (CHANNEL_LIMITS)"))
        elif getattr(detector, "lossy_erases", False):  # its trait is what the lossy step destroys
            out.append(StandAside(detector, f"{describe(key)} fills the value gaps it reads, in real and generated "
                                            f"files alike"))
        elif detector.name == "cycle-jitter" and key[0] == "audio" and key[1] in JITTER_LOST:
            out.append(StandAside(refitted[detector.name], f"{describe(key)} re-synthesises each pitch period, which "
                                                           f"hides a constant one"))
        elif detector.name == "pulse-grid" and key[0] == "audio" and key[1] in PULSE_LOST:
            out.append(StandAside(detector, f"under {describe(key)} it is not kept: " + (
                f"AMR-NB below {AMR_NB_PULSE_MIN / 1000:g} kbit/s takes a synthesiser's pulses off whole samples "
                f"(CHANNEL_LIMITS)"
                if key[1] in AMR_NB else "GSM 06.10 re-synthesises each pitch period at whole 8 kHz lags, putting a "
                "voice's pulses on the grid; under Vorbis it caught no more than its weight cost (CHANNEL_LIMITS)")))
        elif detector.name == "features" and key[0] == "audio" and key[1] in FEATURES_LOST:
            out.append(StandAside(refitted.get(detector.name, detector), f"under {describe(key)} it caught almost "
                                  f"no synthesised speech and labelled real takes of a narrow reference generated"))
        elif detector.name == "repeated-cycle" and key[0] == "audio" and key[1] in REPEAT_LOST:
            out.append(StandAside(detector, f"{describe(key)} re-synthesises the waveform, which erases a repeated "
                                            f"cycle"))
        elif detector.name == "mel-inversion" and key[0] == "audio" and (inversion_lost(key) or key[3]):
            out.append(StandAside(refitted.get(detector.name, detector), f"{describe(key)} {detector.aside_reason}"
                                  f"{inversion_kept_from(key) if not key[3] else ''}"))
        elif detector.name == "noise-floor" and key[0] == "audio" and key[4]:
            out.append(StandAside(refitted.get(detector.name, detector), NOISE_FILLS_SILENCE))
        elif detector.name == "noise-floor" and key[0] == "audio" and key[1] in FLOOR_LOST:
            out.append(StandAside(refitted.get(detector.name, detector), EIGHT_BITS_FLOOR))
        elif detector.name == "synthetic-voice" and voice_aside(key):
            out.append(StandAside(refitted.get(detector.name, detector), BAND_LIMIT_MOVES_VOICE))
        elif detector.name in refitted and detector.name != "grid":
            out.append(refitted[detector.name])
        elif hasattr(detector, "generators") and key[0] != "audio" and gan_runs:
            out.append(LogisticFeatures(part("logistic:"), [run["name"] for run in gan_runs]))
        elif hasattr(detector, "generators"):  # the pooled logistic regression
            out.append(StandAside(detector, f"fitted on clean reference files against the generators' mel maps, "
                                            f"to which {describe(key)} cannot be applied"))
        elif recalibrated_tail(detector):
            recalibrated = copy.copy(detector)
            recalibrated.tail = calibration.tail_model(data[f"tail:{k}"])
            out.append(recalibrated)
        else:
            out.append(detector)
    return out


def enlarged_union(detectors, profile, key, gan_runs, for_channel=None):
    """The detectors for a file enlarged to key[1] with a filter not read (reduced with the box filter), each joined
    by NoiseUnion over the reference enlarged with each of picture_size.COMMON_KERNELS and reduced so, and the note."""
    for_channel = for_channel or (lambda k: channel_detectors(detectors, profile, k, gan_runs))
    parts = [(kernel, for_channel(key[:2] + (kernel, None))) for kernel in picture_size.COMMON_KERNELS]
    def joined(k, first):
        each = [p[0][k] for _, p in parts]
        if any(isinstance(d, StandAside) for d in each) or all(d is first for d in each):
            return first
        return NoiseUnion([(f"enlarged with {kernel}", d) for (kernel, _), d in zip(parts, each)],
                          when="for an enlargement with a filter not read,")

    out = [joined(k, d) for k, d in enumerate(parts[0][1][0])]
    note = (f"channel {describe(key)}: the reference was passed through each round trip and the detectors "
            f"recalibrated on {profile['cal_x'].shape[0]} such files per filter; {TRAITS_LOST['enlarged']}")
    return out, note


def enlarged_read_union(detectors, enlarged):
    """The detectors `enlarged` of an enlargement whose filter was read, each that speaks joined by NoiseUnion with the
    case's own: the reduction gives a real digit back to within rounding (bilinear: 1-2 % of the pixels one or two
    levels off; nearest exactly), so the clean calibration, fitted on the whole fitting part, applies nearly as it is,
    while the channel's is refitted on the held-out files alone (features' model on 400 in a 2,000-digit case: 3 of
    150 tuning real digits labelled generated by it through every filter, none against the clean one)."""
    return [d if isinstance(d, StandAside) or isinstance(c, StandAside) or c is d else NoiseUnion(
        [("as it is", c), ("enlarged and reduced as the file was", d)], when="for an enlargement read from the pixels,")
        for c, d in zip(detectors, enlarged)]


def resized_jpeg_union(detectors, profile, key, gan_runs, resized, for_channel=None):
    """The detectors `resized` of a JPEG read as resized before (`key`), each that speaks joined by NoiseUnion with
    its counterpart for the JPEG alone: an intersection-union, generated only where both histories' calibrations say
    so, which keeps the level for a real file of either history (issue #18: real digits through bilinear 20 then
    JPEG 90 were labelled generated 170 of 300 against the JPEG alone); `for_channel`: as channel_detectors."""
    for_channel = for_channel or (lambda k: channel_detectors(detectors, profile, k, gan_runs))
    alone = for_channel(jpeg_alone(key))[0]
    filters, side = resized_before(key)
    words = f"resized with {' or '.join(filters)} through {side} x {side} and back, then through the JPEG"
    return [d if isinstance(d, StandAside) or isinstance(c, StandAside) or c is d else NoiseUnion(
        [("through the JPEG alone", c), (words, d)], when="for a JPEG read as resized before it,")
        for c, d in zip(alone, resized)]


def noise_union(detectors, profile, key, gan_runs, noisy, levelled, for_channel=None):
    """The detectors `noisy` of a noise channel `key`, each that speaks joined by NoiseUnion with its
    counterpart for the same channel without the noise (the case's own detectors for a noisy file
    that came through nothing else) and with the noise and an automatic gain control (`levelled`);
    `for_channel`: as channel_detectors."""
    quiet = key[:4] + (None,) + key[5:]
    for_channel = for_channel or (lambda k: channel_detectors(detectors, profile, k, gan_runs))
    clean = for_channel(quiet)[0] if any(quiet[1:4]) else detectors
    return [d if isinstance(d, StandAside) or isinstance(c, StandAside) or c is d else NoiseUnion(
        [("without the noise", c), ("brought up to the file's noise floor", d),
         ("brought up to it and through an automatic gain control", e)]) for c, d, e in zip(clean, noisy, levelled)]
