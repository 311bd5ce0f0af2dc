"""Calibrated, explained verdicts on evidence files (per file and per batch).

Each detector of the case (engine/detectors/suite.py, engine/detectors/learned.py)
scores every file; the scores become tail probabilities against held-out reference
files and are combined as engine/detectors/calibration.py documents. A batch verdict
adds KS and JSD of the suspect set against the reference. Broken files, and files of
another modality or shape than the reference, go to batch["rejected"] with a reason
and never stop the others.
"""
import functools
import json
import os
import sys

import numpy as np

from engine import case as case_store, case_verify, channel_warmup
from engine.case_workflows import open_case
from engine.data import (clipping, colormap, dc_offset, decoder_halo, equalisation, gate_time, image_noise, in_frame,
                         orientation, own_grid, performance, picture_size, representations, tone_curve)
from engine.data.channels import unread_parts_reason
from engine.data.formats.array import adopted, unflattened
from engine.data.walk import evidence_files
from engine.detectors import aside_marks, calibration, channel_keys, channels, quarter_grid, suite, time_scale
from engine.detectors.channel_keys import calibrated_key
from engine.errors import InputError
from engine.modality import modality as modality_of


CHUNK_FILES = 32
CHUNK_SAMPLES = 1024  # patches scored at once (about 11 one-minute recordings)


def reference_levels(profile):
    """(tone, clean, figures) of the reference's pictures, read once per batch: its black and white
    (tone_curve.reference_tone), whether its background is empty (image_noise.reference_is_clean) and, where it is, its
    figures as the orientation reading compares a file with them (orientation.reference_figures); (None, False, None)
    for other references."""
    if not (modality_of(str(profile["modality"])).sizes_read and "cal_x" in profile):
        return None, False, None
    clean = image_noise.reference_is_clean(profile["cal_x"])
    figures = orientation.reference_figures(profile["cal_x"]) if clean else None
    return tone_curve.reference_tone(profile["cal_x"]), clean, figures


def load_evidence(paths, profile, levels=None):
    """(accepted [(path, SampleSet)], rejected [{"path", "reason"}]); `levels`: reference_levels(profile), computed
    here when not given."""
    from engine.data.loaders import load_path

    modality, shape = str(profile["modality"]), tuple(int(s) for s in profile["shape"])
    tone, clean, figures = levels if levels is not None else reference_levels(profile)
    accepted, rejected = [], []
    for path in paths:
        try:
            samples = load_path(path)
        except InputError as err:
            rejected.append({"path": os.path.abspath(path), "reason": err.reason})
            continue
        nothing = blank(samples)  # as stored: a white picture is a blank negative
        samples = adopted(samples, modality, shape, modality_of(modality).sizes_read)  # as load_spec does
        samples, reason = stored_layout(samples, modality, shape, profile)
        if samples is not None and samples.readings:
            samples = time_scale.notated(samples, profile)
        if samples is not None and modality_of(samples.modality).notes:
            samples = quarter_grid.marked(samples)
        if samples is None:
            rejected.append({"path": os.path.abspath(path), "reason": reason})
            continue
        if samples.modality == modality and samples.shape != shape and modality_of(modality).sizes_read:
            samples, reason = picture_size.fit_to_reference(samples, shape, background(profile))
            if samples is not None and not nothing:
                accepted.append((path, read_levels(samples, tone, clean, figures)))
                continue
            reason = reason or nothing
        elif samples.meta.get("modality_recorded") is False and samples.modality != modality:
            reason = (f"an array of maps of shape {samples.shape} with no modality recorded, not the case reference's "
                      f"{modality} samples {shape}")
        elif samples.modality != modality:
            reason = f"{samples.modality} file, but the case reference is {modality}"
        elif samples.shape != shape:
            reason = f"samples of shape {samples.shape}, the case reference has {shape}"
        elif samples.n == 0:
            reason = "no samples in the file"
        elif nothing:
            reason = nothing
        else:
            accepted.append((path, read_levels(samples, tone, clean, figures)))
            continue
        rejected.append({"path": os.path.abspath(path), "reason": reason})
    return accepted, rejected


