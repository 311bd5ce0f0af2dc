"""Input limits, in one place: what the workstation refuses to open before it decodes.

Hostile or broken evidence must not hang the tool or exhaust memory, so every loader
checks headers against these numbers first and raises `InputError` with the reason.
The limits on run folders (JSON size and depth, checkpoint size, model parameters) are in
training/files.py, since training/ cannot import engine/.
"""
import numpy as np

from engine.errors import InputError

MAX_FILE_BYTES = 512 * 2**20  # one evidence file, also the cap on gzip-decompressed IDX data
# Values one file may decode to, checked from its header before decoding: pixels x channels of the
# decoded frame, audio samples x channels, array or IDX elements. 64 Mi float32 values are 256 MiB,
# so a file refused or accepted stays well under 1 GB; the per-dimension limits below multiply to
# far more (600 s x 384 kHz x 64 channels is 59 GB), so this budget is what bounds memory.
MAX_DECODED_VALUES = 64 * 2**20
MAX_IMAGE_PIXELS = 16_777_216  # width x height of one image (4096 x 4096), checked from the header
MAX_IMAGE_FRAMES = 10_000  # frames of a multi-frame image, counted by walking its directory chain
# A lossy WebP's quality is estimated by encoding its picture again several times (engine/data/webp_quality.py):
# about 8 encodes: 2 ms for a 28 x 28 digit, about a second for a megapixel picture.
MAX_WEBP_QUALITY_PIXELS = 1_048_576
# A picture larger than the case reference is read as an enlargement (engine/data/picture_size.py) up to this many
# times the reference's side: the reading's matrices grow with the side, and no editor enlarges a digit further.
MAX_ENLARGEMENT = 8
MAX_AUDIO_SECONDS = 600.0  # one recording, checked from the header
# ... and at least this long once decoded: under a tenth of a second (less than one analysis window of 0.128 s at
# the speech rate) no detector has anything to read; FSDD's shortest spoken digit lasts 0.14 s
MIN_AUDIO_SECONDS = 0.1
MIN_SAMPLE_RATE, MAX_SAMPLE_RATE = 1_000, 384_000
# A float recording's full scale is 1.0; 32,768 is the scale of 16-bit integers, which a script saving integer samples
# as floats without scaling reaches. Far beyond it the mel map's power overflows float32 (a peak of about 1e19 turns
# its patches to NaN) and the detectors judge nothing, so such a file read as "real".
MAX_SAMPLE_PEAK = 32_768.0
MAX_AUDIO_CHANNELS = 64
# streams (tracks) of a media container: FFmpeg keeps about 0.8 MB for each one it probes (999 copies of a
# track in a 570 KB M4A took 745 MB); a phone recording holds one to three
MAX_MEDIA_STREAMS = 64
MAX_MIDI_SECONDS = 3600.0  # end time of the last event
MAX_MIDI_RESOLUTION = 100_000  # ticks per quarter note
MAX_MIDI_QUARTERS = 20_000  # last event, in quarter notes (bounds the piano roll's width)
MAX_MIDI_TICKS = 10_000_000  # last event, in ticks (pretty_midi allocates a table this long)
MAX_MIDI_EVENTS = 500_000  # counted from the raw bytes before mido builds an object per event
MAX_FOLDER_FILES = 100_000  # entries of one folder spec
MAX_FOLDER_DEPTH = 64  # nesting of evidence folders walked for a verdict
MAX_ITEMS = 5_000_000  # samples in one set
MAX_VALUES = 2**28  # floats in one set's x (1 GiB of float32)


def readable(number):
    return f"{int(number):,}" if float(number).is_integer() else f"{number:,.1f}"


def check_at_most(source, what, value, limit, unit=""):
    """Raises InputError when `value` exceeds `limit`; the reason names both."""
    if value > limit:
        raise InputError(source, f"{what} {readable(value)}{unit} exceeds the limit of {readable(limit)}{unit}")


def check_set_size(source, n, values_per_item):
    """Refuses a set whose sample count or float array would be too large, before allocating it."""
    check_at_most(source, "number of samples", n, MAX_ITEMS)
    check_at_most(source, "number of values", n * values_per_item, MAX_VALUES)


def check_decoded_size(source, values, what="decoded size"):
    """Refuses a file whose header announces more than MAX_DECODED_VALUES values, before decoding."""
    check_at_most(source, what, values, MAX_DECODED_VALUES, " values")


def check_samples(source, samples):
    """Refuses decoded audio samples no detector can read: NaN or infinite ones, or a peak past MAX_SAMPLE_PEAK."""
    if not np.isfinite(samples).all():
        raise InputError(source, "recording holds NaN or infinite samples")
    peak = float(np.abs(samples).max(initial=0.0))
    if peak > MAX_SAMPLE_PEAK:
        raise InputError(source, f"samples reach {peak:.3g}, beyond the limit of {MAX_SAMPLE_PEAK:,.0f} (a float "
                                 f"recording's full scale is 1)")
