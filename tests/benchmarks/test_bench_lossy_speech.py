"""Real and synthetic speech as MP3, Vorbis, Opus, AAC (M4A) and AMR-NB (3GP) files (issue #18; docs/studies.md, "Lossy speech:
pulse-grid kept under MP3 and Opus"; AAC: twentieth pass): whether `pulse-grid` (engine/detectors/pulse_grid.py),
recalibrated on the reference passed through the file's codec, may speak under a codec instead of standing aside.
Each file is resampled to the codec's usual rate and encoded by ffmpeg (libmp3lame at a constant bitrate, libvorbis
at a quality, libopus and the native aac, into M4A, at a bitrate), then judged with the engine's verdict, one batch
per set and codec. Every verdict is taken with pulse-grid kept under the codecs of KEPT_FOR_MEASURING (`after`) and,
from the same scores, with its weight 0 and the others sharing as if it were alone (`before`: exactly what StandAside
gives, suite.weights with it not informative).

    python tests/benchmarks/test_bench_lossy_speech.py make                      # the sets' WAVs under WORK
    python tests/benchmarks/test_bench_lossy_speech.py judge CASE SET CODEC OUT.json
    python tests/benchmarks/test_bench_lossy_speech.py judge-noisy CASE SET CODEC OUT.json  # a real set's noisy takes
    python tests/benchmarks/test_bench_lossy_speech.py summary OUT.json [OUT.json ...]
    python tests/benchmarks/test_bench_lossy_speech.py scores CASE CODEC [SET ...]   # pulse-grid's z, no verdict
    python tests/benchmarks/test_bench_lossy_speech.py cycles OUT.json CODEC|clean [...] -- SET [...]  # no verdict

Sets, written down before measuring (FSDD /work/shared/data/fsdd; the case's reference: george, jackson, lucas
takes 0-9, so nicolas is a speaker it never saw). Tuning: real `tune-real` nicolas takes 10-29 and george, jackson
takes 20-29, digit = take mod 10 (40); synthesised `tune-gen` flite `awb`, espeak-ng `en+f3`, MBROLA `mb-us1`, Pico
`en-US`, the ten digit words (40). Untouched, run once after the rule is fixed: real `held-real` nicolas takes
30-49 and lucas, jackson takes 40-49, digit = (take + 3) mod 10 (40); synthesised `held-gen` flite `slt` and `rms`,
espeak-ng `en+klatt2`, MBROLA `mb-us2`, festival `kal_diphone` (50). Mel-inverted (twentieth pass, AAC): `tune-gl` and
`held-gl`, the zoo's Griffin-Lim of each take of `tune-real` and `held-real` (40 each). AMR-NB (twentieth pass): the
untouched sets only, at 12.2 and 4.75 kbit/s. AAC at the file's own bitrate (twenty-first pass): decided on the tuning
sets (`tune-real`, `tune-gen`, `tune-gl` at aac16-32, aac16-128, aac44-64, aac44-128); `held-real`, `held-gen` and
`held-gl` stay untouched and are judged once, at every aac channel, before (the reference through 64 kbit/s) and
after (through the file's bitrate snapped to 32/64/96/128/192 kbit/s: commit c7f4ca2 on s25-aacrate; not kept).
AMR-NB's other six modes (twenty-first pass): `tune-real`, `tune-gen`,
`tune-gl` first (and at 12.2 and 4.75 kbit/s), the rule per mode (pulse-grid kept or aside, mel-inversion kept or
aside) fixed on them; then `held-real`, `held-gen`, `held-gl` once at the six modes, untouched, and `held-gl` at 12.2
and 4.75 kbit/s.

Repeated-cycle and cycle-jitter under AMR-NB (twenty-second pass; `cycles`): both score only past a fixed bound no
recorded voice reaches, so whether a trait survives a mode is read from their statistics, each set through the mode
beside the case's reference through it, as channel_detectors recalibrates them; with verdicts (`judge`) on a case
of george, jackson, lucas takes 0-14 (`REFERENCE`: a profile keeping fewer than 400 recordings has no cycle-jitter).
Decided on `tune-real` and `tune-gen` (clean and at all eight modes); `held-real` and `held-gen` untouched, looked at
once after the rule per mode is fixed.

Telephone codecs (twenty-third pass): G.722 64 kbit/s (16 kHz), G.726 at 16, 24, 32 and 40 kbit/s and G.723.1 at
6.3 kbit/s (8 kHz), each written into WAV by the ffmpeg binary as issue #18's files were (the reference passes PyAV's
FFmpeg encoders). Same case as the twenty-second pass (george, jackson, lucas takes 0-14). Stand-aside rules decided
on `tune-real` and `tune-gen` only; `held-real` and `held-gen` stay untouched and are judged once, after the rules
are fixed, at every telephone channel measured. No new set.

Under AMR-NB mel-inversion and cycle-jitter are kept for measuring too (`kept_under_amr`): each file's label is also
recorded with the weight 0 of each combination of MEASURED (`without`).
"""
import collections
import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
from unittest import mock

