"""A resize with Lanczos read from a lossless figure's pixels (engine/data/resize_history.py): real digits
resized and back are judged against the reference resized alike and stay real; a generator's haze, which
reaches the background, is not read as a resize, so its digits, resized or not, are judged (and caught) as
before."""
import numpy as np
import pytest
from PIL import Image

from engine.data import channels
from engine.data.loaders import load_path
from engine.data.resize_history import pil_pass, resample_history, resample_matrix, resize_history
from engine.data.specs import load_spec
from engine.detectors import calibration, suite
from engine.detectors.box_size import longer_sides
from engine.detectors.channel_keys import channel_key
from engine.detectors.channel_media import RESIZE_FACTORS, image_through
from engine.detectors.channel_words import describe
from engine.detectors.channels import StandAside, channel_detectors
from tests.test_jpeg_history import decoded, digits, through_jpeg


def resized(pixels, side, method=Image.LANCZOS):
    image = Image.fromarray(pixels)
    return np.asarray(image.resize((side, side), method).resize(image.size, method))


def hazy(pixels, seed=0):
    """A generator-like digit: a short-trained DCGAN's sigmoid leaves faint values (1-3 of 255) over the
    whole background as well as beside the strokes."""
    rng = np.random.default_rng(seed)
    return np.clip(pixels.astype(int) + rng.integers(0, 4, pixels.shape) * (rng.random(pixels.shape) < 0.5), 0,
                   255).astype(np.uint8)


def test_real_digits_resized_with_lanczos_through_smaller_and_larger_sides_are_read():
    real = digits(9900, 9930)
    for side in (20, 24, 34, 45):
        found = [resize_history(resized(d, side)) for d in real]
        assert sum(f is not None for f in found) >= 29, (side, found)


def test_clean_and_hazy_digits_resized_or_not_and_bicubic_round_trips_are_not_read():
    real = digits(9930, 9960)
    generated = [hazy(d, seed) for seed, d in enumerate(real)]
    others = (list(real) + generated + [resized(g, side) for g in generated for side in (20, 34)]
              + [resized(d, 34, Image.BICUBIC) for d in real])
    assert sum(resize_history(image) is not None for image in others) == 0


def test_a_blur_that_fades_steadily_beside_the_strokes_is_not_read_as_a_resize():
    # a VAE's digits: faint values confined beside the strokes, as a resize leaves them, but fading steadily
    # away from the ink, without the ring that Lanczos' clipped negative lobe leaves (a VAE's samples: 301 of 500
    # read as resized before this rule, 67 after)
    from scipy import ndimage

    real = digits(9900, 9930)
    blurred = [np.clip(np.rint(ndimage.gaussian_filter(d / 255.0, sigma) * 330), 0, 255).astype(np.uint8)
               for d in real for sigma in (1.0, 1.3)]
    assert sum(resize_history(image) is not None for image in blurred) == 0
    ringing = [resize_history(resized(d, 24)) for d in real]
    assert all(found is None or found["rising"] >= 6 for found in ringing)


def test_a_halo_brighter_than_a_ring_is_not_read_as_a_resize():
    # a long-trained VAE's digits: a ring rising here and there, but a blur's tail fading through tens of grey levels
    # beyond RESIZE_HALO_FROM, where Lanczos' lobes leave a few (fifty-third pass: tuning VAE digits read 334 -> 67)
    from scipy import ndimage

    real = digits(9900, 9930)
    blurred = []
    for d in real:
        ring = resized(d, 34).astype(np.float64)
        from_ink = ndimage.distance_transform_edt(ring < 128)
        tail = np.where((from_ink > 0) & (from_ink < 5) & (np.arange(28) < 14), 90 * np.exp(-(from_ink - 1) / 1.3), 0)
        blurred.append(np.rint(np.maximum(ring, tail)).astype(np.uint8))  # the ring on the right, a tail on the left
    ringing = [resize_history(resized(d, 34)) for d in real]
    assert sum(found is not None for found in ringing) == 30
    assert sum(resize_history(image) is not None for image in blurred) == 0


