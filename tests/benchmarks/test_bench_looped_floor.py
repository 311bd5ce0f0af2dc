"""Benchmark of the candidate looped-floor (tests/benchmarks/looped_floor.py; docs/studies.md, "Looped floor"):
the reading's time against a per-frame np.correlate loop (pytest), and the detector measured on sets named before
measuring (`make`, `scores`, `verdicts`).

Sets (written down before anything was measured): TUNING synthesised: festival `hy_fi_mv_diphone` digits and
Finnish sentences, espeak-ng MBROLA `mb-us1` and flite `rms` (14 files each); TUNING real: FSDD george, jackson
and lucas takes 20-29 (the case reference's speakers, other takes) and nicolas takes 0-9. UNTOUCHED synthesised:
festival `kal_diphone`, `ked_diphone`, `rab_diphone`, `czech_ph`, `suo_fi_lj_diphone`, espeak-ng `mb-us2`,
flite `slt` (named in place of MBROLA `us3`, not installed here), `awb`, `kal16`, `kal` (14 each, 140); UNTOUCHED
real: FSDD theo and yweweler takes 0-4 (100; speakers no case reference holds, from the dataset's repository)
and the speech WAVs of pyroomacoustics' repository (CMU Arctic and a German speaker, 8). Whole verdicts in case T
(george, jackson, lucas takes 0-19), before = its profile without the detector, after = with its calibration array
added in memory as build_profile would compute it.

    python tests/benchmarks/test_bench_looped_floor.py make                 # the WAVs under WORK
    python tests/benchmarks/test_bench_looped_floor.py scores [SET ...]     # looping per set
    python tests/benchmarks/test_bench_looped_floor.py verdicts CASE [SET ...]   # whole verdicts before/after
    python -m pytest tests/benchmarks/test_bench_looped_floor.py -s -o addopts=""
"""
import collections
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from unittest import mock

import numpy as np

from tests.benchmarks import looped_floor
from tests.benchmarks.looped_floor import LAGS, LoopedFloor, looping

WORK = os.environ.get("LOOPED_FLOOR", os.path.join(tempfile.gettempdir(), "bench-looped-floor"))
FSDD = "/work/shared/data/fsdd"
FSDD_REPO = "/work/.mirror/Jakobovski+free-spoken-digit-dataset/repo"
PYROOM = "/work/.mirror/LCAV+pyroomacoustics/repo"
PHRASES = {"en": ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                  "one two three", "four five six", "seven eight nine", "nine, eight, zero"],
           "fi": ["nolla", "yksi", "kaksi", "kolme", "neljä", "viisi", "kuusi", "seitsemän", "kahdeksan", "yhdeksän",
                  "yksi kaksi kolme", "neljä viisi kuusi", "seitsemän kahdeksan yhdeksän",
                  "yhdeksän, kahdeksan, nolla"],
           "cs": ["nula", "jedna", "dva", "tři", "čtyři", "pět", "šest", "sedm", "osm", "devět",
                  "jedna dva tři", "čtyři pět šest", "sedm osm devět", "devět, osm, nula"],
           "fi-sentences": ["Tänään sataa vettä koko päivän.", "Juna lähtee asemalta kello kahdeksan.",
                            "Kissa nukkuu ikkunan edessä.", "Me menemme huomenna kauppaan.",
                            "Talvella järvi jäätyy, ja lapset luistelevat.", "Kirja on pöydällä keittiössä.",
                            "Hän soitti minulle eilen illalla.", "Metsässä kasvaa korkeita kuusia.",
                            "Kahvi on jo valmista, tule juomaan.", "Bussi oli myöhässä kymmenen minuuttia.",
                            "Isä korjasi polkupyörän renkaan.", "Lokakuussa lehdet putoavat puista.",
                            "Opettaja kirjoitti taululle pitkän lauseen.", "Saunan jälkeen uimme järvessä."]}
