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


def stft(audio, n_fft, hop, window):
    """(bins, frames) complex spectrum of centred frames (zero padding of n_fft // 2 at each end)."""
    padded = np.pad(audio, n_fft // 2)
    frames = np.lib.stride_tricks.sliding_window_view(padded, n_fft)[::hop]
    return np.fft.rfft(frames * window, axis=1).T


def istft(spectrum, n_fft, hop, window, length):
    """The waveform (`length` samples) of a `stft` spectrum, by weighted overlap-add."""
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
    audio = istft(magnitude * phase, n_fft, hop, window, length)
    for _ in range(iterations):
        spectrum = stft(audio, n_fft, hop, window)[:, :magnitude.shape[1]]
        audio = istft(magnitude * np.exp(1j * np.angle(spectrum)), n_fft, hop, window, length)
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


# --- imitations of text-to-speech -------------------------------------------------------
# What real synthesisers do, built from a recording so that no outside tool is needed: rule
# prosody (a smooth F0 contour from rules, not the speaker's), parametric vocoding with
# oversmoothed parameter trajectories (statistical TTS), formant synthesis, and unit
# concatenation with pitch imposed by TD-PSOLA (diphone TTS).

ANALYSIS_MS, HOP_MS = 30, 10


def rule_f0(n, rng):
    """(n,) F0 in Hz per 10 ms frame from rules: a declining line with one smooth accent (a
    hat), as TTS front ends draw prosody; no micro-prosody or jitter."""
    t = np.linspace(0.0, 1.0, max(n, 1))
    base = rng.uniform(85, 230)
    accent = rng.uniform(0.05, 0.3) * np.exp(-0.5 * ((t - rng.uniform(0.2, 0.6)) / rng.uniform(0.12, 0.3)) ** 2)
    return base * (1 - rng.uniform(0.05, 0.2) * t) * (1 + accent)


def lpc_analysis(audio, sr, order=12):
    """Per 10 ms frame (30 ms Hann window): autocorrelation (order + 1), periodicity (0-1) and
    the autocorrelation pitch in Hz (60-400)."""
    frame, hop = int(ANALYSIS_MS * sr / 1000), int(HOP_MS * sr / 1000)
    x = _frames(audio, frame, hop) * np.hanning(frame)
    n = 1 << int(np.ceil(np.log2(2 * frame)))
    r = np.fft.irfft(np.abs(np.fft.rfft(x, n, axis=1)) ** 2, n, axis=1)[:, :frame]
    window = np.fft.irfft(np.abs(np.fft.rfft(np.hanning(frame), n)) ** 2, n)[:frame]
    low, high = int(sr / 400), int(sr / 60)
    # divided by the window's own autocorrelation (Boersma 1993), a periodic frame reads 1 at its period
    normalised = r[:, low:high] / np.maximum(r[:, :1], 1e-20) / (window[low:high] / window[0])
    lag = low + np.argmax(normalised, axis=1)
    periodicity = np.where(r[:, 0] > 1e-20, normalised[np.arange(len(r)), lag - low], 0.0)
    return r[:, :order + 1], np.clip(periodicity, 0, 1), sr / lag


def glottal_pulse(period):
    """One Rosenberg glottal flow derivative pulse of `period` samples (opening 40 %, closing 16 %)."""
    period = max(int(period), 4)
    opening, closing = max(1, int(0.4 * period)), max(1, int(0.16 * period))
    flow = np.zeros(period)
    flow[:opening] = 0.5 * (1 - np.cos(np.pi * np.arange(opening) / opening))
    flow[opening:opening + closing] = np.cos(0.5 * np.pi * np.arange(closing) / closing)
    return np.diff(flow, prepend=0.0)


def excitation(f0, voicing, sr, length, rng, pulse=True):
    """Mixed excitation, unit power: glottal pulses (or impulses) at F0 (Hz per 10 ms frame) where
    voicing (0-1 per frame) is high, white noise where low, mixed in between."""
    hop = int(HOP_MS * sr / 1000)
    at = lambda per_frame: np.interp(np.arange(length) / hop, np.arange(len(per_frame)), per_frame)
    f0_t, v_t = at(f0), np.clip(at(voicing), 0, 1)
    phase = np.cumsum(f0_t / sr)
    starts = np.nonzero(np.diff(np.floor(phase), prepend=0.0) > 0)[0]
    voiced = np.zeros(length)
    for s in starts:
        shape = glottal_pulse(sr / f0_t[s]) if pulse else np.array([1.0])
        end = min(length, s + len(shape))
        voiced[s:end] += shape[:end - s]
    voiced /= max(np.sqrt(np.mean(voiced ** 2)), 1e-12)
    return np.sqrt(v_t) * voiced + np.sqrt(1 - v_t) * rng.standard_normal(length)


def smooth_frames(values, sigma):
    """values (frames, ...) convolved along frames with a Gaussian of `sigma` frames (edges: nearest)."""
    if sigma <= 0:
        return values
    radius = int(np.ceil(3 * sigma))
    kernel = np.exp(-0.5 * (np.arange(-radius, radius + 1) / sigma) ** 2)
    padded = np.pad(values, [(radius, radius)] + [(0, 0)] * (values.ndim - 1), mode="edge")
    return np.tensordot(np.lib.stride_tricks.sliding_window_view(padded, len(kernel), axis=0),
                        kernel / kernel.sum(), axes=([-1], [0]))


def parametric_vocoder(audio, sr, rng, order=12, smoothing=2.0, rule_prosody=True):
    """Statistical-parametric TTS imitated on a recording: its LPC envelopes and voicing, their
    trajectories smoothed over `smoothing` frames (the oversmoothing of HMM and other statistical
    synthesis; averaging autocorrelations keeps every filter stable), re-excited by glottal pulses
    at a rule F0 (or the recording's pitch, smoothed) mixed with noise, overlap-added."""
    r, periodicity, pitch = lpc_analysis(audio, sr, order)
    r = smooth_frames(r, smoothing)
    voicing = np.clip((smooth_frames(periodicity, smoothing) - 0.3) / 0.4, 0, 1)
    f0 = rule_f0(len(r), rng) if rule_prosody else smooth_frames(np.log(pitch), 3.0)
    f0 = f0 if rule_prosody else np.exp(f0)
    frame, hop = int(ANALYSIS_MS * sr / 1000), int(HOP_MS * sr / 1000)
    source = excitation(f0, voicing, sr, len(audio) + 2 * frame, rng)
    window, out = np.hanning(frame), np.zeros(len(audio) + 2 * frame)
    lag = np.arange(order + 1)
    for i, ri in enumerate(r):
        if ri[0] <= 1e-12:
            continue
        a, error = _levinson(ri * np.exp(-0.5 * (0.01 * lag) ** 2), order)
        chunk = source[i * hop:i * hop + frame]
        out[i * hop:i * hop + frame] += all_pole(chunk, a, np.sqrt(error / frame)) * window
    return (out[:len(audio)] * (hop * 2 / frame)).astype(np.float32)


def pre_emphasis(audio, coefficient=0.95):
    """1 - 0.95 z^-1: flattens the glottal source's tilt, so that LPC poles find the formants."""
    audio = np.asarray(audio, dtype=np.float64)
    return np.concatenate([audio[:1], audio[1:] - coefficient * audio[:-1]])


def formant_tracks(r, sr, count=4):
    """(frames, count) formant frequencies and bandwidths (Hz) from the roots of each frame's LPC
    polynomial (r: autocorrelations of pre-emphasised frames) (90 Hz - 0.95 Nyquist, bandwidth under 600 Hz), missing ones filled by the last seen."""
    order = r.shape[1] - 1
    polys = np.array([_levinson(ri * np.exp(-0.5 * (0.01 * np.arange(order + 1)) ** 2), order)[0]
                      if ri[0] > 1e-12 else np.eye(order + 1)[0] for ri in r])
    companion = np.zeros((len(r), order, order))
    companion[:, 0, :] = -polys[:, 1:]
    companion[:, np.arange(1, order), np.arange(order - 1)] = 1.0
    roots = np.linalg.eigvals(companion)  # the polynomials' roots, all frames at once
    freqs = np.tile([500.0, 1500.0, 2500.0, 3400.0][:count], (len(r), 1))
    bands = np.full((len(r), count), 150.0)
    for i, z in enumerate(roots):
        z = z[z.imag > 0]
        f, b = np.angle(z) * sr / (2 * np.pi), -np.log(np.maximum(np.abs(z), 1e-9)) * sr / np.pi
        keep = (f > 90) & (f < 0.95 * sr / 2) & (b < 600) & (r[i, 0] > 1e-12)
        sort = np.argsort(f[keep])[:count]
        if i:
            freqs[i], bands[i] = freqs[i - 1], bands[i - 1]
        freqs[i, :len(sort)], bands[i, :len(sort)] = f[keep][sort], b[keep][sort]
    return freqs, bands


def formant_synthesis(audio, sr, rng, smoothing=3.0):
    """A cascade formant synthesiser (Klatt 1980, simplified) driven by a recording's formant
    tracks, smoothed, its frame energies and voicing, at a rule F0: Rosenberg pulses plus
    aspiration noise through four second-order resonators (their cascade is one all-pole filter,
    the product of their polynomials, unit gain at 0 Hz as Klatt's), frame by frame, overlap-added."""
    r, periodicity, _ = lpc_analysis(audio, sr, order=10)
    freqs, bands = formant_tracks(lpc_analysis(pre_emphasis(audio), sr, order=10)[0], sr)
    freqs, bands = smooth_frames(freqs, smoothing), smooth_frames(bands, smoothing)
    voicing = np.clip((smooth_frames(periodicity, 1.0) - 0.3) / 0.4, 0, 1)
    frame, hop = int(ANALYSIS_MS * sr / 1000), int(HOP_MS * sr / 1000)
    source = excitation(rule_f0(len(r), rng), voicing, sr, len(audio) + 2 * frame, rng)
    window, out = np.hanning(frame), np.zeros(len(audio) + 2 * frame)
    frame_gain = np.zeros(len(r))
    for i in range(len(r)):
        a = np.array([1.0])
        for f, b in zip(freqs[i], bands[i]):
            radius = np.exp(-np.pi * b / sr)
            a = np.convolve(a, [1.0, -2 * radius * np.cos(2 * np.pi * f / sr), radius * radius])
        y = all_pole(source[i * hop:i * hop + frame], a, a.sum()) * window
        out[i * hop:i * hop + frame] += y
        frame_gain[i] = np.sqrt(max(r[i, 0], 0.0) / max(np.sum(y ** 2), 1e-20))
    # each frame's gain at its window's centre; hop * 2 / frame undoes the overlap of the Hann windows
    gain = np.interp((np.arange(len(out)) - frame / 2) / hop, np.arange(len(r)), smooth_frames(frame_gain, 1.0))
    return (out * gain * (hop * 2 / frame))[:len(audio)].astype(np.float32)


def pitch_marks(audio, sr, periodicity, pitch):
    """Analysis marks for TD-PSOLA: in voiced frames one per pitch period, each at the largest
    |sample| near where the period says; elsewhere every 10 ms."""
    hop = int(HOP_MS * sr / 1000)
    marks, t = [], 0
    while t < len(audio):
        i = min(t // hop, len(pitch) - 1)
        if periodicity[i] > 0.5:
            period = int(sr / pitch[i])
            lo, hi = t, min(len(audio), t + period // 2)
            t = lo + int(np.argmax(np.abs(audio[lo:hi]))) if hi > lo else t
            marks.append((t, period))
            t += max(period - period // 4, 1)
        else:
            marks.append((t, hop))
            t += hop
    return marks


def td_psola(audio, sr, f0, periodicity, pitch):
    """The recording re-pitched to contour f0 (Hz per 10 ms frame) by time-domain pitch-synchronous
    overlap-add (Moulines & Charpentier 1990): two-period Hann grains around the analysis marks,
    laid at the synthesis pitch; unvoiced stretches are copied."""
    hop = int(HOP_MS * sr / 1000)
    marks = pitch_marks(audio, sr, periodicity, pitch)
    positions = np.array([m for m, _ in marks])
    out, norm = np.zeros(len(audio) + sr // 10), np.zeros(len(audio) + sr // 10)
    t = 0.0
    while t < len(audio):
        k = int(np.argmin(np.abs(positions - t)))
        mark, period = marks[k]
        i = min(int(t) // hop, len(f0) - 1)
        voiced = periodicity[min(mark // hop, len(periodicity) - 1)] > 0.5
        step = sr / f0[i] if voiced else hop
        lo, hi = max(0, mark - period), min(len(audio), mark + period)
        grain = audio[lo:hi] * np.hanning(hi - lo + 2)[1:-1]
        start = int(t) - (mark - lo)
        if start >= 0:
            out[start:start + len(grain)] += grain
            norm[start:start + len(grain)] += np.hanning(hi - lo + 2)[1:-1]
        t += step
    return (out / np.maximum(norm, 0.5))[:len(audio)]


def quiet_cut(audio, sr, rng):
    """A cut point near a low-energy 10 ms frame in the middle half of a recording."""
    hop = int(HOP_MS * sr / 1000)
    n = len(audio) // hop
    if n < 8:
        return len(audio) // 2
    energy = np.add.reduceat(np.asarray(audio, dtype=np.float64) ** 2, np.arange(0, n * hop, hop))[:n]
    lo, hi = n // 4, 3 * n // 4
    candidates = lo + np.argsort(energy[lo:hi])[:3]
    return int(rng.choice(candidates)) * hop


def concatenative(recordings, sr, rng, crossfade_ms=5):
    """Diphone/unit-selection TTS imitated: the first part of one recording joined at a low-energy
    point to the last part of another (a short crossfade, levels matched), then re-pitched to a
    rule F0 by TD-PSOLA, as a diphone synthesiser joins recorded units and imposes its prosody."""
    first, second = (np.asarray(x, dtype=np.float64) for x in recordings[:2])
    a, b = first[:quiet_cut(first, sr, rng)], second[quiet_cut(second, sr, rng):]
    loud = lambda x: np.sqrt(np.mean(np.sort(x ** 2)[-max(1, len(x) // 4):])) if len(x) else 1.0
    if loud(a) > 0 and loud(b) > 0:  # a part cut from a recording's silent lead-in has no level to match
        b = b * loud(a) / loud(b)
    fade = min(int(crossfade_ms * sr / 1000), len(a), len(b))
    ramp = np.linspace(0, 1, fade)
    joined = np.concatenate([a[:len(a) - fade], a[len(a) - fade:] * (1 - ramp) + b[:fade] * ramp, b[fade:]])
    _, periodicity, pitch = lpc_analysis(joined, sr)
    return td_psola(joined, sr, rule_f0(len(pitch), rng), periodicity, pitch).astype(np.float32)
