"""An Opus file's own bitrate, read from its Ogg pages (engine/data/formats/ogg_opus.py) or a WebM file's packets,
and followed: the reference passes libopus at it (engine/detectors/channels.py OPUS_BITRATE), snapped to the
nearest common setting; a stream that cannot be read leaves the reference at libsndfile's Opus, with the reason
recorded in the channel."""
import io

import numpy as np
import pytest
import soundfile

from engine.data.formats import ogg_opus
from engine.data.formats.container_audio import encoded
from engine.data.loaders import load_path
from engine.data.representations import SPEECH_RATE
from engine.detectors.channels import OPUS_BITRATE, audio_through, channel_key, describe, opus_bitrate
from tests.test_container_audio import fsdd_audio, written

RATE = SPEECH_RATE  # the reference's rate: the key holds no resampling, audio_through the codec alone


def take():
    return fsdd_audio(0)


def opus(bit_rate, channels=1, container="ogg"):
    return encoded(take(), RATE, bit_rate, container, "opus", channels)


@pytest.mark.parametrize("bit_rate,channels", [(16000, 1), (32000, 1), (32000, 2)])
def test_libopus_bitrate_is_read_from_the_pages_and_snapped_to_it(bit_rate, channels):
    found = ogg_opus.opus_bitrate(opus(bit_rate, channels), RATE)
    assert found["channels"] == channels and found["input_rate"] == RATE
    assert found["seconds"] == pytest.approx(take().size / RATE, abs=1e-3)  # the pre-skip taken off
    decoded = soundfile.read(io.BytesIO(opus(bit_rate, channels)), dtype="float32", always_2d=True)[0].mean(axis=1)
    assert ogg_opus.with_setting(found, decoded, RATE)["setting"] == bit_rate  # VBR on half a second: 32 carries 40
    assert ogg_opus.with_setting(ogg_opus.opus_bitrate(b""), decoded, RATE).get("setting") is None


def opus_head(channels=1, version=1):
    packet = b"OpusHead" + bytes([version, channels]) + (312).to_bytes(2, "little") + RATE.to_bytes(4, "little")
    return packet + bytes(3)


def page(body, granule=0, serial=1, flags=0):
    lacing = bytes([255] * (len(body) // 255) + [len(body) % 255])
    return (b"OggS\x00" + bytes([flags]) + granule.to_bytes(8, "little", signed=True) + serial.to_bytes(4, "little")
            + bytes(8) + bytes([len(lacing)]) + lacing + body)


def stream(head=None, audio_pages=((40, 48000),)):
    data = page(head or opus_head(), flags=2) + page(b"OpusTags" + bytes(8))
    return data + b"".join(page(bytes(size), granule) for size, granule in audio_pages)


def test_a_hand_made_stream_reads_its_bytes_over_its_duration_and_other_streams_are_skipped():
    found = ogg_opus.opus_bitrate(stream(audio_pages=((1000, 24312), (1000, 48312))))
    assert found["bit_rate"] == 16000 and found["seconds"] == 1.0  # 2000 bytes over 1 s (pre-skip 312)
    other = page(bytes(5000), 24312, serial=2)  # a second logical stream's page is not this stream's audio
    data = stream(audio_pages=((1000, 24312),)) + other + page(bytes(1000), 48312)
    assert ogg_opus.opus_bitrate(data)["bit_rate"] == 16000


@pytest.mark.parametrize("data,why", [
    (b"", "no Ogg page at byte 0"), (b"RIFF" + bytes(100), "no Ogg page"),
    (stream()[:20], "ends inside a page header"),
    (stream()[:30], "ends inside the page"),
    (page(b"OpusHeaX" + bytes(11), flags=2), "no Opus identification header"),
    (stream(head=opus_head(version=0x10)), "header version"),
    (stream(head=opus_head(channels=0)), "0 channels"), (stream(head=opus_head(channels=6)), "6 channels"),
    (stream(audio_pages=((40, 48000), (40, 24000))), "go backwards"),
    (stream(audio_pages=((40, -5),)), "go backwards"),
    (stream(audio_pages=((40, 2000),)), "at least 0.1 s"),  # too little audio to trust
    (stream(audio_pages=()), "at least 0.1 s"),  # headers only
    (stream(audio_pages=((40, 2 ** 62),)), "outside Opus'"),  # a granule of a century
    (stream(audio_pages=((60000, 24312),)), "outside Opus'"),  # 960 kbit/s
    (stream()[:-10], "of audio before the file ends inside the page"),  # truncated: the cut page not counted
], ids=lambda v: v[:20] if isinstance(v, str) else "")
def test_a_malformed_stream_is_refused_with_a_reason_never_an_exception(data, why):
    found = ogg_opus.opus_bitrate(data)
    assert found["bit_rate"] is None and found["read"].startswith("not read") and why in found["read"]


def test_corrupted_files_never_raise_and_a_bitrate_read_is_one_opus_can_have():
    rng = np.random.default_rng(0)
    data = opus(24000)
    for _ in range(200):
        damaged = bytearray(data[:rng.integers(0, len(data))])
        for at in rng.integers(0, max(len(damaged), 1), size=rng.integers(0, 8)):
            if len(damaged):
                damaged[at] = rng.integers(0, 256)
        found = ogg_opus.opus_bitrate(bytes(damaged), RATE)
        assert found["bit_rate"] is None or ogg_opus.BOUNDS[0] <= found["bit_rate"] <= ogg_opus.BOUNDS[1]
    assert "a rate libopus does not write" in ogg_opus.opus_bitrate(data, 44100)["read"]


@pytest.mark.parametrize("container", ["ogg", "webm"])
def test_the_channel_key_holds_the_files_bitrate_and_the_verdict_names_it(tmp_path, container):
    keys = {}
    for bit_rate in (16000, 64000):
        meta = load_path(written(tmp_path, f"take{bit_rate}.{container}", opus(bit_rate, container=container))).meta
        assert meta["channel"]["opus_bitrate"]["bit_rate"] > 0
        keys[bit_rate] = channel_key(meta)
        assert keys[bit_rate][-1] == (OPUS_BITRATE, bit_rate, 1) and opus_bitrate(keys[bit_rate]) == (bit_rate, 1)
        assert f"the reference through libopus at {bit_rate // 1000} kbit/s, mono" in describe(keys[bit_rate])
    assert keys[16000] != keys[64000]  # one calibration per bitrate


def test_a_bitrate_not_read_falls_back_to_libsndfiles_opus_and_says_so(tmp_path):
    meta = load_path(written(tmp_path, "take.ogg", opus(24000))).meta
    meta["channel"]["opus_bitrate"] = ogg_opus.opus_bitrate(b"")
    key = channel_key(meta)
    assert key == ("audio", "OPUS", None, None, None) and opus_bitrate(key) is None
    assert "libsndfile's Opus at its default bitrate: the file's own bitrate was not read" in describe(key)


@pytest.mark.parametrize("channels", [1, 2])
def test_the_reference_passes_libopus_at_the_keys_bitrate_as_the_file_did(channels):
    audio = take()
    key = ("audio", "OPUS", None, None, None, (OPUS_BITRATE, 16000, channels))
    decoded = soundfile.read(io.BytesIO(opus(16000, channels)), dtype="float32", always_2d=True)[0].mean(axis=1)
    through = audio_through(audio, key)
    assert through.shape == audio.shape and np.allclose(through, decoded[:audio.size], atol=1e-6)
    finer = audio_through(audio, key[:5] + ((OPUS_BITRATE, 64000, channels),))
    assert np.abs(finer - audio).mean() < 0.8 * np.abs(through - audio).mean()  # the bitrate is followed
