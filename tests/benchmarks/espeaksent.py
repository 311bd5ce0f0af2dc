"""Rule-based synthesisers written as their command lines write them by default, and real digit takes through a
few channels (issue #14, fifty-eighth pass; sets named in tests/benchmarks/data/espeaksent_untouched.md).

    python tests/benchmarks/espeaksent.py build SET OUT_DIR      # SET: tuning, untouched or untouched2 (generated)
    python tests/benchmarks/espeaksent.py real SET OUT_DIR       # SET: tuning or untouched (real, five channels)
    python tests/benchmarks/espeaksent.py summary VERDICTS.json  # labels per engine / channel, deciders, misses
"""
import collections
import json
import os
import subprocess
import sys

import numpy as np
import soundfile

TEXTS = {
    "tuning": {
        "long": ("The gardener planted six rows of tulips beside the old stone wall.",
                 "Nobody expected the committee to approve the budget without a single question.",
                 "After lunch we rode our bikes to the old bridge."),
        "medium": ("Bring two towels to the pool.", "The printer is out of paper again.",
                   "She painted the fence bright yellow."),
        "short": ("Wait here.", "Good morning, Sam."),
        "word": ("walrus", "trumpet", "carpet", "muffin"),
    },
    "untouched": {
        "long": ("The museum will close early on Thursday because of the storm warning.",
                 "My grandmother kept every letter she ever received in a wooden box.",
                 "The pilot announced that we would land twenty minutes ahead of schedule."),
        "medium": ("Put the milk back in the fridge.", "The children played football all afternoon.",
                   "Our neighbours have a noisy parrot."),
        "short": ("Not today.", "See you soon, Anna."),
        "word": ("lantern", "thimble", "lobster", "cactus"),
    },
}
ESPEAK_SETTINGS = {
    "tuning": ((), ("-v", "en-us"), ("-v", "en-gb"), ("-v", "en", "-s", "140"), ("-v", "en-us", "-s", "240"),
               ("-v", "en+m3")),
    "untouched": ((), ("-v", "en-us"), ("-v", "en-gb"), ("-v", "en-gb-x-rp"), ("-v", "en", "-s", "120"),
                  ("-v", "en-us+f1", "-s", "200")),
}
PICO_TEXTS = {
    "tuning": {
        "de-DE": ("Der Zug fährt um acht Uhr ab.", "Können Sie mir bitte helfen?", "Fenster", "Apfel"),
        "fr-FR": ("Le chat dort sur le canapé.", "Nous partons demain matin.", "fenêtre", "pomme"),
        "es-ES": ("El perro corre por el parque.", "¿Dónde está la estación?", "ventana", "manzana"),
        "it-IT": ("Il treno parte alle otto.", "Vorrei un caffè, per favore.", "finestra", "mela"),
    },
    "untouched": {
        "de-DE": ("Das Wetter ist heute schön.", "Wo ist die nächste Apotheke?", "Schlüssel", "Kerze"),
        "fr-FR": ("Il pleut depuis ce matin.", "Où se trouve la gare?", "bougie", "lapin"),
        "es-ES": ("Mañana vamos a la playa.", "Me gusta leer por la noche.", "llave", "vela"),
        "it-IT": ("Domani andiamo al mare.", "Dove si trova la farmacia?", "chiave", "candela"),
    },
}
# The second untouched set (the sets file's addendum): six sentences, every setting saying all of them.
U2_TEXTS = ("Every morning the baker opens his shop before the sun comes up.",
            "The old lighthouse keeper wrote a diary about the ships he saw.",
            "We should paint the kitchen walls before the guests arrive next week.",
            "Please leave your umbrella by the door.", "The library has a new section for maps.",
            "His brother repaired the bicycle in an hour.")
U2_ESPEAK = ((), ("-v", "en-us"), ("-v", "en-gb-scotland"), ("-v", "en-029"), ("-v", "en", "-s", "200"),
             ("-v", "en-us", "-s", "150"))
U2_PICO = {
    "en-US": (U2_TEXTS[0], U2_TEXTS[3]), "en-GB": (U2_TEXTS[1], U2_TEXTS[4]),
    "de-DE": ("Am Wochenende besuchen wir unsere Großeltern.", "Der Kaffee ist noch sehr heiß."),
    "fr-FR": ("Le marché ouvre tous les samedis matin.", "Mon voisin joue du piano le soir."),
    "es-ES": ("Mi hermana trabaja en un hospital grande.", "El museo abre a las diez."),
    "it-IT": ("La biblioteca chiude alle sei di sera.", "Mio fratello suona la chitarra."),
}
FSDD = "/work/.mirror/Jakobovski+free-spoken-digit-dataset/repo"
REAL_TAKES = {"tuning": (40, 31), "untouched": (47, 34)}  # (take of the reference speakers, of theo / yweweler)
REFERENCE_SPEAKERS = ("george", "jackson", "lucas", "nicolas")
OTHER_SPEAKERS = ("theo", "yweweler")
CHANNELS = ("raw", "ulaw8k", "mp3_32k", "white30", "gain01")


def ordered(texts):
    """The twelve texts as one list: three long, three medium, two short, four words."""
    return list(texts["long"] + texts["medium"] + texts["short"] + texts["word"])


def espeak_texts(texts, i):
    """Setting i's six texts: a long one, two medium, a short one and two words, rotated over the settings."""
    return (texts["long"][i % 3], texts["medium"][i % 3], texts["medium"][(i + 1) % 3], texts["short"][i % 2],
            texts["word"][i % 4], texts["word"][(i + 2) % 4])


