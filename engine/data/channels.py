"""The channel a file went through, read from the file itself (recorded in meta["channel"]).

Real evidence rarely arrives as it was made: images are saved as JPEG, voices pass a
telephone codec, a lossy codec or a resampler. The verdict must compare a file with
reference files that went through the same channel (engine/detectors/channels.py), so
the loaders record what the file itself says about its channel:

- JPEG: the quantisation tables (they are the whole lossy step: re-encoding with the same
  tables reproduces it), the chroma subsampling and the IJG quality they correspond to;
- WebP: lossy (VP8, its quality estimated from its header and pixels: webp_quality.py) or lossless (VP8L); an
  earlier lossy WebP or JPEG of a lossless image, from its pixels;
- a lossless figure resized with a ringing filter (Lanczos) on the way, from its pixels (resize_history.py), or
  down and back with one that does not ring (nearest, box, bilinear, Hamming), as a fixed point of that resize;
- audio: the codec (soundfile's subtype: ULAW, ALAW, GSM610, VORBIS, OPUS, MPEG_LAYER_III,
  PCM_16 ..., or AAC for MP4/M4A/3GP and ADTS files, AMR_NB_<bit/s> for AMR-NB in 3GP or .amr, G722_64000,
  G726_<bit/s> and G723_1_6300 for those telephone codecs in WAV), the native sample rate before resampling,
  whether the samples sit on at most 256 levels (an 8-bit or companded recording re-saved as PCM), the effective
  bandwidth: the highest frequency whose long-term power is within BANDWIDTH_DB of the
  strongest frequency, and for PCM a codec the samples were decoded from (G.711 mu-law or
  A-law, GSM 06.10: engine/data/audio_history.py);
- MIDI: the resolution and tempo, which the piano roll does not depend on (it counts in
  quarter notes), recorded so that the report can say so.

`lossy` is True when the channel changes the values a detector reads, beyond what the
representation already removes.
"""
import hashlib
import io
import threading
from functools import lru_cache

import numpy as np

from engine.data.audio_history import codec_history
from engine.data.eight_bit_silence import written_at_eight_bits
from engine.data.clipping import clipping
from engine.data.formats.container_audio import AMR_NB_MODES, TELEPHONE
from engine.data.box_frame import box_framed
from engine.data.opencv_round_trip import opencv_round_trip
from engine.data.resize_history import fills_frame, grey, jpeg_resample_history, resample_history, resize_history
from engine.data import webp_quality
from engine.data.webp_history import webp_history
from engine.data.padding import speech_span

BANDWIDTH_DB = 50.0  # a band this far below the strongest one carries nothing audible
LOSSY_AUDIO_SUBTYPES = ("ULAW", "ALAW", "GSM610", "VORBIS", "OPUS", "MPEG_LAYER_I", "MPEG_LAYER_II",
                        "MPEG_LAYER_III", "G721_32", "G723_24", "G723_40", "IMA_ADPCM", "MS_ADPCM",
                        "VOX_ADPCM", "PCM_U8", "PCM_S8", "DWVW_12", "DWVW_16", "DWVW_24", "NMS_ADPCM_16",
                        "NMS_ADPCM_24", "NMS_ADPCM_32", "AAC") + tuple(  # AAC, AMR-NB: read by PyAV
    f"AMR_NB_{mode}" for mode in AMR_NB_MODES) + TELEPHONE  # (formats/container_audio.py; G.722, G.726, G.723.1)
FEW_LEVELS = 256
PCM_AUDIO_SUBTYPES = ("PCM_16", "PCM_24", "PCM_32", "FLOAT", "DOUBLE")  # may hold a decoded codec's samples
FINER_THAN_EIGHT_BITS = PCM_AUDIO_SUBTYPES + ("ULAW",)  # may hold an 8-bit recorder's samples and zeros


@lru_cache(maxsize=1)
def ijg_tables():
    """The tables PIL (libjpeg) writes at each quality 1..100, in natural order: {quality:
    (luminance, chrominance)} as (64,) arrays, for estimating quality and for the JPEG history."""
    from PIL import Image

    colour = Image.new("RGB", (8, 8))
    tables = {}
    for quality in range(1, 101):
        buffer = io.BytesIO()
        colour.save(buffer, format="JPEG", quality=quality)
        found = Image.open(buffer).quantization
        tables[quality] = (np.asarray(found[0], dtype=np.float64), np.asarray(found[1], dtype=np.float64))
    return tables


