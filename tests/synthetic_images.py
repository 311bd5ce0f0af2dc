"""Non-GAN image generators and clean-ups for testing and measuring the image detectors.

Images are float (n, 1, 28, 28) arrays in [0, 1]; `as_png` rounds them to k/255 as a PNG
stores them.
- `vae_samples(train, latent, seed)`: a small fully connected VAE (torch) trained on `train`,
  its decoder's means for latent draws from the prior;
- `pca_mixture_samples(train, seed)`: draws from Gaussians fitted to k-means clusters of the
  images' first principal components (a classical sampler, no network);
- `clean_up(x, low, high)`: the background below low/255 set to 0 and values above high/255
  set to 1 (the one-line clean-up of issue 14); `binarise(x)`;
- `rotate(x, degrees)`, `rescale(x, factor)`: real-file controls (about the centre).
"""
import numpy as np

SIDE = 28


def as_png(x):
    return (np.rint(np.clip(x, 0, 1) * 255) / 255).astype(np.float32)


def clean_up(x, low=30, high=230):
    x = as_png(x)
    x[x < low / 255] = 0
    x[x > high / 255] = 1
    return x


def binarise(x, level=128):
    return (as_png(x) >= level / 255).astype(np.float32)


def fitted_vae_samples(encoder, decoder, data, epochs, rate, latent, n):
    """Train a VAE (Bernoulli likelihood on logits, batches of 100) and decode n draws of its prior."""
    import torch

    optimiser = torch.optim.Adam([*encoder.parameters(), *decoder.parameters()], rate)
    for _ in range(epochs):
        order = torch.randperm(len(data))
        for i in range(0, len(data), 100):
            x = data[order[i:i + 100]]
            mean, log_var = encoder(x).chunk(2, 1)
            z = mean + torch.randn_like(mean) * torch.exp(0.5 * log_var)
            loss = (torch.nn.functional.binary_cross_entropy_with_logits(decoder(z), x, reduction="sum")
                    - 0.5 * torch.sum(1 + log_var - mean ** 2 - log_var.exp())) / len(x)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    with torch.no_grad():
        return torch.sigmoid(decoder(torch.randn(n, latent))).numpy().reshape(n, 1, SIDE, SIDE)


def vae_samples(train, latent, seed, n, epochs=30, hidden=256):
    import torch

    torch.manual_seed(seed)
    data = torch.tensor(np.asarray(train, dtype=np.float32).reshape(len(train), -1))
    size = data.shape[1]
    encoder = torch.nn.Sequential(torch.nn.Linear(size, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, 2 * latent))
    decoder = torch.nn.Sequential(torch.nn.Linear(latent, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, size))
    return fitted_vae_samples(encoder, decoder, data, epochs, 1e-3, latent, n)


def pca_mixture_samples(train, seed, n, components=30, clusters=10, iterations=20):
    rng = np.random.default_rng(seed)
    flat = np.asarray(train, dtype=np.float64).reshape(len(train), -1)
    mean = flat.mean(axis=0)
    basis = np.linalg.svd(flat - mean, full_matrices=False)[2][:components]
    z = (flat - mean) @ basis.T
    centres = z[rng.choice(len(z), clusters, replace=False)]
    for _ in range(iterations):
        label = np.argmin(((z[:, None] - centres[None]) ** 2).sum(axis=2), axis=1)
        centres = np.stack([z[label == k].mean(axis=0) if np.any(label == k) else centres[k] for k in range(clusters)])
    picks = rng.choice(len(z), n)  # a cluster in proportion to its size
    out = np.empty((n, components))
    for k in range(clusters):
        members = z[label == k]
        chosen = label[picks] == k
        if chosen.any():
            cov = np.cov(members.T) + 1e-6 * np.eye(components)
            out[chosen] = rng.multivariate_normal(members.mean(axis=0), cov, int(chosen.sum()))
    return np.clip(out @ basis + mean, 0, 1).reshape(n, 1, SIDE, SIDE).astype(np.float32)


def rotate(x, degrees, seed=0, order=1):
    """Each image rotated by a random angle in [-degrees, degrees], as a PNG; order 1 is
    bilinear, order 0 nearest-neighbour (PIL's default, which makes no new values)."""
    from scipy import ndimage

    rng = np.random.default_rng(seed)
    return as_png(np.stack([ndimage.rotate(a[0], rng.uniform(-degrees, degrees), reshape=False, order=order)[None]
                            for a in x]))


def rescale(x, factor):
    """Each image zoomed by `factor` about its centre (bilinear), cropped or padded back to 28x28."""
    from scipy import ndimage

    out = []
    for a in x:
        z = ndimage.zoom(a[0], factor, order=1)
        side = z.shape[0]
        if side >= SIDE:
            s = (side - SIDE) // 2
            z = z[s:s + SIDE, s:s + SIDE]
        else:
            p = (SIDE - side) // 2
            z = np.pad(z, ((p, SIDE - side - p), (p, SIDE - side - p)))
        out.append(z[None])
    return as_png(np.array(out))


