"""Real and synthetic speech through the channels the fourteenth pass left unmeasured (docs/studies.md, "Decoded,
fast-gated and padded speech"): lossy codecs and ADPCM decoded and re-saved as 16-bit PCM WAV (the header says
PCM_16, nothing in the samples names the codec), a gate releasing within 5 ms and a suppressor that mutes
its quiet frames to exact zeros, and zeros padded to a length that is no whole number of 50 ms at 16, 22.05 and
44.1 kHz. Judged with the engine's verdict (one batch per call: real and generated files of one channel share
its calibrations); printed: the label counts per source, the deciding detector of each "generated", the channel
the verdict assumed, and noise-floor's depth per source.

    python tests/benchmarks/test_bench_decoded_speech.py judge CASE OUT CHANNEL FILE.wav [FILE.wav ...]
    python tests/benchmarks/test_bench_decoded_speech.py depths OUT.json CHANNEL[,CHANNEL] FILE.wav [FILE.wav ...]
    python -m pytest tests/benchmarks/test_bench_decoded_speech.py -s -o addopts=""

CHANNEL: `pcm16` (written as it is), `mp3-Q_pcm` (libsndfile's MP3 writer, libmp3lame, at constant bitrate
`compression_level` Q: 0 its highest,
0.99 its lowest; `mp3_pcm` its default variable bitrate), `vorbis_pcm`, `opus_pcm`, `ms_adpcm_pcm`,
`ima_adpcm_pcm` (each decoded by libsndfile and written again as PCM_16 at 8 kHz); `mp3-Q_pcm@16000` (encoded
and saved at 16 kHz: the channel then carries a resampler too); `zeromute-DB` (power spectral subtraction whose
32 ms frames more than DB below the loudest frame are written as exact zeros, no release: a VAD that mutes);
and test_bench_suppressed_speech.py's edits (`fastgate-30`, `up16k+pad0.37`, ...).

Sets, written down before measuring (FSDD `/work/shared/data/fsdd`, reference case T: george, jackson, lucas
takes 0-19). Tuning: george, jackson, lucas takes 20-29 with digit = take mod 10 (30 files); espeak-ng `en`,
`en+f3`, `en-us+m3` and MBROLA `mb-us1`, the ten digit words at 8 kHz (40). Statistic only (noise-floor depth,
channels of gaps 3 and 4), tuning: lucas and george takes 20-29, every digit (200). Untouched, run once after
any rule is fixed: nicolas takes 30-49 with digit = take mod 10 (20), jackson and lucas takes 40-49 with digit =
(take + 3) mod 10 (20); espeak-ng `en+klatt2`, Pico `en-US`, flite (10 each); statistic only: jackson and lucas
takes 30-39, every digit (200).
"""
import collections
import io
import json
import os
import sys

import numpy as np
import soundfile
from scipy import signal

from tests.audio_formats_written import wav_bytes
from tests.benchmarks.test_bench_audio_formats import source
from tests.benchmarks.test_bench_channels import deciding_detector, read_8k
from tests.benchmarks.test_bench_suppressed_speech import edited

RATE = 8000
# name: (soundfile subtype, container, write options) of the codec whose output is decoded and written as PCM_16
CODECS = {"vorbis": ("VORBIS", "OGG", {}), "opus": ("OPUS", "OGG", {}), "ms_adpcm": ("MS_ADPCM", "WAV", {}),
          "ima_adpcm": ("IMA_ADPCM", "WAV", {}), "mp3": ("MPEG_LAYER_III", "MP3", {})}
MUTE_FRAME = 256  # 32 ms at 8 kHz


def codec(name):
    """(subtype, container, options) of `name`: CODECS, or `mp3-Q` at constant bitrate compression_level Q."""
    if name.startswith("mp3-"):
        return "MPEG_LAYER_III", "MP3", {"compression_level": float(name[4:]), "bitrate_mode": "CONSTANT"}
    return CODECS[name]


def decoded(data):
    audio = soundfile.read(io.BytesIO(data), dtype="float64")[0]
    return audio.mean(axis=1) if audio.ndim > 1 else audio


def zero_mute(audio, floor_db):
    """Power spectral subtraction (3 times the quietest tenth's noise), then each 32 ms frame whose power lies more
    than `floor_db` (negative) below the loudest frame's written as exact zeros, at once (no release)."""
    cleaned = edited(audio, "suppress-inf")
    frames = np.arange(0, cleaned.size, MUTE_FRAME)
    power = np.array([np.mean(cleaned[s:s + MUTE_FRAME] ** 2) for s in frames])
    out = cleaned.copy()
    for start, p in zip(frames, power):
        if p < power.max() * 10 ** (floor_db / 10):
            out[start:start + MUTE_FRAME] = 0.0
    return out


