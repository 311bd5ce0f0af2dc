"""Channel calibrations stored in the case (engine/detectors/channel_store.py): the wall time of `verdict` on one
file through a channel, first (the case's reference passed through the channel and the detectors recalibrated, then
stored) and again on another file through the same channel (the stored calibration reused), then the first batch
again, each a fresh `python main.py verdict` process as an analyst runs it; and one file through no channel first.

- image: a builtin:mnist[0:2000] case, digits 9000-9002 saved as JPEG quality 90 (and one as PNG);
- speech (speech-all): a builtin:fsdd[0:200] (builtin:fsdd, all 400) case, the last 22 of the 400 embedded FSDD recordings saved as MP3 (libsndfile's default bitrate), 20 in the first batch.

    .venv/bin/python -m pytest tests/benchmarks/test_bench_channel_store.py -s -o addopts="" -k image
    .venv/bin/python tests/benchmarks/test_bench_channel_store.py speech OUT_DIR
"""
import json
import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from tests.benchmarks.measure import run_measured  # noqa: E402

FIRST_BATCH = 20  # speech: the first batch's MP3 files, as in the lead's measurement (20 MP3s, minutes)
SETUPS = {"image": "builtin:mnist[0:2000]", "speech": "builtin:fsdd[0:200]", "speech-all": "builtin:fsdd"}


def evidence(kind, folder):
    """([the first batch's files], a second file, a third, all through one channel; a file through no channel)."""
    import soundfile
    from PIL import Image

    if kind == "image":  # speech, speech-all: MP3
        from engine.data.specs import load_spec

        pixels = (load_spec("builtin:mnist[9000:9003]").x[:, 0] * 255).round().astype(np.uint8)
        files = [os.path.join(folder, f"d{k}.jpg") for k in range(3)]
        for path, digit in zip(files, pixels):
            Image.fromarray(digit).save(path, quality=90)
        Image.fromarray(pixels[0]).save(os.path.join(folder, "clean.png"))
        return [[files[0]], *files[1:]], os.path.join(folder, "clean.png")
    from engine.data.builtins import corpus_files

    files = [os.path.join(folder, f"r{k}.mp3") for k in range(FIRST_BATCH + 2)]
    for path, source in zip(files, corpus_files("fsdd")[400 - len(files):]):
        audio, rate = soundfile.read(source)
        soundfile.write(path, audio, rate, format="MP3", subtype="MPEG_LAYER_III")
    return [files[:FIRST_BATCH], *files[FIRST_BATCH:]], corpus_files("fsdd")[-1]


def measure(kind, folder):
    from engine import case_workflows

    os.makedirs(folder, exist_ok=True)
    case = os.path.join(folder, "case")
    case_workflows.new_case(case, SETUPS[kind])
    files, clean = evidence(kind, folder)
    rows = []
    for label, paths in (("no channel", [clean]), ("first batch", files[0]), ("second batch", [files[1]]),
                         ("third batch", [files[2]]), ("first batch again", files[0])):
        rc, seconds, mib, out, err = run_measured(["verdict", *paths, "--case", case, "--json",
                                                   os.path.join(folder, f"{label}.json")], timeout=1800)
        assert rc == 0, err
        with open(os.path.join(folder, f"{label}.json")) as fh:
            lines = [f["channel"].get("calibration") or [] for f in json.load(fh)["files"]]
        rows.append({"batch": label, "files": len(paths), "seconds": round(seconds, 1), "peak_mib": round(mib),
                     "calibration": sorted({line for found in lines for line in found})})
        print(json.dumps(rows[-1]))
    first, second = rows[1]["seconds"], rows[2]["seconds"]
    print(f"{kind}: first {first} s, second {second} s, ratio {first / second:.1f}")
    return rows


@pytest.mark.parametrize("kind", sorted(SETUPS))
def test_channel_calibration_is_reused(kind, tmp_path):
    rows = measure(kind, str(tmp_path))
    assert rows[1]["calibration"] and all(line.startswith("computed and stored") for line in rows[1]["calibration"])
    assert all(line.startswith("reused") for row in rows[2:] for line in row["calibration"])


if __name__ == "__main__":
    measure(sys.argv[1], sys.argv[2])
