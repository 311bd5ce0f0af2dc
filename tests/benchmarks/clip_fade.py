"""Real speech clipped, or trimmed and faded into zeros, as recorders and editors leave it, against a `builtin:fsdd`
case (docs/studies.md, "Clipped and faded real speech", thirty-first pass).

    python tests/benchmarks/clip_fade.py build SET OUT_DIR     # SET: tuning or untouched
    python main.py verdict OUT_DIR --case CASE --json OUT.json
    python tests/benchmarks/clip_fade.py summary OUT.json      # labels and deciding detectors per group

Each file is named GROUP__SOURCE.wav. Edits:
- clipping: gain then saturation at 16-bit full scale (`hard`), or soft: tanh of the gained signal (`tanh`), or a
  look-ahead peak limiter (`limit`, gain reduction with 1 ms attack and 50 ms release to -0.1 dBFS);
- trimming and fading: cut at a voice-activity boundary (the first and last 10 ms frame within 40 dB of the loudest),
  faded out over 10-200 ms linearly, exponentially or along a raised cosine into 16-bit zeros, faded in over 10 ms
  (some), one zero sample before and 601-1,499 zeros after (odd lengths), as Speech Commands' trimmed examples are.

The untouched sets were named here, in the branch's first commit, before any file of them was built or measured:
- `hold`: Speech Commands v0.01 clips of the 19 speakers whose hash starts 8-f (/tmp/s34-lead/sc-hold, 152; the
  thirtieth pass judged them, as released, and nothing of them was looked at in this pass), as released;
- `hold-fade`: the same clips trimmed by SoX's `silence` effect and faded by SoX (`fade` with an inverted parabola,
  a logarithmic or a half-sine shape, 30, 90 or 150 ms out, 5 ms in, by turns), one zero sample before and 900-1,500
  zeros after, written without dither (`-D`): a tool and shapes not tuned on;
- `hold-clip3`: the same clips at gain x3, saturated at 16 bits (x3 was not tuned on);
- `theo-clip3`: theo and yweweler takes 10-14 (100) at gain x3, saturated;
- `theo-fade`: theo and yweweler takes 15-19 (100) trimmed by FFmpeg's `silenceremove` and faded by its `afade`
  (quarter-sine or cubic, 40 or 120 ms), padded by `apad` to odd lengths;
- detection side: espeak-ng `en-us` and `en+m3` (20 digits, 22.05 kHz as written), pico2wave `en-US` and `en-GB`
  (20 digits, 16 kHz) and flite `awb` (10 digits, 16 kHz), each at gain x3 saturated (`*-clip3`), and espeak-ng
  and Pico through `hold-fade`'s SoX recipe (`*-fade`): 90 files.
"""
import collections
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

import numpy as np
import soundfile

# Where the inputs lay when measured; to rebuild elsewhere, point these at: the whole FSDD (its `recordings/`), the
# theo and yweweler takes of github.com/Jakobovski/free-spoken-digit-dataset (not in builtin:fsdd), and the 300
# Speech Commands v0.01 clips of github.com/vinsis/speech-commands-recognition split by the speaker hash's first
# hex digit (0-7 tuning, 8-f held out).
FSDD = "/work/shared/data/fsdd"
FSDD2 = "/tmp/s34-lead/fsdd2"
SC_TUNE, SC_HOLD = "/tmp/s34-lead/sc-tune", "/tmp/s34-lead/sc-hold"
DIGITS = "zero one two three four five six seven eight nine".split()
FULL = 32767


def read(path):
    x, rate = soundfile.read(path, dtype="float64")
    return (x if x.ndim == 1 else x.mean(axis=1)), rate


def write(path, x, rate):
    soundfile.write(path, np.clip(np.round(x * 32768), -32768, FULL).astype(np.int16), rate, subtype="PCM_16")


def hard(x, gain):
    return np.clip(x * gain, -1.0, FULL / 32768)


def soft(x, gain):
    return np.tanh(x * gain) * 0.99