def jpeg_quality(luma_table):
    """The IJG quality whose luminance table is nearest (mean absolute difference) to this one,
    and that difference (0 for a table written by libjpeg at that quality)."""
    table = np.asarray(luma_table, dtype=np.float64)
    best = min(((q, t[0]) for q, t in ijg_tables().items()), key=lambda qt: np.abs(qt[1] - table).mean())
    return best[0], round(float(np.abs(best[1] - table).mean()), 3)


def image_channel(image, format_label, data, values=None):
    """The channel of an opened PIL image (before conversion) read from the file's bytes; for a
    lossless format, from its 8-bit `values` ((h, w) or (h, w, 3)) too: an earlier lossy WebP
    (webp_history.webp_history), JPEG compression (jpeg_history) or resize with a ringing filter
    (resize_history.resize_history) or without (resize_history.resample_history) read from the pixels; for a JPEG,
    and a lossless file read as one, a resize without ringing before it (resize_history.jpeg_resample_history) or
    EMNIST's framing (box_frame.box_framed)."""
    if format_label == "JPEG":
        tables = {int(k): [int(v) for v in t] for k, t in getattr(image, "quantization", {}).items()}
        if not tables:
            return {"codec": "JPEG", "lossy": True}
        quality, off = jpeg_quality(tables[min(tables)])
        from PIL import JpegImagePlugin

        subsampling = JpegImagePlugin.get_sampling(image) if len(image.getbands()) > 1 else -1
        return _read_before_jpeg({"codec": "JPEG", "lossy": True, "quality": quality, "table_distance": off,
                                  "subsampling": int(subsampling), "tables": tables}, values)
    if format_label == "WebP":
        lossless = data[12:16] == b"VP8L"  # the first chunk: VP8 (lossy), VP8L (lossless) or VP8X
        if not lossless:  # a figure filling its frame: a small collection's enlarged picture, perhaps (as for JPEG)
            picture = grey(values) if values is not None else None
            filling = picture is not None and picture.ndim == 2 and picture.shape[0] == picture.shape[1] and fills_frame(
                picture)
            quality = webp_quality.estimated_quality(data, values)
            return {"codec": "WebP lossy", "lossy": True} | ({"fills_frame": True} if filling else {}) | (
                {"quality": quality} if quality is not None else {})
    return lossless_channel("WebP lossless" if format_label == "WebP" else format_label, values)


def lossless_channel(codec, values):
    """The channel of a lossless file (`codec`) read from its 8-bit `values` (None: not 8-bit): an earlier lossy
    WebP, JPEG or resize read from the pixels, else nothing lossy. Also for a part of a picture (a padded picture's
    crop, engine/data/picture_size.py), whose pixels are judged."""
    history = jpeg_history(values) if values is not None else None
    # Then WebP's colour model (engine/data/webp_history.py), an absence: a JPEG-decoded digit may miss its gap
    # levels by chance (2 of 200 through JPEG 97, thirteenth pass), while the JPEG reader read none of 1,600
    # WebP-compressed digits; a JPEG after the WebP fills the gaps, so either read is the last lossy step.
    webp = webp_history(values) if values is not None and history is None else None
    if webp is not None:
        return {"codec": codec, "lossy": True, "webp_history": webp}
    # Last, a resize (engine/data/resize_history.py): a JPEG or WebP after it fills the background that the halo
    # reader needs empty and moves the file off the fixed point, so either read is the last lossy step there too.
    # The fixed point first: it names the filter and side exactly, and no Lanczos round trip reads as one (0 of 500
    # real digits through 12-24), while the halo reader took 1-8 of 300 bilinear round trips for Lanczos.
    resampled = resample_history(values) if values is not None and history is None else None
    if resampled is not None:
        return {"codec": codec, "lossy": True, "resample_history": resampled}
    resized = resize_history(values) if values is not None and history is None else None
    if resized is not None:
        return {"codec": codec, "lossy": True, "resize_history": resized}
    # OpenCV's enlargement and reduction without antialias (engine/data/opencv_round_trip.py): a round trip that is
    # nearly the identity, so any reading above, of a history that changes the picture more, comes first.
    tripped = opencv_round_trip(grey(values)) if values is not None and history is None else None
    if tripped is not None:
        return {"codec": codec, "lossy": True, "opencv_round_trip": tripped}
    if history is None:  # nothing lossy; a figure centred by its box and fitted into the frame, as EMNIST's
        span = box_framed(values) if values is not None else None
        return {"codec": codec, "lossy": False} | ({"box_framed": span} if span else {})
    quality = history["quality"]
    luma, chroma = ijg_tables()[quality]
    colour = values.ndim == 3
    tables = {0: [int(v) for v in luma]} | ({1: [int(v) for v in chroma]} if colour else {})
    # PIL's default for colour: 4:2:0, the commonest; the sampling cannot be read from the luminance.
    return _read_before_jpeg({"codec": codec, "lossy": True, "jpeg_history": history, "quality": quality,
                              "subsampling": 2 if colour else -1, "tables": tables}, values)


