"""SVOX Pico resampled to 8 kHz, as a checker matching FSDD's rate writes it: the untouched sets of the forty-fifth
pass (named in tests/benchmarks/data/pico_8k_untouched.md before any was built; docs/studies.md, "SVOX Pico resampled
to 8 kHz: a low-pass lowers the model's reading", forty-fifth pass).

    PYTHONPATH=. python tests/benchmarks/pico_8k.py build OUT_DIR              # OUT_DIR/SET/{librosa8k,poly8k}/*.wav
    PYTHONPATH=. python tests/benchmarks/pico_8k.py resample OUT_DIR FILE...   # any files through the two resamplers
    python main.py verdict OUT_DIR/*/*/*.wav --case CASE --json OUT.json
"""
import math
import os
import subprocess
import sys
import tempfile

from tests.benchmarks import pico_floor
from tests.benchmarks.synth_flite import SC_PER_WORD as G_PER_WORD, named_clips, word_files
from tests.benchmarks.synth_low import SC_GIT, SC_WORDS, excluded_speakers, git_show, run

PICO_TEXTS = {
    "de-DE": ["Montag", "Apfel", "Hammer", "Küche", "Wolke", "grün", "Wir essen heute Fisch.",
              "Das Fenster ist offen."],
    "es-ES": ["lunes", "manzana", "martillo", "cocina", "nube", "verde", "Hoy comemos pescado.",
              "La ventana está abierta."],
    "fr-FR": ["lundi", "pomme", "marteau", "cuisine", "nuage", "vert", "Nous mangeons du poisson.",
              "La fenêtre est ouverte."],
    "it-IT": ["lunedì", "mela", "martello", "cucina", "nuvola", "verde", "Oggi mangiamo pesce.",
              "La finestra è aperta."],
    "en-US": ["Monday", "apple", "hammer", "kitchen", "cloud", "pencil", "We eat fish today.", "The window is open."],
    "en-GB": ["Tuesday", "orange", "ladder", "garage", "rain", "button", "Dinner is almost ready.",
              "The door is locked."],
}
SC_PER_WORD = 4
RESAMPLERS = ("librosa8k", "poly8k")


def resampled(path, out):
    """`path` (at a rate above 8 kHz) written to out/librosa8k and out/poly8k under its name as .wav: librosa.load at
    sr=8000 then soundfile PCM_16, and scipy.signal.resample_poly then rounded to int16. False for a file at 8 kHz or
    less (nothing to resample)."""
    import librosa
    import numpy as np
    import soundfile
    from scipy.signal import resample_poly

    samples, rate = soundfile.read(path, always_2d=True)
    if rate <= 8000:
        return False
    name = os.path.splitext(os.path.basename(path))[0] + ".wav"
    for sub in RESAMPLERS:
        os.makedirs(os.path.join(out, sub), exist_ok=True)
    soundfile.write(os.path.join(out, "librosa8k", name), librosa.load(path, sr=8000)[0], 8000, subtype="PCM_16")
    common = math.gcd(8000, rate)
    poly = resample_poly(samples.mean(axis=1), 8000 // common, rate // common)
    soundfile.write(os.path.join(out, "poly8k", name),
                    np.clip(np.round(poly * 32767), -32768, 32767).astype(np.int16), 8000)
    return True


def speech_commands_after_g(out):
    """Per word, the first SC_PER_WORD clips after the last place sc-16k-g drew (synth_flite.speech_commands_after_f:
    G_PER_WORD after sc-16k-f's last place), under the same exclusions, leaving out clips a benchmark data file
    names."""
    excluded, named = excluded_speakers(), named_clips()
    for word in SC_WORDS:
        paths = word_files(word)
        speaker = [os.path.basename(p).split("_")[0] for p in paths]
        f_drawn = [k for k in range(pico_floor.SC_FIRST, len(paths)) if speaker[k] not in excluded]
        f_last = f_drawn[pico_floor.SC_PER_WORD - 1]
        g_drawn = [k for k in range(f_last + 1, len(paths)) if speaker[k] not in excluded
                   and f"{word}/{os.path.basename(paths[k])}" not in named][:G_PER_WORD]
        kept = [k for k in range(g_drawn[-1] + 1, len(paths)) if speaker[k] not in excluded
                and f"{word}/{os.path.basename(paths[k])}" not in named][:SC_PER_WORD]
        for k in kept:
            git_show(SC_GIT, paths[k], f"{out}/{word}_{os.path.basename(paths[k])}")


def build(out):
    with tempfile.TemporaryDirectory() as tmp:
        for lang, texts in PICO_TEXTS.items():
            for k, text in enumerate(texts):
                path = f"{tmp}/{lang}_{k}.wav"
                run("pico2wave", "-l", lang, "-w", path, text)
                resampled(path, os.path.join(out, "pico8k-u"))
    with tempfile.TemporaryDirectory() as tmp:
        speech_commands_after_g(tmp)
        for name in sorted(os.listdir(tmp)):
            resampled(os.path.join(tmp, name), os.path.join(out, "sc-16k-h8k"))


if __name__ == "__main__":
    if sys.argv[1] == "build":
        build(sys.argv[2])
    elif sys.argv[1] == "resample":
        for source in sys.argv[3:]:
            resampled(source, sys.argv[2])
