"""Detectors that know the channel a file came through (engine/data/channels.py reads it).

A JPEG's ringing puts faint values beside every stroke where real digits are exactly 0; a
telephone codec fills the quiet mel bands with quantisation noise. Against a clean
reference both look like a generator's smoothed output, so a real file would be called
generated for its channel. Here the reference is passed through the same channel as the
file (re-encoded with the file's own JPEG quantisation tables; WebP at a cycle of
qualities; the recording's codec, bandwidth and sample rate), and the detectors that need
only the reference are refitted and calibrated on those files:

- `features`: outlier model fitted on the channelled reference files, calibrated by
  cross-fitting over them (engine/detectors/profile.py);
- `checkerboard`, `near-zero`, `noise-floor`: calibrated on them (they fit nothing; `noise-floor` on
  the channelled recordings themselves);
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
"""
import copy
import io

import numpy as np

from engine.data import representations
from engine.data.channels import webp_grey
from engine.detectors import calibration, statistical
from engine.detectors.profile import cross_fitted, reference_audio, renumber

WEBP_QUALITIES = (50, 65, 80, 90, 95)  # WebP keeps no tables: calibrate over typical qualities
FULL_BANDWIDTH = 0.9  # a recording with content up to 90% of 4 kHz is not band-limited
# What the channel costs, as measured (docs/verdicts.md, "Eighth pass"): said in every such verdict.
TRAITS_LOST = {
    "JPEG": ("JPEG's quantisation erases most of the faint values off the background and the one-pixel texture "
             "that mark a generator's output (an unregistered GAN's digits: 23% caught at quality 50, 70-85% at "
             "75-95, 100% as PNG), so a 'real' label here is weaker evidence"),
    "WebP lossy": ("lossy WebP erases the faint values and one-pixel texture that mark a generator's output (an "
                   "unregistered GAN's digits: 9% caught, 100% as PNG), so a 'real' label here is weak evidence"),
    "audio": ("the logistic regression stands aside; a codec's quantisation noise and band limits blur the "
              "checkerboard and texture (Griffin-Lim speech from an unregistered GAN: 78-82% caught through "
              "mu-law, A-law, Vorbis or resampling, 62-65% band-limited, 66% MP3, 38% GSM 06.10); the "
              "noise-floor trait of synthesised speech survives mu-law, MP3, Vorbis and resampling, weakens "
              "under GSM and, where the synthesiser's silence is only near 0, under A-law; added noise erases it"),
}
# Which speech traits a channel erases, as measured on a profile-only FSDD case (docs/verdicts.md,
# "Speech synthesis and channels", 2026-11-30): named by the report's limitations and `case validate`.
CHANNEL_LIMITS = {"speech": (
    ("any audio codec or resampler", "the logistic regression of the case's GANs stands aside (it was fitted on "
                                     "their mel maps, which no audio channel can be applied to)"),
    ("noise added (30 dB SNR)", "noise-floor: the synthesiser's silence is filled (espeak-ng: 0 of 100 caught, "
                                "87 of 100 clean); added noise is not read as a channel"),
    ("A-law", "noise-floor lost where a synthesiser's silence is only near 0 (one espeak-ng voice: 0 of 50 "
              "caught, 37 of 50 clean); exact digital silence survives (50 of 50)"),
    ("GSM 06.10", "noise-floor weakened for digital silence (21 of 50 caught) and lost for near silence (2 of "
                  "50); 2-4 of 100 real recordings of a speaker outside the reference labelled generated "
                  "(features, checkerboard), above the 2 % goal for one of two speakers"),
    ("mu-law, MP3, Vorbis, resampling to 16 kHz", "noise-floor kept (espeak-ng: 50 of 50; the near-silent voice "
                                                 "32-37 of 50)"),
)}
CODEC_FORMATS = {"VORBIS": "OGG", "OPUS": "OGG", "MPEG_LAYER_III": "MP3", "MPEG_LAYER_II": "MP3",
                 "MPEG_LAYER_I": "MP3"}