def _read_before_jpeg(channel, values):
    """A JPEG's channel with what was done to the picture before it, read from its decoded pixels (a real digit so
    prepared and then saved as JPEG is judged against the JPEG alone and against each reading then the JPEG,
    engine/detectors/channels.py jpeg_before_union): a resize without ringing, read approximately
    (jpeg_resample_history), and a figure centred by its box and fitted into the frame, as EMNIST's (box_framed: the
    box of values from 32 moved by no pixel through JPEG at quality 75 and 90, 100 of 100 such digits each read
    alike; at quality 60, 34 of 200 were read as resized too)."""
    if values is None:
        return channel
    found = jpeg_resample_history(values, channel["tables"][min(channel["tables"])])
    span = box_framed(values)
    # A figure filling its frame with no resize read (a ringing filter's enlargement, or one that the JPEG's noise
    # hides at a high quality): a small collection's picture enlarged by a filter and from a side not read.
    picture = grey(values)
    filling = not found and picture.ndim == 2 and picture.shape[0] == picture.shape[1] and fills_frame(picture)
    return channel | ({"resample_history": found} if found else {}) | ({"box_framed": span} if span else {}) | (
        {"fills_frame": True} if filling else {})


# --- an earlier JPEG compression read from a lossless image's pixels ---------------------
# An image saved as JPEG and then re-saved losslessly (converted, screenshotted, re-saved by a
# tool) keeps the JPEG's loss but not its tables. JPEG decodes each 8x8 block from DCT
# coefficients that are multiples of the table's steps, so those coefficients of the pixels lie
# on that lattice but for the pixels' rounding and clipping (Fan & de Queiroz 2003 read the
# steps from the coefficients' histograms). Clipping is the whole of the problem for digits:
# ringing below black is clipped to 0 in every block that holds a stroke, and the coefficients
# leave the lattice. So for each IJG quality the clipped pixels are let free (at most 0.5 for a
# 0, at least 254.5 for a 255, the others within their rounding) and the block is projected in
# turn onto the lattice and onto those bounds (HISTORY_ITERATIONS times, POCS); a JPEG image at
# that quality reaches a point on both. The evidence is the log-likelihood ratio of the
# coefficients' distances to the lattice (rounding noise HISTORY_SIGMA, a HISTORY_OUTLIERS share
# of outliers, against a uniform distance), over the coefficients off zero whose step is at least
# HISTORY_MIN_STEP. The same projection finds some lattice in any image with free pixels, more so
# for fine steps (high qualities), so the HISTORY_CANDIDATES qualities of highest evidence are
# compared with controls: their tables scaled by HISTORY_CONTROLS, steps no JPEG uses. A history
# is read when the best quality's excess over its controls, per coefficient used, reaches
# HISTORY_MIN_EXCESS and in all HISTORY_MIN_TOTAL, over at least HISTORY_MIN_BLOCKS blocks with
# content. Measured in docs/studies.md, "JPEG history in lossless images".
HISTORY_REGION = 256  # pixels a side from the top-left corner (the JPEG grid's origin): cost bounded
HISTORY_BLOCKS = 64  # at most this many blocks with content, spread over the region
HISTORY_MIN_BLOCKS = 4  # fewer blocks with content (a tiny image) are too little evidence: nothing is read
HISTORY_QUALITIES = np.arange(20, 99)  # 99 and 100 use steps of 1-2: nothing to read
HISTORY_CONTROLS = (0.8, 1.25)
HISTORY_CANDIDATES = 8  # the qualities whose lattices hold the pixels best are compared with controls
HISTORY_ITERATIONS = 8
# Where the ringing was clipped the projection may settle on a wrong lattice point next to the
# start; it starts with the clipped pixels at their bound and, again, this far beyond it.
HISTORY_STARTS = (0.0, 4.0)
HISTORY_MIN_STEP = 2
HISTORY_SIGMA, HISTORY_OUTLIERS = 0.4, 0.2
HISTORY_MIN_EXCESS = 0.75
HISTORY_MIN_TOTAL = 60.0
# Adjacent qualities' tables differ in a few steps only; where the image has no coefficient off zero
# at those, both lattices hold it. The coarser one is then taken: its wider zero bins make those
# zeros likelier (the best lattice alone read 20 of 500 real digits saved at quality 60 as 61). An
# estimate one off remains possible; engine/detectors/channels.py HISTORY_SPREAD allows for it.
HISTORY_TIE = 25.0  # log-likelihood (nats) within which two qualities' lattices hold the pixels as well
# The projections are matrix products of a few hundred rows by the 64x64 DCT, made HISTORY_ROWS rows
# at a time: OpenBLAS runs a product this small (rows * 64 * 64 <= 262144) on the calling thread,
# where a larger one is split over threads whose start and wait cost more than the product; on the
# loaded 2-core test machine jpeg_history took 4-10x longer so (tests/benchmarks/test_bench_large_case.py).
HISTORY_ROWS = 64