def read_levels(samples, tone, clean, figures=None):
    """A picture's histogram equalisation (engine/data/equalisation.py), else its noise on an empty background
    (engine/data/image_noise.py), else its tone line (engine/data/tone_curve.py), else a mirror or a quarter turn
    (engine/data/orientation.py), read against the reference's (`tone`: its levels; `clean`: its background empty;
    `figures`: its figures, None: no orientation read); of a JPEG, its noise and its tone line before it (of a lossy
    WebP, its tone line); then a resample within the frame (engine/data/in_frame.py), where nothing else but EMNIST's
    framing, a mirror or a quarter turn was read, and a decoder's halo (engine/data/decoder_halo.py), where nothing
    else at all was."""
    samples = tone_curve.read(image_noise.read(equalisation.read(samples, clean), clean), tone)
    samples = image_noise.read_before_jpeg(orientation.read(samples, figures), clean)
    return decoder_halo.read(in_frame.read(tone_curve.read_before_lossy(samples, tone), clean), clean)


def blank(samples):
    """Why a file whose map holds one value throughout (a blank picture) is not judged, or None. Every detector would
    find it unusual and label it generated with strong support, for no trait of a generator."""
    if samples.x.size == 0 or samples.x.min() != samples.x.max():
        return None
    value = float(samples.x.flat[0]) * (samples.levels or 1)
    return f"nothing to judge: every value of its map is {value:g}"


def stored_layout(samples, modality, shape, profile):
    """(samples, None) read as the reference's pictures where they were stored otherwise: a flattened array, grey
    saved as three equal channels or through a colormap, a negative; (None, reason) where that cannot be read."""
    if samples.modality != modality:
        return samples, None
    picture = modality_of(modality).sizes_read  # pictures (not a piece's or a recording's patches)
    if picture and samples.shape != shape:
        samples, reason = unflattened(samples, shape)
        if samples is None:
            return None, reason
    if shape[0] == 1:  # colour channels of a grey reference's samples
        samples = grey_if_neutral(samples)
        if picture:
            return colormap.as_grey(samples, background(profile))
    return samples, None


def background(profile):
    """The reference figures' background (engine/data/picture_size.py), read from the held-out figures kept."""
    return picture_size.reference_background(profile["cal_x"]) if "cal_x" in profile else None


def grey_if_neutral(samples):
    """A grey picture saved with three equal colour channels (many tools save every picture as RGB;
    JPEG and WebP may round the channels 1 level apart) is the grey picture: judged as one channel in a
    grey case, its channel's "stored_as" saying so. Other samples unchanged."""
    x = samples.x
    if x.shape[1] != 3:
        return samples
    tolerance = 1.0 / samples.levels if samples.levels else 0.0
    if np.abs(x - x[:, :1]).max() > tolerance + 1e-6:
        return samples
    grey = x.mean(axis=1, keepdims=True)
    if samples.levels:
        grey = np.rint(grey * samples.levels) / samples.levels
    samples.x = grey.astype(np.float32)
    samples.meta.setdefault("channel", {})["stored_as"] = "a grey picture stored as three equal colour channels"
    return samples


def case_detectors(case, profile):
    """The case's detectors, after re-hashing every artefact they load (IntegrityFailure if one changed)."""
    from engine.detectors.learned import run_detectors

    problems = [a for a in case_verify.verify_artefacts(case)
                if a["problem"] and a["role"] != case_verify.SELF_TEST_ROLE]
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise case_store.IntegrityFailure(case.path(problems[0]["path"]),
                                          f"{problems[0]['status']} since it was recorded ({problems[0]['role']})"
                                          f"{more}; verdicts refused")
    # the records of those hashes, too (an attacker re-recording an edited artefact's hash)
    sealed = case_verify.verify_rows(case, ("reference", "run", "calibration", "artefact"))
    if sealed:
        raise case_store.IntegrityFailure(case.path(case_store.DB_NAME), f"{sealed[0]}; verdicts refused")
    try:
        return suite.profile_detectors(profile) + run_detectors(case, profile)
    except (KeyError, ValueError, OverflowError, TypeError) as err:  # arrays that verify but do not fit
        raise InputError(case.dir, f"a detector's calibration cannot be used ({err})") from None


