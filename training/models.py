"""Network architectures, built from a JSON-able description so checkpoints can rebuild them.

`build(arch)` takes a dict with "kind" and its parameters ("shape" is always the
(channels, rows, cols) of one sample). Kinds:

- "dcgan-generator" / "dcgan-discriminator": the DCGAN family for any sample shape.
  The upsampling plan comes from the shape: k stride-2 stages from a start grid of
  ceil(rows/2^k) × ceil(cols/2^k) (k chosen so the smaller side starts at 4..7 cells),
  then the output is cropped to the exact shape; the discriminator zero-pads its input
  to the same plan and mirrors it.
- "paper-generator" / "paper-discriminator": the GAN of 003 Figs. 2 and 1 (dense
  128×(rows/4)×(cols/4), two 4×4 transposed convolutions, a 7×7 convolution; two 3×3
  stride-2 convolutions with LeakyReLU 0.2 and dropout 0.4).
- "paper-classifier": the authorship CNN of 003 Fig. 3. "logreg": logistic regression
  on pixels. "cnn": a stronger configurable CNN (blocks of two 3×3 conv + BN + ReLU,
  max-pooling, global average pooling). "inverse": the 003 inverse model (sample -> z).
"""
import math


def upsampling_plan(rows, cols):
    """(k, start_rows, start_cols): k doublings from the start grid cover (rows, cols)."""
    k = max(0, int(math.floor(math.log2(max(min(rows, cols), 4) / 4))))
    return k, math.ceil(rows / 2**k), math.ceil(cols / 2**k)


def build(arch):
    """Builds the torch module an architecture description names."""
    if arch.get("kind") not in BUILDERS:
        raise ValueError(f"unknown architecture kind {arch.get('kind')!r}")
    params = {k: v for k, v in arch.items() if k != "kind"}
    params["shape"] = tuple(int(s) for s in params["shape"])
    return BUILDERS[arch["kind"]](**params)


def _torch():
    import torch
    from torch import nn

    return torch, nn


def _crop(t, rows, cols):
    return t[:, :, :rows, :cols]


def _pad_to(t, rows, cols):
    import torch.nn.functional as F

    return F.pad(t, (0, cols - t.shape[3], 0, rows - t.shape[2]))


def _init_dcgan(module):
    """DCGAN initialisation (N(0, 0.02) weights, BN gamma N(1, 0.02)), as Radford et al."""
    torch, nn = _torch()
    for m in module.modules():
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
            nn.init.normal_(m.weight, 0.0, 0.02)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.normal_(m.weight, 1.0, 0.02)
            nn.init.zeros_(m.bias)
    return module


def _generator_module(body, shape, activation):
    """Wraps a body (z -> pre-activation map) with cropping and the output activation."""
    torch, nn = _torch()
    from training.activations import apply_activation, check_activation

    check_activation(activation)

    class Generator(nn.Module):
        def __init__(self):
            super().__init__()
            self.body = body
            self.shape = shape
            self.activation = activation

        def forward(self, z):
            return apply_activation(_crop(self.body(z), shape[1], shape[2]), activation)

    return Generator()


