"""Neural vocoders (WaveNet, Parallel WaveGAN, MelGAN, ClariNet, HiFi-GAN) and the recordings they copied,
judged by a speech case (docs/studies.md, "Neural vocoders: copy-synthesis by five vocoder families passes as
real", twenty-ninth pass).

The sets come from vocoder demo pages that commit their audio, each file with its repository, commit and path
(OUT/PROVENANCE.tsv), and from FSDD's theo and yweweler. Named before measuring (/tmp/s33-vocoder/SETS.md):
tuning = T-wavenet, T-pwg, T-melgan, T-real (the demos' ground truths), T-real-fsdd2 (takes 0-9); untouched =
U-clarinet and U-hifigan (whole systems), U-wavenet-teacher, U-tacotron2-wavenet, U-real-tortoise,
U-real-is2019, U-real-fsdd2 (takes 20-29).

    python tests/benchmarks/test_bench_neural_vocoders.py make OUT             # the sets under OUT
    python tests/benchmarks/test_bench_neural_vocoders.py judge CASE OUT SET...  # labels and decisive detectors
    python tests/benchmarks/test_bench_neural_vocoders.py traits OUT SET...      # the statistics tried, per set
    python -m pytest tests/benchmarks/test_bench_neural_vocoders.py -s -o addopts=""
"""
import os
import re
import subprocess
import sys

import numpy as np
import pytest

from tests.benchmarks import test_bench_recorded_elsewhere as elsewhere
from tests.benchmarks.test_bench_voice_domain import FSDD_REPO, git_blob

MIRROR = "/work/.mirror"
# (repository, commit, the paths read): the demo pages' snapshots fetched on 2026-12-04
SOURCES = (("r9y9/demos", "264d6acf7828e3d39ebb814cff9038aac7566879", r"audio/.*\.wav$"),
           ("r9y9/wavenet_vocoder", "0d5435ad74898567f924ccdafe9499d283d5d8d0", r"audio/.*\.wav$"),  # gh-pages
           ("kan-bayashi/ParallelWaveGAN", "78e5a9fe7024ad2e7a82764c764d67a443c53017", r"wav/.*\.wav$"),  # gh-pages
           ("melgan-neurips/melgan-neurips.github.io", "7d85457fc486a996a7dfc80f33c3d07d7dc1509f",
            r"assets/(inversion|ablation|tts_samples)/.*\.wav$"),
           ("neonbjb/tortoise-tts", "8a2563ecabe93c4fb626f876dd0c52c966edef2f", r"tortoise/voices/.*\.wav$"))
# (repository, pattern searched in the path, set): the first rule that matches decides
RULES = (("neonbjb/tortoise-tts", "", "U-real-tortoise"),
         ("r9y9/wavenet_vocoder", "/tacotron2/", "U-tacotron2-wavenet"),
         ("r9y9/wavenet_vocoder", "target", "T-real"),
         ("r9y9/wavenet_vocoder", "predicted", "T-wavenet"),
         ("kan-bayashi/ParallelWaveGAN", "/raw/", "T-real"),
         ("kan-bayashi/ParallelWaveGAN", "hifigan", "U-hifigan"),
         ("kan-bayashi/ParallelWaveGAN", "melgan", "T-melgan"),
         ("kan-bayashi/ParallelWaveGAN", "wavegan", "T-pwg"),
         ("melgan-neurips/melgan-neurips.github.io", "/original/", "T-real"),
         ("melgan-neurips/melgan-neurips.github.io", "", "T-melgan"),
         ("r9y9/demos", "/interspeech2019/.*Ground truth", "U-real-is2019"),
         ("r9y9/demos", "/interspeech2019/.*Teacher", "U-wavenet-teacher"),
         ("r9y9/demos", "/interspeech2019/", "U-clarinet"),  # the students: ClariNet-style flows, distilled
         ("r9y9/demos", "Ground truth|Recording", "T-real"),
         ("r9y9/demos", "ClariNet", "U-clarinet"),
         ("r9y9/demos", "WaveNet", "T-wavenet"),
         ("r9y9/demos", "PWG|Parallel WaveGAN", "T-pwg"))
FSDD_TAKES = {"T-real-fsdd2": range(0, 10), "U-real-fsdd2": range(20, 30)}
FSDD_SPEAKERS = ("theo", "yweweler")


def set_of(repo, path):
    """The set a demo file belongs to (RULES); a file no rule places is an error, not a silent omission."""
    for rule_repo, pattern, name in RULES:
        if rule_repo == repo and re.search(pattern, path):
            return name
    raise ValueError(f"no set for {repo}:{path}")


def safe_name(repo, path):
    return re.sub(r"[^A-Za-z0-9._-]+", "_", f"{repo.split('/')[1]}__{path}")


def make(out):
    rows = []
    for repo, commit, wanted in SOURCES:
        git = os.path.join(MIRROR, repo.replace("/", "+"), "repo")
        paths = subprocess.run(["git", "-C", git, "ls-tree", "-r", "--name-only", "-z", commit], check=True,
                               capture_output=True, text=True).stdout.split("\0")
        for path in (p for p in paths if re.fullmatch(wanted, p)):
            name = set_of(repo, path)
            git_blob(git, commit, path, os.path.join(out, name, safe_name(repo, path)))
            rows.append(f"{name}\t{safe_name(repo, path)}\t{repo}\t{commit}\t{path}")
    for name, takes in FSDD_TAKES.items():
        for speaker in FSDD_SPEAKERS:
            for digit in range(10):
                for take in takes:
                    file = f"{digit}_{speaker}_{take}.wav"
                    git_blob(FSDD_REPO, "HEAD", f"recordings/{file}", os.path.join(out, name, file))
                    rows.append(f"{name}\t{file}\tJakobovski/free-spoken-digit-dataset\tHEAD\trecordings/{file}")
    with open(os.path.join(out, "PROVENANCE.tsv"), "w") as f:
        f.write("set\tfile\trepository\tcommit\tpath\n" + "\n".join(rows) + "\n")


