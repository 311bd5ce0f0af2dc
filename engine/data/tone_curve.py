"""A picture's tone curve read from its pixels: its black or white point moved from the reference's (issue #18).

An editor's brightness, exposure or contrast slider maps every grey level through one curve. Real digits so edited
keep what marks them real except the two levels every detector leans on: MNIST's background is exactly 0 in every
figure and its strokes saturate on a plateau at 252-254. Lowered by a tenth (x0.9) or through Pillow's
`ImageEnhance.Contrast(0.9)` (a blend with the picture's mean grey: background 2-4, plateau 229-231), the figure's
brightest values sit where no reference figure's do, and 80 and 200 of 200 held-out real digits were labelled
generated (`features`; docs/studies.md, "A tone curve read from a picture", forty-third pass).

Both levels are in the file: its background (the value at least BACKGROUND_SHARE of its pixels take) and its stroke
plateau (the commonest value in the upper half of its range, held by at least PLATEAU_SHARE of those pixels). Where
the reference's figures keep one background in nearly all files (reference_tone) and the file's background differs,
or its plateau lies more than WHITE_MARGIN below the reference's lowest plateaus (LOW_WHITE), the curve is read as
the straight line through the two points: the file is judged with it undone (its background to the reference's, its
plateau to the reference's median plateau, rounded to 8 bits) and the reference figures are put through the same line
(each from its own plateau) and back (engine/detectors/channel_media.py toned_images), so the rounding's merged and
skipped levels are the same on both sides. A moved background is read only where it is one exact level away from the
strokes (exactly_flat), as an editor leaves it: a diffusion model's faint haze, its commonest value on half the
picture and others about it, was read as a lift and undone, and its haze with it. A gamma curve or a levels stretch
that clips, which keep both points, is not read; nor a picture whose plateau is too thin to read (a generator's grey
output: 0-6 of 200-500 long-trained GAN digits hold one), nor one of at most FEW_LEVELS values whose brightest lies
more than BELOW_TOP above its plateau: what was read there is a commonest level among a few, not a stroke's saturated
plateau (a dim generator's output re-quantised, which undone would be clipped at white and lose the grid `clean-up`
reads; a faint real figure, with many levels, is still read).

Through a JPEG or a lossy WebP (read_before_lossy) the levels are smeared: a grey background's flat blocks decode within
a level of it and the plateau spreads over a few levels about its own (JPEG 75-90 of real digits darkened x0.85-0.9 or
through Pillow's contrast 0.8-0.9: the plateau read within 1-3 levels of the edit's). The background is then the
commonest value with at least JPEG_BACKGROUND_SHARE of the pixels within a level of it, the plateau the centre of the
JPEG_PLATEAU_WINDOW-wide window of the upper half's values holding the most, at least JPEG_PLATEAU_SHARE of them,
rounded to JPEG_WHITE_STEP levels (so that one edit of many files makes few channels); a background moved off the
reference's through a JPEG only where it is flat away from the strokes (flat_background: a haze over the whole picture
is not), through a lossy WebP (which smooths a haze of random faint values as flat as a lifted background, and decodes
a background of 0 at up to WEBP_BLACK_WOBBLE, not read as moved) only where its level is tied to the plateau's and the
picture's mean grey as a contrast blend's is (blend_about_mean; an offset's lift, its plateau clipped at white, is
not read there, and judged as it is real digits lifted by 6 pass). Such a file is not undone (its codec's noise
would be stretched with it): it is judged as it is against the reference put through the line and then through the
codec, and, apart, against the reference through the codec alone (engine/detectors/channels.py jpeg_before_union:
generated only where both say so). A generator's grey output whose upper values crowd into a few levels below the
reference's plateau is read so too (the price, docs/verdicts.md "Limits").
"""
import numpy as np

from engine.data.background import MIN_FREE_PIXELS, far_background, stroke_free_far, varying_free_blocks

