"""Glottal-cycle traits of real and synthesised speech at the verdict's 8 kHz (docs/verdicts.md,
"Speech synthesis, third pass (2026-12-01, third pass)"; docs/studies.md, "Speech synthesis: micro-prosody,
band periodicity and excitation (2026-12-01, fourth pass)"): the jitter became the `cycle-jitter`
detector's statistic (only its near-zero end); none of the others was adopted.

Rule-based and statistical text-to-speech place pitch periods on a smooth generated F0 contour,
so cycle-to-cycle period perturbation (jitter) and cycle-to-cycle waveform change should be lower
than a human voice's. Two statistics per recording, from the waveform resampled to 8 kHz as
the verdict reads it (engine.data.representations.to_speech_rate):

- jitter: engine/detectors/cycle_jitter.py's (cycles tracked with sub-sample periods, the F0
  trend removed by second differences); the detector scores only jitter below 0.05 %;
- repeat residual: log10 of the smallest share of a loud cycle's energy that the next cycle
  leaves unexplained, after aligning them to a fraction of a sample (4x band-limited upsampling,
  then least squares on the cycle, its first and second derivatives and a constant: a
  second-order Taylor shift and a gain). A recording never repeats a cycle exactly (aspiration,
  jitter, shimmer, room noise); a synthesiser that duplicates a stored period may;
- F0 and amplitude roughness at the 20-150 ms scale: log period and log cycle RMS averaged over
  blocks of BLOCK cycles (so the per-cycle measurement floor and a synthesiser's alternating
  whole-sample periods average out), the median |second difference| of the block means in
  percent: a rule or HMM contour is piecewise linear or smooth at that scale, a voice flutters;
- band aperiodicity: log10 median (1 - best correlation of a loud cycle with the next, aligned to
  a quarter sample) in 2-3.8 kHz and below 1 kHz: pulse- or residual-excited synthesis keeps its
  harmonics periodic up to Nyquist, a voice's high band carries aspiration noise;
- pulse concentration: the 75th percentile over cycles of the share of the LPC residual's energy
  (order 10, pre-emphasised, 32 ms Hann frame at the cycle) in the three samples around its peak:
  an all-pole filter excited by one impulse per period leaves an impulse, a glottal pulse does not.

    python tests/benchmarks/test_bench_cycle_traits.py SET_DIR [SET_DIR ...]   # folders of WAVs
    python tests/benchmarks/test_bench_cycle_traits.py make flite|festival|espeak VOICE DIR [LANGUAGE]
    python tests/benchmarks/test_bench_cycle_traits.py fsdd SPEAKER [FIRST-LAST]   # takes, default 0-49
    python -m pytest tests/benchmarks/test_bench_cycle_traits.py -s -o addopts=""
"""
import glob
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

from engine.detectors.cycle_jitter import jitter
from engine.detectors.cycles import cycle_runs

UP = 4  # upsampling for the sub-sample alignment of adjacent cycles
FSDD = "/work/shared/data/fsdd"
BLOCK = 2  # cycles averaged per point of the F0 and amplitude contours (about 15-25 ms)
LPC_ORDER = 10
DIGITS = {"en": "zero one two three four five six seven eight nine",
          "cs": "nula jedna dva tři čtyři pět šest sedm osm devět",
          "fi": "nolla yksi kaksi kolme neljä viisi kuusi seitsemän kahdeksan yhdeksän",
          "de": "null eins zwei drei vier fünf sechs sieben acht neun",
          "es": "cero uno dos tres cuatro cinco seis siete ocho nueve",
          "mr": "शून्य एक दोन तीन चार पाच सहा सात आठ नऊ",
          "te": "సున్నా ఒకటి రెండు మూడు నాలుగు ఐదు ఆరు ఏడు ఎనిమిది తొమ్మిది"}
ENCODING = {"en": "latin-1", "cs": "iso-8859-2", "fi": "latin-1", "mr": "utf-8", "te": "utf-8"}  # what festival's voices read
STRETCHES = (0.9, 1.0, 1.1, 1.25)
ESPEAK_STYLES = ((130, 30), (150, 45), (170, 55), (190, 70))  # (words per minute, pitch)


def load(path):
    import soundfile

    from engine.data.representations import to_speech_rate

    audio, rate = soundfile.read(path, dtype="float32", always_2d=True)
    return to_speech_rate(audio.mean(axis=1), rate).astype(np.float64)


