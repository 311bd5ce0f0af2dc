"""The quarter-pair view's set-aside rule tried on familiarity's other views (issue #14; docs/studies.md, "The
set-aside rule on the triple, eighth-pair and chord-event views", forty-eighth pass). Not part of the product: it
relabels the verdicts of a case made before as if a view set aside, besides its closest piece, the piece holding
most of the file's n-grams and its tune's settings (`--rule tune`; familiarity.share_and_score with `tune=True`),
the piece holding most alone (`most`), or the n-grams found nowhere inside a stretch copied from one piece
(`bridged`, familiarity.bridged), with a floor on the n-grams left.

Each file is read against the case's own index of the view (the reference's chorales leave-one-out, as `fitted`
calibrates them); per rule the view's tail comes from those, and each file of a set is relabelled with its tail
probability in place of the view's as the case reads it (the other views and detectors as judged; weighted
Bonferroni as the verdict combines them).

    PYTHONPATH=. python tests/benchmarks/view_aside.py CASE SET_DIR [SET_DIR ...] --verdicts DIR [--floors 0 4 8]
        [--rule tune|most|bridged]

DIR holds `main.py verdict --json` outputs named SET.json. Per set: as judged, and per view and floor the generated
(inconclusive) files relabelled, and the median n-grams left; then every view ruled at once, per floor. The
reference's 99th percentile and largest score per view, before and with the rule.
"""
import argparse
import json
import os

import numpy as np

from engine.data.specs import load_spec
from engine.detectors import calibration, copying, familiarity, tunes
from engine.detectors.familiarity import Familiarity, SliceFamiliarity, share_and_score, share_score
from engine.detectors.profile import item_groups
from tests.benchmarks.chain_walk import labelled
from tests.benchmarks.tune_pairs import folder_rolls

RULES = ("tune", "most", "bridged")
# the views a rule is tried on: (detector, its view number)
TRIED = {"eighth pairs": ("slice-familiarity", 0), "quarter triples": ("slice-familiarity", 2),
         "event pairs": ("familiarity", 0), "event triples": ("familiarity", 1)}


def counted(rolls, ruled, index, tune_index, leave_out=False):
    """(k, n) of each roll's n-grams in the `ruled` view, no floor; `leave_out`: roll f is reference file f;
    `tune_index` None: the piece holding most set aside, not the tune's settings."""
    found = []
    for f, roll in enumerate(rolls):
        settings = np.zeros(0, np.int64) if tune_index is None else tunes.settings(tunes.stretches(roll), tune_index)
        own = familiarity.without(index, f) if leave_out else index
        settings = np.setdiff1d(settings, f) if leave_out else settings
        k, n, _ = share_and_score(familiarity.grams_of(roll, ruled), own, view=ruled, settings=settings)
        found.append((k, n))
    return np.array(found)


def ruled_view(view, rule):
    """The view with the rule: `tune`, the piece holding most and the tune's settings set aside; `most`, the piece
    holding most alone; `bridged`, n-grams found nowhere inside a copied stretch (familiarity.bridged)."""
    return view._replace(bridged=True) if rule == "bridged" else view._replace(tune=True)


def scored(kn, floor, unseen):
    return np.array([share_score(k, n, unseen) if n >= floor else 0.0 for k, n in kn])


def view_p(detector, rolls):
    """(files, views) tail probabilities of the detector's views as the case reads them."""
    scores = np.array([[s for _, _, s in detector.combination.counts(r)] for r in rolls])
    tails = detector.combination.tails
    return np.stack([calibration.tail_probability(t, scores[:, v]) for v, t in enumerate(tails)], 1)


