"""Pictures of another size than the case reference's (engine/data/picture_size.py, issues #18 and #14): padding is
judged as its crop, an enlargement reduced to the reference's size with its filter read from the pixels, anything
else refused with what was found."""
import numpy as np
import pytest
from PIL import Image

from engine import verdict
from engine.case_workflows import new_case
from engine.data import limits, picture_size
from engine.data.specs import load_spec
from engine.detectors.channel_keys import channel_key
from engine.detectors.channel_words import describe


@pytest.fixture(scope="module")
def mnist_case(tmp_path_factory):
    case = tmp_path_factory.mktemp("size") / "case"
    new_case(str(case), "builtin:mnist[0:600]")
    return str(case)


def digits(start, stop):
    return np.rint(load_spec(f"builtin:mnist[{start}:{stop}]").x[:, 0] * 255).astype(np.uint8)


def save(tmp_path, name, pixels):
    path = tmp_path / name
    Image.fromarray(pixels).save(path)
    return str(path)


def test_a_padded_and_an_enlarged_real_digit_are_judged_with_their_size_named(mnist_case, tmp_path):
    digit = digits(9000, 9001)[0]
    padded = save(tmp_path, "padded.png", np.pad(digit, 2))
    big = save(tmp_path, "big.png", np.asarray(Image.fromarray(digit).resize((64, 64), Image.Resampling.BILINEAR)))
    result = verdict.judge(mnist_case, [padded, big])
    assert result["batch"]["rejected"] == []
    files = {f["path"]: f for f in result["files"]}
    pad, enlarged = files[padded], files[big]
    assert pad["label"] == enlarged["label"] == "real"
    assert pad["channel"]["padded"] == {"size": [32, 32], "crop": [2, 2], "placement": "centred"}
    assert any(r.startswith("size: padding read from the pixels (32 x 32") for r in pad["reasons"])
    assert enlarged["channel"]["enlarged"]["filter"] == "bilinear" and enlarged["channel"]["lossy"]
    assert any("enlarged to 64 x 64 with bilinear, read from the pixels" in r for r in enlarged["reasons"])
    assert any(r.startswith("size: an enlargement by 2.2857 (64 x 64), read as bilinear") for r in enlarged["reasons"])


def test_a_digit_padded_unevenly_is_judged_without_placement(mnist_case, tmp_path):
    digit = digits(9001, 9002)[0]
    # padded by 4 pixels below and right, the centred crop shows it 2 pixels up and left of where it was drawn
    moved = np.roll(digit, (-2, -2), axis=(0, 1))
    assert digit[:2].max() == digit[:, :2].max() == 0  # (no ink wrapped round)
    unpadded, padded = save(tmp_path, "moved.png", moved), save(tmp_path, "uneven.png", np.pad(digit, ((0, 4), (0, 4))))
    files = {f["path"]: f for f in verdict.judge(mnist_case, [unpadded, padded])["files"]}
    assert files[unpadded]["label"] == "generated" and "placement" in files[unpadded]["reasons"][0]
    assert files[padded]["label"] == "real"
    assert any("placement stands aside (weight 0)" in r for r in files[padded]["reasons"])


def test_the_crop_recovers_a_padded_digit_and_the_reduction_an_enlarged_one(tmp_path):
    from engine.data.loaders import load_path

    background = picture_size.reference_background(load_spec("builtin:mnist[0:200]").x)
    assert background == 0.0
    for digit in digits(9001, 9006):
        for pad, crop in (((2, 2), [2, 2]), ((0, 4), [2, 2]), ((5, 1), [3, 3])):
            samples = load_path(save(tmp_path, "p.png", np.pad(digit, pad)))
            judged, reason = picture_size.fit_to_reference(samples, (1, 28, 28), background)
            assert reason is None and judged.shape == (1, 28, 28)
            assert judged.meta["channel"]["padded"]["crop"] == crop
            found = np.rint(judged.x[0, 0] * 255)
            # The figure whole and unmoved where the crop is the padding's own; moved by as little as it must else.
            assert found.sum() == digit.sum()
            if pad[0] == 2:
                np.testing.assert_array_equal(found, digit)
        for kernel in ("nearest", "bicubic", "lanczos"):
            method = getattr(Image.Resampling, kernel.upper())
            samples = load_path(save(tmp_path, "e.png", np.asarray(Image.fromarray(digit).resize((45, 45), method))))
            judged, _ = picture_size.fit_to_reference(samples, (1, 28, 28), background)
            assert judged.meta["channel"]["enlarged"]["filter"] == kernel
            assert np.abs(judged.x[0, 0] * 255 - digit).mean() < 0.5  # grey levels: the original, within rounding