def test_png_after_a_resize_is_judged_through_the_resize_inferred_from_the_pixels(tmp_path):
    # enlarged to 34 and back: no fixed point of an upsampling, so the halo reads it (through a smaller side the
    # fixed point names the filter and side first: tests/test_resize_ringing.py)
    digit = digits(9960, 9961)[0]
    Image.fromarray(resized(digit, 34)).save(tmp_path / "d.png")
    meta = load_path(str(tmp_path / "d.png")).meta
    assert meta["channel"]["lossy"] and meta["channel"]["resize_history"]["halo"] >= 20
    key = channel_key(meta)
    assert key == ("resized", "pixels") and "inferred from the pixels" in describe(key)
    Image.fromarray(np.stack([resized(digit, 34)] * 3, axis=-1)).save(tmp_path / "rgb.png")  # grey stored as RGB
    assert channel_key(load_path(str(tmp_path / "rgb.png")).meta) == key
    # A JPEG after the resize is the last lossy step: read as JPEG.
    after = channels.image_channel(None, "PNG", b"", decoded(through_jpeg(resized(digit, 22), 90)))
    assert "jpeg_history" in after and "resize_history" not in after


@pytest.fixture(scope="module")
def case(mnist600_profile):
    return mnist600_profile


def labelled_generated(detectors, pixels, at=0.01):
    """How many of the 8-bit pictures the detectors' weighted Bonferroni rule (alpha 1 %) puts at a combined tail
    probability of at most `at` (0.01: labelled generated; the inconclusive band's top: not labelled real)."""
    x = np.stack(pixels)[:, None].astype(np.float32) / 255
    batch = suite.Batch(x, np.arange(len(x)))
    p = np.stack([calibration.tail_probability(d.tail, d.scores(batch)) for d in detectors], axis=1)
    weights = suite.weights(detectors, 0.01, [d.name != "grid" and not isinstance(d, StandAside) for d in detectors])
    return int(sum(calibration.combine(row, weights)[0] <= at for row in p))


def test_real_digits_resized_with_lanczos_stay_real_and_a_hazy_generator_is_still_caught(case):
    profile, detectors = case
    real = [resized(d, side) for d, side in zip(digits(9000, 9080), (20, 22, 26, 30, 34, 45) * 14)]
    assert sum(resize_history(d) is not None for d in real) >= 78
    resize_detectors, _ = channel_detectors(detectors, profile, ("resized", "pixels"))
    assert labelled_generated(resize_detectors, real) <= 2
    assert labelled_generated(detectors, real) >= 40  # the clean calibration calls them generated: the reading matters
    # A generator's haze is not read as a resize, so it is judged by the clean calibration and caught, resized or not.
    generated = [hazy(d, seed) for seed, d in enumerate(digits(9100, 9140))]
    generated += [resized(g, side) for g, side in zip(generated, (20, 24, 34, 45) * 10)]
    assert all(resize_history(g) is None for g in generated)
    assert labelled_generated(detectors, generated) >= 72


def test_the_reference_is_resized_through_each_factor_in_turn():
    x = load_spec("builtin:mnist[0:24]").x
    through = image_through(x, ("resized", "pixels"))
    assert through.shape == x.shape and len(RESIZE_FACTORS) == 15
    side = round(28 * RESIZE_FACTORS[0])
    expected = resized(np.rint(x[0, 0] * 255).astype(np.uint8), side).astype(np.float32) / 255
    assert np.array_equal(through[0, 0], expected)


# --- filters that do not ring, read as a fixed point (resample_history) -----------------------------------------

NON_RINGING = {"nearest": Image.NEAREST, "box": Image.BOX, "bilinear": Image.BILINEAR, "hamming": Image.HAMMING}


def test_the_reader_reproduces_pils_resize_exactly_for_each_filter():
    rng = np.random.default_rng(0)
    for name, method in NON_RINGING.items():
        for size_in, size_out in ((28, 17), (28, 16), (17, 28), (20, 28), (40, 16)):
            image = rng.integers(0, 256, (size_in, size_in), dtype=np.uint8)
            m = resample_matrix(size_in, size_out, name)
            ours = pil_pass(m[None], pil_pass(m[None], image.astype(np.float64), True), False)[0]
            pil = np.asarray(Image.fromarray(image).resize((size_out, size_out), method))
            assert np.array_equal(ours, pil), (name, size_in, size_out)