def detector_fingerprint(detectors, alpha):
    """SHA-256 of the exact detector set: names, methods, calibration scores, weights and
    thresholds at `alpha`. A verdict stores it; a report flags verdicts whose fingerprint
    differs from the current set's (made by an older detector set). Under a channel
    (engine/detectors/channels.py) the detectors are derived from this set and the file's
    channel, which the verdict records beside the fingerprint."""
    import hashlib

    digest = hashlib.sha256()
    for detector, weight in zip(detectors, suite.weights(detectors, alpha)):
        digest.update(json.dumps([detector.name, detector.method, float(weight), alpha,
                                  _finite_or_none(calibration.score_threshold(detector.tail, alpha * weight))]
                                 ).encode())
        digest.update(np.ascontiguousarray(detector.tail["sorted"], dtype=np.float64).tobytes())
    return digest.hexdigest()


def judge(case_dir, paths, alpha=calibration.DEFAULT_ALPHA, state=None, workers=1):
    """The verdict JSON for `paths` (DESIGN.md); verdicts are recorded in the case. `workers`: processes that compute
    a chunk's channel calibrations side by side (engine/channel_warmup.py; 1: none, the channels built as they come,
    in this process, under whatever it has patched; the command line and the window ask for one a core).

    A file whose path was taken in with other content is *modified*: it is listed with
    "integrity": "modified" and no label, never judged as new evidence. A byte-identical
    copy of earlier evidence under another name is judged and marked "duplicate".
    """
    from engine.batch_stats import BatchDistribution
    from engine.detectors.learned import generator_runs

    progress = state.progress if state is not None else (lambda *a: None)
    check_alpha(alpha)
    with open_case(case_dir) as case:
        profile = case.profile()
        named = paths
        paths, rejected = evidence_files(named)
        if not paths and not rejected:
            raise InputError(", ".join(map(str, named)), "no files to judge (empty folder)")
        progress(0.05, f"reading {len(paths)} files")
        detectors = case_detectors(case, profile)
        weights = suite.weights(detectors, alpha)
        fingerprint = detector_fingerprint(detectors, alpha)
        judging = Judging(profile, detectors, alpha, fingerprint, generator_runs(case), case)
        files, modified, suspect = [], [], BatchDistribution(profile["ks_sample"])
        # Files are read, scored and let go a chunk at a time, so memory does not grow with the
        # batch and a window shows verdicts as they come (state.partial), while the detectors
        # are loaded only once.
        for accepted, refused, done in evidence_chunks(paths, profile, state):
            rejected += refused
            accepted, changed = split_modified(case, accepted)
            modified += changed
            if accepted:
                keys = chunk_keys(accepted, judging)
                judging.warm(keys, workers, state)
                try:
                    files += _judge_chunk(case, accepted, keys, judging, suspect)
                except (OverflowError, FloatingPointError) as err:  # arrays no calibration produces
                    raise InputError(case.dir, f"a detector's calibration holds values out of range ({err}); "
                                               f"`case verify` checks its artefacts") from None
                if state is not None:
                    state.partial({"files": list(files), "rejected": list(rejected)})
            progress(0.1 + 0.85 * done / max(1, len(paths)), f"verdicts on {done} of {len(paths)} files")
        result = {"files": files + modified,
                  "batch": batch_summary(suspect, files, rejected, alpha, detectors, weights)}
        result["batch"].update(fingerprint=fingerprint, modified=[m["path"] for m in modified])
        case.log("verdict_batch", {"paths": [os.path.abspath(p) for p in paths], "alpha": alpha,
                                   "labels": result["batch"]["labels"], "rejected": rejected,
                                   "modified": result["batch"]["modified"], "fingerprint": fingerprint})
        progress(1.0, "verdicts done")
        return result


def evidence_chunks(paths, profile, state=None):
    """(accepted, rejected, files read so far) for consecutive chunks of at most CHUNK_FILES
    accepted files and about CHUNK_SAMPLES patches (a long recording is one chunk by itself)."""
    accepted, rejected, samples = [], [], 0
    levels = reference_levels(profile)
    for done, path in enumerate(paths, start=1):
        if state is not None:
            state.check()
        good, bad = load_evidence([path], profile, levels)
        accepted += good
        rejected += bad
        samples += sum(s.n for _, s in good)
        if len(accepted) >= CHUNK_FILES or samples >= CHUNK_SAMPLES or done == len(paths):
            yield accepted, rejected, done
            accepted, rejected, samples = [], [], 0


