"""An Opus file's own bitrate, read from its Ogg pages (engine/data/formats/ogg_opus.py) or a WebM file's packets and
recorded in its channel, not followed: the reference passes libsndfile's Opus whatever it is (following it caught
fewer synthesisers, docs/studies.md twenty-eighth pass), but from OPUS_INVERSION_MIN the channel key says so, which
keeps mel-inversion (thirty-second pass); a stream that cannot be read is refused with the reason."""
import pytest

from engine.data.formats import ogg_opus
from engine.data.formats.container_audio import encoded
from engine.data.loaders import load_path
from engine.data.representations import SPEECH_RATE
from engine.detectors.channel_keys import OPUS_INVERSION, calibrated_key, channel_key, opus_inversion, opus_key_part
from engine.detectors.channel_losses import OPUS_INVERSION_MIN
from engine.detectors.channel_words import describe
from tests.hostile_files import damaged_copies
from tests.test_container_audio import fsdd_audio, written

RATE = SPEECH_RATE  # FSDD's 8 kHz, a rate libopus writes


def take():
    return fsdd_audio(0)


def opus(bit_rate, channels=1, container="ogg"):
    return encoded(take(), RATE, bit_rate, container, "opus", channels)


@pytest.mark.parametrize("bit_rate,channels", [(16000, 1), (32000, 1), (32000, 2)])
def test_libopus_bitrate_is_read_from_the_pages(bit_rate, channels):
    found = ogg_opus.opus_bitrate(opus(bit_rate, channels))
    assert found["channels"] == channels and found["input_rate"] == RATE
    assert found["seconds"] == pytest.approx(take().size / RATE, abs=1e-3)  # the pre-skip taken off
    assert 0.75 < found["bit_rate"] / bit_rate < 1.35  # VBR on half a second: near the target, not on it


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
    for damaged in damaged_copies(opus(24000)):
        found = ogg_opus.opus_bitrate(damaged)
        assert found["bit_rate"] is None or ogg_opus.BOUNDS[0] <= found["bit_rate"] <= ogg_opus.BOUNDS[1]


@pytest.mark.parametrize("container", ["ogg", "webm"])
def test_the_bitrate_is_recorded_in_the_channel_and_the_verdict_says_the_reference_does_not_follow_it(tmp_path,
                                                                                                     container):
    keys = {}
    for bit_rate in (16000, 64000):
        meta = load_path(written(tmp_path, f"take{bit_rate}.{container}", opus(bit_rate, container=container))).meta
        assert 0.75 < meta["channel"]["opus_bitrate"]["bit_rate"] / bit_rate < 1.35
        keys[bit_rate] = channel_key(meta)
    assert {calibrated_key(key) for key in keys.values()} == {keys[16000]}  # one calibration whatever the bitrate
    assert keys[16000][1] == "OPUS" and "libsndfile's Opus at its default bitrate, whatever the file's own" in describe(
        keys[16000])
    # from OPUS_INVERSION_MIN the key says so (mel-inversion is kept there), below it nothing is added
    assert opus_inversion(keys[64000]) == OPUS_INVERSION_MIN and opus_inversion(keys[16000]) is None
    words = f"at least {OPUS_INVERSION_MIN // 1000} kbit/s, through which mel-inversion's trait survives"
    assert words in describe(keys[64000])


@pytest.mark.parametrize("bit_rate,expected", [(24000, None), (48000, OPUS_INVERSION_MIN)])
def test_the_opus_part_follows_the_bitrate_read_on_either_side_of_the_bound(bit_rate, expected):
    channel = {"opus_bitrate": ogg_opus.opus_bitrate(opus(bit_rate))}
    assert opus_inversion(("audio", "OPUS", None, None, None) + opus_key_part(channel)) == expected
    assert opus_key_part({"opus_bitrate": {"bit_rate": None, "read": "not read: why"}}) == ()  # not read: aside
    assert opus_key_part({"opus_bitrate": {"bit_rate": OPUS_INVERSION_MIN - 1}}) == ()
    assert opus_key_part({"opus_bitrate": {"bit_rate": OPUS_INVERSION_MIN}}) == ((OPUS_INVERSION, OPUS_INVERSION_MIN),)
