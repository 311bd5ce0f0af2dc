"""Real recordings made digitally silent after the microphone (docs/studies.md, "Padded, faded, gated and
noise-suppressed real speech"): what an editor, a dataset script, a noise gate or a phone's noise suppression
does to a recording's floor, and so to `noise-floor` (engine/detectors/noise_floor.py). Each edit is written
as 16-bit PCM at 8 kHz, as a file reaching the workstation would be.

    python tests/benchmarks/test_bench_padded_silence.py depths OUT.json EDIT[,EDIT] FILE.wav [FILE.wav ...]
    python tests/benchmarks/test_bench_padded_silence.py judge CASE OUT EDIT[,EDIT] FILE.wav [FILE.wav ...]
    python -m pytest tests/benchmarks/test_bench_padded_silence.py -s -o addopts=""

EDIT: `as-is`, `trim` (silence below -60 dB re full scale cut off the ends), `pad0.25` (that many seconds of zeros at each end), `pad1s` (zeros after the speech up to
1 s, as speech-command datasets pad; `pad2s` to 2 s; `up16k+pad1s`: resampled to 16 kHz first, as Google Speech Commands' clips;
`up22k`, `up44k`: to 22.05 or 44.1 kHz; `native+pad1s`: the source read at its own rate, a synthesiser's 22.05 or
16 kHz, not at 8 kHz), `fade0.05` (a linear fade to zero over that many seconds at each end),
`fade0.05+pad0.25`, `gate-40` (a hard gate: the signal zeroed while its envelope lies that many dB below the
peak, 1 ms attack, 20 ms release; `gatefloor6`: below 6 dB above its floor), `suppress-30` (spectral
subtraction with a gain floor that many dB down; `suppress-inf`: no floor; `denoise-inf`: subtracting 9
times the noise estimate instead of 3).
"""
import collections
import io
import json
import os
import re
import sys

import numpy as np
import soundfile
from scipy import ndimage, signal

from tests.audio_channels import RATE, gate

N_FFT, HOP = 256, 64  # 32 ms frames for the noise suppressor


def pad(audio, seconds, rate=RATE):
    zeros = np.zeros(int(round(seconds * rate)))
    return np.concatenate([zeros, audio, zeros])


def pad_to(audio, seconds, rate=RATE):
    return np.concatenate([audio, np.zeros(max(0, int(seconds * rate) - audio.size))])


UP = {"up16k": 16000, "up22k": 22050, "up44k": 44100}  # resampled before padding (Speech Commands: 16 kHz)


def source_rate(edit, native):
    """The rate an edit starts from: the source's own (`native`) or RATE."""
    return native if edit.split("+")[0] == "native" else RATE


def written_rate(edit, rate=RATE):
    """The rate an edit's file is written at, from `rate`: `up16k` resamples to 16 kHz (as Speech Commands' clips
    are), and so on."""
    return next((UP[step] for step in edit.split("+") if step in UP), rate)


