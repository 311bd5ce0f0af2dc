"""The pulse-grid detector (engine/detectors/pulse_grid.py): a vocoder places its pitch pulses at whole
samples of its rate, a voice anywhere. Source-filter signals whose pulses lie on the 16 kHz grid or anywhere
(a jittered, gliding F0 either way, so only the grid differs), real FSDD recordings, and a case on the
embedded FSDD recordings: a grid voice is read, a real take is not, and GSM 06.10 and clipping make it stand
aside."""
import numpy as np
import pytest
import soundfile
from scipy.signal import lfilter

from engine.data.builtins import corpus_files
from engine.detectors.channels import StandAside
from engine.detectors.pulse_grid import GRID_RATE, MIN_INTERVALS, grid_scores, grid_z, pulse_intervals
from engine.verdict import judge

RATE = 8000
FORMANTS = ((700.0, 90.0), (1200.0, 110.0), (2600.0, 160.0))  # (Hz, bandwidth Hz)


def pulse_voice(seconds=1.0, on_grid=False, sigma=0.01, seed=0, f0=(125.0, 95.0)):
    """Band-limited pulses at a jittered, gliding F0 (each period times 1 + sigma N(0,1)), rounded to whole
    GRID_RATE samples when `on_grid`, through three formant resonators; at RATE."""
    rng = np.random.default_rng(seed)
    pulses = [0.01]
    while pulses[-1] < seconds - 0.01:
        f = f0[0] + (f0[1] - f0[0]) * pulses[-1] / seconds
        pulses.append(pulses[-1] + (1 + sigma * rng.standard_normal()) / f)
    pulses = np.array(pulses[:-1])
    if on_grid:
        pulses = np.round(pulses * GRID_RATE) / GRID_RATE
    n = np.arange(int(seconds * RATE))
    x = np.zeros(n.size)
    for centre in pulses * RATE:
        near = np.abs(n - centre) < 24
        x[near] += 0.9 * np.sinc(0.9 * (n[near] - centre)) * np.hanning(50)[np.round(n[near] - centre).astype(int) + 24]
    for frequency, bandwidth in FORMANTS:
        r = np.exp(-np.pi * bandwidth / RATE)
        x = lfilter([1.0 - r], [1.0, -2 * r * np.cos(2 * np.pi * frequency / RATE), r * r], x)
    return 0.3 * x / np.abs(x).max()


def test_pulses_on_the_grid_score_high_and_pulses_anywhere_do_not():
    on = grid_scores([pulse_voice(on_grid=True, seed=seed) for seed in range(3)])
    anywhere = grid_scores([pulse_voice(on_grid=False, seed=seed) for seed in range(3)])
    assert (on > 20).all()  # about 100 intervals, nearly all on the grid
    assert (anywhere < 6).all()  # Rayleigh's z of uniform phases: exp(-6) = 0.25 % of recordings above


def test_intervals_follow_the_pitch_and_few_or_none_score_zero():
    intervals = pulse_intervals(pulse_voice(on_grid=True))
    assert intervals.size > 80 and np.median(intervals) == pytest.approx(RATE / 110, rel=0.1)
    assert grid_z(np.array([]))[0] == 0.0
    rng = np.random.default_rng(0)
    short = pulse_voice(seconds=0.06, on_grid=True)
    assert pulse_intervals(short).size < MIN_INTERVALS
    assert (grid_scores([None, short, rng.normal(0, 0.1, RATE)]) == 0).all()


def test_real_recordings_read_as_pulses_anywhere():
    files = corpus_files("fsdd")
    z = grid_scores([soundfile.read(files[k], dtype="float64")[0] for k in range(300, 360, 3)])
    assert np.median(z) < 2 and z.max() < 8


def test_a_grid_voice_is_read_by_the_case_and_gsm_and_clipping_make_the_detector_stand_aside(fsdd_case, fsdd_channel,
                                                                                           tmp_path):
    voice, clipped = tmp_path / "vocoder.wav", tmp_path / "clipped.wav"
    soundfile.write(str(voice), pulse_voice(seconds=1.5, on_grid=True), RATE, subtype="PCM_16")
    # a real take at gain x4, saturated at 16 bits: read as clipped at its own rate, pulse-grid stands aside
    take, _ = soundfile.read(corpus_files("fsdd")[331], dtype="float64")
    soundfile.write(str(clipped), np.clip(4 * take / np.abs(take).max(), -1, 32767 / 32768), RATE, subtype="PCM_16")
    real = corpus_files("fsdd")[330]
    made, genuine, flattened = judge(fsdd_case, [str(voice), real, str(clipped)])["files"]
    # the formant voice's own floor reads as added noise: judged against the reference brought up to it as well,
    # where no recording shows the grid (a bound at 1/(n + 1), sharing the bounds' weight); still decisive
    entry = made["detectors"]["pulse-grid"]
    assert made["label"] == "generated" and entry["tail_probability"] <= 0.01 * entry["weight"]
    assert any(r.startswith("pulse-grid:") and "whole 16 kHz samples" in r for r in made["reasons"])
    assert genuine["detectors"]["pulse-grid"]["tail_probability"] > 0.01 and genuine["label"] != "generated"
    assert made["detectors"]["pulse-grid"]["weight"] > 0 and genuine["detectors"]["pulse-grid"]["weight"] > 0
    assert flattened["detectors"]["pulse-grid"]["weight"] == 0 and flattened["channel"]["clipping"]["flat_tops"] >= 3
    assert any(r.startswith("clipped:") and "pulse-grid stands aside" in r for r in flattened["reasons"])

    detectors, _ = fsdd_channel(("audio", "GSM610", None, None, None), few=True)
    wrapped = [d for d in detectors if d.name == "pulse-grid"]
    assert len(wrapped) == 1 and isinstance(wrapped[0], StandAside)
