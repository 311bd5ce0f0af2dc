"""Gated and noise-suppressed real speech against synthesisers' silence (docs/studies.md, "Gated and
noise-suppressed real speech: the floor under the speech"): readings that might tell a real recording whose
pauses a noise gate or a suppressor made (nearly) digitally silent from a synthesiser that writes digital
silence, each beside `noise-floor`'s own depth (engine/detectors/noise_floor.py). The edits are
tests/benchmarks/test_bench_padded_silence.py's (`gate-30`, `gatefloor12`, `denoise-inf`, ...); whole verdicts
on edited files are that harness's `judge`.

    python tests/benchmarks/test_bench_gated_speech.py readings OUT.json EDIT[,EDIT] FILE.wav [FILE.wav ...]
    python -m pytest tests/benchmarks/test_bench_gated_speech.py -s -o addopts=""

Readings (dB: the loud frames' power over a floor; the larger, the deeper the floor):
- `depth`: noise-floor's statistic (a gate's slow releases and their zero runs set aside);
- `nonsilent`: the same over the frames that are not exact digital silence (a gate's open frames);
- `sub`, `top`, `inframe`: the floor under the speech, the 10th percentile over the speech frames (64 ms,
  within SPEECH_DB of the loud ones) of the power below 70 Hz, in 3.3-3.75 kHz, and in the quietest tenth of
  each frame's bins (inter-harmonic valleys) times the bin count;
- `release`: the shortest time (ms) from the last 5 ms within SPEECH_DB of the loud frames to the silence (beyond
  70 dB) that reaches a run of exact zeros of at least 20 ms (a gate's release; a synthesiser's stop), as
  engine/detectors/gate_release.py reads it.
"""
import json
import sys

import numpy as np
from scipy import signal

from engine.data.padding import frame_powers, loud_power, unpadded
from engine.detectors.gate_release import MIN_RELEASE_SECONDS, SPEECH_DB, releases
from engine.detectors.noise_floor import FLOOR_QUANTILE, floor_depth
from tests.audio_channels import RATE
from tests.benchmarks.test_bench_padded_silence import as_written, edited

N_FFT = 512  # 64 ms: harmonics of a 100 Hz voice resolved, Blackman-Harris sidelobes 92 dB down


def nonsilent_depth(audio):
    power = frame_powers(audio[slice(*unpadded(audio))])
    loud = loud_power(power)
    open_ = power[power > 0]
    return float(10 * np.log10(loud / np.quantile(open_, FLOOR_QUANTILE))) if open_.size and loud > 0 else 0.0


def floors_under_speech(audio):
    """{band: depth in dB} of the floor under the speech frames (module docstring)."""
    x = audio[slice(*unpadded(audio))]
    x = np.pad(x, (0, max(0, N_FFT - x.size)))
    window = signal.windows.blackmanharris(N_FFT)
    frames = np.lib.stride_tricks.sliding_window_view(x, N_FFT)[::N_FFT // 4]
    spec = np.abs(np.fft.rfft((frames - frames.mean(axis=1, keepdims=True)) * window, axis=1)) ** 2
    total = spec.sum(axis=1)
    loud = np.sort(total)[-max(1, total.size // 4):].mean()
    if loud <= 0:
        return {"sub": 0.0, "top": 0.0, "inframe": 0.0}
    speech = spec[total >= loud * 10 ** (-SPEECH_DB / 10)]
    freq = np.fft.rfftfreq(N_FFT, 1 / RATE)
    floors = {"sub": speech[:, (freq > 15) & (freq < 70)].sum(axis=1),
              "top": speech[:, (freq > 3300) & (freq < 3750)].sum(axis=1),
              "inframe": np.quantile(speech[:, 1:], 0.1, axis=1) * (speech.shape[1] - 1)}
    return {k: float(10 * np.log10(loud / max(np.quantile(v, FLOOR_QUANTILE), loud * 1e-30))) for k, v in floors.items()}


def release_ms(audio):
    """The shortest release into a counted zero run (module docstring); None without such a run."""
    x = audio[slice(*unpadded(audio))]
    found = [(start - last) * 1000 / RATE for last, start, _ in releases(x, loud_power(frame_powers(x)))
             if last is not None]
    return min(found) if found else None


def readings(audio):
    return {"depth": floor_depth(audio)[0], "nonsilent": nonsilent_depth(audio), **floors_under_speech(audio),
            "release": release_ms(audio)}


def measure(edits, sources):
    """{edit: [readings of each source after it]}, each edit written as 16-bit PCM as a file would be."""
    from tests.benchmarks.test_bench_channels import read_8k

    audio = [read_8k(s) for s in sources]
    return {e: [readings(as_written(edited(a, e))) for a in audio] for e in edits}


def summary(rows, plausible=70.0):
    """Per reading, the 5th/50th/95th percentiles over the files noise-floor scores (depth beyond `plausible`)."""
    scored = [r for r in rows if r["depth"] > plausible]
    out = {"n": len(rows), "scored": len(scored)}
    for key in ("nonsilent", "sub", "top", "inframe", "release"):
        values = [r[key] for r in scored if r[key] is not None]
        out[key] = [round(float(v), 1) for v in np.percentile(values, [5, 50, 95])] if values else None
    return out


def test_readings_tell_a_slow_release_from_an_abrupt_stop():
    """A tone over a floor 65 dB down through the harness's gate (a 20 ms release time constant) fades the floor
    down beyond 70 dB over about 30 ms before its zeros; a tone cut into zeros does not. noise-floor sets the
    gate's release and zeros aside (engine/detectors/gate_release.py) and reads the cut's zeros."""
    rng = np.random.default_rng(0)
    t = np.arange(RATE) / RATE
    tone = np.where((t < 0.4) | (t > 0.6), 0.3 * np.sin(2 * np.pi * 200 * t), 0.0)  # a pause in the middle
    recorded = as_written(tone + rng.normal(0, 0.3 * 10 ** (-65 / 20), t.size))
    gated, cut = as_written(edited(recorded, "gate-30")), as_written(tone)
    assert floor_depth(gated)[0] <= 70 < floor_depth(cut)[0]
    assert release_ms(gated) > 1000 * MIN_RELEASE_SECONDS > release_ms(cut) and release_ms(recorded) is None
    assert nonsilent_depth(gated) > nonsilent_depth(cut)  # the release's frames are the gated file's floor
    assert floors_under_speech(recorded)["top"] < floors_under_speech(cut)["top"]  # noise under the tone


if __name__ == "__main__":
    result = measure(sys.argv[3].split(","), sys.argv[4:])
    with open(sys.argv[2], "w") as f:
        json.dump({"files": sys.argv[4:], **result}, f)
    print(json.dumps({e: summary(rows) for e, rows in result.items()}))