ENCODING = {"en": "latin-1", "fi": "latin-1", "cs": "iso-8859-2", "fi-sentences": "latin-1"}
SYNTH = {  # name: (engine, voice, phrases, tuning)
    "festival hy_fi_mv digits": ("festival", "hy_fi_mv_diphone", "fi", True),
    "festival hy_fi_mv sentences": ("festival", "hy_fi_mv_diphone", "fi-sentences", True),
    "mbrola us1": ("espeak", "mb-us1", "en", True),
    "flite rms": ("flite", "rms", "en", True),
    "festival kal": ("festival", "kal_diphone", "en", False),
    "festival ked": ("festival", "ked_diphone", "en", False),
    "festival rab": ("festival", "rab_diphone", "en", False),
    "festival czech_ph": ("festival", "czech_ph", "cs", False),
    "festival suo_fi_lj": ("festival", "suo_fi_lj_diphone", "fi", False),
    "mbrola us2": ("espeak", "mb-us2", "en", False),
    "flite slt": ("flite", "slt", "en", False),  # in place of MBROLA us3, not installed here
    "flite awb": ("flite", "awb", "en", False),
    "flite kal16": ("flite", "kal16", "en", False),
    "flite kal": ("flite", "kal", "en", False),
}


def fsdd(folder, speakers, takes):
    return sorted(p for s in speakers for p in glob.glob(os.path.join(folder, f"*_{s}_*.wav"))
                  if int(os.path.basename(p).split("_")[-1][:-4]) in takes)


REAL = {  # name: (files, tuning)
    "fsdd g/j/l 20-29": (lambda: fsdd(FSDD, ("george", "jackson", "lucas"), range(20, 30)), True),
    "fsdd nicolas 0-9": (lambda: fsdd(FSDD, ("nicolas",), range(10)), True),
    "fsdd theo/yweweler 0-4": (lambda: fsdd(os.path.join(WORK, "fsdd-outside"), ("theo", "yweweler"), range(5)), False),
    "pyroomacoustics speech": (lambda: sorted(glob.glob(os.path.join(WORK, "pyroom", "*.wav"))), False),
}


def synthesise(engine, voice, text, language, out):
    if engine == "festival":
        with tempfile.NamedTemporaryFile("w", suffix=".txt", encoding=ENCODING[language], delete=False) as f:
            f.write(text + "\n")
        subprocess.run(["text2wave", "-eval", f"(voice_{voice})", f.name, "-o", out], check=True, capture_output=True)
        os.remove(f.name)
    elif engine == "espeak":
        subprocess.run(["espeak-ng", "-v", voice, "-w", out, text], check=True, capture_output=True)
    else:
        subprocess.run(["flite", "-voice", voice, "-t", text, "-o", out], check=True, capture_output=True)


def make():
    for name, (engine, voice, language, _) in SYNTH.items():
        folder = os.path.join(WORK, name.replace(" ", "_"))
        if len(glob.glob(os.path.join(folder, "*.wav"))) < len(PHRASES[language]):
            os.makedirs(folder, exist_ok=True)
            for k, text in enumerate(PHRASES[language]):
                synthesise(engine, voice, text, language, os.path.join(folder, f"{k:02d}.wav"))
    for folder, repo, pattern in (("fsdd-outside", FSDD_REPO, r"recordings/.*_(theo|yweweler)_[0-4]\.wav$"),
                                  ("pyroom", PYROOM, r"(cmu_arctic.*|arctic_a0010|german_speech_8000)\.wav$")):
        os.makedirs(os.path.join(WORK, folder), exist_ok=True)
        listing = subprocess.run(["git", "-C", repo, "ls-tree", "-r", "--name-only", "HEAD"], capture_output=True,
                                 text=True, check=True).stdout.split()
        for path in (p for p in listing if re.search(pattern, p)):
            blob = subprocess.run(["git", "-C", repo, "show", f"HEAD:{path}"], capture_output=True, check=True).stdout
            with open(os.path.join(WORK, folder, os.path.basename(path)), "wb") as f:
                f.write(blob)


def set_files(name):
    if name in SYNTH:
        return sorted(glob.glob(os.path.join(WORK, name.replace(" ", "_"), "*.wav"))), SYNTH[name][3]
    files, tuning = REAL[name]
    return files(), tuning


def recordings(paths):
    from engine.data import loaders
    from engine.data.representations import to_speech_rate

    return [to_speech_rate(*loaders.load_recording(p)) for p in paths]


def scores(names):
    for name in names:
        paths, tuning = set_files(name)
        values = np.array([looping(a)[0] for a in recordings(paths)])
        q = np.percentile(values, [50, 90, 100]) if values.size else [np.nan] * 3
        beyond = int(np.sum(values > looped_floor.PLAUSIBLE))
        print(f"{name} ({'tuning' if tuning else 'untouched'}, {len(paths)}): looping median {q[0]:.3f}, p90 "
              f"{q[1]:.3f}, max {q[2]:.3f}; beyond {looped_floor.PLAUSIBLE}: {beyond}", flush=True)


