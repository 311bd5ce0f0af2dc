"""Recordings in containers libsndfile does not read (engine/data/formats/container_audio.py): a browser's Opus in
WebM, Apple Lossless in M4A, PCM and G.711 in Apple's CAF, read by content and judged as the same codec in an OGG or
WAV file would be; WMA recognised and refused for its codec. The files are written by PyAV (no ffmpeg binary)."""
import io

import numpy as np
import pytest
import soundfile

from engine.data.builtins import corpus_files
from engine.data.loaders import load_path, load_recording
from engine.data.sniff import ASF, CAF, MATROSKA, kind_by_content
from engine.detectors.channel_keys import channel_key
from engine.detectors.channel_words import describe
from engine.errors import InputError


def take():
    return soundfile.read(corpus_files("fsdd")[0], dtype="float32")[0]


def written(path, audio, rate, codec, container, sample_format, bit_rate=None):
    """`audio` encoded by PyAV's `codec` into `container` at `path`."""
    import av

    values = np.round(audio * 32767).astype(np.int16) if sample_format.startswith("s16") else audio
    with av.open(str(path), mode="w", format=container) as out:
        stream = out.add_stream(codec, rate=rate, layout="mono", format=sample_format)
        if bit_rate:
            stream.bit_rate = bit_rate
        frame = av.AudioFrame.from_ndarray(values[None], format=sample_format, layout="mono")
        frame.sample_rate, frame.pts = rate, 0
        for packet in list(stream.encode(frame)) + list(stream.encode(None)):
            out.mux(packet)
    return str(path)


def test_apple_lossless_and_caf_pcm_give_back_the_samples_as_pcm(tmp_path):
    audio = take()
    for name, codec, container, sample_format in (("a.m4a", "alac", "ipod", "s16p"),
                                                   ("a.caf", "pcm_s16le", "caf", "s16")):
        path = written(tmp_path / name, audio, 8000, codec, container, sample_format)
        mono, rate = load_recording(path)
        assert rate == 8000
        np.testing.assert_allclose(mono, audio, atol=1 / 32767)  # lossless: the 16-bit samples back
        channel = load_path(path).meta["channel"]
        assert channel["subtype"] == "PCM_16" and not channel["lossy"]
    assert load_path(str(tmp_path / "a.m4a")).meta["channel"]["lossless_codec"] == "alac"
    assert kind_by_content((tmp_path / "a.caf").read_bytes()) is CAF


def test_a_browsers_opus_in_webm_is_judged_as_opus(tmp_path):
    audio = take()
    resampled = np.interp(np.arange(audio.size * 6) / 6, np.arange(audio.size), audio).astype(np.float32)
    path = written(tmp_path / "a.webm", resampled, 48000, "libopus", "webm", "flt", 32000)
    assert kind_by_content(open(path, "rb").read()) is MATROSKA
    mono, rate = load_recording(path)
    assert rate == 48000 and abs(mono.size - resampled.size) <= 960 + 312  # a frame, and the encoder's lookahead
    sample = load_path(path)
    assert sample.meta["channel"]["subtype"] == "OPUS" and sample.meta["channel"]["lossy"]
    assert "OPUS" in describe(channel_key(sample.meta))


def test_g711_in_caf_is_read_as_the_law_it_holds(tmp_path):
    path = written(tmp_path / "a.caf", take(), 8000, "pcm_mulaw", "caf", "s16")
    assert load_path(path).meta["channel"]["subtype"] == "ULAW"


def test_wma_is_refused_for_its_codec_and_a_cut_webm_in_one_line(tmp_path):
    audio = take()
    wma = written(tmp_path / "a.wma", audio, 8000, "wmav2", "asf", "fltp", 32000)
    assert kind_by_content(open(wma, "rb").read()) is ASF
    with pytest.raises(InputError, match="audio codec wmav2 is not supported"):
        load_path(wma)
    webm = tmp_path / "b.webm"
    webm.write_bytes(open(written(tmp_path / "a.webm", audio, 8000, "libopus", "webm", "flt", 16000), "rb").read()[:60])
    with pytest.raises(InputError) as err:
        load_path(str(webm))
    assert str(webm) in str(err.value) and "\n" not in str(err.value)


def test_soundfile_still_reads_what_it_did(tmp_path):
    path = tmp_path / "a.wav"
    soundfile.write(str(path), take(), 8000, subtype="ULAW")
    buffer = io.BytesIO(path.read_bytes())
    assert soundfile.info(buffer).subtype == load_path(str(path)).meta["channel"]["subtype"] == "ULAW"
