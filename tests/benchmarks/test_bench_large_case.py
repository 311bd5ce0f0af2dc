"""A case of twelve thousand evidence files in the window, and the JPEG-history search a batch pays per file.

1. Time to idle of `main.py gui --case CASE --screenshot OUT` (which waits until every job has
   ended and every delivered result is shown) with this tree, and with the base commit's tree
   (BASE, exported with `git archive`) as the named baseline, in the same run: the base listed a
   case's evidence by decoding every file (JPEG history included) on a worker thread and sent
   everything so far with every file (quadratic copying and queueing); this tree lists the case
   store's rows (hash checked, recorded verdict, no decoding) in parts and reads the files the
   grid shows.
2. jpeg_history per file with its projections' matrix products made whole (the base commit's
   way; OpenBLAS splits a product that large over its threads) and HISTORY_ROWS rows at a time
   (small enough for OpenBLAS to run on the calling thread), on the same images interleaved; the
   histories read must be equal. Set: builtin:mnist[5000:5000+k] through JPEG at every quality
   20-98 (k digits a quality) and builtin:mnist[6000:6040] clean.

The case: `build` makes one: a case whose reference is builtin:mnist[0:1000], N_JUDGED of the
PNGs judged by engine.verdict.judge, and the rest taken in through engine.case.record_verdict
with a judged file's verdict (cycled): bookkeeping for a performance case, not verdicts.
Measured on 2026-12-01 on the 2-core development machine shared by three sessions (load average
8-12: times are noisy), on /tmp/s12-bigcase/big, made the same way from an earlier session's
MNIST case: 12,410 evidence files (28x28 PNGs; 1,330 judged by `main.py verdict`, 11,080
recorded with a judged file's verdict):

    open to idle   base 948a6bb   > 304.6 s  (not idle at the 300 s screenshot timeout)
                   this tree         18.6 s  (ratio > 16.4x; the listing then still read the
                                              case's 12,410 verdicts a second time)
                   this tree         13.0 s  (with the listing taking the window's snapshot, load
                                              5.4; window 1.8 s, case read 2.6 s, listing 6.1 s,
                                              the 30 thumbnails on screen read in 1.8 s meanwhile;
                                              one run of `main.py gui ... --screenshot`, no base)
    the window's event loop while it opened (a 5 ms timer, one run, this tree): p99 gap 32 ms,
    longest 327 ms (the case explorer's tree of 12,410 rows, 0.30 s), 4 gaps over 100 ms
    jpeg_history   products whole   285.8 ms/file   64 rows at a time  50.7 ms/file   5.64x
    (k=1, 119      with OPENBLAS_NUM_THREADS=1:
     images)       products whole    19.1 ms/file   64 rows at a time  24.3 ms/file   0.79x
                   histories differ on 0/119 either way

So the per-file cost on a busy machine was OpenBLAS's threads, not the search: chunked products
are 5.6x faster there and 27 % slower where BLAS runs on one thread anyway. A coarse-to-fine
quality search (every third quality, then the best ones' neighbours) was tried first and
dropped: it read no history from 2 of the 119 images (JPEG qualities 21 and 24: at low
qualities the lattice evidence has several separate peaks) and was no faster with one BLAS
thread (14.7 vs 14.5 ms/file).

    python tests/benchmarks/test_bench_large_case.py build CASE [N]
    python tests/benchmarks/test_bench_large_case.py open CASE [TIMEOUT_S]
    python tests/benchmarks/test_bench_large_case.py history [K]
    python -m pytest tests/benchmarks/test_bench_large_case.py -s -o addopts=""   (history, K=1)
"""
import io
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

BASE = "948a6bb"  # the commit before the case listing was rebuilt
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
N_FILES, N_JUDGED = 12000, 30


def mnist_uint8(start, stop):
    from engine.data.builtins import load_builtin

    return np.rint(load_builtin("mnist", slice(start, stop)).x[:, 0] * 255).astype(np.uint8)


