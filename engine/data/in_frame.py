"""A figure resampled within its frame (rotated, rescaled or shifted by a fraction of a pixel with interpolation), read
from how sharp its edges are (issues #14 and #18).

MNIST's preparation fitted each figure into a 20-pixel box and centred it by whole pixels; `box-size` and `placement`
read that preparation, so a real digit that an editor rotated by a few degrees, rescaled or moved by a fraction of a
pixel with bilinear or bicubic interpolation spans 21-22 pixels or sits off the centring as a long-trained
generator's figure does: 15-80 % of such digits were labelled generated (docs/verdicts.md, "Limits"). The angle or
the shift cannot be read from the figure (derotated, the interpolation's smear still widens the box), but the smear
can: interpolation averages neighbouring pixels, so the picture loses the energy of its finest detail against its
edges. `sharpness` measures that: the energy of the picture less its 3 x 3 binomial blur, over its gradient energy.
Tuning (10th/50th/90th percentiles): MNIST's digits as written 0.092/0.101/0.119; rotated by up to 8 degrees, rescaled
or shifted by up to half a pixel with bilinear 0.064-0.071/0.076-0.082/0.089-0.095, rotated with Pillow's bicubic
0.082/0.089/0.099 (then JPEG 85 0.083/0.090/0.100); long-trained DCGANs and LSGANs draw crisp edges, 0.098-0.099/
0.104-0.106/0.111-0.116, through JPEG 85 crisper still; a DDPM's 0.094/0.102/0.114. Below SOFT lie 93-100 % of the
resampled real digits whose ink box widened past 20 pixels, 0-2 % of the GANs' digits (through JPEG 85 none), 15 % of
the DDPM's, and 22 % of MNIST's own digits as written, which are judged so too: the reading only makes a verdict more
cautious (docs/studies.md, "Real digits resampled within their frame", fifty-first pass).

A VAE's soft figures lie there too (a VQ-VAE's: 80 % of its digits below SOFT, and 16 of the 160 in 200 it had caught
lost, as the box and the centring were its catching traits), but their softness is not interpolation's: bilinear
halves every steep step between neighbouring pixels (of an edge's steps above STEP, those above STEEP: resampled real
digits 0-19 % at the 90th percentile, the VQ-VAE's 26-37 %), and Pillow's bicubic, whose steps stay steep, overshoots
and clips the ink's plateau at white (its share of the ink at 253 of 255 and up: 38-49 %, the VQ-VAE's 3-25 %). So a
soft picture is read as resampled where its steep steps are few (FEW_STEEP) or its plateau kept (SATURATED).

A long-trained MLP VAE's soft digits pass those two rules too (two thirds to three quarters of them), but carry a
halo no resample makes: a resample moves each value at most its kernel's reach (bilinear one pixel, bicubic two) and
the reference's figures have no value beyond a pixel or two from their ink, so a resampled real figure keeps next to
no faint value (1-15 of 255) three pixels or more from its ink (`halo`; tuning: more than HALO such values in none of
about 10,000 real digits rotated, rescaled or shifted with bilinear or bicubic, in 2 % of digits blurred with a
Gaussian of radius 0.5, in 78-98 % of the VAEs' digits read so; a downscale reaches further: 16 of 800 digits resized
through 34 pixels and back). A lossless file with such a halo is not read and is judged as written; a JPEG's ringing
puts faint values everywhere, so a JPEG file is read as before (docs/studies.md, "A VAE's halo inside the in-frame
reading", fifty-third pass).

A lossless 8-bit grey square picture or a grey JPEG file, with nothing read in it but EMNIST's framing or a mirror or
a quarter turn (a resampled real figure lies far enough from the reference's figures to read as one in a fifth of
digits), in a case whose reference background is empty, is read as resampled when its sharpness lies below SOFT; it is
judged as that channel judges it and against the reference's figures resampled so, then through the file's JPEG
(engine/detectors/channels.py in_frame_union: `box-size` and `placement` each keep the larger of their tail
probabilities), so a generator's figure read so keeps every other detector and loses only the box and the centring,
and only as far as a resampled real figure shows them.
"""
import numpy as np

from engine.data.tone_curve import lossy_grey_codec, one_eight_bit_grey_picture

