"""A picture of another size than the case reference's, explained from its pixels (issues #18 and #14).

Generators written elsewhere output other sizes than the data they learned (pytorch/examples' dcgan trains MNIST at
64 x 64, tutorials pad it to 32 x 32), and real digits arrive enlarged by an editor or a web page. Refusing them
would count every such file as not caught, so a larger picture's size is read from its pixels and recorded as its
channel (meta["channel"]):

- padding: every value off the reference's background (exactly, as a script pads) fits in a crop of the reference's
  size: the file is judged as that crop (`padded`), nothing lossy. The crop is the centred one, as a symmetric pad
  (torchvision's Pad(2), the tutorials') placed the figure, moved only as far as it must to hold all of it. Not the
  crop that centres the figure's centre of mass: that would put every file's figure where the reference's are and
  blind `placement` to a generator that places its figure freely; the centred crop keeps the figure's position
  statistics as the padding left them. Where an interpolating filter's upsampling (or nearest's, exactly) explains
  the picture closely (ENLARGE_OVER_PADDING), it is the enlargement below: a digit resized to 32 x 32 still fits a
  crop. Where no filter explains it, padding is also read on the values more than HAZE off the background, a
  generator's faint haze in the padding it learned left out (`"haze"`).
- enlargement: the reference's aspect ratio, larger by up to limits.MAX_ENLARGEMENT. The enlarging filter is read as
  the one whose upsampling from the reference's size explains the file (the smaller picture found by least squares,
  corrected FIT_STEPS times for the clipping of a ringing filter's lobes, upsampled as Pillow does it: resize_history
  .resample_matrix, pil_pass) to within ENLARGE_MAX_RESIDUAL grey levels; real digits enlarged to 45-64 with Pillow's
  nearest, bilinear, bicubic, Lanczos or Hamming, or torch's bilinear with antialias (read as bilinear), leave at
  most 0.27 against 0.6-10 for the other filters (docs/studies.md, "Pictures of another size"). torch's bicubic and
  the corner-aligned resamplers (SciPy's zoom, torch's align_corners=True) are modelled in floating point and rounded
  once, as those libraries compute them (FLOAT_KERNELS). The file is then
  reduced to that smaller picture (for a real digit: the original, to within rounding; with bicubic and Lanczos the
  clipped ringing leaves some zeros faint), and the reference files are passed through the same round trip (enlarged
  with the filter read, reduced the same way: engine/detectors/channels.py).
  A picture no filter explains (a generator's native output, a filter not modelled) is reduced with Pillow's box
  filter (area averaging) and judged against the reference through each of COMMON_KERNELS' round trips, each
  detector at its largest tail probability: the filter is unknown, so no real file is judged against the wrong one.
- a grid: a lossless picture that is places of the reference's aspect ratio framed by lines of one value (a batch
  saved by torchvision's save_image, grid_layout) is judged as its pictures, each larger one read as above.
- anything else (smaller than the reference, another aspect ratio that is neither padding nor a grid, a colour
  picture in a grey case, an enlargement of a picture that went through a lossy codec) is refused with what was
  found.
"""
from functools import lru_cache

import numpy as np

from engine.data import limits, opencv_resize
from engine.data.channels import lossless_channel
from engine.data.resize_history import (PIL_PRECISION, TORCH_CUBIC_A, keys_cubic, pil_pass,
                                        resample_matrix)

