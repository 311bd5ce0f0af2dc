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
  fit nothing here; the last three on the channelled recordings themselves); under Opus `checkerboard` against
  the reference as recorded too (as_recorded_union); `lpc-lattice` at another sample
  rate without a lossy codec, on the reference resampled to that rate and back (it reads a file upsampled from
  8 kHz, engine/detectors/lpc_lattice.py);
- `clean-up`: calibrated on them under a lossless preparation read from the pixels (a resize, an enlargement,
  EMNIST's framing); under JPEG and lossy WebP, whose fill erases the gaps it reads, it stands aside (so does
  `faint-speck` under every channel, having no channel calibration);
- the CNN and inverse models: for images calibrated on the channelled held-out files; a speech recording they do
  not judge at all (learned.judged_by_learned), through a channel or not;
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

This module is the calibration; the rest lives beside it (docs/verdicts.md, "Channels and level"): the channel key
and its parts in engine/detectors/channel_keys.py, the reference passed through a channel in channel_media.py, which
detectors stand aside under which codec in channel_losses.py, and the channel in words in channel_words.py.
"""
import copy
import functools

import numpy as np

from engine.data import picture_size, representations
from engine.detectors import (aside_marks, calibration, eight_bit_floor, far_field, files_alone, low_rumble,
                              noisy_pauses, quarter_grid, resampling, statistical, time_scale)
from engine.detectors.batch import Batch, Recordings
from engine.detectors.channel_keys import (BOX_FRAMED, DECODER_HALO, EQUALISED, FRAMED, FRAMED_BEFORE, IN_FRAME,
                                           NOISY_BEFORE, NOISY_PICTURE, OPENCV_ROUND_TRIP, ORIENTED, RESIZED_BEFORE,
                                           TONED, TONED_BEFORE,
                                           box_framed_before, calibrated_key, fills_frame, framed, in_frame_base,
                                           in_frame_read, inversion_lost, jpeg_after, jpeg_alone, jpeg_befores,
                                           lossy_codec, mp3_bitrate, quiet_level)
from engine.detectors.channel_limits import (BAND_LIMIT_MOVES_VOICE, EIGHT_BITS_FLOOR, NOISE_FILLS_SILENCE,
                                             TRAITS_LOST)
from engine.detectors.channel_losses import (AMR_NB, AS_RECORDED_TOO, CHECKERBOARD_LOST, FEATURES_LOST, FLOOR_LOST,
                                             JITTER_LOST, PULSE_LOST, REPEAT_LOST, REPEAT_MADE,
                                             TELEPHONE_LOST)
from engine.detectors.channel_media import (CODEC_TWINS, LOWEST_BITRATE, LOWEST_BITRATE_SUBTYPES, RECORDERS, at_level,
                                            audio_through, gain_controlled, grey_pixels, image_through,
                                            noise_floored_reference, resampled_through)
from engine.detectors.channel_words import describe, inversion_kept_from
from engine.detectors.profile import cross_fitted, reference_audio, renumber


def channelled_reference(profile, key, agc=False):
    """(samples, file ids, calibration-file mask per sample, the channelled recordings (Recordings:
    what the detectors derive from each, derived once) or None for images) of reference files through
    the channel, or None when the profile keeps no files that can be passed through it; `agc`: after the
    noise, an automatic gain control."""
    if key[0] in ("JPEG", "WebP lossy", "resized", "enlarged", BOX_FRAMED, TONED, NOISY_PICTURE, EQUALISED,
                  OPENCV_ROUND_TRIP):
        x = image_through(profile["cal_x"], key)
        groups = np.asarray(profile["cal_x_group"])
        return x, groups, np.ones(groups.size, dtype=bool), None
    if "ref_audio" not in profile:
        return None
    maps, groups, is_cal, recordings = [], [], [], []
    n_fit_files = int(profile["n_fit_files"])
    noise = key[4]
    for g, audio in noise_floored_reference(profile, noise) if noise else reference_audio(profile):
        if agc:  # a phone's gain control acts on what its microphone hears, the room's noise included
            audio = gain_controlled(audio)
        for k, recorder, twin in recorder_versions(key):
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


def recorder_versions(key):
    """(recorder index, recorder, codec) of each version in which a reference recording passes audio channel `key`,
    in the order channelled_reference writes them next to each other: under a codec each of RECORDERS (at a quiet
    file's level: at_level) through the codec and its twin (CODEC_TWINS); else the recording as recorded."""
    level = quiet_level(key)
    recorders = at_level(level) if level is not None else RECORDERS if key[1] else RECORDERS[:1]
    return [(k, recorder, twin) for k, (_, recorder) in enumerate(recorders)
            for twin in CODEC_TWINS.get(key[1], (key[1],))]


# --- the detectors of a channel -----------------------------------------------------


class StandAside:
    """A detector whose trait the channel destroys: scored and shown, weight 0 for the file."""

    def __init__(self, detector, why):
        self.detector, self.why = detector, why
        self.name, self.tail, self.method = detector.name, detector.tail, detector.method
        self.learned, self.shares = getattr(detector, "learned", False), getattr(detector, "shares", 1)

    def informative(self, samples):
        return False

    def scores(self, batch):
        return self.detector.scores(batch)

    def reason(self, batch, g, score, p):
        return f"{self.detector.reason(batch, g, score, p)} [stands aside, weight 0: {self.why}]"


class VoiceAsideUnlessWritten(StandAside):
    """synthetic-voice under a band limit read in a PCM file with no codec read in it: it speaks, against the reference
    as calibrated, for a file whose band edge (`band_hz`, the channel key's) lies at or above
    synthetic_voice.LOW_PASS_LOWERS_FROM_HZ with no added noise read (`noisy`): a low-pass from there up lowers the
    model's reading of real speech, so a score above the reference's is not the band limit's doing (SVOX Pico resampled
    to 8 kHz reads as band-limited at 2.9-3.4 kHz, its weak upper band's; docs/studies.md, "SVOX Pico resampled to 8
    kHz", forty-fifth pass); below that edge, or over added noise, it speaks for a file whose floor above 1 kHz lies
    deeper than a studio's and every outside recording's (SyntheticVoice.written_to_file): a synthesiser writing to a
    file (SVOX Pico's short words read as band-limited at 1.3-1.6 kHz and score +6 to +12 against a reference at most
    +3.6; "SVOX Pico's floor against its own grid, and its band limit", forty-third pass), and stands aside
    (BAND_LIMIT_MOVES_VOICE) for one whose floor is a recorder's. A lossy codec writes its own floor and band, so a file
    through one keeps the stand-aside (channel_detectors gives it StandAside)."""

    def __init__(self, detector, why, band_hz=None, noisy=False):
        super().__init__(detector, why)
        from engine.detectors.synthetic_voice import LOW_PASS_LOWERS_FROM_HZ

        self.band_hz = band_hz
        self.edge_judged = band_hz is not None and band_hz >= LOW_PASS_LOWERS_FROM_HZ and not noisy

    def judged(self, audio):
        """Whether the detector speaks for this recording (class docstring)."""
        return audio is not None and (self.edge_judged or self.detector.written_to_file(audio))

    def informative(self, samples):
        audio = getattr(samples, "audio", None)
        return self.judged(audio) and self.detector.informative(samples)

    def reason(self, batch, g, score, p):
        audio = batch.recordings()[g]
        if not self.judged(audio):
            return super().reason(batch, g, score, p)
        if self.edge_judged:
            return (f"{self.detector.reason(batch, g, score, p)} [read as band-limited at {self.band_hz} Hz, judged "
                    f"against the full-band reference: a low-pass at 2.5-3.4 kHz lowers its model's reading of real "
                    f"speech, so a score above the reference's is not the band limit's doing]")
        return (f"{self.detector.reason(batch, g, score, p)} [read as band-limited, judged as full-band: its floor "
                f"above 1 kHz lies deeper than a studio's ({self.detector.deepest_floor:.0f} dB), as a synthesiser "
                f"writing to a file leaves it, so its weak upper band is its voice's, not a channel's]")


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
        self.shares = getattr(matched, "shares", 1)
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
    if key == (DECODER_HALO,):  # a decoder's halo, nothing else read: stroke-ramp on the reference's files alone
        return files_alone.detectors(detectors)
    if in_frame_read(key):  # soft edges read as resampled in the frame: the box and the centring also so resampled
        return in_frame_union(detectors, profile, key, gan_runs, for_channel, store)
    if key[0] == time_scale.KEY:  # as written, on the quarter grid too (key[2:]): that channel's detectors
        written = quarter_grid.detectors(detectors, profile)[0] if key[2:] else None
        return time_scale.union(detectors, key[1], written)
    if key[0] == quarter_grid.KEY:
        return quarter_grid.detectors(detectors, profile)
    if key[0] == ORIENTED:  # a mirror or a quarter turn read from the shape: as it is and put back
        return oriented_union(detectors, key)
    if key[0] == "enlarged" and key[2] is None:  # no filter read: each common one's round trip, the largest p
        return enlarged_union(detectors, profile, key, gan_runs, for_channel)
    if fills_frame(key):  # made at a smaller side, the figure filling it: framed as such collections frame theirs
        return framed_union(detectors, profile, key, gan_runs, for_channel, store)
    if key[0] == BOX_FRAMED and not framed(key):  # centred by its box, fitted into the frame: as EMNIST frames its own
        return boxed_union(detectors, profile, key, gan_runs, for_channel, store)
    if box_framed_before(key) and reference_box_framed(profile):  # an EMNIST case: judged as its own figures are
        unframed = tuple(p for p in key if p != (BOX_FRAMED, box_framed_before(key)))
        return channel_detectors(detectors, profile, unframed, gan_runs, for_channel, store=store)
    if jpeg_befores(key):  # prepared before the JPEG (resized, framed): the JPEG alone and each reading then the JPEG
        return jpeg_before_union(detectors, profile, key, gan_runs, for_channel, store)
    data = calibration_data(detectors, profile, key, gan_runs, agc, store)
    if data is None:
        return detectors, (f"channel {describe(key)}: this case keeps no reference recordings to pass through it "
                           f"(made before channel calibration; `case new` again to get it), so the detectors are "
                           f"calibrated on the clean reference")
    out = channel_set(detectors, profile, key, gan_runs, data)
    if key[0] == "audio" and key[1] in AS_RECORDED_TOO and not key[3] and not key[4]:
        out = as_recorded_union(detectors, out, key)
    if key[0] == "audio" and key[4] and not agc:
        levelled = channel_detectors(detectors, profile, key, gan_runs, for_channel, agc=True, store=store)[0]
        out = noise_union(detectors, profile, key, gan_runs, out, levelled, for_channel)
    if key[0] == "enlarged" and len(key) == 3:  # a filter read: the reduction gives a real file back nearly as it was
        out = enlarged_read_union(detectors, out)
    if key[0] == EQUALISED:  # read from the pixels: the reading may only make a verdict more cautious
        out = paired(detectors, out, ("as it is", "equalised so, figure by figure"), "for a picture read as equalised,")
    if key[0] == OPENCV_ROUND_TRIP:  # so too: a round trip nearly the identity, which a smooth picture may fit
        out = paired(detectors, out, ("as it is", "round-tripped so"), "for a picture read as OpenCV's round trip,")
    lost = TRAITS_LOST[key[0]] + (f"; {TRAITS_LOST['noise']}" if key[0] == "audio" and key[4] else "")
    return out, recalibrated_note(key, data, lost)


def calibration_data(detectors, profile, key, gan_runs, agc=False, store=None):
    """The reference's calibration through channel `key` (channel_calibration), read from the case's `store` or
    computed and added to it (None: computed, not kept); None where the case keeps no recordings to pass."""
    compute = functools.partial(channel_calibration, detectors, profile, calibrated_key(key), gan_runs, agc)
    return compute() if store is None else store.calibration(calibrated_key(key), agc, compute)


def recalibrated_note(key, data, lost):
    return (f"channel {describe(key)}: the reference was passed through the same channel and the detectors "
            f"recalibrated on {int(data['n_files'])} such files; {lost}")


# aside_marks' readings
ASIDE = {far_field.FAR_FIELD: far_field, low_rumble.LOW_RUMBLE: low_rumble,
         eight_bit_floor.EIGHT_BIT_SILENCE: eight_bit_floor, noisy_pauses.NOISY_PAUSES: noisy_pauses}


def marked_detectors(detectors, profile, key, gan_runs=(), for_channel=None, store=None):
    """The detectors of a recording whose key ends in a reading of ASIDE (far-field speech, a low rumble, an 8-bit
    recorder's silence): those of its channel without that reading, the reading's DETECTORS standing aside
    (under a low rumble judging through a high-pass, low_rumble.voice, and low_rumble.ASIDE standing aside); and the
    note."""
    reading = ASIDE[aside_marks.last(key)]
    inner = aside_marks.unmarked(key)
    if for_channel is None:
        def for_channel(k):
            return (detectors, None) if k is None else channel_detectors(detectors, profile, k, gan_runs, store=store)
    out, note = for_channel(inner)
    # under these readings a band limit puts synthetic-voice aside for every file, as before the forty-third pass: its
    # reading of a synthesiser's floor (VoiceAsideUnlessWritten) was measured on files with no rumble or far field
    out = [StandAside(d.detector, d.why) if isinstance(d, VoiceAsideUnlessWritten) else d for d in out]
    speaking = [d.name in reading.DETECTORS and not isinstance(d, StandAside) for d in out]
    if reading is low_rumble:  # judged through a high-pass, calibrated on the reference through the same channel
        voice = functools.partial(low_rumble.voice, profile, key, functools.partial(reference_recordings, profile, inner),
                                  store)
        out = [voice() if speaks else d for d, speaks in zip(out, speaking)]
        aside = [d.name in low_rumble.ASIDE and not isinstance(d, StandAside) for d in out]
        out = [StandAside(d, low_rumble.reason(key)) if sets else d for d, sets in zip(out, aside)]
        rumble = low_rumble.note(key, any(speaking), tuple(d.name for d, sets in zip(out, aside) if sets))
        return out, "; ".join(part for part in (note, rumble) if part)
    why = reading.reason(key)
    out = [StandAside(d, why) if speaks else d for d, speaks in zip(out, speaking)]
    return out, "; ".join(part for part in (note, reading.NOTE) if part)


def reference_recordings(profile, key):
    """The reference recordings kept in the profile, through audio channel `key` (None: as kept)."""
    if key is None:
        return [audio for _, audio in reference_audio(profile)]
    return channelled_reference(profile, key)[3]


def voice_aside(key):
    """Band-limited speech: synthetic-voice stands aside (and is not recalibrated)."""
    return key[0] == "audio" and bool(key[3])


def recalibrated_tail(detector):
    """Whether a detector keeps its model under a channel and has its tail refitted on the channelled held-out
    files: the learned ones (CNN, inverse model) other than the pooled logistic regression."""
    return getattr(detector, "learned", False) and not hasattr(detector, "generators")


def lossy_image(key):
    """Whether an image channel's key goes through a lossy codec (JPEG, lossy WebP; a preparation read before one
    included; an enlargement saved as JPEG), whose fill erases what the `lossy_erases` detectors read."""
    return key[0] in ("JPEG", "WebP lossy") or jpeg_after(key) is not None


def recalibrated_on(detector, data):
    """Whether a channel's calibration `data` refits every calibration array (cal_*) of `detector`."""
    return all(f"profile:{name}" in data for name in detector.arrays if name.startswith("cal_"))


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
    if "cal_box_size" in profile:  # the channelled files only: the box is not calibrated on resampled copies
        from engine.detectors.box_size import calibration_arrays, longer_sides

        refit.update(calibration_arrays(batch.file_mean(longer_sides(x)), "box_sides" in profile))
    if "cal_shoulder" in profile:
        from engine.detectors.shoulder import shoulder_z

        refit["cal_shoulder"] = batch.file_mean(shoulder_z(x))  # the channelled files only, as the clean profile
    if "cal_shoulder_placement" in profile:  # the two recalibrated above, read on the channelled files
        from engine.detectors.shoulder_placement import files_statistic

        refit["cal_shoulder_placement"] = files_statistic({**profile, **refit})
    if "cal_edge_shoulder" in profile:  # the edges' reading, then the statistic on the channelled files, as above
        from engine.detectors import edge_shoulder

        refit["cal_edges"] = rows(edge_shoulder.edges_z)
        refit["cal_edge_shoulder"] = edge_shoulder.files_statistic({**profile, **refit})
    if "cal_weak_traits" in profile:  # the four readings recalibrated above, then the statistic, as above
        from engine.detectors.weak_traits import files_statistic

        refit["cal_weak_traits"] = files_statistic({**profile, **refit})
    if "cal_clean_up" in profile and not lossy_image(key):  # a lossy codec fills its gaps: it stands aside there
        from engine.detectors.clean_up import clean_up_scores, grid_reading

        steps, relative = grid_reading(profile)
        refit["cal_clean_up"] = rows(lambda x: clean_up_scores(x, steps, relative))
    if "cal_noise_floor" in profile:
        from engine.detectors.noise_floor import NoiseFloor

        written_at = key[2] if key[0] == "audio" and key[2] else representations.SPEECH_RATE  # the files' own rate
        refit.update(NoiseFloor.calibrate(recordings, written_at))
    if "cal_cycle_jitter" in profile:
        from engine.detectors.cycle_jitter import CycleJitter

        refit.update(CycleJitter.calibrate(recordings))
    if "cal_mel_inversion" in profile:
        from engine.detectors.mel_inversion import MelInversion

        refit.update(MelInversion.calibrate(recordings))
    if "cal_pulse_grid" in profile:
        from engine.detectors.pulse_grid import POOLED_KEY, PulseGrid

        refit.update(PulseGrid.calibrate(recordings, pooled=POOLED_KEY in profile))
    if "cal_lpc_lattice" in profile and key[0] == "audio" and key[2] and not key[1]:  # upsampled: read at 8 kHz
        from engine.detectors.lpc_lattice import LpcLattice

        refit.update(LpcLattice.calibrate(recordings))
    if "cal_synthetic_voice" in profile and not voice_aside(key):  # scored again by the shipped model
        from engine.detectors.synthetic_voice import SHORT_VOICED_KEY, VOICED_KEY, SyntheticVoice

        # a voiced reading only where the case's profile holds one (an older profile's words: the whole word alone)
        refit.update(SyntheticVoice.calibrate(recordings, voiced=VOICED_KEY in profile,
                                              short=SHORT_VOICED_KEY in profile))
    # the versions of one recording (recorder_versions) are one file to the tails (calibration.versions_tail_model)
    refit["recorder_versions"] = np.array(1 if recordings is None else len(recorder_versions(key)))
    out = {"n_files": np.array(n_files), **{f"profile:{name}": value for name, value in refit.items()}}
    cal_batch = suite.Batch(x[is_cal], renumber(groups[is_cal]))
    # (no learned detector judges a speech recording, so an audio channel refits none of their tails: learned.py)
    out.update({f"tail:{k}": d.scores(cal_batch) for k, d in enumerate(detectors)
                if recalibrated_tail(d) and key[0] != "audio"})
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
        elif getattr(detector, "lossy_erases", False) and not recalibrated_on(detector, data):  # a lossy step's
            # fill destroys its trait; under a lossless preparation it stands aside only if not recalibrated on it
            out.append(StandAside(detector, f"{describe(key)} fills the value gaps it reads, in real and generated "
                                            f"files alike"))
        elif detector.name == "cycle-jitter" and key[0] == "audio" and key[1] in JITTER_LOST:
            out.append(StandAside(refitted[detector.name], f"{describe(key)} re-synthesises each pitch period, which "
                                                           f"hides a constant one and makes a steady voice's one"))
        elif detector.name == "pulse-grid" and key[0] == "audio" and key[1] in PULSE_LOST:
            out.append(StandAside(detector, f"under {describe(key)} it is not kept: " + (
                "AMR-NB codes each pitch lag to a fraction of a sample, putting a steady voice's pulse intervals on "
                "one value (CHANNEL_LIMITS)"
                if key[1] in AMR_NB else "GSM 06.10 re-synthesises each pitch period at whole 8 kHz lags, putting a "
                "voice's pulses on the grid; under Vorbis it caught no more than its weight cost (CHANNEL_LIMITS)")))
        elif detector.name == "features" and key[0] == "audio" and key[1] in FEATURES_LOST:
            out.append(StandAside(refitted.get(detector.name, detector), f"under {describe(key)} it caught almost "
                                  f"no synthesised speech and {FEATURES_LOST[key[1]]} (CHANNEL_LIMITS)"))
        elif detector.name == "checkerboard" and key[0] == "audio" and key[1] in CHECKERBOARD_LOST:
            out.append(StandAside(refitted.get(detector.name, detector), f"{describe(key)} puts a period-2 pattern "
                                  f"along time into a voice's lowest mel bands, one 20 ms frame a mel frame"))
        elif detector.name == "repeated-cycle" and key[0] == "audio" and key[1] in REPEAT_MADE:
            out.append(StandAside(refitted.get(detector.name, detector), f"{describe(key)} writes exact cycles of its "
                                  f"own in a recording's quiet stretches, a real voice's too (CHANNEL_LIMITS)"))
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
            voice = refitted.get(detector.name, detector)
            out.append(VoiceAsideUnlessWritten(voice, BAND_LIMIT_MOVES_VOICE, key[3], bool(key[4])) if key[1] is None
                       else StandAside(voice, BAND_LIMIT_MOVES_VOICE))  # a codec writes its own floor and band
        elif detector.name in refitted and detector.name != "grid":
            out.append(refitted[detector.name])
        elif hasattr(detector, "generators") and key[0] != "audio" and gan_runs:
            out.append(LogisticFeatures(part("logistic:"), [run["name"] for run in gan_runs]))
        elif hasattr(detector, "generators"):  # the pooled logistic regression
            out.append(StandAside(detector, f"fitted on clean reference files against the generators' mel maps, "
                                            f"to which {describe(key)} cannot be applied"))
        elif recalibrated_tail(detector) and key[0] != "audio":  # a recording is judged by no learned one
            recalibrated = copy.copy(detector)
            recalibrated.tail = calibration.versions_tail_model(data[f"tail:{k}"],
                                                                int(data.get("profile:recorder_versions", 1)))
            out.append(recalibrated)
        else:
            out.append(detector)
    return out


def enlarged_union(detectors, profile, key, gan_runs, for_channel=None):
    """The detectors for a file enlarged to key[1] with a filter not read (reduced with the box filter), each joined
    by NoiseUnion over the reference enlarged with each of picture_size.COMMON_KERNELS and reduced so, and the note."""
    for_channel = for_channel or (lambda k: channel_detectors(detectors, profile, k, gan_runs))
    parts = [(kernel, for_channel(key[:2] + (kernel, None) + key[4:])) for kernel in picture_size.COMMON_KERNELS]
    def joined(k, first):
        each = [p[0][k] for _, p in parts]
        if any(isinstance(d, StandAside) for d in each) or all(d is first for d in each):
            return first
        return NoiseUnion([(f"enlarged with {kernel}", d) for (kernel, _), d in zip(parts, each)],
                          when="for an enlargement with a filter not read,")

    out = [joined(k, d) for k, d in enumerate(parts[0][1][0])]
    note = (f"channel {describe(key)}: the reference was passed through each round trip and the detectors "
            f"recalibrated on {profile['cal_x'].shape[0]} such files per filter; {TRAITS_LOST['enlarged']}"
            + (f"; {TRAITS_LOST['JPEG']}" if jpeg_after(key) else ""))
    return out, note


def paired(first, second, readings, when):
    """Each detector of `first` joined by NoiseUnion with its counterpart in `second` (`readings`: the two readings'
    words; `when`: the clause its reason opens with): united over the two."""
    return united([(readings[0], first), (readings[1], second)], when)


def united(parts, when):
    """Each detector joined by NoiseUnion over its counterparts in `parts` ((a reading's words, its detectors), the
    case's or the plainest reading first; `when`: the clause its reason opens with), an intersection-union, generated
    only where every reading says so; where any stands aside, or all are the same detector, the second reading's as
    it is."""
    out = []
    for each in zip(*(found for _, found in parts)):
        if any(isinstance(d, StandAside) for d in each) or all(d is each[0] for d in each):
            out.append(each[1])
        else:
            out.append(NoiseUnion([(words, d) for (words, _), d in zip(parts, each)], when=when))
    return out


def as_recorded_union(detectors, channelled, key):
    """The detectors `channelled` of an audio codec whose AS_RECORDED_TOO detectors are joined by NoiseUnion with the
    case's own (`detectors`, the reference as recorded): the codec narrows the reference's spread by erasing a trait of
    one of its recorders that others keep through it, so a recorder's trait is judged against both readings and is
    generated only where both say so. Without a band limit or added noise only: those channels' calibrations differ
    from the clean one in more than the codec (added noise: noise_union joins this channel's without it)."""
    names = AS_RECORDED_TOO[key[1]]
    first = [c if d.name in names else d for c, d in zip(detectors, channelled)]
    return paired(first, channelled, ("as recorded", "through the codec"), "under this codec,")


def enlarged_read_union(detectors, enlarged):
    """The detectors `enlarged` of an enlargement whose filter was read, each that speaks joined by NoiseUnion with the
    case's own: the reduction gives a real digit back to within rounding (bilinear: 1-2 % of the pixels one or two
    levels off; nearest exactly), so the clean calibration, fitted on the whole fitting part, applies nearly as it is,
    while the channel's is refitted on the held-out files alone (features' model on 400 in a 2,000-digit case: 3 of
    150 tuning real digits labelled generated by it through every filter, none against the clean one)."""
    return paired(detectors, enlarged, ("as it is", "enlarged and reduced as the file was"),
                  "for an enlargement read from the pixels,")


def framed_union(detectors, profile, key, gan_runs, for_channel=None, store=None):
    """The detectors for a picture read as the enlargement of a smaller one whose figure fills its frame (`key`,
    channel_keys.FILLS_FRAME), each that speaks joined by NoiseUnion over the reference resized through that side and
    back and the reference framed as a collection of pictures at that side frames its figures (channel_keys.FRAMED):
    an intersection-union, generated only where both say so, and the note. Real USPS digits enlarged from 16 x 16
    were labelled generated 92 of 100 against the reference resized alone, 85 by `placement`: MNIST's centring is
    its own preparation, not a trait of real digits (docs/studies.md, "Handwritten digits from other collections",
    thirty-fourth pass). A figure of MNIST's size does not fill the frame and is judged against the resize alone."""
    for_channel = for_channel or (lambda k: channel_detectors(detectors, profile, k, gan_runs, store=store))
    resized, note = for_channel(key[:4])
    framing = for_channel(key[:4] + ((FRAMED,),))[0]
    words = f"framed as a collection of {key[3]} x {key[3]} pictures frames its figures, then enlarged"
    out = paired(resized, framing, ("resized through that side and back", words),
                 "for an enlargement whose figure fills it,")
    return out, (f"{note}; the figure fills its frame, as in a collection of {key[3]} x {key[3]} pictures: also judged "
                 f"against the reference {words}, each detector's larger tail probability applying")


def boxed_union(detectors, profile, key, gan_runs, for_channel=None, store=None):
    """The detectors for a lossless picture whose figure's box is centred and spans key[1] pixels of the frame (`key`,
    channel_keys.BOX_FRAMED), each that speaks joined by NoiseUnion over the case's own and those calibrated on the
    reference prepared as EMNIST's digits were (channel_keys.FRAMED): generated only where both say so, and the note.
    Real MNIST digits so prepared were labelled generated 114 of 200 against the reference alone, by `placement`:
    MNIST's 20 x 20 box centred by the centre of mass is its own preparation, not a trait of real digits
    (docs/studies.md, "EMNIST's preparation", thirty-fourth pass). MNIST's own figures span at most 20 of 28 and are
    not read so. A reference whose own figures are mostly framed so (an EMNIST case) is that preparation already:
    the case's detectors apply as they are."""
    if reference_box_framed(profile):
        return detectors, f"channel {describe(key)}: the reference's own figures are framed so; its calibration applies"
    for_channel = for_channel or (lambda k: channel_detectors(detectors, profile, k, gan_runs, store=store))
    framing = for_channel(key + ((FRAMED,),))[0]
    words = f"prepared as EMNIST's digits (its figure's box centred, spanning {key[1]} pixels)"
    out = paired(detectors, framing, ("as it is", words), "for a figure centred by its box and fitted into the frame,")
    return out, f"channel {describe(key)}; {TRAITS_LOST[BOX_FRAMED]}"


def reference_box_framed(profile):
    """Whether most of the profile's held-out reference figures are centred by their box and fitted into the frame
    (engine/data/box_frame.py box_framed)."""
    from engine.data.box_frame import box_framed

    pixels = grey_pixels(profile["cal_x"])
    return 2 * sum(box_framed(p) is not None for p in pixels) > len(pixels)


class PutBack:
    """A detector judging a batch's figures with an edit read from their shape undone (engine/data/orientation.py
    put_back), against its own calibration: a real figure mirrored or turned, put back, is a real figure as the
    reference holds them. Everything else is the detector's."""

    def __init__(self, detector, edit):
        self.detector, self.edit = detector, edit
        self._seen = (None, None)  # (batch, the batch put back) of the last batch scored

    def __getattr__(self, name):  # the detector's name, tail, method, weights' attributes
        if name == "detector":
            raise AttributeError(name)
        return getattr(self.detector, name)

    def put_back(self, batch):
        from engine.data.orientation import put_back

        if self._seen[0] is not batch:
            self._seen = (batch, Batch(put_back(batch.x, self.edit), batch.groups))
        return self._seen[1]

    def scores(self, batch):
        return self.detector.scores(self.put_back(batch))

    def reason(self, batch, g, score, p):
        return self.detector.reason(self.put_back(batch), g, score, p)


def oriented_union(detectors, key):
    """The detectors for a figure read as mirrored or turned a quarter (`key`, channel_keys.ORIENTED), each that speaks
    joined by NoiseUnion with itself judging the figure put back as each edit read: generated only where every reading
    says so (real digits
    mirrored or turned were labelled generated 44 and 50 of 160 by `placement`, MNIST's centring moved a pixel by the
    edit; docs/studies.md, "Everyday edits of real digits", forty-fifth pass), and the note. Nothing is recalibrated."""
    parts = [("as it is", detectors)] + [(f"as it is, with the file put back as if {edit}", [
        d if isinstance(d, StandAside) else PutBack(d, edit) for d in detectors]) for edit in key[1:]]
    out = united(parts, f"for a figure read as {' or '.join(key[1:])},")
    return out, f"channel {describe(key)}; {TRAITS_LOST[ORIENTED]}"


# the detectors of MNIST's preparation, which a resample moves, and `weak-traits`, which reads both
IN_FRAME_READ = ("box-size", "placement", "weak-traits")
IN_FRAME_WORDS = "rotated, rescaled or shifted by a fraction of a pixel with bilinear interpolation"


def in_frame_union(detectors, profile, key, gan_runs, for_channel=None, store=None):
    """The detectors for a figure read as resampled within its frame (`key`, channel_keys.in_frame_read; engine/data/
    in_frame.py): those of the channel read besides (channel_keys.in_frame_base: EMNIST's framing, a mirror or a
    quarter turn, a JPEG) or the case's own, with `box-size`, `placement` and `weak-traits` (IN_FRAME_READ) each
    joined by NoiseUnion with itself calibrated on the reference's figures rotated, rescaled and shifted with bilinear
    interpolation, then through the file's JPEG where it is one: generated only where both say so; and the note. The
    other detectors, calibrated on such copies already (a resample's soft edges are a VAE's trait too), are as they
    are."""
    base_key = in_frame_base(key)
    if base_key is None:
        base, note = detectors, f"channel {describe(key)}"
    else:
        for_channel = for_channel or (lambda k: channel_detectors(detectors, profile, k, gan_runs, store=store))
        base, note = for_channel(base_key)
    copies = in_frame_copies(profile, base_key)

    def joined(read, own):  # `own`: the case's detector, whose scores the resampled copies calibrate
        if own.name not in IN_FRAME_READ or isinstance(read, StandAside):
            return read
        resampled = copy.copy(own)
        resampled.tail = calibration.tail_model(own.scores(copies))
        return NoiseUnion([("as it is", read), (IN_FRAME_WORDS, resampled)],
                          when="for a figure read as resampled within its frame,")

    return [joined(read, own) for read, own in zip(base, detectors)], f"{note}; {TRAITS_LOST[IN_FRAME]}"


def in_frame_copies(profile, base_key):
    """The profile's held-out figures through resampling.RESAMPLINGS' bilinear rows (one copy each per row), through
    the JPEG of `base_key` where it is one, as a Batch of one file per copy."""
    copies, _ = resampling.resampled_copies(profile["cal_x"], int(profile.get("levels", 0)), rows=resampling.BILINEAR)
    if base_key is not None and base_key[0] == "JPEG":
        copies = image_through(copies, jpeg_alone(base_key))
    return Batch(copies, np.arange(len(copies)))


def jpeg_before_union(detectors, profile, key, gan_runs, for_channel=None, store=None):
    """The detectors for a JPEG read as prepared before it (`key`, channel_keys.jpeg_befores: resized, framed as a
    small collection's enlarged figures or as EMNIST's digits, or several of those), each that speaks joined by NoiseUnion over its calibration through the JPEG alone and
    through each preparation read then the JPEG: an intersection-union, generated only where every reading's
    calibration says so, which keeps the level for a real file of any of those histories (issue #18: real digits
    through bilinear 20 then JPEG 90 were labelled generated 170 of 300 against the JPEG alone; real digits prepared
    as EMNIST's then JPEG 85 and 60, 98 and 94 of 200, by `placement`; at 60 a sixth of them are read as resized
    too), and the note; `for_channel`: as channel_detectors."""
    for_channel = for_channel or (lambda k: channel_detectors(detectors, profile, k, gan_runs, store=store))
    codec = lossy_codec(key)
    prepared, lost = [], TRAITS_LOST["WebP lossy" if key[0] == "WebP lossy" else "JPEG"]
    for before in jpeg_befores(key):  # first, so that the verdict names the readings' calibrations before the JPEG's
        one = jpeg_alone(key) + (before,)
        data = calibration_data(detectors, profile, one, gan_runs, store=store)
        prepared.append((f"{BEFORE_WORDS[before[0]](*before[1:])}, then through the {codec}",
                         channel_set(detectors, profile, one, gan_runs, data)))
        lost += f"; {TRAITS_LOST[before[0]]}"
    parts = [(f"through the {codec} alone", for_channel(jpeg_alone(key))[0])] + prepared
    read = " and as ".join(READ_BEFORE[before[0]] for before in jpeg_befores(key))
    return united(parts, f"for a {codec} read as {read} before it,"), recalibrated_note(key, data, lost)


BEFORE_WORDS = {RESIZED_BEFORE: lambda filters, side: f"resized with {' or '.join(filters)} through {side} x {side} "
                                                      f"and back",
                FRAMED_BEFORE: lambda filters, side: f"framed as a collection of {side} x {side} pictures frames its "
                                                     f"figures, then enlarged",
                BOX_FRAMED: lambda span: f"prepared as EMNIST's digits (its figure's box centred, spanning {span} "
                                         f"pixels)",
                TONED_BEFORE: lambda black, white, *_: f"put through the tone line read (background {black}, plateau "
                                                       f"{white})",
                NOISY_BEFORE: lambda sigma: f"with Gaussian noise of {sigma:g} levels added"}
READ_BEFORE = {RESIZED_BEFORE: "resized", FRAMED_BEFORE: "a small collection's enlarged figure",
               BOX_FRAMED: "framed as EMNIST's digits", TONED_BEFORE: "edited in tone", NOISY_BEFORE: "noisy"}


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
