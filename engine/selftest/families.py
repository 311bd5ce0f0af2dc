"""Leave-one-family-out: files of a registered generator family judged by detectors that never saw it.

For each family F of the case's registered generators, GANs and zoo families (engine/selftest/runs.py `family_of`):
the reference detectors as they are (they were never fitted on a generator), the pooled
logistic regression refitted on the other families' GANs only (engine/detectors/learned.py
`fit_generators_logistic`), and the CNN and inverse models whose training data holds no
sample of F. A model trained on F, or on generated files whose generator is not recorded,
is left out (retraining it without F is a training run, too costly here) and named in the
result. F's generators then make SAMPLES_PER_FAMILY new samples (a latent seed other than
the one the logistic regression was fitted on), written as the files `generate` writes
(PNG, MIDI, .npy mel patches; WAV for a zoo family kept as recordings, so the detectors that read a waveform
speak; a run of such a family from before recordings were kept gives .npy patches, which the result says) and
read back as evidence, and judged at the case's alpha. A sample the
evidence loader refuses (a generated piano roll with no note is a MIDI file without notes) cannot be
judged, as an analyst could not submit it: it is counted as `refused`, with the loader's reason, and left
out of `n`.
"""
import os
import tempfile

import numpy as np

from engine.data import representations
from engine.detectors import suite
from engine.modality import modality as modality_named
from engine.selftest import rates
from engine.selftest.runs import families, run_folders

SAMPLES_PER_FAMILY = 200
SEED = 4242  # not learned.SAMPLING_SEED: these samples were never fitted on
NEEDS = "needs at least two registered generator families"


def _trained_on(run, family_dirs):
    """Why `run`'s model cannot judge a family it may have been trained on, or None."""
    data = run.get("data") or {}
    folders = run_folders(data)
    if folders & family_dirs:
        return "trained on this family's samples; retraining it without them is a training run, too costly here"
    if run["kind"] == "classifier":
        sets = data.get("sets") or {}
        untraced = [name for name, info in sets.items() if name != "real" and not (
            isinstance(info, dict) and os.path.abspath(str(info.get("spec", ""))) in folders)]
        if untraced:
            return (f"trained on generated files ({', '.join(untraced)}) whose generator is not recorded, which "
                    f"may be this family")
    return None


def generated_files(runs, n, modality, folder):
    """(paths, how each run's files were written) of n samples of the family's generators (split over its runs),
    written as `generate` writes them: a zoo run kept as recordings gives WAV files, any other its maps."""
    from engine.runs import sample_run, stored_recordings
    from engine.training_jobs import write_recordings, write_samples

    paths, formats = [], []
    for k, (run, count) in enumerate(zip(runs, np.diff(np.linspace(0, n, len(runs) + 1).round().astype(int)))):
        recorded = stored_recordings(run["run_dir"], int(max(count, 1)), SEED + k)
        formats.append("WAV" if recorded is not None else modality_named(modality).suffix.lstrip(".").upper())
        if not count:
            continue
        out = os.path.join(folder, f"run{k}")
        if recorded is not None:
            paths += write_recordings(out, recorded[0], recorded[1])
        else:
            paths += write_samples(out, np.clip(sample_run(run["run_dir"], int(count), SEED + k)[0], 0, 1), modality)
    return paths, formats


def patches_only_note(family, formats):
    """Why the waveform detectors are mute on a family the zoo keeps as recordings whose runs hold only mel
    patches (written before recordings were kept), or None."""
    from engine.zoo.families import FAMILIES

    if family not in FAMILIES or not FAMILIES[family].keeps_recordings or "WAV" in formats:
        return None
    return ("its zoo runs were written before the zoo kept recordings and hold only mel patches, judged as .npy "
            "files: the detectors that read a waveform cannot speak, so this rate understates what a verdict on "
            "the family's WAV files catches (remove the family's runs/zoo folders and run `case zoo` again to "
            "keep its recordings)")