import numpy as np
import pytest

WORK = os.environ.get("LOSSY_SPEECH", os.path.join(tempfile.gettempdir(), "bench-lossy-speech"))
FSDD = "/work/shared/data/fsdd"
WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
REAL = {  # set: (speaker, takes, digit offset)
    "tune-real": [("nicolas", range(10, 30), 0), ("george", range(20, 30), 0), ("jackson", range(20, 30), 0)],
    "held-real": [("nicolas", range(30, 50), 3), ("lucas", range(40, 50), 3), ("jackson", range(40, 50), 3)],
}
GENERATED = {  # set: (engine, voice)
    "tune-gen": [("flite", "awb"), ("espeak", "en+f3"), ("espeak", "mb-us1"), ("pico", "en-US")],
    "held-gen": [("flite", "slt"), ("flite", "rms"), ("espeak", "en+klatt2"), ("espeak", "mb-us2"),
                 ("festival", "kal_diphone")],
}
# set: the real set whose takes are taken back through their smoothed mel spectrogram by Griffin-Lim, as the zoo's
# `griffin-lim` family makes them (engine/zoo/families.py): mel-inversion's trait (twentieth pass)
GRIFFIN_LIM = {"tune-gl": "tune-real", "held-gl": "held-real"}
# name: (ffmpeg's encoder options, extension); MP3 and Vorbis at 44.1 kHz, Opus at its own 48 kHz
PYAV = "pyav"  # a CODECS entry written by PyAV: (PYAV, container_audio's codec, bitrate)
CODECS = {
    **{f"mp3-{k}": (["-ar", "44100", "-c:a", "libmp3lame", "-b:a", f"{k}k"], "mp3") for k in (32, 64, 128, 192)},
    **{f"vorbis-q{q}": (["-ar", "44100", "-c:a", "libvorbis", "-q:a", str(q)], "ogg") for q in (3, 8)},
    **{f"opus-{k}": (["-ar", "48000", "-c:a", "libopus", "-b:a", f"{k}k"], "opus") for k in (32, 128)},
    # AAC in M4A (ffmpeg's native encoder), as a voice memo app writes it: 16 kHz and 44.1 kHz mono
    **{f"aac{rate // 1000}-{k}": (["-ar", str(rate), "-c:a", "aac", "-b:a", f"{k}k"], "m4a")
       for rate in (16000, 44100) for k in (32, 64, 128)},
    # AMR-NB in 3GP, as an Android voice recorder writes it: ffmpeg's binary here has no AMR encoder, so PyAV's
    # OpenCORE encoder (engine/data/formats/container_audio.py) writes it, at 8 kHz, the bitrate its mode
    **{f"amr-{mode}": ((PYAV, "amr_nb", mode), "3gp") for mode in (12200, 10200, 7950, 7400, 6700, 5900, 5150, 4750)},
    # telephone codecs of voice over IP and cordless phones, in WAV as ffmpeg writes them (issue #18)
    "g722-64": (["-ar", "16000", "-c:a", "g722"], "wav"),
    **{f"g726-{k}": (["-ar", "8000", "-c:a", "g726", "-b:a", f"{k}k"], "wav") for k in (16, 24, 32, 40)},
    "g7231-6300": (["-ar", "8000", "-c:a", "g723_1", "-b:a", "6.3k"], "wav"),
}
# the encoding each CODECS entry is read back as (engine/data/channels.py), where the extension does not say it
SUBTYPES = {"g722-64": "G722_64000", **{f"g726-{k}": f"G726_{k * 1000}" for k in (16, 24, 32, 40)},
            "g7231-6300": "G723_1_6300"}
