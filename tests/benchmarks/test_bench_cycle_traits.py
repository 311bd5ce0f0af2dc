"""Glottal-cycle traits of real and synthesised speech at the verdict's 8 kHz (docs/verdicts.md,
"Speech synthesis, third pass (2026-12-01, third pass)"): the jitter became the `cycle-jitter`
detector's statistic (only its near-zero end), the repeat residual was not adopted.

Rule-based and statistical text-to-speech place pitch periods on a smooth generated F0 contour,
so cycle-to-cycle period perturbation (jitter) and cycle-to-cycle waveform change should be lower
than a human voice's. Two statistics per recording, from the waveform resampled to 8 kHz as
the verdict reads it (engine.data.representations.to_speech_rate):

- jitter: engine/detectors/cycle_jitter.py's (cycles tracked with sub-sample periods, the F0
  trend removed by second differences); the detector scores only jitter below 0.05 %;
- repeat residual: log10 of the smallest share of a loud cycle's energy that the next cycle
  leaves unexplained, after aligning them to a fraction of a sample (4x band-limited upsampling,
  then least squares on the cycle, its first and second derivatives and a constant: a
  second-order Taylor shift and a gain). A recording never repeats a cycle exactly (aspiration,
  jitter, shimmer, room noise); a synthesiser that duplicates a stored period may.

    python tests/benchmarks/test_bench_cycle_traits.py SET_DIR [SET_DIR ...]   # folders of WAVs
    python tests/benchmarks/test_bench_cycle_traits.py fsdd SPEAKER [FSDD_DIR]
    python -m pytest tests/benchmarks/test_bench_cycle_traits.py -s -o addopts=""
"""
import glob
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

from engine.detectors.cycle_jitter import cycle_runs, jitter

UP = 4  # upsampling for the sub-sample alignment of adjacent cycles
FSDD = "/work/shared/data/fsdd"


def load(path):
    import soundfile

    from engine.data.representations import to_speech_rate

    audio, rate = soundfile.read(path, dtype="float32", always_2d=True)
    return to_speech_rate(audio.mean(axis=1), rate).astype(np.float64)


def _upsampled_with_derivatives(x):
    n = x.size
    spectrum = np.zeros(n * UP // 2 + 1, complex)
    spectrum[:n // 2 + 1] = np.fft.rfft(x) * UP
    omega = 2j * np.pi * np.fft.rfftfreq(n * UP)
    return [np.fft.irfft(spectrum * omega ** k, n * UP) for k in range(3)]


def repeat_residual(x):
    """log10 of the smallest unexplained energy share of a loud cycle (one of those within 10 dB
    of the loudest tenth) after the next cycle is aligned to it (module docstring); None with
    fewer than 10 cycles."""
    u, du, d2u = _upsampled_with_derivatives(x)
    residual, energy = [], []
    for run in cycle_runs(x):
        for t, window, period in run:
            here = slice(UP * t, UP * (t + window))
            basis = np.stack([u[here], du[here], d2u[here], np.ones(UP * window)], axis=1)
            best = np.inf
            for lag in range(int(round(UP * period)) - 2, int(round(UP * period)) + 3):
                nxt = u[UP * t + lag:UP * (t + window) + lag]
                if nxt.size != UP * window:
                    continue
                left = nxt - basis @ np.linalg.lstsq(basis, nxt, rcond=None)[0]
                centred = nxt - nxt.mean()
                best = min(best, (left @ left) / (centred @ centred + 1e-30))
            if np.isfinite(best):
                residual.append(best)
                energy.append(np.mean(u[here] ** 2))
    if len(residual) < 10:
        return None
    residual, energy = np.array(residual), np.array(energy)
    loud = energy >= 0.1 * np.quantile(energy, 0.9)
    return float(np.log10(residual[loud].min() + 1e-9))


def measure(name, paths):
    jitters = np.array([j if (j := jitter(load(p))[0]) is not None else np.nan for p in paths])
    repeat = np.array([r if (r := repeat_residual(load(p))) is not None else np.nan for p in paths])
    j, r = jitters[np.isfinite(jitters)], repeat[np.isfinite(repeat)]
    line = (f"{name:24s} n={len(paths)}  jitter (measured {j.size}): 5th/50th/95th pct "
            f"{np.percentile(j, 5):.2f}/{np.percentile(j, 50):.2f}/{np.percentile(j, 95):.2f} %  |  repeat residual "
            f"(measured {r.size}): lowest {r.min():.2f}, median {np.median(r):.2f}, below -3.5: {(r < -3.5).sum()}, "
            f"below -4: {(r < -4).sum()}")
    print(line, flush=True)
    return jitters, repeat


def fsdd_files(speaker, folder=FSDD, takes=range(50)):
    return sorted(p for p in glob.glob(os.path.join(folder, f"*_{speaker}_*.wav"))
                  if int(os.path.basename(p).split("_")[-1][:-4]) in takes)


def flite_digits(voice, folder):
    """The ten English digits from flite's `voice` at duration stretches 0.9-1.25 (40 WAVs)."""
    os.makedirs(folder, exist_ok=True)
    words = "zero one two three four five six seven eight nine".split()
    for stretch in (0.9, 1.0, 1.1, 1.25):
        for k, word in enumerate(words):
            subprocess.run(["flite", "-voice", voice, "--setf", f"duration_stretch={stretch}", "-t", word,
                            "-o", os.path.join(folder, f"{k}_{stretch}.wav")], check=True, capture_output=True)
    return sorted(glob.glob(os.path.join(folder, "*.wav")))


@pytest.mark.skipif(shutil.which("flite") is None or not os.path.isdir(FSDD),
                    reason="needs flite and the FSDD recordings")
def test_bench_cycle_traits_flite_slt_against_fsdd(tmp_path):
    _, real_repeat = measure("george takes 0-9", fsdd_files("george", takes=range(10)))
    jitters, repeat = measure("flite slt", flite_digits("slt", str(tmp_path / "slt")))
    assert np.isfinite(jitters).sum() >= 30 and np.isfinite(real_repeat).sum() >= 90


if __name__ == "__main__":
    if sys.argv[1] == "fsdd":
        measure(sys.argv[2], fsdd_files(sys.argv[2], *(sys.argv[3:4] or [])))
    else:
        for folder in sys.argv[1:]:
            measure(os.path.basename(folder.rstrip("/")), sorted(glob.glob(os.path.join(folder, "*.wav"))))