def _record(samples):
    return samples.files[0] if samples.files else {}


def split_modified(case, accepted):
    """(the (path, SampleSet) pairs to judge, verdict-JSON entries of the files whose path the
    case took in with other content: modified since intake, never judged as new evidence)."""
    keep, modified = [], []
    for path, samples in accepted:
        if case_store.evidence_status(case, path, _record(samples).get("sha256")) == "modified":
            modified.append(_modified_entry(case, path, samples))
        else:
            keep.append((path, samples))
    return keep, modified


def _modified_entry(case, path, samples):
    """The verdict-JSON entry of a file changed since intake: refused, with the hashes."""
    current = _record(samples).get("sha256")
    recorded = [r["sha256"] for r in case.evidence() if r["path"] == os.path.abspath(path)]
    return {"path": os.path.abspath(path), "sha256": current, "recorded_sha256": recorded,
            "modality": samples.modality, "label": None, "score": None, "attribution": None,
            "integrity": "modified",
            "reasons": [f"modified since intake: SHA-256 now {current}, recorded {', '.join(recorded)}; "
                        f"not judged (the case keeps the verdict of the content taken in)"]}


class Judging:
    """The detectors for each channel a file can come through (engine/detectors/channels.py),
    their per-file weights, and the speech level normalisation, computed once per batch; a
    channel's calibration is read from the case, or computed and stored there
    (engine/detectors/channel_store.py), and `calibrations[key]` says which.
    `fingerprint` identifies the case's detector set; the channel's detectors derive from it
    and from the file's channel, which is recorded with each verdict."""

    def __init__(self, profile, detectors, alpha, fingerprint, gan_runs=(), case=None):
        from engine.detectors.channel_store import ChannelStore

        self.profile, self.detectors, self.alpha, self.gan_runs = profile, detectors, alpha, gan_runs
        self.fingerprint = fingerprint
        self.normalise = "level_version" in profile
        self.store = None if case is None else ChannelStore(case, detectors, gan_runs, self._used)
        self._built, self.calibrations = {}, {}
        self._building = []  # per channel being built (a union builds others inside it): the calibrations it used
        # A detector a file's format leaves mute (grid, for a PNG) or whose trait its channel
        # destroys gets weight 0 for that file.
        self.weights = functools.lru_cache(maxsize=None)(
            lambda key, mask: suite.weights(self.for_channel(key)[0], alpha, mask))

    @functools.cached_property
    def noise_gate(self):
        """The reference recordings' noise floors (engine/detectors/channel_keys.py), read once per batch."""
        return channel_keys.reference_noise_gate(self.profile)

    def for_channel(self, key):
        """(detectors, note) of channel `key`, built once per batch."""
        if key not in self._built:
            self._building.append([])
            try:
                self._built[key] = (self.detectors, None) if key is None else channels.channel_detectors(
                    self.detectors, self.profile, key, self.gan_runs, self.for_channel, store=self.store)
            finally:
                self.calibrations[key] = list(dict.fromkeys(self._building.pop()))
        if self._building:  # a union over channels built earlier in the batch names their calibrations too
            self._building[-1] += self.calibrations[key]
        return self._built[key]

    def unstored(self, keys):
        """The channel keys among `keys` the batch has not built and whose calibration the case does not hold (read
        where the key's own one would lie: a union's or a reading's inner calibrations are assumed to follow it)."""
        return [key for key in dict.fromkeys(keys) if key is not None and key not in self._built
                and self.store.case.recorded_sha256(self.store.path(calibrated_key(aside_marks.unmarked(key)), False))
                is None]

    def warm(self, keys, workers, state=None):
        """The calibrations of the channels of `keys` the case lacks, computed by `workers` processes at once and
        stored in the case, where worth it (engine/channel_warmup.py); the number of channels handed out."""
        writable = self.store is not None and os.access(self.store.case.dir, os.W_OK)  # else stored nowhere
        todo = self.unstored(keys) if writable else []
        if not channel_warmup.worth_it(self.profile, workers, len(todo)):
            return 0
        channel_warmup.warm(build_channels, self.store.case.dir, self.alpha, todo, workers, state)
        return len(todo)

    def _used(self, line):
        self._building[-1].append(line)


