"""A channel key (engine/detectors/channel_keys.py) in words: the channel a verdict says its reference passed
(describe), and why mel-inversion stands aside under a codec whose bitrate could have kept it (docs/verdicts.md,
"Channels and level")."""
from engine.data import picture_size
from engine.data.channels import NOISE_BANDS_HZ
from engine.data.formats.container_audio import TELEPHONE
from engine.detectors import aside_marks, low_rumble, quarter_grid, time_scale
from engine.detectors.channel_keys import (BOX_FRAMED, DECODER_HALO, EQUALISED, NOISE_STEP_DB, NOISY_PICTURE,
                                           OPENCV_ROUND_TRIP, ORIENTED,
                                           TONED, box_framed_before, codec_from_samples, fills_frame, framed,
                                           framed_before, in_frame_base, in_frame_read, jpeg_after, jpeg_alone,
                                           jpeg_befores, lossy_codec, mp3_bitrate, noisy_before, opus_inversion,
                                           quiet_level, resized_before, toned_before, vorbis_quality, webp_quality)
from engine.detectors.channel_losses import AMR_NB, MP3_INVERSION_MIN, OPUS_INVERSION_MIN, VORBIS_INVERSION_MIN
from engine.detectors.channel_media import (CODEC_STAND_INS, LOWEST_BITRATE_SUBTYPES, PYAV_CODECS, RESIZE_FACTORS,
                                            WEBP_QUALITIES, history_spread)


