"""flite and festival below 95 % in a profile-only `builtin:fsdd` case: the untouched sets of the forty-fourth pass
(named in tests/benchmarks/data/synth_flite_untouched.md before any was built; docs/studies.md, "flite and festival
below the goal", forty-fourth pass).

    PYTHONPATH=. python tests/benchmarks/synth_flite.py build OUT_DIR           # one folder per set
    python main.py verdict OUT_DIR/*/*.wav --case CASE --json OUT.json
    python tests/benchmarks/synth_low.py summary OUT.json          # per set: labels, and each miss's nearest detectors

Speech Commands is read from a bare mirror of github.com/thegtagamer/PICO-tinyML-benchmark (synth_low.SC_GIT).
"""
import glob
import os
import re
import subprocess
import sys
import tempfile

from tests.benchmarks import pico_floor
from tests.benchmarks.synth_low import SC_DIR, SC_GIT, SC_WORDS, excluded_speakers, git_show, run

FLITE_VOICES = ("awb", "kal", "kal16", "rms", "slt")
FESTIVAL_VOICES = ("don_diphone", "ked_diphone", "us1_mbrola", "kal_diphone", "rab_diphone", "cmu_us_slt_arctic_hts")
STRETCHES = (0.85, 1.05, 1.15, 1.35)  # the tuning digits used 0.9, 1.0, 1.1, 1.25
TEENS = "eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty".split()
PHRASES = ["red", "green", "blue", "yellow", "purple", "good morning", "thank you", "see you later", "open the door",
           "it is raining"]
SC_PER_WORD = 6


def stretch(text_place, voice_place):
    return STRETCHES[(text_place + voice_place) % len(STRETCHES)]


def flite(texts, out):
    for v, voice in enumerate(FLITE_VOICES):
        for t, text in enumerate(texts):
            s = stretch(t, v)
            run("flite", "-voice", voice, "--setf", f"duration_stretch={s}", "-t", text,
                "-o", f"{out}/{voice}_{t:02d}_{text.replace(' ', '-')}_{s}.wav")


def festival(texts, out):
    with tempfile.TemporaryDirectory() as tmp:
        for v, voice in enumerate(FESTIVAL_VOICES):
            for t, text in enumerate(texts):
                s = stretch(t, v)
                with open(f"{tmp}/text.txt", "w") as f:
                    f.write(text + "\n")
                run("text2wave", "-eval", f"(voice_{voice})", "-eval", f"(Parameter.set 'Duration_Stretch {s})",
                    f"{tmp}/text.txt", "-o", f"{out}/{voice}_{t:02d}_{text.replace(' ', '-')}_{s}.wav")


def named_clips():
    """Every Speech Commands clip (WORD/SPEAKER_nohash_K.wav, or WORD_ so) a file under tests/benchmarks/data/ names,
    as "WORD/SPEAKER_nohash_K.wav"."""
    found = set()
    for path in glob.glob(os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "*")):
        with open(path, errors="replace") as f:
            found |= {f"{w}/{n}" for w, n in re.findall(r"([a-z]+)[/_]([0-9a-f]{8}_nohash_\d+\.wav)", f.read())}
    return found


def word_files(word):
    listed = subprocess.run(["git", "-C", SC_GIT, "ls-tree", "--name-only", "HEAD", f"{SC_DIR}/{word}/"],
                            check=True, capture_output=True, text=True).stdout.split()
    return sorted(listed)


def speech_commands_after_f(out):
    """Per word, the first SC_PER_WORD clips after the last place sc-16k-f drew (pico_floor.SC_FIRST, SC_PER_WORD
    under synth_low's exclusions) under the same exclusions, leaving out clips a benchmark data file names."""
    excluded, named = excluded_speakers(), named_clips()
    counts = {}
    for word in SC_WORDS:
        paths = word_files(word)
        speaker = [os.path.basename(p).split("_")[0] for p in paths]
        drawn = [k for k in range(pico_floor.SC_FIRST, len(paths)) if speaker[k] not in excluded]
        last = drawn[pico_floor.SC_PER_WORD - 1]
        kept = [k for k in range(last + 1, len(paths)) if speaker[k] not in excluded
                and f"{word}/{os.path.basename(paths[k])}" not in named][:SC_PER_WORD]
        for k in kept:
            git_show(SC_GIT, paths[k], f"{out}/{word}_{os.path.basename(paths[k])}")
        counts[word] = (last + 1, len(kept))
    return counts


def build(out):
    sets = {"flite-teens-u": lambda d: flite(TEENS, d), "flite-phrases-u": lambda d: flite(PHRASES, d),
            "fest-teens-u": lambda d: festival(TEENS, d), "fest-phrases-u": lambda d: festival(PHRASES, d),
            "sc-16k-g": speech_commands_after_f}
    for name, make in sets.items():
        os.makedirs(os.path.join(out, name), exist_ok=True)
        made = make(os.path.join(out, name))
        print(name, len(os.listdir(os.path.join(out, name))), made or "")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "build":
        build(sys.argv[2])
    else:
        sys.exit(__doc__)