# Pillow's (box upsamples as nearest) and torch's bicubic without antialias (torch.nn.functional.interpolate's and
# torchvision's Resize on tensors with antialias off: a = -0.75, both passes in floating point, rounded once), which
# Pillow's kernels explain no closer than 0.07-0.54 grey levels: resized to 32 x 32, real digits were read as padding.
# And the corner-aligned resamplers (the first and last pixels' centres kept: SciPy's ndimage.zoom, whose default is a
# cubic B-spline and order 1 linear; torch's interpolate with align_corners=True, linear or bicubic), which the
# centre-aligned kernels explain as another filter or as padding: real digits so resized to 32 x 32 were labelled
# generated 6-23 of 100 by box-size and shoulder-placement (tuning).
CORNER_KERNELS = ("scipy-spline", "corner-linear", "torch-bicubic-corners")
# OpenCV's cv2.resize enlarging with INTER_LANCZOS4 (8 taps, a = 4) and INTER_AREA (each pixel the source pixels it
# overlaps, by their share): real digits resized to 32 x 32 so were read as padding and labelled generated 125 and 51
# of 200 (docs/studies.md, "Red team: images as a checker prepares them", fifty-fifth pass). Its INTER_LINEAR
# enlargement is Pillow's bilinear, its INTER_CUBIC torch's bicubic.
# Its INTER_NEAREST takes the source pixel floor(x small / big), not the centre's as Pillow's nearest: real digits
# enlarged so to 32 / 40 were read as padding or as another filter and labelled generated 182 / 166 of 200 (tuning,
# fifty-sixth pass); read so, such an enlargement is reduced exactly to the picture enlarged.
OPENCV_KERNELS = ("opencv-lanczos4", "opencv-area", "opencv-nearest")
ENLARGE_KERNELS = ("nearest", "bilinear", "bicubic", "lanczos", "hamming", "torch-bicubic") + CORNER_KERNELS + \
    OPENCV_KERNELS
FLOAT_KERNELS = ("torch-bicubic",) + CORNER_KERNELS + OPENCV_KERNELS
NEAREST_KERNELS = ("nearest", "opencv-nearest")  # copies of pixels: read only where they explain a picture exactly
COMMON_KERNELS = ("nearest", "bilinear", "bicubic", "lanczos")  # calibrated over where none is read
KERNEL_WORDS = {"torch-bicubic": "torch's bicubic", "scipy-spline": "SciPy's zoom (a cubic B-spline, corners aligned)",
                "corner-linear": "linear interpolation with the corners aligned (SciPy's zoom at order 1, torch's "
                                 "align_corners=True)",
                "torch-bicubic-corners": "torch's bicubic with align_corners=True",
                "opencv-lanczos4": "OpenCV's Lanczos4", "opencv-area": "OpenCV's area interpolation",
                "opencv-nearest": "OpenCV's nearest"}
# the others: Pillow's filters
ENLARGE_MAX_RESIDUAL = 0.5  # grey levels, mean over the picture
# Over a picture padding explains too, only a closer fit reads an enlargement: real digits resized to 32-36 with an
# interpolating filter leave at most 0.21 (Lanczos), padded ones 0.46 and up; nearest only where it explains the
# picture exactly, as it does every nearest enlargement and, by chance, 13 of 10,000 padded MNIST digits (thin upright
# ones, whose rows it drops as copies: their figure comes back two pixels shorter).
ENLARGE_OVER_PADDING = 0.3
# A generator trained on padded pictures (torchvision's Pad(2)) leaves a faint haze in the padding it learned (up to
# 66 of 255 in tuning); where no filter explains a picture, padding is also read on its values more than HAZE off the
# background, the haze outside the crop left out (judged reduced with the box filter, such a DCGAN's figure came back
# an eighth smaller and passed 11 of 100 times; as its crop, 0 of 100).
HAZE = 0.3
FIT_STEPS = 8  # least-squares corrections of the smaller picture (a ringing filter's lobes clipped at 0 and 255)
MAX_GRID_BORDER = 8  # pixels between the pictures of a grid (torchvision's make_grid: 2)
BACKGROUND_SHARE = 0.99  # of the reference's border values on one value: it has a background to pad with
# Keys of a file's channel read from its pixels at the file's own size: re-read on a padded picture's crop, dropped
# for an enlargement (a resize read at the enlarged size is the enlargement itself).
PIXEL_READ = ("jpeg_history", "webp_history", "resample_history", "resize_history", "opencv_round_trip", "quality",
              "tables",
              "subsampling", "table_distance", "box_framed", "fills_frame")
