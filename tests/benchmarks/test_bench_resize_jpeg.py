"""Real and generated digits resized down and back with a filter that does not ring and then saved as JPEG (a .jpg
file), and plain JPEG, judged by `verdict.judge` before and after the resize is read approximately from the JPEG's
pixels and the file judged against both channelled references by intersection-union (docs/studies.md "A resize
then JPEG", seventeenth pass; issue #18); and the verdict's time per file before and after.

Sets (declared before measuring). Case: `main.py case new CASE --reference 'builtin:mnist[0:5000]'`, profile-only
(no GAN or CNN registered), alpha 1 %, as test_bench_resize_filters.py. Generators, not registered: that file's
DCGANs (`train gan --data 'builtin:mnist[0:4000]' --steps 400 --width 32 --batch-size 64`), seed 1 for tuning (300
digits, `generate --seed 11`), seed 7 untouched (300 digits, seed 12); tuning also the zoo's VAE (3,000 steps, seed
1), 300 of its digits. Real: tuning builtin:mnist[5000:5300], untouched builtin:mnist[7700:8000]. Channels (PIL, 8
bits at each step, then a grey JPEG at the quality named): tuning bilinear 20 then quality 90, Hamming 20 then 75,
box 20 then 95, bilinear 14 then 85, plain JPEG 90 and 75; untouched bilinear 24 then 80, Hamming 17 then 92,
nearest 22 then 88, bilinear 16 then 78, plain JPEG 80 and 92. The generated digits go through the same channels.

Measured (2026-12-03, 2-core CPU; docs/studies.md has the tables): real digits labelled generated before -> after,
tuning bilinear 14 / 85 283 -> 0, bilinear 20 / 90 171 -> 0, box 20 / 95 11 -> 0, Hamming 20 / 75 4 -> 0, plain 0 -> 0;
untouched bilinear 16 / 78 161 -> 2, bilinear 24 / 80 16 -> 6, Hamming 17 / 92 38 -> 0, nearest 22 / 88 2 -> 1, plain
0 -> 0 and 2 -> 2. Generated digits caught through a resize then JPEG: DCGANs 196-300 -> 84-225, the VAE 239-300 ->
49-101; through plain JPEG DCGANs -0 to -5, the VAE 179 -> 161 (75) and 235 -> 230 (90). Time a file: 2.8x the JPEG
alone for one resize read per batch, 19x for 100 varied files read at about ten resizes.

    python tests/benchmarks/test_bench_resize_jpeg.py sets tuning|untouched RAW.npy OUT [VAE.npy]
    python tests/benchmarks/test_bench_resize_jpeg.py judge CASE OUT/SET.npy ...
    python tests/benchmarks/test_bench_resize_jpeg.py reads OUT/SET.npy ...
    python tests/benchmarks/test_bench_resize_jpeg.py speed CASE OUT/SET.npy ...   (the verdict's time per file)

A set OUT/WHICH-SOURCE-CHANNEL-qQ.npy holds the 8-bit pixels before the JPEG; `judge` saves them as .jpg at Q. The
file puts its own tree first on the path: the "before" run judges with a copy of it outside the tree, run from the
older checkout with PYTHONPATH=. there.
"""
import collections
import io
import os
import shutil
import sys
import tempfile
import time

import numpy as np

SLICES = {"tuning": (5000, 5300), "untouched": (7700, 8000)}
CHANNELS = {"tuning": (("bilinear", 20, 90), ("hamming", 20, 75), ("box", 20, 95), ("bilinear", 14, 85),
                       (None, None, 90), (None, None, 75)),
            "untouched": (("bilinear", 24, 80), ("hamming", 17, 92), ("nearest", 22, 88), ("bilinear", 16, 78),
                          (None, None, 80), (None, None, 92))}


def write_sets(which, raw, out, vae=None):
    """The sets of `which` (the module's docstring), (n, 28, 28) 8-bit before the JPEG."""
    from engine.data.specs import load_spec
    from tests.benchmarks.test_bench_resize_history import round_trip

    os.makedirs(out, exist_ok=True)
    start, stop = SLICES[which]
    sources = {"gan": np.rint(np.clip(np.load(raw)[:300, 0], 0, 1) * 255).astype(np.uint8),
               "real": np.rint(load_spec(f"builtin:mnist[{start}:{stop}]").x[:, 0] * 255).astype(np.uint8)}
    if vae:
        sources["vae"] = np.load(vae)[:300]
    for source, images in sources.items():
        for method, side, quality in CHANNELS[which]:
            x = images if method is None else round_trip(images, method, side)
            name = "plain" if method is None else f"{method}{side}"
            np.save(os.path.join(out, f"{which}-{source}-{name}-q{quality}.npy"), x)


