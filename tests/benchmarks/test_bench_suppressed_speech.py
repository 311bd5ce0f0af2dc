"""Real speech through the noise suppressors an analyst meets, against synthesisers' silence (docs/studies.md,
"Suppressed and decoded real speech"): what a phone's or a conferencing tool's suppressor leaves in a
recording's pauses, and so what `noise-floor` (engine/detectors/noise_floor.py) reads there. Each suppressor
works at 8 kHz on 32 ms frames and its output is written as 16-bit PCM, as a decoded file reaching the
workstation would be. The suppressors themselves are in tests/noise_suppressors.py.

    python tests/benchmarks/test_bench_suppressed_speech.py voices OUT [VOICE ...]
    python tests/benchmarks/test_bench_suppressed_speech.py write OUT EDIT[,EDIT] FILE.wav [FILE.wav ...]
    python tests/benchmarks/test_bench_suppressed_speech.py readings OUT.json EDIT[,EDIT] FILE.wav [FILE.wav ...]
    python -m pytest tests/benchmarks/test_bench_suppressed_speech.py -s -o addopts=""

EDIT (besides test_bench_padded_silence.py's, e.g. `suppress-inf`, `denoise-inf`: power spectral subtraction):
- `wiener-20`: a Wiener filter on the decision-directed a-priori SNR (Scalart and Filho 1996; the MMSE-STSA
  family's usual front end), its gain floored that many dB down (`wiener-inf`: no floor);
- `specgate1.5`: a stationary spectral gate as noisereduce writes it (a bin passes when its level lies more
  than that many standard deviations above the noise clip's mean level in its bin, the mask smoothed over
  500 Hz and 50 ms);
- `bands-30`: an RNNoise-like band gain (power-subtraction gains, 3 times the noise, on 13 bands, interpolated
  over the bins, falling at most to 0.6 of the previous frame's gain), floored that many dB down (`bands-inf`:
  no floor);
- `fastgate-30`: the harness's hard gate at that many dB below the peak, releasing within 5 ms (faster than the
  20 ms release noise-floor's gate rule sets aside);
- `EDIT@48000`: the edit's output written at 48 kHz, not 8 kHz (phones and conferencing tools save 16 or 48 kHz).

The noise estimate of each is the mean power of the quietest tenth of the frames (a recording as long as a
digit has no noise-only lead-in for a tracker to learn from).

Sets, written down before measuring. Tuning: george, jackson, lucas takes 20-39 and nicolas takes 20-29
through `suppress-inf`, `denoise-inf`, `wiener-inf`, `wiener-20`, `specgate1.5`, `bands-inf`, `bands-30`;
synthesisers (`voices`: the ten digits at two speeds, 20 each) espeak-ng `en`, `en+f3`, MBROLA `mb-us1`, flite
(its default voice), Pico `en-US`, as written and through the same edits. Untouched, run once at the end:
nicolas takes 30-49 and jackson takes 40-49 through every edit above and through the untouched settings
`wiener-10` and `specgate2.5`, `bands-15`; voices espeak-ng `en-us+m3` and MBROLA `mb-us2` (us3 is not installed).
"""
import io
import json
import os
import re
import subprocess
import sys

import numpy as np
import soundfile
from scipy import signal

from tests.audio_channels import RATE
from tests.benchmarks.test_bench_padded_silence import as_written, edited as edited_elsewhere
from tests.noise_suppressors import SUPPRESSORS

def edited(audio, edit):
    """`audio` (at RATE) after `edit`: one of SUPPRESSORS with its setting, or test_bench_padded_silence's steps."""
    name, value = re.fullmatch(r"([a-z]+)(.*)", edit).groups()
    if name not in SUPPRESSORS:
        return edited_elsewhere(audio, edit)
    return SUPPRESSORS[name](audio, -np.inf if value == "-inf" else float(value))


DIGITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
VOICES = {"espeak_en": ["espeak-ng", "-v", "en"], "espeak_f3": ["espeak-ng", "-v", "en+f3"],
          "mbrola_us1": ["espeak-ng", "-v", "mb-us1"], "flite": ["flite"], "pico": ["pico2wave", "-l", "en-US"],
          "espeak_m3": ["espeak-ng", "-v", "en-us+m3"], "mbrola_us2": ["espeak-ng", "-v", "mb-us2"],
          "pico_gb": ["pico2wave", "-l", "en-GB"], "flite_rms": ["flite", "-voice", "rms"]}


