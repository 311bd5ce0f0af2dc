"""Griffin-Lim audio and real speech judged in a case (docs/studies.md, "Mel inversion as a trait"):
label counts per set, the decisive detector of each "generated", and how many files mel-inversion
alone scores (engine/detectors/mel_inversion.py; a positive score decides at the conformal floor).

Sets, written down before measuring (FSDD at /work/shared/data/fsdd, LJ Speech at /work/data/ljs):
- tuning: librosa `mel_to_audio` (8 kHz, n_fft 1024, hop 160, 64 Slaney mels, 32 iterations) of
  nicolas takes 0-9 and george takes 20-29, the same at n_fft 2048, hop 256 of nicolas takes 10-19,
  real nicolas takes 0-19, and the first set through mu-law;
- untouched: librosa's at n_fft 512, hop 128, 100 iterations, and the zoo's griffin-lim family
  (engine/zoo/families.py: smoothed mel, pseudo-inverse, 24 iterations) of jackson takes 30-39; real
  nicolas takes 30-49, lucas takes 40-49, LJ Speech; real nicolas takes 30-39 through mu-law and GSM 06.10.

    python tests/benchmarks/test_bench_mel_inversion.py make DIR           # writes the sets under DIR
    python tests/benchmarks/test_bench_mel_inversion.py judge CASE DIR SET[:STEP] ...
    python -m pytest tests/benchmarks/test_bench_mel_inversion.py -s -o addopts=""
"""
import collections
import glob
import json
import os
import re
import sys

import numpy as np
import soundfile

from tests.benchmarks.test_bench_channels import generated_by, read_8k, through

FSDD = "/work/shared/data/fsdd"
LJS = "/work/data/ljs"
RATE = 8000


def fsdd(speaker, takes):
    return sorted(p for p in glob.glob(f"{FSDD}/*_{speaker}_*.wav") if int(re.search(r"_(\d+)\.wav$", p)[1]) in takes)


def librosa_inversion(n_fft, hop, iterations):
    def invert(audio, rng):
        import librosa

        mel = librosa.feature.melspectrogram(y=audio, sr=RATE, n_fft=n_fft, hop_length=hop, n_mels=64, fmax=RATE / 2)
        return librosa.feature.inverse.mel_to_audio(mel, sr=RATE, n_fft=n_fft, hop_length=hop, fmax=RATE / 2,
                                                    n_iter=iterations)
    return invert


def zoo_inversion(audio, rng):
    from engine.zoo.families import _griffin_lim

    return _griffin_lim(audio.astype(np.float32), rng)


GENERATED = {  # set -> (sources, inversion)
    "gl_tune": (fsdd("nicolas", range(10)) + fsdd("george", range(20, 30)), librosa_inversion(1024, 160, 32)),
    "gl_tune2": (fsdd("nicolas", range(10, 20)), librosa_inversion(2048, 256, 32)),
    "gl_u1": (fsdd("jackson", range(30, 40)), librosa_inversion(512, 128, 100)),
    "gl_u2": (fsdd("jackson", range(30, 40)), zoo_inversion),
}
REAL = {"real_nic_0_19": fsdd("nicolas", range(20)), "real_nic_30_49": fsdd("nicolas", range(30, 50)),
        "real_lucas_40_49": fsdd("lucas", range(40, 50)), "ljs": sorted(glob.glob(f"{LJS}/*.wav"))}
CHANNELLED = {  # set -> (source set or files, channel)
    "gl_tune_ulaw": ("gl_tune", 4, "ulaw"),
    "real_nic_30_39_ulaw": (fsdd("nicolas", range(30, 40)), 1, "ulaw"),
    "real_nic_30_39_gsm": (fsdd("nicolas", range(30, 40)), 1, "gsm"),
}


def make(folder):
    """Writes every set under `folder` (one sub-folder each; real sets are links)."""
    for name, (sources, invert) in GENERATED.items():
        os.makedirs(os.path.join(folder, name), exist_ok=True)
        rng = np.random.default_rng(0)
        for source in sources:
            audio = invert(soundfile.read(source, dtype="float32")[0], rng)
            soundfile.write(os.path.join(folder, name, os.path.basename(source)),
                            0.5 * audio / max(1e-9, np.abs(audio).max()), RATE, subtype="PCM_16")
    for name, sources in REAL.items():
        os.makedirs(os.path.join(folder, name), exist_ok=True)
        for source in sources:
            link = os.path.join(folder, name, os.path.basename(source))
            if not os.path.exists(link):
                os.symlink(source, link)
    for name, (sources, step, channel) in CHANNELLED.items():
        sources = sorted(glob.glob(os.path.join(folder, sources, "*.wav"))) if isinstance(sources, str) else sources
        os.makedirs(os.path.join(folder, name), exist_ok=True)
        for k, source in enumerate(sources[::step]):
            data, ext = through(read_8k(source), channel, k)
            with open(os.path.join(folder, name, os.path.basename(source)[:-4] + "." + ext), "wb") as out:
                out.write(data)


def judge_set(case, paths):
    """Summary dict of the verdicts on `paths` in `case`."""
    from engine.verdict import judge

    files = judge(case, paths)["files"]
    scored = [f["detectors"].get("mel-inversion") for f in files]
    return {"n": len(files), "labels": dict(collections.Counter(f["label"] for f in files)),
            "generated_by": generated_by(files),
            "mel_inversion_scores": sum(1 for s in scored if s and s["score"] > 0 and s["weight"] > 0)}


def test_bench_mel_inversion_on_a_small_case(tmp_path):
    from engine import case_workflows
    from engine.data import representations
    from engine.data.builtins import corpus_files
    from training.speech_fakes import griffin_lim

    case_workflows.new_case(str(tmp_path / "case"), "builtin:fsdd[0:200]")
    paths = []
    for k, source in enumerate(corpus_files("fsdd")[300:304]):
        audio = soundfile.read(source, dtype="float64")[0]
        basis = representations.mel_filterbank().astype(np.float64)
        power = np.maximum(np.linalg.pinv(basis) @ representations.mel_power(audio).astype(np.float64), 0.0)
        paths.append(str(tmp_path / f"gl{k}.wav"))
        soundfile.write(paths[-1], griffin_lim(np.sqrt(power), representations.N_FFT, representations.HOP), RATE)
    found = {"griffin-lim": judge_set(str(tmp_path / "case"), paths),
             "real": judge_set(str(tmp_path / "case"), corpus_files("fsdd")[300:304])}
    print(json.dumps(found))
    assert found["griffin-lim"]["n"] == found["real"]["n"] == 4


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
    else:
        case, folder = sys.argv[2], sys.argv[3]
        for spec in sys.argv[4:]:
            name, _, step = spec.partition(":")
            paths = sorted(glob.glob(os.path.join(folder, name, "*")))[::int(step or 1)]
            print(json.dumps({name: judge_set(case, paths)}), flush=True)