def relabel(files, views_p):
    """(generated, inconclusive) with the detectors' view tail probabilities `views_p` {detector: {file: p per view}}
    in place of theirs (each: its views' Bonferroni p over its weight); the other detectors as judged."""
    labels = []
    for entry in files:
        name, ratios = os.path.basename(entry["path"]), []
        for detector, d in entry["detectors"].items():
            if d["weight"] <= 0:
                continue
            p = d["tail_probability"]
            if detector in views_p:
                p = min(1.0, len(views_p[detector][name]) * min(views_p[detector][name]))
            ratios.append(p / d["weight"])
        labels.append(min(1.0, min(ratios)))
    return labelled(labels)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("case"), parser.add_argument("sets", nargs="+"), parser.add_argument("--verdicts")
    parser.add_argument("--floors", type=int, nargs="+", default=[0, 4, 8])
    parser.add_argument("--rule", choices=RULES, default="tune")
    args = parser.parse_args()
    profile = dict(np.load(os.path.join(args.case, "profiles", "reference.npz"), allow_pickle=True))
    detectors = {"familiarity": Familiarity(profile), "slice-familiarity": SliceFamiliarity(profile)}
    ref = load_spec("builtin:bach")
    groups, n_groups = item_groups(ref.items, ref.n)
    rolls = copying.file_rolls(ref.x, groups)
    tune_index = tunes.index_of([tunes.stretches(r) for r in rolls]) if args.rule == "tune" else None
    tails, reference = {}, {}
    for name, (detector, v) in TRIED.items():
        view, index = detectors[detector].views[v], detectors[detector].combination.index
        reference[name] = counted(rolls, ruled_view(view, args.rule), index, tune_index, leave_out=True)
        own = profile[detectors[detector].arrays[3]][:, v]
        line = f"reference {name}: as calibrated p99 {np.percentile(own, 99):.2f}, max {own.max():.2f}"
        for floor in args.floors:
            values = scored(reference[name], floor, view.unseen)
            tails[name, floor] = calibration.tail_model(values)
            line += (f"; ruled floor {floor}: p99 {np.percentile(values, 99):.2f}, max {values.max():.2f}, "
                     f"left median {np.median(reference[name][:, 1]):.0f}")
        print(line, flush=True)
    for folder in args.sets:
        set_name = os.path.basename(os.path.normpath(folder))
        names, set_rolls = folder_rolls(folder, profile)
        with open(os.path.join(args.verdicts, f"{set_name}.json")) as f:
            verdicts = json.load(f)["files"]
        as_read = {d: view_p(det, set_rolls) for d, det in detectors.items()}
        ruled = {}
        judged = [sum(e["label"] == label for e in verdicts) for label in ("generated", "inconclusive")]
        print(f"{set_name} ({len(names)}): as judged {judged[0]} ({judged[1]}); as emulated "
              "%d (%d)" % relabel(verdicts, {d: dict(zip(names, p)) for d, p in as_read.items()}), flush=True)
        for name, (detector, v) in TRIED.items():
            view = detectors[detector].views[v]
            kn = counted(set_rolls, ruled_view(view, args.rule), detectors[detector].combination.index, tune_index)
            line = f"    {name}: left median {np.median(kn[:, 1]):.0f}"
            for floor in args.floors:
                replaced = as_read[detector].copy()
                replaced[:, v] = calibration.tail_probability(tails[name, floor], scored(kn, floor, view.unseen))
                ruled[name, floor] = (detector, v, replaced[:, v])
                views_p = {d: dict(zip(names, replaced if d == detector else p)) for d, p in as_read.items()}
                line += "; floor %d: %d (%d)" % (floor, *relabel(verdicts, views_p))
            print(line, flush=True)
        line = "    every view ruled"
        for floor in args.floors:
            replaced = {d: p.copy() for d, p in as_read.items()}
            for name in TRIED:
                detector, v, p = ruled[name, floor]
                replaced[detector][:, v] = p
            line += "; floor %d: %d (%d)" % (floor, *relabel(verdicts, {d: dict(zip(names, p))
                                                                         for d, p in replaced.items()}))
        print(line, flush=True)


if __name__ == "__main__":
    main()
