"""Speech whose pauses hold broadband noise the reference's takes do not: `features` stands aside (docs/verdicts.md,
"Channels and level"; docs/studies.md, "Real speech under added noise: features and the pauses' noise", fifty-eighth
pass).

`features` reads a recording's mel map through its intensity histogram and the spread of its spectral centroid and
slope. A short real clip with a pause around its word (Speech Commands' 1-s clips: half of it or more) under noise
20-30 dB below its mean power holds the noise in every cell of those pauses, which the histogram counts in its faint
bins (0.05-0.3 of the map's scale): the reference's trimmed takes (FSDD: hardly a pause) have few such cells, so a
clip with a long pause reads 5-14 SD off in the [0.1, 0.2) bin, a generator's texture. Such noise neither reaches the
added-noise gate (the reference's 99th percentile floors, -21 to -24 dB re the speech above 500 Hz in the FSDD case:
the quietest tenth of a trimmed take lies on its speech's edges, so its floor reads high) nor the far-field one (their
90th percentile, -34 dB), and the reference brought up to the file's floor would not help: its takes hold too little
pause for the noise to fill (engine/detectors/far_field.py, thirty-first pass).

So where the recording's floor lies above the reference recordings' median in every band above 500 Hz (its broadband
floor: -45 dB re the speech in the FSDD case), `features` stands aside (weight 0, said in the verdict) and the other
detectors judge the file. The median, not a high quantile: the reference's floors are read on takes with hardly a
pause, so a floor above most of theirs is noise their maps do not carry. A synthesiser writing to a file keeps its
silence digital or deep (broadband -49 dB or lower in 16 of 18 tuning phrases as made); under noise 20-30 dB below
its mean power `features` decided none of the synthesised phrases' labels before (fifty-seventh pass), so what is
lost is its reading of a generator's mel map whose pauses carry such noise (named in CHANNEL_LIMITS). A recording
that reads as far-field speech is marked so instead (both mel-map detectors stand aside there); a sound without pauses
(its loud frames within far_field.FAR_FIELD_MIN_DEPTH_DB of its quiet ones) has no floor apart from itself and is not
read so.

The reading is a channel-key part (engine/detectors/aside_marks.py), read only where neither a low rumble (which sets
`features` aside itself) nor far-field speech is: (NOISY_PAUSES, the reference's median broadband floor in dB).
"""
import numpy as np

from engine.detectors import aside_marks, far_field, low_rumble

NOISY_PAUSES = "noisy pauses"
DETECTORS = ("features",)


def threshold(gate):
    """The reference recordings' median broadband floor (the last column of the gate's first row:
    channel_keys.reference_noise_gate)."""
    return float(np.asarray(gate)[0][-1])


def reads_noisy_pauses(channel, gate):
    """Whether a recording's channel (its `noise_db`) puts its broadband floor above threshold(gate) with its loud
    frames at least far_field.FAR_FIELD_MIN_DEPTH_DB above its quiet ones, and it does not read as far-field speech;
    False without a gate or a floor read."""
    levels = channel.get("noise_db")
    if gate is None or levels is None or far_field.reads_far_field(channel, gate):
        return False
    return (far_field.broadband_floor(levels) > threshold(gate)
            and far_field.depth(levels) >= far_field.FAR_FIELD_MIN_DEPTH_DB)


def marked(key, channel, gate):
    """Channel key `key` (None: nothing read) with the noisy-pauses part appended where the recording reads so and no
    low rumble was read (under which features stands aside already)."""
    if (not reads_noisy_pauses(channel, gate) or (key is not None and key[0] != "audio")
            or aside_marks.last(key) == low_rumble.LOW_RUMBLE):
        return key
    return aside_marks.append(key, (NOISY_PAUSES, round(threshold(gate), 1)))


NOTE = "noise in its pauses: features stands aside"


def reason(key):
    """Why features stands aside, in words, for a noisy-pauses key."""
    return (f"the recording's floor lies above {key[-1][1]:.0f} dB re its speech in every band above 500 Hz (the "
            f"reference recordings' median): noise fills its pauses' cells of the mel map, which the intensity "
            f"histogram reads as a generator's faint texture where the reference's trimmed takes hold hardly a pause")
