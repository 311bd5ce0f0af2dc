"""A learned ASVspoof-style detector of synthetic speech on waveform features, measured at the
verdict's 8 kHz (docs/verdicts.md, "Speech synthesis: learned LFCC models (2026-12-01, fourth pass)").

Features: linear-frequency cepstral coefficients (the ASVspoof 2019/2021 LFCC baseline scaled to
8 kHz): 20 ms Hamming frames every 10 ms, power spectrum (256 points), 20 triangular filters spaced
linearly over 0-4 kHz, log, DCT-II, 20 coefficients, with deltas and delta-deltas (regression over
+-2 frames). The static c0 is dropped, so a gain changes nothing; only speech frames (within 30 dB
of the file's 95th-percentile frame energy) are kept.

Models, trained on real george, jackson, lucas takes 0-19 against the zoo's signal-processing
speech fakes made from those same recordings (engine/zoo/families.py, training/speech_fakes.py):
- gmm: two diagonal GMMs (real, fake) over frames; a file's score is the mean log-likelihood ratio
  over its speech frames (the ASVspoof LFCC-GMM baseline);
- logreg: logistic regression on each file's per-coefficient mean and standard deviation.
The threshold is the 99th percentile of held-out reference recordings (george, jackson, lucas takes
20-29), as the case calibrates on held-out reference files.

Not adopted: past that threshold an unseen speaker's recordings (nicolas) are 2-3 % labelled generated
and GSM 06.10 16 %, though the variant chosen on the tuning sets (gmm over deltas only) catches 50-100 % of
flite's, festival's and espeak-ng's voices.

    python tests/benchmarks/test_bench_lfcc.py tune [VARIANT ...] [--lofo]   # tuning sets, cached in CACHE
    python tests/benchmarks/test_bench_lfcc.py untouched   # the chosen variant on the untouched sets (run once)
    python -m pytest tests/benchmarks/test_bench_lfcc.py -s -o addopts=""
"""
import glob
import os
import sys

import numpy as np
from scipy.fft import dct

from tests.audio_channels import with_noise
from tests.benchmarks.test_bench_cycle_traits import (espeak_digits, festival_digits, flite_digits,
                                                      fsdd_files, load)

RATE, FRAME, HOP, N_FFT, FILTERS, COEFFICIENTS = 8000, 160, 80, 256, 20, 20
SPEECH_DB = 30.0
CACHE = "/tmp/s8-speech2"
SPEAKERS = ("george", "jackson", "lucas")


def linear_filterbank(filters=FILTERS, n_fft=N_FFT, rate=RATE):
    """(filters, n_fft // 2 + 1) triangular filters with centres spaced linearly over 0..rate/2."""
    edges = np.linspace(0, rate / 2, filters + 2)
    bins = np.fft.rfftfreq(n_fft, 1 / rate)
    rising = (bins[None, :] - edges[:-2, None]) / (edges[1:-1, None] - edges[:-2, None])
    falling = (edges[2:, None] - bins[None, :]) / (edges[2:, None] - edges[1:-1, None])
    return np.maximum(0.0, np.minimum(rising, falling))


def deltas(x, width=2):
    """Regression deltas of x (frames, dims) over +-width frames (edges repeated)."""
    padded = np.pad(x, ((width, width), (0, 0)), mode="edge")
    n = len(x)
    return sum(k * (padded[width + k:width + k + n] - padded[width - k:width - k + n])
               for k in range(1, width + 1)) / (2 * sum(k * k for k in range(1, width + 1)))


