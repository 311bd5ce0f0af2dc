"""Noise read from a picture's empty background: a clean reference's figures photographed, scanned or dithered.

MNIST's background is exactly 0 far from the strokes, and so is a generator's nearly everywhere (its faint values
cling to the figure and vary smoothly). A real digit that picked up a sensor's or a scanner's noise on the way
(Gaussian noise of 1-4 levels, rounded and clipped at 0) holds faint values all over its background, which `features`
reads as a generator's haze: 160 of 160 held-out real digits with noise of 2 levels were labelled generated
(docs/studies.md, "Noise read from a picture's empty background", forty-third pass).

The noise is read where the reference's far background is empty (reference_is_clean) and the file's, the pixels more
than 3 pixels from any stroke (values from 64; engine/data/background.py), holds nonzero values in at least NOISY_SHARE
of its pixels that do not follow their neighbours (lag-one correlation across and down within CORRELATION_SDS standard
errors of 0, the standard error of n pairs' correlation being 1 / sqrt(n): 0.2-0.23 for MNIST's 300-400 pairs): noise
added pixel by pixel, not a generator's haze (long-trained GANs' and VQ-VAEs' far background: nonzero 0-11 %, neighbours
correlated 0.16-0.46 at the median; real digits with noise of 1-4 levels: 28-48 %, -0.06 to 0.07). Its level is the
standard deviation whose rounded, clipped Gaussian gives the far background's mean (noise_level), on the grid SIGMAS,
where the share of nonzero values is that Gaussian's too; the file is judged as it is, against the reference with that
noise added (noisy, through engine/detectors/channel_media.py image_through).

Through a JPEG (read_before_jpeg) neighbouring values follow each other (the JPEG drops the finest frequencies), so
the correlation cannot tell noise from a haze; but a JPEG codes each 8 x 8 block apart, and a block with no stroke in
it decodes to one flat value unless its values varied: noise reaches those blocks, a generator's haze mostly does not.
The noise is read, on a background at the reference's 0, from the far pixels of the blocks whose values stay within 12
levels of it (background.STROKE_FREE), where at least NOISY_SHARE of them are nonzero; its level from their mean (the
JPEG keeps a block's mean), as above (real digits with noise of 1 / 2 / 3 levels then JPEG 90 / 90 / 75: read at a
median of 1, 2 and 3). Such a file is judged as it is, against the reference through the JPEG alone and, apart, with
that noise added and then the JPEG (engine/detectors/channels.py jpeg_before_union: generated only where both say so).
"""
import math

import numpy as np

from engine.data.background import MIN_FREE_PIXELS, far_background, stroke_free_far
from engine.data.tone_curve import LEVELS, eight_bit, lossy_grey_codec, one_eight_bit_grey_picture

MIN_FAR_PIXELS = 60
NOISY_SHARE = 0.2  # of the far background nonzero
CORRELATION_SDS = 4.0  # standard errors (1 / sqrt(pairs)) of neighbouring far-background pixels' correlation
SHARE_SLACK = 0.12  # between the nonzero share and the one a Gaussian of the read level gives
CLEAN_SHARE = 0.01  # the reference's median far-background nonzero share at most this: an empty background
SIGMAS = (0.5, 0.75, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0, 12.0)  # levels (of 255) read
NOISE_SEED = 20261206  # the reference's noise is drawn the same way for every case and batch


def far_share(picture):
    """The share of a picture's far background that is nonzero (None: too little far background)."""
    far = far_background(picture)
    return float(np.mean(np.asarray(picture)[far] > 0)) if far.sum() >= MIN_FAR_PIXELS else None


def neighbour_correlation(picture, far):
    """The larger of the lag-one correlations across and down between far-background pixels, each in standard
    errors (its magnitude times the square root of its pairs: about N(0, 1) for independent pixels)."""
    values = np.asarray(picture, dtype=np.float64)
    found = []
    for a, b, both in ((values[:, :-1], values[:, 1:], far[:, :-1] & far[:, 1:]),
                       (values[:-1], values[1:], far[:-1] & far[1:])):
        x, y = a[both], b[both]
        varies = x.std() > 0 and y.std() > 0
        found.append(abs(float(np.corrcoef(x, y)[0, 1])) * np.sqrt(x.size) if varies else np.inf)
    return max(found)


def rounded_clipped_mean(sigma):
    """E[max(0, round(N(0, sigma)))]: the sum over k >= 1 of P(N >= k - 0.5)."""
    k = np.arange(1, int(10 * sigma) + 2)
    return float(sum(0.5 * math.erfc((j - 0.5) / (sigma * math.sqrt(2))) for j in k))


def nonzero_share(sigma):
    """P(round(N(0, sigma)) >= 1): the share of a rounded, clipped Gaussian's values that is nonzero."""
    return 0.5 * math.erfc(0.5 / (sigma * math.sqrt(2)))


