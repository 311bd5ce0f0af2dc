"""A Vorbis file's libvorbis quality read from its identification header (engine/data/vorbis_quality.py), and the
reference passed through libvorbis at it (engine/detectors/channel_media.py): real speech through quality 2 was labelled
generated 5 of 100 times against the reference through libsndfile's default, quality 4."""
import io

import numpy as np
import pytest
import soundfile

from engine.data import vorbis_quality
from engine.data.loaders import load_path
from engine.detectors.channel_keys import VORBIS_QUALITY, channel_key
from engine.detectors.channel_media import audio_through
from engine.detectors.channel_words import describe


def speech_like(rate=8000, seconds=0.5):
    t = np.arange(int(rate * seconds)) / rate
    return (0.3 * np.sin(2 * np.pi * 150 * t) * np.sin(2 * np.pi * 3 * t)
            + 0.02 * np.random.default_rng(0).normal(size=t.size)).astype(np.float32)


def ogg_bytes(audio, rate, q=None):
    buffer = io.BytesIO()
    options = {} if q is None else {"compression_level": vorbis_quality.compression_level(q)}
    soundfile.write(buffer, audio, rate, format="OGG", subtype="VORBIS", **options)
    return buffer.getvalue()


@pytest.mark.parametrize("rate,q", [(8000, 0), (8000, 2), (16000, 6), (44100, 10)])
def test_the_quality_is_read_back_from_the_nominal_bitrate(rate, q):
    assert vorbis_quality.quality(ogg_bytes(speech_like(rate), rate, q)) == q


def test_libsndfile_default_reads_as_quality_4():
    assert vorbis_quality.quality(ogg_bytes(speech_like(), 8000)) == 4


def test_a_stereo_file_is_read_at_its_own_channel_count():
    stereo = np.stack([speech_like(22050)] * 2, axis=1)
    assert vorbis_quality.identification(ogg_bytes(stereo, 22050, 3))[:2] == (2, 22050)
    assert vorbis_quality.quality(ogg_bytes(stereo, 22050, 3)) == 3


def test_hostile_or_foreign_headers_read_as_no_quality():
    good = bytearray(ogg_bytes(speech_like(), 8000, 2))
    start = 27 + good[26]
    no_bitrate = bytearray(good)
    no_bitrate[start + 20:start + 24] = (0).to_bytes(4, "little")
    negative = bytearray(good)
    negative[start + 20:start + 24] = (-5).to_bytes(4, "little", signed=True)
    other_stream = bytearray(good)
    other_stream[start:start + 7] = b"OpusHea"
    for data in (b"", b"OggS", bytes(good[:start + 10]), bytes(no_bitrate), bytes(negative), bytes(other_stream),
                 b"RIFF" + bytes(good[4:]), np.random.default_rng(1).bytes(200)):
        assert vorbis_quality.quality(data) is None


def test_a_vorbis_file_is_judged_against_the_reference_through_its_own_quality(tmp_path):
    path = tmp_path / "r.ogg"
    path.write_bytes(ogg_bytes(speech_like(), 8000, 2))
    key = channel_key(load_path(str(path)).meta)
    assert key[1] == "VORBIS" and key[-1] == (VORBIS_QUALITY, 2)
    assert "quality 2" in describe(key)
    reference = speech_like(seconds=1.0)
    at_file = audio_through(reference, key)
    expected, _ = soundfile.read(io.BytesIO(ogg_bytes(reference, 8000, 2)), dtype="float32")
    np.testing.assert_allclose(at_file, expected, atol=1e-6)
    at_default = audio_through(reference, key[:-1])  # no quality read: libsndfile's default
    assert np.abs(at_file - at_default).max() > 1e-3


def test_a_decoded_vorbis_file_keeps_no_quality(tmp_path):
    path = tmp_path / "r.wav"
    soundfile.write(str(path), speech_like(), 8000, subtype="PCM_16")
    key = channel_key(load_path(str(path)).meta)
    assert key is None or key[-1][0] != VORBIS_QUALITY



def as_webm(ogg):
    """The Vorbis stream of an Ogg file's bytes copied into WebM, as a browser or a remux would hold it."""
    import av

    out_bytes = io.BytesIO()
    with av.open(io.BytesIO(ogg)) as source, av.open(out_bytes, "w", format="webm") as out:
        stream = out.add_stream_from_template(source.streams.audio[0])
        for packet in source.demux(source.streams.audio[0]):
            if packet.dts is not None:
                packet.stream = stream
                out.mux(packet)
    return out_bytes.getvalue()


@pytest.mark.parametrize("q", [1, 6])
def test_a_vorbis_track_in_webm_is_read_at_its_quality(tmp_path, q):
    """WebM keeps the identification header in the track's codec private data (Xiph-laced), not in an Ogg page."""
    path = tmp_path / "a.webm"
    path.write_bytes(as_webm(ogg_bytes(speech_like(), 8000, q)))
    key = channel_key(load_path(str(path)).meta)
    assert key[1] == "VORBIS" and key[-1] == (VORBIS_QUALITY, q)


def test_hostile_codec_private_data_reads_as_no_header():
    packet = bytes(ogg_bytes(speech_like(), 8000, 2))
    packet = packet[27 + packet[26]:][:vorbis_quality.IDENTIFICATION_SIZE]
    laced = b"\x02" + bytes([len(packet), 10]) + packet
    assert vorbis_quality.codec_private_identification(laced) == vorbis_quality.identification_packet(packet)
    for private in (None, b"", b"\x01" + laced[1:], b"\x02\xff\xff\xff", laced[:20], b"\x02\x1e\x0a" + b"x" * 40):
        assert vorbis_quality.codec_private_identification(private) is None
