"""Histogram equalisation read from a picture's pixels: an editor's "equalize" applied to a real figure (issue #18).

Equalisation maps each grey level through the picture's own cumulative histogram, so that the levels it keeps lie
as far apart as the share of pixels below them. On a figure on a blank background it leaves the background at 0, lifts
the faintest ink to a level set by how much of the picture is background and leaves gaps between the levels it keeps,
where MNIST's ramps and a generator's are continuous: 160 of 160 held-out real digits equalised with Pillow's
`ImageOps.equalize` were labelled generated (`clean-up` read its comb; `stroke-ramp`, `shoulder`; docs/studies.md,
"Everyday edits of real digits", forty-fifth pass).

A picture so made is nearly a fixed point of the same equalisation: its levels already lie where their shares put
them, so equalising it again moves no pixel far: OpenCV's `equalizeHist` none, Pillow's at most 49 levels (where its
first pass clipped levels at white). Equalising an unedited digit, real or generated, moves some pixel by 16-254
levels through OpenCV's (a level held by few pixels lands where its share puts it) and by 143-254 through Pillow's
(which counts the background too); 22,400 files of long-trained GANs' and VQ-VAEs' digits, as written and cleaned, and
7,900 real ones and edits of them, tuning. So a lossless 8-bit grey picture is read as equalised by an equaliser
(EQUALISERS) when equalising it again moves no pixel by more than that equaliser's tolerance and it holds at least
MIN_LEVELS grey levels (a two-level picture is a fixed point of both, and of a threshold: `clean-up` reads that as it
is). Read only where the reference's figures lie on an empty background (image_noise.reference_is_clean: where it was
measured). The file is judged as it is against the reference equalised the same way, figure by figure, and against the
reference as it is (engine/detectors/channels.py channel_detectors, `paired`: generated only where both say so).
"""
import numpy as np

from engine.data.tone_curve import LEVELS, eight_bit, one_eight_bit_grey_picture

MIN_LEVELS = 8  # distinct grey levels a picture read as equalised holds at least


def pillow_equalised(picture):
    """An 8-bit grey picture through Pillow's `ImageOps.equalize`: level i to (step // 2 + the count of pixels below
    i) // step, step = (pixels less those at the brightest level) // 255, clipped at white; as it is where the step is
    0 or one level is held."""
    values = np.asarray(picture, dtype=np.int64)
    counts = np.bincount(values.ravel(), minlength=LEVELS + 1)
    held = counts[counts > 0]
    step = (values.size - held[-1]) // LEVELS
    if held.size <= 1 or step == 0:
        return values
    below = np.concatenate([[0], np.cumsum(counts)[:-1]])
    return np.minimum((step // 2 + below) // step, LEVELS)[values]


def opencv_equalised(picture):
    """An 8-bit grey picture through OpenCV's `equalizeHist`: level i to 255 (the count of pixels up to i, less those
    at the darkest level) / (pixels less those at the darkest level), rounded; as it is where one level is held."""
    values = np.asarray(picture, dtype=np.int64)
    counts = np.bincount(values.ravel(), minlength=LEVELS + 1)
    darkest = int(np.flatnonzero(counts)[0])
    if counts[darkest] == values.size:
        return values
    lut = np.rint((np.cumsum(counts) - counts[darkest]) * LEVELS / (values.size - counts[darkest]))
    return np.clip(lut, 0, LEVELS).astype(np.int64)[values]


# name: (the equaliser, the levels equalising again may move a pixel of a picture it made: OpenCV's is exact up to its
# rounding; Pillow's clips at white, so a second pass may move a level by up to 49 (a quarter of the range allowed))
EQUALISERS = {"OpenCV's equalizeHist": (opencv_equalised, 4), "Pillow's ImageOps.equalize": (pillow_equalised, 64)}


def read_equaliser(picture):
    """The name of the first equaliser (EQUALISERS) of which an 8-bit grey picture is nearly a fixed point, or None
    (module docstring)."""
    values = np.asarray(picture, dtype=np.int64)
    if np.unique(values).size < MIN_LEVELS:
        return None
    for name, (equalise, tolerance) in EQUALISERS.items():
        if np.abs(equalise(values) - values).max() <= tolerance:
            return name
    return None


def read(samples, clean_reference):
    """Samples whose one lossless 8-bit grey picture was read as equalised, their channel saying by which equaliser
    (judged as they are, against the reference equalised so and as it is), where the reference's background is empty;
    other samples unchanged."""
    if not clean_reference or not one_eight_bit_grey_picture(samples):
        return samples
    name = read_equaliser(eight_bit(samples.x[0, 0]))
    if name is not None:
        samples.meta.setdefault("channel", {}).update({"lossy": True, "equalised": {"equaliser": name}})
    return samples


def equalised(x, name):
    """Grey samples (n, 1, h, w) in [0, 1], each picture through equaliser `name` (EQUALISERS) on its own histogram."""
    pictures = eight_bit(np.asarray(x)[:, 0])
    return (np.stack([EQUALISERS[name][0](p) for p in pictures]) / LEVELS).astype(np.float32)[:, None]


def reason(channel):
    """The verdict's reason for a picture read as equalised, or None."""
    found = channel.get("equalised")
    if not found:
        return None
    return (f"equalised: its grey levels lie where histogram equalisation puts them (equalising it again with "
            f"{found['equaliser']} moves no pixel by more than {EQUALISERS[found['equaliser']][1]} levels), as after "
            f"an editor's equalize; judged against the reference equalised so, figure by figure, and as it is")
