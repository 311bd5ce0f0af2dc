"""The verdict exercise of docs/verdicts.md, per modality.

A case on a reference; GANs (seeds 0 and 2; Bach: 0) and a CNN classifier (real vs
their generated files) trained on the case's fitting part and registered; held-out real
files (never used for anything else) and files from a GAN trained separately with seed 1
(NOT registered). Baseline: the same
case before the learned detectors are registered (profile detectors only). Prints the
share of real files labelled "generated" and of generated files labelled "generated"
for both, and the ratio of detection rates.

    .venv/bin/python -m pytest tests/benchmarks/test_bench_verdicts.py -s -o addopts="" -k mnist
    .venv/bin/python tests/benchmarks/test_bench_verdicts.py mnist OUT_DIR   (same, kept files)

Environment: VERDICT_BENCH_SEED (the unregistered GAN's seed, default 1), VERDICT_BENCH_LOSS
(its loss: gan, lsgan or wgan-gp; default gan), VERDICT_BENCH_STEPS (its training steps;
default the registered GANs') and, for FSDD, VERDICT_BENCH_SPEAKER (the held-out speaker,
default nicolas).
"""
import json
import os
import shutil
import sys
import time

import pytest

# The generator of the "generated" evidence; never registered in the case. Another seed
# (VERDICT_BENCH_SEED=7) gives an exercise on generated files nobody has looked at.
UNREGISTERED_SEED = int(os.environ.get("VERDICT_BENCH_SEED", "1"))
# FSDD: the speaker whose recordings are the held-out real evidence; the other three make
# the reference (the last of them in name order calibrates).
HELD_OUT_SPEAKER = os.environ.get("VERDICT_BENCH_SPEAKER", "nicolas")
# The unregistered GAN's loss (gan, lsgan, wgan-gp): another kind of generator than the case's.
UNREGISTERED_LOSS = os.environ.get("VERDICT_BENCH_LOSS", "gan")
# Its training steps: a longer-trained generator than the case's (fewer artefacts).
UNREGISTERED_STEPS = os.environ.get("VERDICT_BENCH_STEPS")
FSDD_SPEAKERS = ("george", "jackson", "lucas", "nicolas")
SETUPS = {
    "mnist": {"modality": "image", "reference": "builtin:mnist[0:5000]", "gan_steps": 400,
              "gan": {"width": 32, "batch_size": 64}, "classifier_steps": 300, "n_generated": 500,
              "n_fit_generated": 4000, "registered_seeds": (0, 2)},
    "fsdd": {"modality": "speech", "gan_steps": 250, "gan": {"width": 16, "batch_size": 32},
             "classifier_steps": 200, "n_generated": 100, "n_fit_generated": 200, "registered_seeds": (0, 2)},
    # One registered GAN only: 128x64 piano-roll GANs are slow on a CPU.
    "bach": {"modality": "music", "reference": "builtin:bach[0:300]", "gan_steps": 100,
             "gan": {"width": 16, "batch_size": 32}, "classifier_steps": 200, "n_generated": 100,
             "n_fit_generated": 240, "registered_seeds": (0,)},
}


def held_out_real(name, folder, out):
    """Writes/copies the held-out real files; returns the reference spec."""
    from engine.data.builtins import corpus_files
    from engine.demo import speech_reference

    os.makedirs(folder, exist_ok=True)
    if name == "mnist":
        from engine.data.specs import load_spec
        from engine.data.writers import write_png

        for j, sample in enumerate(load_spec("builtin:mnist[9000:9500]").x):
            write_png(os.path.join(folder, f"mnist_{9000 + j}.png"), sample[0])
        return SETUPS[name]["reference"]
    if name == "bach":
        for path in corpus_files("bach")[300:]:
            shutil.copyfile(path, os.path.join(folder, os.path.basename(path)))
        return SETUPS[name]["reference"]
    for path in corpus_files("fsdd"):
        if f"_{HELD_OUT_SPEAKER}_" in os.path.basename(path):
            shutil.copyfile(path, os.path.join(folder, os.path.basename(path)))
    # Two speakers fit the detectors, a third calibrates them (see engine.demo.speech_reference).
    speakers = tuple(s for s in FSDD_SPEAKERS if s != HELD_OUT_SPEAKER)
    return speech_reference(os.path.join(out, "fsdd-reference"), takes=10, speakers=speakers)


