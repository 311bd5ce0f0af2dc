"""Audio formats real evidence often arrives in, written from a recording at 8 kHz: the encodings the
format tests and benchmarks share (docs/studies.md, "Audio formats: 8-bit PCM, ADPCM, G.721, FLAC, Opus")."""
import io

import numpy as np
import soundfile

RATE = 8000


def wav_bytes(audio, subtype="PCM_16", fmt="WAV", rate=RATE, **options):
    """The bytes of `audio` (clipped to [-1, 1]) written by libsndfile in `fmt` with `subtype`."""
    buffer = io.BytesIO()
    soundfile.write(buffer, np.clip(audio, -1, 1), rate, subtype=subtype, format=fmt, **options)
    return buffer.getvalue()


# name: (soundfile subtype, container, extension, soundfile write options); libsndfile writes 8-bit WAV by
# rounding down, other tools (sox, ffmpeg, Python's wave module) to the nearest step: "pcm_u8_nearest".
FORMATS = {
    "pcm_u8": ("PCM_U8", "WAV", "wav", {}),
    "pcm_u8_nearest": ("PCM_U8", "WAV", "wav", {"nearest": True}),
    "flac_s8": ("PCM_S8", "FLAC", "flac", {}),
    "ima_adpcm": ("IMA_ADPCM", "WAV", "wav", {}),
    "ms_adpcm": ("MS_ADPCM", "WAV", "wav", {}),
    "g721": ("G721_32", "WAV", "wav", {}),
    "flac16": ("PCM_16", "FLAC", "flac", {}),
    "opus": ("OPUS", "OGG", "ogg", {}),
    "opus_low": ("OPUS", "OGG", "ogg", {"compression_level": 0.99}),
    "pcm16": ("PCM_16", "WAV", "wav", {}),
    "ulaw": ("ULAW", "WAV", "wav", {}),
    "aiff16": ("PCM_16", "AIFF", "aiff", {}),
    "aifc_ulaw": ("ULAW", "AIFF", "aifc", {}),
    "au_ulaw": ("ULAW", "AU", "au", {}),
    "au16": ("PCM_16", "AU", "au", {}),
}


def encoded(audio, name, gain=1.0):
    """(bytes, extension) of a recording at 8 kHz scaled by `gain` and written in format `name`."""
    subtype, container, ext, options = FORMATS[name]
    audio = np.asarray(audio) * gain
    if options.get("nearest"):
        return _wav_u8_nearest(audio), ext
    return wav_bytes(audio, subtype, container, **options), ext


def _wav_u8_nearest(audio, rate=RATE):
    """8-bit WAV bytes rounded to the nearest step (Python's wave module: another writer than libsndfile)."""
    import wave

    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(1)
        out.setframerate(rate)
        out.writeframes((np.clip(np.round(audio * 128), -128, 127) + 128).astype(np.uint8).tobytes())
    return buffer.getvalue()