def describe(key):
    """The channel assumed for the reference, in words."""
    if key is None:
        return "none (the file's format changes nothing the detectors read)"
    if key == (DECODER_HALO,):
        return "none read but a decoder's halo: stroke-ramp judged against the reference's files alone"
    if key[0] == time_scale.KEY:
        return time_scale.describe(key[1]) + (f"; as written, {quarter_grid.WORDS}" if key[2:] else "")
    if key[0] == quarter_grid.KEY:
        return quarter_grid.WORDS
    if jpeg_befores(key):
        found = []
        if resized_before(key):
            filters, side = resized_before(key)
            found.append(f"after a resize with {' or '.join(filters)} through {side} x {side} and back read "
                         f"approximately from the pixels")
        if framed_before(key):
            filters, side = framed_before(key)
            found.append(f"the figure filling the frame as in a collection of {side} x {side} pictures enlarged" + (
                "" if resized_before(key) else f" (no resize read: its side and filter assumed, "
                                               f"{' or '.join(filters)})"))
        if box_framed_before(key):
            found.append(f"of a figure whose box is centred and spans {box_framed_before(key)} pixels of the frame, "
                         f"as EMNIST prepared its digits")
        if toned_before(key):
            black, white = toned_before(key)[:2]
            found.append(f"after a tone line read from the pixels (background at {black}, strokes' plateau near "
                         f"{white}), as an editor's brightness or contrast")
        if noisy_before(key):
            found.append(f"with noise of about {noisy_before(key):g} levels read from the blocks with no stroke, as a "
                         f"camera's or a scanner's")
        codec = lossy_codec(key)
        return (f"{describe(jpeg_alone(key))}, {' and '.join(found)} (judged against the reference through the {codec} "
                f"alone and through {'each reading' if len(found) > 1 else 'that preparation'} then the {codec}; each "
                f"detector's largest tail probability applies)")
    if key[0] == "JPEG":
        from engine.data.channels import jpeg_quality

        quality, off = jpeg_quality(key[1][0][1])
        if "pixels" in key[3:]:
            spread = history_spread(quality)
            return (f"JPEG inferred from the pixels (estimated IJG quality {quality}: the lossless file keeps no "
                    f"tables; the reference is re-encoded with the IJG tables at qualities {spread[0]}-{spread[-1]})")
        return f"JPEG with the file's own quantisation tables (IJG quality {quality}{'' if off == 0 else ' approx.'})"
    if key[0] == NOISY_PICTURE:
        return (f"noise of about {key[1]:g} levels read from the pixels of the empty background: the reference with "
                f"Gaussian noise of that level added, rounded and clipped")
    if in_frame_read(key):
        framing = f"; {describe(in_frame_base(key))}" if in_frame_base(key) is not None else ""
        return (f"a figure read from its soft edges as rotated, rescaled or shifted by a fraction of a pixel within "
                f"its frame with interpolation: box-size and placement judged as it is and against the reference so "
                f"resampled (each one's larger tail probability applies){framing}")
    if key[0] == ORIENTED:
        return (f"a figure read from its shape as {' or '.join(key[1:])} in an editor: judged as it is and put back each "
                f"way, against the reference as it is (each detector's largest tail probability applies)")
    if key[0] == OPENCV_ROUND_TRIP:
        return (f"enlarged to {key[2]} x {key[2]} with OpenCV's {key[1]} and reduced back with its {key[3]}, inferred "
                f"from the pixels (the file is a fixed point of that round trip and of no neighbouring side's): the "
                f"reference round-tripped so, and as it is (each detector's larger tail probability applies)")
    if key[0] == EQUALISED:
        return (f"histogram equalisation read from the pixels ({key[1]}): the reference equalised so, figure by figure "
                f"(and as it is: each detector's larger tail probability applies)")
    if key[0] == TONED:
        return (f"a tone line read from the pixels (background at {key[1]}, strokes' plateau at {key[2]}): the file "
                f"judged with it undone, the reference put through the same line and back")
    if key[0] == "WebP lossy":
        qualities = ", ".join(map(str, WEBP_QUALITIES))
        if key[1:] == ("pixels",):
            return (f"lossy WebP inferred from the pixels (a grey picture with none of the levels libwebp's decoder "
                    f"cannot produce; the lossless file keeps no quality: the reference is re-encoded at qualities "
                    f"{qualities})")
        if webp_quality(key) is not None:
            return (f"lossy WebP at quality {webp_quality(key)}, estimated from its header's base quantiser and its "
                    f"pixels (WebP records no quality): the reference re-encoded at that quality")
        return f"lossy WebP at qualities {qualities} (WebP records none, and its quality was not estimated)"
    if key[0] == "enlarged":
        (h, w), kernel = key[1], key[2]
        saved = f", then saved as {describe(jpeg_after(key))}" if jpeg_after(key) else ""
        through = f", through that JPEG's tables at {h} x {w}" if jpeg_after(key) else ""
        if kernel is None:
            return (f"enlarged to {h} x {w} with a filter not read from the pixels{saved}: the file reduced with "
                    f"Pillow's box filter, the reference enlarged with each of "
                    f"{', '.join(picture_size.COMMON_KERNELS)}{through} and reduced so (each detector's largest tail "
                    f"probability applies)")
        if jpeg_after(key):  # one filter's part of the reading above
            return f"enlarged to {h} x {w} with {kernel}{saved}, reduced with Pillow's box filter"
        return (f"enlarged to {h} x {w} with {picture_size.KERNEL_WORDS.get(kernel, kernel)}, read from the pixels "
                f"(the file is that filter's upsampling of a picture of the reference's size, to which it is reduced; "
                f"the reference is enlarged and reduced so)")
    if key[0] == BOX_FRAMED:
        span = key[1]
        if framed(key):
            return (f"prepared as EMNIST's digits, inferred from the pixels: the reference's figures made binary at "
                    f"128 x 128, blurred, cropped to their box, centred in a square with a border so that the box "
                    f"spans {span} pixels, and reduced with bicubic")
        return (f"none lossy; the figure's box centred and spanning {span} pixels of the frame, as EMNIST prepared "
                f"its digits (judged against the reference as it is and prepared so; each detector's larger tail "
                f"probability applies)")
    if key[0] == "resized" and len(key) > 2:
        filters, side = " or ".join(key[2]), key[3]
        if framed(key):
            return (f"enlarged with {filters} from {side} x {side}, inferred from the pixels; the reference's figures "
                    f"framed as a collection of such pictures frames them (each figure's box filling the frame, its "
                    f"aspect kept or stretched) and enlarged so")
        if fills_frame(key):
            return (f"enlarged with {filters} from {side} x {side}, inferred from the pixels, the figure filling the "
                    f"frame as in a collection of such small pictures (judged against the reference resized through "
                    f"{side} x {side} and back and against it framed so; each detector's larger tail probability "
                    f"applies)")
        return (f"resized with {filters} through {side} x {side} and back, inferred from the pixels (the file is a "
                f"fixed point of that round trip and of no neighbouring side's; the reference is resized so)")
    if key[0] == "resized":
        return ("resized with a ringing filter (Lanczos) and back, inferred from the pixels (a halo of faint values "
                "around the strokes and an empty background beyond it; the reference is resized by "
                f"{min(RESIZE_FACTORS)}-{max(RESIZE_FACTORS)} times its side and back with Lanczos)")
    if aside_marks.last(key) == low_rumble.LOW_RUMBLE:  # (as the channel store names its calibration)
        inner = aside_marks.unmarked(key)
        return f"{describe(inner) if inner else 'PCM'}, under a low rumble (high-passed at {key[-1][2]} Hz)"
    _, subtype, rate, band, noise = key[:5]
    quiet = quiet_level(key)
    mp3 = mp3_bitrate(key)
    stand_in = (f" (the reference through {CODEC_STAND_INS[subtype]}, the nearest codec libsndfile writes)"
                if subtype in CODEC_STAND_INS else
                f" (the reference through LAME at {mp3[0] // 1000} kbit/s, "
                f"{'mono' if mp3[1] == 1 else 'on two channels'}: the file's bitrate as its frame headers state it, "
                f"a VBR file's mean to the nearest constant one)"
                if mp3 else
                " (the reference through libsndfile's MP3 at its default and lowest bitrates: the file's own bitrate "
                "was not read from its frame headers, the channel's mp3_bitrate says why)"
                if subtype in LOWEST_BITRATE_SUBTYPES else
                f" (the reference through OpenCORE's AMR-NB encoder at the file's commonest mode, "
                f"{PYAV_CODECS[subtype][1] / 1000:g} kbit/s, 8 kHz)" if subtype in AMR_NB else
                f" (the reference through FFmpeg's {PYAV_CODECS[subtype][0].upper()} encoder at the file's "
                f"{PYAV_CODECS[subtype][1] / 1000:g} kbit/s)" if subtype in TELEPHONE else
                f" (the reference through FFmpeg's encoder at {PYAV_CODECS[subtype][1] // 1000} kbit/s, whatever the "
                f"file's own bitrate, which the channel's aac_bitrate records: following it gained nothing)"
                if subtype in PYAV_CODECS else
                " (the reference through libsndfile's Opus at its default bitrate, whatever the file's own, which the "
                "channel's opus_bitrate records: following it caught fewer synthesisers" + (
                    f"; the file's packets carry at least {opus_inversion(key) // 1000} kbit/s, through which "
                    f"mel-inversion's trait survives the codec)" if opus_inversion(key) else ")")
                if subtype == "OPUS" else "")
    stand_in = (f" (the reference through libvorbis at the file's quality {vorbis_quality(key)} on ffmpeg's -q:a "
                f"scale, read from the nominal bitrate in its header)" if vorbis_quality(key) is not None else stand_in)
    inferred = codec_from_samples(key)
    read = (f" inferred from the samples: {inferred} (the file is PCM whose samples lie on that codec's output grid or "
            f"follow its decoder's chain, "
            f"so it was decoded from it and re-saved)" if inferred else "")
    parts = ([f"codec {subtype}{stand_in}{read}"] if subtype else []) + ([f"sample rate {rate} Hz"] if rate else []) + (
        [f"band-limited to {band} Hz"] if band else []) + (
        [f"a quiet recording (speech level about {quiet} dB of full scale; the reference passed through the codec "
         f"at it)"] if quiet is not None else [])
    if noise:
        parts.append(f"added noise (floor relative to the speech, to the nearest {NOISE_STEP_DB} dB: "
                     f"{noise_floor_text(noise)})")
    return ", ".join(parts)


