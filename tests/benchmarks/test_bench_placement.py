"""Placement (engine/detectors/placement.py) before and after, on generators trained long and on real digits
that went through a channel, an editor or a clean-up (docs/studies.md, "Placement", fourteenth pass).

Two profile-only cases on builtin:mnist[0:5000]: "before" without the placement arrays (a case made before
the detector, which keeps its detectors: the verdict of the code before it), "after" with them. Evidence:
500 files of each generator run given (`generate`, seed 7); the long-trained benchmark's real sets
(tests/benchmarks/test_bench_long_trained_gan.py: mnist[6000:6500] clean, 200 rotated with PIL's bicubic,
200 scaled bilinearly); mnist[6000:6500] through JPEG 75, JPEG 90 and WebP 75 (files read as such), and
cleaned (values below 30 set to 0, above 230 to 255). Prints per set and case the files labelled generated at
alpha = 1 % and how many `placement` decides.

    .venv/bin/python -m pytest tests/benchmarks/test_bench_placement.py -s -o addopts=""   (trains one DCGAN)
    .venv/bin/python tests/benchmarks/test_bench_placement.py OUT_DIR RUN...   (RUN: a generator run already
        trained, or a folder of generated files judged as they are)
"""
import collections
import json
import os
import re
import sys

import numpy as np

from tests.benchmarks.test_bench_long_trained_gan import write_real_sets

CHANNELS = (("jpeg-75", "JPEG", 75, "jpg"), ("jpeg-90", "JPEG", 90, "jpg"), ("webp-75", "WEBP", 75, "webp"))


def write_channel_sets(evidence, clean_folder):
    """The clean real PNGs saved through each of CHANNELS, and cleaned up (a real clean-up), as folders."""
    from PIL import Image

    folders = {name: os.path.join(evidence, name) for name, *_ in CHANNELS}
    folders["cleaned"] = os.path.join(evidence, "cleaned")
    for folder in folders.values():
        os.makedirs(folder, exist_ok=True)
    for file in sorted(os.listdir(clean_folder)):
        pixels = np.asarray(Image.open(os.path.join(clean_folder, file)))
        stem = os.path.splitext(file)[0]
        for name, fmt, quality, ext in CHANNELS:
            Image.fromarray(pixels).save(os.path.join(folders[name], f"{stem}.{ext}"), format=fmt, quality=quality)
        cleaned = np.where(pixels < 30, 0, np.where(pixels > 230, 255, pixels)).astype(np.uint8)
        Image.fromarray(cleaned).save(os.path.join(folders["cleaned"], file))
    return folders


def case_without_placement(folder):
    """A profile-only case on builtin:mnist[0:5000] made with every detector but placement (a case made before
    the detector: its profile lacks the arrays, and its hashes are recorded as any case's are)."""
    from engine.case_workflows import new_case
    from engine.detectors import registry

    registered = registry.DETECTORS
    registry.DETECTORS = type(registered)(d for d in registered if d.name != "placement")
    try:
        new_case(folder, "builtin:mnist[0:5000]", name="before placement")
    finally:
        registry.DETECTORS = registered
    return folder


def counts(files, before=None):
    """Per set: files, labelled generated, the deciding detectors and (after, given `before`'s files) how many
    files labelled generated before are not now (what the Bonferroni weights' split cost)."""
    deciding = collections.Counter(m.group(1) for f in files if f["label"] == "generated"
                                   for m in [re.search(r"decisive: (\S+)", (f.get("reasons") or [""])[0])] if m)
    out = {"n": len(files), "generated": sum(f["label"] == "generated" for f in files), "deciding": dict(deciding)}
    if before is not None:
        now = {os.path.basename(f["path"]) for f in files if f["label"] == "generated"}
        out["lost"] = sum(f["label"] == "generated" and os.path.basename(f["path"]) not in now for f in before)
    return out


def run(out, runs, cases=None):
    """Judges every set with both cases (`cases`: (before, after) case folders already made, else made here:
    "before" as `case_without_placement` makes it)."""
    from engine.case_workflows import new_case
    from engine.jobs import ConsoleState
    from engine.runs import is_run_folder
    from engine.training_jobs import generate_job
    from engine.verdict import judge

    evidence = os.path.join(out, "evidence")
    folders = write_real_sets(evidence)
    folders.update(write_channel_sets(evidence, folders["real"]))
    for run_dir in runs:  # a generator run, or a folder of files made otherwise (judged as they are)
        name = os.path.basename(os.path.normpath(run_dir))
        folders[name] = os.path.join(evidence, name) if is_run_folder(run_dir) else run_dir
        if is_run_folder(run_dir):
            generate_job({"run": run_dir, "n": 500, "out": folders[name], "seed": 7}, ConsoleState(label=name + " "))
    if cases is None:
        after = os.path.join(out, "case-after")
        new_case(after, "builtin:mnist[0:5000]", name="placement")
        cases = (case_without_placement(os.path.join(out, "case-before")), after)
    table = {}
    for name, folder in folders.items():
        before = judge(cases[0], [folder])["files"]
        table[name] = {"before": counts(before), "after": counts(judge(cases[1], [folder])["files"], before)}
    return table


def print_table(table):
    print("\nlabelled generated at alpha = 1 % (profile-only case on builtin:mnist[0:5000]), before -> after")
    for name, row in table.items():
        before, after = row["before"], row["after"]
        print(f"  {name:>16}: {before['generated']}/{before['n']} -> {after['generated']}/{after['n']}; "
              f"placement decides {after['deciding'].get('placement', 0)}, lost {after['lost']}; "
              f"after {after['deciding']}")


def test_placement_adds_long_trained_gan_files_and_keeps_real_digits(tmp_path):
    from engine.jobs import ConsoleState
    from engine.training_jobs import train_gan_job

    gan = str(tmp_path / "gan-seed29")
    train_gan_job({"data": "builtin:mnist[0:4000]", "out": gan, "steps": 2000, "seed": 29, "loss": "gan",
                   "device": "auto", "width": 32, "batch_size": 64}, ConsoleState(label="gan "))
    table = run(str(tmp_path), [gan])
    print_table(table)
    assert table["gan-seed29"]["after"]["generated"] > table["gan-seed29"]["before"]["generated"]
    for name in ("real", "rotated-bicubic", "scaled-bilinear", "jpeg-75", "jpeg-90", "webp-75", "cleaned"):
        assert table[name]["after"]["deciding"].get("placement", 0) <= 0.01 * table[name]["after"]["n"], name


if __name__ == "__main__":
    summary = run(os.path.abspath(sys.argv[1]), sys.argv[2:])
    with open(os.path.join(sys.argv[1], "summary.json"), "w", encoding="utf-8") as fh:
        json.dump(summary, fh, indent=1)
    print_table(summary)
