"""Input limits, in one place: what the workstation refuses to open before it decodes.

Hostile or broken evidence must not hang the tool or exhaust memory, so every loader
checks headers against these numbers first and raises `InputError` with the reason.
"""
from engine.errors import InputError

MAX_FILE_BYTES = 512 * 2**20  # one evidence file, also the cap on gzip-decompressed IDX data
MAX_IMAGE_PIXELS = 50_000_000  # width x height of one image, checked from the header
MAX_AUDIO_SECONDS = 600.0  # one recording, checked from the header
MIN_SAMPLE_RATE, MAX_SAMPLE_RATE = 1_000, 384_000
MAX_AUDIO_CHANNELS = 64
MAX_MIDI_SECONDS = 3600.0  # end time of the last event
MAX_MIDI_RESOLUTION = 100_000  # ticks per quarter note
MAX_MIDI_QUARTERS = 20_000  # last event, in quarter notes (bounds the piano roll's width)
MAX_MIDI_TICKS = 10_000_000  # last event, in ticks (pretty_midi allocates a table this long)
MAX_MIDI_EVENTS = 2_000_000
MAX_FOLDER_FILES = 100_000  # entries of one folder spec
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