@lru_cache(maxsize=1)
def _dct64():
    """The orthonormal 8x8 DCT-II (JPEG's) of a row-major flattened block, as a 64x64 matrix."""
    k = np.arange(8)
    c = np.sqrt(2 / 8) * np.cos(np.pi * (2 * k[None, :] + 1) * k[:, None] / 16)
    c[0] /= np.sqrt(2)
    return np.kron(c, c)


def _luma_bounds(values):
    """(luminance, lower bound, upper bound) of 8-bit pixels before JPEG's rounding and clipping:
    a value at 0 or 255 (any colour channel) may have been anything beyond it."""
    values = np.asarray(values)
    if values.ndim == 3:  # JPEG's own RGB -> Y
        luma = values.astype(np.float64) @ np.array([0.299, 0.587, 0.114])
        low, high = values.min(axis=-1) == 0, values.max(axis=-1) == 255
    else:
        luma = values.astype(np.float64)
        low, high = values == 0, values == 255
    return luma, np.where(low, -np.inf, luma - 0.5), np.where(high, np.inf, luma + 0.5)


def _history_blocks(values):
    """(blocks, lower, upper) as (n, 64) arrays minus 128 (JPEG's level shift) of the blocks with
    content (not flat) in the top-left HISTORY_REGION, at most HISTORY_BLOCKS spread over it."""
    h, w = (min(side, HISTORY_REGION) // 8 * 8 for side in np.shape(values)[:2])
    parts = []
    for array in _luma_bounds(np.asarray(values)[:h, :w]):
        parts.append(array.reshape(h // 8, 8, w // 8, 8).transpose(0, 2, 1, 3).reshape(-1, 64) - 128)
    blocks, low, high = parts
    keep = np.flatnonzero(np.ptp(blocks, axis=1) > 0)
    keep = keep[np.unique(np.linspace(0, keep.size - 1, min(keep.size, HISTORY_BLOCKS)).astype(int))]
    return blocks[keep], low[keep], high[keep]


def lattice_evidence(blocks, low, high, steps):
    """(log-likelihood ratio, coefficients used) per table in `steps` (t, 64) of blocks projected
    onto the table's lattice and the pixel bounds in turn (the comment above), the larger of the
    projections from each of HISTORY_STARTS."""
    found = [_projected_evidence(blocks, low, high, steps, start) for start in HISTORY_STARTS]
    best = np.argmax([ratio for ratio, _ in found], axis=0)
    return tuple(np.choose(best, [part[k] for part in found]) for k in range(2))


def _projected_evidence(blocks, low, high, steps, start):
    dct = _dct64().astype(np.float32)  # single precision: a thousandth of a level at most, twice as fast
    t, n = steps.shape[0], blocks.shape[0]
    steps = np.repeat(steps, n, axis=0).astype(np.float32)  # a row per (table, block): one matrix product
    z = np.where(np.isinf(low), blocks - start, np.where(np.isinf(high), blocks + start, blocks))
    z = np.tile(z, (t, 1)).astype(np.float32)
    low, high = np.tile(low, (t, 1)).astype(np.float32), np.tile(high, (t, 1)).astype(np.float32)
    coefficients = np.empty_like(z)
    for first in range(0, z.shape[0], HISTORY_ROWS):  # each row is projected on its own
        rows = slice(first, first + HISTORY_ROWS)
        part, part_steps = z[rows], steps[rows]
        for _ in range(HISTORY_ITERATIONS):
            part = np.clip((part_steps * np.rint((part @ dct.T) / part_steps)) @ dct, low[rows], high[rows])
        coefficients[rows] = part @ dct.T
    distance = coefficients - steps * np.rint(coefficients / steps)
    used = (steps >= HISTORY_MIN_STEP) & (np.abs(coefficients) >= steps / 2)
    density = np.exp(-0.5 * (distance / HISTORY_SIGMA) ** 2) / (HISTORY_SIGMA * np.sqrt(2 * np.pi))
    ratio = np.log((1 - HISTORY_OUTLIERS) * steps * density + HISTORY_OUTLIERS)
    return (ratio * used).reshape(t, -1).sum(axis=1), used.reshape(t, -1).sum(axis=1)


def jpeg_history(values):
    """The earlier JPEG compression of 8-bit pixels ((h, w) or (h, w, 3)) read from them (the
    comment above): {"quality": the estimated IJG quality, "excess": the evidence per coefficient,
    "coefficients" and "blocks" used} or, where the lattice reads none, fixed_point_history's reading
    of qualities 95-98; None when neither reads one (or the pixels are not 8-bit).
    Remembered per region read (HISTORY_CACHE), so that a file loaded again (the window shows a
    dropped file, then judges it) does not pay the 15-40 ms again."""
    values = np.asarray(values)
    if values.dtype != np.uint8 or values.shape[2:] not in ((), (3,)) or min(values.shape[:2]) < 8:
        return None
    region = np.ascontiguousarray(values[:HISTORY_REGION, :HISTORY_REGION])
    key = hashlib.sha256(repr(region.shape).encode() + region.tobytes()).digest()
    with _history_lock:  # files load on worker threads
        found = _history_cache.get(key, False)
    if found is False:
        found = _read_history(region)
        with _history_lock:
            if len(_history_cache) >= HISTORY_CACHE:
                _history_cache.pop(next(iter(_history_cache)))  # the oldest
            _history_cache[key] = found
    return dict(found) if found else None


HISTORY_CACHE = 20000  # regions remembered (a 32-byte key and a small dict each)
_history_cache = {}
_history_lock = threading.Lock()


def _read_history(values):
    blocks, low, high = _history_blocks(values)
    if blocks.shape[0] < HISTORY_MIN_BLOCKS:
        return None
    luma = np.stack([ijg_tables()[int(q)][0] for q in HISTORY_QUALITIES])
    ratio, used = lattice_evidence(blocks, low, high, luma)
    candidates = np.sort(np.argsort(-ratio, kind="stable")[:HISTORY_CANDIDATES])
    controls = lattice_evidence(blocks, low, high, np.concatenate([luma[candidates] * f for f in HISTORY_CONTROLS]))
    excess = ratio[candidates] - controls[0].reshape(len(HISTORY_CONTROLS), -1).max(axis=0)
    best = candidates[int(np.argmax(excess))]
    per_coefficient = excess.max() / max(int(used[best]), 1)
    if excess.max() < HISTORY_MIN_TOTAL or per_coefficient < HISTORY_MIN_EXCESS:
        return fixed_point_history(values)
    quality = best
    while quality > 0 and ratio[quality - 1] >= ratio[quality] - HISTORY_TIE:
        quality -= 1  # as consistent: the coarser table, whose wider zero bins explain the zeros better
    return {"quality": int(HISTORY_QUALITIES[quality]), "excess": round(float(per_coefficient), 2),
            "coefficients": int(used[best]), "blocks": int(blocks.shape[0])}


# --- a high-quality JPEG read as a fixed point of the encoder ------------------------------
# At qualities 95-98 IJG's steps are 1-12 (95) to 1-5 (98): their lattice holds clean pixels about as well as the
# clipped pixels of a JPEG (docs/studies.md, ninth pass), so the lattice above misses 97 and 98.
# But a decoded JPEG is nearly a fixed point of the encoder at its own quality: encoding it again
# with the same tables moves few pixels (its rounding and clipped ringing only), while any other
# image (clean, a generator's haze, a blur, a JPEG at another quality) is moved by the quantisation
# itself. The pixels moved at quality q, counted in the blocks with content, are compared with those
# moved at q - 1, a table of steps of the same size, as the image's own control: real digits through
# JPEG at q moved 0.16-0.46 as many at q as at q - 1, clean, generated and blurred digits 0.59-1.2
# (docs/studies.md, "High-quality JPEG history", tenth pass). At quality 99 (steps of 1-2) every image
# moves few pixels: clean digits 0.25-0.68 as many as at 98, generated ones 0.32-0.62, real digits through
# JPEG 99 0.07-0.26, so 99 has its own, tighter bound (thirteenth pass, "Lossy WebP and JPEG 99-100 history").
# At quality 100 (all steps 1) the ratio to 99 overlaps: real digits through JPEG 100 0.03-0.38, clean ones
# 0.1-0.73 (1 % below 0.23), generated ones 0.23-0.68; below 0.2 about half of JPEG 100 is read.
FIXED_POINT_QUALITIES = (95, 96, 97, 98, 99, 100)
FIXED_POINT_MAX_RATIO = {95: 0.55, 96: 0.55, 97: 0.55, 98: 0.55, 99: 0.25, 100: 0.2}
FIXED_POINT_MIN_MOVED = 32  # pixels moved at q - 1: fewer leave the ratio to chance
FIXED_POINT_MULTIPLES = (2, 3, 4)


def fixed_point_history(values):
    """The JPEG history of 8-bit pixels (h, w) or (h, w, 3) whose top-left corner is the JPEG grid's
    origin, read as a fixed point of the IJG encoder at a quality in FIXED_POINT_QUALITIES (the
    comment above): {"quality", "moved_ratio", "blocks"} or None."""
    from PIL import Image

    # Colour: its luminance (JPEG's own weights), which a JPEG keeps at full resolution; the colour
    # channels are subsampled and interpolated again, which moves the pixels at any quality.
    picture = Image.fromarray(values).convert("L")
    h, w = (side // 8 * 8 for side in values.shape[:2])
    blocks = np.asarray(picture)[:h, :w].reshape(h // 8, 8, w // 8, 8).transpose(0, 2, 1, 3)
    content = np.ptp(blocks, axis=(2, 3)) > 0  # (h/8, w/8): the blocks that are not flat
    if content.sum() < HISTORY_MIN_BLOCKS:
        return None

    def moved(quality):
        buffer = io.BytesIO()
        picture.save(buffer, format="JPEG", quality=quality)
        again = np.asarray(Image.open(buffer))[:h, :w].reshape(h // 8, 8, w // 8, 8).transpose(0, 2, 1, 3)
        return int((again != blocks)[content].sum())

    count = {q: moved(q) for q in range(FIXED_POINT_QUALITIES[0] - 1, FIXED_POINT_QUALITIES[-1] + 1)}
    ratios = {q: count[q] / count[q - 1] for q in FIXED_POINT_QUALITIES
              if count[q - 1] >= FIXED_POINT_MIN_MOVED and count[q] <= FIXED_POINT_MAX_RATIO[q] * count[q - 1]}
    if not ratios:
        return None
    quality = min(ratios, key=ratios.get)
    # A JPEG at a quality with k times q's steps (IJG scales them by 200 - 2q %) lies on q's lattice
    # too and dips there (photo-like images at 94 and 91 moved 0.38 and 0.55 as many at 97 as at 96);
    # it moves fewer pixels at its own quality than at q.
    if any(moved(100 - k * (100 - quality)) < count[quality] for k in FIXED_POINT_MULTIPLES):
        return None
    return {"quality": quality, "moved_ratio": round(ratios[quality], 2), "blocks": int(content.sum())}


def webp_grey(values):
    """WebP has no grey mode: a grey image comes back as RGB channels within 1 of each other
    (chroma rounding). Such an image is grey, the channels' rounded mean; others unchanged."""
    if values.ndim == 3 and values.dtype == np.uint8 and np.abs(values.astype(np.int16) - values[..., :1]).max() <= 1:
        return np.rint(values.mean(axis=-1)).astype(np.uint8)
    return values


def placed_before(channel):
    """Where a speech map's dropped seconds lie, around its whole patches (representations.patch_offset)."""
    before = channel.get("mel_seconds_before_patches", 0.0)
    after = round(channel["mel_seconds_dropped"] - before, 2)
    return " and ".join(f"{seconds:.2f} s {where} them" for seconds, where in ((before, "before"), (after, "after"))
                        if seconds > 0) or "none"


def unread_parts_reason(channel):
    """The verdict's reason for a file only part of which was judged (the first frame of a multi-frame picture, the
    first audio stream of a container holding several, a MIDI file's notes that never end, the end of a recording
    that fills no whole mel patch), or None: what was not read must not pass as judged."""
    parts = []
    for key, what in (("frames", "frames (pages)"), ("audio_streams", "audio streams")):
        count = channel.get(key, 1)
        if count > 1:
            rest = "the other one was" if count == 2 else f"the other {count - 1} were"
            parts.append(f"only the first of the file's {count} {what} was judged; {rest} not read")
    if channel.get("notes_unended"):
        parts.append(f"{channel['notes_unended']:,} of the file's notes are ended where the file ends, as a player "
                     f"ends them: no note-off does")
    if channel.get("mel_seconds_dropped"):
        share = channel.get("mel_share_judged")  # representations.patch_coverage
        parts.append(f"the detectors of its mel map read whole patches of {channel['mel_patch_seconds']:.2f} s, "
                     f"placed where they hold the most sound: {channel['mel_seconds_dropped']:.2f} s of its "
                     f"{channel['mel_seconds']:.2f} s of sound ({placed_before(channel)}) were read by the waveform "
                     f"detectors only"
                     + (f" (its patches hold {share:.0%} of its sound)" if share is not None else ""))
    return "; ".join(parts) or None


def audio_channel(subtype, rate, mono, format_label, speech_audio=None, written=None):
    """The channel of a recording: codec, native rate, levels, effective bandwidth, the noise
    floor per band (`noise_db`, from `speech_audio`, the recording at the speech rate), flat tops where it
    clips (`clipping`) and, for PCM, a codec it was decoded from, read from the samples as `written` in the file
    (where `mono` is them with a DC offset removed: the codec's grid lies on the samples as written) (`codec_history`)."""
    levels = int(np.unique(mono[: 1 << 16]).size) if mono.size else 0
    channel = {"codec": f"{format_label} {subtype}", "subtype": subtype, "native_sample_rate": int(rate),
               "bandwidth_hz": effective_bandwidth(mono, rate)}
    channel["few_levels"] = levels <= FEW_LEVELS and mono.size > 4 * FEW_LEVELS
    # Informative only: quiet recordings made with 16 bits can use few levels too (FSDD does).
    channel["lossy"] = subtype in LOSSY_AUDIO_SUBTYPES
    history = codec_history(mono if written is None else written, rate) if subtype in PCM_AUDIO_SUBTYPES else None
    if history is not None:  # decoded and re-saved as PCM: the codec read from the samples (audio_history.py)
        channel.update(lossy=True, codec_history=history)
    if subtype in FINER_THAN_EIGHT_BITS and written_at_eight_bits(mono, rate):  # its silence an 8-bit recorder's
        channel["eight_bit_silence"] = True
    clipped = clipping(mono)  # read at the native rate: resampling smooths a flat top (clipping.py)
    if clipped:
        channel["clipping"] = clipped
    if speech_audio is not None:
        from engine.data.representations import SPEECH_RATE

        channel["noise_db"] = [round(float(v), 1) for v in noise_levels(speech_audio, SPEECH_RATE)]
        channel["level_db"] = round(speech_level_db(speech_audio), 1)
    return channel


FRAMES_AT_ONCE = 4096


def effective_bandwidth(mono, rate, n_fft=512):
    """The highest frequency (Hz) whose long-term mean power is within BANDWIDTH_DB of the
    strongest frequency's (Welch average over frames of n_fft samples)."""
    mono = np.asarray(mono, dtype=np.float64)
    if mono.size < n_fft:
        mono = np.pad(mono, (0, n_fft - mono.size))
    frames = np.lib.stride_tricks.sliding_window_view(mono, n_fft)[:: n_fft // 2]
    window, power = np.hanning(n_fft), np.zeros(n_fft // 2 + 1)
    for start in range(0, len(frames), FRAMES_AT_ONCE):  # memory bounded whatever the recording's length
        power += (np.abs(np.fft.rfft(frames[start:start + FRAMES_AT_ONCE] * window, axis=1)) ** 2).sum(axis=0)
    power /= len(frames)
    power[0] = 0.0  # DC says nothing about bandwidth
    if power.max() <= 0:
        return 0
    above = np.flatnonzero(10 * np.log10(power / power.max() + 1e-30) > -BANDWIDTH_DB)
    return int(round(np.fft.rfftfreq(n_fft, 1.0 / rate)[above.max()]))


def midi_channel(midi):
    """MIDI timing and loudness of a pretty_midi.PrettyMIDI: resolution, tempi, velocities
    (the piano roll counts in quarter notes, so neither tempo nor resolution changes it), and
    whether its onsets keep a grid of those quarters or it is a performance recorded without a click
    (`onsets`: engine/data/performance.py), and the grid of their own they keep where it is no subdivision of
    the quarters (`own_grid`, only where found: engine/data/own_grid.py; such a file is sequenced, however far
    off the quarters' grid its onsets lie, so no performance), and the gate time a sequenced file holds its notes at
    (`gate`, only where found: engine/data/gate_time.py)."""
    from engine.data import gate_time, own_grid, performance

    tempi = sorted({round(float(t), 1) for t in midi.get_tempo_changes()[1]})
    velocities = sorted({n.velocity for inst in midi.instruments if not inst.is_drum for n in inst.notes})
    channel = {"codec": "MIDI", "lossy": False, "resolution": int(midi.resolution), "tempo_bpm": tempi[:8],
               "velocities": velocities[:8] if len(velocities) <= 8 else f"{len(velocities)} distinct",
               "onsets": performance.read(midi)}
    grid = own_grid.read(midi)
    if grid:
        channel["own_grid"] = grid
        channel["onsets"]["performance"] = False
    gate = None if grid or channel["onsets"]["performance"] else gate_time.read(midi)
    if gate:
        channel["gate"] = gate
    return channel


# --- added noise, estimated from the recording itself -----------------------------------
# Noise added on the way (a noisy line, a street, a fan) is not written in any header, but it
# is in the recording: between and under the words. Its spectrum is read from the quietest
# frames (minimum statistics: speech pauses, which every spoken-digit recording has) and given
# per band relative to the speech level (the mean power of the loudest quarter of frames, as
# noise-floor and the level normalisation take it), so it is gain-invariant. Padding is set aside
# (engine/data/padding.py): a noisy room's recording padded with zeros keeps its noise key.
NOISE_FRAME, NOISE_HOP = 256, 128  # 32 ms frames at 8 kHz
NOISE_BANDS_HZ = (0, 500, 1000, 2000, 4000)  # octave-like bands of the telephone range
NOISE_QUIET_SHARE = 0.1  # the quietest tenth of the frames: the floor
NOISE_LOUD_SHARE = 0.25  # the loudest quarter: the speech level
NOISE_FLOOR_DB = -120.0  # a band with nothing in its quiet frames (digital silence) reads as this


def band_powers(audio, rate):
    """(frames, bands) power of each 32 ms Hann-windowed frame in each of NOISE_BANDS_HZ, of the
    recording (at the speech rate) without its padding: zeros put at its ends are no floor."""
    audio = np.asarray(speech_span(audio), dtype=np.float64)
    if audio.size < NOISE_FRAME:
        audio = np.pad(audio, (0, NOISE_FRAME - audio.size))
    frames = np.lib.stride_tricks.sliding_window_view(audio, NOISE_FRAME)[::NOISE_HOP]
    spectra = np.abs(np.fft.rfft((frames - frames.mean(axis=1, keepdims=True)) * np.hanning(NOISE_FRAME), axis=1)) ** 2
    freqs = np.fft.rfftfreq(NOISE_FRAME, 1.0 / rate)
    edges = np.searchsorted(freqs, NOISE_BANDS_HZ[1:-1])
    return np.stack([part.sum(axis=1) for part in np.split(spectra[:, 1:], edges - 1, axis=1)], axis=1)


def speech_and_floor(power):
    """(speech level, floor per band) of band_powers(): the mean total power of the loudest
    NOISE_LOUD_SHARE of frames, and the mean band powers of the quietest NOISE_QUIET_SHARE."""
    total = power.sum(axis=1)
    order = np.argsort(total, kind="stable")
    loud = total[order[-max(1, int(round(NOISE_LOUD_SHARE * total.size))):]].mean()
    return loud, power[order[:max(2, int(round(NOISE_QUIET_SHARE * total.size)))]].mean(axis=0)


def speech_level_db(audio):
    """A recording's speech level in dB relative to full scale: the mean square of its loudest
    NOISE_LOUD_SHARE of frames (the speech level noise_levels takes); NOISE_FLOOR_DB for silence.
    A codec that quantises on a fixed scale (GSM 06.10) treats a quiet recording otherwise than a
    loud one, so the reference is passed through it at this level (engine/detectors/channels.py).
    Read without the recording's padding, as band_powers."""
    audio = np.asarray(speech_span(audio), dtype=np.float64)
    if audio.size < NOISE_FRAME:
        audio = np.pad(audio, (0, NOISE_FRAME - audio.size))
    power = np.sort((np.lib.stride_tricks.sliding_window_view(audio, NOISE_FRAME)[::NOISE_HOP] ** 2).mean(axis=1))
    loud = power[-max(1, int(round(NOISE_LOUD_SHARE * power.size))):].mean()
    return max(10 * np.log10(loud), NOISE_FLOOR_DB) if loud > 0 else NOISE_FLOOR_DB


def noise_levels(audio, rate):
    """The noise floor in each band of NOISE_BANDS_HZ, in dB relative to the speech level
    (speech_and_floor). All NOISE_FLOOR_DB for a recording with no signal."""
    loud, quiet = speech_and_floor(band_powers(audio, rate))
    if loud <= 0:
        return np.full(len(NOISE_BANDS_HZ) - 1, NOISE_FLOOR_DB)
    return np.maximum(10 * np.log10(np.maximum(quiet, 1e-300) / loud), NOISE_FLOOR_DB)
