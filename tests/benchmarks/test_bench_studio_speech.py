"""Real speech recorded elsewhere: `synthetic-voice` calibrated also on real speech of outside set-ups
(docs/studies.md, "Speech recorded elsewhere: synthetic-voice calibrated on outside speech", 2026-12-02,
fifteenth pass).

`synthetic-voice` reads the clean set-up of studio read speech (a low floor, sharp harmonics, wide cepstral
dynamics) as synthesis, so against a reference of noisy 8 kHz digits such recordings land in its tail. `build`
writes the outside calibration part the detector ships (engine/detectors/synthetic_voice.py, OUTSIDE): the
network's features of 21 speakers' real clips (Tortoise's reference voices in coqui-ai/TTS at b09d1889: films,
interviews, audiobooks, 22-44 kHz; never trained on by the shipped network) cut as the verdict cuts case T's
recordings, and each clip's recorded floor. `detector` counts what the detector alone decides per set (SETS.md's
sets under WORK: synthesised sets in WORK/synth/SPLIT/ENGINE-VOICE, the fresh real set in WORK/fresh_real) before
and after; the whole verdicts of the docs were run with `main.py verdict` on copies of case T.

    python tests/benchmarks/test_bench_studio_speech.py build           # resources/models/synthetic_voice_outside.npz
    python tests/benchmarks/test_bench_studio_speech.py detector CASE   # the detector alone, per set
    python tests/benchmarks/test_bench_studio_speech.py detector CASE FOLDER ...   # the same, one set per folder
    python tests/benchmarks/test_bench_studio_speech.py fsdd CASE       # the same on FSDD takes the reference lacks
    python -m pytest tests/benchmarks/test_bench_studio_speech.py -s -o addopts=""
"""
import glob
import json
import os
import sys

import numpy as np

from tests.benchmarks import test_bench_cycle_traits as voices
from tests.benchmarks import test_bench_voice_domain as domain

WORK = os.environ.get("STUDIO_SPEECH", "/tmp/s19-studio")
SPEAKERS = domain.TRAIN_TORTOISE + domain.UNTOUCHED_TORTOISE  # every Tortoise voice but `lj` (LJ Speech: tuning)
TUNING_REAL = {"tuning: LJ Speech": "/work/data/ljs/*.wav",
               "tuning: sealed read sentences": "/work/data/sealed_speech/sb_[As][Si][Rn]*",
               "tuning: sealed LibriSpeech": "/work/data/sealed_speech/libri*"}
SPLITS = {"tuning": "tuning", "untouched": "tuning (first round's untouched)", "untouched2": "untouched"}


def outside_recordings():
    """(speaker/clip, recording at 8 kHz) of every Tortoise clip of SPEAKERS."""
    domain.WORK = os.path.join(WORK, "voice-domain")
    return [(f"{speaker}/{os.path.basename(path)}", voices.load(path))
            for speaker in SPEAKERS for path in domain.tortoise(speaker)]


def build(out=None):
    """The shipped outside calibration part: features of every clip's pieces and each clip's recorded floor."""
    from engine.data.builtins import resources_dir
    from engine.detectors import segments, synthetic_voice

    path = out or resources_dir().joinpath(*synthetic_voice.OUTSIDE)
    clips = outside_recordings()
    pieces = [piece for _, audio in clips for piece in segments.split(audio, domain.PIECE)]
    rows = [f for f in map(synthetic_voice.features, pieces) if f is not None]
    floors = [synthetic_voice.recorded_floor(audio) for _, audio in clips]
    np.savez(path, features=np.array(rows, dtype=np.float32), floor_db=np.array(floors, dtype=np.float32))
    sidecar = {"made_by": "tests/benchmarks/test_bench_studio_speech.py build",
               "source": f"coqui-ai/TTS at {domain.TORTOISE[0]}, {domain.TORTOISE[1]}: reference clips of real "
                         f"speakers (films, interviews, audiobooks; their own rights unstated, only these statistics "
                         f"shipped)",
               "speakers": list(SPEAKERS), "clips": len(clips),
               "pieces": f"{len(rows)} pieces of {domain.PIECE} samples at 8 kHz (case T's median reference length), "
                         f"cut by engine/detectors/segments.split",
               "floor_db": "per clip, synthetic_voice.recorded_floor"}
    path.with_suffix(".json").write_text(json.dumps(sidecar, indent=1) + "\n")
    print(f"{path}: {len(rows)} pieces of {len(clips)} clips; floors {min(floors):.1f} to {max(floors):.1f} dB")