# Measuring: pulse-grid stands aside only under GSM 06.10 (and the MPEG layers libsndfile cannot write).
KEPT_FOR_MEASURING = ("GSM610", "MPEG_LAYER_I", "MPEG_LAYER_II")
# ... and mel-inversion and cycle-jitter are kept under AMR-NB (both stand aside there in the product)
MEASURED = ("pulse-grid", "mel-inversion", "cycle-jitter")
# ... and, for the telephone codecs, the waveform's binary detectors (one shared weight: suite.unions) aside together,
# with checkerboard and features too: whether their weight is better given to the detectors whose traits survive
WAVEFORM = ("noise-floor", "cycle-jitter", "repeated-cycle", "mel-inversion")
ASIDE_TOGETHER = (WAVEFORM, WAVEFORM + ("checkerboard",), WAVEFORM + ("features",),
                  WAVEFORM + ("checkerboard", "features"), ("checkerboard",), ("features",))


def kept_under_amr(lost):
    """The codecs of a detector's `lost` list (channel_losses.INVERSION_LOST, JITTER_LOST) but AMR-NB's modes."""
    from engine.data.formats.container_audio import TELEPHONE
    from engine.detectors.channel_losses import AMR_NB

    return tuple(c for c in lost if c not in AMR_NB + TELEPHONE)


def synthesise(engine, voice, word, out):
    commands = {
        "flite": ["flite", "-voice", voice, "-t", word, "-o", out],
        "espeak": ["espeak-ng", "-v", voice, "-w", out, word],
        "pico": ["pico2wave", "-l", voice, "-w", out, word],
        "festival": ["text2wave", "-eval", f"(voice_{voice})", "-o", out],
    }
    subprocess.run(commands[engine], check=True, capture_output=True,
                   input=word.encode() if engine == "festival" else None)


def make():
    """The sets' source WAVs under WORK/SET (real: links to the FSDD files)."""
    for name, members in REAL.items():
        os.makedirs(f"{WORK}/{name}", exist_ok=True)
        for speaker, takes, offset in members:
            for take in takes:
                path = f"{FSDD}/{(take + offset) % 10}_{speaker}_{take}.wav"
                link = f"{WORK}/{name}/{speaker}-{os.path.basename(path)}"
                if not os.path.exists(link):
                    os.symlink(path, link)
    for name, real in GRIFFIN_LIM.items():
        inverted(name, real)
    for name, voices in GENERATED.items():
        os.makedirs(f"{WORK}/{name}", exist_ok=True)
        for engine, voice in voices:
            for k, word in enumerate(WORDS):
                out = f"{WORK}/{name}/{voice}-{k}.wav"
                if not os.path.exists(out):
                    synthesise(engine, voice, word, out)


def inverted(name, real):
    """Griffin-Lim versions of real set `real`'s takes under WORK/`name`, each at its take's peak, 16-bit WAV."""
    import soundfile

    from engine.zoo.families import _griffin_lim

    os.makedirs(f"{WORK}/{name}", exist_ok=True)
    for k, path in enumerate(sources(real)):
        out = f"{WORK}/{name}/gl-{os.path.basename(path)}"
        if not os.path.exists(out):
            audio, rate = soundfile.read(path, dtype="float32")
            made = _griffin_lim(audio, np.random.default_rng(k))
            soundfile.write(out, made * np.abs(audio).max() / max(np.abs(made).max(), 1e-9), rate, subtype="PCM_16")


