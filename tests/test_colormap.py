"""A grey picture saved through a matplotlib colormap (engine/data/colormap.py): read back as its grey levels in a
grey case, the colormap named; a picture the colormaps read differently is refused with that reason."""
import numpy as np
from matplotlib.image import imsave

from engine.data import colormap
from engine.data.loaders import load_path
from engine.data.specs import load_spec
from engine.verdict import load_evidence

MERGED = {"viridis": {105, 138}, "magma_r": set(), "turbo": set(), "cividis": {21, 23, 76}}
PROFILE = {"modality": "image", "shape": (1, 28, 28), "cal_x": np.zeros((4, 1, 28, 28), np.float32)}


def digits(n):
    return np.rint(load_spec(f"builtin:mnist[9000:{9000 + n}]").x[:, 0] * 255).astype(np.uint8)


def test_a_digit_saved_through_a_colormap_is_read_back_exactly(tmp_path):
    paths, pictures = [], []
    for k, (digit, cmap) in enumerate(zip(digits(4), ("viridis", "magma_r", "turbo", "cividis"))):
        paths.append(str(tmp_path / f"{k}.png"))
        imsave(paths[-1], digit, cmap=cmap, vmin=0, vmax=255)  # RGBA; without vmin, vmax: stretched to its span
        pictures.append(digit)
    accepted, rejected = load_evidence(paths, PROFILE)
    assert rejected == []
    for (_, samples), digit, cmap in zip(accepted, pictures, ("viridis", "magma_r", "turbo", "cividis")):
        assert samples.shape == (1, 28, 28) and samples.levels == 255
        off = np.rint(samples.x[0, 0] * 255) - digit
        # exact but where two neighbouring entries share an 8-bit colour (viridis: 104 and 105, 137 and 138)
        assert off.max() == 0 and off.min() >= -1 and set(digit[off != 0]) <= MERGED[cmap]
        channel = samples.meta["channel"]
        assert channel["colormap"]["name"] == cmap and channel["lossy"] is False
        assert colormap.reason(channel).startswith(f"colours: a grey picture written through matplotlib's {cmap}")


def test_a_colormap_and_its_reversed_twin_are_told_apart_only_by_the_reference_background(tmp_path):
    path = str(tmp_path / "d.png")
    imsave(path, digits(1)[0], vmin=0, vmax=255)
    samples = load_path(path)
    refused, reason = colormap.as_grey(samples, None)
    assert refused is None and reason.startswith("a colour picture whose colours are those of several matplotlib "
                                                 "colormaps that read it differently (viridis, viridis_r)")
    white = colormap.as_grey(load_path(path), 1.0)[0]  # a reference drawn dark on white: the negative is read
    assert np.abs(np.rint(white.x[0, 0] * 255) - (255 - digits(1)[0].astype(int))).max() <= 1  # viridis' shared colours
    assert white.meta["channel"]["colormap"]["name"] == "viridis_r"


def test_a_hazy_generated_picture_stretched_by_imsave_is_read_by_the_twin_nearest_the_background(tmp_path):
    """plt.imsave(path, x) stretches from the picture's own darkest pixel: a generator's faint haze leaves its border
    a few entries above it, on neither twin's background exactly."""
    picture = np.maximum(0.01, digits(1)[0] / 255 * 0.97)  # a tanh generator's haze, 1-2 entries up once stretched
    picture[14, 3] = 0.0  # its darkest pixel inside the figure's row, not on the border
    path = str(tmp_path / "g.png")
    imsave(path, picture)  # the default colormap, viridis, stretched to [min, max]
    read = colormap.as_grey(load_path(path), 0.0)[0]
    assert read is not None and read.meta["channel"]["colormap"]["name"] == "viridis"
    stretched = (picture - picture.min()) / (picture.max() - picture.min())
    assert np.abs(read.x[0, 0] - stretched).max() <= 2 / 255


def test_a_colour_picture_off_every_colormap_and_a_lossy_one_are_refused(tmp_path):
    digit = digits(1)[0]
    off = np.stack([digit, digit // 2, np.full_like(digit, 7)], axis=-1)
    jpeg = tmp_path / "v.jpg"
    imsave(jpeg, digit, pil_kwargs={"quality": 95})  # viridis through JPEG: colours no longer the colormap's
    from PIL import Image

    Image.fromarray(off).save(tmp_path / "off.png")
    accepted, rejected = load_evidence([str(tmp_path / "off.png"), str(jpeg)], PROFILE)
    assert accepted == [] and len(rejected) == 2
    assert all(r["reason"].startswith("a colour picture (28 x 28), the case reference is grey (28 x 28), and not "
                                      "read back as grey") for r in rejected)


def test_a_negative_is_read_back_by_the_reference_background(tmp_path):
    digit = digits(1)[0]
    grey_r, npy = str(tmp_path / "r.png"), str(tmp_path / "n.npy")
    imsave(grey_r, digit, cmap="gray_r", vmin=0, vmax=255)  # white background, dark strokes
    np.save(npy, 1 - digit / 255)
    accepted, rejected = load_evidence([grey_r, npy], PROFILE)
    assert rejected == []
    for _, samples in accepted:
        # gray_r's 8-bit colours skip a few levels (matplotlib truncates its entries), so within 1
        assert np.abs(np.rint(samples.x[0, 0] * 255) - digit).max() <= 1
        assert samples.meta["channel"]["negative"] is True
        assert colormap.reason(samples.meta["channel"]).startswith("colours: a negative")
    black = load_evidence([npy], dict(PROFILE, cal_x=np.ones((4, 1, 28, 28), np.float32)))[0][0][1]
    assert "negative" not in black.meta.get("channel", {})  # a reference on white: the picture is as it should be
