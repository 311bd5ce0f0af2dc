"""Leave-one-source-out: real files of a source the detectors never saw, judged at the case's alpha.

The reference's files are grouped into sources: speakers for speech read from FSDD-style
names `{digit}_{speaker}_{index}.wav`; otherwise (and for speech without such names)
contiguous blocks of the spec's order, a stand-in for writers or collections, since the
files carry no source label. For each source the reference profile is rebuilt without it
(engine/detectors/profile.py, so its detectors are fitted and calibrated on the other
sources only), the pooled logistic regression of the case's GANs is refitted on that
profile, and the source's files (at most MAX_FILES_PER_SOURCE, evenly spread) are judged.
The CNN and inverse models keep their stored calibration (retraining them is a training
run) and speak only on files their run was not trained on (engine/selftest/runs.py).
"""
import os
import re

import numpy as np

from engine.data import representations
from engine.detectors import suite
from engine.detectors.profile import build_profile, item_groups, renumber
from engine.modality import modality
from engine.selftest import rates
from engine.selftest.runs import seen_files

BLOCKS = 5
MAX_FILES_PER_SOURCE = 200


def file_names(items, groups, n_groups):
    names = [""] * n_groups
    for item, g in zip(items, groups):
        names[g] = names[g] or str(item).split("#")[0]
    return names


def sources_of(ref):
    """(file id per sample, [(source name, file ids)], how the sources were formed)."""
    groups, n_groups = item_groups(ref.items, ref.n)
    named = modality(ref.modality).named_sources
    if named:
        found = [re.match(named.pattern, os.path.basename(name)) for name in file_names(ref.items, groups, n_groups)]
        sources = {}
        for g, match in enumerate(found):
            if match:
                sources.setdefault(match["source"], []).append(g)
        if all(found) and len(sources) >= 2:
            return groups, [(f"{named.word} {name}", np.array(ids)) for name, ids in sorted(sources.items())], \
                named.how
    kind = modality(ref.modality).file_kind
    blocks = [b for b in np.array_split(np.arange(n_groups), min(BLOCKS, n_groups)) if b.size]
    return groups, [(f"{kind} {b[0] + 1}-{b[-1] + 1}", b) for b in blocks], \
        (f"{len(blocks)} contiguous blocks of the reference's {kind} in the spec's order (a stand-in for writers "
         f"or collections: the files carry no source label)")


def leave_one_source_out(ref, reference_spec, learned, gan_runs, alpha, state, span=(0.0, 1.0)):
    """{"how", "sources": [{"source", "false_positive_rate", "n", ...}]}. `learned`: [(detector,
    run)] of the CNN and inverse models with their stored calibration; `gan_runs`: the GANs
    whose pooled logistic regression is refitted without each source."""
    from engine.detectors.learned import fit_generators_logistic
    from engine.detectors.logistic import LogisticFeatures

    groups, sources, how = sources_of(ref)
    n_files = int(groups.max()) + 1
    seen = np.stack([seen_files([run], reference_spec, n_files) for _, run in learned], 1) if learned \
        else np.zeros((n_files, 0), dtype=bool)
    refit_logistic = bool(gan_runs) and modality(ref.modality).continuous
    out = []
    for k, (name, files) in enumerate(sources):
        state.check()
        state.progress(span[0] + (span[1] - span[0]) * k / len(sources), f"leaving out {name}")
        held = np.isin(groups, files)
        try:
            profile = build_profile(ref.subset(np.flatnonzero(~held)), recordings=False)
        except ValueError as err:
            out.append({"source": name, "false_positive_rate": None, "n": 0, "files": int(files.size),
                        "note": f"not measurable: {err}"})
            continue
        detectors = suite.profile_detectors(profile)
        if refit_logistic:
            detectors.append(LogisticFeatures(fit_generators_logistic(gan_runs, profile),
                                              [run["name"] for run in gan_runs]))
        judged = files[np.unique(np.linspace(0, files.size - 1, min(files.size, MAX_FILES_PER_SOURCE)).round()
                                 .astype(int))]
        take = np.isin(groups, judged)
        file_groups = renumber(groups[take])
        x = ref.x[take]
        if "level_version" in profile:  # as a verdict reads evidence
            x = representations.normalise_level(x, file_groups)
        speaks = np.concatenate([np.ones((judged.size, len(detectors)), dtype=bool), ~seen[judged]], 1)
        labels = rates.labels(detectors + [d for d, _ in learned], suite.Batch(x, file_groups), alpha, speaks)
        positives = labels.count("generated")
        out.append({"source": name, "false_positive_rate": rates.rate(positives, judged.size), "n": int(judged.size),
                    "false_positives": positives, "inconclusive": labels.count("inconclusive"),
                    "interval": rates.clopper_pearson(positives, judged.size), "files": int(files.size),
                    "held_out_files": [int(f) for f in judged],
                    "profile_files": int(profile["n_fit_files"] + profile["n_calibration_files"]),
                    "learned_speak_on": int((~seen[judged]).all(axis=1).sum()) if learned else 0})
    return {"how": how, "sources": out}