def through(audio, channel):
    """(bytes, rate) of a 16-bit PCM WAV of `audio` (at RATE) after `channel` (the module docstring)."""
    name, _, rate = channel.partition("@")
    rate = int(rate or RATE)
    if rate != RATE:
        audio = signal.resample_poly(audio, rate // np.gcd(rate, RATE), RATE // np.gcd(rate, RATE))
    if name.endswith("_pcm"):
        subtype, container, options = codec(name.removesuffix("_pcm"))
        audio = decoded(wav_bytes(audio, subtype, container, rate=rate, **options))
    elif name.startswith("zeromute"):
        audio = zero_mute(audio, float(name[len("zeromute"):]))
    elif name != "pcm16":
        audio = edited(audio, name)
        rate = next((r for step, r in (("up16k", 16000), ("up22k", 22050), ("up44k", 44100)) if step in name), rate)
    return wav_bytes(audio, rate=rate), rate


def depths(channels, sources):
    """{channel: {source: [noise-floor depth of each file]}}, the written file read at the speech rate as the
    engine's loader reads it (its padding found at its own rate)."""
    from engine.data.representations import to_speech_rate
    from engine.detectors.noise_floor import floor_depth

    out = {}
    for channel in channels:
        found = collections.defaultdict(list)
        for path in sources:
            audio, rate = soundfile.read(io.BytesIO(through(read_8k(path), channel)[0]), dtype="float32")
            found[source(path)].append(round(floor_depth(to_speech_rate(audio, rate))[0], 1))
        out[channel] = dict(found)
    return out


def judge(case, out, channel, sources):
    """Summary dict of the verdicts on `sources` written through `channel` into `out`."""
    from engine.verdict import judge as verdicts

    folder = os.path.join(out, channel)
    os.makedirs(folder, exist_ok=True)
    paths = []
    for path in sources:
        paths.append(os.path.join(folder, f"{source(path)}-{os.path.splitext(os.path.basename(path))[0]}.wav"))
        with open(paths[-1], "wb") as f:
            f.write(through(read_8k(path), channel)[0])
    files = verdicts(case, paths)["files"]
    labels, decisive = collections.defaultdict(collections.Counter), collections.defaultdict(collections.Counter)
    for f in files:
        group = os.path.basename(f["path"]).split("-")[0]
        labels[group][f["label"]] += 1
        if f["label"] == "generated":
            decisive[group][deciding_detector(f)] += 1
    with open(os.path.join(folder, "verdicts.jsonl"), "w") as log:
        for f in files:
            log.write(json.dumps({"file": os.path.basename(f["path"]), "label": f["label"],
                                  "decided_by": deciding_detector(f) if f["label"] == "generated" else None,
                                  "assumed": f["channel"].get("assumed"),
                                  "noise_floor": next((r for r in f["reasons"] if r.startswith("noise-floor")), "")})
                      + "\n")
    return {"set": channel, "n": len(files), "labels": {k: dict(v) for k, v in labels.items()},
            "generated_by": {k: dict(v) for k, v in decisive.items()},
            "assumed": sorted({str(f["channel"].get("assumed"))[:160] for f in files})[:4]}


def test_decoded_channels_are_pcm16_and_zeromute_writes_zeros():
    from engine.data.builtins import corpus_files

    audio = read_8k(corpus_files("fsdd")[0])
    for channel in ("mp3-0.5_pcm", "vorbis_pcm", "opus_pcm", "ms_adpcm_pcm", "ima_adpcm_pcm"):
        data, rate = through(audio, channel)
        info = soundfile.info(io.BytesIO(data))
        assert (info.subtype, rate) == ("PCM_16", RATE), channel
        assert not np.array_equal(decoded(data), decoded(wav_bytes(audio))), channel  # the codec changed the samples
    muted = decoded(through(read_8k(corpus_files("fsdd")[300]), "zeromute-50")[0])  # lucas: a quiet room
    assert np.mean(muted == 0) > 0.05 and np.abs(muted).max() > 0.1


if __name__ == "__main__":
    if sys.argv[1] == "depths":
        with open(sys.argv[2], "w") as f:
            json.dump(depths(sys.argv[3].split(","), sys.argv[4:]), f)
    else:
        print(json.dumps(judge(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:])))