def sources(name):
    return sorted(os.path.join(WORK, name, f) for f in os.listdir(os.path.join(WORK, name)) if f.endswith(".wav"))


def encoded(name, codec):
    """The set's files through `codec` (ffmpeg), written once under WORK/SET@CODEC."""
    options, ext = CODECS[codec]
    folder = f"{WORK}/{name}@{codec}"
    os.makedirs(folder, exist_ok=True)
    out = []
    for path in sources(name):
        out.append(os.path.join(folder, os.path.basename(path)[:-4] + f".{ext}"))
        if not os.path.exists(out[-1]) and options[0] == PYAV:
            write_pyav(path, out[-1], *options[1:], ext)
        elif not os.path.exists(out[-1]):
            subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", path, "-ac", "1", *options, out[-1]], check=True)
    return out


def write_pyav(source, out, codec, bitrate, container):
    """`source` (a WAV) resampled to 8 kHz mono and encoded by PyAV into `out`."""
    import soundfile
    import soxr

    from engine.data.formats import container_audio

    audio, rate = soundfile.read(source, dtype="float32", always_2d=True)
    audio = soxr.resample(audio.mean(axis=1), rate, container_audio.AMR_NB_RATE)
    with open(out, "wb") as f:
        f.write(container_audio.encoded(audio, container_audio.AMR_NB_RATE, bitrate, container, codec))


def with_before(rows):
    """verdict._file_verdict, also recording into `rows` each file's label with pulse-grid's weight 0 (`before`) and
    with the weights 0 of each combination of MEASURED (`without`)."""
    from engine import verdict
    from engine.detectors import calibration, suite

    original = verdict._file_verdict

    def recording(case, path, samples, detectors, weights, batch, g, scores, p, attribution, alpha, *rest, **kw):
        out = original(case, path, samples, detectors, weights, batch, g, scores, p, attribution, alpha, *rest, **kw)
        names = [d.name for d in detectors]
        speaking = np.array(suite.informative(detectors, samples))

        def label_without(aside):
            p_aside, decisive = calibration.combine(p, suite.weights(
                detectors, alpha, speaking & np.array([n not in aside for n in names])))
            return calibration.label_for(p_aside, alpha), names[decisive]

        # under a telephone codec, the label with its stand-aside rule (channel_losses.TELEPHONE_LOST) undone: those
        # detectors unwrapped, speaking as their recalibrated selves (their scores are the same)
        from engine.detectors.channel_losses import TELEPHONE_LOST
        from engine.detectors.channels import StandAside

        lost = TELEPHONE_LOST.get(out["channel"].get("subtype"), ())
        unwrapped = [d.detector if isinstance(d, StandAside) and d.name in lost else d for d in detectors]
        p_all = calibration.combine(p, suite.weights(unwrapped, alpha, suite.informative(unwrapped, samples)))[0]
        before, before_by = label_without(("pulse-grid",))
        rows.append({"file": os.path.basename(path), "after": out["label"], "before": before, "before_by": before_by,
                     "without": {"+".join(a): label_without(a)[0] for a in [
                         c for k in range(1, len(MEASURED) + 1) for c in itertools.combinations(MEASURED, k)]
                         + list(ASIDE_TOGETHER)},
                     "telephone_rule_undone": calibration.label_for(p_all, alpha) if lost else None,
                     "after_by": min(out["detectors"], key=lambda n: out["detectors"][n]["tail_probability"]
                                     / out["detectors"][n]["weight"] if out["detectors"][n]["weight"] > 0 else np.inf),
                     "p": {n: v["tail_probability"] for n, v in out["detectors"].items()},
                     "weight": {n: v["weight"] for n, v in out["detectors"].items()},
                     "z": out["detectors"].get("pulse-grid", {}).get("score"), "channel": out["channel"]["assumed"]})
        return out

    return recording


