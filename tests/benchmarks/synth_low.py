"""The synthesisers still caught below 95 % in a profile-only `builtin:fsdd` case (SVOX Pico, espeak-ng's Klatt
variants, MBROLA us1/us2): the untouched sets of the forty-second pass, and what stands between each missed file and
a 'generated' label (docs/studies.md, "Synthesisers below the goal", forty-second pass).

    python tests/benchmarks/synth_low.py build OUT_DIR             # the untouched sets, one folder per set
    python main.py verdict OUT_DIR/*/*.wav --case CASE --json OUT.json
    python tests/benchmarks/synth_low.py summary OUT.json          # per set: labels, and per missed file its nearest
                                                                   # detectors and those standing aside

The sets are named in tests/benchmarks/data/synth_low_untouched.md (committed before any was built). FSDD and Speech
Commands are read from bare mirrors of github.com/Jakobovski/free-spoken-digit-dataset and
github.com/thegtagamer/PICO-tinyML-benchmark (`git show HEAD:path`); point FSDD_GIT and SC_GIT at yours.
"""
import collections
import json
import os
import random
import shutil
import subprocess
import sys

FSDD_GIT = "/work/.mirror/Jakobovski+free-spoken-digit-dataset/repo"
SC_GIT = "/work/.mirror/thegtagamer+PICO-tinyML-benchmark/repo"
SC_DIR = "MLTK_keyworkSpotting/dataset"
DIGITS = "zero one two three four five six seven eight nine".split()
PICO_TEXTS = {
    "de-DE": "sechs sieben acht neun null Brot Schule Garten",
    "es-ES": "seis siete ocho nueve cero pan escuela jardín",
    "fr-FR": "six sept huit neuf zéro pain école jardin",
    "it-IT": "sei sette otto nove zero pane scuola giardino",
    "en-GB": "bread school garden river kitchen basket pocket thunder",
}
KLATT = ("en+klatt", "en+klatt4", "en+klatt5", "en+klatt6")
SPEEDS = (130, 160, 190, 220)
SC_WORDS = "yes no up down left right on off stop go".split()
SC_FIRST, SC_PER_WORD = 346, 6
DRIFT_SPEAKERS = {"fa446c16", "d1a4fb3f", "26b28ea7", "b83c1acf", "03401e93"}
DIG_UNTOUCHED, DIG_SAMPLE = "/tmp/s41-lead/dig-untouched", 60  # seen: the outside digits' untouched half


def run(*args):
    subprocess.run(args, check=True, capture_output=True)


def git_show(repo, path, dst):
    with open(dst, "wb") as out:
        out.write(subprocess.run(["git", "-C", repo, "show", f"HEAD:{path}"], check=True, capture_output=True).stdout)


def excluded_speakers():
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "data", "pico_real_speakers.tsv")) as table:
        return {line.split("\t")[0] for line in table if not line.startswith("#")} | DRIFT_SPEAKERS


def speech_commands_clips(first, per_word, out):
    """Speech Commands clips of each of SC_WORDS into `out`: per word, from place `first` in name order, the first
    `per_word` whose speaker no evaluation set uses."""
    excluded = excluded_speakers()
    for word in SC_WORDS:
        listed = subprocess.run(["git", "-C", SC_GIT, "ls-tree", "--name-only", "HEAD", f"{SC_DIR}/{word}/"],
                                check=True, capture_output=True, text=True).stdout.split()
        kept = [p for p in sorted(listed)[first:] if os.path.basename(p).split("_")[0] not in excluded]
        for path in kept[:per_word]:
            git_show(SC_GIT, path, f"{out}/{word}_{os.path.basename(path)}")


def build(out):
    dirs = {name: os.path.join(out, name) for name in
            ("pico-langs-b", "esp-klatt-b", "mbrola-us2-b", "fsdd-later", "sc-16k-e", "dig60")}
    for d in dirs.values():
        os.makedirs(d, exist_ok=True)
    for lang, texts in PICO_TEXTS.items():
        for k, text in enumerate(texts.split()):
            run("pico2wave", "-l", lang, "-w", f"{dirs['pico-langs-b']}/{lang}_{k}.wav", text)
    for v, voice in enumerate(KLATT):
        for d, word in enumerate(DIGITS):
            speed = SPEEDS[(d + v) % len(SPEEDS)]
            run("espeak-ng", "-v", voice, "-s", str(speed), "-w", f"{dirs['esp-klatt-b']}/{voice}_{word}_{speed}.wav",
                word)
    for speed in (130, 175, 220):
        for word in DIGITS:
            run("espeak-ng", "-v", "mb-us2", "-s", str(speed), "-w", f"{dirs['mbrola-us2-b']}/{word}_{speed}.wav", word)
    for speaker in ("george", "jackson", "lucas", "nicolas"):
        for d in range(10):
            for take in (47, 48):
                name = f"{d}_{speaker}_{take}.wav"
                git_show(FSDD_GIT, f"recordings/{name}", f"{dirs['fsdd-later']}/{name}")
    speech_commands_clips(SC_FIRST, SC_PER_WORD, dirs['sc-16k-e'])
    if os.path.isdir(DIG_UNTOUCHED):
        names = sorted(os.listdir(DIG_UNTOUCHED))
        for name in random.Random(46).sample(names, DIG_SAMPLE):
            shutil.copy(os.path.join(DIG_UNTOUCHED, name), os.path.join(dirs["dig60"], name))


def nearest(entry, k=3):
    """The k detectors nearest their share of alpha (tail probability over weight), weight > 0."""
    speaking = [(v["tail_probability"] / v["weight"], name, v) for name, v in entry["detectors"].items()
                if v["weight"] > 0]
    return [f"{name} {v['tail_probability']:.2g}/{v['weight']:.2f}" for _, name, v in sorted(speaking)[:k]]


def aside(entry):
    out = []
    for name, v in entry["detectors"].items():
        if v["weight"] == 0 and name in ("synthetic-voice", "mel-inversion"):
            why = [r for r in entry["reasons"] if r.startswith(name + ":")]
            out.append(f"{name}: {why[0][len(name) + 2:][:90] if why else '?'}")
    return out


def summary(path):
    with open(path) as f:
        files = json.load(f)["files"]
    by_set = collections.defaultdict(list)
    for entry in files:
        by_set[os.path.basename(os.path.dirname(entry["path"]))].append(entry)
    for name, entries in sorted(by_set.items()):
        labels = collections.Counter(e["label"] for e in entries)
        print(f"{name}: {labels['generated']} of {len(entries)} labelled generated "
              f"({labels['inconclusive']} inconclusive)")
        synthesised = labels["generated"] * 2 > len(entries)  # a generated set: its misses; a real one: its alarms
        for entry in sorted(entries, key=lambda e: e["path"]):
            if (entry["label"] != "generated") if synthesised else (entry["label"] != "real"):
                print(f"  {os.path.basename(entry['path'])} {entry['label']} p={entry['tail_probability']:.3g}: "
                      + "; ".join(nearest(entry)) + "".join(f" | {a}" for a in aside(entry)))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "build":
        build(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "summary":
        summary(sys.argv[2])
    else:
        sys.exit(__doc__)
