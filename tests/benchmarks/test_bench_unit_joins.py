"""Unit joins and repeated frames of diphone voices at the verdict's 8 kHz (docs/studies.md, "Speech
synthesis: unit joins of diphone voices (2026-12-01, ninth pass)"). Two statistics per recording, its
pitch cycles tracked as engine/detectors/cycles.py tracks them:

- join spike (not adopted): the envelope of each cycle (LPC cepstrum, order 12, 16 coefficients, of a
  two-period Hann window at the cycle, pre-emphasised), the distance of each cycle's envelope to the
  next one's, divided by the median distance of the pairs two to four cycles either side; the
  recording's largest such ratio over pairs within 20 dB of its loud cycles. A diphone synthesiser
  joins units cut from different recordings, so the envelope was expected to jump once at a join
  where running speech changes it gradually;
- repeat: engine/detectors/repeated_cycle.py's score, -log10 of the smallest 1 - c of a cycle with the
  next at any level (the `repeated-cycle` detector).

    python tests/benchmarks/test_bench_unit_joins.py measure DIR|fsdd:SPEAKER:FIRST-LAST ...
    python tests/benchmarks/test_bench_unit_joins.py judge OUT.json DIR|fsdd:SPEAKER:FIRST-LAST[:ulaw|gsm] ...
    python tests/benchmarks/test_bench_unit_joins.py alone fsdd:SPEAKER:FIRST-LAST[:CHANNEL] ...   # real sets
    python tests/benchmarks/test_bench_unit_joins.py joins DIR VOICE [LANGUAGE]   # festival's joins against elsewhere
    python -m pytest tests/benchmarks/test_bench_unit_joins.py -s -o addopts=""
`judge` labels whole verdicts in the case of george, jackson and lucas takes 0-19 (built once under
$OUTSIDE_VOICES, tests/benchmarks/test_bench_outside_voices.case_for), with and without repeated-cycle.
"""
import glob
import json
import os
import sys

import numpy as np

from engine.detectors.cycles import cycle_runs
from engine.detectors.repeated_cycle import repeat_scores
from tests.benchmarks import test_bench_cycle_traits as traits

ORDER, CEPSTRA = 12, 16
NEIGHBOURS = 4  # pairs each side whose median distance a pair is compared with (the nearest one left out)
LOUD_DB = 20  # pairs of cycles within this of the recording's loud cycles (90th percentile of cycle RMS)


def lpc_cepstrum(frame):
    """The first CEPSTRA cepstral coefficients of the all-pole model (order ORDER) of a frame; None if silent."""
    from scipy import linalg

    r = np.correlate(frame, frame, "full")[frame.size - 1:frame.size + ORDER]
    if r[0] <= 0:
        return None
    r[0] *= 1 + 1e-6
    a = np.concatenate([[1], -linalg.solve_toeplitz(r[:-1], r[1:])])
    c = np.zeros(CEPSTRA + 1)
    for n in range(1, CEPSTRA + 1):
        c[n] = -(a[n] if n <= ORDER else 0.0) - sum(k / n * c[k] * a[n - k] for k in range(max(1, n - ORDER), n))
    return c[1:]


