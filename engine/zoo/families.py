"""The registry of generator families the zoo trains (one table, as torchvision lists models).

A family: name, kind (what sort of generator), the modalities it applies to, its share of the
zoo's time budget, and `train(fit, seconds, seed, state, pool)` -> a function sample(n, seed) ->
(n, c, h, w) float32 intensities. `fit` is a FitData (the case's fitting part); `seconds` covers the
training and the draw of the `pool` samples the zoo stores. Neural families train until their time
is up (`train_for`), checking for cancellation between steps.
"""
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from engine.data import representations
from engine.modality import CONTINUOUS_MODALITIES, MODALITIES

GAN_SIZE = {"width": 16, "z_dim": 32, "batch_size": 64}
MIN_STEPS = 1
DRAW_PROBE = 16  # samples drawn from an untrained model to time its draw
MAX_DRAW_SHARE = 0.5  # of a family's time, the most kept from training for drawing its pool
QUICK_DRAW_SECONDS = 5.0  # a pool drawn within this is never cut
MIN_POOL = 200  # the fewest samples a family whose draw is slow stores (the self-test measures detection on them)


@dataclass
class FitData:
    """The case's fitting part: maps x (n, c, h, w), modality, value levels, the items' names, a device."""
    x: np.ndarray
    modality: str
    levels: int | None
    items: list
    device: str = "cpu"
    _recordings: list | None = field(default=None, repr=False)

    def recordings(self):
        """Speech: the fitting part's recordings at SPEECH_RATE (up to profile.MAX_KEPT_RECORDINGS)."""
        if self._recordings is None:
            from engine.detectors.profile import item_groups, reference_audio, reference_recordings

            groups, n_groups = item_groups(self.items, len(self.x))
            kept = reference_recordings(self.items, groups, n_groups)
            if not kept:
                raise ValueError("the fitting part's recordings cannot be re-read")
            self._recordings = [audio for _, audio in reference_audio(kept)]
        return self._recordings


@dataclass(frozen=True)
class Family:
    name: str
    kind: str
    modalities: tuple
    train: Callable
    share: float = 1.0
    description: str = ""
    default: bool = True  # trained by a zoo that names no families
    keeps_recordings: bool = False  # its output is recordings (RecordingPool), stored and judged as such


def train_for(trainer, seconds, state, message):
    """trainer.step() until `seconds` have passed (at least MIN_STEPS); returns (steps, seconds)."""
    start = time.monotonic()
    while trainer.step_count < MIN_STEPS or time.monotonic() - start < seconds:
        state.check()
        losses = trainer.step()
        elapsed = time.monotonic() - start
        if trainer.step_count % 10 == 0:
            state.progress(min(elapsed / max(seconds, 1e-9), 1.0),
                           f"{message} step {trainer.step_count} " + " ".join(f"{k} {v:.3f}" for k, v in losses.items()))
    return trainer.step_count, time.monotonic() - start


# --- neural families ------------------------------------------------------------------


def gan_family(loss, activation):
    def train(fit, seconds, seed, state, pool):
        from training.gan import GANTrainer, gan_config, sample_generator

        config = gan_config(fit.x.shape[1:], loss=loss, activation=activation, seed=seed, **GAN_SIZE)
        trainer = GANTrainer(fit.x, config, fit.device)
        train_for(trainer, seconds, state, f"GAN ({loss}, {activation})")

        def sample(n, sample_seed):
            import torch

            z = torch.randn(int(n), config["z_dim"], generator=torch.Generator().manual_seed(int(sample_seed)))
            return np.clip(sample_generator(trainer.G, z, activation), 0, 1)
        return sample
    return train


