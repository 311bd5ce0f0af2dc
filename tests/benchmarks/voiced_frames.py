"""synthetic-voice read over a word's voiced frames: the untouched sets of the forty-sixth pass (named in
tests/benchmarks/data/voiced_frames_untouched.md before any was built; docs/studies.md, "Short words read over their
voiced frames", forty-sixth pass).

    PYTHONPATH=. python tests/benchmarks/voiced_frames.py build OUT_DIR        # one folder per set
    python main.py verdict OUT_DIR/*/*.wav --case CASE --json OUT.json
    python tests/benchmarks/synth_low.py summary OUT.json          # per set: labels, and each miss's nearest detectors

Speech Commands is read from a bare mirror of github.com/thegtagamer/PICO-tinyML-benchmark (synth_low.SC_GIT).
"""
import os
import subprocess
import sys
import tempfile

from tests.benchmarks import pico_floor
from tests.benchmarks.pico_8k import SC_PER_WORD as H_PER_WORD
from tests.benchmarks.synth_flite import SC_PER_WORD as G_PER_WORD, named_clips, word_files
from tests.benchmarks.synth_low import DIGITS, SC_GIT, SC_WORDS, excluded_speakers, git_show, run

ESPEAK = ("en+klatt2", "en+klatt3", "mb-us1", "mb-us2")
ESPEAK_STYLES = ((140, 40), (180, 62), (210, 38), (120, 58))  # (words per minute, pitch)
FESTIVAL = ("ked_diphone", "don_diphone", "us1_mbrola", "kal_diphone")
FLITE = ("awb", "rms", "kal16", "slt")
STRETCHES = (0.8, 0.95, 1.2, 1.3)
PICO_TEXTS = {
    "en-US": "ten eleven twelve sixteen seventeen sixty seventy hundred",
    "en-GB": "ten eleven twelve sixteen seventeen sixty seventy hundred",
    "de-DE": "zehn elf zwölf sechzehn siebzehn sechzig siebzig hundert",
    "fr-FR": "dix onze douze seize dix-sept soixante soixante-dix cent",
    "es-ES": "diez once doce dieciséis diecisiete sesenta setenta cien",
    "it-IT": "dieci undici dodici sedici diciassette sessanta settanta cento",
}
SC_PER_WORD = 6


def espeak(out, voices=ESPEAK, words=DIGITS, styles=ESPEAK_STYLES):
    """Each of `voices` saying `words`, the (speed, pitch) rotated by the word's place plus the voice's."""
    for v, voice in enumerate(voices):
        for d, word in enumerate(words):
            speed, pitch = styles[(d + v) % len(styles)]
            run("espeak-ng", "-v", voice, "-s", str(speed), "-p", str(pitch),
                "-w", f"{out}/{voice}_{d}_{speed}_{pitch}.wav", word)


def festival(out):
    with tempfile.TemporaryDirectory() as tmp:
        for v, voice in enumerate(FESTIVAL):
            for d, word in enumerate(DIGITS):
                s = STRETCHES[(d + v) % len(STRETCHES)]
                with open(f"{tmp}/text.txt", "w") as f:
                    f.write(word + "\n")
                run("text2wave", "-eval", f"(voice_{voice})", "-eval", f"(Parameter.set 'Duration_Stretch {s})",
                    f"{tmp}/text.txt", "-o", f"{out}/{voice}_{d}_{s}.wav")


def flite(out):
    for v, voice in enumerate(FLITE):
        for d, word in enumerate(DIGITS):
            s = STRETCHES[(d + v) % len(STRETCHES)]
            run("flite", "-voice", voice, "--setf", f"duration_stretch={s}", "-t", word,
                "-o", f"{out}/{voice}_{d}_{s}.wav")


def pico(out):
    for lang, texts in PICO_TEXTS.items():
        for k, text in enumerate(texts.split()):
            run("pico2wave", "-l", lang, "-w", f"{out}/{lang}_{k}.wav", text)


def speech_commands_after_h(out):
    """Per word, the first SC_PER_WORD clips after the last place sc-16k-h8k's sources were drawn from
    (pico_8k.speech_commands_after_g: H_PER_WORD after sc-16k-g's G_PER_WORD, after sc-16k-f's), under the same
    exclusions, leaving out clips a benchmark data file names."""
    excluded, named = excluded_speakers(), named_clips()
    for word in SC_WORDS:
        paths = word_files(word)
        speaker = [os.path.basename(p).split("_")[0] for p in paths]

        def after(place, n, unnamed=True):
            return [k for k in range(place + 1, len(paths)) if speaker[k] not in excluded
                    and not (unnamed and f"{word}/{os.path.basename(paths[k])}" in named)][:n]

        f_last = after(pico_floor.SC_FIRST - 1, pico_floor.SC_PER_WORD, unnamed=False)[-1]
        g_last = after(f_last, G_PER_WORD)[-1]
        h_last = after(g_last, H_PER_WORD)[-1]
        for k in after(h_last, SC_PER_WORD):
            git_show(SC_GIT, paths[k], f"{out}/{word}_{os.path.basename(paths[k])}")


def build(out):
    sets = {"voiced-esp-u": espeak, "voiced-fest-u": festival, "voiced-flite-u": flite, "voiced-pico-u": pico,
            "sc-16k-i": speech_commands_after_h}
    for name, make in sets.items():
        os.makedirs(os.path.join(out, name), exist_ok=True)
        make(os.path.join(out, name))
        print(name, len(os.listdir(os.path.join(out, name))))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "build":
        build(sys.argv[2])
    else:
        sys.exit(__doc__)
