"""A DCGAN trained natively at 64 x 64 on MNIST, as pytorch/examples' dcgan does it (its `main.py`: the data through
torchvision's Resize(64), i.e. bilinear with antialias, ToTensor and Normalize(0.5, 0.5); the Generator and
Discriminator below are that file's, with small widths so that a few hundred steps fit in minutes on a CPU), for
tests/benchmarks/test_bench_picture_size.py: an outside generator whose files arrive at 64 x 64. Not part of the
product (training/ has the case's own GANs).

Twenty-third pass, 2-core CPU: without label smoothing the discriminator won within 100 steps and the generator
stayed at noise (ngf 16-64, 500-1,500 steps); with REAL_LABEL 0.9 at ngf 32, ndf 16 it held one grey blob at 400
steps and drew rough digits at 1,200 (about 12 minutes beside other work): the run measured in docs/studies.md,
"Pictures of another size".

    python tests/benchmarks/dcgan64.py train OUT_DIR [--steps 1200] [--seed 1] [--width 32] [--ndf 16]
    python tests/benchmarks/dcgan64.py sample OUT_DIR N SEED OUT.npy      (n, 64, 64) 8-bit
"""
import argparse
import os
import sys
import time

import numpy as np

NZ = 100  # pytorch/examples' latent size
# One-sided label smoothing (Salimans et al. 2016), the one change from pytorch/examples: with the real label 1 the
# discriminator won within 100 steps on these 1,600 digits (its loss 0.001-0.02) and the generator never left noise
# (widths 16 to 64, 500-1,500 steps); with it the losses stay balanced (0.3-0.7) and digits appear by 1,200 steps.
REAL_LABEL = 0.9


def models(ngf, ndf=None):
    import torch.nn as nn

    ndf = ndf or ngf
    generator = nn.Sequential(  # pytorch/examples dcgan Generator, nc = 1
        nn.ConvTranspose2d(NZ, ngf * 8, 4, 1, 0, bias=False), nn.BatchNorm2d(ngf * 8), nn.ReLU(True),
        nn.ConvTranspose2d(ngf * 8, ngf * 4, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf * 4), nn.ReLU(True),
        nn.ConvTranspose2d(ngf * 4, ngf * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf * 2), nn.ReLU(True),
        nn.ConvTranspose2d(ngf * 2, ngf, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf), nn.ReLU(True),
        nn.ConvTranspose2d(ngf, 1, 4, 2, 1, bias=False), nn.Tanh())
    discriminator = nn.Sequential(  # its Discriminator
        nn.Conv2d(1, ndf, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, inplace=True),
        nn.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ndf * 2), nn.LeakyReLU(0.2, inplace=True),
        nn.Conv2d(ndf * 2, ndf * 4, 4, 2, 1, bias=False), nn.BatchNorm2d(ndf * 4), nn.LeakyReLU(0.2, inplace=True),
        nn.Conv2d(ndf * 4, ndf * 8, 4, 2, 1, bias=False), nn.BatchNorm2d(ndf * 8), nn.LeakyReLU(0.2, inplace=True),
        nn.Conv2d(ndf * 8, 1, 4, 1, 0, bias=False), nn.Sigmoid())
    for model in (generator, discriminator):
        for m in model.modules():  # its weights_init
            if "Conv" in type(m).__name__:
                nn.init.normal_(m.weight, 0.0, 0.02)
            elif "BatchNorm" in type(m).__name__:
                nn.init.normal_(m.weight, 1.0, 0.02)
                nn.init.zeros_(m.bias)
    return generator, discriminator


def resize64(x):
    """(n, 1, 28, 28) in [0, 1] -> (n, 1, 64, 64): torchvision's Resize(64) on tensors (bilinear, antialias)."""
    import torch

    return torch.nn.functional.interpolate(x, size=(64, 64), mode="bilinear", antialias=True, align_corners=False)


def train(out, steps=1200, seed=1, width=32, data="builtin:mnist[0:1600]", batch=64, ndf=16):
    import torch

    from engine.data.specs import load_spec

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    real = resize64(torch.tensor(load_spec(data).x)).clamp(0, 1) * 2 - 1  # Normalize(0.5, 0.5)
    generator, discriminator = models(width, ndf)
    opt_g = torch.optim.Adam(generator.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(discriminator.parameters(), lr=2e-4, betas=(0.5, 0.999))
    loss = torch.nn.BCELoss()
    start = time.time()
    for step in range(steps):
        x = real[torch.as_tensor(rng.integers(0, real.shape[0], batch))]
        fake = generator(torch.randn(batch, NZ, 1, 1))
        opt_d.zero_grad()
        d_loss = loss(discriminator(x).view(-1), torch.full((batch,), REAL_LABEL)) + loss(
            discriminator(fake.detach()).view(-1), torch.zeros(batch))
        d_loss.backward()
        opt_d.step()
        opt_g.zero_grad()
        g_loss = loss(discriminator(fake).view(-1), torch.ones(batch))
        g_loss.backward()
        opt_g.step()
        if step % 50 == 0 or step == steps - 1:
            print(f"step {step} d {d_loss.item():.3f} g {g_loss.item():.3f} {time.time() - start:.0f} s", flush=True)
    os.makedirs(out, exist_ok=True)
    torch.save({"generator": generator.state_dict(), "width": width, "steps": steps, "seed": seed, "ndf": ndf},
               os.path.join(out, "generator.pt"))


def sample(out, n, seed):
    """(n, 64, 64) 8-bit outputs of the trained generator (eval mode), as its saved images would hold them."""
    import torch

    state = torch.load(os.path.join(out, "generator.pt"), weights_only=True)  # written by train() above
    generator = models(state["width"])[0]
    generator.load_state_dict(state["generator"])
    generator.eval()
    torch.manual_seed(seed)
    with torch.inference_mode():
        x = (generator(torch.randn(n, NZ, 1, 1))[:, 0].numpy() + 1) / 2
    return np.rint(np.clip(x, 0, 1) * 255).astype(np.uint8)


if __name__ == "__main__":
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))
    if sys.argv[1] == "train":
        parser = argparse.ArgumentParser()
        parser.add_argument("out")
        parser.add_argument("--steps", type=int, default=1200)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--width", type=int, default=32)
        parser.add_argument("--ndf", type=int, default=16)
        args = parser.parse_args(sys.argv[2:])
        train(args.out, args.steps, args.seed, args.width, ndf=args.ndf)
    else:
        np.save(sys.argv[5], sample(sys.argv[2], int(sys.argv[3]), int(sys.argv[4])))