def envelope_steps(x):
    """Per run of tracked cycles (at least 2 NEIGHBOURS long): (the cycles' window centres in samples, each
    adjacent pair's smaller cycle RMS, the distance between the pair's envelopes)."""
    from scipy import signal

    emphasised = signal.lfilter([1, -0.97], [1], x)
    runs = []
    for run in cycle_runs(x):
        rows = []
        for t, window, period in run:
            centre, length = t + window // 2, int(round(2 * period))
            if centre - length // 2 < 0 or centre - length // 2 + length > x.size:
                continue
            envelope = lpc_cepstrum(emphasised[centre - length // 2:centre - length // 2 + length] * np.hanning(length))
            if envelope is not None:
                rows.append((centre, np.sqrt(np.mean(x[t:t + window] ** 2)), envelope))
        if len(rows) >= 2 * NEIGHBOURS:
            centre, rms, envelope = (np.array(v) for v in zip(*rows))
            runs.append((centre, np.minimum(rms[:-1], rms[1:]),
                         np.linalg.norm(np.diff(envelope, axis=0), axis=1)))
    return runs


def spike_ratios(d):
    """Each pair's envelope distance over the median of its neighbours' (NaN at the run's first and last two)."""
    out = np.full(d.size, np.nan)
    for i in range(2, d.size - 2):
        out[i] = d[i] / (np.median(np.r_[d[max(0, i - NEIGHBOURS):i - 1], d[i + 2:i + NEIGHBOURS + 1]]) + 1e-9)
    return out


def join_spike(x):
    """The recording's largest envelope jump between adjacent cycles relative to its neighbours' (module
    docstring); 0 with no pair measured."""
    runs = envelope_steps(x)
    if not runs:
        return 0.0
    loud = np.quantile(np.concatenate([rms for _, rms, _ in runs]), 0.9) * 10 ** (-LOUD_DB / 20)
    ratios = np.concatenate([np.where(rms >= loud, spike_ratios(d), np.nan) for _, rms, d in runs])
    return float(np.nanmax(ratios)) if np.isfinite(ratios).any() else 0.0


def festival_joins(folder, voice, language="en"):
    """Envelope distance and spike ratio at festival's unit joins against elsewhere, over a folder the
    cycle-traits bench made (festival_digits): the joins taken at the middle of each phone of festival's own
    segmentation of the word (a diphone runs from one phone's middle to the next's)."""
    import subprocess

    at, elsewhere = ([], []), ([], [])
    for path in sorted(glob.glob(os.path.join(folder, "*.wav"))):
        k, stretch = os.path.basename(path)[:-4].split("_")
        word = traits.DIGITS[language].split()[int(k)]
        script = (f"(voice_{voice}) (Parameter.set 'Duration_Stretch {stretch}) "
                  f"(set! utt (utt.synth (eval (list 'Utterance 'Text \"{word}\")))) "
                  "(mapcar (lambda (s) (format t \"%s %s\\n\" (item.name s) (item.feat s 'end))) "
                  "(utt.relation.items utt 'Segment))")
        lines = subprocess.run(["festival", "--pipe"], input=script.encode(traits.ENCODING[language]),
                               capture_output=True, check=True).stdout.decode().split("\n")
        segments = [(name, float(end)) for name, end in (line.split() for line in lines if len(line.split()) == 2)]
        joins = np.array([8000 * (a + b) / 2 for (_, a), (name, b) in zip(segments, segments[1:]) if name != "pau"])
        for centre, _, d in envelope_steps(traits.load(path)):
            ratios = spike_ratios(d)
            for i in range(d.size):
                target = at if np.any((joins >= centre[i]) & (joins < centre[i + 1])) else elsewhere
                target[0].append(d[i])
                target[1].append(ratios[i])
    for name, (d, r) in (("at joins", at), ("elsewhere", elsewhere)):
        print(f"{name:10s} pairs {len(d):5d}  envelope distance median {np.median(d):.2f}  spike ratio median "
              f"{np.nanmedian(r):.2f}")


def files_of(spec):
    """The WAVs of a folder, or fsdd:SPEAKER:FIRST-LAST (takes)."""
    if spec.startswith("fsdd:"):
        _, speaker, takes = spec.split(":")[:3]
        first, last = map(int, takes.split("-"))
        return traits.fsdd_files(speaker, takes=range(first, last + 1))
    return sorted(glob.glob(os.path.join(spec, "*.wav")))


def measure(specs):
    """Per set: each statistic's median and how many files lie beyond the pooled real sets' 99th
    percentile (the real sets: those given as fsdd:...)."""
    values = {}
    for spec in specs:
        audio = [traits.load(p) for p in files_of(spec)]
        values[spec] = {"join spike": np.array([join_spike(x) for x in audio]), "repeat": repeat_scores(audio)}
    for key in ("join spike", "repeat"):
        real = np.concatenate([v[key] for s, v in values.items() if s.startswith("fsdd:")] or [np.zeros(1)])
        bound = np.quantile(real, 0.99)
        print(f"{key}: real 99th percentile {bound:.2f}, largest {real.max():.2f}")
        for spec, v in values.items():
            print(f"  {spec:40s} median {np.median(v[key]):6.2f}  beyond {int((v[key] > bound).sum())}/{v[key].size}")
    return values


def judge_sets(out, specs):
    """Whole verdicts of each set in the case (module docstring): labels with repeated-cycle and without
    it (the weights refilled as the case would), and which detector decided 'generated'."""
    import collections

    from engine.detectors import calibration
    from engine.verdict import judge
    from tests.benchmarks import test_bench_outside_voices as outside

    case = outside.case_for("tuning")
    results = json.load(open(out)) if os.path.exists(out) else {}
    for spec in specs:
        if spec in results:
            continue
        channel = spec.split(":")[3] if spec.startswith("fsdd:") and spec.count(":") == 3 else "clean"
        folder = os.path.join(outside.WORK, "files", spec.replace("/", "_").replace(":", "_"))
        os.makedirs(folder, exist_ok=True)
        paths = [outside.write(p, channel, k, folder) for k, p in enumerate(files_of(spec))]
        files = judge(case, paths)["files"]
        after, before, by = collections.Counter(), collections.Counter(), collections.Counter()
        for f in files:
            d = f["detectors"]
            after[f["label"]] += 1
            before[calibration.label_for(outside.without(d, "repeated-cycle")[0])] += 1
            if f["label"] == "generated":
                by[min(d, key=lambda n: d[n]["tail_probability"] / d[n]["weight"] if d[n]["weight"] else np.inf)] += 1
        results[spec] = {"n": len(files), "with": dict(after), "without": dict(before), "generated_by": dict(by)}
        print(f"{spec:40s} n={len(files):4d} with {dict(after)} without {dict(before)} by {dict(by)}", flush=True)
        with open(out, "w") as f:
            json.dump(results, f)
    return results


# The largest weight repeated-cycle takes in the case: with noise-floor's floor weight only (cycle-jitter aside
# under GSM 06.10, synthetic-voice under noise or a band limit) it shares 0.8 with features and checkerboard.
WEIGHT = 0.8 / 3


def alone(specs):
    """{set: (k, n, largest score)}: real files repeated-cycle alone would label generated (tail probability
    at most alpha 1 % x WEIGHT against the case's calibration, which a codec leaves as it is). Adding a
    detector lowers the others' weights, so a file it does not flag keeps its verdict or moves towards real:
    this bounds what it adds to a real set's false positives without whole verdicts (slow for real sets)."""
    from engine import case_workflows
    from engine.detectors import calibration
    from tests.benchmarks import test_bench_channels as bench_channels
    from tests.benchmarks import test_bench_outside_voices as outside

    with case_workflows.open_case(outside.case_for("tuning")) as case:
        tail = calibration.tail_model(case.profile()["cal_repeated_cycle"])
    out = {}
    for spec in specs:
        channel = spec.split(":")[3] if spec.startswith("fsdd:") and spec.count(":") == 3 else "clean"
        audio = [outside.soundfile_read(bench_channels.through(bench_channels.read_8k(p), channel, k)[0])
                 for k, p in enumerate(files_of(spec))]
        scores = repeat_scores(audio)
        p = calibration.tail_probability(tail, scores)
        out[spec] = (int((p <= 0.01 * WEIGHT).sum()), len(audio), float(scores.max()))
        print(f"{spec:40s} alone past alpha x {WEIGHT:.2f}: {out[spec][0]}/{out[spec][1]}, largest score "
              f"{out[spec][2]:.2f} (tail probability {p.min():.3g})", flush=True)
    return out


def test_bench_unit_joins_a_spliced_envelope_spikes_and_a_repeated_frame_scores():
    """Two vowels of different formants joined mid-run jump once; the same vowel throughout does not;
    one frame written again scores as a repeat, a vowel with jitter does not."""
    from tests.test_cycle_jitter import voiced

    vowel = voiced(seconds=0.6, f0=(120.0, 120.0), sigma=0.005)
    room = np.random.default_rng(0).normal(0, 0.01 * vowel.std(), vowel.size)  # envelopes differ a little
    steady = vowel + room
    spliced = np.concatenate([vowel[:2400], np.diff(vowel, prepend=0.0)[2400:] * 4]) + room  # a brighter unit
    assert join_spike(spliced) > 1.5 * join_spike(steady)
    frame = steady[1000:1067]
    assert repeat_scores([np.tile(frame, 40), steady])[0] > 6 > repeat_scores([steady])[0]


if __name__ == "__main__":
    if sys.argv[1] == "measure":
        measure(sys.argv[2:])
    elif sys.argv[1] == "judge":
        judge_sets(sys.argv[2], sys.argv[3:])
    elif sys.argv[1] == "alone":
        alone(sys.argv[2:])
    elif sys.argv[1] == "joins":  # joins DIR VOICE [LANGUAGE]
        festival_joins(*sys.argv[2:])
