"""Quiet speakers through level-dependent codecs (docs/studies.md, "Quiet speakers through codecs"):
recordings scaled down before GSM 06.10, mu-law or A-law (or kept as 16-bit PCM), judged in a case;
per set the label counts, the decisive detector of each "generated" and the smallest `features` tail
probabilities, and one JSON line per file under the output folder.

    python tests/benchmarks/test_bench_quiet_codecs.py CASE OUT GAIN CODEC FILE.wav [FILE.wav ...]
    python tests/benchmarks/test_bench_quiet_codecs.py --gan FOLDER PATCH.npy [PATCH.npy ...]   # as 8 kHz WAVs
    python -m pytest tests/benchmarks/test_bench_quiet_codecs.py -s -o addopts=""

CODEC: gsm, ulaw, alaw or pcm; GAIN: the factor applied before the codec (0.1: a tenth of the level).
"""
import collections
import json
import os
import sys

import numpy as np

from tests.benchmarks.test_bench_channels import _wav, generated_by, read_8k

SUBTYPES = {"gsm": "GSM610", "ulaw": "ULAW", "alaw": "ALAW", "pcm": "PCM_16"}


def write(audio, gain, codec, path):
    with open(path, "wb") as out:
        out.write(_wav(np.asarray(audio) * gain, SUBTYPES[codec]))


def gan_speech(patches, folder):
    """A speech GAN's mel patches (.npy, (1, 64, frames) in [0, 1]) as 8 kHz WAVs: the mel power taken back to
    linear frequency and inverted by Griffin-Lim (32 iterations), at the level the maps give."""
    from engine.data import representations as r
    from training.speech_fakes import griffin_lim

    os.makedirs(folder, exist_ok=True)
    paths = []
    for k, path in enumerate(patches):
        mel = r.mel_power_of(np.load(path).reshape(r.N_MELS, -1))
        power = np.maximum(np.linalg.pinv(r.mel_filterbank().astype(np.float64)) @ mel, 0.0)
        paths.append(os.path.join(folder, f"gan_{k:03d}.wav"))
        write(griffin_lim(np.sqrt(power), r.N_FFT, r.HOP, seed=k), 1.0, "pcm", paths[-1])
    return paths


def run(case, out, gain, codec, sources):
    """Summary dict of the verdicts on `sources` scaled by `gain` through `codec`, written into `out`."""
    from engine.verdict import judge

    folder = os.path.join(out, f"{codec}-x{gain}")
    os.makedirs(folder, exist_ok=True)
    paths = []
    for source in sources:
        paths.append(os.path.join(folder, os.path.basename(source)))
        write(read_8k(source), gain, codec, paths[-1])
    files = judge(case, paths)["files"]
    rows = [{"file": os.path.basename(f["path"]), "label": f["label"],
             "p": {n: v["tail_probability"] for n, v in f["detectors"].items()},
             "channel": f["channel"]["assumed"]} for f in files]
    with open(os.path.join(folder, "verdicts.jsonl"), "w") as log:
        log.writelines(json.dumps(r) + "\n" for r in rows)
    features = sorted(r["p"].get("features", 1.0) for r in rows)
    return {"set": f"{codec} x{gain}", "n": len(files), "labels": dict(collections.Counter(f["label"] for f in files)),
            "generated_by": generated_by(files), "features_smallest_p": [float(f"{p:.2g}") for p in features[:3]]}


def test_quiet_files_are_written_through_the_codec_at_their_level(tmp_path):
    import soundfile

    from engine.data.builtins import corpus_files

    audio = read_8k(corpus_files("fsdd")[0])
    for codec, subtype in SUBTYPES.items():
        write(audio, 0.1, codec, tmp_path / f"{codec}.wav")
        read, rate = soundfile.read(tmp_path / f"{codec}.wav")
        assert soundfile.info(str(tmp_path / f"{codec}.wav")).subtype == subtype and rate == 8000
        assert 0.05 < np.abs(read).max() / np.abs(audio).max() < 0.15


if __name__ == "__main__":
    if sys.argv[1] == "--gan":
        sys.exit(print(len(gan_speech(sys.argv[3:], sys.argv[2]))))
    print(json.dumps(run(sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4], sys.argv[5:])))
