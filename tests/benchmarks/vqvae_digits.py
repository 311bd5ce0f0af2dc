"""A VQ-VAE with a PixelCNN prior over its codes (van den Oord et al. 2017; 2017b), written as an outside
researcher would and trained on MNIST digits the reference lacks, for docs/studies.md, "Image generator families
never measured" (twenty-ninth pass): the one family of four that the profile detectors missed (65 % of its
rounded PNGs caught, 44 % truncated). Not part of the product.

Encoder to 7 x 7 codes (codebook 64 x 16, commitment 0.25, straight-through gradients), decoder with a sigmoid;
the prior is masked convolutions (one 5 x 5 of type A, four 3 x 3 of type B) over the code map. Writes each of n
decoded prior draws three ways, as PNG: rounded, truncated (`(x * 255).astype(uint8)`) and cleaned (rounded, below
30 set to 0, above 230 to 255). About 5 minutes on one CPU core at the defaults.

    python tests/benchmarks/vqvae_digits.py OUT_DIR [--seed 0] [--n 200] [--data 'builtin:mnist[5000:9000]']
        [--vq-steps 2000] [--prior-steps 600]

Trained longer (the twenty-ninth pass's seed 1 had about 8,600 and 2,600 steps), its digits are cleaner and hold
less of the faint halo the profile reads.
"""
import argparse
import os
import sys

import numpy as np

CODES, DIM, SIDE = 64, 16, 7


def vqvae():
    import torch.nn as nn

    encoder = nn.Sequential(nn.Conv2d(1, 32, 4, 2, 1), nn.ReLU(), nn.Conv2d(32, 64, 4, 2, 1), nn.ReLU(),
                            nn.Conv2d(64, DIM, 3, 1, 1))
    decoder = nn.Sequential(nn.Conv2d(DIM, 64, 3, 1, 1), nn.ReLU(), nn.ConvTranspose2d(64, 32, 4, 2, 1), nn.ReLU(),
                            nn.ConvTranspose2d(32, 1, 4, 2, 1))
    book = nn.Embedding(CODES, DIM)
    book.weight.data.uniform_(-1 / CODES, 1 / CODES)
    return encoder, decoder, book


def nearest(z, book):
    """(n, DIM, 7, 7) encodings -> (n, 7, 7) indices of their nearest codebook entries."""
    z = z.permute(0, 2, 3, 1)
    return ((z.unsqueeze(-2) - book.weight) ** 2).sum(-1).argmin(-1)


def pixelcnn(width=96):
    import torch.nn as nn
    import torch.nn.functional as F

    class Masked(nn.Conv2d):
        """A convolution that sees only the codes above and to the left (type A: not the centre either)."""
        def __init__(self, kind, k):
            super().__init__(width, width, k, padding=k // 2)
            mask = np.ones((k, k), np.float32)
            mask[k // 2, k // 2 + (kind == "B"):] = 0
            mask[k // 2 + 1:] = 0
            self.register_buffer("mask", self.weight.new_tensor(mask))

        def forward(self, x):
            return F.conv2d(x, self.weight * self.mask, self.bias, padding=self.padding)

    class Prior(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Embedding(CODES, width)
            layers = [Masked("A", 5), nn.ReLU()]
            for _ in range(4):
                layers += [Masked("B", 3), nn.ReLU()]
            self.net = nn.Sequential(*layers, nn.Conv2d(width, CODES, 1))

        def forward(self, codes):
            return self.net(self.embed(codes).permute(0, 3, 1, 2))

    return Prior()


def train_and_sample(data, seed, n, vq_steps=2000, prior_steps=600, batch=64):
    """(n, 28, 28) float samples in [0, 1] from a VQ-VAE trained on `data` ((m, 28, 28) in [0, 1])."""
    import torch
    import torch.nn.functional as F

    torch.manual_seed(seed)
    x = torch.tensor(data, dtype=torch.float32).unsqueeze(1)
    encoder, decoder, book = vqvae()
    params = [*encoder.parameters(), *decoder.parameters(), *book.parameters()]
    opt = torch.optim.Adam(params, 1e-3)
    for _ in range(vq_steps):
        b = x[torch.randint(0, len(x), (batch,))]
        z = encoder(b)
        q = book(nearest(z, book)).permute(0, 3, 1, 2)
        vq = F.mse_loss(q, z.detach()) + 0.25 * F.mse_loss(z, q.detach())
        recon = F.binary_cross_entropy_with_logits(decoder(z + (q - z).detach()), b, reduction="sum") / batch
        opt.zero_grad()
        (recon + 100 * vq).backward()
        opt.step()
    with torch.no_grad():
        codes = torch.cat([nearest(encoder(x[i:i + 500]), book) for i in range(0, len(x), 500)])
    prior = pixelcnn()
    opt = torch.optim.Adam(prior.parameters(), 1e-3)
    for _ in range(prior_steps):
        b = codes[torch.randint(0, len(codes), (batch,))]
        loss = F.cross_entropy(prior(b), b)
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        drawn = torch.zeros(n, SIDE, SIDE, dtype=torch.long)
        for r in range(SIDE):
            for c in range(SIDE):
                drawn[:, r, c] = torch.multinomial(F.softmax(prior(drawn)[:, :, r, c], 1), 1)[:, 0]
        return torch.sigmoid(decoder(book(drawn).permute(0, 3, 1, 2)))[:, 0].numpy()


def variants(x):
    """The three 8-bit versions an outside researcher's files hold: rounded, truncated, cleaned 30/230."""
    x = np.clip(x, 0, 1)
    rounded = np.rint(x * 255).astype(np.uint8)
    cleaned = np.where(rounded < 30, 0, np.where(rounded > 230, 255, rounded)).astype(np.uint8)
    return {"round": rounded, "trunc": (x * 255).astype(np.uint8), "clean": cleaned}


if __name__ == "__main__":
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))
    from PIL import Image

    from engine.data.specs import load_spec

    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--data", default="builtin:mnist[5000:9000]")
    parser.add_argument("--vq-steps", type=int, default=2000)
    parser.add_argument("--prior-steps", type=int, default=600)
    args = parser.parse_args()
    samples = train_and_sample(load_spec(args.data).x[:, 0], args.seed, args.n, args.vq_steps, args.prior_steps)
    for name, images in variants(samples).items():
        os.makedirs(os.path.join(args.out, name), exist_ok=True)
        for i, image in enumerate(images):
            Image.fromarray(image, mode="L").save(os.path.join(args.out, name, f"{i:04d}.png"))