def fade(audio, seconds):
    n = min(int(round(seconds * RATE)), audio.size // 2)
    ramp = np.linspace(0.0, 1.0, n)
    out = audio.copy()
    out[:n] *= ramp
    out[audio.size - n:] *= ramp[::-1]
    return out


def suppress(audio, floor_db, over=3.0):
    """Spectral subtraction: the noise power per bin is the mean of the quietest tenth of the frames; the
    power gain max(1 - over * noise / power, floor) (floor -inf: 0), the power averaged over 3 bins and 5
    frames."""
    _, _, spec = signal.stft(audio, nperseg=N_FFT, noverlap=N_FFT - HOP)
    power = np.abs(spec) ** 2
    energy = power.sum(axis=0)
    quiet = energy <= np.quantile(energy, 0.1)
    noise = power[:, quiet].mean(axis=1, keepdims=True)
    smooth = ndimage.uniform_filter(power, (3, 5))  # as a suppressor smooths its estimate (less musical noise)
    gain = np.maximum(1 - over * noise / np.maximum(smooth, 1e-20), 10 ** (floor_db / 10))
    return signal.istft(spec * np.sqrt(gain), nperseg=N_FFT, noverlap=N_FFT - HOP)[1][:audio.size]


def trim(audio, level_db=-60.0):
    """`audio` between its first and last sample above `level_db` re full scale (a synthesiser's silence
    trimmed, as FSDD's recordings are)."""
    loud = np.flatnonzero(np.abs(audio) >= 10 ** (level_db / 20))
    return audio[loud[0]:loud[-1] + 1] if loud.size else audio


def edited(audio, edit, rate=RATE):
    """`audio` (at `rate`: RATE unless the edit starts at `native`) after the steps of `edit`, at written_rate."""
    for step in edit.split("+"):
        if step in ("as-is", "native"):
            continue
        if step in UP:  # before padding: a dataset script resamples, then pads to its clip length
            gcd = np.gcd(UP[step], rate)
            audio, rate = signal.resample_poly(audio, UP[step] // gcd, rate // gcd), UP[step]
            continue
        name, value = re.fullmatch(r"([a-z]+)(.*)", step).groups()
        if name == "pad" and value.endswith("s"):  # pad1s, pad2s: up to a clip length
            audio = pad_to(audio, float(value[:-1]), rate)
        elif name == "pad":
            audio = pad(audio, float(value), rate)
        elif name == "trim":
            audio = trim(audio)
        elif name == "fade":
            audio = fade(audio, float(value))
        elif name in ("gate", "gatefloor"):
            audio = gate(audio, float(value), name == "gatefloor")
        elif name in ("suppress", "denoise"):  # denoise: over-subtracting 3 times harder
            audio = suppress(audio, -np.inf if value == "-inf" else float(value), 3.0 if name == "suppress" else 9.0)
        else:
            raise KeyError(step)
    return audio


def as_written(audio):
    """`audio` written to 16-bit PCM and read back."""
    buffer = io.BytesIO()
    soundfile.write(buffer, np.clip(audio, -1, 1), RATE, subtype="PCM_16", format="WAV")
    buffer.seek(0)
    return soundfile.read(buffer, dtype="float64")[0]


def depths(edits, sources):
    """{edit: [floor depth of each source after it]} (the detector's statistic, no verdict)."""
    from engine.detectors.noise_floor import floor_depth
    from tests.benchmarks.test_bench_channels import read_8k

    audio = [read_8k(s) for s in sources]
    return {e: [round(floor_depth(as_written(edited(a, e)))[0], 2) for a in audio] for e in edits}


def judge_edited(case, out, edit, sources):
    """Summary dict of the verdicts on `sources` after `edit`, written into `out`."""
    return judge_edits(case, out, [edit], sources)[0]


def judge_edits(case, out, edits, sources):
    """[summary dict per edit] of the verdicts on `sources` after each of `edits`, written into `out` and
    judged in one batch: a noisy room's files share their noise-matched calibrations (one per noise level,
    a minute each on two cores) across the edits."""
    from engine.verdict import judge
    from tests.benchmarks.test_bench_channels import deciding_detector, generated_by, read_8k

    paths = {}
    for edit in edits:
        folder = os.path.join(out, edit)
        os.makedirs(folder, exist_ok=True)
        for source in sources:
            path = os.path.join(folder, os.path.basename(source))
            audio, rate = soundfile.read(source, dtype="float64")
            if source_rate(edit, rate) != rate:
                audio, rate = read_8k(source), RATE
            soundfile.write(path, np.clip(edited(audio, edit, rate), -1, 1), written_rate(edit, rate), subtype="PCM_16")
            paths[path] = edit
    found = collections.defaultdict(list)
    for f in judge(case, list(paths))["files"]:
        found[paths[f["path"]]].append(f)
    summaries = []
    for edit in edits:
        files = found[edit]
        rows = [{"file": os.path.basename(f["path"]), "label": f["label"],
                 "decided_by": deciding_detector(f) if f["label"] == "generated" else None,
                 "noise_floor": next((r for r in f["reasons"] if r.startswith("noise-floor")), "")} for f in files]
        with open(os.path.join(out, edit, "verdicts.jsonl"), "w") as log:
            log.writelines(json.dumps(r) + "\n" for r in rows)
        summaries.append({"set": edit, "n": len(files), "labels": dict(collections.Counter(f["label"] for f in files)),
                          "generated_by": generated_by(files)})
    return summaries


def test_edits_silence_what_they_should():
    rng = np.random.default_rng(0)
    voice = np.concatenate([rng.normal(0, 1e-3, 2000), rng.normal(0, 0.3, 2000), rng.normal(0, 1e-3, 2000)])
    assert np.all(edited(voice, "pad0.25")[:2000] == 0) and edited(voice, "pad1s").size == RATE
    assert edited(voice, "pad2s").size == 2 * RATE
    for up, rate in UP.items():
        assert edited(voice, f"{up}+pad1s").size == written_rate(f"{up}+pad1s") == rate
    assert edited(voice, "native+pad1s", 22050).size == written_rate("native+pad1s", 22050) == 22050
    assert source_rate("native+pad1s", 22050) == 22050 and source_rate("pad1s", 22050) == RATE
    assert np.array_equal(edited(edited(voice, "pad0.25"), "trim"), trim(voice))
    faded = edited(voice, "fade0.05")
    assert faded[0] == 0 and faded[-1] == 0 and np.array_equal(faded[400:-400], voice[400:-400])
    gated = edited(voice, "gate-40")
    assert np.all(gated[:1500] == 0) and np.allclose(gated[2100:3900], voice[2100:3900], rtol=0.01)
    quiet = edited(voice, "suppress-inf")
    assert np.std(quiet[:1500]) < 3e-4 and np.std(quiet[2100:3900]) > 0.2


if __name__ == "__main__":
    if sys.argv[1] == "depths":
        with open(sys.argv[2], "w") as f:
            json.dump({"files": sys.argv[4:], **depths(sys.argv[3].split(","), sys.argv[4:])}, f)
    else:
        for summary in judge_edits(sys.argv[2], sys.argv[3], sys.argv[4].split(","), sys.argv[5:]):
            print(json.dumps(summary))