def channel_key(meta):
    """A hashable description of the file's channel when it changes what detectors read, else None."""
    channel = meta.get("channel") or {}
    codec = channel.get("codec", "")
    if codec == "JPEG" and "tables" in channel:
        tables = tuple((k, tuple(v)) for k, v in sorted(channel["tables"].items()))
        return ("JPEG", tables, channel.get("subsampling", -1))
    if codec == "WebP lossy":
        return ("WebP lossy",)
    if "subtype" in channel:
        subtype = channel["subtype"] if channel.get("lossy") else None
        rate = channel["native_sample_rate"]
        rate = rate if rate != representations.SPEECH_RATE else None  # the resampler's filter is a channel too
        nyquist = min(channel["native_sample_rate"], representations.SPEECH_RATE) / 2
        band = channel["bandwidth_hz"] if channel["bandwidth_hz"] < FULL_BANDWIDTH * nyquist else None
        if subtype or rate or band:
            return ("audio", subtype, rate, band)
    return None


def describe(key):
    """The channel assumed for the reference, in words."""
    if key is None:
        return "none (the file's format changes nothing the detectors read)"
    if key[0] == "JPEG":
        from engine.data.channels import jpeg_quality

        quality, off = jpeg_quality(key[1][0][1])
        return f"JPEG with the file's own quantisation tables (IJG quality {quality}{'' if off == 0 else ' approx.'})"
    if key[0] == "WebP lossy":
        return f"lossy WebP at qualities {', '.join(map(str, WEBP_QUALITIES))} (WebP records none)"
    _, subtype, rate, band = key
    parts = ([f"codec {subtype}"] if subtype else []) + ([f"sample rate {rate} Hz"] if rate else []) + (
        [f"band-limited to {band} Hz"] if band else [])
    return ", ".join(parts)


# --- passing reference files through a channel ----------------------------------------


def jpeg_images(x, key):
    """Samples (n, c, h, w) in [0,1] re-encoded as JPEG with the file's tables, decoded again."""
    _, tables, subsampling = key
    qtables = [list(t) for _, t in tables]
    options = {"qtables": qtables} | ({"subsampling": subsampling} if subsampling >= 0 else {})
    return _through_pil(x, lambda image, buffer, k: image.save(buffer, format="JPEG", **options))


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


def audio_through(audio, key):
    """A recording at SPEECH_RATE through the channel: sample rate, band limit, codec."""
    import soundfile

    _, subtype, rate, band = key
    sr = representations.SPEECH_RATE
    if rate:
        audio = _resample(audio, sr, rate)
        sr = rate
    if band:  # an ideal low-pass (the evidence's own filter is unknown; its band edge is what was read)
        spectrum = np.fft.rfft(audio)
        spectrum[np.fft.rfftfreq(audio.size, 1.0 / sr) > band] = 0
        audio = np.fft.irfft(spectrum, audio.size).astype(np.float32)
    if subtype:
        buffer = io.BytesIO()
        soundfile.write(buffer, np.clip(audio, -1, 1), sr, subtype=subtype, format=CODEC_FORMATS.get(subtype, "WAV"))
        buffer.seek(0)
        audio = soundfile.read(buffer, dtype="float32")[0]
        audio = audio.mean(axis=1) if audio.ndim > 1 else audio
    return _resample(audio, sr, representations.SPEECH_RATE) if sr != representations.SPEECH_RATE else audio


def _resample(audio, sr, rate):
    import soxr

    return soxr.resample(np.asarray(audio, dtype=np.float32), sr, rate).astype(np.float32)


def channelled_reference(profile, key):
    """(samples, file ids, calibration-file mask per sample, the channelled recordings or None
    for images) of reference files through the channel, or None when the profile keeps no
    files that can be passed through it."""
    if key[0] in ("JPEG", "WebP lossy"):
        x = profile["cal_x"]
        x = jpeg_images(x, key) if key[0] == "JPEG" else webp_images(x)
        groups = np.asarray(profile["cal_x_group"])
        return x, groups, np.ones(groups.size, dtype=bool), None
    if "ref_audio" not in profile:
        return None
    maps, groups, recordings = [], [], []
    for g, audio in reference_audio(profile):
        recordings.append(audio_through(audio, key))
        patches = representations.mel_patches(recordings[-1], representations.SPEECH_RATE)
        maps.append(patches)
        groups.append(np.full(patches.shape[0], g))
    groups = np.concatenate(groups)
    x = np.concatenate(maps)
    if "level_version" in profile:
        x = representations.normalise_level(x, renumber(groups))
    return x, groups, groups >= int(profile["n_fit_files"]), recordings


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