def test_a_digit_resized_to_32_is_an_enlargement_though_padding_would_hold_it(mnist_case, tmp_path):
    # Resized by 32 / 28 its figure still fits a 28 x 28 crop, where its 22-pixel box read as generated (box-size);
    # nearest explains it exactly, an interpolating filter to within rounding, a padded digit neither.
    paths, padded = [], []
    for k, digit in enumerate(digits(9010, 9014)):
        for kernel in ("nearest", "bilinear", "bicubic"):
            method = getattr(Image.Resampling, kernel.upper())
            paths.append(save(tmp_path, f"{kernel}{k}.png",
                              np.asarray(Image.fromarray(digit).resize((32, 32), method))))
        padded.append(save(tmp_path, f"pad{k}.png", np.pad(digit, 2)))
    files = {f["path"]: f for f in verdict.judge(mnist_case, paths + padded)["files"]}
    for path in paths:
        assert files[path]["channel"]["enlarged"]["filter"] in path and "padded" not in files[path]["channel"]
        assert files[path]["label"] != "generated"
        assert files[path]["detectors"]["box-size"]["tail_probability"] > 0.05
    for path in padded:
        assert files[path]["channel"]["padded"]["crop"] == [2, 2] and "enlarged" not in files[path]["channel"]


def test_torch_bicubic_without_antialias_is_read_as_its_own_filter(mnist_case, tmp_path):
    import torch

    paths = []
    for k, digit in enumerate(digits(9040, 9044)):
        for side in (32, 64):
            big = torch.nn.functional.interpolate(torch.tensor(digit / 255.0)[None, None], size=(side, side),
                                                  mode="bicubic", align_corners=False)
            paths.append(save(tmp_path, f"torch{side}_{k}.png",
                              np.rint(big[0, 0].clamp(0, 1).numpy() * 255).astype(np.uint8)))
    files = verdict.judge(mnist_case, paths)["files"]
    for found in files:
        assert found["channel"]["enlarged"]["filter"] == "torch-bicubic", found["path"]
        assert found["channel"]["enlarged"]["residual"] < picture_size.ENLARGE_OVER_PADDING
        assert found["label"] != "generated"


@pytest.mark.parametrize("way", ["scipy-spline", "corner-linear", "torch-bicubic-corners"])
def test_a_corner_aligned_enlargement_is_read_as_its_own_filter(mnist_case, tmp_path, way):
    import torch
    from scipy import ndimage

    def enlarge(digit, side):
        if way == "scipy-spline":
            return ndimage.zoom(digit, side / 28)  # its defaults: a cubic B-spline, corners kept, rounded to uint8
        if way == "corner-linear":
            return ndimage.zoom(digit, side / 28, order=1)
        big = torch.nn.functional.interpolate(torch.tensor(digit / 255.0)[None, None], size=(side, side),
                                              mode="bicubic", align_corners=True)
        return np.rint(big[0, 0].clamp(0, 1).numpy() * 255).astype(np.uint8)

    paths = [save(tmp_path, f"{side}_{k}.png", enlarge(digit, side))
             for k, digit in enumerate(digits(9060, 9063)) for side in (36, 40)]
    for found in verdict.judge(mnist_case, paths)["files"]:
        assert found["channel"]["enlarged"]["filter"] == way, found["path"]
        assert found["channel"]["enlarged"]["residual"] < picture_size.ENLARGE_OVER_PADDING
        assert found["label"] != "generated"


