"""A noise gate's release against a synthesiser's stop after a lossy codec (issue #18; docs/studies.md, "Lossy
speech: noisy real takes judged whole, and the gate rule under codec smear"): engine/detectors/gate_release.py sets
aside a zero run the speech fades into over MIN_RELEASE_SECONDS or more (a gate's release), and MP3 64 kbit/s and
Vorbis smear an MBROLA or espeak-ng voice's stop into its exact zeros over longer than that. Here real FSDD takes
through a noise gate and synthesisers' digits go through the same codecs (ffmpeg, as
tests/benchmarks/test_bench_lossy_speech.py encodes them), are read back as the verdict reads them
(loaders.load_recording, representations.to_speech_rate) and each zero run's release is measured: its length,
its level's course from the last speech to the silence, the zeros after it, and noise-floor's depth.

    python tests/benchmarks/test_bench_lossy_gate.py make                    # the sets' 8 kHz WAVs under WORK
    python tests/benchmarks/test_bench_lossy_gate.py read SET CODEC OUT.json  # releases of the set through CODEC
    python tests/benchmarks/test_bench_lossy_gate.py summary OUT.json [OUT.json ...]
    python tests/benchmarks/test_bench_lossy_gate.py thresholds SET CODEC MS[,MS ...]  # files beyond 70 dB per rule
    python tests/benchmarks/test_bench_lossy_gate.py thresholds-start-read SET CODEC MS  # ... reading the start too
    python tests/benchmarks/test_bench_lossy_gate.py starts SET CODEC  # ... and read from the first word on

CODEC: one of the lossy bench's, `pcm-44k` (resampled to 44.1 kHz, 16-bit PCM: the rate without a codec) or `wav`.

Sets, written down before measuring (FSDD /work/shared/data/fsdd; none of them in the lossy bench's `held-real`,
nicolas takes 30-49, lucas and jackson takes 40-49, nor the case's reference, george, jackson, lucas takes 0-9).
Real takes go through each gate of GATES (tests/noise_suppressors.py's fast gate, 5 ms release, at -30 and -20 dB
re the peak; tests/audio_channels.py's gate, 20 ms release, at -30 dB re the peak and 12 dB over the floor) and are
written as 16-bit 8 kHz WAVs, then through the codec.
- Tuning: `tune-gated` george, lucas, jackson takes 10-19 and nicolas takes 0-9, digit = take mod 10 (40 takes,
  160 gated files); synthesised `tune-stop` espeak-ng `en`, `en-us`, `en+m3`, MBROLA `mb-us1` (us2 is held, no
  other MBROLA voice is installed), the ten digit words (40).
- Untouched, read once after the rule is fixed: `held-gated` george and jackson takes 30-39, lucas takes 20-39,
  digit = (take + 5) mod 10 (40 takes, 160 gated files); synthesised: the lossy bench's `held-gen` (its espeak-ng
  `en+klatt2` and MBROLA `mb-us2` are the voices noise-floor reads; flite and festival write no zeros), read from its
  WORK (LOSSY_SPEECH).

The candidate fixed on the tuning sets before the untouched ones were read (12:10 UTC): MIN_RELEASE_SECONDS 20 ms
under MP3 and 32 ms under Vorbis (the synthesisers' smeared stops reach at most 19.1 and 30.1 ms there), 10 ms
elsewhere; `thresholds SET CODEC 10,20,32` reads both.

A second rule, named after `starts` was read on `tune-gated` and `held-gated` (12:20 UTC; both are tuning sets for
it): a zero run before the first sound of a recording and the faint sound after it up to the first within
PLAUSIBLE_DB of the loud frames are not read (a gate closed before the first word). Untouched for it, made and read
once after it is fixed: `fresh-gated` george takes 20-29 and 40-49, nicolas takes 10-29, digit = (take + 7) mod 10
(40 takes, 160 gated files); synthesised `fresh-stop` Pico `en-GB`, `en-US`, espeak-ng `en-gb`, `en-us+m3` (40), and
the lossy bench's `held-gen`.

The twenty-second pass (AAC; a stop a codec drew out told by its course, gate_release.smeared_stop): tuning
`tune-stop`, `tune-gated` and `held-gated`; untouched, read once after the rule was fixed: `fresh-gated`,
`fresh-stop` and `held-gen` (its `en+klatt2` and `mb-us2`), through aac44-32, aac44-64, aac44-128, aac16-32, mp3-64,
vorbis-q3, pcm-44k and wav; `thresholds SET CODEC 10` with the engine before and after on PYTHONPATH.
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import soundfile

from tests.benchmarks import test_bench_lossy_speech as lossy_speech

WORK = os.environ.get("LOSSY_GATE", os.path.join(tempfile.gettempdir(), "bench-lossy-gate"))
LOSSY_SPEECH = os.environ.get("LOSSY_SPEECH", os.path.join(tempfile.gettempdir(), "bench-lossy-speech"))
FSDD = "/work/shared/data/fsdd"
RATE = 8000
GATED = {  # set: (speaker, takes, digit offset)
    "tune-gated": [("george", range(10, 20), 0), ("lucas", range(10, 20), 0), ("jackson", range(10, 20), 0),
                   ("nicolas", range(0, 10), 0)],
    "held-gated": [("george", range(30, 40), 5), ("jackson", range(30, 40), 5), ("lucas", range(20, 40), 5)],
    "fresh-gated": [("george", range(20, 30), 7), ("george", range(40, 50), 7), ("nicolas", range(10, 30), 7)],
}
STOPS = {"tune-stop": [("espeak", "en"), ("espeak", "en-us"), ("espeak", "mb-us1"), ("espeak", "en+m3")],
         "fresh-stop": [("pico", "en-GB"), ("pico", "en-US"), ("espeak", "en-gb"), ("espeak", "en-us+m3")]}
CODECS = {**lossy_speech.CODECS, "pcm-44k": (["-ar", "44100", "-c:a", "pcm_s16le"], "wav")}
GATES = {  # name: (release within 5 ms, threshold dB, re the floor instead of the peak)
    "fast-30": (True, -30.0, False), "fast-20": (True, -20.0, False), "gate-30": (False, -30.0, False),
    "gatefloor12": (False, 12.0, True)}


def gated(audio, name):
    from tests.audio_channels import gate
    from tests.noise_suppressors import fast_gate

    fast, threshold_db, above_floor = GATES[name]
    return fast_gate(audio, threshold_db) if fast else gate(audio, threshold_db, above_floor)


def make():
    """The sets' 8 kHz 16-bit WAVs under WORK/SET."""
    for name, members in GATED.items():
        os.makedirs(f"{WORK}/{name}", exist_ok=True)
        for speaker, takes, offset in members:
            for take in takes:
                audio = soundfile.read(f"{FSDD}/{(take + offset) % 10}_{speaker}_{take}.wav", dtype="float64")[0]
                for g in GATES:
                    out = f"{WORK}/{name}/{g}-{(take + offset) % 10}_{speaker}_{take}.wav"
                    soundfile.write(out, np.clip(gated(audio, g), -1, 1), RATE, subtype="PCM_16")
    for name, voices in STOPS.items():
        os.makedirs(f"{WORK}/{name}", exist_ok=True)
        for engine, voice in voices:
            for k, word in enumerate(lossy_speech.WORDS):
                out = f"{WORK}/{name}/{voice}-{k}.wav"
                if not os.path.exists(out):
                    lossy_speech.synthesise(engine, voice, word, out)


