"""Noise read from a picture's empty background (a camera's or a scanner's) is judged against the reference with that
noise added (engine/data/image_noise.py); a generator's haze, which follows its neighbours or is too bright for its
share, is not read so."""
import numpy as np
import pytest
from PIL import Image

from engine.data import image_noise
from engine.data.loaders import load_path
from engine.data.specs import load_spec
from engine.detectors.channel_keys import NOISY_PICTURE, channel_key
from engine.detectors.channel_media import image_through
from engine.detectors.channel_words import describe
from engine.detectors.channels import channel_detectors
from engine.verdict import readings
from tests.detector_checks import combined_image_verdicts


@pytest.fixture(scope="module")
def case(mnist600_profile):
    return (*mnist600_profile, load_spec("builtin:mnist[9000:9080]").x)


def eight_bit(sample):
    return np.rint(sample[0] * 255).astype(np.int64)


def with_noise(sample, sigma, seed):
    noise = np.random.default_rng(seed).normal(0.0, sigma, sample[0].shape)
    return np.clip(np.rint(eight_bit(sample) + noise), 0, 255).astype(np.uint8)


def test_the_reference_background_is_empty_and_noise_is_not(case):
    profile, _, _ = case
    assert image_noise.reference_is_clean(profile["cal_x"])
    noisy = image_noise.noisy(profile["cal_x"][:40], 2.0)
    assert not image_noise.reference_is_clean(noisy)


def test_noise_is_read_at_its_level_and_clean_digits_are_not(case):
    _, _, held = case
    assert all(image_noise.read_noise(eight_bit(s)) is None for s in held)
    for sigma in (1.0, 2.0, 4.0):
        read = [image_noise.read_noise(with_noise(s, sigma, k)) for k, s in enumerate(held)]
        assert sum(found is not None for found in read) >= 0.9 * len(held)
        assert np.median([found for found in read if found is not None]) == pytest.approx(sigma, rel=0.3)


def test_a_smooth_haze_or_a_few_bright_specks_are_not_read_as_noise(case):
    _, _, held = case
    rng = np.random.default_rng(0)
    for sample in held[:20]:
        noise = rng.normal(0.0, 4.0, (28, 28))
        smooth = sum(np.roll(np.roll(noise, i, 0), j, 1) for i in (-1, 0, 1) for j in (-1, 0, 1)) / 3
        hazy = np.clip(np.rint(eight_bit(sample) + smooth), 0, 255)
        assert image_noise.read_noise(hazy) is None  # neighbours follow each other
        specks = np.where(rng.random((28, 28)) < 0.3, rng.integers(8, 40, (28, 28)), 0)
        assert image_noise.read_noise(np.clip(eight_bit(sample) + specks, 0, 255)) is None  # too bright for its share


def test_a_file_read_so_gets_the_noise_key_and_the_reason(tmp_path, case):
    profile, _, held = case
    path = tmp_path / "noisy.png"
    Image.fromarray(with_noise(held[0], 2.0, 1), "L").save(path)
    samples = image_noise.read(load_path(str(path)), image_noise.reference_is_clean(profile["cal_x"]))
    channel = samples.meta["channel"]
    assert channel["lossy"] is True and channel["image_noise"]["sigma"] == pytest.approx(2.0, rel=0.3)
    key = channel_key(samples.meta)
    assert key == (NOISY_PICTURE, channel["image_noise"]["sigma"])
    assert "noise" in describe(key) and any(found.startswith("noise:") for found in readings(channel))
    clean = tmp_path / "clean.png"
    Image.fromarray(eight_bit(held[0]).astype(np.uint8), "L").save(clean)
    assert "image_noise" not in image_noise.read(load_path(str(clean)), True).meta["channel"]


def test_the_reference_through_the_channel_is_the_same_noise_each_time(case):
    _, _, held = case
    first, second = image_through(held[:10], (NOISY_PICTURE, 2.0)), image_through(held[:10], (NOISY_PICTURE, 2.0))
    assert first.dtype == np.float32 and np.array_equal(first, second)
    assert np.all(np.abs(first - held[:10]) <= 12 / 255 + 1e-6)


def test_real_digits_with_noise_pass_judged_against_the_noisy_reference(case):
    profile, detectors, held = case
    noisy = np.stack([with_noise(s, 2.0, k) for k, s in enumerate(held)])[:, None] / 255.0
    assert np.mean(combined_image_verdicts(detectors, noisy.astype(np.float32)) <= 0.01) >= 0.5  # as clean ones
    judging = channel_detectors(detectors, profile, (NOISY_PICTURE, 2.0))[0]
    assert np.mean(combined_image_verdicts(judging, noisy.astype(np.float32)) <= 0.01) <= 0.05
