"""Upsampling tones of neural vocoders, read at the file's own rate (docs/studies.md, "Neural vocoders at the
file's own rate", forty-first pass). Not part of the product.

A vocoder that upsamples mel frames by transposed convolutions or repeated strides (MelGAN, Parallel WaveGAN,
HiFi-GAN) can leave tones at k * rate / S for its cumulative strides S (Pons et al., "Upsampling artifacts in neural
audio synthesis", ICASSP 2021). For each grid S this measures how far the spectrum at the grid's frequencies stands
above its neighbours, against the same measure half a grid step away (where no tone is expected), in the long-term
spectrum and in the quietest frames.

    python tests/benchmarks/vocoder_tones.py make OUT                # the untouched sets (data/vocoder_tones_untouched.md)
    python tests/benchmarks/vocoder_tones.py measure OUT.tsv DIR...  # one row per file and grid
    python tests/benchmarks/vocoder_tones.py measure-upper OUT.tsv DIR...  # the same, grid points above 4 kHz only
    python tests/benchmarks/vocoder_tones.py count OUT.tsv [GRID] [Z]  # files whose long-term z on GRID exceeds Z
    python tests/benchmarks/vocoder_tones.py pairs OUT.tsv [GRID]      # each copy against the recording it copied
    python -m pytest tests/benchmarks/vocoder_tones.py -o addopts=""
"""
import glob
import os
import re
import subprocess
import sys

import numpy as np

from tests.benchmarks.test_bench_voice_domain import git_blob

MIRROR = "/work/.mirror"
# (set, repository, commit, the paths read): every file matching, named in data/vocoder_tones_untouched.md
UNTOUCHED = (("V-melgan-seungwonpark", "seungwonpark/melgan", "dc14e2eca661a7ed198dc6253e83eb001a8171d4",
              r"audios/LJ.*_reconstructed_epoch\d+\.wav"),
             ("V-real-lj", "seungwonpark/melgan", "dc14e2eca661a7ed198dc6253e83eb001a8171d4",
              r"audios/LJ\d+-\d+\.wav"),
             ("V-flows", "tienmanhptit1312/FlowVocoder-demo-pages", "3a6dcb405218c32e4f5d5f437e55279a8ca59a61",
              r"(Neural-Vocoder|TTS)/.*\.wav"),
             ("V-real-lj", "tienmanhptit1312/FlowVocoder-demo-pages", "3a6dcb405218c32e4f5d5f437e55279a8ca59a61",
              r"Ground-truth/.*\.wav"),
             ("V-real-bigvgan", "NVIDIA/BigVGAN", "7d2b454564a6c7d014227f635b7423881f14bdac",
              r"demo/examples/(hifitts_44k|libritts_24k|jensen_24k)\.wav"))
# the grids: powers of two (strided stacks; 2 and 4 hold fewer than two tones below rate / 2, too few for a comb) and
# the hops of the demos' vocoders (PWG at 24 kHz: 300)
GRIDS = (8, 16, 32, 64, 128, 256, 200, 240, 275, 300, 512)
AUDIO = (".wav", ".flac", ".mp3", ".ogg", ".opus")  # what the sets and the outside speech hold
WINDOW_S = 0.2  # about 5 Hz resolution: a tone at an exact frequency stands in one bin


def make(out):
    for name, repo, commit, wanted in UNTOUCHED:
        clone = os.path.join(MIRROR, repo.replace("/", "+"), "repo")
        if os.path.isdir(os.path.join(clone, ".git")):  # some mirrors are a work tree, not a bare clone
            clone = os.path.join(clone, ".git")
        paths = subprocess.run(["git", "-C", clone, "ls-tree", "-r", "--name-only", "-z", commit], check=True,
                               capture_output=True, text=True).stdout.split("\0")
        for path in (p for p in paths if re.fullmatch(wanted, p)):
            safe = re.sub(r"[^A-Za-z0-9._-]+", "_", f"{repo.split('/')[1]}__{path}")
            git_blob(clone, commit, path, os.path.join(out, name, safe))


