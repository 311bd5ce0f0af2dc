"""A small variational autoencoder (Kingma & Welling) on intensity maps: a generator family
that is not a GAN. Encoder and decoder are two-layer perceptrons over the flattened map; the
reconstruction term is the Bernoulli cross-entropy of [0,1] intensities, so a sample is the
decoder's mean: smooth, never the noisy texture of data (the trait a clean-up hides).
"""
import numpy as np

VAE_DEFAULTS = {"hidden": 256, "z_dim": 16, "batch_size": 64, "lr": 1e-3, "seed": 0}


def build_vae(dim, hidden, z_dim):
    import torch.nn as nn

    encoder = nn.Sequential(nn.Linear(dim, hidden), nn.ReLU(), nn.Linear(hidden, 2 * z_dim))
    decoder = nn.Sequential(nn.Linear(z_dim, hidden), nn.ReLU(), nn.Linear(hidden, dim))
    return encoder, decoder


class VAETrainer:
    """One `step()` = one minibatch of the negative evidence lower bound."""

    def __init__(self, x, config=None, device="cpu"):
        import torch

        self.config = dict(VAE_DEFAULTS, **(config or {}))
        self.device = torch.device(device)
        self.shape = tuple(x.shape[1:])
        torch.manual_seed(self.config["seed"])
        self.x = torch.from_numpy(np.asarray(x, dtype=np.float32).reshape(len(x), -1)).clamp(0, 1)
        self.encoder, self.decoder = (m.to(self.device) for m in build_vae(
            self.x.shape[1], self.config["hidden"], self.config["z_dim"]))
        params = list(self.encoder.parameters()) + list(self.decoder.parameters())
        self.opt = torch.optim.Adam(params, lr=self.config["lr"])
        self.rng = torch.Generator().manual_seed(self.config["seed"])
        self.step_count = 0

    def step(self):
        import torch
        import torch.nn.functional as F

        idx = torch.randint(len(self.x), (self.config["batch_size"],), generator=self.rng)
        batch = self.x[idx].to(self.device)
        mean, log_var = self.encoder(batch).chunk(2, dim=1)
        z = mean + torch.randn_like(mean) * torch.exp(0.5 * log_var)
        recon = F.binary_cross_entropy_with_logits(self.decoder(z), batch, reduction="sum") / len(batch)
        kl = -0.5 * torch.sum(1 + log_var - mean.pow(2) - log_var.exp()) / len(batch)
        loss = recon + kl
        self.opt.zero_grad()
        loss.backward()
        self.opt.step()
        self.step_count += 1
        return {"loss": float(loss.detach()), "kl": float(kl.detach())}

    def sample(self, n, seed=0):
        """(n, c, h, w) float32 decoder means in [0,1] of latents drawn from the prior."""
        import torch

        z = torch.randn(int(n), self.config["z_dim"], generator=torch.Generator().manual_seed(int(seed)))
        with torch.inference_mode():
            out = torch.sigmoid(self.decoder(z.to(self.device))).cpu().numpy()
        return out.reshape((int(n),) + self.shape).astype(np.float32)