def judge(case, name, codec, out_json):
    """Verdicts on set `name` through `codec` in a copy of `case`, before and after, written to `out_json`.

    A real or Griffin-Lim set's files whose channel reads added noise are not judged whole (each is a noise level of
    its own, for which every detector is recalibrated: about 25 minutes a set here); for them pulse-grid's tail
    probability against the codec's calibration without the noise is written instead, a lower bound on the one the
    verdict would use (the noise union takes the largest of its parts, that one among them), so a file it leaves
    above alpha cannot be labelled generated by pulse-grid; and mel-inversion's roughness (its trait: below
    PLAUSIBLE_DB)."""
    from engine import verdict
    from engine.case_workflows import open_case
    from engine.data import loaders
    from engine.detectors import calibration, channel_keys, channel_losses, channels, suite
    from engine.detectors.mel_inversion import roughness
    from engine.detectors.pulse_grid import grid_scores

    paths, rows, built = encoded(name, codec), [], {}
    if name in REAL or name in GRIFFIN_LIM:
        with open_case(case) as c:
            profile = c.profile()
        gate = channel_keys.reference_noise_gate(profile)
        keys = {p: channel_keys.channel_key(loaders.load_path(p).meta, gate) for p in paths}
        noisy = [p for p in paths if keys[p][4]]
        paths = [p for p in paths if not keys[p][4]]
    else:
        noisy = []

    def recording(detectors, profile, key, *args, **kw):
        out = original(detectors, profile, key, *args, **kw)
        built[key] = out[0]
        return out

    original = channels.channel_detectors
    with tempfile.TemporaryDirectory() as work:
        copy = os.path.join(work, "case")
        shutil.copytree(case, copy)
        # each table patched where it is read: PULSE_LOST and JITTER_LOST by channel_set, INVERSION_LOST by
        # inversion_lost
        with mock.patch.object(channels, "PULSE_LOST", KEPT_FOR_MEASURING), \
                mock.patch.object(channel_keys, "INVERSION_LOST", kept_under_amr(channel_losses.INVERSION_LOST)), \
                mock.patch.object(channels, "JITTER_LOST", kept_under_amr(channel_losses.JITTER_LOST)), \
                mock.patch.object(channels, "channel_detectors", recording), \
                mock.patch.object(verdict, "_file_verdict", with_before(rows)):
            verdict.judge(copy, paths)
            if noisy:
                quiet = keys[noisy[0]][:4] + (None,)
                if quiet not in built:
                    recording(suite.profile_detectors(profile), profile, quiet)
                grid = next(d for d in built[quiet] if d.name == "pulse-grid")
                z = grid_scores([to_speech(p) for p in noisy])
                for p, zk, pk in zip(noisy, z, calibration.tail_probability(grid.tail, z)):
                    rows.append({"file": os.path.basename(p), "noisy": True, "z": float(zk), "p_pulse_grid": float(pk),
                                 "roughness": roughness(to_speech(p))[0]})
    with open(out_json, "w") as f:
        json.dump({"set": name, "codec": codec, "rows": rows}, f)
    return summary([out_json])


def judge_noisy(case, name, codec, out_json):
    """Whole verdicts, under the product's own codec rule, on the takes of real set `name` through `codec` that the
    channel reads as added noise (`judge` only bounds them): each is a noise level of its own, recalibrated per file
    (about 65 s a file here)."""
    from engine import verdict
    from engine.case_workflows import open_case
    from engine.data import loaders
    from engine.detectors import channel_keys

    paths, rows = encoded(name, codec), []
    with open_case(case) as c:
        gate = channel_keys.reference_noise_gate(c.profile())
    noisy = [p for p in paths if channel_keys.channel_key(loaders.load_path(p).meta, gate)[4]]
    with tempfile.TemporaryDirectory() as work:
        copy = os.path.join(work, "case")
        shutil.copytree(case, copy)
        with mock.patch.object(verdict, "_file_verdict", with_before(rows)):
            verdict.judge(copy, noisy)
    with open(out_json, "w") as f:
        json.dump({"set": name, "codec": codec, "rows": rows}, f)
    return summary([out_json])


def to_speech(path):
    from engine.data import loaders
    from engine.data.representations import to_speech_rate

    return to_speech_rate(*loaders.load_recording(path))


