"""The noise suppressors a phone or a conferencing tool puts between a microphone and a file, simulated at
8 kHz on 32 ms frames for the noise-floor tests and the suppressed-speech benchmark (docs/studies.md,
"Suppressed and decoded real speech"; tests/benchmarks/test_bench_suppressed_speech.py names the settings):
a Wiener filter on the decision-directed a-priori SNR, a stationary spectral gate as noisereduce writes it,
an RNNoise-like band gain and a hard gate releasing within 5 ms. The noise estimate of each is the mean power
of the quietest tenth of the frames (a recording as long as a digit has no noise-only lead-in to learn from)."""
import numpy as np
from scipy import signal

from tests.audio_channels import RATE, gate

N_FFT, HOP = 256, 64  # 32 ms frames, as the spectral subtraction of test_bench_padded_silence.py
NOISE_SHARE = 0.1  # the quietest tenth of the frames is the noise estimate
DD_ALPHA = 0.98  # decision-directed smoothing of the a-priori SNR (Ephraim and Malah's value)
GATE_SMOOTH_HZ, GATE_SMOOTH_S = 500.0, 0.05  # noisereduce's defaults
BAND_EDGES_HZ = (0, 200, 400, 600, 800, 1000, 1200, 1400, 1600, 2000, 2400, 2800, 3200, 4000)  # RNNoise's below 4 kHz
BAND_OVER = 3.0  # the noise over-subtracted, as a trained network errs towards silence in the pauses
BAND_DECAY = 0.6  # RNNoise: a band's gain falls at most to this share of the previous frame's
FAST_RELEASE_MS = 5.0  # a gate releasing this fast takes the speech to zeros over 9-28 ms (gate_release.py)


def _stft(audio):
    return signal.stft(audio, nperseg=N_FFT, noverlap=N_FFT - HOP)[2]


def _istft(spec, size):
    return signal.istft(spec, nperseg=N_FFT, noverlap=N_FFT - HOP)[1][:size]


def _noise_power(power):
    energy = power.sum(axis=0)
    return power[:, energy <= np.quantile(energy, NOISE_SHARE)].mean(axis=1, keepdims=True)


def _floor(floor_db):
    return 0.0 if floor_db == -np.inf else 10 ** (floor_db / 20)


def wiener(audio, floor_db):
    spec = _stft(audio)
    power = np.abs(spec) ** 2
    noise = np.maximum(_noise_power(power), 1e-30)
    post = power / noise  # a-posteriori SNR
    gain = np.empty_like(power)
    carried = np.zeros(power.shape[0])  # the previous frame's clean-speech estimate over the noise
    for t in range(power.shape[1]):
        prior = DD_ALPHA * carried + (1 - DD_ALPHA) * np.maximum(post[:, t] - 1, 0)
        gain[:, t] = np.maximum(prior / (1 + prior), _floor(floor_db))
        carried = gain[:, t] ** 2 * post[:, t]
    return _istft(spec * gain, audio.size)


def _triangle(half):
    return np.concatenate([np.linspace(0, 1, half + 1, endpoint=False), np.linspace(1, 0, half + 2)])[1:-1]


def spectral_gate(audio, n_std):
    spec = _stft(audio)
    level = 20 * np.log10(np.maximum(np.abs(spec), 1e-12))
    energy = (np.abs(spec) ** 2).sum(axis=0)
    noise = level[:, energy <= np.quantile(energy, NOISE_SHARE)]  # the noise clip an analyst gives it
    threshold = noise.mean(axis=1, keepdims=True) + n_std * noise.std(axis=1, keepdims=True)
    mask = (level > threshold).astype(np.float64)
    bins = max(1, int(GATE_SMOOTH_HZ / (RATE / N_FFT)))
    frames = max(1, int(GATE_SMOOTH_S * RATE / HOP))
    kernel = np.outer(_triangle(bins), _triangle(frames))
    mask = signal.fftconvolve(mask, kernel / kernel.sum(), mode="same")
    return _istft(spec * np.clip(mask, 0, 1), audio.size)


def band_gain(audio, floor_db):
    spec = _stft(audio)
    power = np.abs(spec) ** 2
    freq = np.fft.rfftfreq(N_FFT, 1 / RATE)
    edges = np.array(BAND_EDGES_HZ, dtype=np.float64)
    centres = (edges[:-1] + edges[1:]) / 2
    weights = np.maximum(0, 1 - np.abs(freq[None, :] - centres[:, None]) / np.diff(edges)[:, None])  # triangles
    weights /= np.maximum(weights.sum(axis=0, keepdims=True), 1e-12)
    band_power = weights @ power
    noise = weights @ _noise_power(power)
    band = np.sqrt(np.maximum(1 - BAND_OVER * noise / np.maximum(band_power, 1e-30), 0))
    for t in range(1, band.shape[1]):
        band[:, t] = np.maximum(band[:, t], BAND_DECAY * band[:, t - 1])
    gain = np.maximum(weights.T @ band, _floor(floor_db))
    return _istft(spec * gain, audio.size)


def fast_gate(audio, threshold_db):
    """The harness's hard gate (tests/audio_channels.py) releasing within FAST_RELEASE_MS."""
    return gate(audio, threshold_db, release_ms=FAST_RELEASE_MS)


SUPPRESSORS = {"wiener": wiener, "specgate": spectral_gate, "bands": band_gain, "fastgate": fast_gate}
