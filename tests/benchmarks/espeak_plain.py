"""espeak-ng run the plainest ways a checker would run it against a `builtin:fsdd` case (docs/studies.md, "espeak-ng
as a checker plainly runs it", thirty-fifth pass): common voices, rates 120-260, digits, number words and short
sentences, written as espeak-ng writes them (22.05 kHz, 16-bit) or passed through soundfile and librosa.

    python tests/benchmarks/espeak_plain.py build SET OUT_DIR      # SET: tuning or untouched
    python tests/benchmarks/espeak_plain.py list SET               # the specifications, one a line
    python tests/benchmarks/espeak_plain.py summary VERDICTS.json  # labels by channel and by voice
    python tests/benchmarks/espeak_plain.py null GLOB ...          # the residue trait on real recordings

Channels (what a checker's script does with espeak-ng's WAV): `native` (kept as written; also pyttsx3's output,
which drives the same library and saves 22.05 kHz 16-bit), `pcm16` and `float` (soundfile.read, then
soundfile.write as PCM_16 or FLOAT at 22.05 kHz), `lr8k`, `lr16k` (librosa.load(sr=8000 / 16000), librosa's default
soxr resampler, then soundfile.write's default PCM_16) and `lr8kf` (librosa.load(sr=8000) written as FLOAT).

The untouched set was named here, in the branch's first commit, before any file of either set was measured: other
languages' voices saying the digits in their language (de, fr, es, it, nl), English at other speeds, pitches,
amplitudes (-a) and word gaps (-g) saying other texts, through the same channels (a checker's channels are the
ones it has; what varies is the speech).
"""
import collections
import itertools
import json
import os
import subprocess
import sys
import tempfile

import librosa
import numpy as np
import soundfile

CHANNELS = ("native", "pcm16", "float", "lr8k", "lr16k", "lr8kf")

DIGITS = "zero one two three four five six seven eight nine".split()
NUMBER_WORDS = ("ten", "twelve", "twenty", "forty five", "ninety nine", "one hundred", "thirty three", "eleven")
SENTENCES = (
    "Open the door.",
    "The number is seven.",
    "Please call me back.",
    "Turn left at the light.",
    "It was a good day.",
)
TUNING_VOICES = ("en", "en-us", "en-gb", "en+m3", "en+f2")
TUNING_RATES = (120, 150, 175, 200, 230, 260)

UNTOUCHED_LANGUAGES = ("de", "fr", "es", "it", "nl")
UNTOUCHED_TEXTS = ("7", "42", "3 5 8", "one thousand", "oh",
                   "Where is the station?", "I like green apples.", "Send the report today.")
# (voice, speed, pitch, amplitude, word gap): English beside the tuning's, louder and quieter, gapped.
UNTOUCHED_ENGLISH = (
    ("en-us", 140, 50, 100, 0), ("en", 190, 50, 150, 0), ("en-gb", 250, 50, 100, 10), ("en+m3", 110, 25, 100, 0),
    ("en+f2", 175, 75, 60, 0), ("en-us", 210, 35, 200, 5), ("en", 175, 50, 40, 20), ("en-us+m1", 160, 50, 100, 0),
    ("en+f4", 220, 60, 100, 0), ("en-gb", 145, 50, 120, 15),
)
UNTOUCHED_LANGUAGE_STYLES = ((175, 50, 100, 0), (140, 40, 150, 0), (240, 60, 100, 10), (190, 50, 60, 0))


def tuning_specs():
    """(name, voice, speed, pitch, amplitude, gap, text, channel): each tuning voice through each channel five times,
    at rotated rates, saying a digit, another digit, a number word, a sentence and a digit; and the ten digits as
    pyttsx3 says them (default voice, rate 200) as written."""
    texts = itertools.cycle(DIGITS)
    words, sentences = itertools.cycle(NUMBER_WORDS), itertools.cycle(SENTENCES)
    rates = itertools.cycle(TUNING_RATES)
    specs = []
    for voice, channel in itertools.product(TUNING_VOICES, CHANNELS):
        for text in (next(texts), next(texts), next(words), next(sentences), next(texts)):
            specs.append((voice, next(rates), 50, 100, 0, text, channel))
    specs += [("en", 200, 50, 100, 0, digit, "native") for digit in DIGITS]
    return named(specs)