def measured_sets():
    """{name: paths} of SETS.md's real and synthesised sets (tuning; untouched: fresh_real and synth/untouched2)."""
    sets = {name: sorted(p for p in glob.glob(pattern) if not p.endswith((".raw", ".sph")))
            for name, pattern in TUNING_REAL.items()}
    domain.WORK = os.path.join(WORK, "voice-domain")
    sets["tuning: CMU Arctic"] = domain.arctic()
    sets["tuning: sealed3"] = sorted(glob.glob("/work/data/sealed3/*"))
    sets["untouched: fresh real"] = sorted(glob.glob(os.path.join(WORK, "fresh_real", "*")))
    for split, label in SPLITS.items():
        for folder in sorted(glob.glob(os.path.join(WORK, "synth", split, "*"))):
            sets[f"{label}: {os.path.basename(folder)}"] = sorted(glob.glob(os.path.join(folder, "*.wav")))
    return sets


def fsdd_sets():
    """{name: recordings} of FSDD takes the case's reference does not hold (nicolas; the others' takes 20-49)."""
    return {"tuning: FSDD nicolas 0-19": voices.fsdd_files("nicolas", takes=range(20)),
            "untouched: FSDD nicolas 20-49": voices.fsdd_files("nicolas", takes=range(20, 50)),
            "untouched: FSDD george, jackson, lucas 20-49": [p for s in ("george", "jackson", "lucas")
                                                              for p in voices.fsdd_files(s, takes=range(20, 50))]}


def detector_alone(case, sets=None):
    """Per set, how many recordings `synthetic-voice` alone puts below alpha x its weight in case T (0.15) / within
    the inconclusive band (5 alpha x the weight): before (segments merged by Bonferroni, the reference's calibration
    alone), with Hommel's merge alone, and as the verdict now judges them (Hommel, the outside part for continuous
    speech with a recorder's floor)."""
    import contextlib
    from unittest import mock

    from engine import case_workflows
    from engine.detectors import calibration, segments
    from engine.detectors.synthetic_voice import SyntheticVoice

    with case_workflows.open_case(case) as opened:
        profile = opened.profile()
    now, alone = SyntheticVoice(profile), SyntheticVoice(profile)
    alone.tail_of = lambda audio: alone.tail
    bonferroni = mock.patch.object(segments, "merged", lambda p: min(1.0, len(p) * float(np.min(p))))
    bound = 0.01 * 0.15
    for name, paths in (sets or {**measured_sets(), **fsdd_sets()}).items():
        recordings = _Recordings([voices.load(p) for p in paths])
        counts = []
        for detector, merge in ((alone, bonferroni), (alone, None), (now, None)):
            with merge or contextlib.nullcontext():
                p = calibration.tail_probability(detector.tail, detector.scores(recordings))
            counts.append(f"{int((p <= bound).sum()):3d} / {int(((p > bound) & (p <= 5 * bound)).sum()):3d}")
        print(f"{name:48s} n={len(paths):4d}  before {counts[0]}  Hommel {counts[1]}  now {counts[2]}", flush=True)


class _Recordings:
    """The batch a RecordingDetector scores (its recordings)."""
    def __init__(self, recordings):
        self._recordings = recordings

    def recordings(self):
        return self._recordings


def test_bench_studio_speech_outside_part_is_what_build_writes(tmp_path):
    from engine.data.builtins import resources_dir
    from engine.detectors import synthetic_voice

    shipped = resources_dir().joinpath(*synthetic_voice.OUTSIDE)
    if not os.path.isdir(domain.COQUI):
        import pytest

        pytest.skip("needs the coqui-ai/TTS mirror")
    build(tmp_path / "outside.npz")
    with np.load(shipped) as a, np.load(tmp_path / "outside.npz") as b:
        assert np.allclose(a["features"], b["features"]) and np.allclose(a["floor_db"], b["floor_db"])


if __name__ == "__main__":
    if sys.argv[1] == "build":
        build()
    elif sys.argv[1] == "detector":
        detector_alone(sys.argv[2], {folder: sorted(glob.glob(os.path.join(folder, "*.wav")))
                                     for folder in sys.argv[3:]} or None)
    elif sys.argv[1] == "fsdd":
        detector_alone(sys.argv[2], fsdd_sets())
