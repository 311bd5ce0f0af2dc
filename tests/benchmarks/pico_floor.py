"""SVOX Pico's near-silence against its own sample grid: the untouched sets of the forty-third pass (named in
tests/benchmarks/data/pico_untouched.md before any was built), and the real takes edited to screen a reading of it
(docs/studies.md, "SVOX Pico's floor against its own grid, and its band limit", forty-third pass).

    python tests/benchmarks/pico_floor.py build OUT_DIR            # pico-langs-c and sc-16k-f, one folder each
    python main.py verdict OUT_DIR/*/*.wav --case CASE --json OUT.json
    python tests/benchmarks/synth_low.py summary OUT.json         # per set: labels, and each miss's nearest detectors
    python tests/benchmarks/pico_floor.py edits OUT_DIR 'GLOB'    # real takes edited as the study's screens: see EDITS
    python tests/benchmarks/pico_floor.py floors 'GLOB' ...        # per set: files on a coarse grid, and those holding
                                                                   # a stretch of 20 ms or more within one grid step

Speech Commands is read from a bare mirror of github.com/thegtagamer/PICO-tinyML-benchmark (synth_low.SC_GIT).
Run from the repository root with PYTHONPATH=. (it imports tests.benchmarks).
"""
import glob
import os
import sys

import numpy as np
import soundfile

from tests.benchmarks.synth_low import run, speech_commands_clips

PICO_TEXTS = {
    "en-US": "red blue green yellow horse mouse sheep fish",
    "en-GB": "black white purple orange rabbit chicken monkey snake",
    "de-DE": "rot blau grün gelb Pferd Maus Schaf Fisch",
    "es-ES": "rojo azul verde amarillo caballo ratón oveja pez",
    "fr-FR": "rouge bleu vert jaune cheval souris mouton poisson",
    "it-IT": "rosso blu verde giallo cavallo topo pecora pesce",
}
SC_FIRST, SC_PER_WORD = 372, 5
COARSE_STEPS = 3  # a file whose nonzero values below 2048 lie this many 16-bit steps apart or more: a coarse signal
STRETCH_MS = 20  # scaled up, and a stretch this long within one of its steps of 0: near-silence below its own grid

# Real takes through an editor's steps, each saved at 16 bits before the next (FFmpeg): a gain alone, a noise suppressor
# or a gate and then a gain (the grid of a coarse signal scaled up, and below it the suppressor's or the gate's
# near-silence), and a band limit after a suppressor or a gate, or alone (SoX), which synthetic-voice reads as a channel.
EDITS = {
    "vol4": [["-af", "volume=4:precision=double"]],
    "supp-x4": [["-af", "afftdn=nr=30:nf=-60"], ["-af", "volume=4:precision=double"]],
    "gate-x5.5": [["-af", "agate=range=0:threshold=0.05:release=20"], ["-af", "volume=5.5:precision=double"]],
    "supp-lp3400": [["-af", "afftdn=nr=40:nf=-70,lowpass=f=3400:poles=2,lowpass=f=3400:poles=2"]],
    "supp-tel": [["-af", "afftdn=nr=40:nf=-70,highpass=f=300,lowpass=f=3400"]],
    "gate-lp3000": [["-af", "agate=range=0:threshold=0.03:release=20,lowpass=f=3000:poles=2,lowpass=f=3000:poles=2"]],
    "sinc3400": "sox",
}


def edit(sources, out):
    for name, steps in EDITS.items():
        os.makedirs(os.path.join(out, name), exist_ok=True)
        for source in sources:
            target = os.path.join(out, name, os.path.basename(source))
            if steps == "sox":
                run("sox", source, target, "sinc", "-3400")
                continue
            current = source
            for k, step in enumerate(steps):
                written = target if k == len(steps) - 1 else f"{target}.{k}.wav"
                run("ffmpeg", "-loglevel", "error", "-y", "-i", current, *step, "-c:a", "pcm_s16le", written)
                if current != source:
                    os.remove(current)
                current = written


def grid_step(x):
    """The median gap between the distinct magnitudes of a file's nonzero 16-bit values below 2048 (1 for a
    recording written at full resolution; about 4 and 5.5-6 for Pico's voices)."""
    values = np.unique(np.abs(x[(x != 0) & (np.abs(x) < 2048)]))
    return float(np.median(np.diff(values))) if values.size >= 3 else 1.0


def longest_below_grid(x, step, rate):
    """ms: the longest stretch from a first to a last nonzero sample with every sample within one grid step of 0."""
    inside = np.abs(x) <= step * 1.01
    edges = np.diff(np.concatenate([[0], inside.astype(np.int8), [0]]))
    longest = 0
    for start, stop in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)):
        nonzero = np.flatnonzero(x[start:stop])
        if nonzero.size:
            longest = max(longest, int(nonzero[-1] - nonzero[0] + 1))
    return 1000.0 * longest / rate


def floors(patterns):
    for pattern in patterns:
        n = coarse = below = 0
        for path in sorted(glob.glob(pattern)):
            try:
                x, rate = soundfile.read(path, dtype="int16", always_2d=True)
            except (RuntimeError, soundfile.LibsndfileError):
                continue
            x = x[:, 0].astype(np.int64)
            step = grid_step(x)
            n += 1
            coarse += step >= COARSE_STEPS
            below += step >= COARSE_STEPS and longest_below_grid(x, step, rate) >= STRETCH_MS
        print(f"{pattern}: {n} files, {coarse} on a coarse grid, {below} with {STRETCH_MS} ms or more below it")


def build(out):
    pico, real = os.path.join(out, "pico-langs-c"), os.path.join(out, "sc-16k-f")
    os.makedirs(pico, exist_ok=True)
    os.makedirs(real, exist_ok=True)
    for lang, texts in PICO_TEXTS.items():
        for k, text in enumerate(texts.split()):
            run("pico2wave", "-l", lang, "-w", f"{pico}/{lang}_{k}.wav", text)
    speech_commands_clips(SC_FIRST, SC_PER_WORD, real)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "build":
        build(sys.argv[2])
    elif len(sys.argv) >= 4 and sys.argv[1] == "edits":
        edit(sorted(p for pattern in sys.argv[3:] for p in glob.glob(pattern)), sys.argv[2])
    elif len(sys.argv) >= 3 and sys.argv[1] == "floors":
        floors(sys.argv[2:])
    else:
        sys.exit(__doc__)
