"""Far-field speech (engine/detectors/far_field.py): the mel-map detectors stand aside where a recording's floor lies
above the reference recordings' 90th percentile in every band above 500 Hz."""
import numpy as np
import pytest

from engine.detectors import aside_marks, far_field
from engine.detectors.channel_keys import channel_key, reference_noise_gate
from engine.detectors.channels import StandAside, channel_detectors

# the reference's median, 99th and 90th percentile floors per band (0-500, 500-1000, 1000-2000, 2000-4000 Hz) and,
# last, of the broadband floor (the lowest band above 500 Hz)
GATE = np.array([[-29.0, -40.0, -41.0, -42.0, -45.0],
                 [-12.0, -24.0, -23.0, -21.0, -27.5],
                 [-17.0, -30.0, -31.0, -25.0, -34.0]])
PCM = {"subtype": "PCM_16", "native_sample_rate": 8000, "lossy": False, "bandwidth_hz": 4000}


def key(levels, gate=GATE, **channel):
    return channel_key({"channel": {**PCM, **channel, "noise_db": list(levels)}}, gate)


def test_far_field_is_read_where_every_band_above_500_hz_lies_above_the_references_90th_percentile():
    assert key([-30.0, -50.0, -50.0, -50.0]) is None  # a close microphone
    # rumble and hum in the low bands only: not broadband (read as a low rumble instead: tests/test_low_rumble.py)
    assert aside_marks.last(key([-14.0, -32.0, -32.0, -50.0])) != far_field.FAR_FIELD
    far = key([-25.0, -30.0, -29.0, -31.0])  # within the added-noise gate in each band, broadband above the 90th
    assert far == ("audio", None, None, None, None, (far_field.FAR_FIELD, -34.0))
    assert aside_marks.last(far) == far_field.FAR_FIELD and aside_marks.unmarked(far) is None
    noisy = key([-6.0, -12.0, -12.0, -12.0])  # added noise too: the noise channel's key, then the reading
    assert noisy[:5] == ("audio", None, None, None, (-6, -12, -12, -12))
    assert aside_marks.last(noisy) == far_field.FAR_FIELD
    assert aside_marks.unmarked(noisy) == noisy[:-1] and aside_marks.last(noisy[:-1]) != far_field.FAR_FIELD
    resampled = key([-25.0, -30.0, -29.0, -31.0], native_sample_rate=16000)
    assert aside_marks.unmarked(resampled) == ("audio", None, 16000, None, None)


def test_without_the_90th_percentile_or_a_floor_read_nothing_is_read_as_far_field():
    assert key([-6.0, -6.0, -6.0, -6.0], gate=None) is None
    assert aside_marks.last(key([-6.0, -12.0, -12.0, -12.0], gate=GATE[:2])) != far_field.FAR_FIELD  # a gate of 2 rows
    assert channel_key({"channel": dict(PCM)}, GATE) is None  # no floor read (a mel map in .npy)


def test_the_reference_gate_keeps_the_90th_percentile_between_the_median_and_the_noise_gate():
    rng = np.random.default_rng(0)
    t = np.arange(4000) / 8000
    takes = [np.concatenate([np.sin(2 * np.pi * 150 * t) * np.hanning(4000), 10 ** (-level / 20) * rng.normal(size=2000)])
             for level in np.linspace(20, 60, 12)]
    bounds = np.concatenate([[0], np.cumsum([a.size for a in takes])])
    profile = {"ref_audio": np.concatenate(takes).astype(np.float32), "ref_audio_bounds": bounds,
               "ref_audio_group": np.arange(len(takes))}
    gate = reference_noise_gate(profile)
    assert gate.shape == (3, 5)
    assert np.all(gate[0] <= gate[2] + 1e-9) and np.all(gate[2] <= gate[1] + 1e-9)


class Named:
    def __init__(self, name):
        self.name, self.tail, self.method = name, {}, f"{name} method"


def test_features_and_checkerboard_stand_aside_on_the_detectors_of_the_channel_without_the_reading():
    detectors = [Named(name) for name in ("features", "checkerboard", "noise-floor", "synthetic-voice")]
    asked = []

    def for_channel(k):
        asked.append(k)
        return detectors, None if k is None else "channel sample rate 16000 Hz: ..."

    out, note = channel_detectors(detectors, {}, key([-25.0, -30.0, -29.0, -31.0]), for_channel=for_channel)
    assert asked == [None]
    assert [type(d) is StandAside for d in out] == [True, True, False, False]
    assert out[2] is detectors[2] and out[3] is detectors[3]
    assert "far-field speech" in note and "-34 dB" in out[0].why
    out, note = channel_detectors(detectors, {}, key([-25.0, -30.0, -29.0, -31.0], native_sample_rate=16000),
                                  for_channel=for_channel)
    assert asked[-1] == ("audio", None, 16000, None, None)
    assert note.startswith("channel sample rate 16000 Hz") and note.endswith("stand aside")
    already = StandAside(detectors[0], "under AMR-NB ...")
    out, _ = channel_detectors(detectors, {}, key([-25.0, -30.0, -29.0, -31.0]),
                               for_channel=lambda k: ([already] + detectors[1:], None))
    assert out[0] is already  # a detector already aside keeps its own reason


def test_a_sound_without_pauses_has_no_floor_of_its_own_and_is_not_read_as_far_field():
    assert far_field.depth([-2.4, -20.2, -21.1, -22.0]) == pytest.approx(2.2, abs=0.05)  # a laptop across a room
    assert far_field.depth([-9.5, -9.6, -6.4, -2.8]) < far_field.FAR_FIELD_MIN_DEPTH_DB  # a steady buzz
    assert aside_marks.last(key([-9.5, -9.6, -6.4, -2.8])) != far_field.FAR_FIELD
    assert aside_marks.last(key([-2.4, -20.2, -21.1, -22.0])) == far_field.FAR_FIELD