def _upsampled(x, derivatives=0):
    """x band-limited upsampled UP times, then its first `derivatives` derivatives."""
    n = x.size
    spectrum = np.zeros(n * UP // 2 + 1, complex)
    spectrum[:n // 2 + 1] = np.fft.rfft(x) * UP
    omega = 2j * np.pi * np.fft.rfftfreq(n * UP)
    return [np.fft.irfft(spectrum * omega ** k, n * UP) for k in range(derivatives + 1)]


def repeat_residual(x, runs=None):
    """log10 of the smallest unexplained energy share of a loud cycle (one of those within 10 dB
    of the loudest tenth) after the next cycle is aligned to it (module docstring); None with
    fewer than 10 cycles."""
    u, du, d2u = _upsampled(x, derivatives=2)
    residual, energy = [], []
    for run in cycle_runs(x) if runs is None else runs:
        for t, window, period in run:
            here = slice(UP * t, UP * (t + window))
            basis = np.stack([u[here], du[here], d2u[here], np.ones(UP * window)], axis=1)
            best = np.inf
            for lag in range(int(round(UP * period)) - 2, int(round(UP * period)) + 3):
                nxt = u[UP * t + lag:UP * (t + window) + lag]
                if nxt.size != UP * window:
                    continue
                left = nxt - basis @ np.linalg.lstsq(basis, nxt, rcond=None)[0]
                centred = nxt - nxt.mean()
                best = min(best, (left @ left) / (centred @ centred + 1e-30))
            if np.isfinite(best):
                residual.append(best)
                energy.append(np.mean(u[here] ** 2))
    if len(residual) < 10:
        return None
    residual, energy = np.array(residual), np.array(energy)
    loud = energy >= 0.1 * np.quantile(energy, 0.9)
    return float(np.log10(residual[loud].min() + 1e-9))


def roughness(x, runs=None):
    """(F0, amplitude) roughness in percent (module docstring); NaN with fewer than 3 block
    second differences."""
    f0, amplitude = [], []
    for run in cycle_runs(x) if runs is None else runs:
        m = len(run) // BLOCK
        if m < 3:
            continue
        period = np.log([p for _, _, p in run[:m * BLOCK]]).reshape(m, BLOCK).mean(axis=1)
        level = np.log([np.sqrt(np.mean(x[t:t + w] ** 2)) + 1e-12 for t, w, _ in run[:m * BLOCK]])
        level = level.reshape(m, BLOCK).mean(axis=1)
        f0.extend(np.abs(np.diff(period, 2)))
        amplitude.extend(np.abs(np.diff(level, 2)))
    if len(f0) < 3:
        return np.nan, np.nan
    return float(np.median(f0) * 100), float(np.median(amplitude) * 100)


def _next_cycle_correlation(u, t, window, period):
    """Best normalised correlation of the upsampled cycle at t with the next one, lags within
    3/UP of a sample of the period."""
    a = u[UP * t:UP * (t + window)]
    a = a - a.mean()
    best = -1.0
    for lag in range(int(round(UP * period)) - 3, int(round(UP * period)) + 4):
        b = u[UP * t + lag:UP * (t + window) + lag]
        if b.size == a.size:
            b = b - b.mean()
            best = max(best, float(a @ b / (np.sqrt((a @ a) * (b @ b)) + 1e-30)))
    return best


def band_aperiodicity(x, runs=None):
    """(below 1 kHz, 2-3.8 kHz) log10 median aperiodicity of the loud cycles (module docstring);
    NaN with fewer than 10 cycles."""
    from scipy import signal

    bands = [signal.sosfiltfilt(signal.butter(6, edges, kind, fs=8000, output="sos"), x)
             for edges, kind in ((1000, "low"), ((2000, 3800), "band"))]
    low, high = (_upsampled(b)[0] for b in bands)
    cycles = [(t, w, p) for run in (cycle_runs(x) if runs is None else runs) for t, w, p in run
              if UP * (t + w + p) + 4 < low.size]
    if len(cycles) < 10:
        return np.nan, np.nan
    energy = np.array([np.mean(x[t:t + w] ** 2) for t, w, _ in cycles])
    loud = [c for c, e in zip(cycles, energy) if e >= 0.1 * np.quantile(energy, 0.9)]
    return tuple(float(np.log10(np.median([1 - _next_cycle_correlation(u, *c) for c in loud]) + 1e-6))
                 for u in (low, high))


def pulse_concentration(x, runs=None):
    """75th percentile over cycles of the LPC residual's energy share in the three samples around
    its peak (module docstring); NaN with fewer than 10 cycles."""
    from scipy import linalg, signal

    emphasised = signal.lfilter([1, -0.97], [1], x)
    window = np.hanning(256)
    shares = []
    for t, w, _ in (c for run in (cycle_runs(x) if runs is None else runs) for c in run):
        centre = t + w // 2
        if centre < 128 or centre + 128 > x.size or t < LPC_ORDER:
            continue
        frame = emphasised[centre - 128:centre + 128] * window
        r = np.correlate(frame, frame, "full")[frame.size - 1:frame.size + LPC_ORDER]
        if r[0] <= 0:
            continue
        r[0] *= 1 + 1e-6
        inverse = np.concatenate([[1], -linalg.solve_toeplitz(r[:-1], r[1:])])
        energy = signal.lfilter(inverse, [1], emphasised[t - LPC_ORDER:t + w])[LPC_ORDER:] ** 2
        k = int(np.argmax(energy))
        shares.append(energy[max(0, k - 1):k + 2].sum() / (energy.sum() + 1e-30))
    return float(np.quantile(shares, 0.75)) if len(shares) >= 10 else np.nan


def traits(audio):
    """Every statistic of one recording at 8 kHz, the cycles tracked once."""
    runs = cycle_runs(audio)
    value, _ = jitter(audio, runs)
    repeat = repeat_residual(audio, runs)
    f0, amplitude = roughness(audio, runs)
    low, high = band_aperiodicity(audio, runs)
    return {"jitter": np.nan if value is None else value, "repeat": np.nan if repeat is None else repeat,
            "f0_roughness": f0, "amplitude_roughness": amplitude, "aperiodicity_low": low,
            "aperiodicity_high": high, "band_ratio": high - low, "pulse_concentration": pulse_concentration(audio, runs)}


def measure(name, paths, save=None):
    """Print each statistic's measured count and 1st/5th/50th/95th percentiles over a set of
    recordings; the per-file values as arrays (saved to `save`, an .npz, when given)."""
    rows = [traits(load(p)) for p in paths]
    values = {key: np.array([row[key] for row in rows]) for key in rows[0]}
    print(f"{name}  n={len(paths)}", flush=True)
    for key, v in values.items():
        v = v[np.isfinite(v)]
        if v.size:
            print(f"  {key:20s} measured {v.size:4d}  1st/5th/50th/95th pct "
                  + "/".join(f"{q:.3f}" for q in np.percentile(v, [1, 5, 50, 95])), flush=True)
    if save:
        np.savez(save, paths=np.array(paths), **values)
    return values


def fsdd_files(speaker, folder=FSDD, takes=range(50)):
    return sorted(p for p in glob.glob(os.path.join(folder, f"*_{speaker}_*.wav"))
                  if int(os.path.basename(p).split("_")[-1][:-4]) in takes)


def flite_digits(voice, folder):
    """The ten English digits from flite's `voice` at duration stretches 0.9-1.25 (40 WAVs)."""
    os.makedirs(folder, exist_ok=True)
    for stretch in STRETCHES:
        for k, word in enumerate(DIGITS["en"].split()):
            subprocess.run(["flite", "-voice", voice, "--setf", f"duration_stretch={stretch}", "-t", word,
                            "-o", os.path.join(folder, f"{k}_{stretch}.wav")], check=True, capture_output=True)
    return sorted(glob.glob(os.path.join(folder, "*.wav")))


def festival_digits(voice, folder, language="en"):
    """The ten digits in `language` from festival's `voice` (e.g. kal_diphone, czech_dita) at
    duration stretches 0.9-1.25 (40 WAVs)."""
    os.makedirs(folder, exist_ok=True)
    text = os.path.join(folder, "word.txt")
    for stretch in STRETCHES:
        for k, word in enumerate(DIGITS[language].split()):
            with open(text, "w", encoding=ENCODING[language]) as f:
                f.write(word + "\n")
            subprocess.run(["text2wave", "-eval", f"(voice_{voice})", "-eval", f"(Parameter.set 'Duration_Stretch {stretch})",
                            text, "-o", os.path.join(folder, f"{k}_{stretch}.wav")], check=True, capture_output=True)
    os.remove(text)
    return sorted(glob.glob(os.path.join(folder, "*.wav")))


def espeak_digits(voice, folder, language="en"):
    """The ten digits in `language` from espeak-ng's `voice` at four speeds and pitches (40 WAVs)."""
    os.makedirs(folder, exist_ok=True)
    for j, (speed, pitch) in enumerate(ESPEAK_STYLES):
        for k, word in enumerate(DIGITS[language].split()):
            subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-p", str(pitch), "-w",
                            os.path.join(folder, f"{k}_{j}.wav"), word], check=True, capture_output=True)
    return sorted(glob.glob(os.path.join(folder, "*.wav")))