def summary(files):
    """Per set and codec: (generated, inconclusive, real) before and after, per source, and noise-floor's and
    pulse-grid's alarms (p < 0.01)."""
    from engine.detectors.mel_inversion import PLAUSIBLE_DB

    lines = []
    for path in files:
        with open(path) as f:
            run = json.load(f)
        by_source = collections.defaultdict(lambda: collections.Counter())
        noisy = [r for r in run["rows"] if r.get("noisy")]
        run["rows"] = [r for r in run["rows"] if not r.get("noisy")]
        for r in run["rows"]:
            src = r["file"].rsplit("-", 1)[0] if "gen" in run["set"] else r["file"].split("-")[0]
            by_source[src]["n"] += 1
            by_source[src]["before"] += r["before"] == "generated"
            by_source[src]["after"] += r["after"] == "generated"
            by_source[src]["pulse-grid p<0.01"] += r["p"].get("pulse-grid", 1) < 0.01
            by_source[src]["noise-floor p<0.01"] += r["p"].get("noise-floor", 1) < 0.01
            by_source[src]["mel-inversion p<0.01"] += r["p"].get("mel-inversion", 1) < 0.01
            by_source[src]["cycle-jitter p<0.01"] += r["p"].get("cycle-jitter", 1) < 0.01
            for aside, label in r.get("without", {}).items():
                by_source[src][f"without {aside}"] += label == "generated"
        count = lambda get: tuple(sum(get(r) == k for r in run["rows"]) for k in ("generated", "inconclusive", "real"))
        without = sorted({a for r in run["rows"] for a in r.get("without", {})})
        lines.append(f"{run['set']} {run['codec']} (n {len(run['rows'])}): (generated, inconclusive, real) before "
                     f"{count(lambda r: r['before'])}, after {count(lambda r: r['after'])}"
                     + "".join(f", without {a} {count(lambda r: r['without'][a])}" for a in without) + "; " + "; ".join(
                         f"{s}: {c['before']}->{c['after']} of {c['n']} (pulse-grid {c['pulse-grid p<0.01']}, "
                         f"noise-floor {c['noise-floor p<0.01']}, mel-inversion {c['mel-inversion p<0.01']}, "
                         f"cycle-jitter {c['cycle-jitter p<0.01']}"
                         + "".join(f", without {a} {c[f'without {a}']}" for a in without) + ")"
                         for s, c in sorted(by_source.items()))
                     + (f"; read as noisy, not judged: {len(noisy)}, pulse-grid p < 0.01 against the codec's "
                        f"calibration {sum(r['p_pulse_grid'] < 0.01 for r in noisy)} (z max "
                        f"{max(r['z'] for r in noisy):.2f}, p min {min(r['p_pulse_grid'] for r in noisy):.3g}; "
                        f"mel-inversion roughness below {PLAUSIBLE_DB} dB: "
                        f"{sum((r.get('roughness') or 99) < PLAUSIBLE_DB for r in noisy)})"
                        if noisy else ""))
    return "\n".join(lines)


def scores(case, codec, names):
    """pulse-grid's z: the case's kept reference recordings through the channel the verdict would assume (both
    libsndfile bitrates, as channel_detectors passes them) against each set's files through ffmpeg's `codec`."""
    from engine.case_workflows import open_case
    from engine.data import loaders
    from engine.detectors.channel_keys import channel_key
    from engine.detectors.channel_words import describe
    from engine.detectors.channels import channelled_reference
    from engine.detectors.pulse_grid import grid_scores

    with open_case(case) as c:
        profile = c.profile()
    files = {name: encoded(name, codec) for name in names}
    first = loaders.load_path(files[names[0]][0])
    key = channel_key(first.meta)
    reference = channelled_reference(profile, key[:4] + (None,))[3]
    z = grid_scores(reference)
    top = z.max()
    print(f"{codec}: reference through {describe(key[:4] + (None,))}: z p50/p99/max "
          f"{np.percentile(z, 50):.2f} / {np.percentile(z, 99):.2f} / {top:.2f} of {z.size}")
    for name, paths in files.items():
        z = grid_scores([to_speech(p) for p in paths])
        print(f"  {name}: z p50/p99/max {np.percentile(z, 50):.2f} / {np.percentile(z, 99):.2f} / {z.max():.2f}; "
              f"above the reference's max: {int((z > top).sum())} of {z.size}", flush=True)


