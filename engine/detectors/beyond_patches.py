"""A recording whose sound lies beyond its judged mel patches: the mel-map detectors stand aside (docs/verdicts.md,
"Channels and level").

A recording's mel map is cut into whole patches of representations.PATCH_FRAMES frames (0.64 s) and the rest
dropped, so of a one-second clip only its first 0.64 s reaches the mel-map detectors. Each file's patches are then
brought to one loudness from their own loudest frames (representations.normalise_level). Where the word lies in the
dropped part, the patch holds the background before it, and the normalisation raises that background by 24-57 dB to
a word's loudness: its cells fill the intensity histogram's bins 0.05-0.3 (6-28 reference SDs above the
reference's), which `features` reads as a generator's output (Speech Commands clips recorded in browsers, trimmed to
one second around the word: the five of 100 v0.02 test clips it labelled generated held under 1 % of their sound in
the patch), and whose cell-to-cell scatter brings `checkerboard` near its threshold (its tail probability under 0.01
for 8 of 71 such real clips, 3 of 329 whose patches hold half their sound or more); docs/studies.md, "Speech
Commands: the word beyond the patch", thirty-second pass. So where the judged patches hold less than
MIN_SHARE_JUDGED of the map's mel power, both stand aside (weight 0, said in the verdict) and the detectors of the
waveform judge the file. The reference's own recordings hold 25 % and more of it (FSDD: 2 of 2,000 takes under a
half), the synthesisers and the product's Griffin-Lim speech 97 % and more.

The reading is a channel-key part (engine/detectors/aside_marks.py): (BEYOND_PATCHES, MIN_SHARE_JUDGED); the share
each file's patches hold is stated with its dropped seconds (engine/data/channels.py).
"""
from engine.detectors import aside_marks

MIN_SHARE_JUDGED = 0.5
BEYOND_PATCHES = "sound beyond the patches"
DETECTORS = aside_marks.MEL_MAP_DETECTORS
NOTE = f"most of the recording's sound lies beyond its mel patches: {' and '.join(DETECTORS)} stand aside"


def marked(key, channel):
    """Channel key `key` (None: nothing read) with this part appended where the judged patches hold less than
    MIN_SHARE_JUDGED of the recording's mel power (`mel_share_judged`, representations.patch_coverage)."""
    share = channel.get("mel_share_judged")
    if share is None or share >= MIN_SHARE_JUDGED or (key is not None and key[0] != "audio"):
        return key
    return aside_marks.append(key, (BEYOND_PATCHES, MIN_SHARE_JUDGED))



def reason(key):
    """Why the mel-map detectors stand aside, in words, for a key with this part."""
    return (f"its mel patches hold less than {key[-1][1]:.0%} of the recording's sound (the rest lies beyond the "
            f"last whole patch, which the mel-map detectors do not read): brought to a word's loudness, the "
            f"background they hold reads as a generator's output")