def rates(result):
    out = {}
    for kind in ("real", "generated"):
        files = [f for f in result["files"] if f"/{kind}/" in f["path"]]
        out[kind] = {"n": len(files), **{label: sum(f["label"] == label for f in files)
                                          for label in ("generated", "inconclusive", "real")}}
    return out


def run_exercise(name, out):
    from engine.case_workflows import new_case, register_run
    from engine.jobs import ConsoleState
    from engine.training_jobs import generate_job, train_classifier_job, train_gan_job
    from engine.verdict import judge

    setup, started = SETUPS[name], time.monotonic()
    state = ConsoleState(label=f"{name} ")
    reference = held_out_real(name, os.path.join(out, "evidence", "real"), out)
    case_dir = os.path.join(out, "case")
    fit = new_case(case_dir, reference, name=f"show {name}")["fit_spec"]
    gans = {}
    for seed in (UNREGISTERED_SEED,) + setup["registered_seeds"]:
        gans[seed] = os.path.join(out, f"gan-seed{seed}")
        unregistered = seed == UNREGISTERED_SEED
        loss = UNREGISTERED_LOSS if unregistered else "gan"
        steps = int(UNREGISTERED_STEPS) if unregistered and UNREGISTERED_STEPS else setup["gan_steps"]
        train_gan_job({"data": fit, "out": gans[seed], "steps": steps, "seed": seed, "loss": loss,
                       "device": "auto", **setup["gan"]}, state)
    # The classifier sees generated samples as evidence stores them (PNG, MIDI, .npy), written
    # by the same `generate` an analyst would use, not the generator's raw float output.
    fakes = []
    for seed in setup["registered_seeds"]:
        fakes.append((f"gan-seed{seed}", os.path.join(out, f"gan-seed{seed}-files")))
        generate_job({"run": gans[seed], "n": setup["n_fit_generated"], "out": fakes[-1][1], "seed": 3}, state)
    classifier = os.path.join(out, "classifier")
    train_classifier_job({"real": fit, "fakes": fakes, "out": classifier, "per_class": setup["n_fit_generated"],
                          "steps": setup["classifier_steps"], "device": "auto", "seed": 0}, state)
    generate_job({"run": gans[UNREGISTERED_SEED], "n": setup["n_generated"],
                  "out": os.path.join(out, "evidence", "generated"), "seed": 7}, state)
    evidence = [os.path.join(out, "evidence", "real"), os.path.join(out, "evidence", "generated")]
    baseline = rates(judge(case_dir, evidence))
    for seed in setup["registered_seeds"]:
        register_run(case_dir, gans[seed])
    register_run(case_dir, classifier)
    result = judge(case_dir, evidence)
    with open(os.path.join(out, "verdicts.json"), "w", encoding="utf-8") as fh:
        json.dump(result, fh, indent=1)
    return {"name": name, "baseline": baseline, "with_learned": rates(result),
            "minutes": round((time.monotonic() - started) / 60, 1)}


def print_table(summary):
    print(f"\n{summary['name']} ({summary['minutes']} min)")
    for which in ("baseline", "with_learned"):
        r = summary[which]
        fpr = r["real"]["generated"] / max(1, r["real"]["n"])
        tpr = r["generated"]["generated"] / max(1, r["generated"]["n"])
        print(f"  {which:>13}: real files labelled generated {r['real']['generated']}/{r['real']['n']} ({fpr:.1%}), "
              f"inconclusive {r['real']['inconclusive']}; generated files labelled generated "
              f"{r['generated']['generated']}/{r['generated']['n']} ({tpr:.1%}), inconclusive "
              f"{r['generated']['inconclusive']}")
    base = summary["baseline"]["generated"]["generated"] or 1
    print(f"  detection ratio with learned detectors / baseline: {summary['with_learned']['generated']['generated'] / base:.2f}")


@pytest.mark.parametrize("name", sorted(SETUPS))
def test_verdict_exercise(name, tmp_path):
    summary = run_exercise(name, str(tmp_path))
    print_table(summary)
    learned = summary["with_learned"]
    assert learned["real"]["generated"] <= 0.02 * learned["real"]["n"]
    assert learned["generated"]["generated"] >= 0.95 * learned["generated"]["n"]


if __name__ == "__main__":
    summary = run_exercise(sys.argv[1], os.path.abspath(sys.argv[2]))
    with open(os.path.join(sys.argv[2], "summary.json"), "w", encoding="utf-8") as fh:
        json.dump(summary, fh, indent=1)
    print_table(summary)
