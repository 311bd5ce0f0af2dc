"""Longer-trained DDPMs' digits as files, for the fiftieth pass's study (docs/studies.md, "Longer-trained diffusion
models and the tone line read through a JPEG"; tests/benchmarks/data/ddpm_long_untouched.md names the sets).

training/diffusion.py's DDPM trained on builtin:mnist[0:4000] with one CPU thread, then samples written as 8-bit PNG
(np.rint), as JPEG quality 85 (Pillow) and cleaned (values < 30 set to 0, > 230 to 255), one folder per way under
OUT/NAME-SAMPLER/, ready for `image_channel_sweep.py judge CASE OUT/NAME-SAMPLER`. `real` writes a slice of
builtin:mnist as PNG and JPEG 85 the same way.

    python tests/benchmarks/ddpm_long.py model OUT NAME SEED STEPS WIDTH SCHEDULE SAMPLER:K[:N[:SEED]] [...]
    python tests/benchmarks/ddpm_long.py resample OUT NAME EMA.pt WIDTH SCHEDULE SAMPLER:K:N:SEED [...]
    python tests/benchmarks/ddpm_long.py real OUT SPEC          # e.g. 'builtin:mnist[8600:8800]'
"""
import os
import sys
import time

import numpy as np

JPEG_QUALITY = 85
CLEAN_LOW, CLEAN_HIGH = 30, 230
TIMESTEPS = 1000


def write_ways(base, u8, ways=("png", "jpeg85", "cleaned")):
    """Each 8-bit picture of u8 (n, h, w) written under base/<way>/ as PNG, as JPEG 85, cleaned then PNG."""
    from PIL import Image

    for way in ways:
        os.makedirs(os.path.join(base, way), exist_ok=True)
    cleaned = u8.copy()
    cleaned[cleaned < CLEAN_LOW] = 0
    cleaned[cleaned > CLEAN_HIGH] = 255
    for i, (a, c) in enumerate(zip(u8, cleaned)):
        if "png" in ways:
            Image.fromarray(a).save(os.path.join(base, "png", f"{i:03d}.png"))
        if "jpeg85" in ways:
            Image.fromarray(a).save(os.path.join(base, "jpeg85", f"{i:03d}.jpg"), quality=JPEG_QUALITY)
        if "cleaned" in ways:
            Image.fromarray(c).save(os.path.join(base, "cleaned", f"{i:03d}.png"))


def eight_bit(x):
    return np.rint(np.clip(np.asarray(x)[:, 0], 0, 1) * 255).astype(np.uint8)


def trainer_for(seed, width, schedule):
    import torch

    from engine.data.specs import load_spec
    from training.diffusion import DiffusionTrainer

    torch.set_num_threads(1)
    return DiffusionTrainer(load_spec("builtin:mnist[0:4000]").x,
                            dict(seed=seed, width=width, schedule=schedule, timesteps=TIMESTEPS))


def model(out, name, seed, steps, width, schedule, samplers):
    """Train one DDPM, keep its EMA weights as OUT/NAME-ema.pt, then draw its samples (see draw)."""
    import torch

    trainer = trainer_for(seed, width, schedule)
    start = time.time()
    for i in range(steps):
        loss = trainer.step()["loss"]
        if i % 500 == 0:
            print(name, i, round(loss, 4), round(time.time() - start), flush=True)
    torch.save(trainer.ema.state_dict(), os.path.join(out, f"{name}-ema.pt"))
    draw(trainer, out, name, samplers, 100 + seed)


def draw(trainer, out, name, samplers, default_seed):
    """N (default 300) samples per SAMPLER:K[:N[:SEED]] (DDIM over K steps, or ancestral over all), sampler seed
    SEED (default default_seed), written under OUT/NAME-SAMPLER/."""
    for spec in samplers:
        sampler, k, *rest = spec.split(":")
        n, seed = (int(rest[0]) if rest else 300), (int(rest[1]) if len(rest) > 1 else default_seed)
        made = trainer.sample(n, seed=seed, sampler=sampler, steps=int(k) if sampler == "ddim" else None)
        np.save(os.path.join(out, f"{name}-{sampler}.npy"), made)
        write_ways(os.path.join(out, f"{name}-{sampler}"), eight_bit(made))


def resample(out, name, ema_path, width, schedule, samplers):
    """New samples from a trained model's saved EMA weights (EMA.pt, as model keeps them); SEED must be given."""
    import torch

    trainer = trainer_for(0, width, schedule)
    trainer.ema.load_state_dict(torch.load(ema_path))
    draw(trainer, out, name, samplers, None)


def main():
    command, out, *rest = sys.argv[1:]
    if command == "real":
        from engine.data.specs import load_spec

        write_ways(os.path.join(out, "real"), eight_bit(load_spec(rest[0]).x), ways=("png", "jpeg85"))
    elif command == "resample":
        name, ema_path, width, schedule, *samplers = rest
        resample(out, name, ema_path, int(width), schedule, samplers)
    else:
        name, seed, steps, width, schedule, *samplers = rest
        model(out, name, int(seed), int(steps), int(width), schedule, samplers)


if __name__ == "__main__":
    main()
