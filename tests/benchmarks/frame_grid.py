"""Envelope changes locked to a synthesiser's frame grid: the forty-fourth pass's measurement (docs/studies.md,
"Envelope changes on a vocoder's frame grid: not there", forty-fourth pass). Nothing here is part of the product.

A vocoder that updates its filter every frame in steps puts the changes of its spectral envelope on a fixed grid of
the file's samples (every 4, 5 or 10 ms), whatever the pitch. Read at the file's own rate:

- the change signals: log energies of 16 bands of 4 ms Hann windows every 1/8 ms (one sample at 8 kHz), over the
  stretch within 40 dB of the loudest window; `flux` = RMS over bands of L(t + 2 ms) - L(t) (how fast the envelope
  changes), `kink` = RMS of L(t + 2 ms) - 2 L(t) + L(t - 2 ms) (where that rate changes: a step's edges, a
  piecewise-linear interpolation's knots), each less its running mean over 9 samples;
- per candidate period P (4, 5, 10 ms) and signal: the fold's first harmonic (sum of s(t) exp(2 pi i t / P), t the
  window's centre in samples of the file) in each 25 ms segment, and Rayleigh's z of those segments' phases (about
  Exp(1) where no grid holds them; the file's score is the largest of the six z less ln 6);
- and the whole file's fold power at P against DECOYS periods within 0.8-1.25 of P, none within 2 % of a candidate's
  multiple or fraction (a steady voice's pitch moves the decoys as much as the candidate): the largest ratio to the
  decoys' median, and whether any candidate's power exceeds all of its decoys'.

Controls: real 16 kHz clips re-synthesised by an LPC vocoder (order 18, 25 ms windows, a smooth F0 of 80-150 Hz and
a little noise) whose filter is updated every frame in steps (`step5`, `step10`: 5 and 10 ms) or whose reflection
coefficients are interpolated every sample across the frame as an MLSA vocoder interpolates its coefficients
(`interp5`: hts_engine's and flite's `cinc`).

    python tests/benchmarks/frame_grid.py sentences OUT_DIR             # SENTENCES: pico2wave, flite slt, HTS
    python tests/benchmarks/frame_grid.py codecs OUT_DIR 'GLOB'         # every tenth clip (from the third) through
                                                                        # MP3 32k, Opus 24k, AAC 32k, back to 16 kHz PCM
    python tests/benchmarks/frame_grid.py controls OUT_DIR 'GLOB'       # the three controls of each 16 kHz clip
    python tests/benchmarks/frame_grid.py read OUT.jsonl NAME='GLOB' ...  # per file readings, one JSON line each
    python tests/benchmarks/frame_grid.py table OUT.jsonl ...             # per set: scores and fold ratios
"""
import collections
import glob
import json
import os
import sys

import numpy as np
import soundfile

PERIODS_MS = (4.0, 5.0, 10.0)
SIGNALS = ("flux", "kink")
WINDOW_MS, SPAN_MS, SEGMENT_MS = 4.0, 2.0, 25.0
BANDS = 16
LOUD_DB = 40.0
DECOYS = [q for q in np.linspace(0.8, 1.25, 60)]


def change_signals(x, fs):
    """({name: signal}, window centres in samples of the file), or None for a file too short or silent."""
    from numpy.lib.stride_tricks import sliding_window_view

    hop = max(1, int(round(fs / 8000)))
    width = int(round(fs * WINDOW_MS / 1000)) // 2 * 2
    span = max(1, int(round(fs * SPAN_MS / 1000 / hop)))
    if x.size < width + 40 * hop:
        return None
    power = np.abs(np.fft.rfft(sliding_window_view(x, width)[::hop] * np.hanning(width), axis=1)) ** 2
    total = power.sum(axis=1)
    if total.max() <= 0:
        return None
    edges = np.linspace(1, power.shape[1], BANDS + 1).astype(int)
    levels = np.log(np.stack([power[:, a:b].sum(axis=1) for a, b in zip(edges[:-1], edges[1:])], 1)
                    + total.max() * 1e-14)
    n = levels.shape[0]
    flux, kink = np.zeros(n), np.zeros(n)
    flux[:n - span] = np.sqrt(np.mean((levels[span:] - levels[:-span]) ** 2, axis=1))
    kink[span:n - span] = np.sqrt(np.mean((levels[2 * span:] - 2 * levels[span:-span] + levels[:-2 * span]) ** 2, 1))
    loud = np.nonzero(total > total.max() * 10 ** (-LOUD_DB / 10))[0]
    a, b = loud[0] + span, loud[-1] - span
    if b - a < 64:
        return None
    centres = np.arange(n) * hop + width / 2
    flux_centres = centres + span * hop / 2
    out = {name: s[a:b] - np.convolve(s[a:b], np.ones(9) / 9, "same") for name, s in (("flux", flux), ("kink", kink))}
    return out, {"flux": flux_centres[a:b], "kink": centres[a:b]}, fs / hop


