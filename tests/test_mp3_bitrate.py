"""An MP3 file's own bitrate, read from its frame headers (engine/data/formats/mp3_frames.py) and followed: the
reference passes LAME at it (engine/detectors/channel_keys.py MP3_BITRATE), a VBR file's mean to the nearest constant
bitrate; a header that cannot be read leaves the reference at libsndfile's default and lowest bitrates, with the
reason recorded in the channel."""
import io

import numpy as np
import pytest
import soundfile

from engine.data.formats import mp3_frames
from engine.data.representations import SPEECH_RATE
from engine.data.formats.container_audio import encoded
from engine.data.loaders import load_path
from engine.detectors.channel_keys import MP3_BITRATE, channel_key, mp3_bitrate
from engine.detectors.channel_media import audio_through
from engine.detectors.channel_words import describe
from engine.detectors.channels import StandAside
from tests.hostile_files import damaged_copies
from tests.test_container_audio import fsdd_audio, written

RATE = SPEECH_RATE  # the reference's rate (8 kHz, MPEG 2.5): the key holds no resampling, audio_through the codec alone


def take():
    return fsdd_audio(0)


def frame(index, rate_index=0, version=0b10, layer=0b01, mode=0b11, padding=0):
    """One MPEG frame: its 4-byte header (MPEG-2 layer III mono at 22.05 kHz unless told) and zero bytes to its
    length."""
    header = bytes([0xFF, 0xE0 | version << 3 | layer << 1 | 1, index << 4 | rate_index << 2 | padding << 1,
                    mode << 6])
    parsed = mp3_frames.frame_header(header, 0)
    return header + bytes(parsed["length"] - 4) if isinstance(parsed, dict) else header + bytes(60)


def test_a_constant_bitrate_is_read_from_lames_frames():
    for bit_rate in (16000, 64000):
        found = mp3_frames.mp3_bitrate(encoded(take(), RATE, bit_rate, "mp3", "mp3"))
        assert found["bit_rate"] == bit_rate and not found["vbr"]
        assert found["sample_rate"] == RATE and found["mode"] == "mono" and "stated by all" in found["read"]


def test_a_vbr_streams_mean_over_time_is_read_and_the_tag_frame_is_not_counted():
    xing = bytearray(frame(5))  # a Xing tag frame at 64 kbit/s carries no audio: not counted
    xing[4 + 9:4 + 13] = b"Xing"
    data = b"ID3\x04\x00\x00\x00\x00\x00\x05" + bytes(5) + bytes(xing) + frame(2) * 3 + frame(6) + b"TAG" + bytes(125)
    found = mp3_frames.mp3_bitrate(data)  # three frames at 16 kbit/s, one at 48
    assert found["frames"] == 4 and found["vbr"] and found["bit_rate"] == 24000
    assert mp3_frames.nearest_bitrate(found["bit_rate"], 22050) == 24000
    assert mp3_frames.nearest_bitrate(26000, 44100) == 32000  # MPEG-1 has nothing below 32
    assert mp3_frames.nearest_bitrate(150000, 8000) == 64000  # LAME writes at most 64 kbit/s at MPEG 2.5's rates
    assert mp3_frames.nearest_bitrate(64000, 7000) is None
    assert "the decoder read 16000 Hz" in mp3_frames.mp3_bitrate(data, decoded_rate=16000)["read"]  # a lying header


@pytest.mark.parametrize("data,why", [
    (frame(0) * 6, "free format"),  # bitrate index 0: the headers state none
    (frame(15) * 6, "no chain of layer III frames"),  # an invalid bitrate index is no frame
    (frame(4, layer=0b10) * 6, "no chain of layer III frames"),  # layer II
    (frame(4, version=0b01) * 6, "no chain"),  # a reserved version
    (frame(4, rate_index=3) * 6, "no chain"),  # a reserved sample rate
    (frame(4) * 2, "2 audio frames"),  # too few to trust
    (frame(4) * 3 + frame(4)[:30], "3 audio frames"),  # truncated: the cut frame is not counted
    (frame(4) * 3 + frame(4, rate_index=1) * 3, "changes its MPEG version or sample rate"),
    (b"ID3\x04\x00\x00\xff\xff\xff\xff" + frame(4) * 6, "malformed size"),
    (b"ID3\x04\x00\x00\x7f\x7f\x7f\x7f" + frame(4) * 6, "no chain"),  # a tag claiming 256 MB: nothing after it
    (b"", "no chain"), (b"\xff" * 100, "no chain"), (b"\xff\xfb", "no chain"),
], ids=lambda v: v if isinstance(v, str) else None)
def test_a_malformed_header_is_refused_with_a_reason_never_an_exception(data, why):
    found = mp3_frames.mp3_bitrate(data)
    assert found["bit_rate"] is None and found["read"].startswith("not read") and why in found["read"]


