"""Generator output re-quantised to a few grey levels (issue 14's "re-quantisation" clean-up), and real digits the
same ways, for docs/studies.md, "Re-quantised output on a grid relative to its brightest value" (forty-ninth pass;
tests/benchmarks/data/requantised_untouched.md names the sets). Writes one folder of 8-bit PNGs per variant, to be
judged with `image_channel_sweep.py judge`. Not part of the product.

    python tests/benchmarks/requantised.py OUT SOURCE
    SOURCE: convvae:SEED | mlpvae:SEED | zoovae:SEED | mnist:START:STOP
"""
import os
import sys

import numpy as np

TRAIN = slice(0, 4000)


def floats(source):
    """(n, 28, 28) floats in [0, 1] of a source."""
    from engine.data.builtins import load_builtin
    from tests import synthetic_images as si

    kind, _, rest = source.partition(":")
    if kind == "mnist":
        start, stop = (int(v) for v in rest.split(":"))
        return load_builtin("mnist", slice(start, stop)).x.reshape(-1, 28, 28)
    train = load_builtin("mnist", TRAIN).x
    if kind == "convvae":
        x = si.conv_vae_samples(train, 12, int(rest), 200)
    elif kind == "mlpvae":
        x = si.vae_samples(train, 16, int(rest), 200)
    elif kind == "zoovae":
        from training.vae import VAETrainer

        trainer = VAETrainer(train, {"seed": int(rest)})
        for _ in range(3000):
            trainer.step()
        x = trainer.sample(200, seed=7)
    else:
        raise ValueError(f"unknown source {source}")
    return np.clip(np.asarray(x, dtype=np.float64).reshape(-1, 28, 28), 0, 1)


def requantised(x):
    """{name: (n, 28, 28) uint8}: the figures as generated and through each re-quantisation."""
    r = np.rint(x * 255).astype(np.uint8)
    return {"round": r,
            "levels16": np.rint(np.round(x * 15) / 15 * 255).astype(np.uint8),
            "levels8": np.rint(np.round(x * 7) / 7 * 255).astype(np.uint8),
            "bits4": r & 0xF0,
            "bits3": r & 0xE0}


def real_edits():
    """{name: writer(picture, path)} of the real set's extra channels: JPEG 90, darkened x0.85, contrast 0.8."""
    from PIL import ImageEnhance

    return {"jpeg90": lambda p, path: p.save(path + ".jpg", quality=90),
            "dark085": lambda p, path: p.point(lambda v: round(v * 0.85)).save(path + ".png"),
            "contrast08": lambda p, path: ImageEnhance.Contrast(p).enhance(0.8).save(path + ".png")}


def write(out, source):
    from PIL import Image

    x = floats(source)
    variants = requantised(x)
    for name, images in variants.items():
        os.makedirs(os.path.join(out, name), exist_ok=True)
        for k, image in enumerate(images):
            Image.fromarray(image).save(os.path.join(out, name, f"{k:04d}.png"))
    if source.startswith("mnist:"):
        for name, save in real_edits().items():
            os.makedirs(os.path.join(out, name), exist_ok=True)
            for k, image in enumerate(variants["round"]):
                save(Image.fromarray(image), os.path.join(out, name, f"{k:04d}"))
    print(f"{len(x)} figures of {source} in {out}")


if __name__ == "__main__":
    write(sys.argv[1], sys.argv[2])
