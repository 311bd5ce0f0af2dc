"""Generators that write 32 x 32 pictures, and real digits prepared so, for the fifty-third pass's study
(docs/studies.md, "Generators written at 32 x 32"; tests/benchmarks/data/size32_untouched.md names the sets).

Tutorials train MNIST models at 32 x 32: torchvision's Pad(2) or Resize(32) (bilinear with antialias) before
ToTensor. `vae` trains the zoo's MLP VAE (training/vae.py) on `builtin:mnist[0:4000]` so prepared, `dcgan` the
pytorch/examples DCGAN reduced to 32 x 32 (tests/benchmarks/dcgan64.py); each writes N samples as 8-bit grey PNG
(np.rint) under OUT/NAME/; `ddpm` trains training/diffusion.py's DDPM (width 16, linear schedule) so and samples by
DDIM over 50 steps. `real` writes a slice of builtin:mnist padded by 2 and resized to 32 with Pillow's
bilinear and bicubic, under OUT/pad, OUT/resize-bilinear, OUT/resize-bicubic. `corner` writes a slice enlarged by
corner-aligned resamplers (SciPy's ndimage.zoom at order 3 and 1, torch's interpolate with align_corners=True; the
fifty-fourth pass's tests/benchmarks/data/corner_zoom_untouched.md), one folder per way.

    python tests/benchmarks/size32_sets.py vae OUT NAME pad|resize SEED SAMPLE_SEED N [STEPS]
    python tests/benchmarks/size32_sets.py dcgan OUT NAME pad|resize SEED SAMPLE_SEED N [STEPS]
    python tests/benchmarks/size32_sets.py ddpm OUT NAME pad|resize SEED SAMPLE_SEED N [STEPS]
    python tests/benchmarks/size32_sets.py real OUT START STOP
    python tests/benchmarks/size32_sets.py corner OUT START STOP
"""
import os
import sys
import time

import numpy as np

SIZE = 32
TRAIN = "builtin:mnist[0:4000]"
VAE_STEPS = 12000  # the zoo VAE's long training of the earlier passes (about 100 s here at 28 x 28)
DCGAN_STEPS = 3000
DDPM_STEPS = 2000


def write_png(u8, folder):
    from PIL import Image

    os.makedirs(folder, exist_ok=True)
    for i, picture in enumerate(u8):
        Image.fromarray(picture).save(os.path.join(folder, f"{i:04d}.png"))


def trained_samples(trainer_class, out, name, way, seed, sample_seed, n, steps):
    """A trainer of `trainer_class` (training/'s one-step protocol) trained `steps` minibatches on TRAIN prepared at
    SIZE by `way`; n samples written as PNG under OUT/NAME/."""
    import torch

    from engine.data.specs import load_spec
    from tests.benchmarks.dcgan64 import prepared

    x = prepared(torch.tensor(load_spec(TRAIN).x), SIZE, way).clamp(0, 1).numpy()
    trainer = trainer_class(x, {"seed": seed})
    start = time.time()
    for _ in range(steps):
        trainer.step()
    print(f"{name}: {steps} steps in {time.time() - start:.0f} s", flush=True)
    samples = np.clip(trainer.sample(n, seed=sample_seed)[:, 0], 0, 1)
    write_png(np.rint(samples * 255).astype(np.uint8), os.path.join(out, name))


def vae(out, name, way, seed, sample_seed, n, steps=VAE_STEPS):
    from training.vae import VAETrainer

    trained_samples(VAETrainer, out, name, way, seed, sample_seed, n, steps)


def ddpm(out, name, way, seed, sample_seed, n, steps=DDPM_STEPS):
    from training.diffusion import DiffusionTrainer

    trained_samples(DiffusionTrainer, out, name, way, seed, sample_seed, n, steps)


def dcgan(out, name, way, seed, sample_seed, n, steps=DCGAN_STEPS):
    from tests.benchmarks.dcgan64 import sample, train

    run = os.path.join(out, f"{name}-run")
    train(run, steps, seed, data=TRAIN, size=SIZE, way=way)
    write_png(sample(run, n, sample_seed), os.path.join(out, name))


def real(out, start, stop):
    from PIL import Image

    from engine.data.specs import load_spec

    u8 = np.rint(load_spec(f"builtin:mnist[{start}:{stop}]").x[:, 0] * 255).astype(np.uint8)
    pad = (SIZE - u8.shape[-1]) // 2
    write_png(np.pad(u8, ((0, 0), (pad, pad), (pad, pad))), os.path.join(out, "pad"))
    for name, kernel in (("bilinear", Image.BILINEAR), ("bicubic", Image.BICUBIC)):
        resized = [np.asarray(Image.fromarray(p).resize((SIZE, SIZE), kernel)) for p in u8]
        write_png(np.stack(resized), os.path.join(out, f"resize-{name}"))


def ndimage_zoom(picture, factor, order=3):
    from scipy import ndimage

    return ndimage.zoom(picture, factor, order=order)  # uint8 in, uint8 out (SciPy rounds)


def _torch_resize(u8, side, mode):
    import torch

    big = torch.nn.functional.interpolate(torch.tensor(u8 / 255.0)[:, None], size=(side, side), mode=mode,
                                          align_corners=True)
    return np.rint(big[:, 0].clamp(0, 1).numpy() * 255).astype(np.uint8)


CORNER_WAYS = {  # name: 8-bit digits (n, 28, 28) -> enlarged 8-bit digits
    "zoom3-32": lambda u8: np.stack([ndimage_zoom(p, 32 / 28) for p in u8]),
    "zoom3-40": lambda u8: np.stack([ndimage_zoom(p, 40 / 28) for p in u8]),
    "zoom1-32": lambda u8: np.stack([ndimage_zoom(p, 32 / 28, order=1) for p in u8]),
    "torchlin-ac-32": lambda u8: _torch_resize(u8, 32, "bilinear"),
    "torchcub-ac-36": lambda u8: _torch_resize(u8, 36, "bicubic"),
}


def corner(out, start, stop):
    from engine.data.specs import load_spec

    u8 = np.rint(load_spec(f"builtin:mnist[{start}:{stop}]").x[:, 0] * 255).astype(np.uint8)
    for name, way in CORNER_WAYS.items():
        write_png(way(u8), os.path.join(out, name))


if __name__ == "__main__":
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))
    command, args = sys.argv[1], sys.argv[2:]
    if command in ("real", "corner"):
        {"real": real, "corner": corner}[command](args[0], int(args[1]), int(args[2]))
    else:
        out, name, way, *numbers = args
        {"vae": vae, "dcgan": dcgan, "ddpm": ddpm}[command](out, name, way, *map(int, numbers))