# Of those, what describes the picture's figure or a resize at the file's size, not the codec's own channel: dropped
# from a lossy file's crop (a figure framed at 32 x 32 spans more of the frame than the crop holds: 29 pixels read
# there and passed on made the reference's framing fail).
SIZE_READ = ("resample_history", "opencv_round_trip", "box_framed", "fills_frame")
LOSSY_READ = ("jpeg_history", "webp_history")
LOSSY_CODECS = ("JPEG", "WebP lossy")


def reference_background(cal_x):
    """The value the reference's figures lie on (their border's, where BACKGROUND_SHARE of it is one value), or None."""
    x = np.asarray(cal_x)
    border = np.concatenate([x[..., 0, :].ravel(), x[..., -1, :].ravel(), x[..., :, 0].ravel(), x[..., :, -1].ravel()])
    values, counts = np.unique(border, return_counts=True)
    return float(values[np.argmax(counts)]) if counts.max() >= BACKGROUND_SHARE * border.size else None


def fit_to_reference(samples, shape, background):
    """(samples judged at the reference's `shape` (c, h, w), None) with their channel saying how, or (None, the
    reason for refusing them); `background`: reference_background's value (None: no padding is read)."""
    c, h, w = shape
    n_c, big_h, big_w = samples.shape
    size = f"{big_h} x {big_w}"
    if n_c != c:
        kind = "a colour picture" if n_c == 3 else f"a picture of {n_c} channels"
        if c == 1:
            return None, (f"{kind} ({size}), the case reference is grey ({h} x {w}), and not read back as grey (only a "
                          f"lossless 8-bit picture every pixel of which is one matplotlib colormap's colour is)")
        return None, f"{kind} ({size}), the case reference has {c} channels ({h} x {w})"
    if big_h < h or big_w < w:
        return None, (f"a picture of {size}, smaller than the case reference's {h} x {w}: no size change is read "
                      f"from a smaller picture")
    crop = padding(samples.x, (h, w), background)
    if crop is not None:
        read = enlargement_over_padding(samples, (h, w))
        return (enlarged(samples, (h, w), read) if read else padded(samples, (h, w), crop)), None
    layout = grid_layout(samples.x[0], (h, w)) if samples.n == 1 and not samples.meta.get("channel", {}).get(
        "lossy") else None
    if layout is not None:
        tiles = grid_tiles(samples, layout)
        return (tiles, None) if tiles.shape == shape else fit_to_reference(tiles, shape, background)
    if big_h * w != big_w * h:
        return None, (f"a picture of {size}: neither an enlargement of the case reference's {h} x {w} (another aspect "
                      f"ratio) nor padding (values off its background outside every {h} x {w} crop) nor a lossless "
                      f"grid of such pictures framed by borders of one value")
    if big_h > limits.MAX_ENLARGEMENT * h:
        return None, (f"a picture of {size}: more than {limits.MAX_ENLARGEMENT} times the case reference's {h} x {w}, "
                      f"and not padding")
    if c != 1:
        return None, f"a colour picture of {size}: an enlargement is read for grey pictures only; not judged"
    channel = samples.meta.get("channel") or {}
    values = np.rint(samples.x[:, 0] * 255) if samples.levels == 255 else None
    read = read_kernel(values, (h, w)) if values is not None and channel.get("codec") not in LOSSY_CODECS else None
    # A filter read explains the file to within rounding, which no lossy step after it leaves: a lossy history read
    # at the enlarged size is then chance (a nearest enlargement's few levels read as WebP's: 1 of 150 real digits).
    lossy = None if read else channel["codec"] if channel.get("codec") in LOSSY_CODECS else next(
        (k.replace("_", " ") for k in LOSSY_READ if k in channel), None)
    if lossy == "JPEG" and "tables" in channel:  # the file's own tables: the reference can take the same way
        return enlarged(samples, (h, w), None, jpeg_after={"tables": channel["tables"],
                                                           "subsampling": channel.get("subsampling", -1)}), None
    if lossy:
        return None, (f"a picture of {size}, an enlargement of the case reference's {h} x {w} through {lossy} "
                      f"afterwards: the reference is not passed through both; not judged")
    crop = None if read or values is None else padding(hazeless(samples.x, background), (h, w), background)
    if crop is not None:
        return padded(samples, (h, w), crop, hazy_background=background), None
    return enlarged(samples, (h, w), read), None