def channel_logistic(batch, key, gan_runs, profile):
    """The pooled logistic regression refitted on channelled reference samples (`batch`)
    against the generator runs' samples (GANs and zoo families) through the same image channel; cross-fitted calibration."""
    from engine.detectors.learned import generator_samples, texture_version
    from engine.detectors.logistic import LogisticFeatures

    fakes = generator_samples(gan_runs, batch.x.shape[0])
    fakes = jpeg_images(fakes, key) if key[0] == "JPEG" else webp_images(fakes)
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
    return LogisticFeatures(model, [run["name"] for run in gan_runs])


def channel_detectors(detectors, profile, key, gan_runs=()):
    """The case's detectors for files that came through channel `key` (module docstring),
    in the same order, and a note on the channel for the reasons; `gan_runs`: the case's
    GAN runs, whose samples refit the logistic regression under an image channel."""
    from engine.detectors import suite

    found = channelled_reference(profile, key)
    if found is None:
        return detectors, (f"channel {describe(key)}: this case keeps no reference recordings to pass through it "
                           f"(made before channel calibration; `case new` again to get it), so the detectors are "
                           f"calibrated on the clean reference")
    x, groups, is_cal, recordings = found
    batch = suite.Batch(x, renumber(groups))
    file_groups, n_files = batch.groups, batch.n_files
    channel_profile = dict(profile)
    features = batch.features
    outlier = statistical.fit_outlier(features)
    channel_profile.update({f"outlier_{k}": v for k, v in outlier.items()})
    channel_profile["cal_outlier"] = cross_fitted(file_groups, n_files, lambda train, held: calibration.group_mean(
        statistical.outlier_scores(statistical.fit_outlier(features[train]), features[held]),
        renumber(file_groups[held])))
    if "cal_checkerboard" in profile:
        from engine.detectors import spectral

        channel_profile["cal_checkerboard"] = batch.file_mean(spectral.nyquist_share(x))
    if "cal_near_zero" in profile:
        channel_profile["cal_near_zero"] = batch.file_mean(features[:, statistical.NEAR_ZERO])
    if "cal_faint_background" in profile:
        from engine.detectors.faint_background import faint_background

        channel_profile["cal_faint_background"] = batch.file_mean(faint_background(x))
    if "cal_edge_width" in profile:
        from engine.detectors.edge_width import edge_width

        channel_profile["cal_edge_width"] = batch.file_mean(edge_width(x))
    if "cal_stroke_ramp" in profile:
        from engine.detectors.stroke_ramp import stroke_ramp

        channel_profile["cal_stroke_ramp"] = batch.file_mean(stroke_ramp(x))
    if "cal_noise_floor" in profile:
        from engine.detectors.noise_floor import NoiseFloor

        channel_profile.update(NoiseFloor.calibrate(recordings))
    refitted = {d.name: d for d in suite.profile_detectors(channel_profile)}
    cal_batch = suite.Batch(x[is_cal], renumber(groups[is_cal]))
    out = []
    for detector in detectors:
        if detector.name in refitted and detector.name != "grid":
            out.append(refitted[detector.name])
        elif hasattr(detector, "generators") and key[0] != "audio" and gan_runs:
            out.append(channel_logistic(batch, key, gan_runs, profile))
        elif hasattr(detector, "generators"):  # the pooled logistic regression
            out.append(StandAside(detector, f"fitted on clean reference files against the generators' mel maps, "
                                            f"to which {describe(key)} cannot be applied"))
        elif getattr(detector, "learned", False):
            recalibrated = copy.copy(detector)
            recalibrated.tail = calibration.tail_model(detector.scores(cal_batch))
            out.append(recalibrated)
        else:
            out.append(detector)
    note = (f"channel {describe(key)}: the reference was passed through the same channel and the detectors "
            f"recalibrated on {n_files} such files; {TRAITS_LOST[key[0]]}")
    return out, note
