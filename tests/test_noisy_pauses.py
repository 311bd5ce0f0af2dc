"""Noise in a recording's pauses (engine/detectors/noisy_pauses.py): `features` stands aside where the floor lies above
the reference recordings' median in every band above 500 Hz and the recording does not read as far-field speech."""
import numpy as np

from engine.detectors import aside_marks, far_field, low_rumble, noisy_pauses
from engine.detectors.channel_keys import channel_key
from engine.detectors.channels import StandAside, channel_detectors

# the FSDD case's median, 99th and 90th percentile floors per band (0-500, 500-1000, 1000-2000, 2000-4000 Hz) and,
# last, of the broadband floor (the lowest band above 500 Hz)
GATE = np.array([[-29.2, -40.5, -40.9, -42.3, -45.2],
                 [-11.7, -23.8, -22.9, -21.2, -27.5],
                 [-17.3, -30.2, -31.1, -25.5, -33.9]])
PCM = {"subtype": "PCM_16", "native_sample_rate": 16000, "lossy": False, "bandwidth_hz": 8000}


def key(levels, gate=GATE):
    return channel_key({"channel": {**PCM, "noise_db": list(levels)}}, gate)


def test_a_floor_above_the_references_median_in_every_band_above_500_hz_reads_as_noisy_pauses():
    # a Speech Commands clip with white noise 20 dB below its mean power: under the added-noise and far-field gates
    noisy = key([-35.2, -34.5, -31.8, -29.7])
    assert noisy == ("audio", None, 16000, None, None, (noisy_pauses.NOISY_PAUSES, -45.2))
    assert aside_marks.unmarked(noisy) == ("audio", None, 16000, None, None)
    assert key([-30.0, -60.0, -60.0, -60.0]) == ("audio", None, 16000, None, None)  # a quiet room
    assert aside_marks.last(key([-35.0, -44.0, -50.0, -38.0])) is None  # one band above 500 Hz below the median
    # a low rumble sets features aside itself: its reading is kept, not this one
    assert aside_marks.last(key([-20.0, -35.0, -35.0, -35.0])) == low_rumble.LOW_RUMBLE
    # noisier still: far-field speech, whose reading sets both mel-map detectors aside, is read instead
    assert aside_marks.last(key([-30.0, -30.0, -30.0, -30.0])) == far_field.FAR_FIELD


def test_without_a_gate_a_floor_or_pauses_nothing_is_read():
    assert key([-35.0, -35.0, -35.0, -35.0], gate=None) == ("audio", None, 16000, None, None)
    assert not noisy_pauses.reads_noisy_pauses(dict(PCM), GATE)  # no floor read (a mel map in .npy)
    assert not noisy_pauses.reads_noisy_pauses({"noise_db": [-9.5, -9.6, -6.4, -2.8]}, GATE)  # a steady buzz


class Named:
    def __init__(self, name):
        self.name, self.tail, self.method = name, {}, f"{name} method"


def test_features_alone_stands_aside_on_the_detectors_of_the_channel_without_the_reading():
    detectors = [Named(name) for name in ("features", "checkerboard", "noise-floor", "synthetic-voice")]
    asked = []

    def for_channel(k):
        asked.append(k)
        return detectors, "channel sample rate 16000 Hz: ..."

    out, note = channel_detectors(detectors, {}, key([-35.2, -34.5, -31.8, -29.7]), for_channel=for_channel)
    assert asked == [("audio", None, 16000, None, None)]
    assert [type(d) is StandAside for d in out] == [True, False, False, False]
    assert out[1:] == detectors[1:]
    assert note.startswith("channel sample rate 16000 Hz") and note.endswith(noisy_pauses.NOTE)
    assert "-45 dB" in out[0].why and "median" in out[0].why