BACKGROUND_SHARE = 0.5  # of a figure's pixels on its background (MNIST's: 60-95 %)
PLATEAU_SHARE = 0.12  # of the upper half's pixels on the plateau (real MNIST figures: 5th percentile 0.17)
PLATEAU_PIXELS = 4  # at least, as clean-up's clamp plateau: one bright pixel on a grey field is no stroke's plateau
WHITE_MARGIN = 2  # levels below the reference's lowest plateaus that a file's must lie
LOW_WHITE = 5  # percentile of the reference's plateaus that are its lowest (MNIST: 252; its 1st percentile is a few
# faint figures', 193 among 200 held-out digits, where no edit would be read)
REFERENCE_READ_SHARE = 0.9  # of the reference's figures whose two levels are read (MNIST's: 98.9 %)
REFERENCE_BLACK_SHARE = 0.99  # of those whose background is the commonest one
MIN_SPAN = 64  # levels between black and white below which no line is read
BELOW_TOP = 8  # levels the brightest value of a re-quantised picture may lie above the plateau read: an edit moves
# MNIST's plateau and its brightest value (at most 2-3 levels apart) together (real digits x0.6-0.95 or through a
# contrast blend: 6-10 of 5,000 past 4, all faint figures whose "plateau" is a grey, with many levels); a generator's
# output re-quantised to a few levels holds its commonest upper level 32-119 below its brightest (docs/studies.md,
# "Re-quantised output on a grid relative to its brightest value", forty-ninth pass)
FEW_LEVELS = 17  # distinct values, the background's included, of a picture re-quantised (clean-up's posterisation)
LEVELS = 255
JPEG_BACKGROUND_SHARE = 0.3  # of the pixels within a level of the background (contrast 0.8 then JPEG 85: 5th pct 0.37)
JPEG_PLATEAU_WINDOW = 7  # levels of the upper half read together as one smeared plateau
JPEG_PLATEAU_SHARE = 0.15  # of the upper half's values in that window (x0.85 then JPEG 75: 5th percentile 0.18,
# 137 of 160 read at 0.2, all at 0.15; a VAE's ramp through JPEG 90: median 0.14, 52 of 200 read, 6 fewer caught)
JPEG_WHITE_MARGIN = 8  # levels below the reference's lowest plateaus (real digits through JPEG 90: 5th percentile 252)
JPEG_WHITE_STEP = 4  # levels the plateau read through a JPEG is rounded to
LOW_QUALITY = 70  # IJG quality at or below which a JPEG whose levels are too thin to read so is read again, its
# coarser steps smearing both further: its plateau over LOW_QUALITY_WINDOW levels, its background from
# LOW_QUALITY_BACKGROUND_SHARE of the pixels (real digits contrast-blended 0.85-0.92 or lifted by 5, then JPEG 50-60:
# 173-260 of 300 read before, 236-295 so; darkened x0.85-0.9, then JPEG 50-60: 203-254 before, 295-300; a
# longer-trained DDPM's digits through JPEG 50 / 60: 5 / 8 of 300 more read; docs/studies.md,
# "A diffusion model's haze told from a lifted background through a JPEG")
LOW_QUALITY_WINDOW = 11
LOW_QUALITY_BACKGROUND_SHARE = 0.2
LOSSLESS_FLAT_SHARE = 0.96  # of a lossless picture's far pixels exactly at its moved background (exactly_flat)
JPEG_FLAT_SHARE = 0.9  # of a moved background's stroke-free far pixels within a level of it (flat_background)
VARYING_BLOCKS = 4  # stroke-free blocks varying, from which a moved background is not flat (13,155 real digits of
# mnist[5000:10000] lifted by 3 / 6 or contrast-blended 0.9, then JPEG 85 / 95 / 90: at most 3, in 8 of them; a
# longer-trained DDPM's digits read as lifted through JPEG 75 / 85 / 95: 11 / 34 / 69 % with 4 or more; docs/studies.md,
# "A diffusion model's haze told from a lifted background through a JPEG")
WEBP_BLACK_WOBBLE = 2  # levels a lossy WebP decodes a background of 0 at (x0.85-0.9 then WebP 50-75: 1-3 in 11-36 %)
BLEND_TOLERANCE = 3  # levels a lossy WebP's background may lie from a blend's about the picture's mean grey (Pillow's
# contrast 0.8-0.92 then WebP 50-90: at most 2.9 off; the suite's blurred stand-in through WebP 50 / 80 with a lowered
# plateau: 11 of 37 within 3, 11 of 400 read)