def limited(x, rate, gain=8.0, ceiling=10 ** (-0.1 / 20)):
    """A look-ahead peak limiter: the gain needed to keep each 1 ms ahead under the ceiling, attack 1 ms, release
    50 ms."""
    y = x * gain
    ahead = max(1, int(0.001 * rate))
    peak = np.array([np.abs(y[k:k + ahead]).max() for k in range(y.size)])
    need = np.minimum(1.0, ceiling / np.maximum(peak, 1e-12))
    release = np.exp(-1.0 / (0.05 * rate))
    g, out = 1.0, np.empty_like(need)
    for k, n in enumerate(need):
        g = n if n < g else n + (g - n) * release
        out[k] = g
    return np.clip(y * out, -1.0, FULL / 32768)


def vad_bounds(x, rate, below_db=40.0):
    frame = int(0.01 * rate)
    n = x.size // frame
    power = (x[:n * frame].reshape(n, frame) ** 2).mean(axis=1) + 1e-20
    on = np.flatnonzero(10 * np.log10(power / power.max()) > -below_db)
    return on[0] * frame, (on[-1] + 1) * frame


def faded(x, rate, shape, seconds, fade_in, trail):
    a, b = vad_bounds(x, rate)
    y = x[a:b].copy()
    n = min(y.size, int(seconds * rate))
    t = np.arange(n) / max(1, n - 1)
    gain = {"linear": 1 - t, "exp": (np.exp(-5 * t) - np.exp(-5)) / (1 - np.exp(-5)),
            "cosine": 0.5 * (1 + np.cos(np.pi * t))}[shape]
    y[y.size - n:] *= gain
    if fade_in:
        m = min(y.size, int(0.01 * rate))
        y[:m] *= np.arange(m) / m
    return np.concatenate([[0.0], y, np.zeros(trail)])


def build_tuning(out):
    rng = np.random.default_rng(31)
    fsdd = sorted(glob.glob(f"{FSDD}/*_2[0-2].wav"))  # takes 20-22 of the reference speakers (unused by the case)
    fsdd_fade = sorted(glob.glob(f"{FSDD}/*_2[5-6].wav"))  # takes 25-26
    sc = sorted(glob.glob(f"{SC_TUNE}/*.wav"))
    for group, files in (("fsdd", fsdd), ("sc", sc)):
        for path in files:
            x, rate = read(path)
            name = os.path.basename(path)
            for gain in (2, 4, 8):
                write(f"{out}/{group}-hard{gain}__{name}", hard(x, gain), rate)
            write(f"{out}/{group}-tanh4__{name}", soft(x, 4), rate)
            write(f"{out}/{group}-limit8__{name}", limited(x, rate), rate)
    for group, files in (("fsdd", fsdd_fade), ("sc", sc)):
        for k, path in enumerate(files):
            x, rate = read(path)
            name = os.path.basename(path)
            for shape in ("linear", "exp", "cosine"):
                seconds = (0.01, 0.05, 0.2)[(k + len(shape)) % 3]
                trail = int(rng.integers(300, 750)) * 2 + 1
                write(f"{out}/{group}-fade-{shape}__{name}",
                      faded(x, rate, shape, seconds, fade_in=k % 2 == 0, trail=trail), rate)


SOX_SHAPES = ("p", "l", "h")
SOX_SECONDS = (0.03, 0.09, 0.15)