def spectra(audio, rate, quiet_share=0.3):
    """(Hz, long-term power, power of the quietest frames): Hann frames of WINDOW_S, half overlapping; the quiet
    frames are the quiet_share with the least energy among those not digitally silent."""
    from scipy import signal

    size = 1 << int(round(np.log2(WINDOW_S * rate)))
    hz, _, frames = signal.stft(audio, rate, nperseg=size, noverlap=size // 2, boundary=None, padded=False)
    power = np.abs(frames) ** 2
    energy = power.sum(axis=0)
    live = np.flatnonzero(energy > energy.max() * 1e-9)
    quiet = live[np.argsort(energy[live])[:max(1, int(quiet_share * live.size))]]
    return hz, power[:, live].mean(axis=1), power[:, quiet].mean(axis=1)


def prominence(power, hz, frequencies, half_width_hz=60.0):
    """Per frequency, dB of the strongest of the two nearest bins over the median of the bins within +-half_width
    (the two nearest left out)."""
    step = hz[1]
    reach = max(3, int(half_width_hz / step))
    db = 10 * np.log10(power + 1e-30)
    out = []
    for f in frequencies:
        k = int(np.floor(f / step))
        if k - reach < 1 or k + 1 + reach >= hz.size:
            continue
        near = db[k:k + 2].max()
        around = np.r_[db[k - reach:k - 1], db[k + 3:k + 2 + reach]]
        out.append(near - np.median(around))
    return np.array(out)


def comb(power, hz, on, off):
    """(mean prominence on the grid minus half a step off, that difference over its standard error): many weak
    tones on one grid add up where a single one would drown among a voice's harmonics."""
    a, b = prominence(power, hz, on), prominence(power, hz, off)
    if a.size < 2 or b.size < 2:
        return np.nan, np.nan
    diff = a.mean() - b.mean()
    return float(diff), float(diff / np.sqrt(a.var(ddof=1) / a.size + b.var(ddof=1) / b.size + 1e-12))


def grid_scores(audio, rate, low_hz=1000.0):
    """Per grid S: comb() on the grid k * rate / S above low_hz, for the long-term and the quiet spectrum."""
    hz, whole, quiet = spectra(audio, rate)
    rows = {}
    for s in GRIDS:
        step = rate / s
        if step < 4 * hz[1]:
            continue
        on = np.arange(1, s // 2 + 1) * step
        on = on[(on >= low_hz) & (on < rate / 2 - step)]
        rows[s] = comb(whole, hz, on, on + step / 2) + comb(quiet, hz, on, on + step / 2)
    return rows


def measure(out_tsv, dirs, low_hz=1000.0):
    import soundfile

    with open(out_tsv, "w") as f:
        f.write("set\tfile\trate\tgrid\twhole_db\twhole_z\tquiet_db\tquiet_z\n")
        for d in dirs:
            name = os.path.basename(os.path.normpath(d))
            for path in sorted(glob.glob(os.path.join(d, "**", "*.*"), recursive=True)):
                if not path.lower().endswith(AUDIO):
                    continue
                audio, rate = soundfile.read(path, dtype="float64", always_2d=True)
                audio = audio.mean(axis=1)
                if audio.size < rate * 0.5:
                    continue
                for s, v in grid_scores(audio, rate, low_hz).items():
                    f.write(f"{name}\t{os.path.basename(path)}\t{rate}\t{s}\t" + "\t".join(f"{x:.2f}" for x in v)
                            + "\n")


def count(tsv, grid=256, bound=6.0):
    """Per set, the files whose long-term comb z on the grid exceeds the bound (the study's frozen rule)."""
    import collections
    import csv

    n, over = collections.Counter(), collections.Counter()
    with open(tsv, newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            if int(row["grid"]) == grid:
                n[row["set"]] += 1
                over[row["set"]] += float(row["whole_z"]) > bound
    for name in sorted(n):
        print(f"{name}: {over[name]} of {n[name]} above z {bound} on rate/{grid}")


def recording_key(name):
    """What a demo file copied (its utterance on its page), so that a copy meets its own ground truth; None for a file
    with no recording beside it (text-to-speech samples)."""
    rules = ((r"ParallelWaveGAN__wav_([a-z]+)_.*?(LJ\d+-\d+|BASIC5000_\d+|\d{6})\.wav", r"pwg \1 \2"),
             (r"melgan-neurips.*assets_(ablation|inversion)_.*_(\d+)\.wav", r"melgan \1 \2"),
             (r"wavenet_vocoder__(.*)_checkpoint_step\d+(_ema)?_(predicted|target)\.wav", r"wavenet \1"),
             (r"(demos__.*?)_-.*\.wav", r"\1"))
    for pattern, key in rules:
        found = re.fullmatch(pattern, name)
        if found:
            return found.expand(key)
    return None


def pairs(tsv, grid=256):
    """Per set of copies, the copies whose long-term comb z on the grid exceeds their own recording's (T-real), and
    the median difference."""
    import collections
    import csv

    z, sets = {}, collections.defaultdict(list)
    with open(tsv, newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            if int(row["grid"]) == grid and recording_key(row["file"]) is not None:
                if row["set"] == "T-real":
                    z[recording_key(row["file"])] = float(row["whole_z"])
                else:
                    sets[row["set"]].append((recording_key(row["file"]), float(row["whole_z"])))
    for name, rows in sorted(sets.items()):
        diff = np.array([value - z[key] for key, value in rows if key in z])
        if diff.size:
            print(f"{name}: {int((diff > 0).sum())} of {diff.size} copies above their recording on rate/{grid}, "
                  f"median difference {np.median(diff):+.2f}, 90th percentile {np.percentile(diff, 90):+.2f}")


def test_vocoder_tones_finds_tones_on_the_stride_grid_and_none_in_noise():
    rate, seconds = 22050, 3.0
    rng = np.random.default_rng(1)
    t = np.arange(int(rate * seconds)) / rate
    noise = rng.standard_normal(t.size) * np.exp(-np.arange(t.size) / rate)  # a decaying hiss: loud and quiet frames
    tones = sum(0.01 * np.sin(2 * np.pi * k * rate / 256 * t + rng.uniform(0, 2 * np.pi)) for k in range(12, 128))
    imaged = grid_scores(noise + tones, rate)[256]
    plain = grid_scores(noise, rate)[256]
    assert imaged[1] > 6 and imaged[0] > 1  # long-term z and dB on the grid
    assert abs(plain[1]) < 4 and abs(plain[0]) < 0.5
    shifted = grid_scores(noise + tones, rate)[200]  # another grid does not see them
    assert abs(shifted[1]) < 4


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
    elif sys.argv[1] == "measure":
        measure(sys.argv[2], sys.argv[3:])
    elif sys.argv[1] == "measure-upper":  # the band no 8 kHz reading holds
        measure(sys.argv[2], sys.argv[3:], low_hz=4000.0)
    elif sys.argv[1] == "pairs":
        pairs(sys.argv[2], *(int(a) for a in sys.argv[3:4]))
    else:
        count(sys.argv[2], *(int(sys.argv[3]),) if len(sys.argv) > 3 else (), *(float(a) for a in sys.argv[4:5]))