def levels_of(picture):
    """(black, white) of one 8-bit grey picture: its background value and its stroke plateau, or None where it has
    either too thinly (module docstring)."""
    values = np.asarray(picture, dtype=np.int64).ravel()
    counts = np.bincount(values, minlength=LEVELS + 1)
    black = int(np.argmax(counts))
    if counts[black] < BACKGROUND_SHARE * values.size:
        return None
    upper = values[values >= black + (values.max() - black) / 2]
    upper_counts = np.bincount(upper, minlength=LEVELS + 1)
    white = int(np.argmax(upper_counts))
    if white - black < MIN_SPAN or upper_counts[white] < max(PLATEAU_SHARE * upper.size, PLATEAU_PIXELS):
        return None
    return black, white


def smeared_levels_of(picture, window=JPEG_PLATEAU_WINDOW, background_share=JPEG_BACKGROUND_SHARE):
    """(black, white) of one decoded 8-bit grey JPEG or lossy WebP picture, its levels smeared by the codec (module
    docstring), or None where either is too thin: at least `background_share` of the pixels within a level of the
    background, the plateau read over a `window` of levels."""
    values = np.asarray(picture, dtype=np.int64).ravel()
    counts = np.bincount(values, minlength=LEVELS + 1)
    black = int(np.argmax(counts))
    if counts[max(black - 1, 0):black + 2].sum() < background_share * values.size:
        return None
    upper = values[values >= black + (values.max() - black) / 2]
    held = np.convolve(np.bincount(upper, minlength=LEVELS + 1), np.ones(window), "same")
    white = int(np.argmax(held))
    if white - black < MIN_SPAN or held[white] < max(JPEG_PLATEAU_SHARE * upper.size, PLATEAU_PIXELS):
        return None
    if white + window // 2 >= LEVELS:  # the window reaches white: a plateau clipped there (lifted by an
        return black, LEVELS  # offset: +8 then JPEG 95 read at 252 kept 114 of 200 real digits "generated")
    return black, min(int(round(white / JPEG_WHITE_STEP)) * JPEG_WHITE_STEP, LEVELS)


def eight_bit(x):
    return np.clip(np.rint(np.asarray(x, dtype=np.float64) * LEVELS), 0, LEVELS).astype(np.int64)


def one_eight_bit_grey_picture(samples):
    """Whether samples are one grey picture whose values all lie on the 8-bit grid (an 8-bit file, or a 16-bit one
    widened from 8 bits, every value k * 257) and in which nothing lossy was read."""
    if samples.n != 1 or samples.shape[0] != 1 or (samples.meta.get("channel") or {}).get("lossy"):
        return False
    scaled = np.asarray(samples.x, dtype=np.float64) * LEVELS
    return bool(np.all(np.abs(scaled - np.rint(scaled)) < 1e-3))


def lossy_grey_codec(samples):
    """The lossy codec of samples that are one grey picture decoded from one, in words: "JPEG" (a JPEG file, or a
    lossless one whose pixels were read as a JPEG's) or "lossy WebP"; else None."""
    channel = samples.meta.get("channel") or {}
    if samples.n != 1 or samples.shape[0] != 1:
        return None
    if "tables" in channel and (channel.get("codec") == "JPEG" or "jpeg_history" in channel):
        return "JPEG"
    return "lossy WebP" if channel.get("codec") == "WebP lossy" else None


