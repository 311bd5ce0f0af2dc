"""The synthetic-voice detector (engine/detectors/synthetic_voice.py): a small network trained outside
any case (version 1: two FSDD speakers no reference uses against espeak-ng, flite and festival voices;
version 2: also speakers of other recording set-ups, in pieces), shipped as plain arrays and calibrated
on the case's kept reference recordings. A profile records the weights' version it was calibrated with
and is judged with them (one made before versions: version 1). Its weights load without pickle,
its score ignores the recording's level, an impulse-excited vowel (what LPC and diphone synthesis
write) scores beyond every embedded FSDD recording, and under a codec it is recalibrated on the
channelled reference like the other speech detectors, or stands aside under a band limit."""
import json
import shutil

import numpy as np
import pytest
import soundfile
from scipy import signal

from engine.data.builtins import corpus_files, resources_dir
from engine.detectors import synthetic_voice
from engine.detectors.synthetic_voice import (MIN_KEPT, MODEL_SHAPES, N_FEATURES, VERSION, WEIGHTS, SyntheticVoice,
                                              features, read_model, voice_scores)
from engine.errors import InputError

RATE = 8000


def pulse_vowel(f0_start, f0_end, formants=(700, 1200, 2600), seconds=0.6):
    """A vowel at 8 kHz: one impulse per period on a straight F0 glide through a fixed all-pole filter."""
    n = int(RATE * seconds)
    pulses = np.diff(np.floor(np.cumsum(np.linspace(f0_start, f0_end, n)) / RATE), prepend=0)
    poles = [0.97 * np.exp(2j * np.pi * f / RATE) for f in formants]
    vowel = signal.lfilter([1.0], np.real(np.poly(poles + [np.conj(p) for p in poles])), pulses)
    return 0.3 * vowel / np.abs(vowel).max()


@pytest.fixture(scope="module")
def fsdd():
    return [soundfile.read(f, dtype="float64")[0] for f in corpus_files("fsdd")]


def test_both_shipped_versions_are_plain_arrays_with_a_sidecar_naming_their_training_data():
    sidecars = {}
    for version, weights in WEIGHTS.items():
        path = resources_dir().joinpath(*weights)
        with np.load(path, allow_pickle=False) as data:
            assert set(data.files) == set(MODEL_SHAPES) and all(data[k].dtype == np.float32 for k in data.files)
        arrays = synthetic_voice.model(version)
        assert arrays["w1"].shape == (N_FEATURES, arrays["b1"].size)
        sidecars[version] = json.loads(path.with_suffix(".json").read_text())
    assert "theo" in sidecars[1]["real"] and "yweweler" in sidecars[1]["real"]
    assert {"espeak", "flite", "festival"} <= set(sidecars[1]["synthetic"])
    untouched = sidecars[1]["never_trained_on"]["untouched"]
    assert "kal16" in " ".join(untouched) and "freetts kevin16" in untouched
    assert "freetts" not in sidecars[1]["synthetic"]
    assert sidecars[2]["version"] == 2
    assert "Tortoise reference voices" in sidecars[2]["real"] and "deniro" not in json.dumps(sidecars[2]["real"])
    assert {"mbrola us2", "pico en-GB", "flite awb"} <= set(sidecars[2]["never_trained_on"]["synthetic"])
    assert "mbrola us2" not in json.dumps(sidecars[2]["synthetic"])


def test_the_versions_score_differently_and_each_ignores_the_level(fsdd):
    assert not np.allclose(voice_scores(fsdd[:20], 1), voice_scores(fsdd[:20], 2))
    for version in WEIGHTS:
        for audio in fsdd[100:400:60]:
            scores = voice_scores([audio * gain for gain in (1.0, 0.1, 0.5, 2.0)], version)
            assert np.allclose(scores, scores[0], atol=1e-6)


def test_a_model_file_with_a_pickled_object_or_the_wrong_shape_is_refused(tmp_path):
    good = dict(synthetic_voice.model())
    np.savez(tmp_path / "pickled.npz", **dict(good, b2=np.array([object()], dtype=object)))
    np.savez(tmp_path / "narrow.npz", **dict(good, mean=good["mean"][:-1]))
    for name in ("pickled.npz", "narrow.npz", "missing.npz"):
        with pytest.raises(InputError):
            read_model(tmp_path / name)


def test_impulse_excited_vowels_score_beyond_every_embedded_fsdd_recording(fsdd):
    vowels = [pulse_vowel(110, 140), pulse_vowel(180, 150), pulse_vowel(120, 120),
              pulse_vowel(100, 90, (500, 1500, 2500)), pulse_vowel(200, 230, (800, 1100, 2800))]
    for version in WEIGHTS:
        real = voice_scores(fsdd, version)
        assert np.isfinite(real).all() and (voice_scores(vowels, version) > real.max()).all()