def test_corner_aligned_matrices_are_the_libraries_own():
    import torch
    from scipy import ndimage

    x = np.random.default_rng(5).random((28, 28))
    torch_made = torch.nn.functional.interpolate(torch.tensor(x)[None, None], size=(36, 36), mode="bicubic",
                                                 align_corners=True)[0, 0].numpy()
    for name, made in (("scipy-spline", ndimage.zoom(x, 36 / 28)), ("corner-linear", ndimage.zoom(x, 36 / 28, order=1)),
                       ("torch-bicubic-corners", torch_made)):
        up = picture_size.corner_aligned_matrix(28, 36, name) / 2 ** picture_size.PIL_PRECISION
        assert up @ x @ up.T == pytest.approx(made, abs=1e-9), name


OPENCV = "tests/data/opencv_resize.npz"  # cv2.resize's own output (OpenCV 4, not a dependency): tests/data/README.md


def test_opencv_matrices_are_opencvs_own():
    made = np.load(OPENCV)
    for name in ("lanczos4", "area", "nearest"):
        for side in (32, 36):  # at 36 an area pixel's edge falls on a source pixel's, where OpenCV's rounding decides
            up = picture_size.opencv_matrix(28, side, f"opencv-{name}") / 2 ** picture_size.PIL_PRECISION
            assert up @ made["x"] @ up.T == pytest.approx(made[f"float_{name}_{side}"], abs=1e-5), (name, side)


@pytest.mark.parametrize("name", ["lanczos4", "area", "nearest"])
def test_an_opencv_enlargement_is_read_as_its_own_filter(mnist_case, tmp_path, name):
    made = np.load(OPENCV)
    paths = [save(tmp_path, f"{side}_{k}.png", digit)
             for side in (32, 40) for k, digit in enumerate(made[f"digits_{name}_{side}"])]
    for found in verdict.judge(mnist_case, paths)["files"]:
        assert found["channel"]["enlarged"]["filter"] == f"opencv-{name}", found["path"]
        assert found["channel"]["enlarged"]["residual"] < picture_size.ENLARGE_OVER_PADDING
        assert found["label"] != "generated"


def test_a_haze_left_in_the_padding_is_padding_and_noise_on_a_padded_digit_no_enlargement(tmp_path):
    from engine.data.loaders import load_path

    digit = digits(9020, 9021)[0].astype(float)
    rng = np.random.default_rng(3)
    # a generator trained on padded digits: its figure inside the crop, a faint haze (at most 20 of 255) all round
    haze = np.pad(digit, 2) + rng.integers(0, 21, (32, 32)) * (np.pad(digit, 2) < 100)
    # a real padded digit with noise of 2 levels: nearest would explain it within the interpolating filters' bound
    noisy = np.pad(digit, 2) + rng.normal(0, 2, (32, 32))
    for name, picture in (("haze.png", haze), ("noisy.png", noisy)):
        samples = load_path(save(tmp_path, name, np.clip(np.rint(picture), 0, 255).astype(np.uint8)))
        judged, reason = picture_size.fit_to_reference(samples, (1, 28, 28), 0.0)
        assert reason is None and "enlarged" not in judged.meta["channel"]
        found = judged.meta["channel"]["padded"]
        assert found["crop"] == [2, 2] and 0 < found["haze"] * 255 <= 20 + 6
        assert "a haze up to" in picture_size.size_reason(judged.meta["channel"])
        np.testing.assert_allclose(judged.x[0, 0] * 255, np.clip(np.rint(picture), 0, 255)[2:30, 2:30])
    # an array of pictures: the haze recorded is the largest left out of any of them
    batch = np.stack([np.pad(digit, 2), np.pad(digit, 2)]).astype(np.uint8)
    batch[0, 0, 0] = batch[0, 31, 31] = 10  # at opposite corners: no crop holds both
    batch[1, 0, 31] = batch[1, 31, 0] = 30
    np.save(tmp_path / "batch.npy", batch)
    judged, _ = picture_size.fit_to_reference(load_path(str(tmp_path / "batch.npy")), (1, 28, 28), 0.0)
    assert judged.meta["channel"]["padded"]["haze"] == pytest.approx(30 / 255, abs=1e-4)


