"""The quarter-pair view's set-aside rule, relabelled on a case made before it (issue #14; docs/studies.md, "The
quarter-pair view's set-aside rule: the piece holding most pairs and its tune's settings", forty-sixth pass). Not
part of the product: it chooses the floor on the pairs left, on tuning sets.

`slice-familiarity`'s quarter pairs, read as the product now reads them (engine/detectors/familiarity.py,
`share_and_score` with the file's tune set aside), each file against the case's index and the reference's tunes, the
reference's own chorales leave-one-out as `fitted` calibrates them; per floor on the pairs left, the view's tail
from those, and each file of a set relabelled with that view's tail probability in place of the quarter-pair view's
the case judged (chain_walk.relabel: the other views and detectors as judged).

    PYTHONPATH=. python tests/benchmarks/tune_pairs.py CASE SET_DIR [SET_DIR ...] --verdicts DIR [--floors 0 8 10]

Per set: the pairs left (median, 10th percentile), and per floor its generated (inconclusive) files as judged and
relabelled; the reference's 99th percentile and largest score per floor, and its files scoring past the
99th percentile.
"""
import argparse
import json
import os

import numpy as np

from engine.data.specs import load_spec
from engine.detectors import calibration, copying, familiarity, tunes
from engine.detectors.familiarity import SliceFamiliarity, share_and_score, share_score
from engine.detectors.profile import item_groups
from engine.verdict import load_evidence
from tests.benchmarks.chain_walk import relabel

QUARTER_PAIRS = 1  # slice-familiarity's view


def counted(rolls, index, tune_index, leave_out=False):
    """(k, n) of each roll's quarter pairs under the rule; `leave_out`: roll f is reference file f (left out)."""
    view = SliceFamiliarity.views[QUARTER_PAIRS]
    found = []
    for f, roll in enumerate(rolls):
        settings = tunes.settings(tunes.stretches(roll), tune_index)
        own = familiarity.without(index, f) if leave_out else index
        settings = np.setdiff1d(settings, f) if leave_out else settings
        found.append(share_and_score(familiarity.grams_of(roll, view), own, view=view, settings=settings)[:2])
    return np.array(found)


def folder_rolls(folder, profile):
    """(file names, rolls) of a set's MIDI files as the case reads them."""
    paths = sorted(os.path.join(folder, n) for n in os.listdir(folder) if n.endswith(".mid"))
    accepted, _ = load_evidence(paths, profile)
    return [os.path.basename(p) for p, _ in accepted], [copying.file_roll(s.x, np.zeros(len(s.x), int), 0)
                                                        for _, s in accepted]


def scored(kn, floor):
    return np.array([share_score(k, n) if n >= floor else 0.0 for k, n in kn])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("case"), parser.add_argument("sets", nargs="+"), parser.add_argument("--verdicts")
    parser.add_argument("--floors", type=int, nargs="+", default=[0, 6, 8, 10, 12])
    args = parser.parse_args()
    profile = dict(np.load(os.path.join(args.case, "profiles", "reference.npz"), allow_pickle=True))
    before = SliceFamiliarity(profile)
    if before.combination.tune_index is not None:
        raise SystemExit("the case already reads the rule")
    ref = load_spec("builtin:bach")
    groups, n_groups = item_groups(ref.items, ref.n)
    rolls = copying.file_rolls(ref.x, groups)
    index = before.combination.index
    tune_index = tunes.index_of([tunes.stretches(r) for r in rolls])
    reference = counted(rolls, index, tune_index, leave_out=True)
    tails = {floor: calibration.tail_model(scored(reference, floor)) for floor in args.floors}
    for floor in args.floors:
        values = scored(reference, floor)
        high = np.flatnonzero(values > np.percentile(values, 99))
        print(f"reference floor {floor}: p99 {np.percentile(values, 99):.2f}, max {values.max():.2f}; past p99 "
              + ", ".join(f"{ref.items[np.flatnonzero(groups == f)[0]].rsplit('/', 1)[-1].split('#')[0]} "
                          f"{reference[f][0]}/{reference[f][1]} {values[f]:.2f}" for f in high))
    for folder in args.sets:
        name = os.path.basename(os.path.normpath(folder))
        names, set_rolls = folder_rolls(folder, profile)
        kn = counted(set_rolls, index, tune_index)
        views = np.array([[c[2] for c in before.combination.counts(r)] for r in set_rolls])
        view_p = np.stack([calibration.tail_probability(t, views[:, v])
                           for v, t in enumerate(before.combination.tails)], 1)
        line = (f"{name} ({len(names)}): pairs left median {np.median(kn[:, 1]):.0f}, "
                f"p10 {np.percentile(kn[:, 1], 10):.0f}")
        with open(os.path.join(args.verdicts, f"{name}.json")) as f:
            verdicts = json.load(f)["files"]
        judged = [sum(e["label"] == label for e in verdicts) for label in ("generated", "inconclusive")]
        line += f"; as judged {judged[0]} ({judged[1]})"
        for floor in args.floors:
            replaced = view_p.copy()
            replaced[:, QUARTER_PAIRS] = calibration.tail_probability(tails[floor], scored(kn, floor))
            generated, inconclusive = relabel(verdicts, dict(zip(names, replaced)), added=False)
            line += f"; floor {floor}: {generated} ({inconclusive})"
        print(line, flush=True)


if __name__ == "__main__":
    main()
