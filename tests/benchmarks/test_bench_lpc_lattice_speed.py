"""Speed of lpc-lattice's reading (engine/detectors/lpc_lattice.py) against the plain reading it replaced, on the
same recordings: seconds per recording, their ratio, and whether (hits, windows) agree (docs/studies.md,
"lpc-lattice's screen (2026-12-03, eighteenth pass)").

The baseline, `baseline_hits`, is the reading before the screen: one LLL per window, every window. The new
reading skips the LLL of a window whose least-squares residual RMS exceeds RMS_MAX (SCREEN_RMS, 100, before the
forty-second pass).

Default set (made here): flite `kal` digits and two sentences, espeak-ng (resampled from 22.05 kHz), FSDD
recordings of four speakers, and two of them through mu-law and 8-bit (no window read).

Run: PYTHONPATH=. OMP_NUM_THREADS=1 python -m pytest tests/benchmarks/test_bench_lpc_lattice_speed.py -s
  or python tests/benchmarks/test_bench_lpc_lattice_speed.py FILE.wav ...
"""
import os
import shutil
import subprocess
import sys
import time

import numpy as np
import pytest

from engine.detectors import lpc_lattice as L

FSDD = "/work/shared/data/fsdd"
FSDD_FILES = ("0_george_3", "4_george_40", "7_jackson_11", "2_jackson_33", "5_lucas_8", "9_lucas_27",
              "1_nicolas_19", "6_nicolas_45")
WORDS = ("three", "seven", "nine")
SENTENCES = ("The birch canoe slid on the smooth planks.", "Rice is often served in round bowls.")


def baseline_window_fit(y, s):
    """The plain reading's window_fit: LLL on the embedding basis, then each candidate row checked in turn."""
    past = np.stack([y[s - k:s - k + L.WINDOW] for k in range(1, L.ORDER + 1)], 1)
    t = y[s:s + L.WINDOW]
    a = np.linalg.lstsq(past.astype(np.float64), t.astype(np.float64), rcond=None)[0]
    c0 = np.round(a * L.Q).astype(np.int64)
    d = L.WINDOW + L.ORDER + 1
    basis = np.zeros((d, d), dtype=np.int64)
    basis[np.arange(L.WINDOW), np.arange(L.WINDOW)] = 8 * L.Q
    basis[L.WINDOW:L.WINDOW + L.ORDER, :L.WINDOW] = past.T
    basis[L.WINDOW + np.arange(L.ORDER), L.WINDOW + np.arange(L.ORDER)] = 1
    basis[-1, :L.WINDOW] = L.Q * t - past @ c0
    basis[-1, -1] = L.Q
    best = (0.0, 0.0, None)
    for row in L.lll(basis):
        if abs(row[-1]) != L.Q:
            continue
        for x in (row[L.WINDOW:L.WINDOW + L.ORDER], -row[L.WINDOW:L.WINDOW + L.ORDER]):
            c = c0 + x.astype(np.int64)
            r = t - past @ c / L.Q
            share = float(np.mean(L.lattice_distance(r) < 1.0))
            if share > best[0]:
                best = (share, float(np.sqrt(np.mean(r ** 2))), c)
    return best


def baseline_hit(y, s):
    """The hit rule (lpc_lattice.hit) on the plain fit, the window searched whatever its least-squares residual
    above the rounding floor: the screen is what the benchmark compares."""
    if L.least_squares_rms(y, s, L.ORDER) < L.NARROW.floor:
        return False
    share, rms, c = baseline_window_fit(y, s)
    return share >= L.ON_LATTICE and L.RMS_MIN <= rms <= L.RMS_MAX and not L.on_coefficient_grid(c)


def baseline_hits(audio):
    """(hits, windows) of the plain reading: every window searched."""
    y = L.samples_16bit(audio)
    starts = L.candidate_windows(y)
    return sum(baseline_hit(y, s) for s in starts), len(starts)


def default_files(folder):
    """The default set, written into `folder` (the synthetic and coded files) and read from FSDD."""
    files = []
    for k, text in enumerate(WORDS + SENTENCES):
        files.append(os.path.join(folder, f"kal_{k}.wav"))
        subprocess.run(["flite", "-voice", "kal", "-t", text, "-o", files[-1]], check=True, capture_output=True)
    for k, text in enumerate(WORDS[:1] + SENTENCES[:1]):
        files.append(os.path.join(folder, f"espeak_{k}.wav"))
        subprocess.run(["espeak-ng", "-w", files[-1], text], check=True, capture_output=True)
    files += [os.path.join(FSDD, f"{name}.wav") for name in FSDD_FILES]
    for name in FSDD_FILES[:2]:
        for tag, options in (("mulaw", ["-e", "u-law"]), ("u8", ["-b", "8", "-e", "unsigned-integer"])):
            files.append(os.path.join(folder, f"{tag}_{name}.wav"))
            subprocess.run(["sox", os.path.join(FSDD, f"{name}.wav"), *options, files[-1]], check=True)
    return files


def compare(paths):
    """Per recording: (seconds plain, seconds screened, (hits, windows) plain, (hits, windows) screened)."""
    from engine.data.loaders import load_path

    rows = []
    for path in paths:
        audio = load_path(path).audio
        start = time.perf_counter()
        before = baseline_hits(audio)
        middle = time.perf_counter()
        after = L.hits(audio)[:2]
        rows.append((middle - start, time.perf_counter() - middle, before, after))
        print(f"{os.path.basename(path):28s} plain {rows[-1][0]:6.2f} s  screened {rows[-1][1]:6.2f} s  ratio "
              f"{rows[-1][0] / max(rows[-1][1], 1e-9):6.1f}  (hits, windows) {before} vs {after} "
              f"{'equal' if before == after else 'DIFFER'}", flush=True)
    plain, screened = sum(r[0] for r in rows), sum(r[1] for r in rows)
    print(f"{len(rows)} recordings: plain {plain:.1f} s, screened {screened:.1f} s, ratio {plain / screened:.1f}; "
          f"(hits, windows) equal on {sum(r[2] == r[3] for r in rows)} of {len(rows)}")
    return rows


@pytest.mark.skipif(not all(map(shutil.which, ("flite", "espeak-ng", "sox"))) or not os.path.isdir(FSDD),
                    reason="needs flite, espeak-ng, sox and FSDD")
def test_bench_the_screened_reading_decides_as_the_plain_one(tmp_path):
    rows = compare(default_files(str(tmp_path)))
    assert all(before == after for _, _, before, after in rows)
    assert sum(after[0] for *_, after in rows[:len(WORDS + SENTENCES)]) >= 10  # kal still hits


if __name__ == "__main__":
    compare(sys.argv[1:])