def test_a_hazy_padding_framed_at_its_own_size_is_judged_by_its_crop(mnist_case, tmp_path):
    # Faint marks (40 of 255, within the haze) at two corners make the 32 x 32 picture's figure a centred box of 29
    # pixels, as EMNIST frames its figures; read at that size and passed on, the reference was framed to 29 of 28.
    picture = np.pad(digits(9030, 9031)[0], 2)
    picture[1, 1] = picture[29, 29] = 40
    path = save(tmp_path, "framed_haze.png", picture)
    (found,) = verdict.judge(mnist_case, [path])["files"]
    assert found["channel"]["padded"]["haze"] == pytest.approx(40 / 255, abs=1e-3)
    assert found["channel"].get("box_framed") != 29


def test_sizes_not_explained_are_refused_with_what_was_found(mnist_case, tmp_path):
    digit = digits(9010, 9011)[0]
    wide = save(tmp_path, "wide.png", np.asarray(Image.fromarray(digit).resize((40, 28))))
    small = save(tmp_path, "small.png", np.asarray(Image.fromarray(digit).resize((20, 20))))
    colour = save(tmp_path, "colour.png", np.stack([np.pad(digit, 18), np.zeros((64, 64), np.uint8),
                                                    np.pad(digit, 18)], axis=-1))
    big_webp = tmp_path / "big.webp"
    Image.fromarray(digit).resize((56, 56)).save(big_webp, quality=90)
    accepted, rejected = verdict.load_evidence([wide, small, colour, str(big_webp)],
                                               {"modality": "image", "shape": (1, 28, 28),
                                                "cal_x": load_spec("builtin:mnist[0:50]").x})
    assert accepted == []
    reasons = [r["reason"] for r in rejected]
    assert reasons[0].startswith("a picture of 28 x 40: neither an enlargement of the case reference's 28 x 28 "
                                 "(another aspect ratio) nor padding")
    assert reasons[1].startswith("a picture of 20 x 20, smaller than the case reference's 28 x 28")
    assert reasons[2].startswith("a colour picture (64 x 64), the case reference is grey (28 x 28), and not read back")
    assert reasons[3].startswith("a picture of 56 x 56, an enlargement of the case reference's 28 x 28 through WebP "
                                 "lossy")


def test_an_enlargement_saved_as_jpeg_is_judged_against_the_reference_through_both(mnist_case, tmp_path):
    paths = []
    for k, digit in enumerate(digits(9070, 9073)):
        path = tmp_path / f"big{k}.jpg"
        Image.fromarray(digit).resize((56, 56), Image.Resampling.BILINEAR).save(path, quality=85)
        paths.append(str(path))
    result = verdict.judge(mnist_case, paths)
    assert result["batch"]["rejected"] == []
    for found in result["files"]:
        enlarged = found["channel"]["enlarged"]
        assert enlarged["filter"] is None and enlarged["jpeg_after"]["tables"]
        key = channel_key(found)
        assert key[:4] == ("enlarged", (56, 56), None, None) and key[4][0] == "JPEG"
        assert "then saved as JPEG" in describe(key)
        assert found["label"] != "generated"


def test_a_huge_enlargement_is_refused_and_the_largest_read_within_bounds(tmp_path):
    import time
    import tracemalloc

    from engine.data.loaders import load_path

    digit = digits(9020, 9021)[0]
    side = 28 * limits.MAX_ENLARGEMENT
    huge = load_path(save(tmp_path, "huge.png", np.asarray(Image.fromarray(digit).resize((4096, 4096)))))
    judged, reason = picture_size.fit_to_reference(huge, (1, 28, 28), 0.0)
    assert judged is None and f"more than {limits.MAX_ENLARGEMENT} times" in reason
    largest = load_path(save(tmp_path, "largest.png", np.asarray(Image.fromarray(digit).resize((side, side)))))
    tracemalloc.start()
    start = time.perf_counter()
    judged, _ = picture_size.fit_to_reference(largest, (1, 28, 28), 0.0)
    elapsed, peak = time.perf_counter() - start, tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert judged.meta["channel"]["enlarged"]["filter"] == "bicubic"  # Pillow's default for resize
    assert elapsed < 2 and peak < 100 * 2 ** 20


