"""The zoo's imitations of text-to-speech (training/speech_fakes.py): rule prosody, a parametric
vocoder with oversmoothed trajectories, a formant synthesiser, unit concatenation re-pitched by
TD-PSOLA. Each must carry the trait it imitates, on real FSDD recordings where it matters."""
import numpy as np
import pytest
import soundfile

from engine.data.builtins import corpus_files
from training import speech_fakes

RATE = 8000


def fsdd_audio(k):
    return soundfile.read(corpus_files("fsdd")[k], dtype="float64")[0]


def pitch_hz(audio, lo=60, hi=400):
    """The autocorrelation pitch of a steady stretch of audio."""
    x = audio - audio.mean()
    r = np.correlate(x, x, "full")[len(x) - 1:]
    lag = RATE // hi + int(np.argmax(r[RATE // hi:RATE // lo]))
    return RATE / lag


def pulse_vowel(f0, seconds=0.5, formants=(700, 1200)):
    """A vowel-like test signal: Rosenberg pulses at f0 through two resonators."""
    from scipy.signal import lfilter

    n = int(seconds * RATE)
    source = speech_fakes.excitation(np.full(n // 80 + 1, float(f0)), np.ones(n // 80 + 1), RATE, n,
                                     np.random.default_rng(0))
    for f in formants:
        radius = np.exp(-np.pi * 80 / RATE)
        source = lfilter([1.0], [1.0, -2 * radius * np.cos(2 * np.pi * f / RATE), radius ** 2], source)
    return source


def test_rule_prosody_is_a_smooth_contour_in_the_voice_range():
    for seed in range(20):
        f0 = speech_fakes.rule_f0(60, np.random.default_rng(seed))
        assert f0.shape == (60,) and np.all((f0 > 60) & (f0 < 320))
        cents = 1200 * np.log2(f0)
        assert np.abs(np.diff(cents, 2)).max() < 10  # no jitter, no micro-prosody: the rule's trait


def test_excitation_is_unit_power_pulses_at_f0_where_voiced_and_noise_elsewhere():
    n = 4000
    voiced = speech_fakes.excitation(np.full(51, 125.0), np.ones(51), RATE, n, np.random.default_rng(1))
    assert np.sqrt(np.mean(voiced ** 2)) == pytest.approx(1.0, rel=0.05)
    assert pitch_hz(voiced) == pytest.approx(125.0, rel=0.03)
    noise = speech_fakes.excitation(np.full(51, 125.0), np.zeros(51), RATE, n, np.random.default_rng(1))
    r = np.correlate(noise, noise, "full")[n - 1:]
    assert r[64] / r[0] < 0.1  # white: nothing at the 125 Hz lag


def test_formant_tracks_recover_a_vowel_s_formants():
    vowel = pulse_vowel(120)
    _, periodicity, pitch = speech_fakes.lpc_analysis(vowel, RATE, order=10)
    r = speech_fakes.lpc_analysis(speech_fakes.pre_emphasis(vowel), RATE, order=10)[0]
    freqs, bands = speech_fakes.formant_tracks(r, RATE)
    middle = slice(5, len(freqs) - 5)
    assert np.median(freqs[middle, 0]) == pytest.approx(700, abs=60)
    assert np.median(freqs[middle, 1]) == pytest.approx(1200, abs=80)
    assert np.median(periodicity[middle]) > 0.7 and np.median(pitch[middle]) == pytest.approx(120, rel=0.05)


def test_td_psola_moves_the_pitch_and_keeps_the_length():
    vowel = pulse_vowel(120)
    _, periodicity, pitch = speech_fakes.lpc_analysis(vowel, RATE)
    out = speech_fakes.td_psola(vowel, RATE, np.full(len(pitch), 150.0), periodicity, pitch)
    assert out.shape == vowel.shape and np.all(np.isfinite(out))
    assert pitch_hz(out[800:3200]) == pytest.approx(150.0, rel=0.04)


@pytest.mark.parametrize("make", ["parametric", "formant", "concatenative"])
def test_imitations_of_real_recordings_are_finite_speech_length_audio(make):
    rng = np.random.default_rng(2)
    audio, other = fsdd_audio(3), fsdd_audio(120)
    out = {"parametric": lambda: speech_fakes.parametric_vocoder(audio, RATE, rng),
           "formant": lambda: speech_fakes.formant_synthesis(audio, RATE, rng),
           "concatenative": lambda: speech_fakes.concatenative([audio, other], RATE, rng)}[make]()
    assert out.dtype == np.float32 and np.all(np.isfinite(out)) and np.abs(out).max() > 0
    if make != "concatenative":
        assert out.shape == audio.shape
    else:
        assert 0.25 * (len(audio) + len(other)) < len(out) < 0.75 * (len(audio) + len(other))


def test_a_first_part_cut_from_digital_silence_keeps_the_second_parts_sound():
    """A recording padded with silence before its word (the word in its last quarter): the part before the cut is
    silent, so the joined recording is the second part at its own level, not scaled to silence."""
    audio = np.concatenate([np.zeros(3 * RATE), fsdd_audio(3)[:RATE // 2]])
    out = speech_fakes.concatenative([audio, fsdd_audio(120)], RATE, np.random.default_rng(0))
    assert np.abs(out).max() > 0.01


def test_the_parametric_vocoder_oversmooths_the_spectral_trajectories():
    """Statistical TTS's trait: its mel frames change less from one to the next than the recording's."""
    from engine.data.representations import mel_map

    def change(audio):
        m = mel_map(audio / np.abs(audio).max(), RATE)
        loud = m.mean(axis=0) > np.percentile(m.mean(axis=0), 50)
        return np.abs(np.diff(m, axis=1))[:, loud[1:] & loud[:-1]].mean()

    for k in (3, 130, 260):
        audio = fsdd_audio(k)
        smooth = speech_fakes.parametric_vocoder(audio, RATE, np.random.default_rng(k), smoothing=3.0)
        assert change(smooth) < change(audio), k


def test_concatenation_joins_at_a_quiet_point():
    rng = np.random.default_rng(0)
    loud, quiet = rng.standard_normal(4000), 0.01 * rng.standard_normal(400)
    audio = np.concatenate([loud[:1600], quiet, loud[1600:]])
    cut = speech_fakes.quiet_cut(audio, RATE, rng)
    assert 1600 <= cut < 2000
