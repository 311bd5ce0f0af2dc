"""WAV, FLAC, OGG, MP3, AIFF, AU, AAC and AMR-NB (MP4/M4A/3GP, ADTS, .amr), WebM / Matroska and CAF, and G.722,
G.726 and G.723.1 in WAV (container_audio.py) recordings -> mel-spectrogram patches (see engine.data.representations).

Duration, sample rate and samples x channels (the decoded-size budget) are checked from the
header before the samples are read.
Channels are averaged to mono. FSDD-style names `{digit}_{speaker}_{take}.wav` give the
digit as the label of every patch and the speaker in meta.
"""
import io
import os
import re

import numpy as np

from engine.data import (channels, codec_edges, dc_offset, limits, native_stderr, opus_dc, representations, sniff,
                         vorbis_quality)
from engine.data.formats import container_audio, mp3_frames, ogg_opus
from engine.data.sampleset import NativeAudio, SampleSet
from engine.errors import InputError

FSDD_NAME = re.compile(r"^(\d)_([A-Za-z]+)_(\d+)\.")


def check_complete_header(path, data):
    """A WAV, AIFF or AU file whose header promises more bytes than the file holds was cut short
    (libsndfile would quietly read what is there). RIFF, RIFX and FORM give the outer chunk's size;
    AU the data's offset and size (all ones: size unknown, nothing to check)."""
    declared = None
    if data[:4] in (b"RIFF", b"RIFX", b"FORM") and len(data) >= 8:
        declared = int.from_bytes(data[4:8], "little" if data[:4] == b"RIFF" else "big") + 8
    elif data[:4] == b".snd" and len(data) >= 12 and data[8:12] != b"\xff" * 4:
        declared = int.from_bytes(data[4:8], "big") + int.from_bytes(data[8:12], "big")
    if declared is not None and declared > len(data):
        raise InputError(path, f"truncated: the header declares {declared} bytes, the file holds {len(data)}")


# Transform codecs whose decoders write floats: the digital silence they were given (a script's zero padding, an 8-bit
# recorder's pauses) comes back as residue below half a 16-bit step, which a player or converter writing 16 bits
# returns to zeros. Read as zeros, such silence is judged as in the file before the codec: left as residue, it was read
# as a synthesiser's near-silence (other people's digits through Opus at 24 kbit/s: docs/studies.md, "Decoder residue
# read as the silence it was", thirty-third pass).
TRANSFORM_CODECS = ("VORBIS", "OPUS", "MPEG_LAYER_I", "MPEG_LAYER_II", "MPEG_LAYER_III", "AAC")
RESIDUE = 0.5 / 32768  # half a 16-bit step


def residue_as_silence(mono, encoding):
    """A decoded recording with its transform codec's residue (below RESIDUE) set to the zeros it was."""
    if encoding not in TRANSFORM_CODECS:
        return mono
    return np.where(np.abs(mono) < RESIDUE, 0, mono).astype(np.float32)


def codec_silence(mono, rate, encoding):
    """A decoded recording with its transform codec's residue (residue_as_silence), Opus's DC filter's decay into a
    padded end (engine/data/opus_dc.py) and its smear of silent ends (engine/data/codec_edges.py) read as the zeros
    they were; any other recording as it is."""
    if encoding not in TRANSFORM_CODECS:
        return mono
    mono = residue_as_silence(mono, encoding)
    if encoding == "OPUS":
        mono = opus_dc.decay_as_silence(mono, rate)
    return codec_edges.smear_as_silence(mono, rate)


def read_recording(path, data, details=None):
    """The samples of a recording, mixed to mono float32 (a transform codec's residue and its smear of silent ends
    read as silence: codec_silence), its rate and soundfile's name of its sample encoding (PCM_16, ULAW, VORBIS, ..., AAC), the
    header read once; header limits first. `details`, a dict, receives what else the decoder read (an AAC file's
    bitrate: container_audio; an MP3 file's: mp3_frames; an Opus file's: ogg_opus; a Vorbis file's quality:
    engine/data/vorbis_quality.py)."""
    mono, rate, encoding = _decoded(path, data, details)
    return codec_silence(mono, rate, encoding), rate, encoding


# libsndfile's words for an MP3 cut before its first frames it can decode (it is handed bytes, not a path): an analyst
# holding the file would take them for a wrong path.
SNDFILE_NOT_FOUND = "File does not exist or is not a regular file"


def header_info(path, data):
    """soundfile.info on the file's bytes; a libsndfile error saying the file does not exist is told as what it is."""
    import soundfile

    try:
        with native_stderr.silenced():  # libmpg123's lines name no file
            return soundfile.info(io.BytesIO(data))
    except soundfile.LibsndfileError as err:
        if SNDFILE_NOT_FOUND in str(err):
            raise InputError(path, f"corrupt or unreadable {sniff.kind_by_content(data).label} file: no audio frame "
                                   f"could be decoded (cut short or damaged)") from None
        raise


