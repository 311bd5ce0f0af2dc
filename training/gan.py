"""The GAN trainer: one `step()` = the critic step(s) and one generator step.

Real data arrive as [0,1] intensities (n, c, h, w), optionally binarised at 0.5, and are
mapped into the generator activation's data space (training.activations). Batches walk a
seeded permutation per epoch and the noise comes from the trainer's own generator, so a
run is deterministic on CPU for a given seed and resumes bit-exactly from a checkpoint.
Iterations > 0 of the 004 rounds add frozen classifiers to fool (`fool`).
"""
import math

import numpy as np

from training.activations import check_activation, from_intensity, pre_activation, to_intensity
from training.batches import EpochBatches
from training.losses import (LOSS_DEFAULTS, OUTPUT_BIASES, check_loss, discriminator_loss,
                             fool_classifier_loss, generator_loss, gradient_penalty)
from training.models import build
from training.state import (load_module_tensors, load_optimizer_tensors, load_rng_tensors, module_tensors,
                            optimizer_tensors, rng_tensors)

ARCHITECTURES = ("dcgan", "paper")  # shape-adaptive DCGAN; the GAN of 003 Figs. 1-2 (see `architectures`)
GAN_DEFAULTS = {
    "architecture": "dcgan",
    "loss": "gan",
    "activation": "sigmoid",
    "z_dim": 100,
    "width": 32,
    "batch_size": 64,
    # None: the loss's own default (training.losses.LOSS_DEFAULTS); given values win
    "lr": None,
    "betas": None,
    "critic_steps": None,
    "output_bias": None,  # "midpoint": untrained G outputs 0.5; "data-mean": the data's mean
    "gp_weight": 10.0,
    "binarize": False,
    "seed": 0,
    "preview_count": 64,
}


def gan_config(shape, **overrides):
    unknown = set(overrides) - set(GAN_DEFAULTS)
    if unknown:
        raise ValueError(f"unknown GAN options: {', '.join(sorted(unknown))}")
    config = dict(GAN_DEFAULTS, **{k: v for k, v in overrides.items() if v is not None})
    config["shape"] = [int(s) for s in shape]
    check_loss(config["loss"])
    check_activation(config["activation"])
    for key, default in LOSS_DEFAULTS[config["loss"]].items():
        if config[key] is None:
            config[key] = default
    config["betas"] = [float(b) for b in config["betas"]]
    if config["output_bias"] not in OUTPUT_BIASES:
        raise ValueError(f"unknown output_bias {config['output_bias']!r}; choose one of {', '.join(OUTPUT_BIASES)}")
    return config


def architectures(config):
    """The generator and discriminator descriptions (models.build) for a GAN config."""
    shape = config["shape"]
    if config["architecture"] == "paper":
        return ({"kind": "paper-generator", "shape": shape, "z_dim": config["z_dim"],
                 "activation": config["activation"]},
                {"kind": "paper-discriminator", "shape": shape})
    norm = "none" if config["loss"] == "wgan-gp" else "batch"
    return ({"kind": "dcgan-generator", "shape": shape, "z_dim": config["z_dim"], "width": config["width"],
             "activation": config["activation"]},
            {"kind": "dcgan-discriminator", "shape": shape, "width": config["width"], "norm": norm})


def steps_for_epochs(n_samples, config, epochs):
    """Generator steps for `epochs` passes of the real data through the critic."""
    batches = math.ceil(n_samples / config["batch_size"]) * epochs
    return max(1, math.ceil(batches / config["critic_steps"]))