def pulse_voice(f0, noise=0.0, seconds=0.6, seed=0):
    """A vowel at 8 kHz: one band-limited impulse per period (at its exact, fractional time) along
    the F0 track `f0(t)` (Hz) through a fixed three-formant all-pole filter, plus white noise
    `noise` times the voice's RMS."""
    from scipy import signal

    t, pulses = 16.0, np.zeros(int(8000 * seconds))
    while t < pulses.size - 16:
        n = np.arange(int(t) - 15, int(t) + 16)
        pulses[n] += np.sinc(n - t) * np.hanning(33)[1:-1]
        t += 8000 / f0(t / 8000)
    poles = [0.97 * np.exp(2j * np.pi * f / 8000) for f in (700, 1200, 2600)]
    voice = signal.lfilter([1.0], np.real(np.poly(poles + [np.conj(p) for p in poles])), pulses)
    voice /= np.abs(voice).max()
    return voice + noise * voice.std() * np.random.default_rng(seed).standard_normal(voice.size)


def test_bench_cycle_traits_known_excitation():
    """A contour with flutter is rougher than a straight one; an impulse-excited vowel has an
    impulse for a residual and periodic high harmonics, which noise in the voice takes away."""
    smooth = pulse_voice(lambda s: 110 + 30 * s)
    flutter = pulse_voice(lambda s: (110 + 30 * s) * (1 + 0.02 * np.sin(2 * np.pi * 9 * s)))
    breathy = pulse_voice(lambda s: 110 + 30 * s, noise=0.1)
    assert roughness(smooth)[0] < 0.1 < 0.5 < roughness(flutter)[0]
    assert pulse_concentration(smooth) > 0.8 and pulse_concentration(breathy) < 0.6
    low, high = band_aperiodicity(smooth)
    noisy_low, noisy_high = band_aperiodicity(breathy)
    assert high < -1.8 and noisy_high > high + 1 and noisy_high - noisy_low > high - low + 0.5