def build_channels(case_dir, alpha, keys):
    """In a warm-up's worker (engine/channel_warmup.py): the channels `keys` of the case built as a batch builds them,
    their calibrations stored in the case; a failure is left to the batch, which meets it again and reports it."""
    from engine.detectors.learned import generator_runs
    from engine.jobs.child import in_a_session_of_its_own

    in_a_session_of_its_own()  # scheduled as other sessions are, not within the batch's share (engine/jobs/child.py)
    try:
        with open_case(case_dir) as case:
            profile = case.profile()
            judging = Judging(profile, case_detectors(case, profile), alpha, None, generator_runs(case), case)
            for key in keys:
                judging.for_channel(key)
    except Exception:  # noqa: BLE001 (the batch builds the channel itself and says what went wrong)
        sys.exit(1)


def chunk_keys(accepted, judging):
    """The channel key of each accepted (path, SampleSet) pair."""
    return [channel_keys.channel_key(samples.meta, judging.noise_gate) for _, samples in accepted]


def _judge_chunk(case, accepted, keys, judging, suspect):
    """Verdicts of some accepted (path, SampleSet) pairs, each file one group of patches, scored with the detectors
    of its channel (`keys`: chunk_keys); the values scored join `suspect` (batch KS/JSD)."""
    out = [None] * len(accepted)
    for key in dict.fromkeys(keys):
        members = [k for k, found in enumerate(keys) if found == key]
        chosen = [accepted[k] for k in members]
        detectors, note = judging.for_channel(key)
        groups = np.repeat(np.arange(len(chosen)), [s.n for _, s in chosen])
        x = np.concatenate([s.x for _, s in chosen]).astype(np.float32)
        batch = suite.Batch(representations.normalise_level(x, groups) if judging.normalise else x, groups,
                            audio=[s.audio for _, s in chosen], native=[s.native_audio for _, s in chosen])
        batch.reading = time_scale.other_reading([s for _, s in chosen])
        batch.choir = [s.choir for _, s in chosen]
        suspect.add(batch.x)  # as the reference profile holds them (level-normalised speech)
        scores = np.stack([detector.scores(batch) for detector in detectors], 1)
        p = np.stack([calibration.tail_probability(d.tail, scores[:, k]) for k, d in enumerate(detectors)], 1)
        attributions = _attributions(detectors, batch)
        for g, ((path, samples), k) in enumerate(zip(chosen, members)):
            weights = judging.weights(key, suite.informative(detectors, samples))
            out[k] = _file_verdict(case, path, samples, detectors, weights, batch, g, scores[g], p[g],
                                   attributions[g], judging.alpha, judging.fingerprint, note,
                                   judging.calibrations[key])
    return out


def check_alpha(alpha):
    if not 0 < alpha < 1:
        raise InputError("--fpr", f"the false-positive rate must lie between 0 and 1, got {alpha}")


def _attributions(detectors, batch):
    """Per file, the most probable generator from the attribution detectors, or None."""
    best = [None] * batch.n_files
    for detector in detectors:
        if not hasattr(detector, "attribute"):
            continue
        for g, found in enumerate(detector.attribute(batch)):
            if found and (best[g] is None or found["probability"] > best[g]["probability"]):
                best[g] = found
    return best