def build(case_dir, n_files=N_FILES):
    """The performance case (module docstring) in case_dir, its PNGs in case_dir + '-evidence'."""
    from PIL import Image

    from engine.case import open_case, record_verdict
    from engine.case_workflows import new_case
    from engine.verdict import judge

    folder = case_dir.rstrip(os.sep) + "-evidence"
    os.makedirs(folder, exist_ok=True)
    digits = mnist_uint8(1000, 10000)
    paths = []
    for number in range(n_files):  # the digits, then mirrored, then shifted
        digit, variant = digits[number % len(digits)], number // len(digits)
        image = (digit, digit[:, ::-1], np.roll(digit, 2, axis=1))[variant % 3]
        paths.append(os.path.join(folder, f"d{number:05d}.png"))
        Image.fromarray(image).save(paths[-1])
    new_case(case_dir, "builtin:mnist[0:1000]", "large case")
    judged = judge(case_dir, paths[:N_JUDGED])["files"]
    with open_case(case_dir) as case:
        recorded = case.verdicts()
        for number, path in enumerate(paths[N_JUDGED:]):
            v = recorded[number % len(recorded)]
            record_verdict(case, path, {"label": v["label"], "score": v["score"], "reasons": v["reasons"],
                                        "attribution": v["attribution"], "modality": v["modality"]},
                           v["detectors"], v["fingerprint"])
    return len(judged), n_files


def time_to_idle(tree, case_dir, timeout_s):
    """Seconds until `main.py gui --screenshot` of `tree` exits (capped by its screenshot timeout)."""
    out = os.path.join(tempfile.mkdtemp(prefix="large-case-"), "window.png")
    env = dict(os.environ, PYTHONPATH=tree, QT_QPA_PLATFORM="offscreen")
    started = time.perf_counter()
    done = subprocess.run([sys.executable, os.path.join(tree, "main.py"), "gui", "--case", case_dir,
                           "--screenshot", out, "--screenshot-timeout", str(timeout_s)],
                          cwd=tree, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    timed_out = "still running after the timeout" in done.stderr
    return seconds, timed_out


def base_tree():
    folder = tempfile.mkdtemp(prefix=f"base-{BASE}-")
    archive = subprocess.run(["git", "-C", ROOT, "archive", BASE], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", folder], input=archive, check=True)
    return folder


def open_case_speed(case_dir, timeout_s=300.0):
    rows = []
    for name, tree in (("this tree", ROOT), (f"base {BASE}", base_tree())):
        seconds, timed_out = time_to_idle(tree, case_dir, timeout_s)
        rows.append((name, seconds, timed_out))
        print(f"{name:>16}: {'>' if timed_out else ' '}{seconds:7.1f} s to idle"
              + (" (not idle at the timeout)" if timed_out else ""), flush=True)
    print(f"base / this tree: {'>' if rows[1][2] else ''}{rows[1][1] / rows[0][1]:.1f}x")
    return rows


def through_jpeg(image, quality):
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="JPEG", quality=quality)
    return np.asarray(Image.open(buffer))


def history_images(per_quality=1):
    """(name, pixels): real digits through JPEG at every quality 20-98, then clean digits."""
    images = []
    for quality in range(20, 99):
        start = 5000 + (quality - 20) * per_quality
        images += [(f"q{quality}", through_jpeg(d, quality)) for d in mnist_uint8(start, start + per_quality)]
    return images + [("clean", d) for d in mnist_uint8(6000, 6040)]


def history_speed(per_quality=1):
    """Per-file seconds of jpeg_history's search with its matrix products made whole (the base
    commit's way: OpenBLAS splits them over threads) and HISTORY_ROWS rows at a time (on the calling
    thread), interleaved; the two must read the same history from every image."""
    from engine.data import channels

    chunked = channels.HISTORY_ROWS
    spent = {"whole": 0.0, "chunked": 0.0}
    differ = []
    images = history_images(per_quality)
    try:
        for name, image in images:
            found = {}
            for way, rows in (("whole", 1 << 30), ("chunked", chunked)):
                channels.HISTORY_ROWS = rows
                started = time.perf_counter()
                found[way] = channels._read_history(image)
                spent[way] += time.perf_counter() - started
            if found["whole"] != found["chunked"]:
                differ.append((name, found["whole"], found["chunked"]))
    finally:
        channels.HISTORY_ROWS = chunked
    n = len(images)
    print(f"jpeg_history on {n} images: products whole {spent['whole'] / n * 1000:.1f} ms/file, "
          f"{chunked} rows at a time {spent['chunked'] / n * 1000:.1f} ms/file, ratio "
          f"{spent['whole'] / spent['chunked']:.2f}x; histories differ on {len(differ)}/{n}")
    return differ


def test_history_read_with_small_products_is_the_same_and_faster():
    assert history_speed() == []


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "history"
    if what == "build":
        print(build(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else N_FILES))
    elif what == "open":
        open_case_speed(sys.argv[2], float(sys.argv[3]) if len(sys.argv) > 3 else 300.0)
    else:
        print(history_speed(int(sys.argv[2]) if len(sys.argv) > 2 else 1))
