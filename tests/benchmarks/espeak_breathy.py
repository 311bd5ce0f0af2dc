"""espeak-ng's female variants that breathe or echo (`en+f2`, `en+f3`, `en+f4`) and MBROLA `mb-us1` at a high rate
and pitch, the voices the thirty-fifth pass left lost against a `builtin:fsdd` case (docs/studies.md, "espeak-ng's
echo", thirty-sixth pass).

    python tests/benchmarks/espeak_breathy.py build SET OUT_DIR      # SET: tuning or untouched
    python tests/benchmarks/espeak_breathy.py list SET               # the specifications, one a line
    python tests/benchmarks/espeak_breathy.py summary VERDICTS.json  # labels by channel and by voice

Channels as in espeak_plain.py (espeak-ng's own 22.05 kHz, or MBROLA's 16 kHz, kept as written, re-saved by
soundfile, or loaded by librosa at 8 or 16 kHz and saved by soundfile).

The untouched set (tests/benchmarks/data/breathy_untouched.md) was named in the branch's first commit, before any
file of either set was built: other texts, rates and pitches, other base languages' breathy and echoing variants,
`en+f5` and `en+f1`, MBROLA us1 and us2 at other high rates and pitches.
"""
import itertools
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from espeak_plain import CHANNELS, build, named, summary  # noqa: E402
from espeak_variants import command_line  # noqa: E402

TUNING_VOICES = ("en+f2", "en+f3", "en+f4", "mb-us1")
TUNING_TEXTS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                "forty five", "The number is seven.")
TUNING_RATES = (130, 175, 200, 220, 250)
TUNING_PITCHES = (30, 50, 70)

UNTOUCHED_VOICES = ("en+f5", "en-us+f2", "en-gb+f3", "en-us+f4", "en+f1", "de+f2", "fr+f3", "es+f4", "nl+f5",
                    "mb-us1", "mb-us2")
UNTOUCHED_TEXTS = ("6", "13", "2 9", "eighty one", "Call me at noon.", "nought", "Nine sixty.")
UNTOUCHED_RATES = (145, 190, 210, 240)
UNTOUCHED_PITCHES = (40, 60, 80)


def tuning_specs():
    """Each tuning voice through each channel four times, text, rate and pitch rotated (96 files)."""
    texts, rates, pitches = (itertools.cycle(v) for v in (TUNING_TEXTS, TUNING_RATES, TUNING_PITCHES))
    return named([(voice, next(rates), next(pitches), 100, 0, next(texts), channel)
                  for voice, channel in itertools.product(TUNING_VOICES, CHANNELS) for _ in range(4)])


def untouched_specs():
    """Each untouched voice through each channel once, text, rate and pitch rotated (66 files)."""
    texts, rates, pitches = (itertools.cycle(v) for v in (UNTOUCHED_TEXTS, UNTOUCHED_RATES, UNTOUCHED_PITCHES))
    return named([(voice, next(rates), next(pitches), 100, 0, next(texts), channel)
                  for voice, channel in itertools.product(UNTOUCHED_VOICES, CHANNELS)])


SETS = {"tuning": tuning_specs, "untouched": untouched_specs}

if __name__ == "__main__":
    command_line(SETS, build, summary, None, sys.argv)
