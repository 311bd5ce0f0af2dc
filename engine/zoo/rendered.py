"""Rule-based pictures: digits typeset from fonts, then normalised as the reference's figures were (MNIST's
recipe: the figure scaled to fit a box with anti-aliasing and placed by its centre of mass).

No model is trained. The zoo's learned detectors see a family that is neither a network nor a distortion of the
reference: printed figures passed off as handwriting by normalising them like the real ones, which the profile's
intensity, edge and placement statistics cannot tell apart (300 such digits: 278 labelled real in a profile-only
MNIST case; docs/studies.md, twenty-third pass).

Fonts: the text fonts shipped with matplotlib and reportlab (both dependencies), else Pillow's own. Box size,
centre and brightest value follow the reference's figures (drawn from their empirical distributions); weight,
slant, rotation and the reducing filter vary at random.
"""
import glob
import os
from functools import lru_cache

import numpy as np

GLYPHS = "0123456789"
RENDER_SCALE = 4  # glyphs drawn at this multiple of the target box, then reduced (anti-aliased)
INK = 0.1  # a value above this counts as the figure (its box and centre of mass)
MAX_ROTATION = 15.0  # degrees
MAX_SHEAR = 0.3
MAX_STROKE = 0.08  # outline thickening, at most this share of the glyph's size
NOT_TEXT = ("Siz", "Sym", "NonUni", "cmex", "cmsy", "cmmi", "Display", "LastResort", "hb-test")  # symbols, tests


@lru_cache(maxsize=1)
def font_files():
    """The TrueType text fonts of matplotlib and reportlab; empty where neither is installed."""
    import importlib.util

    found = []
    for package, sub in (("matplotlib", ("mpl-data", "fonts", "ttf")), ("reportlab", ("fonts",))):
        spec = importlib.util.find_spec(package)
        if spec and spec.submodule_search_locations:
            folder = os.path.join(list(spec.submodule_search_locations)[0], *sub)
            found += sorted(glob.glob(os.path.join(folder, "*.ttf")))
    return tuple(f for f in found if not any(s in os.path.basename(f) for s in NOT_TEXT))


@lru_cache(maxsize=256)
def font(path, size):
    from PIL import ImageFont

    return ImageFont.truetype(path, size) if path else ImageFont.load_default(size)


def reference_geometry(x):
    """Per reference figure (x: (n, c, h, w) in [0, 1]): the long side of its box, its centre of mass (row,
    column) and its brightest value; figures with no value above INK are skipped."""
    grey = x.mean(axis=1)
    sides, centres, peaks = [], [], []
    rows, cols = np.arange(grey.shape[1]), np.arange(grey.shape[2])
    for figure in grey:
        ink = figure > INK
        if not ink.any():
            continue
        r, c = np.nonzero(ink)
        sides.append(max(np.ptp(r), np.ptp(c)) + 1)
        weight = np.where(ink, figure, 0.0)
        centres.append((weight.sum(1) @ rows / weight.sum(), weight.sum(0) @ cols / weight.sum()))
        peaks.append(figure.max())
    if not sides:
        raise ValueError(f"the reference holds no figures to imitate (no value above {INK})")
    return np.array(sides), np.array(centres), np.array(peaks)


def glyph(font_path, char, size, rng):
    """A character drawn white on black at `size` pixels, thickened, slanted and rotated at random, cropped to
    its ink."""
    from PIL import Image, ImageDraw

    canvas = Image.new("L", (3 * size, 3 * size), 0)
    ImageDraw.Draw(canvas).text((size, size // 2), char, fill=255, font=font(font_path, size),
                                stroke_width=int(rng.uniform(0, MAX_STROKE) * size), stroke_fill=255)
    shear = float(rng.uniform(-MAX_SHEAR, MAX_SHEAR))
    canvas = canvas.transform(canvas.size, Image.AFFINE, (1, shear, -shear * 1.5 * size, 0, 1, 0), Image.BILINEAR)
    canvas = canvas.rotate(float(rng.uniform(-MAX_ROTATION, MAX_ROTATION)), resample=Image.BILINEAR)
    box = canvas.getbbox()
    return canvas.crop(box) if box else canvas


def place(figure, centre, shape):
    """`figure` on a blank picture of `shape`, its centre of mass at `centre` (kept inside the picture)."""
    weight = figure.sum()
    rows, cols = np.arange(figure.shape[0]), np.arange(figure.shape[1])
    own = (figure.sum(1) @ rows / weight, figure.sum(0) @ cols / weight) if weight > 0 else (0.0, 0.0)
    top = int(np.clip(round(centre[0] - own[0]), 0, shape[0] - figure.shape[0]))
    left = int(np.clip(round(centre[1] - own[1]), 0, shape[1] - figure.shape[1]))
    out = np.zeros(shape, np.float32)
    out[top:top + figure.shape[0], left:left + figure.shape[1]] = figure
    return out


def render(x, n, seed):
    """n figures (n, c, h, w) float32 in [0, 1] imitating the reference figures x."""
    from PIL import Image

    rng = np.random.default_rng(seed)
    sides, centres, peaks = reference_geometry(x)
    fonts = font_files() or (None,)
    filters = (Image.BOX, Image.BILINEAR, Image.LANCZOS, Image.BICUBIC)
    channels, height, width = x.shape[1:]
    out = np.zeros((n, channels, height, width), np.float32)
    for k in range(n):
        side = int(min(sides[rng.integers(len(sides))], height, width))
        drawn = glyph(fonts[rng.integers(len(fonts))], GLYPHS[rng.integers(len(GLYPHS))], RENDER_SCALE * side, rng)
        scale = side / max(drawn.size)
        size = (max(1, min(width, round(drawn.size[0] * scale))), max(1, min(height, round(drawn.size[1] * scale))))
        figure = np.asarray(drawn.resize(size, filters[rng.integers(len(filters))]), np.float32) / 255.0
        out[k, :] = place(figure, centres[rng.integers(len(centres))], (height, width))
        out[k] *= peaks[rng.integers(len(peaks))] / max(out[k].max(), 1e-6)
    return out
