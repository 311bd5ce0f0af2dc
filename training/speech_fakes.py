"""Signal-processing fakes of speech: waveforms made from real recordings without any neural
network, as older synthesisers and simple forgeries do (numpy only, mono float arrays).

- `lpc_resynthesis`: an LPC vocoder. Each 30 ms frame is analysed into an all-pole
  envelope (autocorrelation + Levinson-Durbin) and a pitch (autocorrelation peak in
  60-400 Hz); it is resynthesised from a pulse train (voiced) or white noise (unvoiced)
  through that envelope and overlap-added: the envelope survives, the fine structure is
  the vocoder's own.
- `griffin_lim`: a waveform whose magnitude spectrogram approximates a given one
  (Griffin & Lim, 1984), starting from random phases; used on a smoothed or generated mel
  spectrogram taken back to linear frequency.
- `change_speed` (pitch and tempo together, by resampling) and `time_stretch` (tempo only, by
  overlap-add of Hann frames): together a pitch-shifted copy of the same duration.
"""
import numpy as np


def _frames(audio, frame, hop):
    audio = np.pad(np.asarray(audio, dtype=np.float64), (0, frame))
    count = max(1, (len(audio) - frame) // hop)
    return np.lib.stride_tricks.sliding_window_view(audio, frame)[::hop][:count]


def _levinson(r, order):
    a, error = np.zeros(order + 1), r[0]
    a[0] = 1.0
    for i in range(1, order + 1):
        k = -(r[i] + a[1:i] @ r[i - 1:0:-1]) / error
        a[1:i] = a[1:i] + k * a[i - 1:0:-1]
        a[i] = k
        error *= 1 - k * k
        if error <= 0:
            break
    return a, max(error, 0.0)


def all_pole(excitation, a, gain):
    """The excitation through gain / A(z), as a (circular, twice the frame long) FFT product:
    the frame is windowed after, so the wrap-around tail is small."""
    n = 2 * len(excitation)
    return np.fft.irfft(np.fft.rfft(excitation, n) * gain / np.fft.rfft(a, n), n)[:len(excitation)]


def lpc_resynthesis(audio, sr, order=12, seed=0):
    frame, hop = int(0.03 * sr), int(0.01 * sr)
    window = np.hanning(frame)
    rng = np.random.default_rng(seed)
    out = np.zeros(len(audio) + 2 * frame)
    low, high = int(sr / 400), int(sr / 60)
    phase = 0.0
    for i, chunk in enumerate(_frames(audio, frame, hop)):
        x = chunk * window
        r = np.correlate(x, x, "full")[frame - 1:]
        if r[0] <= 1e-10:
            continue
        a, error = _levinson(r[:order + 1] * np.exp(-0.5 * (0.01 * np.arange(order + 1)) ** 2), order)
        lag = low + int(np.argmax(r[low:high]))
        if r[lag] / r[0] > 0.3:  # voiced: a pulse train at the frame's pitch, phase carried over
            excitation = np.zeros(frame)
            positions = np.arange(phase, frame, lag).astype(int)
            excitation[positions] = np.sqrt(lag)
            phase = (positions[-1] + lag - hop) if positions.size else phase - hop
            phase = max(phase, 0.0)
        else:
            excitation = rng.standard_normal(frame)
        y = all_pole(excitation, a, np.sqrt(error / frame)) * window
        out[i * hop:i * hop + frame] += y
    return (out[:len(audio)] * (hop * 2 / frame)).astype(np.float32)


def _stft(audio, n_fft, hop, window):
    padded = np.pad(audio, n_fft // 2)
    frames = np.lib.stride_tricks.sliding_window_view(padded, n_fft)[::hop]
    return np.fft.rfft(frames * window, axis=1).T


def _istft(spectrum, n_fft, hop, window, length):
    frames = np.fft.irfft(spectrum.T, n=n_fft, axis=1) * window
    out = np.zeros(n_fft + hop * (frames.shape[0] - 1))
    norm = np.zeros_like(out)
    for i, f in enumerate(frames):
        out[i * hop:i * hop + n_fft] += f
        norm[i * hop:i * hop + n_fft] += window ** 2
    out = out / np.maximum(norm, 1e-8)
    return out[n_fft // 2:n_fft // 2 + length]


def griffin_lim(magnitude, n_fft, hop, iterations=32, seed=0):
    """A waveform whose STFT magnitude (bins, frames) approximates `magnitude` (periodic Hann
    window, centred frames, as the mel maps are taken)."""
    window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n_fft) / n_fft)
    length = hop * (magnitude.shape[1] - 1)
    phase = np.exp(2j * np.pi * np.random.default_rng(seed).random(magnitude.shape))
    audio = _istft(magnitude * phase, n_fft, hop, window, length)
    for _ in range(iterations):
        spectrum = _stft(audio, n_fft, hop, window)[:, :magnitude.shape[1]]
        audio = _istft(magnitude * np.exp(1j * np.angle(spectrum)), n_fft, hop, window, length)
    return audio.astype(np.float32)


def change_speed(audio, factor):
    """Resampled to play `factor` times faster: pitch up and duration down by that factor."""
    audio = np.asarray(audio, dtype=np.float64)
    positions = np.arange(0, len(audio) - 1, factor)
    return np.interp(positions, np.arange(len(audio)), audio).astype(np.float32)


def time_stretch(audio, rate, frame=512):
    """Tempo times `rate`, pitch kept: Hann frames read every frame/4 * rate samples, written every frame/4."""
    audio = np.pad(np.asarray(audio, dtype=np.float64), (0, frame))  # every frame read whole
    hop_out = frame // 4
    hop_in = hop_out * rate
    window = np.hanning(frame)
    count = max(1, int((len(audio) - 2 * frame) / hop_in) + 1)
    out = np.zeros(hop_out * count + frame)
    norm = np.zeros_like(out)
    for i in range(count):
        start = int(i * hop_in)
        out[i * hop_out:i * hop_out + frame] += audio[start:start + frame] * window
        norm[i * hop_out:i * hop_out + frame] += window
    return (out / np.maximum(norm, 1e-3)).astype(np.float32)
