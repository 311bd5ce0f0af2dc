"""Real speech recorded elsewhere and synthesisers at their own rates, judged by a speech case (docs/studies.md,
"Speech recorded elsewhere: long recordings judged at the reference's scale", thirteenth pass).

Sets, named before measuring: tuning = LJ Speech (/work/data/ljs, 22.05 kHz read sentences) whole and in
1-s chunks, FSDD nicolas takes 0-19, george/jackson/lucas takes 20-29 and nicolas takes 20-29 each ten
digits in a row, espeak-ng `en`, `en-us`, `en+f3` and flite `kal`, `slt` (digits and TUNING_SENTENCES);
untouched = nicolas takes 30-49 in a row, espeak-ng `en-gb`, `en+m5`, flite `awb`, festival `kal_diphone`
(digits and UNTOUCHED_SENTENCES).

    python tests/benchmarks/test_bench_recorded_elsewhere.py make OUT            # the sets under OUT
    python tests/benchmarks/test_bench_recorded_elsewhere.py judge CASE OUT SET...  # counts per set
    python -m pytest tests/benchmarks/test_bench_recorded_elsewhere.py -s -o addopts=""

`judge` copies CASE (verdict writes into it) and prints generated / inconclusive / real per set and the
decisive detectors of the files not labelled real.
"""
import collections
import glob
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import soundfile

FSDD = "/work/shared/data/fsdd"
LJS = "/work/data/ljs"
DIGITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
TUNING_SENTENCES = ["The quick brown fox jumps over the lazy dog.",
                    "Please call Stella and ask her to bring these things with her from the store.",
                    "She sells sea shells by the sea shore.",
                    "The weather tomorrow will be cloudy with a chance of rain in the afternoon.",
                    "I would like a cup of coffee and two slices of toast, please."]
UNTOUCHED_SENTENCES = ["A large size in stockings is hard to sell.", "The birch canoe slid on the smooth planks.",
                       "Glue the sheet to the dark blue background.", "It is easy to tell the depth of a well.",
                       "These days a chicken leg is a rare dish."]
IN_A_ROW = {"concat_tuning": (("george", "jackson", "lucas"), range(20, 30)),
            "concat_nicolas_tuning": (("nicolas",), range(20, 30)),
            "concat_untouched": (("nicolas",), range(30, 50))}
SPOKEN = {"espeak_en": ("espeak", "en", "tuning"), "espeak_en-us": ("espeak", "en-us", "tuning"),
          "espeak_en+f3": ("espeak", "en+f3", "tuning"), "flite_kal": ("flite", "kal", "tuning"),
          "flite_slt": ("flite", "slt", "tuning"), "U_espeak_en-gb": ("espeak", "en-gb", "untouched"),
          "U_espeak_en+m5": ("espeak", "en+m5", "untouched"), "U_flite_awb": ("flite", "awb", "untouched"),
          "U_festival_kal": ("festival", "kal_diphone", "untouched")}


def folder(out, name):
    path = os.path.join(out, name)
    os.makedirs(path, exist_ok=True)
    return path


def in_a_row(out, name, speakers, takes):
    """Per speaker and take, the ten digits' takes one after another, each with its own pauses."""
    for speaker in speakers:
        for take in takes:
            audio = [soundfile.read(f"{FSDD}/{digit}_{speaker}_{take}.wav")[0] for digit in range(10)]
            soundfile.write(os.path.join(folder(out, name), f"{speaker}_{take}.wav"), np.concatenate(audio), 8000,
                            subtype="PCM_16")


def ljs_chunks(out):
    """The first two 1-s chunks of each LJ Speech recording."""
    for path in sorted(glob.glob(os.path.join(LJS, "*.wav"))):
        audio, rate = soundfile.read(path)
        for k in range(min(2, audio.size // rate)):
            name = f"{os.path.basename(path)[:-4]}_{k}.wav"
            soundfile.write(os.path.join(folder(out, "ljs_chunks"), name), audio[k * rate:(k + 1) * rate], rate,
                            subtype="PCM_16")


def spoken(out, name, engine, voice, texts):
    """The texts as the engine writes them (its own rate)."""
    for k, text in enumerate(texts):
        path = os.path.join(folder(out, name), f"{k:02d}.wav")
        if engine == "espeak":
            command = ["espeak-ng", "-v", voice, "-w", path, text]
        elif engine == "flite":
            command = ["flite", "-voice", voice, "-t", text, "-o", path]
        else:
            command = ["text2wave", "-eval", f"(voice_{voice})", "-o", path]
        subprocess.run(command, input=text if engine == "festival" else None, text=True, check=True,
                       capture_output=True)


def make(out):
    ljs_chunks(out)
    for take in range(20):
        for digit in range(10):
            target = os.path.join(folder(out, "nicolas_0_19"), f"{digit}_nicolas_{take}.wav")
            if not os.path.exists(target):
                shutil.copy(f"{FSDD}/{digit}_nicolas_{take}.wav", target)
    for name, (speakers, takes) in IN_A_ROW.items():
        in_a_row(out, name, speakers, takes)
    for name, (engine, voice, split) in SPOKEN.items():
        spoken(out, name, engine, voice, DIGITS + (TUNING_SENTENCES if split == "tuning" else UNTOUCHED_SENTENCES))


def counts(verdicts):
    """(generated, inconclusive, real) and the decisive detectors of the files not labelled real."""
    labels = collections.Counter(v["label"] for v in verdicts)
    decisive = collections.Counter()
    for v in verdicts:
        if v["label"] != "real":
            d = v["detectors"]
            decisive[min((k for k in d if d[k]["weight"] > 0),
                         key=lambda k: d[k]["tail_probability"] / d[k]["weight"])] += 1
    return (labels["generated"], labels["inconclusive"], labels["real"]), dict(decisive)


def judge(case, out, names):
    from engine.verdict import judge as verdicts

    for name in names:
        paths = sorted(glob.glob(os.path.join(LJS if name == "ljs" else os.path.join(out, name), "*.wav")))
        with tempfile.TemporaryDirectory() as work:
            copy = os.path.join(work, "case")
            shutil.copytree(case, copy)
            (generated, inconclusive, real), decisive = counts(verdicts(copy, paths)["files"])
        print(f"{name}: generated {generated}, inconclusive {inconclusive}, real {real}; decisive {decisive}",
              flush=True)


def test_bench_recorded_elsewhere_counts_labels_and_decisive_detectors():
    verdicts = [{"label": "real", "detectors": {}},
                {"label": "generated", "detectors": {"a": {"tail_probability": 1e-4, "weight": 0.5},
                                                     "b": {"tail_probability": 1e-5, "weight": 0.0}}}]
    assert counts(verdicts) == ((1, 0, 1), {"a": 1})


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
    else:
        judge(sys.argv[2], sys.argv[3], sys.argv[4:])
