"""The speech synthesisers as an outside checker runs them: each engine's default voice and two others saying the
digits at the engine's defaults, kept at the engine's own rate and resampled by sox to 8 kHz 16-bit as FSDD is
(docs/studies.md, "The synthesisers at their defaults, native and at 8 kHz", forty-ninth pass).

    PYTHONPATH=. python tests/benchmarks/synthsweep.py build OUT_DIR   # untouched (data/synthsweep_untouched.md)
    PYTHONPATH=. python tests/benchmarks/synthsweep.py tune OUT_DIR    # the tuning sets
    python main.py verdict OUT_DIR/SET --case COPY_OF_CASE --json OUT.json   # one fresh case copy per run
    PYTHONPATH=. python tests/benchmarks/synthsweep.py table OUT.json...     # per voice and way: labels, deciders

One folder per engine, voice and way (`native`, `8k`); `table` counts each folder's labels and, per file, the detector
nearest its share of alpha (synth_low.nearest), the one that decides a 'generated' label or comes closest to it; the
last column lists a synthesised set's files not labelled generated and a real set's not labelled real.
"""
import collections
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

from tests.benchmarks.synth_low import nearest, run
from tests.benchmarks.test_bench_cycle_traits import FSDD

DIGITS = "zero one two three four five six seven eight nine oh".split()
GERMAN = "null eins zwei drei vier fünf sechs sieben acht neun zehn".split()
WORDS2 = "twenty hundred eleven twelve thirty fifty thousand Anna Peter Maria London".split()
FRENCH = "vingt cent onze douze trente cinquante mille Anne Pierre Marie Londres".split()
DEFAULT = None  # the engine's default voice: no voice option given
UNTOUCHED = {"espeak": {DEFAULT: DIGITS, "en-us": DIGITS, "mb-us2": DIGITS},
             "flite": {DEFAULT: DIGITS, "slt": DIGITS, "awb": DIGITS},
             "festival": {DEFAULT: DIGITS, "cmu_us_slt_arctic_hts": DIGITS, "don_diphone": DIGITS},
             "pico": {"en-US": DIGITS, "en-GB": DIGITS, "de-DE": GERMAN}}
TUNING = {"espeak": {DEFAULT: WORDS2, "mb-us1": WORDS2},
          "flite": {DEFAULT: WORDS2, "rms": WORDS2, "kal16": WORDS2},
          "festival": {DEFAULT: WORDS2, "rab_diphone": WORDS2, "ked_diphone": WORDS2,
                       "cmu_us_slt_arctic_hts": WORDS2},  # added after the untouched sets' first judging (the study)
          "pico": {"en-US": WORDS2, "fr-FR": FRENCH}}
REAL_TAKES = range(47, 50)
SPEAKERS = ("george", "jackson", "lucas", "nicolas")


def say(engine, voice, word, path):
    """`word` by `engine`'s `voice` (None: its default) at the engine's defaults into the WAV `path`."""
    if engine == "espeak":
        run("espeak-ng", *(["-v", voice] if voice else []), "-w", path, word)
    elif engine == "flite":
        run("flite", *(["-voice", voice] if voice else []), "-t", word, "-o", path)
    elif engine == "festival":
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as text:
            text.write(word + "\n")
        run("text2wave", *(["-eval", f"(voice_{voice})"] if voice else []), text.name, "-o", path)
        os.remove(text.name)
    else:
        run("pico2wave", "-l", voice, "-w", path, word)


def make(plan, out):
    for engine, voices in plan.items():
        for voice, words in voices.items():
            name = f"{engine}-{voice or 'default'}"
            native, narrow = (os.path.join(out, f"{name}-{way}") for way in ("native", "8k"))
            os.makedirs(native, exist_ok=True)
            os.makedirs(narrow, exist_ok=True)
            for k, word in enumerate(words):
                path = os.path.join(native, f"{k:02d}_{word}.wav")
                say(engine, voice, word, path)
                run("sox", path, "-r", "8000", "-b", "16", os.path.join(narrow, os.path.basename(path)))


def build(out):
    make(UNTOUCHED, out)
    real = os.path.join(out, "fsdd-47-49")
    os.makedirs(real, exist_ok=True)
    for speaker in SPEAKERS:
        for path in glob.glob(os.path.join(FSDD, f"*_{speaker}_*.wav")):
            if int(os.path.basename(path).split("_")[-1][:-4]) in REAL_TAKES:
                shutil.copy(path, real)


def real(name):
    return name.startswith(("fsdd", "sc-"))


def table(*paths):
    by_set = collections.defaultdict(list)
    for path in paths:
        with open(path) as f:
            for entry in json.load(f)["files"]:
                by_set[os.path.basename(os.path.dirname(entry["path"]))].append(entry)
    print("| set | n | generated | inconclusive | deciding detector (files) | not generated |")
    print("|---|---|---|---|---|---|")
    for name, entries in sorted(by_set.items()):
        labels = collections.Counter(e["label"] for e in entries)
        deciders = collections.Counter(nearest(e, 1)[0].split()[0] for e in entries if e["label"] == "generated")
        misses = [f"{os.path.basename(e['path'])[:-4]} {e['label'][:4]} ({nearest(e, 1)[0]})" for e in
                  sorted(entries, key=lambda e: e["path"]) if e["label"] != ("real" if real(name) else "generated")]
        print(f"| {name} | {len(entries)} | {labels['generated']} | {labels['inconclusive']} | "
              + ", ".join(f"{d} {n}" for d, n in deciders.most_common()) + " | "
              + "; ".join(misses) + " |")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] in ("build", "tune"):
        build(sys.argv[2]) if sys.argv[1] == "build" else make(TUNING, sys.argv[2])
    elif len(sys.argv) >= 3 and sys.argv[1] == "table":
        table(*sys.argv[2:])
    else:
        sys.exit(__doc__)