def test_each_filter_is_read_at_the_side_the_digit_went_through():
    real = digits(9900, 9915)
    for name, method in NON_RINGING.items():
        for side in (12, 17, 20, 24):
            found = [resample_history(resized(d, side, method)) for d in real]
            # box and nearest upsample alike, so either reads as both
            assert all(f is not None and f["side"] == side and name in f["filter"] for f in found), (name, side, found)


def test_clean_digits_a_generators_haze_a_blur_and_smooth_pictures_are_not_read():
    from scipy import ndimage

    real = digits(9930, 9960)
    y, x = np.mgrid[0:28, 0:28]
    smooth = [np.rint(x * 255 / 27).astype(np.uint8),  # bilinear's fixed point at every side, so no dip
              np.rint(255 * np.exp(-((x - 13.5) ** 2 + (y - 13.5) ** 2) / 60)).astype(np.uint8)]
    blurred = [np.clip(np.rint(ndimage.gaussian_filter(d / 255.0, sigma) * 330), 0, 255).astype(np.uint8)
               for d in real for sigma in (0.7, 1.3)]
    others = list(real) + [hazy(d, seed) for seed, d in enumerate(real)] + blurred + smooth
    assert sum(resample_history(image) is not None for image in others) == 0


def test_bicubic_and_lanczos_round_trips_are_not_read_as_a_filter_that_does_not_ring():
    # bicubic's and Lanczos' negative lobes put the file outside every upsampling without them (residual 1.8-2 grey
    # levels at bilinear's best side against 0.02-0.04 for a bilinear file): read as their own filter only
    # (tests/test_resize_ringing.py)
    real = digits(9960, 9990)
    for method in (Image.BICUBIC, Image.LANCZOS):
        for side in (14, 20, 24):
            found = [resample_history(resized(d, side, method), ringing=False, round_trip=None) for d in real]
            assert sum(f is not None for f in found) == 0


def test_a_bilinear_resize_is_named_in_the_channel_and_the_reference_resized_exactly_so(tmp_path):
    digit = digits(9961, 9962)[0]
    Image.fromarray(resized(digit, 20, Image.BILINEAR)).save(tmp_path / "d.png")
    meta = load_path(str(tmp_path / "d.png")).meta
    assert meta["channel"]["lossy"] and meta["channel"]["resample_history"]["side"] == 20
    key = channel_key(meta)
    assert key == ("resized", "pixels", ("bilinear",), 20)
    assert "resized with bilinear through 20 x 20" in describe(key)
    x = load_spec("builtin:mnist[0:4]").x
    expected = resized(np.rint(x[1, 0] * 255).astype(np.uint8), 20, Image.BILINEAR).astype(np.float32) / 255
    assert np.array_equal(image_through(x, key)[1, 0], expected)
    both = image_through(x, ("resized", "pixels", ("nearest", "box"), 17))  # a tie: the filters in turn
    for k, method in enumerate((Image.NEAREST, Image.BOX)):
        pixels = resized(np.rint(x[k, 0] * 255).astype(np.uint8), 17, method).astype(np.float32) / 255
        assert np.array_equal(both[k, 0], pixels)


def test_real_digits_resized_with_filters_that_do_not_ring_stay_real_against_the_reference_resized_so(case):
    profile, detectors = case
    real = digits(9200, 9260)
    for name, side in (("bilinear", 20), ("hamming", 20)):
        files = [resized(d, side, NON_RINGING[name]) for d in real]
        assert all(resample_history(f) is not None for f in files)
        resize_detectors, note = channel_detectors(detectors, profile, ("resized", "pixels", (name,), side))
        assert labelled_generated(resize_detectors, files) <= 1, name
        assert labelled_generated(detectors, files) >= 8, name  # the clean calibration: the reading matters


