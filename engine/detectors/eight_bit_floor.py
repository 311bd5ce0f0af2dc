"""Digital silence an 8-bit recorder wrote (engine/data/eight_bit_silence.py): noise-floor stands aside.

Kept as 8-bit PCM, a recording's channel sets noise-floor aside (channel_losses.FLOOR_LOST,
channel_limits.EIGHT_BITS_FLOOR): an 8-bit step rounds a quiet room's pauses to exact zeros. Where a finer file (G.711
mu-law, 16-bit PCM) holds such zeros and its quiet samples still lie on the 8-bit grid (`eight_bit_silence` in its
channel), the same holds, and noise-floor stands aside the same way: the other detectors, calibrated for the file's
own channel, judge it. What it costs: a synthesiser's output written at 8 bits and converted to a finer file loses
noise-floor, as it does kept at 8 bits (espeak-ng's digits so through mu-law: 9 of 30 caught either way, noise-floor
deciding none before); its output at 16 bits, or through mu-law from 16 bits, does not read so (none of 90 espeak-ng,
flite and Griffin-Lim digits, as written and through mu-law; docs/studies.md, "Spoken digits recorded elsewhere").

The reading is a channel-key part (engine/detectors/aside_marks.py): (EIGHT_BIT_SILENCE, its step in 16-bit units).
"""
from engine.data import eight_bit_silence
from engine.detectors import aside_marks

EIGHT_BIT_SILENCE = "8-bit silence"
DETECTORS = ("noise-floor",)
NOTE = "its digital silence lies on an 8-bit grid: noise-floor stands aside"


def marked(key, channel):
    """Channel key `key` (None: nothing read) with this part appended where the channel read `eight_bit_silence`
    (engine/data/channels.py reads it in files finer than 8 bits)."""
    if not channel.get("eight_bit_silence") or (key is not None and key[0] != "audio"):
        return key
    return aside_marks.append(key, (EIGHT_BIT_SILENCE, eight_bit_silence.STEP))


def reason(key):
    """Why noise-floor stands aside, in words, for a key with this part."""
    return (f"its runs of exact zeros come with quiet samples on an 8-bit grid (steps of {key[-1][1]} in 16-bit "
            f"units): an 8-bit recorder rounded a quiet room's pauses to digital silence before the file was "
            f"converted, so the depth of the floor says nothing about how the speech was made")