def decoy_periods(period):
    """Periods within 0.8-1.25 of `period`, none within 2 % of a candidate's multiple or fraction."""
    out = []
    for q in np.array(DECOYS) * period:
        ratios = np.concatenate([q / np.array(PERIODS_MS), np.array(PERIODS_MS) / q])
        if np.min(np.abs(ratios - np.round(ratios)) / np.maximum(np.round(ratios), 1)) >= 0.02:
            out.append(q)
    return out


def fold(s, positions, period):
    return s * np.exp(2j * np.pi * positions / period)


def segment_z(s, positions, period, segment):
    """Rayleigh's z of the phases of the fold's first harmonic in each `segment` samples of s."""
    count = s.size // segment
    if count < 4:
        return 0.0
    c = fold(s, positions, period)[:count * segment].reshape(count, segment).sum(axis=1)
    return float(count * abs(np.mean(c / (np.abs(c) + 1e-30))) ** 2)


def fold_power(s, positions, period):
    return float(abs(fold(s, positions, period).sum()) ** 2 / (s @ s + 1e-30))


def read_file(path):
    x, fs = soundfile.read(path, dtype="float64", always_2d=True)
    got = change_signals(x.mean(axis=1), fs)
    if got is None:
        return None
    signals, centres, rate = got
    segment = int(round(rate * SEGMENT_MS / 1000))
    readings = {}
    for name in SIGNALS:
        s, t = signals[name], centres[name]
        for p_ms in PERIODS_MS:
            period = fs * p_ms / 1000
            power = fold_power(s, t, period)
            decoys = np.array([fold_power(s, t, fs * q / 1000) for q in decoy_periods(p_ms)])
            readings[f"{name}@{p_ms:g}"] = {"z": segment_z(s, t, period, segment), "ratio": power / np.median(decoys),
                                            "above_all": bool(power > decoys.max())}
    return {"path": path, "rate": fs, "readings": readings,
            "score": max(r["z"] for r in readings.values()) - np.log(len(readings))}


def levinson(r, order):
    """(Predictor 1, a1..an; error; reflection coefficients) of autocorrelation r."""
    a, error, reflections = np.eye(order + 1)[0], r[0], np.zeros(order)
    for i in range(1, order + 1):
        k = -(r[i] + a[1:i] @ r[i - 1:0:-1]) / error
        a[1:i + 1] = a[1:i + 1] + k * a[i - 1::-1][:i]
        error *= 1 - k * k
        reflections[i - 1] = k
    return a, error, reflections