def specs_u2():
    """(file name, command line) for the second untouched set."""
    out = [(f"esp_{i}_{j}", ["espeak-ng", *setting, "-w", "{out}", text])
           for i, setting in enumerate(U2_ESPEAK) for j, text in enumerate(U2_TEXTS)]
    out += [(f"mbr_{voice}_{j}", ["espeak-ng", "-v", voice, "-w", "{out}", text])
            for voice in ("mb-us1", "mb-us2") for j, text in enumerate(U2_TEXTS)]
    out += [(f"pico_{lang}_{j}", ["pico2wave", "-l", lang, "-w", "{out}", text])
            for lang, texts in U2_PICO.items() for j, text in enumerate(texts)]
    return out


def specs(which):
    """(file name, command line) for every generated file of the set."""
    if which == "untouched2":
        return specs_u2()
    texts = TEXTS[which]
    out = []
    for i, setting in enumerate(ESPEAK_SETTINGS[which]):
        for j, text in enumerate(espeak_texts(texts, i)):
            out.append((f"esp_{i}_{j}", ["espeak-ng", *setting, "-w", "{out}", text]))
    english = ordered(texts)
    pico = {"en-US": (english[0], english[3], english[8], english[9]),
            "en-GB": (english[1], english[6], english[10], english[11]), **PICO_TEXTS[which]}
    for lang, lang_texts in pico.items():
        for j, text in enumerate(lang_texts):
            out.append((f"pico_{lang}_{j}", ["pico2wave", "-l", lang, "-w", "{out}", text]))
    for voice, chosen in (("mb-us1", english[:8]), ("mb-us2", english[4:])):
        for j, text in enumerate(chosen):
            out.append((f"mbr_{voice}_{j}", ["espeak-ng", "-v", voice, "-w", "{out}", text]))
    return out


def build(which, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "specs.tsv"), "w") as listing:
        for name, command in specs(which):
            path = os.path.join(out_dir, name + ".wav")
            subprocess.run([part.replace("{out}", path) for part in command], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            listing.write(name + "\t" + " ".join(command) + "\n")


def real_sources(which):
    take, other_take = REAL_TAKES[which]
    names = [f"{d}_{s}_{take}.wav" for s in REFERENCE_SPEAKERS for d in range(10)]
    names += [f"{d}_{s}_{other_take}.wav" for s in OTHER_SPEAKERS for d in range(10)]
    return names


def channel(name, src, dst_dir, rng):
    """Write src through one channel into dst_dir; returns the written path."""
    stem = os.path.splitext(os.path.basename(src))[0]
    if name == "ulaw8k":
        out = os.path.join(dst_dir, stem + ".wav")
        subprocess.run(["sox", src, "-r", "8000", "-e", "mu-law", out], check=True)
    elif name == "mp3_32k":
        out = os.path.join(dst_dir, stem + ".mp3")
        subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-i", src, "-b:a", "32k", out], check=True)
    else:
        out = os.path.join(dst_dir, stem + ".wav")
        x, rate = soundfile.read(src, dtype="float64")
        if name == "white30":
            x = x + rng.standard_normal(len(x)) * np.sqrt(np.mean(x ** 2) / 10 ** 3.0)
        elif name == "gain01":
            x = x * 0.1
        soundfile.write(out, np.clip(x, -1, 1), rate, subtype="PCM_16")
    return out


def real(which, out_dir):
    rng = np.random.default_rng(62)
    raw_dir = os.path.join(out_dir, "raw")
    os.makedirs(raw_dir, exist_ok=True)
    for name in real_sources(which):
        blob = subprocess.run(["git", "-C", FSDD, "show", f"HEAD:recordings/{name}"], check=True,
                              capture_output=True).stdout
        with open(os.path.join(raw_dir, name), "wb") as f:
            f.write(blob)
    for chan in CHANNELS[1:]:
        os.makedirs(os.path.join(out_dir, chan), exist_ok=True)
        for name in real_sources(which):
            channel(chan, os.path.join(raw_dir, name), os.path.join(out_dir, chan), rng)


def group(name):
    """esp / pico_LANG / mbr_VOICE, or a real file's speaker group."""
    parts = name.split("_")
    if parts[0] == "esp":
        return "esp"
    if parts[0] in ("pico", "mbr"):
        return parts[0] + "_" + parts[1]
    return "other" if parts[1] in OTHER_SPEAKERS else "reference"


def closest(result):
    """(detector, tail probability / weight) of the detector nearest to deciding, among those not standing aside."""
    live = {name: d["tail_probability"] / d["weight"] for name, d in result["detectors"].items() if d["weight"] > 0}
    name = min(live, key=live.get) if live else "-"
    return name, live.get(name, float("nan"))


def summary(path):
    with open(path) as f:
        data = json.load(f)
    counts = collections.defaultdict(collections.Counter)
    deciders = collections.Counter()
    for result in data["files"]:
        name = os.path.splitext(os.path.basename(result["path"]))[0]
        label = result["label"]
        counts[group(name)][label] += 1
        detector, p = closest(result)
        if label == "generated":
            deciders[detector] += 1
        if label != "generated" or group(name) in ("reference", "other"):
            print(f"{label:12s} {name:22s} closest {detector} p/w={p:.3g} combined p={result['tail_probability']:.3g}")
    for key in sorted(counts):
        print(key, dict(counts[key]))
    print("decided by", dict(deciders))


if __name__ == "__main__":
    command, argument = sys.argv[1], sys.argv[2]
    if command == "build":
        build(argument, sys.argv[3])
    elif command == "real":
        real(argument, sys.argv[3])
    elif command == "summary":
        summary(argument)
    else:
        sys.exit(__doc__)