def read_files(paths, profile):
    """(Batch or None, SampleSets, the loader's reasons for the files it refused) of evidence files, read as a
    verdict reads them; the Batch is None when every file was refused."""
    from engine.verdict import load_evidence

    accepted, rejected = load_evidence(paths, profile)
    reasons = [r["reason"] for r in rejected]
    if not accepted:
        return None, [], reasons
    groups = np.repeat(np.arange(len(accepted)), [s.n for _, s in accepted])
    x = np.concatenate([s.x for _, s in accepted]).astype(np.float32)
    if "level_version" in profile:
        x = representations.normalise_level(x, groups)
    return suite.Batch(x, groups, audio=[s.audio for _, s in accepted]), [samples for _, samples in accepted], reasons


def judge(batch, samples, detectors, alpha, scored=None):
    """(labels of the files, {detector: files it could speak on}), with the detectors a file's format leaves mute
    at weight 0, as in a verdict; `scored`: rates.labels'."""
    if batch is None:
        return [], {d.name: 0 for d in detectors}
    speaks = np.array([suite.informative(detectors, s) for s in samples], dtype=bool).reshape(-1, len(detectors))
    return (rates.labels(detectors, batch, alpha, speaks, scored),
            {d.name: int(n) for d, n in zip(detectors, speaks.sum(0))})


def leave_one_family_out(profile, case_detectors, learned, gan_runs, alpha, state, span=(0.0, 1.0),
                         n=SAMPLES_PER_FAMILY):
    """{"families": [{"family", "detected", "n", ...}], "note"}: `learned` are the CNN and
    inverse models [(detector, run)] with their stored calibration. Each family's files are
    also judged by the case's own detectors (`case_detectors`, every family registered):
    `detected_registered`, the baseline the left-out figure is read against."""
    from engine.detectors.learned import fit_generators_logistic
    from engine.detectors.logistic import LogisticFeatures

    found = families(gan_runs)
    if len(found) < 2:
        return {"families": [], "note": f"not measurable: {NEEDS} (this case has {len(found)})",
                "registered_families": list(found)}
    modality = str(profile["modality"])
    out = []
    for k, (family, runs) in enumerate(found.items()):
        state.check()
        state.progress(span[0] + (span[1] - span[0]) * k / len(found), f"leaving out family {family}")
        family_dirs = {os.path.abspath(run["run_dir"]) for run in runs}
        others = [run for run in gan_runs if os.path.abspath(run["run_dir"]) not in family_dirs]
        detectors = suite.profile_detectors(profile)
        left_out = []
        if modality_named(modality).continuous:
            detectors.append(LogisticFeatures(fit_generators_logistic(others, profile), [r["name"] for r in others]))
        for detector, run in learned:
            why = _trained_on(run, family_dirs)
            if why:
                left_out.append({"detector": detector.name, "why": why})
            else:
                detectors.append(detector)
        with tempfile.TemporaryDirectory(prefix="case-validate-") as folder:
            paths, formats = generated_files(runs, n, modality, folder)
            batch, samples, refused = read_files(paths, profile)
        scored = {}  # the profile's detectors score the files once for both judgements (the waveform ones are slow)
        labels, spoke_on = judge(batch, samples, detectors, alpha, scored)
        registered = judge(batch, samples, case_detectors, alpha, scored)[0].count("generated")
        detected = labels.count("generated")
        out.append({"family": family, "detected": detected, "n": len(labels),
                    "detection_rate": rates.rate(detected, len(labels)),
                    "interval": rates.clopper_pearson(detected, len(labels)),
                    "inconclusive": labels.count("inconclusive"), "detected_registered": registered,
                    "refused": len(refused), "refused_reasons": sorted(set(refused)),
                    "runs": [run["name"] for run in runs], "written_as": formats,
                    "written_as_note": patches_only_note(family, formats),
                    "detectors": [d.name for d in detectors], "spoke_on": spoke_on, "left_out_detectors": left_out})
    return {"families": out, "note": None, "registered_families": list(found)}