def test_no_waveform_or_too_short_a_recording_scores_zero():
    assert features(np.zeros(200)) is None
    assert (voice_scores([None, np.zeros(200), np.zeros(4000)]) == 0).all()


@pytest.mark.skipif(shutil.which("flite") is None, reason="needs flite")
def test_flite_scores_higher_than_most_real_recordings(fsdd, tmp_path):
    import subprocess

    from engine.data.representations import to_speech_rate

    spoken = []
    for k, word in enumerate(("three", "seven", "nine")):
        path = tmp_path / f"{k}.wav"
        subprocess.run(["flite", "-voice", "slt", "-t", word, "-o", str(path)], check=True, capture_output=True)
        audio, rate = soundfile.read(str(path), dtype="float64")
        spoken.append(to_speech_rate(audio, rate))
    assert np.median(voice_scores(spoken)) > np.quantile(voice_scores(fsdd), 0.9)


def test_a_reference_keeping_fewer_than_min_kept_recordings_gets_no_synthetic_voice(fsdd):
    from engine.data.specs import load_spec
    from engine.detectors.batch import Reference
    from engine.detectors.folds import cross_fitted
    from engine.detectors.profile import item_groups

    ref = load_spec("builtin:fsdd[0:10]")
    groups, n_groups = item_groups(ref.items, ref.n)
    few = Reference(ref, groups, kept_recordings=fsdd[:MIN_KEPT - 1])
    enough = Reference(ref, groups, kept_recordings=fsdd[:MIN_KEPT])
    assert SyntheticVoice.fit(few, groups, n_groups, cross_fitted) == {}
    fitted = SyntheticVoice.fit(enough, groups, n_groups, cross_fitted)
    assert fitted["cal_synthetic_voice"].shape == (MIN_KEPT,) and int(fitted["synthetic_voice_version"]) == VERSION


def test_a_profile_is_judged_with_the_weights_it_records_and_one_made_before_versions_with_version_1(fsdd):
    from engine.detectors.batch import Batch

    kept, evidence = fsdd[:MIN_KEPT], fsdd[MIN_KEPT:MIN_KEPT + 30]
    batch = Batch(np.zeros((len(evidence), 1)), np.arange(len(evidence)), audio=evidence)
    speech = {"modality": np.array("speech")}
    profiles = {None: {**speech, "cal_synthetic_voice": voice_scores(kept, 1)},  # made before versions
                **{v: {**speech, "cal_synthetic_voice": voice_scores(kept, v), "synthetic_voice_version": np.array(v)}
                   for v in WEIGHTS}}
    for recorded, profile in profiles.items():
        version = recorded or 1
        assert SyntheticVoice.present(profile)
        judged = SyntheticVoice(profile)
        assert judged.version == version and f"weights version {version}" in judged.method
        assert np.allclose(judged.scores(batch), voice_scores(evidence, version))
    new = SyntheticVoice.calibrate(kept)
    assert int(new["synthetic_voice_version"]) == VERSION
    assert np.allclose(new["cal_synthetic_voice"], voice_scores(kept, VERSION))
    with pytest.raises(ValueError):  # a version without its calibration is a broken profile
        SyntheticVoice.present({**speech, "synthetic_voice_version": np.array(2)})


def test_under_a_codec_it_is_recalibrated_on_the_channelled_reference_and_under_a_band_limit_or_noise_stands_aside(
        without_lpc_lattice):
    from engine.data.specs import load_spec
    from engine.detectors import suite
    from engine.detectors.channels import StandAside, channel_detectors
    from engine.detectors.profile import build_profile, reference_audio

    profile = build_profile(load_spec(f"builtin:fsdd[0:{MIN_KEPT}]"))
    kept = [audio for _, audio in reference_audio(profile)]
    assert np.allclose(profile["cal_synthetic_voice"], voice_scores(kept))
    assert int(profile["synthetic_voice_version"]) == VERSION
    clean = {d.name: d for d in suite.profile_detectors(profile)}["synthetic-voice"]
    detectors, _ = channel_detectors(suite.profile_detectors(profile), profile, ("audio", "GSM610", None, None, None))
    channelled = [d for d in detectors if d.name == "synthetic-voice"]
    assert len(channelled) == 1 and not isinstance(channelled[0], StandAside)
    assert channelled[0].tail["sorted"].size == len(kept)
    assert not np.allclose(channelled[0].tail["sorted"], clean.tail["sorted"])
    for key in (("audio", None, None, 3400, None), ("audio", None, None, None, (-30, None, None, None))):
        detectors, _ = channel_detectors(suite.profile_detectors(profile), profile, key)
        aside = [d for d in detectors if d.name == "synthetic-voice"]
        assert [type(d) for d in aside] == [StandAside], key
        assert ("band limit" if key[3] else "noise") in aside[0].why
