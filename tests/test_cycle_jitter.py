"""The cycle-jitter detector (engine/detectors/cycle_jitter.py): a voice never holds its pitch
period exactly, a synthesiser repeating a stored period at a flat or straight F0 contour does.
Synthetic voiced signals with known period perturbation (harmonics of a phase that advances one
cycle per perturbed period, on a gliding F0), real FSDD recordings at several gains and through
codecs, and a case on the 400 embedded FSDD recordings (the fewest it is fitted on: its
conformal floor 1/401 takes a quarter of the combination's weight at alpha = 1 %)."""
import io

import numpy as np
import pytest
import soundfile

from engine.data.builtins import corpus_files
from engine.detectors.channels import StandAside
from engine.data.specs import load_spec
from engine.detectors.cycle_jitter import MIN_KEPT, PLAUSIBLE_PERCENT, CycleJitter, jitter, jitter_scores
from engine.verdict import judge

RATE = 8000


def voiced(seconds=2.0, f0=(130.0, 100.0), sigma=0.0, seed=0):
    """A vowel-like signal whose cycle k lasts (1 + sigma * N(0,1)) / F0(t) on a straight F0 glide:
    harmonics (below 3.6 kHz) of a phase that advances 2 pi per cycle, with a formant near 700 Hz."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * RATE)) / RATE
    bounds = [0.0]
    while bounds[-1] <= seconds:
        f = f0[0] + (f0[1] - f0[0]) * bounds[-1] / seconds
        bounds.append(bounds[-1] + (1 + sigma * rng.standard_normal()) / f)
    bounds = np.array(bounds)
    k = np.searchsorted(bounds, t, side="right") - 1
    phase = 2 * np.pi * (k + (t - bounds[k]) / (bounds[k + 1] - bounds[k]))
    h = np.arange(1, int(0.45 * RATE / max(f0)) + 1)
    amplitude = (1 + 2 * np.exp(-((h * np.mean(f0) - 700) / 200.0) ** 2)) / h
    return 0.1 * np.sin(np.outer(phase, h)) @ amplitude


def through(audio, subtype="PCM_16"):
    buffer = io.BytesIO()
    soundfile.write(buffer, np.clip(audio, -1, 1), RATE, subtype=subtype, format="WAV")
    buffer.seek(0)
    return soundfile.read(buffer, dtype="float64")[0]


def test_known_jitter_is_recovered_within_tolerance():
    for sigma in (0.005, 0.01):
        measured = [jitter(voiced(sigma=sigma, seed=seed))[0] for seed in range(4)]
        # the median of ~200 second differences: a spread of about 10 % per recording, and the
        # one-period matching window averages a little of the neighbouring periods in (biased low)
        assert np.mean(measured) == pytest.approx(100 * sigma, rel=0.3)
    assert jitter(voiced(sigma=0.0))[1] >= 150  # cycles measured through the whole glide


def test_a_jitter_free_pulse_train_is_flagged_and_a_jittered_one_is_not():
    flat = [voiced(f0=(110.0, 110.0)), voiced(f0=(140.0, 95.0))]  # constant and straight-line F0
    jittered = [voiced(sigma=0.003, seed=seed) for seed in range(3)]  # 0.3 %: a steady human voice
    assert all(jitter(x)[0] < PLAUSIBLE_PERCENT / 2 for x in flat)
    assert (jitter_scores(flat) > 0).all() and (jitter_scores(jittered) == 0).all()


def test_too_few_cycles_and_no_waveform_score_zero():
    rng = np.random.default_rng(0)
    assert jitter(rng.normal(0, 0.1, RATE))[0] is None  # noise: no voiced run
    assert jitter(voiced(seconds=0.05))[0] is None  # a few cycles
    assert (jitter_scores([None, rng.normal(0, 0.1, RATE)]) == 0).all()


def test_real_recordings_score_zero_at_any_gain_and_through_codecs():
    files = corpus_files("fsdd")
    for k in range(300, 330, 3):
        audio = soundfile.read(files[k], dtype="float64")[0]
        versions = [through(audio * gain) for gain in (0.1, 0.5, 2.0)] + [
            through(audio, subtype) for subtype in ("ULAW", "ALAW", "GSM610")]
        assert (jitter_scores([audio] + versions) == 0).all()


def test_a_reference_keeping_fewer_than_400_recordings_gets_no_cycle_jitter():
    from engine.detectors.batch import Reference
    from engine.detectors.folds import cross_fitted
    from engine.detectors.profile import item_groups

    ref = load_spec("builtin:fsdd[0:10]")
    groups, n_groups = item_groups(ref.items, ref.n)
    recording = voiced(seconds=0.3, sigma=0.01)
    few = Reference(ref, groups, kept_recordings=[recording] * (MIN_KEPT - 1))
    enough = Reference(ref, groups, kept_recordings=[recording] * MIN_KEPT)
    assert CycleJitter.fit(few, groups, n_groups, cross_fitted) == {}
    assert (CycleJitter.fit(enough, groups, n_groups, cross_fitted)["cal_cycle_jitter"] == 0).all()


def test_a_constant_period_voice_is_labelled_generated_and_gsm_makes_the_detector_stand_aside(fsdd_case, fsdd_channel,
                                                                                             tmp_path):
    flat = tmp_path / "flat.wav"
    soundfile.write(str(flat), voiced(seconds=0.8, f0=(120.0, 120.0)), RATE, subtype="PCM_16")
    real = corpus_files("fsdd")[300]
    result = judge(fsdd_case, [str(flat), real])
    generated, genuine = result["files"]
    entry = generated["detectors"]["cycle-jitter"]
    assert generated["label"] == "generated" and entry["score"] > 0
    assert entry["tail_probability"] <= 0.01 * entry["weight"]  # it decides on its own
    assert any(r.startswith("cycle-jitter:") and "repeats exactly" in r for r in generated["reasons"])
    assert genuine["detectors"]["cycle-jitter"]["score"] == 0 and genuine["label"] != "generated"

    detectors, _ = fsdd_channel(("audio", "GSM610", None, None, None), few=True)
    wrapped = [d for d in detectors if d.name == "cycle-jitter"]
    assert len(wrapped) == 1 and isinstance(wrapped[0], StandAside)