def envelope_line(audio, rate, low=40.0, high=450.0):
    """(dB, Hz) of the strongest line in the spectrum of the power envelope of the audio above 1 kHz, between
    low and high Hz, over the median of its +-15 Hz: a vocoder conditioned on frames of a fixed hop would
    modulate its output at rate / hop (86 Hz for 256 samples at 22.05 kHz); a voice's pitch moves."""
    from scipy import ndimage, signal

    b, a = signal.butter(4, 1000 / (rate / 2), "high")
    power = signal.lfilter(b, a, np.asarray(audio, dtype=np.float64)) ** 2
    power = power / (power.mean() + 1e-30) - 1
    size = 4 << int(np.ceil(np.log2(max(power.size, 2))))
    spectrum = np.abs(np.fft.rfft(power * np.hanning(power.size), size)) ** 2
    hz = np.fft.rfftfreq(size, 1 / rate)
    floor = ndimage.median_filter(spectrum, size=2 * int(15 / hz[1]) + 1, mode="nearest")
    band = np.flatnonzero((hz >= low) & (hz <= high))
    k = band[np.argmax(spectrum[band] / (floor[band] + 1e-30))]
    return float(10 * np.log10(spectrum[k] / (floor[k] + 1e-30))), float(hz[k])


def cycle_statistics(audio):
    """Jitter (%), shimmer (% of the cycle RMS, from second differences), log10 of the median 1 - c between a
    cycle and the next period, and the median crest factor of the LPC residual per cycle: what a mel
    spectrogram does not carry and a vocoder must make up."""
    from engine.detectors.cycle_jitter import jitter
    from engine.detectors.cycles import cycle_runs, next_period_match
    from engine.detectors.pulse_grid import lpc_residual

    runs = cycle_runs(audio)
    residual = lpc_residual(audio)
    shimmer, distance, crest = [], [], []
    for run in runs:
        rms = np.array([np.sqrt(np.mean(audio[t:t + int(period)] ** 2)) for t, _, period in run])
        if rms.size >= 5:
            shimmer.extend(np.abs(rms[2:] - 2 * rms[1:-1] + rms[:-2]) / (rms[1:-1] + 1e-12))
        for t, window, period in run:
            found = next_period_match(audio, t, window, int(np.floor(0.85 * period)), int(np.ceil(1.15 * period)))
            if found is not None:
                distance.append(1 - found[1])
            cycle = residual[t:t + int(round(period))]
            crest.append(np.abs(cycle).max() / (np.sqrt(np.mean(cycle ** 2)) + 1e-12))
    enough = len(crest) >= 10
    return (jitter(audio, runs)[0], float(np.median(shimmer) * 100) if len(shimmer) >= 10 else None,
            float(np.log10(np.median(distance) + 1e-9)) if enough else None,
            float(np.median(crest)) if enough else None)


def traits(out, names):
    """Percentiles (1, 10, 50, 90, 99) of each statistic per set, read at the case's 8 kHz."""
    import glob

    import soundfile

    from engine.data.representations import SPEECH_RATE, to_speech_rate

    labels = ("envelope line dB", "jitter %", "shimmer %", "log10 cycle 1-c", "residual crest")
    for name in names:
        rows = []
        for path in sorted(glob.glob(os.path.join(out, name, "*.wav"))):
            audio, rate = soundfile.read(path, dtype="float32", always_2d=True)
            audio = to_speech_rate(audio.mean(axis=1), rate).astype(np.float64)
            rows.append((envelope_line(audio, SPEECH_RATE)[0],) + cycle_statistics(audio))
        values = np.array([[np.nan if v is None else v for v in row] for row in rows])
        for k, label in enumerate(labels):
            print(f"{name} ({len(rows)}) {label}: {np.round(np.nanpercentile(values[:, k], [1, 10, 50, 90, 99]), 2)}",
                  flush=True)


def test_bench_neural_vocoders_places_every_demo_file_and_reads_a_frame_rate_line():
    assert set_of("r9y9/demos", "audio/icassp2020/AnaSyn/[Sample01]-1-Ground truth.wav") == "T-real"
    assert set_of("r9y9/demos", "audio/interspeech2019/[Sample01]-1-Ground truth.wav") == "U-real-is2019"
    assert set_of("r9y9/demos", "audio/icassp2020/TTS/[Sample01]-4-ClariNet (3spec).wav") == "U-clarinet"
    assert set_of("kan-bayashi/ParallelWaveGAN", "wav/ljspeech/kan-bayashi_hifigan/LJ050-0030.wav") == "U-hifigan"
    with pytest.raises(ValueError):  # an unplaced file is refused, never put in a set by default
        set_of("r9y9/demos", "audio/unknown.wav")
    rate, t = 8000, np.arange(16000) / 8000
    noise = np.random.default_rng(0).standard_normal(t.size)
    modulated = noise * (1 + 0.5 * np.sin(2 * np.pi * 86.0 * t))
    db, hz = envelope_line(modulated, rate)
    assert db > 20 and abs(hz - 86.0) < 1
    assert envelope_line(noise, rate)[0] < db - 10


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
    elif sys.argv[1] == "judge":
        elsewhere.judge(sys.argv[2], sys.argv[3], sys.argv[4:])
    else:
        traits(sys.argv[2], sys.argv[3:])
