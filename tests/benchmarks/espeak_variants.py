"""espeak-ng across its voice variants, speeds, pitches and MBROLA voices, as a checker would run it against a
`builtin:fsdd` case (docs/studies.md, "espeak-ng's variants", thirtieth pass).

    python tests/benchmarks/espeak_variants.py build SET OUT_DIR      # SET: tuning or untouched
    python tests/benchmarks/espeak_variants.py list SET               # the specifications, one a line
    python tests/benchmarks/espeak_variants.py summary VERDICTS.json  # labels by resampler and by voice group
    python tests/benchmarks/espeak_variants.py null FSDD_GLOB ...     # the ringing and dither traits on real takes

Each file is espeak-ng's WAV (22.05 kHz; MBROLA voices 16 kHz) written as is (`native`) or resampled to 8 kHz
(`sox`: SoX's default `rate` with its default dither; `ffmpeg`: `-ar 8000`, swresample; the untouched set's
`soxr`: FFmpeg's `aresample=resampler=soxr`; `poly`: SciPy's `resample_poly`, written as 16-bit PCM).

The untouched set was named here, in the branch's first commit, before any file of either set was measured:
other variants, other base voices, other texts, other speeds and pitches, other resamplers (124 files). Real
recordings: tuning, the four reference speakers' takes 10-39 (builtin:fsdd uses takes 0-9) and theo and yweweler
(they trained `synthetic-voice`); untouched, the four reference speakers' takes 40-49 (400 files), run once with
the final code.
"""
import collections
import glob
import itertools
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import soundfile
from scipy import signal

# espeak-ng's 101 variants (`espeak-ng --voices=variant`, version 1.51) split once by a seeded shuffle (seed 14),
# the breathy ones (a `breath` line in the variant file) kept on both sides.
TUNING_VARIANTS = (
    "adam Alicia Andrea Andy anikaRobot aunty benjamin caleb croak david Denis Diogo edward f1 f3 f4 f5 Gene grandpa "
    "gustave iven iven2 Jacky john klatt klatt2 klatt3 klatt6 Lee linda m1 m2 m6 m7 m8 michel Mr paul pedro quincy "
    "RicishayMax3 rob robert robosoft2 robosoft3 robosoft4 robosoft5 robosoft6 robosoft7 steph steph3 Storm travis "
    "Tweaky UniRobot whisper").split()
UNTOUCHED_VARIANTS = (
    "Alex anika Annie announcer antonio AnxiousAndy belinda boris Demonic ed edward2 f2 fast Gene2 grandma Henrique "
    "Hugo iven3 iven4 kaukovalta klatt4 klatt5 m3 m4 m5 marcelo Marco Mario max Michael miguel Mike Nguyen norbert "
    "pablo RicishayMax RicishayMax2 robosoft robosoft8 sandro shelby steph2 victor whisperf zac").split()
BREATHY = {"Alicia", "Demonic", "Storm", "caleb", "f2", "f3", "f5", "sandro", "victor", "whisper", "whisperf"}

DIGITS = "zero one two three four five six seven eight nine".split()
TUNING_SENTENCES = (
    "The birch canoe slid on the smooth planks.",
    "Glue the sheet to the dark blue background.",
    "It is easy to tell the depth of a well.",
    "These days a chicken leg is a rare dish.",
    "Rice is often served in round bowls.",
)
UNTOUCHED_TEXTS = (
    "forty two", "seven three one", "eighteen", "one hundred", "nine oh five",
    "The juice of lemons makes fine punch.",
    "The box was thrown beside the parked truck.",
    "Four hours of steady work faced us.",
)

TUNING = {
    "bases": ("en", "en-us"),
    "speeds": (80, 130, 175, 220, 260),
    "pitches": (0, 30, 50, 70, 99),
    "resamplers": ("native", "sox", "ffmpeg"),
}
UNTOUCHED = {
    "bases": ("en-gb-x-rp", "en-gb-scotland", "en-029"),
    "speeds": (100, 150, 200, 240),
    "pitches": (15, 40, 60, 85),
    "resamplers": ("native", "soxr", "poly"),
}