def lfcc(audio):
    """(speech frames, 59) LFCC c1..c19, deltas and delta-deltas of c0..c19 (module docstring)."""
    audio = np.asarray(audio, dtype=np.float64)
    if audio.size < FRAME + 4 * HOP:
        return np.zeros((0, 3 * COEFFICIENTS - 1))
    frames = np.lib.stride_tricks.sliding_window_view(audio, FRAME)[::HOP]
    power = np.abs(np.fft.rfft(frames * np.hamming(FRAME), N_FFT, axis=1)) ** 2
    bands = power @ linear_filterbank().T
    energy = power.sum(axis=1)
    floor = 1e-12 * max(energy.max(), 1e-30)
    cepstra = dct(np.log(bands + floor), type=2, norm="ortho", axis=1)[:, :COEFFICIENTS]
    d = deltas(cepstra)
    features = np.hstack([cepstra[:, 1:], d, deltas(d)])
    loud = 10 * np.log10(energy + floor)
    return features[loud >= np.quantile(loud, 0.95) - SPEECH_DB]


# --- data ---------------------------------------------------------------------------------------

def _fake_makers():
    from engine.zoo import families as zoo
    return {"lpc-vocoder": zoo._lpc, "griffin-lim": zoo._griffin_lim, "pitch-shift": zoo._pitch_shift,
            "time-stretch": zoo._time_stretch, "parametric-vocoder": zoo._parametric,
            "formant": zoo._formant, "concatenative": zoo._concatenative}


def zoo_fakes(recordings, family, count, seed):
    """`count` fakes of `family` made from recordings drawn without replacement (concatenative
    joins each with another drawn at random)."""
    make = _fake_makers()[family]
    rng = np.random.default_rng(seed)
    out = []
    for i in rng.permutation(len(recordings))[:count]:
        if family == "concatenative":
            j = (i + 1 + rng.integers(len(recordings) - 1)) % len(recordings)
            out.append(make([recordings[i], recordings[j]], rng))
        else:
            out.append(make(recordings[i], rng))
    return out


def cached(name, compute):
    """A list of per-file feature arrays, computed once and kept in CACHE/name.npz."""
    path = os.path.join(CACHE, name + ".npz")
    if os.path.exists(path):
        with np.load(path) as f:
            return [f[f"a{i}"] for i in range(len(f.files))]
    features = [lfcc(a) for a in compute()]
    os.makedirs(CACHE, exist_ok=True)
    np.savez(path, **{f"a{i}": x for i, x in enumerate(features)})
    return features


def real_set(speakers, takes):
    return [load(p) for s in speakers for p in fsdd_files(s, takes=takes)]


def wav_set(folder, maker, *args):
    paths = sorted(glob.glob(os.path.join(folder, "*.wav"))) or maker(*args, folder)
    return [load(p) for p in paths]


# --- models -------------------------------------------------------------------------------------

def _frames(files, limit, rng):
    x = np.vstack([f for f in files if len(f)])
    return x[rng.permutation(len(x))[:limit]]


class GmmPair:
    def __init__(self, real, fake, components=32, frames=40000, seed=0):
        from sklearn.mixture import GaussianMixture
        rng = np.random.default_rng(seed)
        r, f = _frames(real, frames, rng), _frames(fake, frames, rng)
        self.mean, self.scale = r.mean(axis=0), r.std(axis=0) + 1e-9
        self.models = [GaussianMixture(components, covariance_type="diag", max_iter=60, reg_covar=1e-3,
                                       random_state=seed).fit((x - self.mean) / self.scale) for x in (r, f)]

    def score(self, files):
        out = []
        for x in files:
            if len(x) < 5:
                out.append(np.nan)
                continue
            z = (x - self.mean) / self.scale
            out.append(float(np.mean(self.models[1].score_samples(z) - self.models[0].score_samples(z))))
        return np.array(out)


def summary(files):
    return np.array([np.hstack([x.mean(axis=0), x.std(axis=0)]) if len(x) >= 5 else np.full(2 * 59, np.nan)
                     for x in files])


class LogReg:
    def __init__(self, real, fake, c=0.1):
        from sklearn.linear_model import LogisticRegression
        x = np.vstack([summary(real), summary(fake)])
        y = np.r_[np.zeros(len(real)), np.ones(len(fake))]
        keep = np.isfinite(x).all(axis=1)
        self.mean, self.scale = x[keep].mean(axis=0), x[keep].std(axis=0) + 1e-9
        self.model = LogisticRegression(C=c, max_iter=2000, class_weight="balanced").fit(
            (x[keep] - self.mean) / self.scale, y[keep])

    def score(self, files):
        x = summary(files)
        out = np.full(len(x), np.nan)
        keep = np.isfinite(x).all(axis=1)
        out[keep] = self.model.decision_function((x[keep] - self.mean) / self.scale)
        return out