# --- second pass (2026-12-01): more generators, clean-ups and resamplings -------------------


def posterise(x, levels, low=30, high=230):
    """The clean-up, then the remaining values re-quantised to `levels` evenly spaced grey levels."""
    x = clean_up(x, low, high)
    return as_png(np.rint(x * (levels - 1)) / (levels - 1))


def median_filtered(x, size=3, low=30, high=230):
    """A size x size median filter (removes speckle, rounds the strokes), then the clean-up."""
    from scipy import ndimage

    return clean_up(ndimage.median_filter(np.asarray(x, dtype=np.float32), size=(1, 1, size, size)), low, high)


def blur_threshold(x, sigma=1.0, level=0.5):
    """Gaussian blur, then binarised at `level` of each image's brightest value (a smoothed outline)."""
    from scipy import ndimage

    soft = ndimage.gaussian_filter(np.asarray(x, dtype=np.float32), sigma=(0, 0, sigma, sigma))
    return (soft >= level * soft.max(axis=(1, 2, 3), keepdims=True)).astype(np.float32)


def shifted(x, seed=0, order=1):
    """Each image translated by a random sub-pixel offset in [-0.5, 0.5] on both axes (a re-scan)."""
    from scipy import ndimage

    rng = np.random.default_rng(seed)
    return as_png(np.stack([ndimage.shift(a[0], rng.uniform(-0.5, 0.5, 2), order=order)[None] for a in x]))


def resized_through(x, side, method="bilinear"):
    """Each image resized to side x side and back to 28 x 28 with PIL's filter `method` (bilinear, bicubic,
    lanczos, box, nearest or hamming)."""
    from PIL import Image

    mode = getattr(Image.Resampling, method.upper())
    out = []
    for a in as_png(x):
        image = Image.fromarray(np.rint(a[0] * 255).astype(np.uint8))
        out.append(np.asarray(image.resize((side, side), mode).resize((SIDE, SIDE), mode), dtype=np.float32)[None] / 255)
    return np.array(out, dtype=np.float32)


def random_similarity(x, degrees, scale, seed=0, order=1):
    """Each image rotated by an angle in [-degrees, degrees] and scaled by a factor in [1 - scale, 1 + scale]
    about its centre (one affine resampling, spline order `order`)."""
    from scipy import ndimage

    rng = np.random.default_rng(seed)
    centre = (SIDE - 1) / 2
    out = []
    for a in x:
        angle, factor = np.deg2rad(rng.uniform(-degrees, degrees)), rng.uniform(1 - scale, 1 + scale)
        c, s = np.cos(angle) / factor, np.sin(angle) / factor
        matrix = np.array([[c, -s], [s, c]])
        offset = centre - matrix @ np.array([centre, centre])
        out.append(ndimage.affine_transform(a[0], matrix, offset, order=order)[None])
    return as_png(np.clip(np.array(out), 0, 1))


def conv_vae_samples(train, latent, seed, n, epochs=12, width=16):
    """A small convolutional VAE (two strided convolutions, two transposed ones), its decoder's means."""
    import torch

    torch.manual_seed(seed)
    data = torch.tensor(np.asarray(train, dtype=np.float32).reshape(len(train), 1, SIDE, SIDE))
    nn = torch.nn
    encoder = nn.Sequential(nn.Conv2d(1, width, 4, 2, 1), nn.ReLU(), nn.Conv2d(width, 2 * width, 4, 2, 1), nn.ReLU(),
                            nn.Flatten(), nn.Linear(2 * width * 49, 2 * latent))
    decoder = nn.Sequential(nn.Linear(latent, 2 * width * 49), nn.ReLU(), nn.Unflatten(1, (2 * width, 7, 7)),
                            nn.ConvTranspose2d(2 * width, width, 4, 2, 1), nn.ReLU(), nn.ConvTranspose2d(width, 1, 4, 2, 1))
    return fitted_vae_samples(encoder, decoder, data, epochs, 2e-3, latent, n)


