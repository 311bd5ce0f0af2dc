"""Real and synthetic speech re-encoded in the audio formats real evidence often arrives in (docs/studies.md,
"Audio formats: 8-bit PCM, ADPCM, G.721, FLAC, Opus"): 8-bit PCM in WAV (unsigned) and FLAC (signed), IMA and
MS ADPCM, G.721 32 kbit/s in WAV, 16-bit FLAC, Opus in OGG at libsndfile's default and lowest bitrate, each
at the recording's level or scaled before the codec (x0.1: a quiet recorder). Judged in a case: per set the
label counts per source (an FSDD speaker, else the source's folder: real and generated files share a batch and
so its channel calibrations), the decisive detector of each "generated", the channel the verdict assumed, and
one JSON line per file under the output folder.

    python tests/benchmarks/test_bench_audio_formats.py CASE OUT FORMAT GAIN FILE.wav [FILE.wav ...]
    python -m pytest tests/benchmarks/test_bench_audio_formats.py -s -o addopts=""
"""
import collections
import json
import os
import sys

import numpy as np

from tests.audio_formats_written import FORMATS, encoded
from tests.benchmarks.test_bench_channels import deciding_detector, read_8k

def source(path):
    """An FSDD recording's speaker, else the name of the folder holding the file (a synthesiser's voice)."""
    parts = os.path.basename(path).split("_")
    return parts[1] if len(parts) == 3 and parts[0].isdigit() else os.path.basename(os.path.dirname(path))


def run(case, out, name, gain, sources):
    """Summary dict of the verdicts on `sources` scaled by `gain` and written in format `name` into `out`."""
    from engine.verdict import judge

    folder = os.path.join(out, f"{name}-x{gain}")
    os.makedirs(folder, exist_ok=True)
    paths = []
    for path in sources:
        data, ext = encoded(read_8k(path), name, gain)
        paths.append(os.path.join(folder, f"{source(path)}-{os.path.splitext(os.path.basename(path))[0]}.{ext}"))
        with open(paths[-1], "wb") as f:
            f.write(data)
    files = judge(case, paths)["files"]
    labels, decisive, rows = collections.defaultdict(collections.Counter), collections.Counter(), []
    for f in files:
        group = os.path.basename(f["path"]).split("-")[0]  # as written above
        labels[group][f["label"]] += 1
        if f["label"] == "generated":
            decisive[f"{group}: {deciding_detector(f)}"] += 1
        rows.append({"file": os.path.basename(f["path"]), "label": f["label"],
                     "p": {n: v["tail_probability"] for n, v in f["detectors"].items()},
                     "weight": {n: v["weight"] for n, v in f["detectors"].items()},
                     "channel": f["channel"]["assumed"]})
    with open(os.path.join(folder, "verdicts.jsonl"), "w") as log:
        log.writelines(json.dumps(r) + "\n" for r in rows)
    return {"set": f"{name} x{gain}", "n": len(files), "labels": {k: dict(v) for k, v in labels.items()},
            "generated_by": dict(decisive), "assumed": sorted({r["channel"] for r in rows})[:3]}


def test_each_format_is_read_back_as_its_subtype(tmp_path):
    from engine.data.builtins import corpus_files
    from engine.data.loaders import load_path

    audio = read_8k(corpus_files("fsdd")[0])
    for name, (subtype, container, _, _) in FORMATS.items():
        data, ext = encoded(audio, name)
        (tmp_path / f"{name}.{ext}").write_bytes(data)
        channel = load_path(str(tmp_path / f"{name}.{ext}")).meta["channel"]
        assert channel["subtype"] == subtype and channel["codec"].split()[0] == container, name


if __name__ == "__main__":
    print(json.dumps(run(sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), sys.argv[5:])))