def synthesise(command, word, path, style):
    engine = command[0]
    if engine == "flite":
        stretch = ("duration_stretch=1", "duration_stretch=0.8")[style]
        subprocess.run(command + ["--setf", stretch, "-t", word, "-o", path], check=True)
    elif engine == "pico2wave":  # one speed: its SSML prosody tag changes the rate
        text = word if style == 0 else f'<speed level="80">{word}</speed>'
        subprocess.run(command + ["-w", path, text], check=True)
    else:
        subprocess.run(command + ["-s", ("150", "190")[style], "-w", path, word], check=True)


def voices(out, names=VOICES):
    """The voices' twenty WAVs each (as the engine writes them) under out/VOICE/."""
    for voice in names:
        command = VOICES[voice]
        os.makedirs(os.path.join(out, voice), exist_ok=True)
        for style in range(2):
            for k, word in enumerate(DIGITS):
                synthesise(command, word, os.path.join(out, voice, f"{k}_{voice}_{style}.wav"), style)


def at_speech_rate(path):
    """The file's mono samples at 8 kHz as the engine reads them (padding found at the file's own rate)."""
    from engine.data.representations import to_speech_rate

    audio, rate = soundfile.read(path, dtype="float64")
    return np.asarray(to_speech_rate(audio.mean(axis=1) if audio.ndim > 1 else audio, rate), dtype=np.float64)


def written_at(audio, rate):
    """`audio` (at RATE) resampled to `rate`, written as 16-bit PCM there and read back at the speech rate, as
    the engine reads it (a suppressor's output saved at a phone's or a conferencing tool's rate)."""
    from engine.data.representations import to_speech_rate

    buffer = io.BytesIO()
    soundfile.write(buffer, np.clip(signal.resample_poly(audio, rate // RATE, 1), -1, 1), rate, format="WAV",
                    subtype="PCM_16")
    buffer.seek(0)
    return np.asarray(to_speech_rate(soundfile.read(buffer, dtype="float64")[0], rate), dtype=np.float64)


def readings(edits, sources):
    """{edit: {file: noise-floor's depth and the samples it set aside as a gate's}}; EDIT@RATE: the edit's output
    written at RATE (a multiple of 8 kHz), not at 8 kHz."""
    from engine.detectors.noise_floor import floor_depth

    audio = {os.path.basename(s): at_speech_rate(s) for s in sources}
    out = {}
    for edit in edits:
        out[edit] = {}
        step, _, rate = edit.partition("@")
        for name, a in audio.items():
            x = a if step == "as-is" else edited(a, step)
            x = written_at(x, int(rate)) if rate else x if step == "as-is" else as_written(x)
            depth, silent, _, gated = floor_depth(x)
            out[edit][name] = {"depth": round(depth, 2), "silent": round(silent, 3), "gated": gated}
    return out


def write(out, edits, sources):
    """Each source after each edit as 16-bit PCM at 8 kHz under out/EDIT/, for whole verdicts through the CLI
    (`main.py verdict out/EDIT --case CASE --json OUT.json`)."""
    for edit in edits:
        os.makedirs(os.path.join(out, edit), exist_ok=True)
        for source in sources:
            audio = at_speech_rate(source)
            soundfile.write(os.path.join(out, edit, os.path.basename(source)),
                            np.clip(audio if edit == "as-is" else edited(audio, edit), -1, 1), RATE, subtype="PCM_16")


def test_suppressors_leave_near_silence_in_a_quiet_rooms_pauses():
    """Each suppressor takes a quiet room's floor down and leaves the speech: the pauses of a recording with a floor
    60 dB down fall at least 10 dB further, the loud frames within 3 dB."""
    from engine.data.padding import frame_powers, loud_power

    rng = np.random.default_rng(0)
    t = np.arange(RATE) / RATE
    word = np.sin(2 * np.pi * 200 * t) * ((t > 0.3) & (t < 0.6)) * 0.3
    audio = word + rng.normal(0, 0.3 / np.sqrt(2) * 10 ** (-60 / 20), t.size)
    before = frame_powers(audio)
    for edit in ("wiener-inf", "wiener-20", "specgate1.5", "bands-inf", "bands-30"):
        after = frame_powers(edited(audio, edit))
        assert abs(10 * np.log10(loud_power(after) / loud_power(before))) < 3, edit
        assert np.median(after[:20]) < np.median(before[:20]) * 10 ** (-10 / 10), edit


if __name__ == "__main__":
    if sys.argv[1] == "voices":
        voices(sys.argv[2], sys.argv[3:] or VOICES)
    elif sys.argv[1] == "write":
        write(sys.argv[2], sys.argv[3].split(","), sys.argv[4:])
    elif sys.argv[1] == "readings":
        with open(sys.argv[2], "w") as f:
            json.dump(readings(sys.argv[3].split(","), sys.argv[4:]), f)
