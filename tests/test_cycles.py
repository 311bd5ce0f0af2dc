"""The pitch cycles shared by cycle-jitter, repeated-cycle and pulse-grid (engine/detectors/cycles.py): kept
with the recordings they were tracked on (engine.detectors.batch.Recordings), tracked once per recording for the
three detectors' scores, reasons and calibration, and read the same as each detector tracking them alone. FSDD
takes and synthetic voices that each detector reads as generated (a flat F0, a repeated pause frame, pulses on
the 16 kHz grid), so a shared run that differed would move a score that counts."""
import numpy as np
import pytest
import soundfile

from engine.data.builtins import corpus_files
from engine.detectors import cycles
from engine.detectors.batch import Batch, Recordings
from engine.detectors.cycle_jitter import CycleJitter, jitter_scores
from engine.detectors.pulse_grid import PulseGrid, pooled_scores
from engine.detectors.repeated_cycle import RepeatedCycle, counted_closeness, repeat_scores
from tests.test_cycle_jitter import voiced
from tests.test_pulse_grid import pulse_voice
from tests.test_repeated_cycle import with_pause

DETECTORS = (CycleJitter, RepeatedCycle, PulseGrid)


@pytest.fixture(scope="module")
def recordings():
    """Six FSDD takes of two speakers, three synthetic voices and a file without a waveform."""
    files = corpus_files("fsdd")
    takes = [soundfile.read(files[k], dtype="float64")[0] for k in (300, 303, 306, 330, 333, 336)]
    return takes + [voiced(seconds=0.8, f0=(120.0, 120.0)), with_pause(True), pulse_voice(on_grid=True), None]


@pytest.fixture(scope="module")
def detectors(recordings):
    """The three detectors, calibrated on the FSDD takes."""
    profile = {}
    for detector in DETECTORS:
        profile.update(detector.calibrate(Recordings(recordings[:6])))
    return [detector(profile) for detector in DETECTORS]


def batch_of(recordings):
    return Batch(np.zeros((len(recordings), 1)), np.arange(len(recordings)), audio=recordings)


def test_the_shared_cycles_give_each_detector_the_scores_and_reasons_it_gives_alone(recordings, detectors):
    shared = batch_of(recordings)
    scores = [d.scores(shared) for d in detectors]  # the second and third read the first one's runs
    alone = [jitter_scores(list(recordings)), counted_closeness(repeat_scores(list(recordings))),
             pooled_scores(list(recordings))]  # a profile made now: the pooled speech-rate reading
    for found, expected in zip(scores, alone):
        np.testing.assert_array_equal(found, expected)
    assert scores[0][6] > 0 and scores[1][7] > 0 and scores[2][8] > 20  # each synthetic voice read by its detector
    for d, s in zip(detectors, scores):
        for g in range(len(recordings)):
            own = batch_of(recordings)  # a batch of its own: this detector tracks the cycles itself
            assert d.reason(shared, g, s[g], 0.5) == d.reason(own, g, s[g], 0.5)


def counting(monkeypatch):
    """Every recording cycles.cycle_runs tracks, as the id of its waveform."""
    tracked, track = [], cycles.cycle_runs

    def counted(audio):
        tracked.append(id(audio))
        return track(audio)

    monkeypatch.setattr(cycles, "cycle_runs", counted)
    return tracked


def test_the_cycles_are_tracked_once_per_recording_for_the_three_detectors(recordings, detectors, monkeypatch):
    from engine.detectors import pulse_grid

    tracked, residuals, residual = counting(monkeypatch), [], pulse_grid.lpc_residual
    monkeypatch.setattr(pulse_grid, "lpc_residual", lambda x: residuals.append(x.size) or residual(x))
    with_audio = sorted(id(a) for a in recordings if a is not None)
    batch = batch_of(recordings)
    scores = [d.scores(batch) for d in detectors]
    for d, s in zip(detectors, scores):
        for g in range(len(recordings)):
            d.reason(batch, g, s[g], 0.5)
    assert sorted(tracked) == with_audio  # scores and reasons of the three: each waveform once, None never
    assert len(residuals) == len(with_audio)  # a detector's own statistic: its reason reads what its score did

    tracked.clear()
    kept = Recordings(recordings[:6])  # a reference's kept recordings, clean or through a channel
    for detector in DETECTORS:
        detector.calibrate(kept)
    assert sorted(tracked) == sorted(id(a) for a in recordings[:6])

    tracked.clear()
    for detector in DETECTORS:  # plain lists of waveforms: tracked for each call, as before the cycles were shared
        detector.calibrate(list(recordings[:6]))
    assert len(tracked) == 3 * 6


def test_recordings_derive_once_per_recording_function_and_arguments_and_never_for_others():
    calls = []

    def scaled(recordings, k, factor):
        calls.append((k, factor))
        return recordings[k].size * factor

    first, second = Recordings([np.zeros(3), np.zeros(5)]), Recordings([np.zeros(3), np.zeros(5)])
    assert [first.derived(k, scaled, 2) for k in (0, 1, 0, 1)] == [6, 10, 6, 10] and calls == [(0, 2), (1, 2)]
    assert first.derived(0, scaled, 3) == 9 and calls[-1] == (0, 3)  # other arguments: derived apart
    assert second.derived(0, scaled, 2) == 6 and len(calls) == 4  # other Recordings derive their own
    assert Recordings.of(first) is first and Recordings.of([np.zeros(2)]) is not Recordings.of([np.zeros(2)])
