"""Real and synthetic speech through gain control, compression, rooms, speakerphones, mu-law and
MP3 over noise (docs/studies.md, "Channels, fourth pass"), and chains of them: a gain control or a
compressor with no noise, a gain control then mu-law, GSM 06.10 or MP3 at 8 kbit/s, a telephone band
then GSM, 8 -> 16 -> 8 kHz then MP3, Vorbis at its lowest quality, noise at 15 dB then GSM, a gain
of x0.1 or x2 (clipped) ("Channels, fifth pass"), judged in a case: label counts per set and
channel, the decisive detector of each "generated", how many files the verdict read as noisy.

Tuning runs use fixed channel parameters; `--untouched` draws every parameter per file from other
ranges and seeds (tests/audio_channels.py's simulators either way).

    python tests/benchmarks/test_bench_channels.py CASE CHANNEL FILE.wav [FILE.wav ...] [--untouched]
    python -m pytest tests/benchmarks/test_bench_channels.py -s -o addopts=""
"""
import collections
import json
import os
import sys
import tempfile

import numpy as np
import pytest
import soundfile
from scipy import signal

from tests import audio_channels as ac
from tests.audio_formats_written import wav_bytes as _wav

CHANNELS = ("clean", "agc_white20", "compress", "speakerphone", "reverb", "ulaw", "mp3_noise", "agc", "gsm",
            "agc_ulaw", "agc_gsm", "agc_mp3_8k", "tel_gsm", "resample_mp3", "ogg_low", "noise15_gsm", "mp3_8k",
            "gain0.1", "gain2")
LOWEST_MP3 = {"compression_level": 0.99, "bitrate_mode": "CONSTANT"}  # libsndfile's lowest: 8 kbit/s at 8 kHz


def _agc(audio, u, untouched):
    return ac.agc(audio, *((u(2, 20), u(150, 800), u(12, 24)) if untouched else ()))


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
    if channel == "agc":  # a gain control with no noise added: it lifts the recording's own pauses
        return _wav(_agc(audio, u, untouched)), "wav"
    if channel == "gsm":
        return _wav(audio, "GSM610"), "wav"
    if channel == "mp3_8k":
        return _wav(audio, "MPEG_LAYER_III", "MP3", **LOWEST_MP3), "mp3"
    if channel == "agc_ulaw":
        return _wav(_agc(audio, u, untouched), "ULAW"), "wav"
    if channel == "agc_gsm":
        return _wav(_agc(audio, u, untouched), "GSM610"), "wav"
    if channel == "agc_mp3_8k":
        return _wav(_agc(audio, u, untouched), "MPEG_LAYER_III", "MP3", **LOWEST_MP3), "mp3"
    if channel == "tel_gsm":  # telephone band-pass (Butterworth, order 6), then GSM 06.10
        low, high = (u(250, 350), u(3300, 3500)) if untouched else (300, 3400)
        band = signal.sosfilt(signal.butter(6, [low, high], btype="band", fs=ac.RATE, output="sos"), audio)
        return _wav(band, "GSM610"), "wav"
    if channel == "resample_mp3":  # 8 -> 16 -> 8 kHz, then MP3 (libsndfile's default)
        import soxr

        there = soxr.resample(soxr.resample(audio, ac.RATE, 16000), 16000, ac.RATE)
        return _wav(there, "MPEG_LAYER_III", "MP3"), "mp3"
    if channel == "ogg_low":  # Vorbis at its lowest quality, 16 kHz
        import soxr

        return _wav(soxr.resample(audio, ac.RATE, 16000), "VORBIS", "OGG", 16000,
                    compression_level=u(0.8, 1.0) if untouched else 0.95), "ogg"
    if channel == "noise15_gsm":
        return _wav(ac.with_noise(audio, u(13, 17) if untouched else 15, rng), "GSM610"), "wav"
    if channel in ("gain0.1", "gain2"):  # a quieter recorder; a hotter one, clipped
        return _wav(audio * float(channel[4:])), "wav"
    raise KeyError(channel)


def read_8k(path):
    import soxr

    audio, rate = soundfile.read(path, dtype="float64")
    audio = audio.mean(axis=1) if audio.ndim > 1 else audio
    return soxr.resample(audio, rate, ac.RATE) if rate != ac.RATE else audio


def deciding_detector(verdict):
    """The detector whose weighted tail probability is smallest: the one that decided the verdict's label."""
    ratio = {n: v["tail_probability"] / v["weight"] if v["weight"] > 0 else np.inf
             for n, v in verdict["detectors"].items()}
    return min(ratio, key=ratio.get)


def generated_by(files):
    """How many of the verdicts labelled generated each detector decided."""
    return dict(collections.Counter(deciding_detector(f) for f in files if f["label"] == "generated"))


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
    return {"channel": channel, "n": len(files), "labels": dict(collections.Counter(f["label"] for f in files)),
            "generated_by": generated_by(files),
            "read_as_noise": sum("added noise (floor" in f["channel"]["assumed"] for f in files)}


EXPECTED = {"gsm": ("GSM610", 8000), "agc_gsm": ("GSM610", 8000), "tel_gsm": ("GSM610", 8000),
            "noise15_gsm": ("GSM610", 8000), "ulaw": ("ULAW", 8000), "agc_ulaw": ("ULAW", 8000),
            "mp3_8k": ("MPEG_LAYER_III", 8000), "agc_mp3_8k": ("MPEG_LAYER_III", 8000),
            "resample_mp3": ("MPEG_LAYER_III", 8000), "mp3_noise": ("MPEG_LAYER_III", 8000),
            "ogg_low": ("VORBIS", 16000)}


@pytest.mark.parametrize("untouched", [False, True])
def test_each_channel_writes_a_file_the_loader_reads_as_that_channel(tmp_path, untouched):
    from engine.data.builtins import corpus_files
    from engine.data.loaders import load_path

    audio = read_8k(corpus_files("fsdd")[0])
    for k, channel in enumerate(CHANNELS):
        data, ext = through(audio, channel, k, untouched)
        path = tmp_path / f"{channel}.{ext}"
        path.write_bytes(data)
        read = load_path(str(path)).meta["channel"]
        subtype, rate = EXPECTED.get(channel, ("PCM_16", 8000))
        assert (read["subtype"], read["native_sample_rate"]) == (subtype, rate), channel


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
