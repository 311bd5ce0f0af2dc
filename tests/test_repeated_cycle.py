"""The repeated-cycle detector (engine/detectors/repeated_cycle.py): a microphone never records a
pitch cycle twice, a diphone synthesiser stretching a stored frame writes it again sample for
sample (festival's voices do it in their pauses, 40-60 dB under the speech). A jittered vowel with
a noisy pause or with that pause made of one frame repeated, real FSDD recordings at several gains
and through codecs, and a case on the 400 embedded FSDD recordings."""
import numpy as np
import pytest
import soundfile

from engine import case_workflows
from engine.data.builtins import corpus_files
from engine.detectors.channels import StandAside
from engine.detectors import repeated_cycle
from engine.detectors.repeated_cycle import (MAX_SCORE, MIN_BITS, PLAUSIBLE, RepeatedCycle, closest_repeat, cycle_bits,
                                             repeat_scores)
from engine.verdict import judge
from tests.test_cycle_jitter import RATE, through, voiced

# FSDD's closest repeats lie at 1 - c = 10^-1.5 to 10^-3.3 (module docstring); a closeness of 4 is
# well beyond them and far short of a duplicated frame's.
BEYOND_REAL = 4.0


def with_pause(repeated, seed=0):
    """A vowel with 0.5 % jitter, then a 0.3 s pause 50 dB down: one 80-sample frame of noise written
    again and again (a stretched pause unit), or fresh noise (a room)."""
    rng = np.random.default_rng(seed)
    vowel = voiced(seconds=0.6, sigma=0.005, seed=seed)
    level = np.sqrt(np.mean(vowel ** 2)) * 10 ** (-50 / 20)
    frame = np.convolve(rng.normal(0, 1, 80), np.ones(4) / 4, "same")  # some colour, as a pause unit has
    pause = np.tile(frame, 30) if repeated else np.convolve(rng.normal(0, 1, 2400), np.ones(4) / 4, "same")
    pause *= level / np.sqrt(np.mean(pause ** 2))
    return np.concatenate([vowel, pause, np.zeros(400)])


def test_a_frame_repeated_in_a_pause_scores_high_and_a_noisy_pause_does_not():
    repeated, noisy = with_pause(True), with_pause(False)
    gap, start, level = closest_repeat(repeated)
    assert gap < 1e-6 and start >= 0.6 * RATE and -60 < 20 * np.log10(level) < -40  # found in the pause
    scores = repeat_scores([repeated, noisy])
    assert scores[0] > 6 and scores[1] < BEYOND_REAL


def test_no_waveform_or_no_cycle_scores_zero():
    rng = np.random.default_rng(1)
    assert (repeat_scores([None, rng.normal(0, 0.1, RATE), np.zeros(RATE)]) == 0).all()
    phase = np.linspace(0, 2 * np.pi, 80, endpoint=False)
    assert repeat_scores([np.tile(np.sin(phase) + 0.5 * np.sin(2 * phase), 50)])[0] == MAX_SCORE  # a stored cycle
    assert repeat_scores([np.tile(np.sin(phase), 50)])[0] == 0  # a pure tone is no voice's cycle (cycles.pure_tone)


def with_faint_hum(seed=0):
    """A vowel, then 0.3 s of a 250 Hz hum under A-law's innermost step (16 in 16-bit units, peak 12) over a room's
    faint noise (0.8 of a 16-bit step): as recorded it never repeats; through A-law it is a square wave of two
    values whose cycles agree wherever the noise flips no sign."""
    rng = np.random.default_rng(seed)
    t = (np.arange(int(0.3 * RATE)) + 0.5) / RATE
    hum = (12 * np.sin(2 * np.pi * 250 * t) + rng.normal(0, 0.8, t.size)) / 32768
    return np.concatenate([voiced(seconds=0.6, sigma=0.005, seed=seed), hum, np.zeros(400)])