def _file_verdict(case, path, samples, detectors, weights, batch, g, scores, p, attribution, alpha, fingerprint,
                  note=None, calibrations=()):
    p_file, decisive = calibration.combine(p, weights)
    label = calibration.label_for(p_file, alpha, weights)
    order = np.argsort(calibration.weighted(p, weights), kind="stable")  # the decisive detector first
    reasons = [detectors[k].reason(batch, g, float(scores[k]), float(p[k])) for k in order]
    reasons.insert(0, _summary(label, p_file, alpha, detectors, weights, decisive, samples.n))
    if note:
        reasons.insert(2, note)  # after the summary and the decisive detector (the report's main reason)
    for found in readings(samples.meta.get("channel") or {}):
        reasons.insert(2, found)
    verdict = {
        "path": os.path.abspath(path), "sha256": _record(samples).get("sha256"), "modality": samples.modality,
        "label": label, "score": round(1.0 - p_file, 6), "reasons": reasons,
        "attribution": attribution if label != "real" else None,
        "tail_probability": p_file, "patches": samples.n, "channel": _channel_json(samples.meta, note, calibrations),
        "detectors": {d.name: {"score": float(scores[k]), "tail_probability": float(p[k]), "weight": float(weights[k])}
                      for k, d in enumerate(detectors)},
        "fingerprint": fingerprint,
    }
    row = case_store.record_verdict(case, path, verdict, {"alpha": alpha, "channel": verdict["channel"], **verdict["detectors"]}, fingerprint,
                                    _record(samples))
    verdict["sha256"] = row["sha256"]
    verdict["integrity"] = "duplicate" if row["duplicate_of"] else "ok"
    if row["duplicate_of"]:
        earlier = case.conn.execute("SELECT path FROM evidence WHERE id = ?", (row["duplicate_of"],)).fetchone()
        verdict["duplicate_of"] = earlier["path"]
        verdict["reasons"].append(f"duplicate: byte-identical to earlier evidence {earlier['path']} "
                                  f"(item {row['duplicate_of']})")
    return verdict


READERS = (picture_size.size_reason, picture_size.grid_reason, colormap.reason, tone_curve.reason, image_noise.reason,
           equalisation.reason, orientation.reason, in_frame.reason, decoder_halo.reason,
           performance.reason, own_grid.reason, gate_time.reason, time_scale.reason, unread_parts_reason,
           clipping.reason, dc_offset.reason)


def readings(channel):
    """How a file was read where not as it is, one sentence per reader of its channel (READERS) that found
    something: a size change undone, a colormap, a performance's tempo, a MIDI file's own grid or gate time, a part
    not read, clipping, a recorder's DC offset removed."""
    return [found for found in (read(channel) for read in READERS) if found]


def _channel_json(meta, note, calibrations=()):
    """The file's channel as read from it (quantisation tables left out), the one assumed, and the
    stored channel calibrations its detectors were built from, each reused or computed (channel_store)."""
    channel = {k: v for k, v in (meta.get("channel") or {}).items() if k != "tables"}
    channel["assumed"] = note or "none: the detectors' clean calibration applies"
    if calibrations:
        channel["calibration"] = list(calibrations)
    return channel


def _summary(label, p, alpha, detectors, weights, decisive, patches):
    patch_text = f" ({patches} patches, scores averaged)" if patches > 1 else ""
    if not np.any(np.asarray(weights) > 0):
        return (f"{label}: every detector of the case stands aside for this file (below), so nothing was "
                f"tested{patch_text}")
    rule = (f"weighted Bonferroni over {int(np.count_nonzero(weights))} detectors, "
            f"decisive: {detectors[decisive].name} with weight {weights[decisive]:.2g}")
    return (f"{label}: combined tail probability {p:.2g} ({rule}) "
            f"against a false-positive rate of {alpha:.0%}; 'generated' at <= {alpha:.2g}, 'real' above "
            f"{calibration.INCONCLUSIVE_FACTOR * alpha:.2g}{patch_text}")


def _finite_or_none(value):
    """JSON has no infinity: a threshold no score can reach is null."""
    return float(value) if np.isfinite(value) else None


def batch_summary(suspect, files, rejected, alpha, detectors, weights):
    """The batch part of the verdict JSON: counts, KS/JSD of all judged values (`suspect`, an
    engine.batch_stats.BatchDistribution: exact, in memory sized by the reference) against the
    reference, rejects."""
    labels = {name: sum(f["label"] == name for f in files) for name in ("generated", "real", "inconclusive")}
    out = {"n_files": len(files), "n_samples": int(sum(f["patches"] for f in files)), "alpha": alpha,
           "inconclusive_band": [alpha, calibration.INCONCLUSIVE_FACTOR * alpha], "labels": labels,
           "detectors": [{"name": d.name, "method": d.method, "weight": float(w),
                          "threshold": _finite_or_none(calibration.score_threshold(d.tail, alpha * w)),
                          "calibration_files": int(d.tail["sorted"].size)}
                         for d, w in zip(detectors, weights)],
           "rejected": rejected}
    if suspect.n:
        ks, pvalue = suspect.ks()
        out["intensity"] = {"ks_statistic": float(ks), "ks_pvalue": float(pvalue), "jsd": float(suspect.jsd())}
    return out
