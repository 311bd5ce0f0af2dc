"""The inverse model of 003: an encoder E: sample -> latent, trained on pairs (G(z), z).

Training draws fresh z each step (an unlimited stream rather than 003's fixed 20,000 pairs)
and minimises ‖E(G(z)) − z‖² + (1 − cos(E(G(z)), z)) + image_weight·mean (G(E(G(z))) − G(z))²:
the image term trains E for the quantity the decision uses, since latent directions that G
ignores cannot be recovered from its samples anyway. The decision "made by this generator" is
d(x) = ‖x − G(ẑ)‖₂ (intensity units, over all pixels) ≤ threshold, where ẑ starts at E(x) and
is refined by `refine_steps` Adam steps on ‖x − G(ẑ)‖² (hybrid GAN inversion: the encoder
gives the start, the generator the last word). The threshold is the one with the best
balanced accuracy on validation G samples versus validation negatives, and `accuracy` is
measured on disjoint test halves.
"""
import numpy as np

from training.activations import to_intensity
from training.batches import infer_in_batches
from training.gan import sample_generator
from training.models import build
from training.state import (load_module_tensors, load_optimizer_tensors, load_rng_tensors, module_tensors,
                            optimizer_tensors, rng_tensors)

# n_evaluate None: as many generator samples as each half of the negatives (balanced halves)
INVERSE_DEFAULTS = {"batch_size": 64, "lr": 1e-3, "seed": 0, "n_evaluate": None,
                    "image_weight": 10.0, "refine_steps": 50, "refine_lr": 0.05}


def inverse_config(generator_config, **overrides):
    config = dict(INVERSE_DEFAULTS, **{k: v for k, v in overrides.items() if v is not None})
    shape, z_dim = generator_config["shape"], generator_config["z_dim"]
    config.update(shape=shape, z_dim=z_dim, activation=generator_config["activation"],
                  generator_architecture=generator_config["generator_architecture"],
                  model={"kind": "inverse", "shape": shape, "z_dim": z_dim})
    return config


def best_threshold(positive, negative):
    """(threshold, balanced accuracy) of the rule d <= t, scanning every observed distance."""
    candidates = np.unique(np.concatenate([positive, negative]))
    pos = np.searchsorted(np.sort(positive), candidates, side="right") / len(positive)
    neg = 1 - np.searchsorted(np.sort(negative), candidates, side="right") / len(negative)
    balanced = (pos + neg) / 2
    best = int(np.argmax(balanced))
    return float(candidates[best]), float(balanced[best])


def balanced_accuracy(positive, negative, threshold):
    return float((np.mean(positive <= threshold) + np.mean(negative > threshold)) / 2)


def encode(encoder, x, batch_size=512):
    """Latents E(x) (a CPU tensor) for intensities x, under inference mode."""
    return infer_in_batches(encoder, x, batch_size)


def refine_latents(generator, x, z, activation, steps, lr, batch_size=512):
    """ẑ after `steps` Adam steps on ‖x − G(ẑ)‖² from z (per sample: G is in eval mode, so the
    batch's samples do not interact and the result does not depend on the batching beyond float32
    rounding, which Adam's normalised steps can grow to a fraction of `lr`)."""
    import torch

    if steps <= 0:
        return z
    was_training = generator.training
    generator.eval()
    device = next(generator.parameters()).device
    x = torch.as_tensor(np.asarray(x, dtype=np.float32))
    refined = []
    for i in range(0, len(x), batch_size):
        target = x[i : i + batch_size].to(device)
        latent = z[i : i + batch_size].clone().to(device).requires_grad_(True)
        optimizer = torch.optim.Adam([latent], lr=lr)
        for _ in range(steps):
            loss = ((to_intensity(generator(latent), activation) - target) ** 2).sum()
            (latent.grad,) = torch.autograd.grad(loss, latent)  # no gradients for G's own weights
            optimizer.step()
        refined.append(latent.detach().cpu())
    generator.train(was_training)
    return torch.cat(refined)


def reconstruction_distance(encoder, generator, x, activation, refine_steps=0, refine_lr=0.05):
    """‖x − G(ẑ)‖₂ per sample for intensities x; ẑ = E(x) refined by `refine_steps` (refine_latents)."""
    z = refine_latents(generator, x, encode(encoder, x), activation, refine_steps, refine_lr)
    rebuilt = sample_generator(generator, z, activation)
    return np.linalg.norm((np.asarray(x, dtype=np.float32) - rebuilt).reshape(len(rebuilt), -1), axis=1)