def hazeless(x, background):
    """Samples x with every value within HAZE of `background` set to it: what padding is read on where a generator
    trained on padded pictures left its faint haze in the padding."""
    return np.where(np.abs(x - np.float32(background)) > HAZE, x, np.float32(background))


def enlargement_over_padding(samples, size):
    """read_kernel's finding for a picture that padding also explains, where a filter's upsampling explains it too
    closely for padding: a figure enlarged by up to about 1.3 still fits a crop of the reference's size (a real digit
    resized to 32 x 32, as tutorials prepare MNIST, judged as a crop was labelled generated by its 22-pixel box). An
    8-bit grey picture of the reference's aspect ratio in a lossless format only (the resize read at its own size is
    this enlargement); None where padding stands."""
    (c, big_h, big_w), (h, w) = samples.shape, size
    codec = (samples.meta.get("channel") or {}).get("codec")
    if c != 1 or samples.levels != 255 or big_h * w != big_w * h or codec in LOSSY_CODECS:
        return None
    read = read_kernel(np.rint(samples.x[:, 0] * 255), size)
    if read is None:
        return None
    return read if read[0] in NEAREST_KERNELS or read[1] <= ENLARGE_OVER_PADDING else None


def padding(x, size, background):
    """(top, left) per sample of the crop of `size` that holds every value off `background` of samples x (n, c, H,
    W), the centred crop moved as little as it must (module docstring), or None where some sample's values off it
    fit in no such crop."""
    if background is None:
        return None
    h, w = size
    found = []
    for sample in np.asarray(x):
        ink = np.any(sample != np.float32(background), axis=0)
        start = []
        for axis, (side, small) in enumerate(zip(ink.shape, (h, w))):
            lit = np.flatnonzero(ink.any(axis=1 - axis))
            centred = (side - small) // 2
            if lit.size == 0:
                start.append(centred)
                continue
            if lit[-1] - lit[0] + 1 > small:
                return None
            start.append(int(np.clip(centred, lit[-1] - small + 1, lit[0])))
        found.append(tuple(start))
    return found


def grid_layout(x, size):
    """(border, rows, columns, tile height, tile width) of the finest grid that one picture x (c, H, W) is: at least
    two tiles of the reference's aspect ratio, from its `size` up to limits.MAX_ENLARGEMENT times it, separated and
    framed by lines MAX_GRID_BORDER pixels wide at most, every value on them the same (torchvision's save_image
    writes 2 pixels of pad_value, 0 by default); None where no such grid is found. A coarser grid's lines are a
    subset of a finer one's, so the finest consistent grid is the one written."""
    _, big_h, big_w = x.shape
    h, w = size
    for tile_h in range(h, limits.MAX_ENLARGEMENT * h + 1):
        if tile_h * w % h:
            continue
        tile_w = tile_h * w // h
        for border in range(1, MAX_GRID_BORDER + 1):
            rows, rest_h = divmod(big_h - border, tile_h + border)
            cols, rest_w = divmod(big_w - border, tile_w + border)
            if rest_h or rest_w or rows < 1 or cols < 1 or rows * cols < 2:
                continue
            lines_h = np.arange(big_h) % (tile_h + border) < border
            lines_w = np.arange(big_w) % (tile_w + border) < border
            lines = np.concatenate([x[:, lines_h].ravel(), x[:, :, lines_w].ravel()])
            if (lines == lines[0]).all():
                return border, rows, cols, tile_h, tile_w
    return None