def _decoded(path, data, details):
    import soundfile

    if sniff.kind_by_content(data) in (sniff.MP4, sniff.ADTS, sniff.AMR, sniff.MATROSKA, sniff.CAF,
                                        sniff.ASF):  # not libsndfile's
        return container_audio.read_recording(path, data, details)
    check_complete_header(path, data)
    if container_audio.pyav_codec(data):  # G.722, G.726, G.723.1 in WAV or AU, Speex in OGG: libsndfile lacks them
        return container_audio.read_recording(path, data, details)
    info = header_info(path, data)
    if not limits.MIN_SAMPLE_RATE <= info.samplerate <= limits.MAX_SAMPLE_RATE:
        raise InputError(path, f"implausible sample rate {info.samplerate} Hz")
    limits.check_at_most(path, "number of channels", info.channels, limits.MAX_AUDIO_CHANNELS)
    if info.frames <= 0:
        raise InputError(path, "recording holds no samples")
    limits.check_at_most(path, "duration", round(info.frames / info.samplerate, 1), limits.MAX_AUDIO_SECONDS, " s")
    limits.check_decoded_size(path, info.frames * info.channels, "samples x channels")
    with native_stderr.silenced():
        audio, rate = soundfile.read(io.BytesIO(data), dtype="float32", always_2d=True)
    if audio.shape[0] == 0:
        raise InputError(path, "recording holds no samples")
    if audio.shape[0] < info.frames:
        raise InputError(path, f"truncated: the header declares {info.frames} samples, the file holds {audio.shape[0]}")
    limits.check_samples(path, audio)
    if info.subtype == "VORBIS" and details is not None:  # the encoder's quality, which the reference follows
        details["vorbis_quality"] = vorbis_quality.quality(data)
    if info.subtype == "MPEG_LAYER_III" and details is not None:  # libsndfile reports no bitrate: the headers do
        details["mp3_bitrate"] = mp3_frames.mp3_bitrate(data, int(rate))
    if info.subtype == "OPUS" and details is not None:  # nor for Opus: its packets carry it (ogg_opus)
        details["opus_bitrate"] = ogg_opus.opus_bitrate(data)
    return audio.mean(axis=1), int(rate), info.subtype


def check_judgeable(path, mono, rate):
    """Refuse a recording with nothing to judge, which would otherwise read as an unremarkable real file: one
    shorter than limits.MIN_AUDIO_SECONDS, or one whose every sample is the same value, 0 or a constant offset
    (no sound at all)."""
    if mono.size < limits.MIN_AUDIO_SECONDS * rate:
        raise InputError(path, f"too short to judge: {mono.size / rate:.3g} s (at least {limits.MIN_AUDIO_SECONDS} s)")
    if mono.min() == mono.max():
        raise InputError(path, f"recording holds no sound: every sample is {mono[0]:.4g}")


def decode(path, data, kind):
    details = {}
    mono, rate, encoding = read_recording(path, data, details)
    check_judgeable(path, mono, rate)
    written, (mono, offset) = mono, dc_offset.removed(mono, rate)
    speech_audio = representations.to_speech_rate(mono, rate)
    full_map = representations.mel_map(mono, rate)
    unclipped = representations.speech_patches(full_map)
    n = unclipped.shape[0]
    clipped = int((unclipped > 1).sum())
    channel = channels.audio_channel(encoding, rate, mono, kind.label, speech_audio, written)
    if offset is not None:
        channel["dc_offset"] = round(offset, 4)
    meta = dict(representations.SPEECH_META, format=kind.label, native_sample_rate=int(rate),
                clipped_values=clipped, clipped_fraction=clipped / unclipped.size,
                channel={**channel, **details, **representations.patch_coverage(full_map)})
    labels = None
    match = FSDD_NAME.match(os.path.basename(str(path)))
    if match:
        labels = np.full(n, int(match.group(1)), dtype=np.int64)
        meta.update(label_meaning="spoken digit", speaker=match.group(2))
    return SampleSet(
        name=str(path), modality="speech", x=np.minimum(unclipped, 1.0), levels=None,
        items=[f"{path}#patch{k}" for k in range(n)], meta=meta, labels=labels,
        audio=speech_audio, native_audio=native_samples(mono, rate, encoding, channel),
    )


def native_samples(mono, rate, encoding, channel):
    """A 16-bit PCM recording's samples as written (NativeAudio) where its rate is above the speech rate and no
    codec was read in its samples (`lossy`); else None. The speech rate's resampler moves every sample and blurs where
    a pulse falls between them; lpc-lattice and pulse-grid read them."""
    if encoding != "PCM_16" or rate <= representations.SPEECH_RATE or channel.get("lossy"):
        return None
    samples = np.round(np.asarray(mono, dtype=np.float64) * 32768).clip(-32768, 32767).astype(np.int16)
    return NativeAudio(int(rate), samples, int(channel["bandwidth_hz"]))