def with_looped_floor(case_detectors):
    """case_detectors with the profile given looped-floor's array first (in memory; the case is not changed)."""
    from engine.detectors.profile import reference_audio

    def patched(case, profile):
        if "cal_looped_floor" not in profile:
            profile.update(LoopedFloor.calibrate([audio for _, audio in reference_audio(profile)]))
        return case_detectors(case, profile)
    return patched


def without_looped_floor(case_detectors):
    def patched(case, profile):
        profile.pop("cal_looped_floor", None)
        return case_detectors(case, profile)
    return patched


def labels(case, paths, add):
    from engine import verdict
    from engine.detectors import registry

    with tempfile.TemporaryDirectory() as work:
        copy = os.path.join(work, "case")
        shutil.copytree(case, copy)
        patch = (with_looped_floor if add else without_looped_floor)(verdict.case_detectors)
        with mock.patch.object(verdict, "case_detectors", patch), \
                mock.patch.object(registry, "DETECTORS", registry.DETECTORS + (LoopedFloor,)):
            files = verdict.judge(copy, paths)["files"]
    decided = collections.Counter(f["label"] for f in files)
    by_loop = sum(1 for f in files if f["label"] == "generated"
                  and f["detectors"].get("looped-floor", {}).get("tail_probability", 1) < 0.01)
    return decided["generated"], decided["inconclusive"], decided["real"], by_loop


def verdicts(case, names):
    for name in names:
        paths, tuning = set_files(name)
        before, after = labels(case, paths, False), labels(case, paths, True)
        print(f"{name} ({'tuning' if tuning else 'untouched'}, {len(paths)}): (generated, inconclusive, real) before "
              f"{before[:3]}, with looped-floor {after[:3]} (generated with its tail probability < 0.01: {after[3]})",
              flush=True)


def correlate_loop(audio):
    """The baseline: the same looping, each quiet frame's correlations by np.correlate, lag by lag energies."""
    from scipy.signal import sosfiltfilt

    x = np.asarray(audio, dtype=np.float64)
    starts = looped_floor.quiet_starts(x)
    medians = []
    for sos in looped_floor.band_filters():
        y, peaks = sosfiltfilt(sos, x), []
        for s in starts:
            frame = y[s:s + looped_floor.FRAME]
            full = np.correlate(frame, frame, "full")[frame.size - 1:]
            best = 0.0
            for lag in range(LAGS[0], LAGS[1] + 1):
                energy = np.sqrt(np.dot(frame[:-lag], frame[:-lag]) * np.dot(frame[lag:], frame[lag:]))
                best = max(best, full[lag] / energy if energy > 0 else 0.0)
            peaks.append(best)
        medians.append(np.percentile(peaks, looped_floor.FRAME_QUANTILE) if peaks else 0.0)
    return float(min(medians)) if len(starts) >= looped_floor.MIN_FRAMES else 0.0


def test_bench_looped_floor_reading_against_correlate_loop():
    audio = [a for a in recordings(fsdd(FSDD, ("george", "jackson", "lucas"), range(20, 30)))
             if looped_floor.band_peaks(a)[0] >= looped_floor.MIN_FRAMES][:20]  # takes with a floor to read
    timings = {}
    for name, reading in (("np.correlate per frame (baseline)", correlate_loop),
                          ("looped_floor.looping", lambda a: looping(a)[0])):
        start = time.perf_counter()
        values = [reading(a) for a in audio]
        timings[name] = (time.perf_counter() - start, values)
    (base, base_values), (new, new_values) = timings.values()
    assert np.allclose(base_values, new_values, atol=1e-6)
    frames = sum(looped_floor.band_peaks(a)[0] for a in audio)
    print(f"\n{len(audio)} FSDD recordings with {frames} quiet frames: baseline {base:.3f} s, looped_floor "
          f"{new:.3f} s, ratio {base / new:.1f}x")


if __name__ == "__main__":
    command, rest = sys.argv[1], sys.argv[2:]
    every = list(SYNTH) + list(REAL)
    if command == "make":
        make()
    elif command == "scores":
        scores(rest or every)
    elif command == "verdicts":
        verdicts(rest[0], rest[1:] or every)
