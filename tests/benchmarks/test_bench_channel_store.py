"""Channel calibrations stored in the case (engine/detectors/channel_store.py): the wall time of `verdict` on one
file through a channel, first (the case's reference passed through the channel and the detectors recalibrated, then
stored) and again on another file through the same channel (the stored calibration reused), each a fresh
`python main.py verdict` process as an analyst runs it; and one file through no channel for the floor.

- image: a builtin:mnist[0:2000] case, digits 9000-9002 saved as JPEG quality 90 (and one as PNG);
- speech: a builtin:fsdd[0:200] case, FSDD recordings 390-392 (of the 400 embedded) saved as MP3 (libsndfile's default bitrate).

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

SETUPS = {"image": "builtin:mnist[0:2000]", "speech": "builtin:fsdd[0:200]"}


def evidence(kind, folder):
    """(channelled files, a file through no channel)."""
    import soundfile
    from PIL import Image

    if kind == "image":
        from engine.data.specs import load_spec

        pixels = (load_spec("builtin:mnist[9000:9003]").x[:, 0] * 255).round().astype(np.uint8)
        files = [os.path.join(folder, f"d{k}.jpg") for k in range(3)]
        for path, digit in zip(files, pixels):
            Image.fromarray(digit).save(path, quality=90)
        Image.fromarray(pixels[0]).save(os.path.join(folder, "clean.png"))
        return files, os.path.join(folder, "clean.png")
    from engine.data.builtins import corpus_files

    files = [os.path.join(folder, f"r{k}.mp3") for k in range(3)]
    for path, source in zip(files, corpus_files("fsdd")[390:393]):
        audio, rate = soundfile.read(source)
        soundfile.write(path, audio, rate, format="MP3", subtype="MPEG_LAYER_III")
    return files, corpus_files("fsdd")[390]


def measure(kind, folder):
    from engine import case_workflows

    os.makedirs(folder, exist_ok=True)
    case = os.path.join(folder, "case")
    case_workflows.new_case(case, SETUPS[kind])
    files, clean = evidence(kind, folder)
    rows = []
    for label, path in (("no channel", clean), ("first batch", files[0]), ("second batch", files[1]),
                        ("third batch", files[2])):
        rc, seconds, mib, out, err = run_measured(["verdict", path, "--case", case, "--json",
                                                   os.path.join(folder, f"{label}.json")], timeout=1800)
        assert rc == 0, err
        with open(os.path.join(folder, f"{label}.json")) as fh:
            channel = json.load(fh)["files"][0]["channel"]
        rows.append({"batch": label, "seconds": round(seconds, 1), "peak_mib": round(mib),
                     "calibration": channel.get("calibration")})
        print(json.dumps(rows[-1]))
    first, second = rows[1]["seconds"], rows[2]["seconds"]
    print(f"{kind}: first {first} s, second {second} s, ratio {first / second:.1f}")
    return rows


@pytest.mark.parametrize("kind", sorted(SETUPS))
def test_channel_calibration_is_reused(kind, tmp_path):
    rows = measure(kind, str(tmp_path))
    assert rows[1]["calibration"][0].startswith("computed and stored")
    assert all(line.startswith("reused") for row in rows[2:] for line in row["calibration"])


if __name__ == "__main__":
    measure(sys.argv[1], sys.argv[2])