def untouched_specs():
    """Each language's ten digits as numerals (espeak-ng reads them in its language), in rotated styles and
    channels; each English style through every channel, the untouched texts rotated over them."""
    specs = []
    k = itertools.count()
    for language in UNTOUCHED_LANGUAGES:
        for digit in range(10):
            i = next(k)
            speed, pitch, amplitude, gap = UNTOUCHED_LANGUAGE_STYLES[i % 4]
            specs.append((language, speed, pitch, amplitude, gap, str(digit), CHANNELS[i % 6]))
    for j, (style, channel) in enumerate(itertools.product(UNTOUCHED_ENGLISH, CHANNELS)):
        specs.append((*style, UNTOUCHED_TEXTS[j % 8], channel))
    return named(specs)


def named(specs):
    return [(spec_name(s), *s) for s in specs]


def spec_name(spec):
    voice, speed, pitch, amplitude, gap, text, channel = spec
    words = "_".join(text.lower().strip(".?").split()[:3])
    return f"{voice.replace('+', '_')}_s{speed}_p{pitch}_a{amplitude}_g{gap}_{words}_{channel}.wav"


def synthesise(voice, speed, pitch, amplitude, gap, text, path):
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-p", str(pitch), "-a", str(amplitude),
                    "-g", str(gap), "-w", path, text], check=True, capture_output=True)


def convey(source, channel, out):
    """Write espeak-ng's WAV `source` to `out` as a checker's script would."""
    if channel == "native":
        subprocess.run(["cp", source, out], check=True)
        return
    if channel in ("pcm16", "float"):
        audio, rate = soundfile.read(source, dtype="float64")
        soundfile.write(out, audio, rate, subtype={"pcm16": "PCM_16", "float": "FLOAT"}[channel])
        return
    rate = {"lr8k": 8000, "lr16k": 16000, "lr8kf": 8000}[channel]
    audio, _ = librosa.load(source, sr=rate)
    if channel == "lr8kf":
        soundfile.write(out, audio, rate, subtype="FLOAT")
    else:
        soundfile.write(out, audio, rate)


def build(specs, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, *spec in specs:
            source = os.path.join(tmp, "source.wav")
            synthesise(*spec[:6], source)
            convey(source, spec[6], os.path.join(out_dir, name))


def summary(path):
    """{key: Counter of labels} of a `verdict --json` file over this module's sets, by channel and by voice."""
    out = collections.defaultdict(collections.Counter)
    for f in json.load(open(path))["files"]:
        name = os.path.basename(f["path"])
        for key in ("all", f"channel {name.rsplit('_', 1)[1][:-4]}", f"voice {name.split('_s')[0]}"):
            out[key][f["label"]] += 1
    return out


def real_null(paths):
    """Counts over real recordings (read at the speech rate as the engine reads them) of the ends a float
    resampler's residue enters (engine/data/padding.py `residue_into`) and of the floors read beyond 70 dB: as
    recorded and padded unevenly at 8 kHz (0.1 and 0.15 s of zeros), each also through the padded-silence
    benchmark's suppressors and gates written by soundfile (whose conversion to 16 bits truncates)."""
    from engine.data import padding
    from engine.data.formats.audio import read_recording
    from engine.data.representations import to_speech_rate
    from engine.detectors.noise_floor import floor_depth
    from tests.benchmarks.test_bench_padded_silence import as_written, edited

    counts = collections.Counter()
    for path in paths:
        mono, rate, _ = read_recording(path, open(path, "rb").read(), {})
        audio = to_speech_rate(mono, rate).astype(np.float64)
        for edit in ("as-is", "suppress-30", "suppress-inf", "denoise-inf", "gate-40"):
            version = audio if edit == "as-is" else as_written(edited(audio, edit))
            for padded in (False, True):
                x = np.concatenate([np.zeros(800), version, np.zeros(1200)]) if padded else version
                key = f"{edit}{', padded unevenly' if padded else ''}"
                loud = padding.loud_power(padding.frame_powers(x))
                ends = [padding.residue_into(y, padding.constant_lead(y), padding.SPEECH_RATE, loud) for y in (x, x[::-1])]
                counts[f"residue enters a run, {key}"] += any(ends)
                counts[f"beyond 70 dB, {key}"] += floor_depth(x)[0] > padding.PLAUSIBLE_DB
    counts["recordings"] = len(paths)
    return counts


SETS = {"tuning": tuning_specs, "untouched": untouched_specs}

if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from espeak_variants import command_line

    command_line(SETS, build, summary, real_null, sys.argv)