SOFT = 0.095  # sharpness below this: soft enough to have been resampled (module docstring)
STEP, STEEP = 0.2, 0.6  # a step between neighbouring pixels: an edge's, and a steep one
FEW_STEEP = 0.2  # below this share of steep steps among an edge's: bilinear's averaging (module docstring)
INK, PLATEAU = 0.5, 0.99  # a figure's ink, and its saturated plateau (253 of 255 and up)
SATURATED = 0.27  # above this share of the ink on the plateau: a real figure's, which a bicubic resample keeps
HALO_REACH = 3  # chessboard distance from the ink (above INK) beyond a resampling kernel's reach
FAINT = 0.06  # a halo's values lie above zero and below this (15 of 255); a faint stroke's crest lies higher
HALO = 8  # more faint values than this beyond HALO_REACH of the ink: a halo no resample makes (module docstring)
# what a grey picture's channel may hold for the reading (module docstring): a lossless file's format, or a JPEG
# file's tables, EMNIST's framing, a mirror or a quarter turn; nothing read before the JPEG (a resize, a tone, noise)
UNREAD = {"codec", "lossy", "box_framed", "oriented"}
JPEG_FILE = UNREAD | {"quality", "table_distance", "subsampling", "tables"}
BINOMIAL = np.array([1.0, 2.0, 1.0]) / 4


def sharpness(picture):
    """A grey picture's (h, w) energy less its 3 x 3 binomial blur (zeros beyond the frame), over its gradient energy;
    inf for a flat picture."""
    x = np.asarray(picture, dtype=np.float64)
    padded = np.pad(x, 1)
    rows = padded[:-2] * BINOMIAL[0] + padded[1:-1] * BINOMIAL[1] + padded[2:] * BINOMIAL[2]
    blurred = rows[:, :-2] * BINOMIAL[0] + rows[:, 1:-1] * BINOMIAL[1] + rows[:, 2:] * BINOMIAL[2]
    gradient = (np.diff(x, axis=0) ** 2).sum() + (np.diff(x, axis=1) ** 2).sum()
    return float(((x - blurred) ** 2).sum() / gradient) if gradient > 0 else np.inf


def steep_share(picture):
    """The share of a grey picture's (h, w) steps between neighbouring pixels above STEP that exceed STEEP (0 without
    edges)."""
    x = np.asarray(picture, dtype=np.float64)
    steps = np.concatenate([np.abs(np.diff(x, axis=0)).ravel(), np.abs(np.diff(x, axis=1)).ravel()])
    return float(np.sum(steps > STEEP) / max(np.sum(steps > STEP), 1))


def saturated_share(picture):
    """The share of a grey picture's (h, w) ink (values above INK) at PLATEAU or above (0 without ink)."""
    x = np.asarray(picture, dtype=np.float64)
    return float(np.sum(x >= PLATEAU) / max(np.sum(x > INK), 1))


def halo(picture, reach=HALO_REACH):
    """The number of a grey picture's (h, w) faint values (above zero, below FAINT) at chessboard distance `reach` or
    more from every value above INK (all of them without ink)."""
    x = np.asarray(picture, dtype=np.float64)
    near = np.pad(x > INK, reach - 1)
    h, w = x.shape
    side = 2 * reach - 1
    near = np.any([near[i:i + h, j:j + w] for i in range(side) for j in range(side)], axis=0)
    return int(np.sum((x > 0) & (x < FAINT) & ~near))


def resampled(picture):
    """Whether a grey picture (h, w) reads as resampled within its frame: soft, and either its edges' steps halved
    (bilinear) or its ink's plateau kept (a bicubic's overshoot, clipped), where a VAE's soft figure keeps steep steps
    and loses the plateau (module docstring)."""
    return sharpness(picture) < SOFT and (steep_share(picture) < FEW_STEEP or saturated_share(picture) > SATURATED)


def read(samples, clean_reference):
    """Samples whose one lossless 8-bit grey square picture without a halo, or one grey JPEG file (nothing else read
    in either), is read as resampled, their channel saying so and how soft; other samples unchanged. Where the
    reference's background is empty only."""
    if not clean_reference:
        return samples
    channel = samples.meta.get("channel") or {}
    lossless = set(channel) <= UNREAD and one_eight_bit_grey_picture(samples)
    jpeg = set(channel) <= JPEG_FILE and channel.get("codec") == "JPEG" and lossy_grey_codec(samples) == "JPEG"
    if not (lossless or jpeg) or samples.shape[1] != samples.shape[2]:
        return samples
    picture = samples.x[0, 0]
    if resampled(picture) and (jpeg or halo(picture) <= HALO):
        samples.meta.setdefault("channel", {})["in_frame"] = {
            "sharpness": round(sharpness(picture), 4), "steep": round(steep_share(picture), 3),
            "saturated": round(saturated_share(picture), 3)}
    return samples


def reason(channel):
    """The verdict's reason for a picture read as resampled within its frame, or None."""
    found = channel.get("in_frame")
    if not found:
        return None
    return (f"resampled in its frame: its edges are soft (sharpness {found['sharpness']:.3f}, below {SOFT:g}) with "
            f"{found['steep']:.0%} of their steps steep and {found['saturated']:.0%} of its ink saturated, as a figure "
            f"rotated, rescaled or shifted by a fraction of a pixel with interpolation; box-size and placement judged "
            f"as it is and against the reference resampled so, each keeping its larger tail probability")