class GANTrainer:
    def __init__(self, x, config, device="cpu", fool=(), fool_weights=(1.0, 0.0)):
        """x: (n, c, h, w) float32 intensities. fool: [(classifier module, real class index)]
        frozen classifiers the generator must also fool; fool_weights: (w_D, w_C) of Eqs. 2-5."""
        import torch

        self.config, self.device = config, torch.device(device)
        torch.manual_seed(config["seed"])
        g_arch, d_arch = architectures(config)
        self.G, self.D = build(g_arch).to(self.device), build(d_arch).to(self.device)
        self.config = dict(config, generator_architecture=g_arch, discriminator_architecture=d_arch)
        x = np.asarray(x, dtype=np.float32)
        if config["binarize"]:
            x = (x >= 0.5).astype(np.float32)
        self.data = torch.from_numpy(from_intensity(x, config["activation"])).to(self.device)
        if config["output_bias"] == "data-mean":
            start_at_the_data_mean(self.G, self.data, config["activation"])
        self.noise = torch.Generator().manual_seed(config["seed"] * 7919 + 1)
        self.fixed_noise = torch.randn(config["preview_count"], config["z_dim"],
                                       generator=torch.Generator().manual_seed(config["seed"] * 7919 + 2))
        betas = tuple(config["betas"])
        self.opt_g = torch.optim.Adam(self.G.parameters(), lr=config["lr"], betas=betas)
        self.opt_d = torch.optim.Adam(self.D.parameters(), lr=config["lr"], betas=betas)
        self.fool = [(c.to(self.device).eval().requires_grad_(False), idx) for c, idx in fool]
        self.fool_weights = fool_weights
        self.step_count = 0
        self.batches = EpochBatches(len(self.data), config["batch_size"], config["seed"])
        self.samples_per_step = config["batch_size"] * config["critic_steps"]  # real images seen per step

    def _z(self, n):
        import torch

        return torch.randn(n, self.config["z_dim"], generator=self.noise).to(self.device)

    def _real_batch(self):
        return self.data[self.batches.next().to(self.device)]

    def step(self):
        import torch

        loss, out, critic_steps = self.config["loss"], {}, self.config["critic_steps"]
        for _ in range(critic_steps):
            real = self._real_batch()
            # With one critic step the generator step reuses this batch of fakes (as pytorch/examples
            # dcgan does); with several, fakes for the critic need no graph.
            with torch.set_grad_enabled(critic_steps == 1):
                fake = self.G(self._z(len(real)))
            d_loss = discriminator_loss(loss, self.D(real), self.D(fake.detach()))
            if loss == "wgan-gp":
                gp = gradient_penalty(self.D, real, fake.detach(), self.noise, self.config["gp_weight"])
                out["gp"] = float(gp.detach())
                d_loss = d_loss + gp
            self.opt_d.zero_grad(set_to_none=True)
            d_loss.backward()
            self.opt_d.step()
        if critic_steps > 1:
            fake = self.G(self._z(self.config["batch_size"]))
        g_loss = generator_loss(loss, self.D(fake))
        out["g_loss"] = float(g_loss.detach())
        if self.fool:
            images = to_intensity(fake, self.config["activation"])
            c_loss = sum(fool_classifier_loss(c(images), idx) for c, idx in self.fool)
            out["fool_loss"] = float(c_loss.detach())
            g_loss = self.fool_weights[0] * g_loss + self.fool_weights[1] * c_loss
        self.opt_g.zero_grad(set_to_none=True)
        g_loss.backward()
        self.opt_g.step()
        self.step_count += 1
        out["d_loss"] = float(d_loss.detach())
        return out

    def checkpoint(self):
        tensors = {**module_tensors("G", self.G), **module_tensors("D", self.D), **rng_tensors("rng", self.noise)}
        opt = {}
        for name, optimizer in (("G", self.opt_g), ("D", self.opt_d)):
            t, meta = optimizer_tensors(f"opt.{name}", optimizer)
            tensors.update(t)
            opt[name] = meta
        sidecar = {"kind": "gan", "config": self.config, "step_count": self.step_count,
                   "batch_count": self.batches.count, "optimizers": opt,
                   "architectures": {"G": self.config["generator_architecture"],
                                     "D": self.config["discriminator_architecture"]}}
        return tensors, sidecar

    def restore(self, tensors, sidecar):
        load_module_tensors("G", self.G, tensors)
        load_module_tensors("D", self.D, tensors)
        load_optimizer_tensors("opt.G", self.opt_g, tensors, sidecar["optimizers"]["G"])
        load_optimizer_tensors("opt.D", self.opt_d, tensors, sidecar["optimizers"]["D"])
        load_rng_tensors("rng", self.noise, tensors)
        self.step_count, self.batches.count = sidecar["step_count"], sidecar["batch_count"]

    def perturb(self, k):
        self.noise.manual_seed(self.config["seed"] * 7919 + 1000 + k)

    def preview(self):
        return sample_generator(self.G, self.fixed_noise, self.config["activation"])

    def evaluate(self):
        return {"steps": self.step_count, "epochs": round(self.batches.epochs, 3)}


def start_at_the_data_mean(generator, data, activation):
    """Sets the output layer's bias so that an untrained G outputs each channel's data mean.

    Otherwise every output starts at the activation's midpoint (intensity 0.5), far brighter than
    MNIST's mostly black pixels: a WGAN critic then pushes all outputs darker until the last
    layer's weights are all negative, strokes are drawn by switching features off and can be no
    brighter than sigmoid(bias), which Adam moves by at most lr per step (grey strokes)."""
    import torch

    mean = pre_activation(data.mean(dim=(0, 2, 3)).cpu().numpy(), activation)
    with torch.no_grad():
        generator.body[-1].bias.copy_(torch.as_tensor(mean, dtype=torch.float32))


def sample_generator(generator, z, activation, batch_size=512):
    """Generator outputs for latent vectors z (tensor) as float32 intensities, under inference mode."""
    import torch

    was_training = generator.training
    generator.eval()
    device = next(generator.parameters()).device
    with torch.inference_mode():
        out = [to_intensity(generator(z[i : i + batch_size].to(device)), activation).cpu()
               for i in range(0, len(z), batch_size)]
    generator.train(was_training)
    return torch.cat(out).numpy().astype(np.float32)
