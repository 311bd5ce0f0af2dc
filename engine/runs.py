"""Reading trained run folders for the rest of the engine: sample a generator, classify, invert.

Generator runs are of two kinds: a GAN ("gan": its generator is sampled) and a zoo run
("generator", engine/zoo/: a generator family of any kind whose samples were drawn once
when it was trained and stored in its checkpoint as the tensor "samples"; sampling draws
from that pool without replacement, seeded).

A zoo family kept as recordings (engine/zoo/families.py RecordingPool: the signal-processing and TTS-like fakes
of speech) also stores them in the checkpoint, as 16-bit samples end to end with each one's length (RECORDINGS)
and their rate in the config (`recording_rate`): safetensors, so hashed with the checkpoint when the run is
registered and never unpickled; `generate` and `case validate` write them as WAV files.

Arrays in and out (intensities (n, c, h, w) float32); every unreadable or mismatched run
raises InputError(run_dir, reason). torch is imported only through training/, lazily.
"""
import os

import numpy as np

from engine.data.limits import check_set_size
from engine.errors import InputError


# The sidecar config keys each kind of run needs here (training/files.py checks their values).
REQUIRED_CONFIG = {"gan": ("shape", "z_dim", "activation"), "classifier": ("shape", "labels"),
                   "inverse": ("shape", "activation"), "generator": ("shape", "family")}
GENERATOR_KINDS = ("gan", "generator")  # runs whose samples the learned detectors are fitted against


def read_run_json(run_dir, kind=None):
    from training.files import UnsafeRunFile, read_json

    try:
        run = read_json(os.path.join(run_dir, "run.json"))
    except UnsafeRunFile as err:
        raise InputError(run_dir, f"not a readable training run ({err})") from None
    if kind is not None and run.get("kind") != kind:
        raise InputError(run_dir, f"is a {run.get('kind')!r} run, expected a {kind!r} run")
    return run


def is_run_folder(path, kind=None):
    if not os.path.isfile(os.path.join(path, "run.json")):
        return False
    try:
        return kind is None or read_run_json(path).get("kind") == kind
    except InputError:
        return False


def load_modules(run_dir, roles, kind, device="cpu"):
    """(run.json, sidecar, {role: module}) from the run's latest checkpoint."""
    from training.device import choose_device
    from training.loading import RunUnreadable, load_module, load_run

    device = choose_device(device)
    run = read_run_json(run_dir, kind)
    try:
        sidecar, tensors = load_run(run_dir)
        config = sidecar.get("config") if isinstance(sidecar.get("config"), dict) else {}
        missing = [key for key in REQUIRED_CONFIG.get(kind, ()) if key not in config]
        if missing:
            raise RunUnreadable(f"the checkpoint sidecar's config lacks {', '.join(missing)}")
        return run, sidecar, {role: load_module(sidecar, tensors, role, device) for role in roles}
    except RunUnreadable as err:
        raise InputError(run_dir, str(err)) from None


def _check_shape(run_dir, sidecar, x):
    expected = tuple(sidecar["config"]["shape"])
    if tuple(x.shape[1:]) != expected:
        raise InputError(run_dir, f"the model takes samples of shape {expected}, got {tuple(x.shape[1:])}")


def sample_gan(run_dir, n, seed=0):
    """(samples (n, c, h, w) float32 intensities, unclipped; run.json) of a GAN run's generator."""
    import torch

    from training.gan import sample_generator

    run, sidecar, modules = load_modules(run_dir, ["G"], "gan")
    check_set_size("--n", int(n), int(np.prod(sidecar["config"]["shape"])))  # before a batch too large to hold
    z = torch.randn(int(n), sidecar["config"]["z_dim"], generator=torch.Generator().manual_seed(int(seed)))
    return sample_generator(modules["G"], z, sidecar["config"]["activation"]), run


RECORDINGS = ("recordings", "recording_lengths")  # int16 samples end to end; int64 samples per recording
RECORDING_RATES = (4000, 48000)  # Hz: a stored rate outside these is no recording this tool wrote