def noise_level(values):
    """The grid level (SIGMAS) whose rounded, clipped Gaussian mean is nearest the far background's mean, or None
    where the share of nonzero values lies more than SHARE_SLACK from that Gaussian's (a haze of few, bright values:
    a WGAN-GP's far background, nonzero in 20 % of its pixels at a mean a Gaussian of 8-12 levels would give, when
    such a Gaussian leaves 46-48 % nonzero)."""
    mean = float(np.mean(values))
    sigma = min(SIGMAS, key=lambda level: abs(rounded_clipped_mean(level) - mean))
    return sigma if abs(float(np.mean(values > 0)) - nonzero_share(sigma)) <= SHARE_SLACK else None


def read_noise(picture):
    """The noise level of an 8-bit grey picture read from its far background, or None (module docstring)."""
    picture = np.asarray(picture)
    far = far_background(picture)
    if far.sum() < MIN_FAR_PIXELS:
        return None
    background = picture[far]
    if np.mean(background > 0) < NOISY_SHARE or neighbour_correlation(picture, far) > CORRELATION_SDS:
        return None
    return noise_level(background)


def reference_is_clean(cal_x):
    """Whether the reference's grey figures (n, 1, h, w) in [0, 1] keep an empty far background (the median over its
    first 100 figures: enough for a share of 1 %, and read once per batch)."""
    x = np.asarray(cal_x)
    if x.ndim != 4 or x.shape[1] != 1 or x.shape[0] == 0:
        return False
    shares = [far_share(picture) for picture in eight_bit(x[:100, 0])]
    shares = [share for share in shares if share is not None]
    return bool(shares) and float(np.median(shares)) <= CLEAN_SHARE


def read(samples, clean_reference):
    """Samples whose one lossless 8-bit grey picture carries noise on its far background, their channel saying
    so (judged as they are, against the reference with the noise added), where the reference's is empty; other
    samples unchanged."""
    if not clean_reference or not one_eight_bit_grey_picture(samples):
        return samples
    sigma = read_noise(eight_bit(samples.x[0, 0]))
    if sigma is not None:
        samples.meta.setdefault("channel", {}).update({"lossy": True, "image_noise": {"sigma": sigma}})
    return samples


def noisy(x, sigma):
    """Samples (n, c, h, w) in [0, 1] with Gaussian noise of `sigma` levels added, rounded and clipped to 8 bits
    (drawn from NOISE_SEED: the same noise for the same reference)."""
    rng = np.random.default_rng(NOISE_SEED)
    values = eight_bit(x) + rng.normal(0.0, sigma, np.shape(x))
    return (np.clip(np.rint(values), 0, LEVELS) / LEVELS).astype(np.float32)


def read_before_jpeg(samples, clean_reference):
    """Samples whose one grey JPEG picture on the reference's empty background (its commonest value 0 or 1) carries
    noise in its stroke-free blocks (module docstring), their channel saying so ("noise_before"); other samples
    unchanged. Not read: a share off 0 more than SHARE_SLACK below what a rounded, clipped Gaussian of the level read
    leaves (a few bright specks; the JPEG spreads noise, so real noise lies above it: 1-3 levels then JPEG 75-95,
    medians 0.42-0.79 against 0.31-0.43), nor a background lifted off 0, flat at 1 or above (a tone line, read as
    one): NOISY_SHARE of the values must also differ from their commonest one."""
    if not clean_reference or lossy_grey_codec(samples) != "JPEG":  # WebP codes no flat blocks apart
        return samples
    picture = eight_bit(samples.x[0, 0])
    values = stroke_free_far(picture)
    if np.argmax(np.bincount(picture.ravel())) > 1 or values.size < MIN_FREE_PIXELS:  # noise of 3 levels then JPEG:
        # its commonest value 1 in a sixth of the pictures
        return samples
    share = float(np.mean(values > 0))
    varied = float(np.mean(values != np.argmax(np.bincount(values))))  # a flat background lifted to 1 does not vary
    sigma = min(SIGMAS, key=lambda level: abs(rounded_clipped_mean(level) - float(np.mean(values))))
    if min(share, varied) < NOISY_SHARE or share < nonzero_share(sigma) - SHARE_SLACK:
        return samples
    samples.meta["channel"]["noise_before"] = {"sigma": sigma}
    return samples


def reason(channel):
    """The verdict's reason for a picture read as carrying noise, or noise before its JPEG; or None."""
    found = channel.get("noise_before")
    if found:
        return (f"noise: through its JPEG, the blocks with no stroke in them hold faint values, unlike the "
                f"reference's empty background (noise of about {found['sigma']:g} levels before the JPEG, as a "
                f"camera's or a scanner's); judged also against the reference with that noise added and then the "
                f"same JPEG")
    found = channel.get("image_noise")
    if not found:
        return None
    return (f"noise: its background far from the strokes holds faint values pixel by pixel, unlike the reference's "
            f"empty one (noise of about {found['sigma']:g} levels, as a camera's or a scanner's); judged against the "
            f"reference with that noise added")