def tuning_specs():
    """(name, voice, speed, pitch, text, resampler): four files per tuning variant (a digit as is and through SoX, a
    sentence through FFmpeg, a digit at a rotated speed and pitch through a rotated resampler); the breathy `en+f3`
    over every tuning speed and pitch (the voice lost before); MBROLA us1 and us2 over speeds x pitches."""
    specs = []
    rot = itertools.count()
    for i, variant in enumerate(TUNING_VARIANTS):
        base = TUNING["bases"][i % 2]
        voice = f"{base}+{variant}"
        k = next(rot)
        specs += [
            (voice, 175, 50, DIGITS[k % 10], "native"),
            (voice, 175, 50, DIGITS[(k + 3) % 10], "sox"),
            (voice, 175, 50, TUNING_SENTENCES[k % 5], "ffmpeg"),
            (voice, TUNING["speeds"][k % 5], TUNING["pitches"][(k * 2) % 5], DIGITS[(k + 6) % 10],
             TUNING["resamplers"][k % 3]),
        ]
    for j, (speed, pitch) in enumerate(itertools.product(TUNING["speeds"], TUNING["pitches"])):
        specs.append(("en+f3", speed, pitch, (DIGITS + list(TUNING_SENTENCES))[j % 15], TUNING["resamplers"][j % 3]))
    for j, (voice, speed, pitch) in enumerate(itertools.product(("mb-us1", "mb-us2"), TUNING["speeds"],
                                                                (0, 50, 70, 99))):
        specs.append((voice, speed, pitch, (DIGITS + list(TUNING_SENTENCES))[(j * 7) % 15],
                      TUNING["resamplers"][j % 3]))
    return [(spec_name(s), *s) for s in specs]


def untouched_specs():
    """Two files per untouched variant (a text at the default speed and pitch, one at a rotated speed and pitch),
    the breathy untouched variants twice more; MBROLA us1 and us2 at untouched speeds and pitches."""
    specs = []
    k = 0
    for i, variant in enumerate(UNTOUCHED_VARIANTS):
        voice = f"{UNTOUCHED['bases'][i % 3]}+{variant}"
        repeats = 4 if variant in BREATHY else 2
        for r in range(repeats):
            speed, pitch = (175, 50) if r == 0 else (UNTOUCHED["speeds"][k % 4], UNTOUCHED["pitches"][(k * 3) % 4])
            specs.append((voice, speed, pitch, UNTOUCHED_TEXTS[k % 8], UNTOUCHED["resamplers"][k % 3]))
            k += 1
    for voice, speed, pitch in itertools.product(("mb-us1", "mb-us2"), UNTOUCHED["speeds"], (15, 60, 85)):
        specs.append((voice, speed, pitch, UNTOUCHED_TEXTS[k % 8], UNTOUCHED["resamplers"][k % 3]))
        k += 1
    return [(spec_name(s), *s) for s in specs]


def spec_name(spec):
    voice, speed, pitch, text, resampler = spec
    words = "_".join(text.lower().strip(".").split()[:3])
    return f"{voice.replace('+', '_')}_s{speed}_p{pitch}_{words}_{resampler}.wav"


def synthesise(voice, speed, pitch, text, path):
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-p", str(pitch), "-w", path, text],
                   check=True, capture_output=True)


