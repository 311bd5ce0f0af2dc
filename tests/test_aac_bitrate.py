"""An AAC file's channel follows its own bitrate (engine/data/formats/container_audio.py aac_bitrate): read from the
MP4 header or, in ADTS, from the packets, snapped to a rung (AAC_RUNGS) that names the channel (AAC_32000 ...), and the
reference passes FFmpeg's AAC at that rung. A bitrate that is absent, absurd or contradicted falls back to 64 kbit/s,
the reason recorded in the channel."""
import numpy as np
import pytest
import soxr

from engine.data.formats import container_audio
from engine.data.formats.container_audio import encoded
from engine.data.loaders import load_path
from engine.detectors import channels
from engine.detectors.channels import channel_key, describe
from tests.test_container_audio import fsdd_audio, with_duration, written

RATE = 44100  # a voice memo's rate, where FFmpeg's encoder reaches 128 kbit/s (at 16 kHz it stops near 68)


def take_at_44k():
    return soxr.resample(fsdd_audio(0), 8000, RATE).astype(np.float32)


@pytest.mark.parametrize("container,name", [("ipod", "memo.m4a"), ("adts", "memo.aac")])
@pytest.mark.parametrize("bit_rate", [32000, 128000])
def test_the_files_own_bitrate_names_its_rung(tmp_path, container, name, bit_rate):
    channel = load_path(written(tmp_path, name, encoded(take_at_44k(), RATE, bit_rate, container))).meta["channel"]
    reading = channel["aac_bitrate"]
    assert channel["subtype"] == f"AAC_{bit_rate}" and reading["rung"] == bit_rate
    assert reading["bit_rate"] == pytest.approx(bit_rate, rel=0.35)  # the encoder's own rate control, read back
    assert ("stated in the header" if container == "ipod" else "carried by the packets") in reading["read"]


def test_a_header_that_lies_about_the_bitrate_falls_back_to_64_with_the_reason(tmp_path):
    # mvhd/mdhd durations halved: the header's bitrate (its sample sizes over its duration) doubles; the packets' not
    liar = with_duration(encoded(take_at_44k(), RATE, 32000), 0.5)
    channel = load_path(written(tmp_path, "liar.m4a", liar)).meta["channel"]
    assert channel["subtype"] == "AAC_64000" and channel["aac_bitrate"]["bit_rate"] is None
    assert "not taken (the header states" in channel["aac_bitrate"]["read"]


def test_an_absurd_bitrate_falls_back_to_64_with_the_reason(tmp_path):
    silence = np.zeros(RATE, dtype=np.float32)  # digital silence: under 1 kbit/s of packets, no speech codec's rate
    channel = load_path(written(tmp_path, "silence.aac", encoded(silence, RATE, 32000, "adts"))).meta["channel"]
    assert channel["subtype"] == "AAC_64000" and channel["aac_bitrate"]["bit_rate"] is None
    assert "outside 6-320 kbit/s" in channel["aac_bitrate"]["read"]


def test_stated_and_measured_bitrates_are_taken_per_channel_and_bounded():
    assert container_audio.aac_bitrate(0, 256000, 2)["rung"] == 128000  # a stereo file: 128 kbit/s a channel
    assert container_audio.aac_bitrate(100000, 95000, 1)["rung"] == 96000
    assert container_audio.aac_bitrate(0, 1_000_000, 1)["rung"] == container_audio.AAC_DEFAULT  # beyond AAC's frames


def test_the_channel_names_its_rung_and_the_reference_passes_it(tmp_path, monkeypatch):
    meta = load_path(written(tmp_path, "memo.m4a", encoded(take_at_44k(), RATE, 32000))).meta
    key = channel_key(meta)
    assert key[:3] == ("audio", "AAC_32000", RATE)
    assert "codec AAC_32000" in describe(key) and "at 32 kbit/s, the rung of the file's own bitrate" in describe(key)
    asked = []
    monkeypatch.setattr(container_audio, "encoded", lambda audio, rate, bit_rate, *rest: asked.append(bit_rate) or
                        encoded(audio, rate, bit_rate, *rest))
    out = channels.audio_through(fsdd_audio(1), key)
    assert asked == [32000] and out.size == fsdd_audio(1).size