def trained_sampler(make):
    """A family whose trainer (make(fit, seed)) has step() and sample(n, seed). Its pool's draw counts in its
    time: a draw of DRAW_PROBE samples from the untrained model, which costs what the trained model's will, is
    timed, and the pool's draw at that rate (at most MAX_DRAW_SHARE of the time) and the timing itself are kept
    from training. A sampler too slow for its pool in that share (a diffusion model's DDIM steps on a CPU:
    minutes a thousand) draws as many as the share allows, at least MIN_POOL; a draw shorter than
    QUICK_DRAW_SECONDS is never cut."""
    def train(fit, seconds, seed, state, pool):
        began = time.monotonic()
        trainer = make(fit, seed)
        per_sample = min(draw_seconds(trainer, DRAW_PROBE, seed) for _ in range(2)) / DRAW_PROBE  # 1st: set-up
        if per_sample * pool <= max(MAX_DRAW_SHARE * seconds, QUICK_DRAW_SECONDS):
            drawing, affordable = per_sample * pool, pool
        else:
            drawing = MAX_DRAW_SHARE * seconds
            affordable = max(MIN_POOL, int(drawing / per_sample))
        train_for(trainer, seconds - drawing - (time.monotonic() - began), state, type(trainer).__name__)

        def sample(n, sample_seed):
            return trainer.sample(min(int(n), affordable), sample_seed)
        return sample
    return train


def draw_seconds(trainer, n, seed):
    """Seconds trainer.sample(n, seed) takes."""
    begin = time.monotonic()
    trainer.sample(n, seed)
    return time.monotonic() - begin


def _vae(fit, seed):
    from training.vae import VAETrainer

    return VAETrainer(fit.x, {"seed": seed}, fit.device)


def _diffusion(fit, seed):
    from training.diffusion import DiffusionTrainer

    return DiffusionTrainer(fit.x, {"seed": seed}, fit.device)


def _autoregressive(fit, seed):
    from engine.modality import modality
    from training.autoregressive import AutoregressiveTrainer

    # images: row after row; spectrograms and piano rolls: frame after frame (time); values on
    # 16 levels, a piano roll's notes on or off
    kind = modality(fit.modality)
    levels = 16 if kind.continuous else 2
    return AutoregressiveTrainer(fit.x, {"seed": seed, "axis": kind.sequence_axis, "levels": levels}, fit.device)


def ngram_family(order):
    def train(fit, seconds, seed, state, pool):
        from training.ngram import NGramModel

        state.progress(0.0, f"counting {order}-grams")
        return NGramModel(fit.x, order).sample
    return train


# --- signal-processing fakes of speech -----------------------------------------------------


PCM_FULL_SCALE = 32768  # a 16-bit sample's full scale, as the evidence loader reads it (int16 / 32768)


def as_pcm16(audio):
    """Float audio as a 16-bit WAV file holds it (int16); a recording louder than full scale is brought down to it
    first, as an editor's export would, rather than clipped (a clipped waveform is a trace of its own)."""
    audio = np.asarray(audio, dtype=np.float64)
    peak = float(np.max(np.abs(audio))) if audio.size else 0.0
    gain = min(1.0, (PCM_FULL_SCALE - 1) / (PCM_FULL_SCALE * peak)) if peak > 0 else 1.0
    return np.round(audio * gain * PCM_FULL_SCALE).astype(np.int16)


def pcm_patches(pcm):
    """The mel patches of a 16-bit recording at SPEECH_RATE, exactly as the evidence loader reads it from a WAV."""
    return representations.mel_patches(pcm.astype(np.float32) / PCM_FULL_SCALE, representations.SPEECH_RATE)


class RecordingPool:
    """A waveform family's fakes, kept as 16-bit recordings at SPEECH_RATE (`case zoo` stores them, `generate`
    writes them as WAV files, `case validate` judges those files, so the detectors that read a waveform speak).
    Called as any family's sampler, (n, seed) -> the mel patches of the recordings `draw` picks."""

    def __init__(self):
        self.recordings, self.patches = [], []

    def add(self, audio):
        pcm = as_pcm16(audio)
        self.recordings.append(pcm)
        self.patches.append(pcm_patches(pcm))

    def draw(self, n, seed):
        """Indices (ascending) of recordings drawn without replacement (seeded), as many as give at most n patches
        (at least one)."""
        order = np.random.default_rng(int(seed)).permutation(len(self.recordings))
        held = np.cumsum([len(self.patches[i]) for i in order])
        return np.sort(order[:max(1, int(np.searchsorted(held, int(n), side="right")))])

    def __call__(self, n, seed):
        return np.concatenate([self.patches[i] for i in self.draw(n, seed)])[:int(n)].astype(np.float32)


