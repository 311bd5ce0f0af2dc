"""The rule-based synthesisers' short words: the untouched sets of the forty-seventh pass (named in
tests/benchmarks/data/synthvoice_untouched.md before any was built; docs/studies.md, "The rule-based synthesisers'
short words", forty-seventh pass).

    PYTHONPATH=. python tests/benchmarks/synthvoice_sets.py build OUT_DIR        # one folder per set
    python main.py verdict OUT_DIR/*/*.* --case CASE --json OUT.json
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
from tests.benchmarks.voiced_frames import SC_PER_WORD as I_PER_WORD

SHORT = ("mix", "wish", "sick", "chips", "kick")
WORDS = tuple(DIGITS) + SHORT
ESPEAK = (("en-us+m6", ()), ("en+m8", ()), ("mb-us1", ("-s", "150", "-p", "45")), ("mb-us2", ("-s", "200", "-p", "55")))
FLITE = ("kal", "slt", "awb", "rms")
FESTIVAL = ("kal_diphone", "rab_diphone", "us1_mbrola", "cmu_us_slt_arctic_hts")
STRETCHES = (0.88, 1.12)
PICO_TEXTS = {
    "en-US": "first second third fourth fifth sixth seventh eighth",
    "en-GB": "first second third fourth fifth sixth seventh eighth",
    "de-DE": "erste zweite dritte vierte fünfte sechste siebte achte",
    "fr-FR": "premier deuxième troisième quatrième cinquième sixième septième huitième",
    "es-ES": "primero segundo tercero cuarto quinto sexto séptimo octavo",
    "it-IT": "primo secondo terzo quarto quinto sesto settimo ottavo",
}
SC_PER_WORD = 6


def espeak(out):
    for voice, style in ESPEAK:
        for k, word in enumerate(WORDS):
            run("espeak-ng", "-v", voice, *style, "-w", f"{out}/{voice}_{k}_{word}.wav", word)


def pico(out):
    for lang, texts in PICO_TEXTS.items():
        words = texts.split() + (list(SHORT) if lang.startswith("en") else [])
        for k, word in enumerate(words):
            run("pico2wave", "-l", lang, "-w", f"{out}/{lang}_{k}_{word}.wav", word)


def flite(out, voices=FLITE, words=WORDS, stretches=STRETCHES):
    """Each of `voices` saying `words`, the stretch rotated by the word's place plus the voice's."""
    for v, voice in enumerate(voices):
        for k, word in enumerate(words):
            s = stretches[(k + v) % len(stretches)]
            run("flite", "-voice", voice, "--setf", f"duration_stretch={s}", "-t", word,
                "-o", f"{out}/{voice}_{k}_{word}_{s}.wav")


def festival(out, voices=FESTIVAL, words=WORDS, stretches=STRETCHES):
    """Each of `voices` saying `words`, the stretch rotated by the word's place plus the voice's."""
    with tempfile.TemporaryDirectory() as tmp:
        for v, voice in enumerate(voices):
            for k, word in enumerate(words):
                s = stretches[(k + v) % len(stretches)]
                with open(f"{tmp}/text.txt", "w") as f:
                    f.write(word + "\n")
                run("text2wave", "-eval", f"(voice_{voice})", "-eval", f"(Parameter.set 'Duration_Stretch {s})",
                    f"{tmp}/text.txt", "-o", f"{out}/{voice}_{k}_{word}_{s}.wav")


def speech_commands_after_i(j_out, k_out):
    """Per word, the first SC_PER_WORD clips after the last place sc-16k-i drew (voiced_frames.speech_commands_after_h)
    into `j_out`, and the next SC_PER_WORD into `k_out`, under the same exclusions, leaving out clips a benchmark data
    file names (this pass's own file names none)."""
    excluded, named = excluded_speakers(), named_clips()
    for word in SC_WORDS:
        paths = word_files(word)
        speaker = [os.path.basename(p).split("_")[0] for p in paths]

        def after(place, n, unnamed=True):
            return [k for k in range(place + 1, len(paths)) if speaker[k] not in excluded
                    and not (unnamed and f"{word}/{os.path.basename(paths[k])}" in named)][:n]

        last = after(pico_floor.SC_FIRST - 1, pico_floor.SC_PER_WORD, unnamed=False)[-1]
        for per_word in (G_PER_WORD, H_PER_WORD, I_PER_WORD):
            last = after(last, per_word)[-1]
        j_drawn = after(last, SC_PER_WORD)
        for out, drawn in ((j_out, j_drawn), (k_out, after(j_drawn[-1], SC_PER_WORD))):
            for k in drawn:
                git_show(SC_GIT, paths[k], f"{out}/{word}_{os.path.basename(paths[k])}")


def channels(sources, mulaw_out, mp3_out):
    """Each real clip through G.711 mu-law at 8 kHz and as MP3 at 32 kbit/s (FFmpeg)."""
    for folder in sources:
        for name in sorted(os.listdir(folder)):
            stem, source = os.path.splitext(name)[0], os.path.join(folder, name)
            run("ffmpeg", "-nostdin", "-loglevel", "error", "-i", source, "-ar", "8000", "-c:a", "pcm_mulaw",
                f"{mulaw_out}/{stem}.wav")
            run("ffmpeg", "-nostdin", "-loglevel", "error", "-i", source, "-c:a", "libmp3lame", "-b:a", "32k",
                f"{mp3_out}/{stem}.mp3")


def build(out):
    def folder(name):
        os.makedirs(os.path.join(out, name), exist_ok=True)
        return os.path.join(out, name)

    for name, make in {"sv-esp-u": espeak, "sv-pico-u": pico, "sv-flite-u": flite, "sv-fest-u": festival}.items():
        make(folder(name))
    speech_commands_after_i(folder("sc-16k-j"), folder("sc-16k-k"))
    channels([folder("sc-16k-j"), folder("sc-16k-k")], folder("sc-jk-mulaw"), folder("sc-jk-mp3"))
    for name in sorted(os.listdir(out)):
        print(name, len(os.listdir(os.path.join(out, name))))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "build":
        build(sys.argv[2])
    else:
        sys.exit(__doc__)
