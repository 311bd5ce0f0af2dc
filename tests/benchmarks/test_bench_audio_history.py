"""Real and synthetic speech through a codec and then DECODED and re-saved as 16-bit PCM WAV, as evidence often
arrives (docs/studies.md, "Codec history read from the samples"): the container then says PCM_16 and only the
samples keep the codec's trace (engine/data/audio_history.py). Each channel is also written in its own
container (the codec the file's header names), for comparison. Judged with the CLI (`main.py verdict FILES
--case CASE --json OUT`), real and generated files of one channel in one call (one batch, so one channel
calibration); printed: the label counts per source, the channel the verdict assumed, the codec history read.

    python tests/benchmarks/test_bench_audio_history.py CASE OUT CHANNEL FILE.wav [FILE.wav ...]
    python tests/benchmarks/test_bench_audio_history.py espeak OUT VOICE [VOICE ...]   # digits zero..nine
    python -m pytest tests/benchmarks/test_bench_audio_history.py -s -o addopts=""

The table in docs/studies.md: a copy of case T per run; per channel one call with the tuning files (george,
jackson, lucas takes 20-29 with digit = take mod 10, then espeak-ng `en`, `en+f3`, `en-us+m3`) or the untouched
ones (nicolas takes 30-49 likewise, the first 16 LJ Speech files, espeak-ng `en+klatt2`); "before": the same
script run from a checkout of the commit before engine/data/audio_history.py.
"""
import collections
import io
import json
import os
import subprocess
import sys

import numpy as np
import soundfile

from tests.benchmarks.test_bench_audio_formats import source
from tests.benchmarks.test_bench_channels import _wav, deciding_detector, read_8k

RATE = 8000
MU = 255
# name: soundfile (subtype, container, extension) of the codec; "_pcm": the codec's output decoded and written
# again as 16-bit PCM WAV; "mulaw8_numpy": mu-law companding done in numpy (the continuous law, 8 bits).
CODECS = {"ulaw": ("ULAW", "WAV", "wav"), "alaw": ("ALAW", "WAV", "wav"), "gsm": ("GSM610", "WAV", "wav"),
          "mp3": ("MPEG_LAYER_III", "MP3", "mp3")}
CHANNELS = ["pcm16", "mulaw8_numpy", *CODECS, *(f"{name}_pcm" for name in CODECS)]
DIGITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def numpy_mulaw(audio, bits=8):
    """The continuous mu-law (mu 255) compressed, rounded to 2^(bits-1) - 1 steps a side, expanded again."""
    steps = 2 ** (bits - 1) - 1
    compressed = np.sign(audio) * np.log1p(MU * np.minimum(np.abs(audio), 1)) / np.log1p(MU)
    quantised = np.round(compressed * steps) / steps
    return np.sign(quantised) * np.expm1(np.abs(quantised) * np.log1p(MU)) / MU


def decoded(data):
    audio = soundfile.read(io.BytesIO(data), dtype="float64")[0]
    return audio.mean(axis=1) if audio.ndim > 1 else audio


def through(audio, channel):
    """(bytes, extension) of a recording at 8 kHz through `channel` (CHANNELS)."""
    if channel == "pcm16":
        return _wav(audio), "wav"
    if channel == "mulaw8_numpy":
        return _wav(numpy_mulaw(np.clip(audio, -1, 1))), "wav"
    name = channel.removesuffix("_pcm")
    subtype, container, ext = CODECS[name]
    data = _wav(audio, subtype, container)
    return (_wav(decoded(data)), "wav") if channel.endswith("_pcm") else (data, ext)


def espeak_digits(out, voices):
    """espeak-ng's digits zero..nine in each voice, at 8 kHz 16-bit PCM under out/espeak-VOICE/."""
    paths = []
    for voice in voices:
        folder = os.path.join(out, "espeak_" + voice.replace("+", "_").replace("-", "_"))  # no '-': it ends the source
        os.makedirs(folder, exist_ok=True)
        for k, word in enumerate(DIGITS):
            raw = os.path.join(folder, f"raw_{k}.wav")
            subprocess.run(["espeak-ng", "-v", voice, "-w", raw, word], check=True)
            paths.append(os.path.join(folder, f"{k}.wav"))
            soundfile.write(paths[-1], read_8k(raw), RATE, subtype="PCM_16")
            os.remove(raw)
    return paths


def run(case, out, channel, sources):
    """Summary dict of the CLI's verdicts on `sources` written through `channel` into `out`."""
    folder = os.path.join(out, channel)
    os.makedirs(folder, exist_ok=True)
    paths = []
    for path in sources:
        data, ext = through(read_8k(path), channel)
        paths.append(os.path.join(folder, f"{source(path)}-{os.path.splitext(os.path.basename(path))[0]}.{ext}"))
        with open(paths[-1], "wb") as f:
            f.write(data)
    result = os.path.join(folder, "verdicts.json")
    subprocess.run([sys.executable, "main.py", "verdict", *paths, "--case", case, "--json", result], check=True,
                   stdout=subprocess.DEVNULL)
    with open(result) as f:
        found = json.load(f)
    files = found["files"] if isinstance(found, dict) else found
    labels, decisive, read = (collections.defaultdict(collections.Counter) for _ in range(3))
    for f in files:
        group = os.path.basename(f["path"]).split("-")[0]  # as written above
        labels[group][f["label"]] += 1
        if f["label"] == "generated":
            decisive[group][deciding_detector(f)] += 1
        history = (f["channel"].get("codec_history") or {}).get("codec", "none")
        read[group][history] += 1
    return {"set": channel, "n": len(files), "labels": {k: dict(v) for k, v in labels.items()},
            "generated_by": {k: dict(v) for k, v in decisive.items()}, "history": {k: dict(v) for k, v in read.items()},
            "assumed": sorted({f["channel"]["assumed"][:160] for f in files})[:4]}


def test_each_channel_decodes_to_pcm16(tmp_path):
    from engine.data.builtins import corpus_files
    from engine.data.loaders import load_path

    audio = read_8k(corpus_files("fsdd")[0])
    for channel in CHANNELS:
        data, ext = through(audio, channel)
        (tmp_path / f"{channel}.{ext}").write_bytes(data)
        subtype = load_path(str(tmp_path / f"{channel}.{ext}")).meta["channel"]["subtype"]
        assert (subtype == "PCM_16") == (channel in ("pcm16", "mulaw8_numpy") or channel.endswith("_pcm")), channel


if __name__ == "__main__":
    if sys.argv[1] == "espeak":
        print("\n".join(espeak_digits(sys.argv[2], sys.argv[3:])))
    else:
        print(json.dumps(run(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:])))