def folder(name):
    return f"{LOSSY_SPEECH}/{name}" if name == "held-gen" else f"{WORK}/{name}"


def encoded(name, codec):
    """The set's files through `codec` (as the lossy bench encodes them), written once under WORK/SET@CODEC; `wav`:
    as made."""
    sources = sorted(os.path.join(folder(name), f) for f in os.listdir(folder(name)) if f.endswith(".wav"))
    if codec == "wav":
        return sources
    options, ext = CODECS[codec]
    out_folder = f"{WORK}/{name}@{codec}"
    os.makedirs(out_folder, exist_ok=True)
    out = []
    for path in sources:
        out.append(os.path.join(out_folder, os.path.basename(path)[:-4] + f".{ext}"))
        if not os.path.exists(out[-1]):
            subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", path, "-ac", "1", *options, out[-1]], check=True)
    return out


def release_readings(audio):
    """Each counted release of `audio` (at the speech rate) as noise-floor reads it: its length, the level (dB re the
    loud frames, over 5 ms) each millisecond from 5 ms before the last speech to 5 ms after the silence, and the
    samples between the silence and its zero run."""
    from engine.data.padding import frame_powers, loud_power, unpadded
    from engine.detectors.gate_release import LEVEL_SECONDS, releases, zero_runs

    start, stop = unpadded(audio)
    x = np.asarray(audio[start:stop], dtype=np.float64)
    loud = loud_power(frame_powers(x))
    if loud <= 0:
        return []
    n = int(LEVEL_SECONDS * RATE)
    level = 10 * np.log10(np.maximum(np.convolve(x ** 2, np.ones(n) / n, "same") / loud, 1e-30))
    runs = {e: s for s, e in zero_runs(x)}  # stop -> start
    out = []
    for last, silence, run_stop in releases(x, loud):
        if last is None:
            continue
        run_start = runs[run_stop]
        lo, hi = max(0, last - 40), min(x.size, silence + 40)
        out.append({"release_ms": (silence - last) / RATE * 1000, "to_zeros_ms": (run_start - silence) / RATE * 1000,
                    "run_ms": (run_stop - run_start) / RATE * 1000, "offset": (last - lo) // (RATE // 1000),
                    "level": [round(float(v), 1) for v in level[lo:hi:RATE // 1000]]})
    return out


def decoded(name, codec):
    """{file name: the file through `codec` as the verdict reads it, at the speech rate}."""
    from engine.data import loaders
    from engine.data.representations import to_speech_rate

    return {os.path.basename(p): to_speech_rate(*loaders.load_recording(p)) for p in encoded(name, codec)}


def thresholds(name, codec, values_ms, plausible=70.0, start_read=False):
    """Per source, files beyond `plausible` dB with gate_release.MIN_RELEASE_SECONDS at each of `values_ms`
    (`start_read`: the stretch before the first sound read too, as before the nineteenth pass)."""
    from unittest import mock

    from engine.detectors import gate_release
    from engine.detectors.noise_floor import floor_depth

    audio = decoded(name, codec)
    start = (lambda a, loud: 0) if start_read else gate_release.closed_start
    lines = []
    for ms in values_ms:
        with mock.patch.object(gate_release, "MIN_RELEASE_SECONDS", ms / 1000), \
                mock.patch.object(gate_release, "closed_start", start):
            beyond = {f: floor_depth(a)[0] > plausible for f, a in audio.items()}
        by = {src: [v for f, v in beyond.items() if source(name, f) == src]
              for src in sorted({source(name, f) for f in beyond})}
        lines.append(f"{name} {codec} MIN_RELEASE {ms:g} ms{', start read' if start_read else ''}: beyond "
                     f"{plausible:.0f} dB " + ", ".join(f"{src} {sum(v)}/{len(v)}" for src, v in by.items())
                     + f"; all {sum(beyond.values())}/{len(beyond)}")
    return "\n".join(lines)


def starts(name, codec, plausible=70.0, onset_db=60.0):
    """Files beyond `plausible` dB as read, and read from their first sample within `onset_db` of their peak on (the
    zeros a gate wrote before the first word, and the resampler's pre-ringing in them, left out)."""
    from engine.detectors.noise_floor import floor_depth

    audio = decoded(name, codec)
    onset = {f: np.flatnonzero(np.abs(a) > np.abs(a).max() * 10 ** (-onset_db / 20))[0] for f, a in audio.items()}
    whole = sum(floor_depth(a)[0] > plausible for a in audio.values())
    later = sum(floor_depth(a[onset[f]:])[0] > plausible for f, a in audio.items())
    return (f"{name} {codec}: beyond {plausible:.0f} dB {whole} of {len(audio)}; read from the first sample within "
            f"{onset_db:.0f} dB of the peak: {later}")


def read(name, codec, out_json):
    from engine.detectors.noise_floor import floor_depth

    rows = []
    for file, audio in decoded(name, codec).items():
        depth, silent, padding, aside = floor_depth(audio)
        rows.append({"file": file, "depth": depth, "silent": silent, "aside": aside,
                     "releases": release_readings(audio)})
    with open(out_json, "w") as f:
        json.dump({"set": name, "codec": codec, "rows": rows}, f)
    return summary([out_json])


def source(name, file):
    return file.rsplit("-", 1)[0]


def summary(files, plausible=70.0):
    """Per set, codec and source (gate or voice): files beyond `plausible` dB, and the counted releases' lengths."""
    lines = []
    for path in files:
        with open(path) as f:
            run = json.load(f)
        for src in sorted({source(run["set"], r["file"]) for r in run["rows"]}):
            rows = [r for r in run["rows"] if source(run["set"], r["file"]) == src]
            lengths = [e["release_ms"] for r in rows for e in r["releases"]]
            spread = (f"release ms p5/50/95 {' / '.join(f'{v:.1f}' for v in np.percentile(lengths, [5, 50, 95]))} "
                      f"of {len(lengths)}" if lengths else "no release")
            beyond = sum(r["depth"] > plausible for r in rows)
            lines.append(f"{run['set']} {run['codec']} {src}: beyond {plausible:.0f} dB {beyond} of {len(rows)}; "
                         f"{spread}")
    return "\n".join(lines)


def test_release_readings_time_a_gates_release_and_a_cut():
    """A tone over a floor 65 dB down with a pause: through the harness's gate (20 ms release) the speech reaches
    the pause's zeros over tens of milliseconds, cut into zeros within one; the reading's level course starts at the
    last speech (within SPEECH_DB of the loud frames) and falls beyond PLAUSIBLE_DB by the silence."""
    from engine.detectors.gate_release import MIN_RELEASE_SECONDS, SPEECH_DB
    from engine.detectors.noise_floor import PLAUSIBLE_DB

    t = np.arange(RATE) / RATE
    tone = np.where((t < 0.4) | (t > 0.6), 0.3 * np.sin(2 * np.pi * 200 * t), 0.0)
    floor = np.random.default_rng(0).normal(0, 0.3 * 10 ** (-65 / 20), t.size)
    (gate,), (cut,) = release_readings(gated(tone + floor, "gate-30")), release_readings(tone)
    assert gate["release_ms"] > 1000 * MIN_RELEASE_SECONDS > cut["release_ms"]
    for reading in (gate, cut):
        course = reading["level"][reading["offset"]:]
        assert course[0] >= -SPEECH_DB - 1 and course[-1] < -PLAUSIBLE_DB
        assert reading["to_zeros_ms"] >= 0 and reading["run_ms"] >= 20


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "make":
        make()
    elif command == "read":
        print(read(*sys.argv[2:5]))
    elif command in ("thresholds", "thresholds-start-read"):
        print(thresholds(sys.argv[2], sys.argv[3], [float(v) for v in sys.argv[4].split(",")],
                         start_read=command.endswith("start-read")), flush=True)
    elif command == "starts":
        print(starts(sys.argv[2], sys.argv[3]))
    elif command == "summary":
        print(summary(sys.argv[2:]))