def _zoo_checkpoint(run_dir):
    """(run.json, the sidecar's config, tensors) of a zoo run's checkpoint."""
    from training.loading import RunUnreadable, load_run

    run = read_run_json(run_dir, "generator")
    try:
        sidecar, tensors = load_run(run_dir)
    except RunUnreadable as err:
        raise InputError(run_dir, str(err)) from None
    return run, sidecar.get("config") if isinstance(sidecar.get("config"), dict) else {}, tensors


def _pick(count, n, seed):
    """Up to n of `count` stored items, drawn without replacement (seeded), in their stored order."""
    return np.sort(np.random.default_rng(int(seed)).permutation(count)[:int(n)])


def stored_samples(run_dir, n, seed=0):
    """(up to n samples (n, c, h, w) float32 drawn without replacement from a zoo run's stored
    pool, seeded; run.json)."""
    run, config, tensors = _zoo_checkpoint(run_dir)
    pool = tensors.get("samples")
    if "shape" not in config or pool is None or pool.ndim != 4 or list(pool.shape[1:]) != list(config["shape"]):
        raise InputError(run_dir, "the checkpoint holds no stored samples of the shape its sidecar records")
    return pool[_pick(pool.shape[0], n, seed)].float().numpy(), run


def stored_recordings(run_dir, n, seed=0):
    """(up to n recordings (int16 arrays) drawn without replacement from a zoo run's stored recordings, seeded;
    their rate in Hz; run.json), or None for a generator run that stores none: a GAN, a neural zoo family (its
    output is a mel map), or a zoo run written before recordings were kept (mel patches only)."""
    if read_run_json(run_dir).get("kind") != "generator":
        return None
    run, config, tensors = _zoo_checkpoint(run_dir)
    if "recording_rate" not in config and not any(name in tensors for name in RECORDINGS):
        return None
    samples, lengths = (tensors[name].numpy() if name in tensors else None for name in RECORDINGS)
    rate = config.get("recording_rate")
    if samples is None or lengths is None or samples.dtype != np.int16 or samples.ndim != 1 or \
            lengths.dtype != np.int64 or lengths.ndim != 1 or not lengths.size or (lengths < 1).any() or \
            int(lengths.sum()) != samples.size or not isinstance(rate, int) or \
            not RECORDING_RATES[0] <= rate <= RECORDING_RATES[1]:
        raise InputError(run_dir, "the checkpoint's stored recordings are not 16-bit samples of the lengths and "
                                  "the rate its sidecar records")
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    return [samples[starts[i]:starts[i] + lengths[i]].copy() for i in _pick(lengths.size, n, seed)], rate, run


def sample_run(run_dir, n, seed=0):
    """(samples, run.json) of any generator run (GENERATOR_KINDS): n from a GAN, up to n from a zoo run."""
    if read_run_json(run_dir).get("kind") == "generator":
        return stored_samples(run_dir, n, seed)
    return sample_gan(run_dir, n, seed)


def classifier_log_probabilities(run_dir, x):
    """(log probabilities (n, k), labels) of a classifier run on intensities x."""
    from training.classifier import log_probabilities

    run, sidecar, modules = load_modules(run_dir, ["C"], "classifier")
    _check_shape(run_dir, sidecar, x)
    return log_probabilities(modules["C"], x), list(sidecar["config"]["labels"])


def inverse_distances(run_dir, x):
    """(distances ‖x − G(E(x))‖₂ per sample, threshold): d <= threshold means "made by this generator"."""
    from training.inverse import reconstruction_distance

    run, sidecar, modules = load_modules(run_dir, ["E", "G"], "inverse")
    _check_shape(run_dir, sidecar, x)
    config = sidecar["config"]
    # runs from before latent refinement record no refine_steps: they keep their plain E(x) rule
    distances = reconstruction_distance(modules["E"], modules["G"], x, config["activation"],
                                        config.get("refine_steps", 0), config.get("refine_lr", 0.05))
    return distances, float(run.get("metrics", {}).get("threshold", np.nan))
