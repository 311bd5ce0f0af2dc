"""Runs of cycles repeating an earlier stretch (engine/detectors/distinct_runs.py): a stretch pasted again is left out,
another voice's stretch and the first copy are kept."""
import numpy as np

from engine.detectors.cycles import cycle_runs
from engine.detectors.distinct_runs import distinct_runs, run_stretch
from tests.test_pulse_grid import pulse_voice


def test_a_stretch_said_again_is_left_out_and_a_new_one_kept():
    first, other = pulse_voice(seconds=0.5, seed=0), pulse_voice(seconds=0.5, seed=1, f0=(140.0, 110.0))
    pause = np.zeros(800)
    audio = np.concatenate([first, pause, other, pause, first])
    runs = cycle_runs(audio)
    kept = distinct_runs(audio, runs)
    copy_starts = first.size + other.size + 2 * pause.size
    assert any(run_stretch(run)[0] < first.size for run in kept)  # the first copy
    assert any(first.size < run_stretch(run)[0] < copy_starts for run in kept)  # the other voice
    assert all(run_stretch(run)[0] < copy_starts - 100 for run in kept)  # nothing of the repeat
    assert len(kept) < len(runs)
    noisy = audio + 0.05 * np.random.default_rng(0).standard_normal(audio.size)  # a copy under new noise: no repeat
    assert len(distinct_runs(noisy, cycle_runs(noisy))) == len(cycle_runs(noisy))