def speech_fakes(make, partners=0):
    """A family of fakes made from each fitting recording by make(audio, rng), as long as time allows, kept as
    recordings (RecordingPool); with `partners`, make([audio, other, ...], rng) gets that many other fitting
    recordings too (drawn at random), to splice."""
    def train(fit, seconds, seed, state, pool):
        rng = np.random.default_rng(seed)
        recordings = fit.recordings()
        order = rng.permutation(len(recordings))
        start, made = time.monotonic(), RecordingPool()
        for k, i in enumerate(order):
            state.check()
            if partners:
                others = rng.choice(np.delete(np.arange(len(recordings)), i), partners) if len(recordings) > 1 else [i]
                made.add(make([recordings[i]] + [recordings[j] for j in others], rng))
            else:
                made.add(make(recordings[i], rng))
            if time.monotonic() - start > seconds:
                break
            state.progress((k + 1) / len(order), f"recording {k + 1} of {len(order)}")
        return made
    return train


def _lpc(audio, rng):
    from training.speech_fakes import lpc_resynthesis

    return lpc_resynthesis(audio, representations.SPEECH_RATE, seed=int(rng.integers(2**31)))


def smoothed(m, axis, sigma):
    """m convolved with a Gaussian of `sigma` cells along `axis` (edges: nearest value)."""
    radius = int(np.ceil(3 * sigma))
    kernel = np.exp(-0.5 * (np.arange(-radius, radius + 1) / sigma) ** 2)
    kernel /= kernel.sum()
    padded = np.pad(np.moveaxis(m, axis, -1), [(0, 0)] * (m.ndim - 1) + [(radius, radius)], mode="edge")
    windows = np.lib.stride_tricks.sliding_window_view(padded, len(kernel), axis=-1)
    return np.moveaxis(windows @ kernel, -1, axis)


def _griffin_lim(audio, rng):
    """The recording's mel spectrogram, smoothed over time and frequency (as a generator's output
    is smooth), taken back to linear frequency and inverted by Griffin-Lim."""
    from training.speech_fakes import griffin_lim

    mel = smoothed(smoothed(representations.mel_power(audio).astype(np.float64), 0, 1.0), 1, 1.5)
    basis = representations.mel_filterbank().astype(np.float64)
    power = np.maximum(np.linalg.pinv(basis) @ mel, 0.0)
    return griffin_lim(np.sqrt(power), representations.N_FFT, representations.HOP, iterations=24,
                       seed=int(rng.integers(2**31)))


def _pitch_shift(audio, rng):
    from training.speech_fakes import change_speed, time_stretch

    factor = float(np.exp(rng.uniform(np.log(0.84), np.log(1.19))))  # up to 3 semitones either way
    return time_stretch(change_speed(audio, factor), 1 / factor)


def _time_stretch(audio, rng):
    from training.speech_fakes import time_stretch

    return time_stretch(audio, float(rng.uniform(0.8, 1.25)))


def _parametric(audio, rng):
    """Half with rule prosody, half with the recording's own pitch, smoothed (statistical TTS copies a speaker's F0 model)."""
    from training.speech_fakes import parametric_vocoder

    return parametric_vocoder(audio, representations.SPEECH_RATE, rng, smoothing=float(rng.uniform(1.0, 3.0)),
                              rule_prosody=bool(rng.random() < 0.5))


def rendered_family(fit, seconds, seed, state, pool):
    from engine.zoo.rendered import render

    state.progress(0.0, "typesetting figures")
    return lambda n, sample_seed: render(fit.x, int(n), int(sample_seed))


def _formant(audio, rng):
    from training.speech_fakes import formant_synthesis

    return formant_synthesis(audio, representations.SPEECH_RATE, rng, smoothing=float(rng.uniform(1.5, 4.0)))


def _concatenative(recordings, rng):
    from training.speech_fakes import concatenative

    return concatenative(recordings, representations.SPEECH_RATE, rng)