def grid_tiles(samples, layout):
    """The tiles of one picture read as a grid (grid_layout's `layout`), row by row, without the trailing tiles of
    the last row that hold nothing but the border's value (a grid of fewer pictures than its places leaves them so);
    the channel says so and drops what was read from the pixels at the grid's size."""
    border, rows, cols, tile_h, tile_w = layout
    picture = samples.x[0]
    value = picture[0, 0, 0]
    tiles = [picture[:, border + r * (tile_h + border):(r + 1) * (tile_h + border),
                     border + c * (tile_w + border):(c + 1) * (tile_w + border)]
             for r in range(rows) for c in range(cols)]
    kept = len(tiles)
    while kept > (rows - 1) * cols + 1 and (tiles[kept - 1] == value).all():
        kept -= 1
    samples.x = np.stack(tiles[:kept])
    samples.items = [f"{samples.name}#tile{k}" for k in range(kept)]
    channel = {k: v for k, v in (samples.meta.get("channel") or {}).items() if k not in PIXEL_READ + ("lossy",)}
    channel.update(lossy=False, grid={"size": list(picture.shape[1:]), "rows": rows, "columns": cols,
                                      "tile": [tile_h, tile_w], "border": border, "border_value": float(value),
                                      "tiles": kept, "empty_places": len(tiles) - kept})
    samples.meta["channel"] = channel
    return samples