def test_a_faint_hum_on_a_laws_coarse_grid_is_no_repeat_while_a_repeated_frame_through_it_still_is(monkeypatch):
    hum = through(with_faint_hum(), "ALAW")
    monkeypatch.setattr(repeated_cycle, "MIN_BITS", 0.0)
    assert closest_repeat(hum)[0] < 1e-9  # counted, its two-valued cycles would repeat exactly: chance, not a loop
    monkeypatch.undo()
    assert repeat_scores([through(with_faint_hum())])[0] < PLAUSIBLE
    assert repeat_scores([hum])[0] < PLAUSIBLE
    assert repeat_scores([through(with_pause(True, seed=1), "ALAW")])[0] >= PLAUSIBLE


def test_a_cycles_information_counts_its_steps_not_its_length():
    assert cycle_bits(np.array([0.5] * 40)) == 0
    square = np.repeat(np.tile([-1.0, 1.0], 2), 20)  # two periods of an 80-sample square wave: values look random
    steps = -(76 * np.log2(76 / 79) + 2 * np.log2(2 / 79) + np.log2(1 / 79))  # 76 of 0, two rises, a fall
    assert cycle_bits(square) == pytest.approx(steps, rel=1e-6)
    assert cycle_bits(square) < MIN_BITS < cycle_bits(np.sin(np.arange(21.0)))  # a waveform: a value per step
    assert cycle_bits(np.sin(np.arange(21.0))) == pytest.approx(20 * np.log2(20), rel=1e-6)


def test_real_recordings_stay_below_the_bound_at_any_gain_and_through_codecs():
    files = corpus_files("fsdd")
    for k in range(300, 330, 3):
        audio = soundfile.read(files[k], dtype="float64")[0]
        versions = [through(audio * gain) for gain in (0.1, 2.0)] + [
            through(audio, subtype) for subtype in ("ULAW", "ALAW", "GSM610")]
        assert (repeat_scores([audio] + versions) < BEYOND_REAL).all()


def test_a_repeated_pause_is_labelled_generated_by_this_detector_and_a_real_recording_is_not(fsdd_case, tmp_path):
    path = tmp_path / "stretched.wav"
    soundfile.write(str(path), with_pause(True, seed=2), RATE, subtype="PCM_16")
    generated, genuine = judge(fsdd_case, [str(path), corpus_files("fsdd")[300]])["files"]
    entry = generated["detectors"]["repeated-cycle"]
    assert generated["label"] == "generated" and entry["score"] > 0
    assert entry["tail_probability"] <= 0.01 * entry["weight"]  # it decides on its own
    assert any(r.startswith("repeated-cycle:") and "beyond what a recorded voice repeats" in r
               for r in generated["reasons"])
    assert genuine["detectors"]["repeated-cycle"]["score"] == 0 and genuine["label"] != "generated"


def test_a_voice_repeating_closer_than_the_references_but_within_a_recorded_voices_reach_scores_zero(fsdd_case):
    """Clean studio speech repeats its cycles more closely than FSDD's recorders let a take (LJ Speech 10^-3.8,
    CMU Arctic 10^-4.1): graded against the reference it read as synthesis; only a repeat beyond PLAUSIBLE counts."""
    from engine.detectors.batch import Batch

    steady = voiced(seconds=0.6, sigma=0.001, seed=0)
    with case_workflows.open_case(fsdd_case) as case:
        profile = case.profile()
    detector = RepeatedCycle(profile)
    closeness = repeat_scores([steady])[0]
    assert detector.closest_reference < closeness < PLAUSIBLE  # closer than every reference take
    assert detector.scores(Batch(np.zeros((1, 1)), np.arange(1), audio=[steady]))[0] == 0


@pytest.mark.parametrize("subtype, aside", [("GSM610", True), ("VORBIS", True), ("MPEG_LAYER_III", True),
                                            ("ULAW", False), ("ALAW", False)])
def test_it_stands_aside_under_codecs_that_resynthesise_the_waveform(fsdd_channel, subtype, aside):
    detectors, _ = fsdd_channel(("audio", subtype, None, None, None), few=True)
    found = [d for d in detectors if d.name == "repeated-cycle"]
    assert len(found) == 1 and isinstance(found[0], StandAside) == aside
