"""A small denoising diffusion model (DDPM, Ho et al. 2020) on intensity maps: a generator
family that is neither a GAN nor a VAE, the kind that makes most generated images today.

Intensities are mapped to [-1, 1]; a tiny U-Net (two resolutions below the input, residual
blocks told the timestep by a sinusoidal embedding) predicts the noise added at a timestep
drawn uniformly, under a linear (Ho et al.) or cosine (Nichol & Dhariwal 2021) schedule of
`timesteps` steps. Samples come from an exponential moving average of the weights, by
deterministic DDIM (Song et al. 2021, eta 0) over `sample_steps` of the timesteps (fast on a
CPU) or by the ancestral sampler over all of them; each step clips its estimate of the clean
map to [-1, 1], as Ho et al.'s sampler does.
"""
import math

import numpy as np

DIFFUSION_DEFAULTS = {"width": 16, "timesteps": 1000, "schedule": "linear", "batch_size": 64, "lr": 1e-3,
                      "ema": 0.995, "sampler": "ddim", "sample_steps": 50, "seed": 0}
SCHEDULES = ("linear", "cosine")
SAMPLERS = ("ddim", "ancestral")
SAMPLE_BATCH = 256  # maps denoised at once while sampling


def alpha_bars(schedule, timesteps):
    """Cumulative products of (1 - beta_t), t = 0 .. timesteps - 1, float64."""
    if schedule == "linear":
        betas = np.linspace(1e-4, 0.02 * 1000 / timesteps, timesteps)
    elif schedule == "cosine":
        s = 0.008
        f = np.cos((np.arange(timesteps + 1) / timesteps + s) / (1 + s) * np.pi / 2) ** 2
        betas = np.clip(1 - f[1:] / f[:-1], 0, 0.999)
    else:
        raise ValueError(f"unknown schedule {schedule!r}; choose from {', '.join(SCHEDULES)}")
    return np.cumprod(1 - betas)


def build_unet(channels, width):
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    def norm(c):
        return nn.GroupNorm(math.gcd(8, c), c)

    class Block(nn.Module):
        """GroupNorm-SiLU-conv twice, the timestep embedding added between, and a skip."""

        def __init__(self, c_in, c_out, emb):
            super().__init__()
            self.n1, self.c1 = norm(c_in), nn.Conv2d(c_in, c_out, 3, padding=1)
            self.t = nn.Linear(emb, c_out)
            self.n2, self.c2 = norm(c_out), nn.Conv2d(c_out, c_out, 3, padding=1)
            self.skip = nn.Conv2d(c_in, c_out, 1) if c_in != c_out else nn.Identity()

        def forward(self, x, e):
            h = self.c1(F.silu(self.n1(x))) + self.t(e)[:, :, None, None]
            return self.skip(x) + self.c2(F.silu(self.n2(h)))

    class UNet(nn.Module):
        def __init__(self):
            super().__init__()
            w, emb = width, 4 * width
            self.embed = nn.Sequential(nn.Linear(width, emb), nn.SiLU(), nn.Linear(emb, emb))
            self.inc = nn.Conv2d(channels, w, 3, padding=1)
            self.d1, self.down1 = Block(w, w, emb), nn.Conv2d(w, 2 * w, 3, stride=2, padding=1)
            self.d2, self.down2 = Block(2 * w, 2 * w, emb), nn.Conv2d(2 * w, 2 * w, 3, stride=2, padding=1)
            self.mid = Block(2 * w, 2 * w, emb)
            self.u2, self.u1 = Block(4 * w, 2 * w, emb), Block(3 * w, w, emb)
            self.out = nn.Sequential(norm(w), nn.SiLU(), nn.Conv2d(w, channels, 3, padding=1))

        def forward(self, x, t):
            h, w = x.shape[-2:]
            x = F.pad(x, (0, -w % 4, 0, -h % 4), mode="replicate")  # two halvings need sides divisible by 4
            half = width // 2
            freqs = torch.exp(-math.log(10000.0) * torch.arange(half, device=x.device) / half)
            angles = t.float()[:, None] * freqs[None]
            e = self.embed(torch.cat([angles.sin(), angles.cos()], dim=1))
            a = self.d1(self.inc(x), e)
            b = self.d2(self.down1(a), e)
            m = self.mid(self.down2(b), e)
            up = self.u2(torch.cat([F.interpolate(m, scale_factor=2.0), b], dim=1), e)
            up = self.u1(torch.cat([F.interpolate(up, scale_factor=2.0), a], dim=1), e)
            return self.out(up)[..., :h, :w]

    return UNet()


