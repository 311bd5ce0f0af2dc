"""A DCGAN trained natively at 64 x 64 (or 32 x 32, `--size 32`) on MNIST, as pytorch/examples' dcgan does it (its `main.py`: the data through
torchvision's Resize(64), i.e. bilinear with antialias, ToTensor and Normalize(0.5, 0.5); the Generator and
Discriminator below are that file's, with small widths so that a few hundred steps fit in minutes on a CPU), for
tests/benchmarks/test_bench_picture_size.py: an outside generator whose files arrive at 64 x 64. Not part of the
product (training/ has the case's own GANs).

Twenty-third pass, 2-core CPU: without label smoothing the discriminator won within 100 steps and the generator
stayed at noise (ngf 16-64, 500-1,500 steps); with REAL_LABEL 0.9 at ngf 32, ndf 16 it held one grey blob at 400
steps and drew rough digits at 1,200 (about 12 minutes beside other work): the run measured in docs/studies.md,
"Pictures of another size".

    python tests/benchmarks/dcgan64.py train OUT_DIR [--steps 1200] [--seed 1] [--width 32] [--ndf 16]
        [--size 64|32] [--data SPEC] [--way resize|pad]
    python tests/benchmarks/dcgan64.py sample OUT_DIR N SEED OUT.npy      (n, size, size) 8-bit
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


def models(ngf, ndf=None, size=64):
    """pytorch/examples' Generator and Discriminator (nc = 1) for a size x size picture: 64 as the example is
    written; 32 with one stride-2 layer fewer on each side (channels ngf * 4, 2, 1), as its users adapt it."""
    import torch.nn as nn

    ndf = ndf or ngf
    mults = [2 ** k for k in reversed(range(int(np.log2(size)) - 2))]  # 64: 8, 4, 2, 1; 32: 4, 2, 1
    layers = [nn.ConvTranspose2d(NZ, ngf * mults[0], 4, 1, 0, bias=False), nn.BatchNorm2d(ngf * mults[0]), nn.ReLU(True)]
    for m_in, m_out in zip(mults, mults[1:]):
        layers += [nn.ConvTranspose2d(ngf * m_in, ngf * m_out, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf * m_out),
                   nn.ReLU(True)]
    generator = nn.Sequential(*layers, nn.ConvTranspose2d(ngf, 1, 4, 2, 1, bias=False), nn.Tanh())
    layers = [nn.Conv2d(1, ndf, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, inplace=True)]
    for m_in, m_out in zip(mults[::-1], mults[::-1][1:]):
        layers += [nn.Conv2d(ndf * m_in, ndf * m_out, 4, 2, 1, bias=False), nn.BatchNorm2d(ndf * m_out),
                   nn.LeakyReLU(0.2, inplace=True)]
    discriminator = nn.Sequential(*layers, nn.Conv2d(ndf * mults[0], 1, 4, 1, 0, bias=False), nn.Sigmoid())
    for model in (generator, discriminator):
        for m in model.modules():  # its weights_init
            if "Conv" in type(m).__name__:
                nn.init.normal_(m.weight, 0.0, 0.02)
            elif "BatchNorm" in type(m).__name__:
                nn.init.normal_(m.weight, 1.0, 0.02)
                nn.init.zeros_(m.bias)
    return generator, discriminator


def prepared(x, size, way="resize"):
    """(n, 1, 28, 28) in [0, 1] -> (n, 1, size, size): torchvision's Resize(size) on tensors (bilinear, antialias),
    or for "pad" its Pad((size - 28) // 2) with 0."""
    import torch

    if way == "pad":
        return torch.nn.functional.pad(x, [(size - 28) // 2] * 4)
    return torch.nn.functional.interpolate(x, size=(size, size), mode="bilinear", antialias=True, align_corners=False)


def train(out, steps=1200, seed=1, width=32, data="builtin:mnist[0:1600]", batch=64, ndf=16, size=64, way="resize"):
    import torch

    from engine.data.specs import load_spec

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    real = prepared(torch.tensor(load_spec(data).x), size, way).clamp(0, 1) * 2 - 1  # Normalize(0.5, 0.5)
    generator, discriminator = models(width, ndf, size)
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
    torch.save({"generator": generator.state_dict(), "width": width, "steps": steps, "seed": seed, "ndf": ndf,
                "size": size},
               os.path.join(out, "generator.pt"))


def sample(out, n, seed):
    """(n, size, size) 8-bit outputs of the trained generator (eval mode), as its saved images would hold them."""
    import torch

    state = torch.load(os.path.join(out, "generator.pt"), weights_only=True)  # written by train() above
    generator = models(state["width"], size=int(state.get("size", 64)))[0]
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
        parser.add_argument("--size", type=int, default=64, choices=(32, 64))
        parser.add_argument("--data", default="builtin:mnist[0:1600]")
        parser.add_argument("--way", default="resize", choices=("resize", "pad"))
        args = parser.parse_args(sys.argv[2:])
        train(args.out, args.steps, args.seed, args.width, args.data, ndf=args.ndf, size=args.size, way=args.way)
    else:
        np.save(sys.argv[5], sample(sys.argv[2], int(sys.argv[3]), int(sys.argv[4])))