def mlp_gan_samples(train, seed, n, steps=3000, latent=32, hidden=256):
    """A small fully connected GAN (standard loss, sigmoid output)."""
    import torch

    torch.manual_seed(seed)
    nn = torch.nn
    data = torch.tensor(np.asarray(train, dtype=np.float32).reshape(len(train), -1))
    size = data.shape[1]
    generator = nn.Sequential(nn.Linear(latent, hidden), nn.LeakyReLU(0.2), nn.Linear(hidden, 2 * hidden),
                              nn.LeakyReLU(0.2), nn.Linear(2 * hidden, size), nn.Sigmoid())
    critic = nn.Sequential(nn.Linear(size, 2 * hidden), nn.LeakyReLU(0.2), nn.Linear(2 * hidden, hidden),
                           nn.LeakyReLU(0.2), nn.Linear(hidden, 1))
    g_opt = torch.optim.Adam(generator.parameters(), 2e-4, betas=(0.5, 0.999))
    d_opt = torch.optim.Adam(critic.parameters(), 2e-4, betas=(0.5, 0.999))
    loss = nn.BCEWithLogitsLoss()
    for _ in range(steps):
        real = data[torch.randint(0, len(data), (64,))]
        fake = generator(torch.randn(64, latent))
        d_loss = loss(critic(real), torch.ones(64, 1)) + loss(critic(fake.detach()), torch.zeros(64, 1))
        d_opt.zero_grad()
        d_loss.backward()
        d_opt.step()
        g_loss = loss(critic(fake), torch.ones(64, 1))
        g_opt.zero_grad()
        g_loss.backward()
        g_opt.step()
    with torch.no_grad():
        return generator(torch.randn(n, latent)).numpy().reshape(n, 1, SIDE, SIDE)


# --- third pass (2026-12-01): clean-ups written apart from the tuned ones --------------------


def smooth_requantise(x, sigma, levels, low):
    """Gaussian smoothing (sigma pixels), the background below low/255 set to 0, the rest
    re-quantised to `levels` evenly spaced grey levels (a denoise-and-save clean-up)."""
    from scipy import ndimage

    soft = ndimage.gaussian_filter(np.asarray(x, dtype=np.float32), sigma=(0, 0, sigma, sigma))
    soft = clean_up(soft, low, 255)
    return as_png(np.rint(soft * (levels - 1)) / (levels - 1))


def bilateral(x, sigma_space=1.0, sigma_range=0.15, radius=2):
    """An edge-preserving bilateral filter (Tomasi & Manduchi), then rounded to 8 bits."""
    images = np.asarray(x, dtype=np.float64).reshape(len(x), SIDE, SIDE)
    padded = np.pad(images, ((0, 0), (radius, radius), (radius, radius)))
    total, weight = np.zeros_like(images), np.zeros_like(images)
    for dy in range(-radius, radius + 1):
        for dx in range(-radius, radius + 1):
            shifted_images = padded[:, radius + dy:radius + dy + SIDE, radius + dx:radius + dx + SIDE]
            w = np.exp(-(dy * dy + dx * dx) / (2 * sigma_space ** 2)
                       - (shifted_images - images) ** 2 / (2 * sigma_range ** 2))
            total += w * shifted_images
            weight += w
    return as_png((total / weight).reshape(len(x), 1, SIDE, SIDE))


def through_pil(x, fmt, quality):
    """Each image saved as JPEG or WebP at `quality` and decoded, with the channel a loader reads
    from such a file (engine/data/channels.image_channel) for the first one."""
    import io

    from PIL import Image

    from engine.data.channels import image_channel, webp_grey

    out, channel = [], None
    for a in as_png(x):
        buffer = io.BytesIO()
        Image.fromarray(np.rint(a[0] * 255).astype(np.uint8)).save(buffer, format=fmt, quality=quality)
        opened = Image.open(io.BytesIO(buffer.getvalue()))
        channel = channel or image_channel(opened, {"WEBP": "WebP"}.get(fmt, fmt), buffer.getvalue())
        values = np.asarray(opened if opened.mode == "L" else opened.convert("RGB"))
        out.append(webp_grey(values).astype(np.float32)[None] / 255)
    return np.array(out, dtype=np.float32), channel


def blurred_cleaned(x, sigma=1.5):
    """Real digits blurred like a generator's pixel means, then cleaned up (issue 14's one line)."""
    from scipy import ndimage

    soft = np.stack([ndimage.gaussian_filter(a[0], sigma)[None] for a in x])
    return clean_up(soft / soft.max(axis=(1, 2, 3), keepdims=True) * 0.95, 30, 230)


# --- sixth pass (2026-12-01): diffusion models ------------------------------------------------


def diffusion_samples(train, seed, n, steps, samplers=(("ddim", 50),), **config):
    """The zoo's DDPM (training/diffusion.py; `config` overrides its defaults) trained for `steps`
    minibatches on `train`, then n samples per (sampler, sampling steps) in `samplers`: a dict
    keyed by sampler name."""
    from training.diffusion import DiffusionTrainer

    trainer = DiffusionTrainer(train, dict(config, seed=seed))
    for _ in range(steps):
        trainer.step()
    return {name: trainer.sample(n, seed=100 + seed, sampler=name, steps=k) for name, k in samplers}