def test_corrupted_files_never_raise_and_a_bitrate_read_is_one_mp3_has():
    for damaged in damaged_copies(encoded(take(), RATE, 32000, "mp3", "mp3")):
        found = mp3_frames.mp3_bitrate(damaged)
        assert found["bit_rate"] is None or 8000 <= found["bit_rate"] <= 320000


def test_the_channel_key_holds_the_files_bitrate_and_the_verdict_names_it(tmp_path):
    keys = {}
    for bit_rate in (16000, 64000):
        meta = load_path(written(tmp_path, f"take{bit_rate}.mp3", encoded(take(), RATE, bit_rate, "mp3", "mp3"))).meta
        assert meta["channel"]["mp3_bitrate"]["bit_rate"] == bit_rate
        keys[bit_rate] = channel_key(meta)
        assert keys[bit_rate][-1] == (MP3_BITRATE, bit_rate, 1) and mp3_bitrate(keys[bit_rate]) == (bit_rate, 1)
        assert f"the reference through LAME at {bit_rate // 1000} kbit/s, mono" in describe(keys[bit_rate])
    assert keys[16000] != keys[64000]  # one calibration per bitrate


def test_a_bitrate_not_read_falls_back_to_libsndfiles_and_says_so(tmp_path):
    meta = load_path(written(tmp_path, "take.mp3", encoded(take(), RATE, 32000, "mp3", "mp3"))).meta
    meta["channel"]["mp3_bitrate"] = mp3_frames.mp3_bitrate(frame(0) * 6)  # as for a free-format file
    key = channel_key(meta)
    assert key == ("audio", "MPEG_LAYER_III", None, None, None) and mp3_bitrate(key) is None
    assert "libsndfile's MP3 at its default and lowest bitrates: the file's own bitrate was not read" in describe(key)


@pytest.mark.parametrize("channels", [1, 2])
def test_the_reference_passes_lame_at_the_keys_bitrate_as_the_file_did(channels):
    audio = take()
    key = ("audio", "MPEG_LAYER_III", None, None, None, (MP3_BITRATE, 16000, channels))
    decoded = soundfile.read(io.BytesIO(encoded(audio, RATE, 16000, "mp3", "mp3", channels)), dtype="float32",
                             always_2d=True)[0].mean(axis=1)
    through = audio_through(audio, key)
    assert through.shape == audio.shape and np.allclose(through, decoded[:audio.size], atol=1e-6)
    finer = audio_through(audio, key[:5] + ((MP3_BITRATE, 64000, channels),))
    assert np.abs(finer - audio).mean() < 0.7 * np.abs(through - audio).mean()  # the bitrate is followed


@pytest.mark.parametrize("part, inversion_aside", [((MP3_BITRATE, 64000, 1), False), ((MP3_BITRATE, 16000, 1), True),
                                                   (None, True)])
def test_mel_inversion_is_kept_under_an_mp3_read_at_32_kbits_or_more_and_repeated_cycle_never(fsdd_channel, part,
                                                                                              inversion_aside):
    key = ("audio", "MPEG_LAYER_III", None, None, None) + ((part,) if part else ())
    found = {d.name: d for d in fsdd_channel(key, few=True)[0]}
    assert isinstance(found["mel-inversion"], StandAside) == inversion_aside
    assert isinstance(found["repeated-cycle"], StandAside)  # LAME re-synthesises the waveform at any bitrate