def recording_family(name, kind, make, share, description, partners=0):
    """A speech family of fakes made from the fitting recordings (speech_fakes), kept as recordings."""
    return Family(name, kind, ("speech",), speech_fakes(make, partners), share, description, keeps_recordings=True)


ALL = MODALITIES
CONTINUOUS = CONTINUOUS_MODALITIES
FAMILIES = {f.name: f for f in [
    Family("gan-standard", "GAN", ALL, gan_family("gan", "sigmoid"), 0.5,
           "DCGAN, standard loss, sigmoid output, short training"),
    Family("gan-lsgan", "GAN", ALL, gan_family("lsgan", "tanh"), 1.0, "DCGAN, least-squares loss, tanh output"),
    Family("gan-wgan-gp", "GAN", ALL, gan_family("wgan-gp", "linear"), 1.5,
           "DCGAN, Wasserstein loss with gradient penalty, linear output, longer training"),
    Family("vae", "VAE", CONTINUOUS, trained_sampler(_vae), 1.0, "variational autoencoder (MLP), decoder means"),
    Family("diffusion", "diffusion", CONTINUOUS, trained_sampler(_diffusion), 1.0,
           "DDPM (tiny U-Net, linear schedule over 1,000 steps), sampled by DDIM over 50 of them"),
    Family("autoregressive", "autoregressive", ALL, trained_sampler(_autoregressive), 1.5,
           "GRU over rows (images) or frames (speech, music), 16 levels (music: notes on/off)"),
    # Not in the default zoo: at its share the zoo's classifier did not learn it (docs/studies.md, twenty-third pass);
    # named, its samples are fakes for a classifier of their own (`train classifier --resampled-real`).
    Family("rendered", "rule-based", ("image",), rendered_family, 0.1,
           "digits typeset from fonts, then scaled and centred as the reference's figures (no model)", default=False),
    *[Family(f"ngram-{k}", "n-gram", ("music",), ngram_family(k), 0.1, f"Markov chain of order {k} over chord events")
      for k in (1, 2, 3, 4)],
    recording_family("lpc-vocoder", "signal processing", _lpc, 0.7,
                     "LPC analysis-resynthesis of the fitting recordings (pulse train / noise excitation)"),
    recording_family("griffin-lim", "signal processing", _griffin_lim, 0.7,
                     "Griffin-Lim inversion of the recordings' smoothed mel spectrograms"),
    recording_family("pitch-shift", "signal processing", _pitch_shift, 0.4,
                     "recordings resampled up to 3 semitones and stretched back to their duration"),
    recording_family("time-stretch", "signal processing", _time_stretch, 0.4,
                     "recordings stretched 0.8-1.25x by overlap-add"),
    recording_family("parametric-vocoder", "TTS imitation", _parametric, 0.2,
                     "statistical-TTS-like vocoder: LPC envelopes and voicing smoothed over time, glottal pulses at a "
                     "rule F0 (or the smoothed own pitch) mixed with noise"),
    recording_family("formant", "TTS imitation", _formant, 0.4,
                     "cascade formant synthesiser driven by the recordings' smoothed formant tracks, at a rule F0"),
    recording_family("concatenative", "TTS imitation", _concatenative, 0.2,
                     "two recordings joined at a low-energy point, re-pitched to a rule F0 by TD-PSOLA (diphone TTS)",
                     partners=1),
]}


def families_for(modality):
    return [name for name, family in FAMILIES.items() if modality in family.modalities]


def choose(names, modality):
    """The families to train (names given, or every family of the modality), or ValueError naming the first unknown."""
    if not names:
        return [name for name in families_for(modality) if FAMILIES[name].default]
    for name in names:
        if name not in FAMILIES:
            raise ValueError(f"unknown family {name!r}; choose from {', '.join(families_for(modality))}")
        if modality not in FAMILIES[name].modalities:
            raise ValueError(f"family {name!r} does not make {modality} samples; "
                             f"choose from {', '.join(families_for(modality))}")
    return list(dict.fromkeys(names))