def test_a_filter_not_read_is_judged_against_each_common_filters_round_trip():
    key = channel_key({"channel": {"codec": "PNG", "lossy": True,
                                   "enlarged": {"size": [64, 64], "filter": None, "exact": False}}})
    assert key == ("enlarged", (64, 64), None)
    words = describe(key)
    assert "a filter not read from the pixels" in words and "nearest, bilinear, bicubic, lanczos" in words


def test_a_nearest_enlargement_is_the_picture_enlarged_and_its_own_history_is_read(tmp_path):
    from engine.data.loaders import load_path
    from tests.test_resize_history import resized

    digit = resized(digits(9030, 9031)[0], 20, Image.Resampling.BILINEAR)  # resized down and back first
    big = np.asarray(Image.fromarray(digit).resize((64, 64), Image.Resampling.NEAREST))
    judged, _ = picture_size.fit_to_reference(load_path(save(tmp_path, "n.png", big)), (1, 28, 28), 0.0)
    np.testing.assert_array_equal(np.rint(judged.x[0, 0] * 255), digit)
    channel = judged.meta["channel"]
    assert channel["enlarged"]["exact"] and channel["resample_history"]["side"] == 20
    assert channel_key(judged.meta) == ("resized", "pixels", ("bilinear",), 20)


def grid(pictures, columns=8, border=2, value=0):
    """torchvision's make_grid of grey 8-bit pictures (n, h, w): `border` pixels of `value` between and around them,
    places beyond the last picture left at `value`; saved as RGB as save_image does."""
    n, h, w = pictures.shape
    rows = -(-n // columns)
    out = np.full((rows * (h + border) + border, columns * (w + border) + border), value, np.uint8)
    for k, picture in enumerate(pictures):
        r, c = divmod(k, columns)
        top, left = border + r * (h + border), border + c * (w + border)
        out[top:top + h, left:left + w] = picture
    return np.repeat(out[..., None], 3, axis=-1)


def test_a_grid_of_digits_is_judged_as_its_pictures(mnist_case, tmp_path):
    pictures = digits(9040, 9050)
    path = save(tmp_path, "grid.png", grid(pictures))  # 2 rows of 8 places, 6 left empty
    (_, samples), = verdict.load_evidence([path], {"modality": "image", "shape": (1, 28, 28),
                                                   "cal_x": load_spec("builtin:mnist[0:50]").x})[0]
    np.testing.assert_array_equal(np.rint(samples.x[:, 0] * 255), pictures)
    assert samples.meta["channel"]["grid"] == {"size": [62, 242], "rows": 2, "columns": 8, "tile": [28, 28],
                                               "border": 2, "border_value": 0.0, "tiles": 10, "empty_places": 6}
    judged, = verdict.judge(mnist_case, [path])["files"]
    assert judged["label"] == "real" and judged["patches"] == 10
    assert any(r.startswith("grid: a picture of 62 x 242 read as 2 x 8 places of 28 x 28") for r in judged["reasons"])


def test_a_grid_of_enlarged_digits_on_white_lines_is_split_then_reduced(tmp_path):
    from engine.data.loaders import load_path

    small = digits(9050, 9054)
    big = np.stack([np.asarray(Image.fromarray(d).resize((64, 64), Image.Resampling.BILINEAR)) for d in small])
    samples = load_path(save(tmp_path, "g64.png", grid(big, columns=2, border=3, value=255)))
    judged, reason = picture_size.fit_to_reference(verdict.grey_if_neutral(samples), (1, 28, 28), 0.0)
    assert reason is None and judged.shape == (1, 28, 28) and judged.n == 4
    channel = judged.meta["channel"]
    assert channel["grid"]["tile"] == [64, 64] and channel["grid"]["border_value"] == 1.0
    assert channel["enlarged"]["filter"] == "bilinear"
    assert np.abs(np.rint(judged.x[:, 0] * 255) - small).mean() < 1


def test_a_grid_through_jpeg_is_refused_naming_the_grid(tmp_path):
    from engine.data.loaders import load_path

    path = tmp_path / "grid.jpg"
    Image.fromarray(grid(digits(9060, 9070))[..., 0]).save(path, quality=90)
    judged, reason = picture_size.fit_to_reference(load_path(str(path)), (1, 28, 28), 0.0)
    assert judged is None and reason.endswith("nor a lossless grid of such pictures framed by borders of one value")