def reference_tone(cal_x):
    """{"black", "white", "lowest_white"} of the reference's grey figures (cal_x: (n, 1, h, w) in [0, 1]): their
    common background, median plateau and LOW_WHITE percentile plateau; None where the reference keeps no fixed
    background (a photograph's, a colour reference) and so no tone to read a file against."""
    x = np.asarray(cal_x)
    if x.ndim != 4 or x.shape[1] != 1 or x.shape[0] == 0:
        return None
    read = [levels_of(picture) for picture in eight_bit(x[:, 0])]
    blacks = np.array([found[0] for found in read if found is not None])
    whites = np.array([found[1] for found in read if found is not None])
    if blacks.size < REFERENCE_READ_SHARE * len(read):
        return None
    black = int(np.bincount(blacks).argmax())
    if np.mean(blacks == black) < REFERENCE_BLACK_SHARE:
        return None
    return {"black": black, "white": int(np.median(whites)), "lowest_white": int(np.percentile(whites, LOW_WHITE))}


def read_tone(picture, reference):
    """(black, white) of an 8-bit grey picture whose tone differs from the `reference` tone (reference_tone), or
    None: as the reference's, not readable, or re-quantised with values well above its plateau (BELOW_TOP)."""
    found = levels_of(picture)
    if found is None or reference is None:
        return None
    black, white = found
    if black == reference["black"] and white >= reference["lowest_white"] - WHITE_MARGIN:
        return None
    if np.max(picture) - white > BELOW_TOP and np.unique(picture).size <= FEW_LEVELS:
        return None
    if black != reference["black"] and not exactly_flat(picture, black, reference["black"]):
        return None
    return found


def exactly_flat(picture, black, reference_black):
    """Whether a lossless picture's background, moved to `black`, is one exact level away from its strokes: at least
    LOSSLESS_FLAT_SHARE of its far pixels (background.far_background) at `black`, or at the reference's background
    where a rotation or shift filled the frame's edge. An editor's lift or contrast blend takes every pixel of a flat
    background to one level (real digits lifted by 1-12 or blended 0.8-0.95: at least 0.991 of them; then rotated,
    rescaled or shifted within the frame: at least 0.947), where a diffusion model's haze whose commonest faint value
    holds half the picture varies about it (0.61-1.0, median 0.94), which undone as a tone line reads away
    (docs/studies.md, "A diffusion model's haze read as a tone line", fifty-second pass). Too few far pixels to tell
    (MIN_FREE_PIXELS): flat, as before."""
    values = np.asarray(picture)[far_background(picture)]
    return values.size < MIN_FREE_PIXELS or float(np.mean((values == black) | (values == reference_black))) >= \
        LOSSLESS_FLAT_SHARE


def undone(picture, black, white, reference):
    """An 8-bit picture with the straight tone line through (black, white) undone: black to the reference's
    background, white to its median plateau, rounded and clipped to 8 bits."""
    to_black, to_white = reference["black"], reference["white"]
    values = (np.asarray(picture, dtype=np.float64) - black) * (to_white - to_black) / (white - black) + to_black
    return np.clip(np.rint(values), 0, LEVELS).astype(np.int64)


def toned(picture, black, white, reference):
    """A reference figure (8-bit) put through the tone line that takes the reference's background to `black` and the
    figure's own plateau (the reference's median where none is read) to `white`, rounded and clipped to 8 bits."""
    found = levels_of(picture)
    own_white = found[1] if found is not None else reference["white"]
    base = reference["black"]
    values = black + (np.asarray(picture, dtype=np.float64) - base) * (white - black) / (own_white - base)
    return np.clip(np.rint(values), 0, LEVELS).astype(np.int64)


def read(samples, reference):
    """Samples judged with their tone line undone where one lossless 8-bit grey picture's tone differs from the
    `reference` tone (reference_tone; None: nothing read), the channel saying so; other samples unchanged."""
    if reference is None or not one_eight_bit_grey_picture(samples):
        return samples
    picture = eight_bit(samples.x[0, 0])
    found = read_tone(picture, reference)
    if found is None:
        return samples
    black, white = found
    samples.x = (undone(picture, black, white, reference) / LEVELS).astype(np.float32)[None, None]
    read = {"black": black, "white": white,
            "reference_black": reference["black"], "reference_white": reference["white"]}
    samples.meta.setdefault("channel", {}).update({"lossy": True, "tone": read})
    return samples


