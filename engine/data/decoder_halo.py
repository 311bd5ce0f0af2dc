"""A decoder's halo, read from a lossless grey figure with nothing else read in it (issue #14).

A long-trained MLP VAE's soft digits carry a halo no resample within the frame makes: faint values (1-15 of 255) three
pixels or more from the ink (engine/data/in_frame.py `halo`), where such a figure is judged as written. But judged as
written, `stroke-ramp` is calibrated on the reference's files and, apart, on their resampled copies, whose softness
covers the VAE's. A resize and back reaches further than a resample within the frame, so some real digits resized
through 34 pixels and back carry faint values that far too, and the halo alone does not keep those copies away.

Where the faint values lie tells the two apart: a decoder's figure fades slowly all along its outline, so its halo
starts right at HALO_REACH from the ink and hugs it (faint values at exactly that distance, `ring`); a round trip's
faint values that far come from a dim stroke or mark whose crest stays below the ink (values above in_frame.INK), so
they lie further out, with few at exactly HALO_REACH. Tuning (docs/studies.md, "A decoder's halo against the
reference's files alone", fifty-third pass): of the haloed digits whose stricter `stroke-ramp` verdict changes, every
real digit resized through 34 pixels and back or blurred holds at most 5 values on that ring, the VAEs' a median of 9.
Round trips through 20 pixels and Lanczos ones hold such a ring too, but the resize reader claims them (their channel
is not empty), so they are not judged so.

A figure with both (more than in_frame.HALO faint values beyond the reach, at least RING of them on it) is marked
`decoder_halo`; with nothing else read (channel key None) `stroke-ramp` judges it against the reference's files alone
(engine/detectors/files_alone.py).

The halo overrules a mirror or a quarter turn read from the figure's shape (engine/data/orientation.py): that
reading is set aside and the figure judged as written. A real digit so edited keeps the halo it had as written,
none (none of MNIST's 10,000 test digits has one), while a VAE's figure unlike the reference's reads as an edit in
a sixth to a quarter of its digits and was judged put back each way, generated only where every way said so (tuning:
39-69 haloed digits of 300 read so per long-trained VAE, 1-6 of them missed; judged as written, none; docs/studies.md,
"A long-trained VAE's halo over the orientation reading", fifty-fourth pass).
"""
from engine.data import in_frame
from engine.data.tone_curve import one_eight_bit_grey_picture

RING = 6  # at least this many faint values at exactly in_frame.HALO_REACH from the ink: a halo hugging the figure
OVERRULED = "oriented"  # the reading a halo sets aside: a mirror or a quarter turn read from the shape


def ring(picture, faint=None):
    """The number of a grey picture's (h, w) faint values at chessboard distance exactly in_frame.HALO_REACH from its
    ink (in_frame.halo's values there; `faint`: in_frame.halo(picture), where already counted)."""
    faint = in_frame.halo(picture) if faint is None else faint
    return faint - in_frame.halo(picture, in_frame.HALO_REACH + 1)


def read(samples, clean_reference):
    """Samples whose one lossless 8-bit grey picture, with nothing read in it but perhaps a mirror or a quarter turn,
    carries a decoder's halo (module docstring), their channel saying so, the orientation reading set aside; other
    samples unchanged. Where the reference's background is empty only."""
    channel = samples.meta.get("channel") or {}
    if not clean_reference or set(channel) - {"codec", "lossy", OVERRULED} or not one_eight_bit_grey_picture(samples):
        return samples
    picture = samples.x[0, 0]
    faint = in_frame.halo(picture)
    hugging = ring(picture, faint)
    if faint > in_frame.HALO and hugging >= RING:
        found = {"faint": faint, "ring": hugging}
        if OVERRULED in channel:
            found["set_aside"] = channel.pop(OVERRULED)["edits"]
        samples.meta.setdefault("channel", {})["decoder_halo"] = found
    return samples


def reason(channel):
    """The verdict's reason for a figure read with a decoder's halo, or None."""
    found = channel.get("decoder_halo")
    if not found:
        return None
    return (f"a decoder's halo: {found['faint']} faint values (below {in_frame.FAINT * 255:.0f} of 255) lie "
            f"{in_frame.HALO_REACH} pixels or more from its ink, {found['ring']} of them right at that distance, "
            f"hugging the figure as a decoder's slow fade does and no resample or resize and back of a real figure "
            f"does; where nothing else is read, stroke-ramp is judged against the reference's files alone"
            + (f"; read from its shape as {' or '.join(found['set_aside'])}, set aside: judged as written (a real "
               f"figure so edited keeps its own halo, none)" if found.get("set_aside") else ""))