def as_jpeg(image, quality):
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def reads(paths):
    """Per set, how often a resize is read from the decoded JPEG and as what (filter, side)."""
    from PIL import Image

    from engine.data import channels

    for path in paths:
        quality = int(path[:-4].rsplit("-q", 1)[1])
        found = []
        for image in np.load(path):
            opened = Image.open(io.BytesIO(as_jpeg(image, quality)))
            channel = channels.image_channel(opened, "JPEG", b"", np.asarray(opened))
            found.append(channel.get("resample_history"))
        kinds = collections.Counter((" or ".join(f["filter"]), f["side"]) for f in found if f)
        print(f"{os.path.basename(path)[:-4]}: read {sum(f is not None for f in found)}/{len(found)} "
              f"{dict(kinds.most_common(4))}", flush=True)


def judge(case, paths):
    """Each set written as .jpg files at its quality and judged in a copy of the case: labelled generated,
    inconclusive, the deciding detector of those labelled generated, the channel assumed, seconds per file."""
    from engine import verdict

    work = tempfile.mkdtemp()
    shutil.copytree(case, os.path.join(work, "case"))
    for path in paths:
        name = os.path.basename(path)[:-4]
        quality = int(name.rsplit("-q", 1)[1])
        folder = os.path.join(work, name)
        os.makedirs(folder)
        for i, image in enumerate(np.load(path)):
            with open(os.path.join(folder, f"{name}-{i:04d}.jpg"), "wb") as f:
                f.write(as_jpeg(image, quality))
        start = time.perf_counter()
        files = verdict.judge(os.path.join(work, "case"), [folder])["files"]
        seconds = (time.perf_counter() - start) / len(files)
        labels = collections.Counter(f["label"] for f in files)
        deciding = collections.Counter(min((d for d in f["detectors"].items() if d[1]["weight"] > 0),
                                           key=lambda d: d[1]["tail_probability"] / d[1]["weight"])[0]
                                       for f in files if f["label"] == "generated")
        assumed = collections.Counter("resize then JPEG" if "after a resize" in f["channel"]["assumed"] else "JPEG"
                                      for f in files)
        print(f"{name}: generated {labels['generated']}/{len(files)} (inconclusive {labels['inconclusive']}), "
              f"decided by {dict(deciding)}; channel {dict(assumed)}; {seconds * 1000:.0f} ms a file", flush=True)
        shutil.rmtree(folder)
    shutil.rmtree(work)


def speed(case, path, n=100, rounds=2):
    """Seconds per file of judging the first `n` of a set as .jpg files, with the resize read before the JPEG (the
    union) against the baseline in the same run: the same verdict with that reading switched off (the JPEG alone,
    as before), alternated `rounds` times in fresh copies of the case."""
    from unittest import mock

    from engine import verdict
    from engine.data import channels

    name = os.path.basename(path)[:-4]
    quality = int(name.rsplit("-q", 1)[1])
    work = tempfile.mkdtemp()
    folder = os.path.join(work, name)
    os.makedirs(folder)
    for i, image in enumerate(np.load(path)[:n]):
        with open(os.path.join(folder, f"{i:04d}.jpg"), "wb") as f:
            f.write(as_jpeg(image, quality))
    times = collections.defaultdict(list)
    for k in range(rounds):
        for label, reading in (("JPEG alone (baseline)", mock.patch.object(channels, "jpeg_resample_history",
                                                                            lambda values, luma: None)),
                               ("with the resize read", mock.patch.object(channels, "jpeg_resample_history",
                                                                           channels.jpeg_resample_history))):
            copy = os.path.join(work, f"case-{k}-{len(times[label])}-{label[:4]}")
            shutil.copytree(case, copy)
            with reading:
                start = time.perf_counter()
                verdict.judge(copy, [folder])
                times[label].append((time.perf_counter() - start) / n)
    for label, found in times.items():
        print(f"{name} {label}: {' '.join(f'{t * 1000:.0f}' for t in found)} ms a file", flush=True)
    shutil.rmtree(work)
    return min(times["with the resize read"]) / min(times["JPEG alone (baseline)"])


if __name__ == "__main__":
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))
    if sys.argv[1] == "sets":
        write_sets(*sys.argv[2:])
    elif sys.argv[1] == "judge":
        judge(sys.argv[2], sys.argv[3:])
    elif sys.argv[1] == "speed":
        for path in sys.argv[3:]:
            print(f"ratio {speed(sys.argv[2], path):.2f}", flush=True)
    else:
        reads(sys.argv[2:])


def test_bench_resize_jpeg(tmp_path):
    """The union's cost on real digits through bilinear 20 then JPEG 90 in a small profile-only case: at most a few
    times the JPEG alone's (two channels recalibrated per batch instead of one)."""
    from engine import case_workflows
    from engine.data.specs import load_spec
    from tests.benchmarks.test_bench_resize_history import round_trip

    case_workflows.new_case(str(tmp_path / "case"), "builtin:mnist[0:400]", name="bench")
    real = np.rint(load_spec("builtin:mnist[9000:9040]").x[:, 0] * 255).astype(np.uint8)
    np.save(tmp_path / "real-bilinear20-q90.npy", round_trip(real, "bilinear", 20))
    assert speed(str(tmp_path / "case"), str(tmp_path / "real-bilinear20-q90.npy"), n=40, rounds=1) < 6