def caught(scores, threshold):
    s = scores[np.isfinite(scores)]
    return f"{int((s > threshold).sum())}/{len(scores)} ({100 * (s > threshold).mean():.0f} %)"


# --- the tuning run -----------------------------------------------------------------------------

def cmn(files):
    """Cepstral mean normalisation: each file's static coefficients less their mean over the file
    (removes a fixed channel or vocal-tract tilt; deltas are unchanged)."""
    return [np.hstack([x[:, :COEFFICIENTS - 1] - x[:, :COEFFICIENTS - 1].mean(axis=0), x[:, COEFFICIENTS - 1:]])
            if len(x) else x for x in files]


def dynamic(files):
    """Deltas and delta-deltas only (no static spectrum, so no speaker's formants)."""
    return [x[:, COEFFICIENTS - 1:] for x in files]


def tune(only=None, lofo=False):
    train_audio = real_set(SPEAKERS, range(20))
    held_audio = real_set(SPEAKERS, range(20, 30))
    real_train = cached("real_train", lambda: train_audio)
    real_held = cached("real_held", lambda: held_audio)
    nicolas = cached("nicolas_0_9", lambda: real_set(("nicolas",), range(10)))
    families = list(_fake_makers())
    fake_train = {f: cached(f"fake_train_{f}", lambda f=f: zoo_fakes(train_audio, f, 200, 1 + k))
                  for k, f in enumerate(families)}
    fake_held = {f: cached(f"fake_held_{f}", lambda f=f: zoo_fakes(held_audio, f, 60, 101 + k))
                 for k, f in enumerate(families)}
    tts = os.path.join(CACHE, "tts")
    synth = {name: cached(f"tts_{name}", lambda name=name, m=m, a=a: wav_set(os.path.join(tts, name), m, *a))
             for name, m, a in [("flite_kal", flite_digits, ("kal",)), ("flite_slt", flite_digits, ("slt",)),
                                ("fest_kal", festival_digits, ("kal_diphone",)),
                                ("fest_slt_hts", festival_digits, ("cmu_us_slt_arctic_hts",)),
                                ("espeak_f3", espeak_digits, ("en+f3",))]}
    every_fake = [x for f in families for x in fake_train[f]]
    variants = {"gmm32": lambda r, f: GmmPair(r, f, 32), "gmm32-cmn": lambda r, f: GmmPair(cmn(r), cmn(f), 32),
                "gmm64-cmn": lambda r, f: GmmPair(cmn(r), cmn(f), 64),
                "gmm32-dyn": lambda r, f: GmmPair(dynamic(r), dynamic(f), 32),
                "logreg": LogReg, "logreg-cmn": lambda r, f: LogReg(cmn(r), cmn(f))}
    for label in (only or variants):
        make = variants[label]
        transform = {"cmn": cmn, "dyn": dynamic}.get(label.rsplit("-", 1)[-1], lambda files: files)
        model = make(real_train, every_fake)
        model.score = (lambda score: lambda files: score(transform(files)))(model.score)
        threshold = np.nanpercentile(model.score(real_held), 99)
        print(f"== {label}  threshold {threshold:.3f} (99th pct, g/j/l takes 20-29)", flush=True)
        print(f"  real g/j/l 20-29     {caught(model.score(real_held), threshold)}")
        print(f"  real nicolas 0-9     {caught(model.score(nicolas), threshold)}")
        for f in families:
            print(f"  zoo {f:20s} {caught(model.score(fake_held[f]), threshold)}")
        oracle = np.nanpercentile(model.score(nicolas), 99)  # an unseen speaker's own bound, for comparison
        strict = np.nanpercentile(model.score(real_held), 99.75)  # a quarter of alpha, as a detector sharing it
        print(f"  real nicolas 0-9 past the 99.75th pct {caught(model.score(nicolas), strict)}")
        for name, files in synth.items():
            print(f"  tts {name:20s} {caught(model.score(files), threshold)}"
                  f"  past nicolas' 99th pct {caught(model.score(files), oracle)}"
                  f"  past the 99.75th pct {caught(model.score(files), strict)}", flush=True)
        for f in families if lofo else ():  # leave one family out
            held_out = make(real_train, [x for g in families if g != f for x in fake_train[g]])
            score = (lambda s: lambda files: s(transform(files)))(held_out.score)
            t = np.nanpercentile(score(real_held), 99)
            print(f"  LOFO {f:19s} {caught(score(fake_held[f]), t)}"
                  f"  nicolas {caught(score(nicolas), t)}", flush=True)


