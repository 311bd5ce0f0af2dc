"""An AAC file's own bitrate, read and recorded in its channel (engine/data/formats/container_audio.py aac_bitrate):
from the MP4 header, checked against the packets, or in ADTS, which states none, from the packets; one that is
absent, absurd or contradicted is not taken, and the channel says why. The reference still passes FFmpeg's AAC at
64 kbit/s whatever the file's bitrate (following it gained nothing: docs/studies.md, twenty-first pass), and the
verdict says so."""
import numpy as np
import pytest
import soxr

from engine.data.formats import container_audio
from engine.data.formats.container_audio import encoded
from engine.data.loaders import load_path
from engine.detectors.channel_keys import channel_key
from engine.detectors.channel_words import describe
from tests.test_container_audio import fsdd_audio, with_duration, written

RATE = 44100  # a voice memo's rate, where FFmpeg's encoder reaches 128 kbit/s (at 16 kHz it stops near 68)


def take_at_44k():
    return soxr.resample(fsdd_audio(0), 8000, RATE).astype(np.float32)


@pytest.mark.parametrize("container,name,how", [("ipod", "memo.m4a", "stated in the header"),
                                                ("adts", "memo.aac", "carried by the packets")])
@pytest.mark.parametrize("bit_rate", [32000, 128000])
def test_the_files_own_bitrate_is_read(tmp_path, container, name, how, bit_rate):
    channel = load_path(written(tmp_path, name, encoded(take_at_44k(), RATE, bit_rate, container))).meta["channel"]
    reading = channel["aac_bitrate"]
    assert channel["subtype"] == "AAC" and how in reading["read"]
    assert reading["bit_rate"] == pytest.approx(bit_rate, rel=0.35)  # the encoder's own rate control, read back
    assert reading["bit_rate"] < 80000 if bit_rate == 32000 else reading["bit_rate"] > 80000


def test_a_header_that_lies_about_the_bitrate_is_not_taken_and_the_reason_is_given(tmp_path):
    # mvhd/mdhd durations halved: the header's bitrate (its sample sizes over its duration) doubles; the packets' not
    liar = with_duration(encoded(take_at_44k(), RATE, 32000), 0.5)
    reading = load_path(written(tmp_path, "liar.m4a", liar)).meta["channel"]["aac_bitrate"]
    assert reading["bit_rate"] is None and reading["read"].startswith("not taken: the header states")


def test_an_absurd_bitrate_is_not_taken_and_the_reason_is_given(tmp_path):
    click = np.zeros(RATE, dtype=np.float32)  # one click in digital silence: under 6 kbit/s of packets
    click[100] = 0.1
    reading = load_path(written(tmp_path, "click.aac", encoded(click, RATE, 32000, "adts"))).meta["channel"][
        "aac_bitrate"]
    assert reading["bit_rate"] is None and "outside 6-320 kbit/s" in reading["read"]


def test_the_bitrate_is_taken_per_channel_and_bounded():
    assert container_audio.aac_bitrate(0, 256000, 2)["bit_rate"] == 128000  # a stereo file: 128 kbit/s a channel
    assert container_audio.aac_bitrate(100000, 95000, 1)["bit_rate"] == 100000  # the header's, the packets agreeing
    assert container_audio.aac_bitrate(0, 1_000_000, 1)["bit_rate"] is None  # beyond what AAC's frames hold


def test_the_channel_named_in_the_verdict_says_the_reference_passes_64_whatever_the_files_bitrate(tmp_path):
    key = channel_key(load_path(written(tmp_path, "memo.m4a", encoded(take_at_44k(), RATE, 128000))).meta)
    assert key[:3] == ("audio", "AAC", RATE)
    assert "codec AAC (the reference through FFmpeg's encoder at 64 kbit/s, whatever the file's own bitrate" in (
        describe(key))
