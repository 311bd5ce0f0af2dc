"""The detectors for a figure with a decoder's halo and nothing else read (channel key (DECODER_HALO,), engine/data/
decoder_halo.py): `stroke-ramp` judged against the reference's files alone, not also against their resampled copies
(issue #14).

`stroke-ramp` reads a VAE's blur: its strokes climb for pixels before their crest. It is calibrated on the reference's
files and, apart, on their copies rotated, rescaled and shifted with interpolation, whose softness covers a
long-trained VAE's; against the files alone it catches much more of it, but real digits resampled in a way no reading
shows pay (docs/studies.md, fifty-second pass). A halo hugging the figure is a decoder's, not a resample's, so such a
figure has no resample to be excused by; the files' own calibration (the first part of the stored union, nothing
new stored) applies. Tuning (docs/studies.md, "A decoder's halo against the reference's files alone", fifty-third
pass): zoo VAEs trained 12,000 steps 5-17 more of 300 digits labelled generated (untouched: 5 and 17), real digits as
written, blurred, resampled in the frame or resized and back none more. A case whose `stroke-ramp` keeps no separate
files' calibration (made before the resampled copies) judges as before.
"""
import copy

READ = "stroke-ramp"  # the blur detector whose calibration the resampled copies widen


def detectors(case_detectors):
    """(detectors, note) for a figure with a decoder's halo: the case's, `stroke-ramp` on the files' part of its
    calibration (module docstring)."""
    ramp = next((d for d in case_detectors if d.name == READ and "parts" in d.tail), None)
    if ramp is None:
        return case_detectors, None
    alone = copy.copy(ramp)
    alone.tail = ramp.tail["parts"][0]
    note = ("a figure with a decoder's halo hugging it and nothing else read: stroke-ramp judged against the "
            "reference's files alone, not also their resampled copies (a halo no resample or resize and back of a "
            "real figure makes; docs/studies.md, \"A decoder's halo against the reference's files alone\", "
            "fifty-third pass)")
    return [alone if d is ramp else d for d in case_detectors], note