def through(audio, subtype):
    """audio written as an 8 kHz WAV of `subtype` (ULAW, GSM610) and read back."""
    import io

    import soundfile
    buffer = io.BytesIO()
    soundfile.write(buffer, np.clip(audio, -1, 1), RATE, subtype=subtype, format="WAV")
    buffer.seek(0)
    return soundfile.read(buffer, dtype="float64")[0]


def untouched():
    """The chosen model (gmm32-dyn, fixed from the tuning sets) on the untouched sets, run once."""
    train_audio = real_set(SPEAKERS, range(20))
    real_train = cached("real_train", lambda: train_audio)
    real_held = cached("real_held", lambda: real_set(SPEAKERS, range(20, 30)))
    fake_train = [x for k, f in enumerate(_fake_makers())  # the tuning run's fakes (same seeds)
                  for x in cached(f"fake_train_{f}", lambda f=f, k=k: zoo_fakes(train_audio, f, 200, 1 + k))]
    model = GmmPair(dynamic(real_train), dynamic(fake_train), 32)
    threshold = np.nanpercentile(model.score(dynamic(real_held)), 99)
    nicolas = real_set(("nicolas",), range(10, 50))
    sets = {"nicolas 10-49 clean": nicolas, "nicolas gain x0.1": [0.1 * a for a in nicolas],
            "nicolas 8-bit mu-law": [through(a, "ULAW") for a in nicolas],
            "nicolas GSM 06.10": [through(a, "GSM610") for a in nicolas],
            "nicolas white noise 20 dB": [with_noise(a, 20, k) for k, a in enumerate(nicolas)]}
    folder = os.path.join(CACHE, "untouched")
    for name in ("flite_awb", "flite_rms", "flite_kal16", "fest_ked", "czech_dita", "czech_ph", "fi_mv", "fi_lj"):
        sets[name] = [load(p) for p in sorted(glob.glob(os.path.join(folder, name, "*.wav")))]
    print(f"== gmm32-dyn untouched, threshold {threshold:.3f}")
    for name, audio in sets.items():
        print(f"  {name:26s} {caught(model.score(dynamic([lfcc(a) for a in audio])), threshold)}", flush=True)


def test_bench_lfcc_level_invariant_and_separates_an_impulse_vowel():
    """A gain leaves the features unchanged; a noise-free pulse vowel's features differ from the same
    vowel with breath noise (the model has something to read)."""
    from tests.benchmarks.test_bench_cycle_traits import pulse_voice
    voice = pulse_voice(lambda s: 110 + 30 * s)
    assert np.allclose(lfcc(voice), lfcc(0.1 * voice), atol=1e-6)
    breathy = pulse_voice(lambda s: 110 + 30 * s, noise=0.1)
    assert abs(lfcc(voice)[:, 0].mean() - lfcc(breathy)[:, 0].mean()) > 1


if __name__ == "__main__":
    if sys.argv[1] == "tune":  # tune [VARIANT ...] [--lofo]
        tune([a for a in sys.argv[2:] if a != "--lofo"] or None, "--lofo" in sys.argv)
    elif sys.argv[1] == "untouched":
        untouched()