# cycles' reference: george, jackson, lucas takes 0-14 (450 recordings; cycle-jitter needs a profile keeping 400)
REFERENCE = [("george", range(15)), ("jackson", range(15)), ("lucas", range(15))]


def cycles(out_json, codecs, names):
    """cycle-jitter's jitter (percent) and repeated-cycle's closeness per file of each set through each codec
    ("clean": as made) and of the case's reference through the same channel (what channel_detectors recalibrates
    them on), written to `out_json`, with how many reach each detector's bound."""
    from engine.data import loaders
    from engine.detectors.batch import Recordings
    from engine.detectors.channel_keys import channel_key
    from engine.detectors.channel_media import audio_through
    from engine.detectors.cycle_jitter import PLAUSIBLE_PERCENT, jitter
    from engine.detectors.cycles import measured
    from engine.detectors.repeated_cycle import PLAUSIBLE, repeat_scores

    reference = [to_speech(f"{FSDD}/{digit}_{speaker}_{take}.wav")
                 for speaker, takes in REFERENCE for take in takes for digit in range(10)]
    runs = {}
    for codec in codecs:
        files = {name: (sources(name) if codec == "clean" else encoded(name, codec)) for name in names}
        key = None if codec == "clean" else channel_key(loaders.load_path(files[names[0]][0]).meta)
        sets = {"reference": [a if key is None else audio_through(a, key[:4] + (None,)) for a in reference],
                **{name: [to_speech(p) for p in paths] for name, paths in files.items()}}
        for name, audio in sets.items():
            recordings = Recordings(audio)
            values = [measured(recordings, k, jitter)[0] for k in range(len(audio))]
            closeness = repeat_scores(recordings)
            runs[f"{name} {codec}"] = {"jitter": values, "closeness": closeness.tolist(), "files": (
                [os.path.basename(p) for p in files[name]] if name in files else None)}
            known = [v for v in values if v is not None]
            print(f"{name} {codec} (n {len(audio)}): jitter measured {len(known)}, min "
                  f"{min(known, default=float('nan')):.3f} %, below {PLAUSIBLE_PERCENT} %: "
                  f"{sum(v < PLAUSIBLE_PERCENT for v in known)}; closeness max {closeness.max():.2f}, "
                  f"at or beyond {PLAUSIBLE:g}: {int((closeness >= PLAUSIBLE).sum())}", flush=True)
    with open(out_json, "w") as f:
        json.dump(runs, f)


@pytest.mark.skipif(not shutil.which("ffmpeg"), reason="ffmpeg is absent")
def test_each_codec_is_read_back_as_its_subtype(tmp_path):
    from engine.data.loaders import load_path

    source = f"{FSDD}/0_george_0.wav"
    for codec, (options, ext) in CODECS.items():
        out = str(tmp_path / f"{codec}.{ext}")
        if options[0] == PYAV:
            write_pyav(source, out, *options[1:], ext)
        else:
            subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", source, "-ac", "1", *options, out], check=True)
        subtype = load_path(out).meta["channel"]["subtype"]
        expected = {"mp3": "MPEG_LAYER_III", "ogg": "VORBIS", "opus": "OPUS", "m4a": "AAC"}.get(ext)
        assert subtype == (SUBTYPES.get(codec) or expected or f"AMR_NB_{options[2]}"), codec


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "make":
        make()
    elif command == "judge":
        print(judge(*sys.argv[2:6]))
    elif command == "judge-noisy":
        print(judge_noisy(*sys.argv[2:6]))
    elif command == "summary":
        print(summary(sys.argv[2:]))
    elif command == "scores":
        scores(sys.argv[2], sys.argv[3], sys.argv[4:])
    elif command == "cycles":
        split = sys.argv.index("--")
        cycles(sys.argv[2], sys.argv[3:split], sys.argv[split + 1:])
