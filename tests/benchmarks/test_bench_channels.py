"""Real and synthetic speech through gain control, compression, rooms, speakerphones, mu-law and
MP3 over noise, judged in a case (docs/verdicts.md, "Channels, fourth pass"): label counts per set
and channel, the decisive detector of each "generated", how many files the verdict read as noisy.

Tuning runs use fixed channel parameters; `--untouched` draws every parameter per file from other
ranges and seeds (tests/audio_channels.py's simulators either way).

    python tests/benchmarks/test_bench_channels.py CASE CHANNEL FILE.wav [FILE.wav ...] [--untouched]
    python -m pytest tests/benchmarks/test_bench_channels.py -s -o addopts=""
"""
import collections
import io
import json
import os
import sys
import tempfile

import numpy as np
import soundfile

from tests import audio_channels as ac

CHANNELS = ("clean", "agc_white20", "compress", "speakerphone", "reverb", "ulaw", "mp3_noise")


def _wav(audio, subtype="PCM_16", fmt="WAV"):
    buffer = io.BytesIO()
    soundfile.write(buffer, np.clip(audio, -1, 1), ac.RATE, subtype=subtype, format=fmt)
    return buffer.getvalue()


def through(audio, channel, k, untouched=False):
    """(bytes, extension) of recording number k at 8 kHz through `channel`."""
    rng = np.random.default_rng(10_000 * untouched + k)
    u = rng.uniform
    if channel == "clean":
        return _wav(audio), "wav"
    if channel == "agc_white20":
        noisy = ac.with_noise(audio, u(18, 22) if untouched else 20, rng)
        return _wav(ac.agc(noisy, *((u(2, 20), u(150, 800), u(12, 24)) if untouched else ()))), "wav"
    if channel == "compress":
        options = (u(-30, -15), u(3, 10), u(1, 10), u(50, 300), u(6, 15), u(0.3, 0.8)) if untouched else ()
        return _wav(ac.compressor(audio, *options)), "wav"
    if channel == "speakerphone":
        options = (u(250, 400), u(3200, 3500), u(600, 1400), u(2, 5), u(4, 10), u(0.5, 0.9)) if untouched else ()
        return _wav(ac.speakerphone(audio, *options)), "wav"
    if channel == "reverb":
        return _wav(ac.reverberant(audio, u(0.3, 0.8), rng)), "wav"
    if channel == "ulaw":
        return _wav(audio, "ULAW"), "wav"
    if channel == "mp3_noise":
        noisy = ac.with_noise(audio, u(20, 30), rng, "pink" if k % 2 else "white")
        return _wav(noisy, "MPEG_LAYER_III", "MP3"), "mp3"
    raise KeyError(channel)


def read_8k(path):
    import soxr

    audio, rate = soundfile.read(path, dtype="float64")
    audio = audio.mean(axis=1) if audio.ndim > 1 else audio
    return soxr.resample(audio, rate, ac.RATE) if rate != ac.RATE else audio


def run(case, channel, sources, untouched=False, folder=None):
    """Summary dict of the verdicts on `sources` written through `channel` into `folder`."""
    from engine.verdict import judge

    folder = folder or tempfile.mkdtemp(prefix=f"channel-{channel}-")
    paths = []
    for k, source in enumerate(sources):
        data, ext = through(read_8k(source), channel, k, untouched)
        paths.append(os.path.join(folder, f"{k:04d}_{os.path.splitext(os.path.basename(source))[0]}.{ext}"))
        with open(paths[-1], "wb") as out:
            out.write(data)
    files = judge(case, paths)["files"]
    decisive = collections.Counter()
    for f in files:
        if f["label"] == "generated":
            ratio = {n: v["tail_probability"] / v["weight"] if v["weight"] > 0 else np.inf
                     for n, v in f["detectors"].items()}
            decisive[min(ratio, key=ratio.get)] += 1
    return {"channel": channel, "n": len(files), "labels": dict(collections.Counter(f["label"] for f in files)),
            "generated_by": dict(decisive),
            "read_as_noise": sum("added noise (floor" in f["channel"]["assumed"] for f in files)}


def test_bench_channels_on_a_small_case(tmp_path):
    from engine import case_workflows
    from engine.data.builtins import corpus_files

    case_workflows.new_case(str(tmp_path / "case"), "builtin:fsdd[0:60]")
    held_out = corpus_files("fsdd")[300:304]
    for channel in ("reverb", "speakerphone", "compress"):
        (tmp_path / channel).mkdir()
        found = run(str(tmp_path / "case"), channel, held_out, folder=str(tmp_path / channel))
        print(json.dumps(found))
        assert found["n"] == 4


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--untouched"]
    print(json.dumps(run(args[0], args[1], args[2:], untouched="--untouched" in sys.argv)))