class DiffusionTrainer:
    """One `step()` = one minibatch of the noise-prediction loss at random timesteps."""

    def __init__(self, x, config=None, device="cpu"):
        import copy

        import torch

        self.config = dict(DIFFUSION_DEFAULTS, **(config or {}))
        if self.config["sampler"] not in SAMPLERS:
            raise ValueError(f"unknown sampler {self.config['sampler']!r}; choose from {', '.join(SAMPLERS)}")
        self.device = torch.device(device)
        self.shape = tuple(x.shape[1:])
        torch.manual_seed(self.config["seed"])
        self.x = torch.from_numpy(np.asarray(x, dtype=np.float32)).clamp(0, 1) * 2 - 1
        self.abar = torch.tensor(alpha_bars(self.config["schedule"], self.config["timesteps"]), dtype=torch.float32)
        self.net = build_unet(self.shape[0], self.config["width"]).to(self.device)
        self.ema = copy.deepcopy(self.net).requires_grad_(False)
        self.opt = torch.optim.Adam(self.net.parameters(), lr=self.config["lr"])
        self.rng = torch.Generator().manual_seed(self.config["seed"])
        self.step_count = 0

    def step(self):
        import torch

        n, steps = self.config["batch_size"], self.config["timesteps"]
        batch = self.x[torch.randint(len(self.x), (n,), generator=self.rng)]
        t = torch.randint(steps, (n,), generator=self.rng)
        noise = torch.randn(batch.shape, generator=self.rng)
        a = self.abar[t][:, None, None, None]
        noisy = (a.sqrt() * batch + (1 - a).sqrt() * noise).to(self.device)
        loss = torch.mean((self.net(noisy, t.to(self.device)) - noise.to(self.device)) ** 2)
        self.opt.zero_grad()
        loss.backward()
        self.opt.step()
        self.step_count += 1
        decay = min(self.config["ema"], (1 + self.step_count) / (10 + self.step_count))  # early steps: follow
        with torch.no_grad():
            for average, current in zip(self.ema.parameters(), self.net.parameters()):
                average.lerp_(current, 1 - decay)
        return {"loss": float(loss.detach())}

    def sample(self, n, seed=0, sampler=None, steps=None):
        """(n, c, h, w) float32 maps in [0,1]: DDIM over `steps` timesteps (default the config's) or
        the ancestral sampler over all of them, from noise drawn with `seed`."""
        import torch

        sampler = sampler or self.config["sampler"]
        if sampler not in SAMPLERS:
            raise ValueError(f"unknown sampler {sampler!r}; choose from {', '.join(SAMPLERS)}")
        total = self.config["timesteps"]
        if sampler == "ancestral":
            times = np.arange(total)
        else:
            times = np.unique(np.linspace(0, total - 1, min(int(steps or self.config["sample_steps"]), total)).round())
        generator = torch.Generator().manual_seed(int(seed))
        out = [self._denoise(min(SAMPLE_BATCH, int(n) - i), times.astype(int), sampler, generator)
               for i in range(0, int(n), SAMPLE_BATCH)]
        x = torch.cat(out) if out else torch.zeros((0,) + self.shape)
        return ((x.clamp(-1, 1) + 1) / 2).numpy().astype(np.float32)

    def _denoise(self, n, times, sampler, generator):
        import torch

        abar = self.abar.double()
        x = torch.randn((n,) + self.shape, generator=generator)
        with torch.inference_mode():
            for k in range(len(times) - 1, -1, -1):
                t = int(times[k])
                prev = abar[times[k - 1]] if k > 0 else torch.tensor(1.0, dtype=torch.float64)
                a = abar[t]
                eps = self.ema(x.to(self.device), torch.full((n,), t, device=self.device)).cpu().double()
                x0 = ((x.double() - (1 - a).sqrt() * eps) / a.sqrt()).clamp(-1, 1)
                if sampler == "ddim":
                    eps = (x.double() - a.sqrt() * x0) / (1 - a).sqrt()  # consistent with the clipped x0
                    x = (prev.sqrt() * x0 + (1 - prev).sqrt() * eps).float()
                else:  # the posterior q(x_{t-1} | x_t, x0) of adjacent steps, its variance beta-tilde
                    beta = 1 - a / prev
                    mean = (prev.sqrt() * beta * x0 + (1 - beta).sqrt() * (1 - prev) * x.double()) / (1 - a)
                    noise = torch.randn(x.shape, generator=generator).double() if k > 0 else 0.0
                    x = (mean + ((1 - prev) / (1 - a) * beta).sqrt() * noise).float()
        return x
