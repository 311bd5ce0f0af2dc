"""A rule-based source-filter speech synthesiser, for testing and measuring the speech detectors.

A strictly periodic glottal pulse train (a falling F0 contour, no jitter or shimmer) through a
cascade of formant resonators whose targets move from vowel to vowel, with an optional
fricative of band-passed noise before the voiced part, at 8000 Hz: the classic formant
synthesiser, of the family of rule-based synthesisers that older text-to-speech systems use.
"""
import numpy as np

RATE = 8000
VOWELS = {"i": (270, 2290, 3010), "e": (530, 1840, 2480), "a": (730, 1090, 2440), "o": (570, 840, 2410),
          "u": (300, 870, 2240), "@": (500, 1500, 2500)}
BANDWIDTHS = (60.0, 90.0, 150.0)
BLOCK = 40  # samples (5 ms) between filter updates


def _resonate(signal, freqs, bandwidth):
    """A second-order resonator whose centre frequency changes every BLOCK samples (unit gain at 0 Hz)."""
    from scipy.signal import lfilter

    out = np.zeros_like(signal)
    state = np.zeros(2)
    for start in range(0, signal.size, BLOCK):
        f = freqs[min(start, freqs.size - 1)]
        r = np.exp(-np.pi * bandwidth / RATE)
        a = [1.0, -2 * r * np.cos(2 * np.pi * f / RATE), r * r]
        out[start:start + BLOCK], state = lfilter([sum(a)], a, signal[start:start + BLOCK], zi=state)
    return out


def utterance(seed):
    """One synthetic word: (audio at RATE, RATE)."""
    from scipy.signal import butter, lfilter

    rng = np.random.default_rng(seed)
    vowels = [VOWELS[k] for k in rng.choice(list(VOWELS), size=rng.integers(1, 4))]
    voiced = int(RATE * rng.uniform(0.3, 0.55))
    f0 = np.linspace(rng.uniform(110, 220), rng.uniform(80, 140), voiced)
    phase = np.cumsum(f0 / RATE)
    source = (np.diff(np.floor(phase), prepend=0.0) > 0).astype(np.float64)
    b, a = butter(2, 800 / (RATE / 2))  # glottal pulse spectrum tilt
    source = lfilter(b, a, source)
    t = np.linspace(0, len(vowels) - 1, voiced)
    speech = source
    for k, bandwidth in enumerate(BANDWIDTHS):
        targets = np.array([v[k] for v in vowels], dtype=np.float64)
        speech = _resonate(speech, np.interp(t, np.arange(len(vowels)), targets), bandwidth)
    envelope = np.minimum(1.0, np.minimum(np.arange(voiced) / (0.03 * RATE), (voiced - np.arange(voiced)) / (0.08 * RATE)))
    speech *= envelope
    if rng.random() < 0.5:  # a fricative before the vowel
        length = int(RATE * rng.uniform(0.08, 0.15))
        b, a = butter(2, [2500 / (RATE / 2), 3900 / (RATE / 2)], btype="band")
        noise = lfilter(b, a, rng.standard_normal(length)) * np.hanning(length)
        noise *= 0.3 * np.abs(speech).max() / max(np.abs(noise).max(), 1e-12)
        speech = np.concatenate([noise, speech])
    speech = np.pad(speech, (int(0.02 * RATE), int(0.02 * RATE)))
    return (0.5 * speech / np.abs(speech).max()).astype(np.float32), RATE