def resample(source, resampler, out):
    """Write `source` to `out` as a checker's resampler would at 8 kHz, or copy it as is."""
    if resampler == "native":
        subprocess.run(["cp", source, out], check=True)
    elif resampler == "sox":
        subprocess.run(["sox", source, "-r", "8000", out], check=True, capture_output=True)
    elif resampler == "ffmpeg":
        subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-i", source, "-ar", "8000", out],
                       check=True)
    elif resampler == "soxr":
        subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-i", source, "-af",
                        "aresample=resampler=soxr", "-ar", "8000", out], check=True)
    elif resampler == "poly":
        audio, rate = soundfile.read(source, dtype="float64")
        g = np.gcd(8000, rate)
        soundfile.write(out, signal.resample_poly(audio, 8000 // g, rate // g), 8000, subtype="PCM_16")
    else:
        raise ValueError(f"unknown resampler {resampler!r}")


def build(specs, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, voice, speed, pitch, text, resampler in specs:
            source = os.path.join(tmp, "source.wav")
            synthesise(voice, speed, pitch, text, source)
            resample(source, resampler, os.path.join(out_dir, name))


def group(name):
    """A file's voice group: MBROLA, the breathy variants, or the rest."""
    if name.startswith("mb-"):
        return "mbrola"
    variant = name.split("_s")[0].split("_")[-1]
    return "breathy" if variant in BREATHY else "other variants"


def summary(path):
    """{(key, value): Counter of labels} of a `verdict --json` file over this module's sets."""
    files = json.load(open(path))["files"]
    out = collections.defaultdict(collections.Counter)
    for f in files:
        name = os.path.basename(f["path"])
        for key in ("all", f"resampler {name.rsplit('_', 1)[1][:-4]}", f"group {group(name)}"):
            out[key][f["label"]] += 1
    return out


def real_null(paths):
    """Counts over real 8 kHz takes of what the two traits read: takes padded unevenly at 8 kHz (0.1 and 0.15 s)
    whose padding a resampler's ringing enters (engine/data/padding.py `rings_into`), and takes as recorded,
    through the padded-silence benchmark's suppressors and gates, and those through SoX's dither, holding a
    dithered silence (engine/detectors/dithered_silence.py)."""
    from engine.data.padding import constant_lead, rings_into
    from engine.detectors.dithered_silence import dithered_runs
    from tests.benchmarks.test_bench_padded_silence import as_written, edited

    counts = collections.Counter()
    with tempfile.TemporaryDirectory() as tmp:
        for path in paths:
            audio, _ = soundfile.read(path, dtype="float64")
            padded = np.concatenate([np.zeros(800), audio, np.zeros(1200)])
            counts["rings, padded unevenly"] += any(rings_into(x, constant_lead(x)) for x in (padded, padded[::-1]))
            for edit in ("as-is", "suppress-30", "suppress-inf", "denoise-inf", "gate-40"):
                version = audio if edit == "as-is" else as_written(edited(audio, edit))
                counts[f"dithered silence, {edit}"] += bool(dithered_runs(version))
                source, dithered = os.path.join(tmp, "a.wav"), os.path.join(tmp, "b.wav")
                soundfile.write(source, version, 8000, subtype="PCM_16")
                subprocess.run(["sox", source, dithered, "vol", "0.9"], check=True)  # SoX dithers what it writes
                counts[f"dithered silence, {edit} then SoX"] += bool(dithered_runs(soundfile.read(dithered)[0]))
    counts["takes"] = len(paths)
    return counts


def command_line(sets, build, summary, real_null, argv):
    """The commands of this script and of espeak_plain.py: build SET OUT_DIR, list SET, summary VERDICTS.json,
    null GLOB ... (each module's docstring)."""
    command, which = argv[1], argv[2]
    if command == "build":
        build(sets[which](), argv[3])
    elif command == "list":
        for spec in sets[which]():
            print(*spec, sep="\t")
    elif command == "summary":
        for key, labels in sorted(summary(which).items()):
            print(key, dict(labels))
    elif command == "null":
        for key, count in sorted(real_null(sorted(p for pattern in argv[2:] for p in glob.glob(pattern))).items()):
            print(key, count)


SETS = {"tuning": tuning_specs, "untouched": untouched_specs}

if __name__ == "__main__":
    command_line(SETS, build, summary, real_null, sys.argv)