def noise_floor_text(noise):
    """A noise key's floors per band, as the reasons give them."""
    return ", ".join(f"{lo}-{hi} Hz {level} dB" for lo, hi, level in zip(NOISE_BANDS_HZ, NOISE_BANDS_HZ[1:], noise)
                     if level is not None)


def inversion_kept_from(key):
    """Words for a stand-aside under a codec whose bitrate can keep mel-inversion: from which one it is kept (none
    for a file decoded and re-saved, whose bitrate is gone)."""
    if codec_from_samples(key):
        return ""
    if key[1] == "MPEG_LAYER_III":
        return (f"; under MP3 it is kept from {MP3_INVERSION_MIN // 1000} kbit/s as the frame headers state it, "
                f"here {'less' if mp3_bitrate(key) else 'not read'}")
    if key[1] == "OPUS":
        return (f"; under Opus it is kept where the file's packets carry {OPUS_INVERSION_MIN // 1000} kbit/s or "
                f"more over its duration (read from its pages: the channel's opus_bitrate), here less or not read")
    if key[1] == "VORBIS":
        return (f"; under Vorbis it is kept from quality {VORBIS_INVERSION_MIN} on ffmpeg's -q:a scale, read from "
                f"the nominal bitrate in its header, here " + (f"{vorbis_quality(key)}" if vorbis_quality(key) is not
                                                              None else "not read"))
    return ""