@pytest.mark.skipif(shutil.which("flite") is None or not os.path.isdir(FSDD),
                    reason="needs flite and the FSDD recordings")
def test_bench_cycle_traits_flite_slt_against_fsdd(tmp_path):
    real = measure("george takes 0-9", fsdd_files("george", takes=range(10)))
    synthetic = measure("flite slt", flite_digits("slt", str(tmp_path / "slt")))
    assert np.isfinite(synthetic["jitter"]).sum() >= 30 and np.isfinite(real["repeat"]).sum() >= 90
    assert np.isfinite(real["pulse_concentration"]).sum() >= 90 and np.isfinite(synthetic["band_ratio"]).sum() >= 30


if __name__ == "__main__":
    if sys.argv[1] == "fsdd":  # fsdd SPEAKER [FIRST-LAST takes]
        first, last = map(int, (sys.argv[3] if len(sys.argv) > 3 else "0-49").split("-"))
        measure(sys.argv[2], fsdd_files(sys.argv[2], takes=range(first, last + 1)))
    elif sys.argv[1] == "make":  # make flite|festival|espeak VOICE DIR [LANGUAGE]
        maker = {"flite": flite_digits, "festival": festival_digits, "espeak": espeak_digits}[sys.argv[2]]
        maker(*sys.argv[3:])
    else:
        for folder in sys.argv[1:]:
            measure(os.path.basename(folder.rstrip("/")), sorted(glob.glob(os.path.join(folder, "*.wav"))))