def _dcgan_generator(shape, z_dim=100, width=32, activation="sigmoid"):
    torch, nn = _torch()
    channels, rows, cols = shape
    k, r0, c0 = upsampling_plan(rows, cols)
    top = width * 2**k
    layers = [nn.Linear(z_dim, top * r0 * c0, bias=False), nn.Unflatten(1, (top, r0, c0)),
              nn.BatchNorm2d(top), nn.ReLU(True)]
    for i in range(k):
        cin, cout = top // 2**i, top // 2 ** (i + 1)
        layers += [nn.ConvTranspose2d(cin, cout, 4, 2, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(True)]
    layers.append(nn.Conv2d(width, channels, 3, 1, 1))
    return _init_dcgan(_generator_module(nn.Sequential(*layers), shape, activation))


def _padded_critic(body, rows, cols):
    """A discriminator body that sees inputs zero-padded to its plan size; one score per sample."""
    torch, nn = _torch()

    class Critic(nn.Module):
        def __init__(self):
            super().__init__()
            self.body = body

        def forward(self, x):
            return self.body(_pad_to(x, rows, cols)).squeeze(1)

    return Critic()


def _dcgan_discriminator(shape, width=32, norm="batch"):
    """norm: "batch" for the standard/LSGAN losses, "none" for WGAN-GP (the penalty is per sample)."""
    torch, nn = _torch()
    channels, rows, cols = shape
    k, r0, c0 = upsampling_plan(rows, cols)
    layers, cin = [], channels
    for i in range(k):
        cout = width * 2**i
        layers.append(nn.Conv2d(cin, cout, 4, 2, 1, bias=norm != "batch" or i == 0))
        if norm == "batch" and i > 0:
            layers.append(nn.BatchNorm2d(cout))
        layers.append(nn.LeakyReLU(0.2, True))
        cin = cout
    layers += [nn.Flatten(), nn.Linear(cin * r0 * c0, 1)]
    return _init_dcgan(_padded_critic(nn.Sequential(*layers), r0 * 2**k, c0 * 2**k))


def _paper_generator(shape, z_dim=100, activation="sigmoid"):
    torch, nn = _torch()
    channels, rows, cols = shape
    r0, c0 = math.ceil(rows / 4), math.ceil(cols / 4)
    body = nn.Sequential(
        nn.Linear(z_dim, 128 * r0 * c0), nn.LeakyReLU(0.2, True), nn.Unflatten(1, (128, r0, c0)),
        nn.ConvTranspose2d(128, 128, 4, 2, 1), nn.LeakyReLU(0.2, True),
        nn.ConvTranspose2d(128, 128, 4, 2, 1), nn.LeakyReLU(0.2, True),
        nn.Conv2d(128, channels, 7, 1, 3),
    )
    return _generator_module(body, shape, activation)


def _paper_discriminator(shape, norm="none"):
    torch, nn = _torch()
    channels, rows, cols = shape
    r, c = math.ceil(rows / 4) * 4, math.ceil(cols / 4) * 4
    body = nn.Sequential(
        nn.Conv2d(channels, 64, 3, 2, 1), nn.LeakyReLU(0.2, True), nn.Dropout(0.4),
        nn.Conv2d(64, 64, 3, 2, 1), nn.LeakyReLU(0.2, True), nn.Dropout(0.4),
        nn.Flatten(), nn.Linear(64 * (r // 4) * (c // 4), 1),
    )
    return _padded_critic(body, r, c)


def _paper_classifier(shape, n_classes=2):
    torch, nn = _torch()
    channels, rows, cols = shape
    flat = 64 * ((rows - 2) // 2) * ((cols - 2) // 2)
    return nn.Sequential(
        nn.Conv2d(channels, 32, 3, 1, 1), nn.ReLU(True),
        nn.Conv2d(32, 64, 3), nn.ReLU(True), nn.MaxPool2d(2), nn.Dropout(0.25),
        nn.Flatten(), nn.Linear(flat, 128), nn.ReLU(True), nn.Linear(128, n_classes),
    )


def _logreg(shape, n_classes=2):
    torch, nn = _torch()
    return nn.Sequential(nn.Flatten(), nn.Linear(math.prod(shape), n_classes))


def _cnn(shape, n_classes=2, widths=(32, 64, 128)):
    torch, nn = _torch()
    layers, cin = [], shape[0]
    for w in widths:
        layers += [nn.Conv2d(cin, w, 3, 1, 1, bias=False), nn.BatchNorm2d(w), nn.ReLU(True),
                   nn.Conv2d(w, w, 3, 1, 1, bias=False), nn.BatchNorm2d(w), nn.ReLU(True),
                   nn.MaxPool2d(2, ceil_mode=True)]
        cin = w
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.25), nn.Linear(cin, n_classes)]
    return nn.Sequential(*layers)


def _inverse(shape, z_dim=100):
    torch, nn = _torch()
    channels, rows, cols = shape
    flat = 128 * math.ceil(rows / 4) * math.ceil(cols / 4)
    return nn.Sequential(
        nn.Conv2d(channels, 32, 3, 1, 1), nn.ReLU(True), nn.MaxPool2d(2, ceil_mode=True),
        nn.Conv2d(32, 64, 3, 1, 1), nn.ReLU(True), nn.MaxPool2d(2, ceil_mode=True),
        nn.Conv2d(64, 128, 3, 1, 1), nn.ReLU(True),
        nn.Flatten(), nn.Linear(flat, z_dim),
    )


BUILDERS = {
    "dcgan-generator": _dcgan_generator,
    "dcgan-discriminator": _dcgan_discriminator,
    "paper-generator": _paper_generator,
    "paper-discriminator": _paper_discriminator,
    "paper-classifier": _paper_classifier,
    "logreg": _logreg,
    "cnn": _cnn,
    "inverse": _inverse,
}
