"""What a recording meets on its way to the evidence folder, simulated at 8 kHz for the channel
tests and benchmarks (docs/studies.md, "Channels, fourth pass"): added noise, automatic gain
control, a dynamic-range compressor with a limiter, a room's reverberation and a speakerphone.
Each takes its parameters, so that a benchmark can draw untouched ones apart from the tuned ones."""
import numpy as np
from scipy import signal

RATE = 8000


def with_noise(audio, snr_db, rng=0, colour="white"):
    """`audio` plus Gaussian noise (white, or pink: power falling as 1/f) at `snr_db` below its mean
    power; `rng`: a numpy Generator or a seed."""
    noise = np.random.default_rng(rng).normal(size=audio.size)
    if colour == "pink":
        freqs = np.fft.rfftfreq(audio.size, 1 / RATE)
        spectrum = np.fft.rfft(noise)
        spectrum[1:] /= np.sqrt(freqs[1:])
        spectrum[0] = 0
        noise = np.fft.irfft(spectrum, audio.size)
    return audio + noise * np.sqrt(np.mean(audio ** 2) / np.mean(noise ** 2) / 10 ** (snr_db / 10))


def _envelope(magnitude, attack_ms, release_ms):
    """A peak follower: rises with time constant `attack_ms`, falls with `release_ms`."""
    attack, release = (np.exp(-1 / (RATE * ms / 1000)) for ms in (attack_ms, release_ms))
    out, level = np.empty_like(magnitude), 0.0
    for i, v in enumerate(magnitude):
        c = attack if v > level else release
        level = c * level + (1 - c) * v
        out[i] = level
    return out


def agc(audio, attack_ms=5, release_ms=300, max_gain_db=20, target=0.3):
    """Automatic gain control (a phone's or a conferencing app's): the gain brings the envelope to
    `target`, at most `max_gain_db`, so the pauses' noise rises after each word."""
    gain = np.minimum(target / np.maximum(_envelope(np.abs(audio), attack_ms, release_ms), 1e-9),
                      10 ** (max_gain_db / 20))
    out = audio * gain
    return out / max(1.0, np.abs(out).max() / 0.99)


def gate(audio, threshold_db, above_floor=False, attack_ms=1.0, release_ms=20.0):
    """Zeroes the signal while its peak envelope (5 ms release) lies below `threshold_db` re its peak (or, set
    as an engineer sets a gate, re the envelope's 10th percentile: its floor); the gate opens within
    `attack_ms` and closes within `release_ms` (a ramp of the gain, then exact zeros)."""
    level = _envelope(np.abs(audio), 0.1, 5.0)
    reference = np.quantile(level, 0.1) if above_floor else np.abs(audio).max()
    open_ = (level > reference * 10 ** (threshold_db / 20)).astype(np.float64)
    gain = _envelope(open_, attack_ms, release_ms)
    return audio * np.where(gain < 1e-3, 0.0, gain)


def compressor(audio, threshold_db=-20, ratio=4, attack_ms=5, release_ms=100, makeup_db=10, limit=0.5):
    """A broadcast-style compressor on the peak envelope (re the recording's peak), make-up gain,
    then a hard limiter at `limit` of full scale."""
    peak = max(np.abs(audio).max(), 1e-9)
    level_db = 20 * np.log10(np.maximum(_envelope(np.abs(audio) / peak, attack_ms, release_ms), 1e-9))
    gain_db = -np.maximum(level_db - threshold_db, 0) * (1 - 1 / ratio) + makeup_db
    return np.clip(audio / peak * 10 ** (gain_db / 20), -limit, limit)


def room_response(rt60, rng, direct=3.0):
    """A synthetic room impulse response: a direct path, then exponentially decaying Gaussian noise
    falling 60 dB in `rt60` seconds (cut at 1.5 rt60, at most 1.2 s); unit energy."""
    n = int(RATE * min(1.5 * rt60, 1.2))
    h = rng.normal(size=n) * np.exp(-6.9078 * np.arange(n) / RATE / rt60)
    gap = int(RATE * 0.003)  # the first reflection 3 ms after the direct sound
    h[:gap] = 0
    h[0] = direct * np.abs(h[gap:]).max()
    return h / np.sqrt(np.sum(h ** 2))


def reverberant(audio, rt60, rng):
    """`audio` in a room of reverberation time `rt60` (s), with 0.3 s of its tail, at its own mean power."""
    out = signal.fftconvolve(audio, room_response(rt60, rng))[: audio.size + int(0.3 * RATE)]
    return out * np.sqrt(np.mean(audio ** 2) / np.mean(out ** 2))


def speakerphone(audio, low=300, high=3400, resonance_hz=900, q=3, resonance_db=8, clip=0.7):
    """A speakerphone: band-pass `low`-`high` Hz (Butterworth, order 4), a small loudspeaker's
    resonance (a peak of `resonance_db` at `resonance_hz`), soft clipping (tanh) at `clip`."""
    y = signal.sosfilt(signal.butter(4, [low, high], btype="band", fs=RATE, output="sos"), audio)
    b, a = signal.iirpeak(resonance_hz, q, fs=RATE)
    y = y + (10 ** (resonance_db / 20) - 1) * signal.lfilter(b, a, y)
    return np.tanh(y / np.abs(y).max() / clip) * clip * 0.9 / np.tanh(1 / clip)