def vocoder(x, fs, hop, interpolate, rng, order=18):
    """x re-synthesised: an LPC fit every `hop` samples (25 ms Hann windows), pulses at a smooth F0 plus noise, the
    filter updated per hop in steps (direct form, its state carried) or its reflection coefficients and gain
    interpolated every sample (a lattice)."""
    from scipy.signal import lfilter

    width = int(0.025 * fs)
    padded = np.pad(x, (width // 2, width))
    lag = np.exp(-0.5 * (0.01 * np.arange(order + 1)) ** 2)
    fits = []
    for i in range(len(x) // hop + 1):
        f = padded[i * hop:i * hop + width] * np.hanning(width)
        r = np.correlate(f, f, "full")[width - 1:width + order] * lag
        r[0] = r[0] * 1.0001 + 1e-9
        fits.append(levinson(r, order))
    t = np.arange(len(x)) / fs
    f0 = 110 + 30 * np.sin(2 * np.pi * 1.3 * t + rng.uniform(0, 6)) + rng.uniform(-10, 10)
    source = np.diff(np.floor(np.cumsum(f0 / fs)), prepend=0.0) * np.sqrt(fs / f0) + 0.05 * rng.standard_normal(len(x))
    y = np.zeros(len(x))
    if not interpolate:
        state = np.zeros(order)
        for i, (a, error, _) in enumerate(fits[:(len(x) + hop - 1) // hop]):
            part = slice(i * hop, min(len(x), (i + 1) * hop))
            y[part], state = lfilter([np.sqrt(error)], a, source[part], zi=state)
        return y
    at = np.arange(len(x)) / hop
    k = np.stack([np.interp(at, np.arange(len(fits)), [f[2][j] for f in fits]) for j in range(order)], 1)
    gain = np.interp(at, np.arange(len(fits)), [np.sqrt(f[1]) for f in fits])
    back = np.zeros(order + 1)
    for n in range(len(x)):
        forward = source[n] * gain[n]
        for m in range(order - 1, -1, -1):
            forward -= k[n, m] * back[m]
            back[m + 1] = back[m] + k[n, m] * forward
        back[0] = y[n] = forward
    return y


SENTENCES = [
    "The quick brown fox jumps over the lazy dog near the riverbank.",
    "Please remember to water the plants before you leave for the weekend.",
    "A gentle breeze carried the smell of fresh bread through the open window.",
    "The committee will announce its decision on Thursday afternoon.",
    "Several children were playing football in the muddy field behind the school.",
    "She measured the distance twice before cutting the long wooden board.",
]
CODECS = {"mp3_32k": ["-c:a", "libmp3lame", "-b:a", "32k", ".mp3"],
          "opus24k": ["-c:a", "libopus", "-b:a", "24k", ".opus"],
          "aac32k": ["-c:a", "aac", "-b:a", "32k", ".m4a"]}


def sentences(out_dir):
    """Pico en-US (16 kHz), flite slt (16 kHz) and festival's HTS voice (32 kHz) saying SENTENCES."""
    import subprocess

    for name in ("pico", "slt", "hts"):
        os.makedirs(os.path.join(out_dir, name), exist_ok=True)
    for i, text in enumerate(SENTENCES, 1):
        subprocess.run(["pico2wave", "-l", "en-US", "-w", os.path.join(out_dir, "pico", f"s{i}.wav"), text], check=True)
        subprocess.run(["flite", "-voice", "slt", "-t", text, "-o", os.path.join(out_dir, "slt", f"s{i}.wav")],
                       check=True)
        subprocess.run(["text2wave", "-eval", "(voice_cmu_us_slt_arctic_hts)", "-o",
                        os.path.join(out_dir, "hts", f"s{i}.wav")], input=text.encode(), check=True)


def codecs(out_dir, pattern):
    """Every tenth file of `pattern` from the third through each of CODECS and back to 16-bit PCM at 16 kHz."""
    import subprocess
    import tempfile

    for path in sorted(glob.glob(pattern))[2::10]:
        stem = os.path.basename(path).split(".")[0]
        for name, (*options, suffix) in CODECS.items():
            os.makedirs(os.path.join(out_dir, name), exist_ok=True)
            with tempfile.TemporaryDirectory() as scratch:
                coded = os.path.join(scratch, "coded" + suffix)
                subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", path, *options, coded], check=True)
                subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", coded, "-ar", "16000", "-c:a", "pcm_s16le",
                                os.path.join(out_dir, name, stem + ".wav")], check=True)


def controls(out_dir, pattern):
    rng = np.random.default_rng(1)
    for path in sorted(glob.glob(pattern)):
        x, fs = soundfile.read(path, dtype="float64")
        for name, hop, interpolate in (("step5", 0.005, False), ("step10", 0.010, False), ("interp5", 0.005, True)):
            y = vocoder(x, fs, int(round(hop * fs)), interpolate, rng)
            os.makedirs(os.path.join(out_dir, name), exist_ok=True)
            soundfile.write(os.path.join(out_dir, name, os.path.basename(path)), 0.5 * y / (np.abs(y).max() + 1e-12),
                            fs, subtype="PCM_16")


def read(out, specs):
    with open(out, "w") as fh:
        for spec in specs:
            name, pattern = spec.split("=", 1)
            for path in sorted(glob.glob(pattern)):
                row = read_file(path) or {"path": path, "unread": "too short or silent"}
                fh.write(json.dumps(dict(row, set=name)) + "\n")


def table(paths):
    sets = collections.defaultdict(list)
    for path in paths:
        for line in open(path):
            row = json.loads(line)
            sets[row["set"]].append(row)
    print("| set | n (read) | score: median / 95th percentile / largest / above ln 100 | largest fold ratio: median / "
          "95th percentile | a candidate above all its decoys |")
    for name, rows in sets.items():
        read_rows = [r for r in rows if "readings" in r]
        score = np.array([r["score"] for r in read_rows])
        ratio = np.array([max(v["ratio"] for v in r["readings"].values()) for r in read_rows])
        above = sum(any(v["above_all"] for v in r["readings"].values()) for r in read_rows)
        print(f"| {name} | {len(rows)} ({len(read_rows)}) | {np.median(score):.2f} / {np.percentile(score, 95):.2f} / "
              f"{score.max():.2f} / {(score > np.log(100)).sum()} | {np.median(ratio):.1f} / "
              f"{np.percentile(ratio, 95):.1f} | {above} |")


if __name__ == "__main__":
    command, arguments = (sys.argv[1] if len(sys.argv) > 1 else ""), sys.argv[2:]
    if command == "sentences":
        sentences(*arguments)
    elif command == "codecs":
        codecs(*arguments)
    elif command == "controls":
        controls(*arguments)
    elif command == "read":
        read(arguments[0], arguments[1:])
    elif command == "table":
        table(arguments)
    else:
        sys.exit(__doc__)