def cosine_proximity(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return float(np.mean(np.sum(a * b, 1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1) + 1e-12)))


class InverseTrainer:
    def __init__(self, generator, negatives, config, device="cpu"):
        """generator: the frozen G of a GAN run; negatives: (n, c, h, w) intensities not made by
        G (real samples), split into validation and test halves for the threshold."""
        import torch

        self.config, self.device = config, torch.device(device)
        torch.manual_seed(config["seed"])
        self.G = generator.to(self.device).eval().requires_grad_(False)
        self.E = build(config["model"]).to(self.device)
        self.opt = torch.optim.Adam(self.E.parameters(), lr=config["lr"])
        self.noise = torch.Generator().manual_seed(config["seed"] * 7919 + 11)
        negatives = np.asarray(negatives, dtype=np.float32)
        perm = np.random.default_rng(config["seed"]).permutation(len(negatives))
        half = len(negatives) // 2
        self.neg_val, self.neg_test = negatives[perm[:half]], negatives[perm[half:]]
        # Held-out latents, drawn from their own stream so training never sees them.
        held = torch.Generator().manual_seed(config["seed"] * 7919 + 12)
        n_evaluate = config["n_evaluate"] or max(half, 1)
        self.z_val = torch.randn(n_evaluate, config["z_dim"], generator=held)
        self.z_test = torch.randn(n_evaluate, config["z_dim"], generator=held)
        self.samples_per_step = config["batch_size"]
        self.step_count = 0

    def step(self):
        import torch
        import torch.nn.functional as F

        z = torch.randn(self.config["batch_size"], self.config["z_dim"], generator=self.noise).to(self.device)
        act = self.config["activation"]
        with torch.no_grad():
            x = to_intensity(self.G(z), act)
        predicted = self.E(x)
        mse = F.mse_loss(predicted, z)
        cos = F.cosine_similarity(predicted, z, dim=1).mean()
        loss = mse + (1 - cos)
        out = {"cosine": float(cos.detach())}
        if self.config["image_weight"]:
            image = F.mse_loss(to_intensity(self.G(predicted), act), x)
            loss = loss + self.config["image_weight"] * image
            out["image_mse"] = float(image.detach())
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        self.opt.step()
        self.step_count += 1
        return {"loss": float(loss.detach()), **out}

    def evaluate(self):
        act = self.config["activation"]
        x_val = sample_generator(self.G, self.z_val, act)
        x_test = sample_generator(self.G, self.z_test, act)
        z_hat = encode(self.E, x_test).numpy()
        dist = {name: reconstruction_distance(self.E, self.G, x, act, self.config["refine_steps"],
                                              self.config["refine_lr"])
                for name, x in (("g_val", x_val), ("g_test", x_test), ("neg_val", self.neg_val),
                                ("neg_test", self.neg_test))}
        threshold, val_acc = best_threshold(dist["g_val"], dist["neg_val"])
        return {
            "cosine_proximity": cosine_proximity(z_hat, self.z_test.numpy()),
            "threshold": threshold,
            "accuracy": balanced_accuracy(dist["g_test"], dist["neg_test"], threshold),
            "validation_accuracy": val_acc,
            "distance_generated_median": float(np.median(dist["g_test"])),
            "distance_negative_median": float(np.median(dist["neg_test"])),
            "n_test_generated": len(x_test), "n_test_negative": len(self.neg_test), "steps": self.step_count,
        }

    def preview(self):
        return None

    def checkpoint(self):
        tensors = {**module_tensors("E", self.E), **module_tensors("G", self.G), **rng_tensors("rng", self.noise)}
        t, meta = optimizer_tensors("opt.E", self.opt)
        tensors.update(t)
        sidecar = {"kind": "inverse", "config": self.config, "step_count": self.step_count,
                   "optimizers": {"E": meta},
                   "architectures": {"E": self.config["model"], "G": self.config["generator_architecture"]}}
        return tensors, sidecar

    def restore(self, tensors, sidecar):
        load_module_tensors("E", self.E, tensors)
        load_optimizer_tensors("opt.E", self.opt, tensors, sidecar["optimizers"]["E"])
        load_rng_tensors("rng", self.noise, tensors)
        self.step_count = sidecar["step_count"]

    def perturb(self, k):
        self.noise.manual_seed(self.config["seed"] * 7919 + 100 + k)
