"""Reading trained run folders for the rest of the engine: sample a generator, classify, invert.

Generator runs are of two kinds: a GAN ("gan": its generator is sampled) and a zoo run
("generator", engine/zoo/: a generator family of any kind whose samples were drawn once
when it was trained and stored in its checkpoint as the tensor "samples"; sampling draws
from that pool without replacement, seeded).

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


def stored_samples(run_dir, n, seed=0):
    """(up to n samples (n, c, h, w) float32 drawn without replacement from a zoo run's stored
    pool, seeded; run.json)."""
    from training.loading import RunUnreadable, load_run

    run = read_run_json(run_dir, "generator")
    try:
        sidecar, tensors = load_run(run_dir)
    except RunUnreadable as err:
        raise InputError(run_dir, str(err)) from None
    config = sidecar.get("config") if isinstance(sidecar.get("config"), dict) else {}
    pool = tensors.get("samples")
    if "shape" not in config or pool is None or pool.ndim != 4 or list(pool.shape[1:]) != list(config["shape"]):
        raise InputError(run_dir, "the checkpoint holds no stored samples of the shape its sidecar records")
    pick = np.sort(np.random.default_rng(int(seed)).permutation(pool.shape[0])[:int(n)])
    return pool[pick].float().numpy(), run


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