def padded(samples, size, crops, hazy_background=None):
    """The samples cropped to `size` at `crops`, their channel re-read on the crop (one 8-bit picture);
    `hazy_background`: the background, where padding was read on hazeless values (the haze left out is recorded)."""
    h, w = size
    big = samples.shape[1:]
    haze = None
    if hazy_background is not None:  # the largest value off the background outside any sample's crop
        off = np.abs(samples.x - np.float32(hazy_background))
        for k, (t, l) in enumerate(crops):
            off[k, :, t:t + h, l:l + w] = 0
        haze = float(off.max())
    samples.x = np.stack([s[:, t:t + h, l:l + w] for s, (t, l) in zip(samples.x, crops)])
    channel = dict(samples.meta.get("channel") or {})
    if channel.get("codec") in LOSSY_CODECS:  # its own channel; what was read at the padded size is not the crop's
        channel = {k: v for k, v in channel.items() if k not in SIZE_READ}
    else:  # lossless: what the pixels say is read again on the crop, which is judged
        kept = {k: v for k, v in channel.items() if k not in PIXEL_READ + ("lossy",)}
        channel = kept | lossless_channel(channel.get("codec", "array"), eight_bit(samples))
    top, left = crops[0]
    centred = all((t, l) == ((big[0] - h) // 2, (big[1] - w) // 2) for t, l in crops)
    channel["padded"] = {"size": list(big), "crop": [int(top), int(left)],
                         "placement": "centred" if centred else "moved from the centre to hold the figure"}
    if haze is not None:
        channel["padded"]["haze"] = round(haze, 4)
    samples.meta["channel"] = channel
    return samples


def eight_bit(samples):
    """One 8-bit picture's values ((h, w) or (h, w, 3)) for the pixel readers, else None."""
    if samples.levels != 255 or samples.n != 1:
        return None
    values = np.rint(samples.x[0] * 255).astype(np.uint8)
    return values[0] if values.shape[0] == 1 else np.moveaxis(values, 0, -1)


def corner_aligned_matrix(small, big, name):
    """(big, small) weights of a CORNER_KERNELS upsampling (source pixel x (small - 1) / (big - 1)), in PIL's units
    of 2 ** -PIL_PRECISION, unrounded: SciPy's zoom as SciPy computes it (it is linear and separable), torch's
    align_corners=True from its taps (bicubic's beyond the edge clamped onto it, as torch does)."""
    if name == "scipy-spline":
        from scipy import ndimage

        weights = np.stack([ndimage.zoom(unit, big / small) for unit in np.eye(small)], axis=1)
    else:
        source = np.arange(big) * (small - 1) / (big - 1)
        first, reach, kernel = ((0, 2, lambda d: np.maximum(0.0, 1 - np.abs(d))) if name == "corner-linear"
                                else (-1, 4, lambda d: keys_cubic(d, TORCH_CUBIC_A)))
        weights = np.zeros((big, small))
        taps = np.floor(source).astype(int)[:, None] + np.arange(first, first + reach)
        np.add.at(weights, (np.arange(big)[:, None], np.clip(taps, 0, small - 1)), kernel(source[:, None] - taps))
    return weights * 2 ** PIL_PRECISION


def opencv_matrix(small, big, name):
    """(big, small) weights of an OPENCV_KERNELS enlargement as cv2.resize computes them in floating point
    (engine/data/opencv_resize.py), in PIL's units, unrounded."""
    return opencv_resize.opencv_matrix(small, big, name.removeprefix("opencv-")) * 2 ** PIL_PRECISION


@lru_cache(maxsize=32)
def _upsampling(small, big, name):
    """The upsampling from `small` to `big` pixels with filter `name` (Pillow's fixed point; CORNER_KERNELS and
    OPENCV_KERNELS in its units) and its pseudo-inverse."""
    up = (corner_aligned_matrix(small, big, name) if name in CORNER_KERNELS
          else opencv_matrix(small, big, name) if name in OPENCV_KERNELS else resample_matrix(small, big, name))
    return up[None], np.linalg.pinv(up / 2 ** PIL_PRECISION)


def upsampled(small, size, name):
    """8-bit pictures (n, h, w) enlarged to `size` (H, W) as Pillow does it with filter `name` (width, then height;
    FLOAT_KERNELS: both passes in floating point, rounded and clipped once, as torch does)."""
    up_h, _ = _upsampling(small.shape[1], size[0], name)
    up_w, _ = _upsampling(small.shape[2], size[1], name)
    if name in FLOAT_KERNELS:
        scale = 2.0 ** -PIL_PRECISION
        return np.clip(np.rint((up_h * scale) @ small @ np.swapaxes(up_w * scale, 1, 2)), 0, 255)
    return pil_pass(up_h, pil_pass(up_w, small, True), False)


def least_squares_reduction(values, size, name):
    """(8-bit pictures (n, h, w) of `size` whose upsampling with `name` best explains values (n, H, W), the mean
    absolute residual of each): least squares, then FIT_STEPS corrections by the residual's least squares (where a
    ringing filter's lobes were clipped the first fit is off)."""
    values = np.asarray(values, dtype=np.float64)
    _, inv_h = _upsampling(size[0], values.shape[1], name)
    _, inv_w = _upsampling(size[1], values.shape[2], name)
    small = np.clip(np.rint(inv_h @ values @ inv_w.T), 0, 255)
    for _ in range(FIT_STEPS):
        small = np.clip(np.rint(small + inv_h @ (values - upsampled(small, values.shape[1:], name)) @ inv_w.T), 0, 255)
    return small, np.abs(upsampled(small, values.shape[1:], name) - values).mean(axis=(1, 2))


def box_reduction(values, size):
    """Pictures (n, H, W) reduced to `size` with Pillow's box filter (area averaging): 8-bit pictures as Pillow does
    it, others in floating point."""
    down_h, down_w = (resample_matrix(big, small, "box")[None] for big, small in zip(values.shape[1:], size))
    if np.issubdtype(np.asarray(values).dtype, np.integer):
        return pil_pass(down_h, pil_pass(down_w, values.astype(np.float64), True), False)
    scale = 2.0 ** -PIL_PRECISION
    return np.matmul(down_h * scale, np.matmul(values, np.swapaxes(down_w * scale, 1, 2)))


def read_kernel(values, size):
    """(the filter of ENLARGE_KERNELS whose upsampling from `size` explains 8-bit pictures (n, H, W) best within
    ENLARGE_MAX_RESIDUAL (nearest: exactly), its largest residual over them, their reductions), else None. Nearest
    copies pixels, so its enlargement is explained exactly; by a small factor it copies few rows and columns, and a
    picture with noise on it (a padded digit's: 0.22-0.31 grey levels at 32 x 32) fits it within the others' bound."""
    found = [(float(residual.max()), name, small) for name in ENLARGE_KERNELS
             for small, residual in [least_squares_reduction(values, size, name)]]
    within = [f for f in found if f[0] <= (0 if f[1] in NEAREST_KERNELS else ENLARGE_MAX_RESIDUAL)]
    if not within:
        return None
    residual, name, small = min(within, key=lambda f: f[0])
    return name, residual, small


def reduced(values, size, kernel):
    """Pictures (n, H, W) reduced to `size` as an enlargement with `kernel` is (None: not read, the box filter): the
    one reduction for evidence and for the reference passed through the round trip (engine/detectors/channels.py)."""
    if kernel is None:
        return box_reduction(values, size)
    return least_squares_reduction(values, size, kernel)[0]


def enlarged(samples, size, read, jpeg_after=None):
    """The samples reduced to `size` (`read`: read_kernel's finding, or None), their channel saying how (module
    docstring); `jpeg_after`: the JPEG file's tables and chroma subsampling, for an enlargement saved as JPEG (no
    filter is read through its noise: reduced with the box filter, judged against the reference enlarged with each
    common filter, through those tables at the file's size and reduced so)."""
    big = samples.shape[1:]
    kernel, residual, small = read if read else (None, None, None)
    if small is not None:
        samples.x = (small / 255)[:, None].astype(np.float32)
    elif samples.levels == 255:
        samples.x = (reduced(np.rint(samples.x[:, 0] * 255).astype(np.uint8), size, None) / 255)[:, None]
    else:
        samples.x = reduced(samples.x[:, 0], size, None)[:, None]
    samples.x = samples.x.astype(np.float32)
    channel = {k: v for k, v in (samples.meta.get("channel") or {}).items() if k not in PIXEL_READ + ("lossy",)}
    # An enlargement the reduction explains exactly (nearest, by any factor) gives back the very picture that was
    # enlarged: nothing lossy, and what its pixels say is read again on it, as on a padded picture's crop.
    exact = residual == 0
    channel.update(lossless_channel(channel.get("codec", "array"), eight_bit(samples)) if exact else {"lossy": True})
    channel.update(enlarged={
        "size": list(big), "factor": round(big[0] / size[0], 4), "filter": kernel, "exact": exact,
        "residual": None if residual is None else round(residual, 3),
        **({"jpeg_after": jpeg_after} if jpeg_after else {}),
        "reduced": (f"least squares to the {size[0]} x {size[1]} picture whose {kernel} upsampling it is"
                    if kernel else "Pillow's box filter (no filter's upsampling explains it)")})
    samples.meta["channel"] = channel
    return samples


def grid_reason(channel):
    """The verdict's reason for a picture read as a grid of pictures, or None."""
    if "grid" not in channel:
        return None
    found = channel["grid"]
    empty = found["empty_places"]
    return (f"grid: a picture of {found['size'][0]} x {found['size'][1]} read as {found['rows']} x "
            f"{found['columns']} places of {found['tile'][0]} x {found['tile'][1]} framed by {found['border']}-pixel "
            f"lines of one value (as torchvision's save_image writes a batch); its {found['tiles']} pictures judged "
            f"together" + (f", {empty} empty places at the end left out" if empty else ""))


def size_reason(channel):
    """The verdict's reason for a picture judged at another size than its own, or None."""
    if "padded" in channel:
        found = channel["padded"]
        within = ("every value off the reference's background within one crop of the reference's size"
                  if "haze" not in found else
                  f"every value more than {HAZE:g} off the reference's background within one crop of the reference's "
                  f"size, a haze up to {found['haze']:g} outside it left out")
        return (f"size: padding read from the pixels ({found['size'][0]} x {found['size'][1]}, {within}): judged as "
                f"the crop at row "
                f"{found['crop'][0]}, column {found['crop'][1]} ({found['placement']}); placement stands aside "
                f"(weight 0): how the padding was shared between the sides is not in the pixels, so neither is where "
                f"the figure was placed")
    if "enlarged" in channel:
        found = channel["enlarged"]
        how = (f"read as {KERNEL_WORDS.get(found['filter'], found['filter'])} from the pixels (residual "
               f"{found['residual']} grey levels)"
               if found["filter"] else f"no filter read: the reference through each of {', '.join(COMMON_KERNELS)}")
        saved = ", saved as JPEG afterwards (the reference passed through its tables at that size)" if found.get(
            "jpeg_after") else ""
        return (f"size: an enlargement by {found['factor']:g} ({found['size'][0]} x {found['size'][1]}){saved}, "
                f"{how}; reduced by {found['reduced']}")
    return None
