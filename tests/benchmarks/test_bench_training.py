"""GAN training throughput (real images per second) of the run loop against a plain loop in the
style of pytorch/examples dcgan (DataLoader, BCE, same models, same data, same run).

Run: .venv/bin/python -m pytest tests/benchmarks/test_bench_training.py -s -o addopts=""
"""
import time

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from engine.jobs import JobState  # noqa: E402
from training.gan import GANTrainer, gan_config  # noqa: E402
from training.loop import run_training  # noqa: E402
from training.models import build  # noqa: E402

STEPS, BATCH, SHAPE = 80, 64, (1, 28, 28)


def reference_dcgan_loop(x, config, steps):
    """pytorch/examples dcgan main.py, trimmed: DataLoader, labels, D on real then fake, then G."""
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset

    from training.gan import architectures

    torch.manual_seed(config["seed"])
    g_arch, d_arch = architectures(config)
    netG, netD = build(g_arch), build(d_arch)
    criterion = nn.BCEWithLogitsLoss()
    optD = torch.optim.Adam(netD.parameters(), lr=2e-4, betas=(0.5, 0.999))
    optG = torch.optim.Adam(netG.parameters(), lr=2e-4, betas=(0.5, 0.999))
    loader = DataLoader(TensorDataset(torch.from_numpy(x)), batch_size=BATCH, shuffle=True, drop_last=True)
    done = 0
    while done < steps:
        for (real,) in loader:
            netD.zero_grad()
            label = torch.full((real.size(0),), 1.0)
            errD_real = criterion(netD(real), label)
            errD_real.backward()
            fake = netG(torch.randn(real.size(0), config["z_dim"]))
            errD_fake = criterion(netD(fake.detach()), label.fill_(0.0))
            errD_fake.backward()
            optD.step()
            netG.zero_grad()
            errG = criterion(netD(fake), label.fill_(1.0))
            errG.backward()
            optG.step()
            done += 1
            if done == steps:
                break


def test_gan_loop_throughput_against_the_pytorch_examples_loop(tmp_path):
    torch.set_num_threads(1)
    x = np.random.default_rng(0).random((2048, *SHAPE)).astype(np.float32)
    config = gan_config(SHAPE, width=16, batch_size=BATCH)
    reference_dcgan_loop(x, config, 5)  # warm-up
    rates = {}
    for name in ("reference", "ours", "reference2", "ours2"):
        start = time.perf_counter()
        if name.startswith("ours"):
            run_training(GANTrainer(x, config), tmp_path / name, {"steps": STEPS}, JobState())
        else:
            reference_dcgan_loop(x, config, STEPS)
        rates[name] = STEPS * BATCH / (time.perf_counter() - start)
    ours, reference = max(rates["ours"], rates["ours2"]), max(rates["reference"], rates["reference2"])
    print(f"\nGAN training, 28x28, batch {BATCH}, width 16, 1 thread: ours {ours:.0f} img/s, "
          f"pytorch/examples-style {reference:.0f} img/s, ratio {ours / reference:.2f}x "
          "(ours includes run files, checkpoints and preview grids)")
    assert ours / reference >= 0.9