def test_the_verdict_of_a_bilinear_resized_real_digit_names_the_channel(tmp_path):
    from engine import case_workflows
    from engine.verdict import judge

    case_workflows.new_case(str(tmp_path / "case"), "builtin:mnist[0:400]", name="resize-test")
    Image.fromarray(resized(digits(9970, 9971)[0], 20, Image.BILINEAR)).save(tmp_path / "d.png")
    (verdict,) = judge(str(tmp_path / "case"), [str(tmp_path / "d.png")])["files"]
    assert "resized with bilinear through 20 x 20" in verdict["channel"]["assumed"]
    assert any("resized with bilinear through 20 x 20" in reason for reason in verdict["reasons"])


def test_a_feature_the_calibration_files_leave_nearly_constant_counts_a_value_beyond_them_at_the_rank_bound():
    from scipy.special import ndtri

    from engine.detectors import statistical

    rng = np.random.default_rng(0)
    files = rng.normal(size=(1000, 3))
    files[:, 0] = np.where(np.arange(1000) < 3, 0.001, 0.0)  # saturated pixels kept by three bold files only
    ranks, model = statistical.fit_ranked_outlier(files)
    bold = np.array([[0.1, 0.0, 0.0], [0.002, 0.0, 0.0]])  # far beyond the largest, and just beyond it
    z = statistical.rank_normal(ranks, bold)
    assert np.allclose(z[:, 0], ndtri(1000.5 / 1001))
    ranked = statistical.outlier_scores(model, z)
    assert np.isclose(ranked[0], ranked[1]) and ranked[0] < 20  # the files attest no rarer value than 1 / (n + 1)
    plain = statistical.outlier_scores(statistical.fit_outlier(files), bold[:1])
    assert plain[0] > 50  # counted in units of SCALE_FLOOR: a bold real file 10 SD out


def test_bold_real_digits_resized_stay_real_and_hazy_ones_are_caught(case):
    # mnist[7700:8000] holds bold digits whose saturated cores survive a bilinear round trip (14 % against 3 % of
    # the reference): the 20 that keep the most were 6 of 20 labelled generated by the plain Mahalanobis distance
    profile, detectors = case
    real = digits(7700, 8000)
    # among the figures of MNIST's box (one of the 300 spans 14 pixels, narrower than any reference figure: box-size
    # labels it generated, tests/test_verdict_box_size.py)
    files = [f for f in (resized(d, 24, Image.BILINEAR) for d in real) if longer_sides(f[None, None] / 255.0)[0] >= 19]
    bold = [files[i] for i in np.argsort([-(f == 255).sum() for f in files], kind="stable")[:20]]
    resize_detectors, _ = channel_detectors(detectors, profile, ("resized", "pixels", ("bilinear",), 24))
    assert next(d for d in resize_detectors if d.name == "features").ranks is not None
    assert labelled_generated(resize_detectors, bold) == 0
    generated = [resized(hazy(d, seed), 24, Image.BILINEAR) for seed, d in enumerate(real[:30])]
    assert labelled_generated(resize_detectors, generated) >= 28


def test_bilinear_and_hamming_are_read_beyond_88_percent_and_nearest_and_a_later_jpeg_are_not():
    from engine.data.resize_history import jpeg_resample_history

    real = digits(9400, 9420)
    for method, side in ((Image.BILINEAR, 25), (Image.BILINEAR, 26), (Image.HAMMING, 25), (Image.HAMMING, 26)):
        found = [resample_history(resized(d, side, method)) for d in real]
        # a neighbour nearly the identity can stay below RESAMPLE_MIN_NEIGHBOUR (Hamming 25: 9 of mnist[9400:9600])
        assert sum(f is not None for f in found) >= 17 and all(f["side"] == side for f in found if f), (method, side)
    assert all(resample_history(resized(d, 26, Image.NEAREST)) is None for d in real)
    table = [3] * 64  # a JPEG's tolerance, on the same pixels: no side above 88 % is read through it
    assert all((jpeg_resample_history(resized(d, 25, Image.BILINEAR), table) or {"side": 0})["side"] <= 24
               for d in real)