def sox_faded(src, dst, k, rng):
    """hold-fade's recipe: SoX trims at its `silence` boundary, fades, pads, no dither."""
    trail = int(rng.integers(450, 750)) * 2 + 1
    with tempfile.NamedTemporaryFile(suffix=".wav") as trimmed:  # (SoX's fade needs a known length: two passes)
        subprocess.run(["sox", "-D", src, "-b", "16", trimmed.name, "silence", "1", "0.01", "1%", "reverse",
                        "silence", "1", "0.01", "1%", "reverse"], check=True, capture_output=True)
        subprocess.run(["sox", "-D", trimmed.name, "-b", "16", dst, "fade", SOX_SHAPES[k % 3], "0.005", "-0",
                        str(SOX_SECONDS[(k // 3) % 3]), "pad", "1s", f"{trail}s"], check=True, capture_output=True)


def ffmpeg_faded(src, dst, k, rng):
    x, rate = read(src)
    seconds = (0.04, 0.12)[k % 2]
    curve = ("qsin", "cub")[(k // 2) % 2]
    with tempfile.NamedTemporaryFile(suffix=".wav") as trimmed:
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", src, "-af",
                        "silenceremove=start_periods=1:start_threshold=-45dB:stop_periods=-1:stop_threshold=-45dB:"
                        "stop_duration=0.05", trimmed.name], check=True)
        y, _ = read(trimmed.name)
        start = max(0.0, y.size / rate - seconds)
        pad = y.size + 2 * int(rng.integers(150, 600)) + 1
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", trimmed.name, "-af",
                        f"afade=t=out:st={start:.4f}:d={seconds}:curve={curve},apad=whole_len={pad}",
                        "-c:a", "pcm_s16le", dst], check=True)


def synthesised(out_dir):
    """(group, path) of the detection side's synthesised digits, written into out_dir."""
    made = []
    for voice in ("en-us", "en+m3"):
        for d in DIGITS:
            path = f"{out_dir}/espeak_{voice}_{d}.wav"
            subprocess.run(["espeak-ng", "-v", voice, "-w", path, d], check=True)
            made.append(("espeak", path))
    for lang in ("en-US", "en-GB"):
        for d in DIGITS:
            path = f"{out_dir}/pico_{lang}_{d}.wav"
            subprocess.run(["pico2wave", "-l", lang, "-w", path, d], check=True)
            made.append(("pico", path))
    for d in DIGITS:
        path = f"{out_dir}/flite_awb_{d}.wav"
        subprocess.run(["flite", "-voice", "awb", "-t", d, "-o", path], check=True)
        made.append(("flite", path))
    return made


def build_untouched(out):
    rng = np.random.default_rng(3131)
    hold = sorted(glob.glob(f"{SC_HOLD}/*.wav"))
    for k, path in enumerate(hold):
        name = os.path.basename(path)
        x, rate = read(path)
        write(f"{out}/hold__{name}", x, rate)
        write(f"{out}/hold-clip3__{name}", hard(x, 3), rate)
        sox_faded(path, f"{out}/hold-fade__{name}", k, rng)
    theo = sorted(p for p in glob.glob(f"{FSDD2}/*.wav") if 10 <= int(p.rsplit("_", 1)[1][:-4]) <= 19)
    for k, path in enumerate(theo):
        name = os.path.basename(path)
        if int(name.rsplit("_", 1)[1][:-4]) <= 14:
            x, rate = read(path)
            write(f"{out}/theo-clip3__{name}", hard(x, 3), rate)
        else:
            ffmpeg_faded(path, f"{out}/theo-fade__{name}", k, rng)
    with tempfile.TemporaryDirectory() as tmp:
        for k, (group, path) in enumerate(synthesised(tmp)):
            name = os.path.basename(path)
            x, rate = read(path)
            write(f"{out}/{group}-clip3__{name}", hard(x, 3), rate)
            if group != "flite":
                sox_faded(path, f"{out}/{group}-fade__{name}", k, rng)


def summary(path):
    files = json.load(open(path))["files"]
    labels, deciding = collections.defaultdict(collections.Counter), collections.defaultdict(collections.Counter)
    for f in files:
        group = os.path.basename(f["path"]).split("__")[0]
        labels[group][f["label"]] += 1
        if f["label"] in ("generated", "inconclusive"):
            found = re.search(r"decisive: (\S+)", f["reasons"][0])
            deciding[group][f"{f['label'][:3]} {found.group(1) if found else '?'}"] += 1
    for group in sorted(labels):
        count = labels[group]
        print(f"{group:22s} {sum(count.values()):4d}  generated {count['generated']:4d}  inconclusive "
              f"{count['inconclusive']:3d}  {dict(deciding[group])}")


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 2 else None
    if command == "build" and len(sys.argv) == 4 and sys.argv[2] in ("tuning", "untouched"):
        os.makedirs(sys.argv[3], exist_ok=True)
        {"tuning": build_tuning, "untouched": build_untouched}[sys.argv[2]](sys.argv[3])
    elif command == "summary":
        summary(sys.argv[2])
    else:
        sys.exit(__doc__)