def flat_background(picture, black):
    """Whether a decoded JPEG's background at `black` is flat where no stroke reaches: at least JPEG_FLAT_SHARE of the
    far pixels of its stroke-free blocks (background.stroke_free_far) within a level of it, as a level moved by an
    editor decodes (real digits lifted or contrast-blended then JPEG 75-95: 1st percentile 0.95), where a haze of
    varying faint values over the whole picture does not (0.5-0.97); and fewer than VARYING_BLOCKS of those blocks
    varying at all (background.varying_free_blocks), as a flat level decodes flat, where a diffusion model's faint haze
    decodes within a level but not flat."""
    values = stroke_free_far(picture, black)
    return (values.size >= MIN_FREE_PIXELS and float(np.mean(np.abs(values - black) <= 1)) >= JPEG_FLAT_SHARE
            and varying_free_blocks(picture, black) < VARYING_BLOCKS)


def blend_about_mean(picture, black, white, reference):
    """Whether a decoded lossy WebP's levels are those of a contrast blend with the picture's mean grey (Pillow's
    `ImageEnhance.Contrast`: every value v to f v + (1 - f) m, m the mean, which the blend keeps): its plateau `white`
    lowered below 255, and its background `black` within BLEND_TOLERANCE of the reference's background so blended,
    f from the span between the two levels against the reference's. A haze lifted over the whole picture (a
    generator's blur) has no such tie between its two levels and its mean, where an editor's flat lifted level is told
    from it through a JPEG by its flatness (flat_background), which WebP smooths away."""
    if white >= LEVELS:
        return False
    gain = (white - black) / (reference["white"] - reference["black"])
    blended = gain * reference["black"] + (1 - gain) * float(np.mean(picture))
    return abs(black - blended) <= BLEND_TOLERANCE


def read_before_lossy(samples, reference):
    """Samples whose one grey JPEG or lossy WebP picture's smeared levels (smeared_levels_of) lie off the `reference`
    tone, their channel saying so ("tone_before": judged as they are, against the reference put through the line, then
    the codec, and through the codec alone); other samples unchanged."""
    codec = lossy_grey_codec(samples) if reference is not None else None
    if codec is None:
        return samples
    picture = eight_bit(samples.x[0, 0])
    found = smeared_levels_of(picture)
    if found is None and codec == "JPEG" and samples.meta["channel"].get("quality", LEVELS) <= LOW_QUALITY:
        found = smeared_levels_of(picture, LOW_QUALITY_WINDOW, LOW_QUALITY_BACKGROUND_SHARE)
    if found is None:
        return samples
    black, white = found
    moved = abs(black - reference["black"]) > (WEBP_BLACK_WOBBLE if codec == "lossy WebP" else 0)
    if not moved and white >= reference["lowest_white"] - JPEG_WHITE_MARGIN:
        return samples
    if moved and not (flat_background(picture, black) if codec == "JPEG" else blend_about_mean(picture, black, white,
                                                                                                 reference)):
        return samples  # WebP smooths a haze of random faint values as flat as a lifted background: a blend's tie only
    samples.meta["channel"]["tone_before"] = {"black": black, "white": white, "reference_black": reference["black"],
                                              "reference_white": reference["white"], "codec": codec}
    return samples


def reason(channel):
    """The verdict's reason for a picture judged with its tone line undone, or read before its lossy codec; or None."""
    found = channel.get("tone_before")
    if found:
        codec = found.get("codec", "JPEG")
        return (f"tone: through its {codec}, its background lies at {found['black']} and its strokes' plateau near "
                f"{found['white']} (the reference's: {found['reference_black']} and {found['reference_white']}), as "
                f"after an editor's brightness or contrast; judged also against the reference put through that "
                f"straight tone line and then the same {codec}")
    found = channel.get("tone")
    if not found:
        return None
    return (f"tone: its background lies at {found['black']} and its strokes' plateau at {found['white']} (the "
            f"reference's: {found['reference_black']} and {found['reference_white']}), as after an editor's "
            f"brightness or contrast; judged with that straight tone line undone, against the reference put through "
            f"the same line and back")
