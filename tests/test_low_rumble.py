"""Speech under a low rumble (engine/detectors/low_rumble.py): synthetic-voice stands aside where a recording's floor
below 500 Hz lies above the reference recordings' median there and WALL_DB or more above its floor at 500-1000 Hz."""
import numpy as np

from engine.detectors import aside_marks, far_field, low_rumble
from engine.detectors.channel_keys import channel_key
from engine.detectors.channels import StandAside, channel_detectors
from tests.test_far_field import Named

# the reference's median, 99th and 90th percentile floors per band (0-500, 500-1000, 1000-2000, 2000-4000 Hz) and,
# last, of the broadband floor
GATE = np.array([[-29.0, -40.0, -41.0, -42.0, -45.0],
                 [-12.0, -24.0, -23.0, -21.0, -27.5],
                 [-17.0, -30.0, -31.0, -25.0, -34.0]])
PCM = {"subtype": "PCM_16", "native_sample_rate": 8000, "lossy": False, "bandwidth_hz": 4000}
RUMBLE = (low_rumble.LOW_RUMBLE, -29.0)


def key(levels, gate=GATE, **channel):
    return channel_key({"channel": {**PCM, **channel, "noise_db": list(levels)}}, gate)


def test_a_low_rumble_is_read_where_the_floor_below_500_hz_lies_above_the_references_median_behind_a_wall():
    assert key([-31.0, -50.0, -50.0, -50.0]) is None  # below the reference's median
    assert key([-22.0, -31.0, -33.0, -36.0]) is None  # pink-like: the band above within WALL_DB
    assert aside_marks.last(key([-24.0, -34.0, -50.0, -50.0])) == low_rumble.LOW_RUMBLE  # WALL_DB exactly
    rumble = key([-14.0, -55.0, -60.0, -60.0])  # a vehicle: high below 500 Hz, nothing above
    assert rumble == ("audio", None, None, None, None, RUMBLE)
    assert aside_marks.last(rumble) == low_rumble.LOW_RUMBLE and aside_marks.unmarked(rumble) is None
    loud = key([-8.0, -50.0, -50.0, -50.0])  # above the added-noise gate too: the noise channel's key, then the part
    assert loud[:5] == ("audio", None, None, None, (-6, None, None, None)) and loud[5] == RUMBLE
    assert aside_marks.unmarked(loud) == loud[:5]


def test_a_low_rumble_under_far_field_noise_keeps_both_readings_far_field_last():
    both = key([-2.0, -14.0, -14.0, -14.0])
    assert both[5] == RUMBLE and aside_marks.last(both) == far_field.FAR_FIELD
    assert aside_marks.last(aside_marks.unmarked(both)) == low_rumble.LOW_RUMBLE


def test_without_the_90th_percentile_or_a_floor_read_no_rumble_is_read():
    assert key([-6.0, -60.0, -60.0, -60.0], gate=None) is None
    assert channel_key({"channel": dict(PCM)}, GATE) is None


def test_synthetic_voice_alone_stands_aside_on_the_detectors_of_the_channel_without_the_reading():
    detectors = [Named(name) for name in ("features", "checkerboard", "noise-floor", "synthetic-voice")]
    asked = []

    def for_channel(k):  # as the verdict's cache: every key through channel_detectors, the plain channels stubbed
        if aside_marks.last(k) == low_rumble.LOW_RUMBLE:
            return channel_detectors(detectors, {}, k, for_channel=for_channel)
        asked.append(k)
        return detectors, None if k is None else "channel added noise: ..."

    out, note = channel_detectors(detectors, {}, key([-14.0, -55.0, -60.0, -60.0]), for_channel=for_channel)
    assert asked == [None]
    assert [type(d) is StandAside for d in out] == [False, False, False, True]
    assert out[:3] == detectors[:3] and "-29 dB" in out[3].why and "below 500 Hz" in out[3].why
    assert note == "under a low rumble: synthetic-voice stands aside"
    out, note = channel_detectors(detectors, {}, key([-2.0, -14.0, -14.0, -14.0]), for_channel=for_channel)
    # far-field first (features, checkerboard), then the rumble (synthetic-voice) on the added-noise channel's own
    assert [type(d) is StandAside for d in out] == [True, True, False, True]
    assert asked[-1][4] == (0, -12, -12, -12) and len(asked[-1]) == 5
    assert note.startswith("channel added noise") and "synthetic-voice stands aside" in note and note.endswith(
        "features and checkerboard stand aside")
