"""The synthetic-voice detector (engine/detectors/synthetic_voice.py): a small network trained outside
any case (two FSDD speakers no reference uses against espeak-ng, flite and festival voices), shipped as
plain arrays and calibrated on the case's kept reference recordings. Its weights load without pickle,
its score ignores the recording's level, an impulse-excited vowel (what LPC and diphone synthesis
write) scores beyond every embedded FSDD recording, and under a codec it is recalibrated on the
channelled reference like the other speech detectors (under added noise too), or stands aside under a band
limit."""
import json
import shutil
import types

import numpy as np
import pytest
import soundfile
from scipy import signal

from engine.data.builtins import corpus_files, resources_dir
from engine.detectors import synthetic_voice
from engine.detectors.synthetic_voice import (MIN_KEPT, MIN_SHORT_VOICED_READ, MIN_VOICED_READ, MODEL_KEY, MODEL_SHAPES,
                                              N_FEATURES, SHORT_VOICED_KEY, VOICED_KEY, WEIGHTS, SyntheticVoice,
                                              features, model_digest, read_model, voice_scores, voiced_scores)
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


def test_the_shipped_model_is_plain_arrays_with_a_sidecar_naming_its_training_data():
    path = resources_dir().joinpath(*WEIGHTS)
    with np.load(path, allow_pickle=False) as data:
        assert set(data.files) == set(MODEL_SHAPES) and all(data[k].dtype == np.float32 for k in data.files)
    arrays = synthetic_voice.model()
    assert arrays["w1"].shape == (N_FEATURES, arrays["b1"].size)
    sidecar = json.loads(path.with_suffix(".json").read_text())
    assert "theo" in sidecar["real"] and "yweweler" in sidecar["real"]
    assert {"espeak", "flite", "festival"} <= set(sidecar["synthetic"])
    untouched = sidecar["never_trained_on"]["untouched"]
    assert "kal16" in " ".join(untouched) and "freetts kevin16" in untouched and "freetts" not in sidecar["synthetic"]


def test_it_stands_aside_saying_why_where_another_model_scored_the_calibration(fsdd):
    calibration = {"modality": np.array("speech"), "cal_synthetic_voice": np.linspace(-3.0, 3.0, 200),
                   "ref_audio_bounds": np.arange(0, 4000 * 201, 4000)}
    batch = types.SimpleNamespace(audio=fsdd[:1], recordings=lambda: fsdd[:1])
    current = SyntheticVoice({**calibration, MODEL_KEY: np.array(model_digest())})
    assert current.informative(batch)
    for older in (calibration, {**calibration, MODEL_KEY: np.array("0" * 16)}):  # made before; another model's
        assert SyntheticVoice.present(older)
        stale = SyntheticVoice(older)
        assert not stale.informative(batch) and "make the case anew" in stale.reason(batch, 0, 0.0, 1.0)


def test_a_calibration_records_the_model_that_scored_it(fsdd):
    out = SyntheticVoice.calibrate(fsdd[:3])
    assert str(out[MODEL_KEY]) == model_digest() and len(model_digest()) == 16
    assert np.allclose(out["cal_synthetic_voice"], voice_scores(fsdd[:3]), atol=1e-9)


def test_a_model_file_with_a_pickled_object_or_the_wrong_shape_is_refused(tmp_path):
    good = dict(synthetic_voice.model())
    np.savez(tmp_path / "pickled.npz", **dict(good, b2=np.array([object()], dtype=object)))
    np.savez(tmp_path / "narrow.npz", **dict(good, mean=good["mean"][:-1]))
    for name in ("pickled.npz", "narrow.npz", "missing.npz"):
        with pytest.raises(InputError):
            read_model(tmp_path / name)


def test_the_score_ignores_the_recordings_level(fsdd):
    for audio in fsdd[100:400:60]:
        scores = voice_scores([audio * gain for gain in (1.0, 0.1, 0.5, 2.0)])
        assert np.allclose(scores, scores[0], atol=1e-6)


def test_impulse_excited_vowels_score_beyond_every_embedded_fsdd_recording(fsdd):
    real = voice_scores(fsdd)
    synthetic = voice_scores([pulse_vowel(110, 140), pulse_vowel(180, 150), pulse_vowel(120, 120),
                              pulse_vowel(100, 90, (500, 1500, 2500)), pulse_vowel(200, 230, (800, 1100, 2800))])
    assert np.isfinite(real).all() and (synthetic > real.max()).all()


def test_no_waveform_or_too_short_a_recording_scores_zero():
    assert features(np.zeros(200)) is None
    assert (voice_scores([None, np.zeros(200), np.zeros(4000)]) == 0).all()


def test_a_decoders_residue_of_digital_silence_scores_zero_as_the_silence_does_and_a_quiet_vowel_does_not():
    residue = 1e-12 * np.random.default_rng(0).standard_normal(4000)  # an Opus decoder's output for digital silence
    assert features(residue) is None and voice_scores([residue])[0] == 0
    quiet = pulse_vowel(120, 100) * 10 ** (-70 / 20)  # 70 dB down: still a sound a 16-bit file holds
    assert features(quiet) is not None and abs(voice_scores([quiet])[0] - voice_scores([pulse_vowel(120, 100)])[0]) < 1


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
    assert SyntheticVoice.fit(enough, groups, n_groups, cross_fitted)["cal_synthetic_voice"].shape == (MIN_KEPT,)


def test_under_a_codec_or_added_noise_it_is_recalibrated_on_the_channelled_reference_and_under_a_band_limit_stands_aside(
        fsdd_case_template, fsdd_channel):
    from engine import case_workflows
    from engine.detectors import suite
    from engine.detectors.channels import NoiseUnion, StandAside, channel_detectors
    from engine.detectors.profile import reference_audio
    from tests.conftest import kept_few

    with case_workflows.open_case(fsdd_case_template) as case:
        profile = case.profile()
    kept = [audio for _, audio in reference_audio(profile)]
    assert np.allclose(profile["cal_synthetic_voice"], voice_scores(kept))
    # Through a codec and under added noise: recalibrated on the kept recordings of a profile keeping just enough of
    # them (the case's 400 through GSM 06.10 took half a minute), each recording once, which the codec changes.
    enough = kept_few(profile, n=MIN_KEPT // 2 + 5)
    unmatched = np.sort(voice_scores([audio for _, audio in reference_audio(enough)]))
    detectors, _ = channel_detectors(suite.profile_detectors(enough), enough, ("audio", "GSM610", None, None, None))
    channelled = [d for d in detectors if d.name == "synthetic-voice"]
    assert len(channelled) == 1 and not isinstance(channelled[0], StandAside)
    assert channelled[0].tail["sorted"].size == unmatched.size == MIN_KEPT + 10
    assert not np.allclose(channelled[0].tail["sorted"], unmatched)
    detectors, _ = fsdd_channel(("audio", None, None, 3400, None), few=True)
    aside = [d for d in detectors if d.name == "synthetic-voice"]
    assert len(aside) == 1 and isinstance(aside[0], StandAside) and "band limit" in aside[0].why
    # Under added noise: the largest tail probability against the reference without the noise, brought up to the
    # file's floor, and that through an AGC; the two noisy calibrations are the reference's kept recordings with noise.
    noisy = channel_detectors(suite.profile_detectors(enough), enough, ("audio", None, None, None, (-15, -24, -27, -27)))
    union = [d for d in noisy[0] if d.name == "synthetic-voice"]
    assert len(union) == 1 and isinstance(union[0], NoiseUnion)
    (_, without), (_, matched), (_, levelled) = union[0].parts_
    assert without.tail["sorted"].size == len(kept)  # the case's clean calibration
    assert matched.tail["sorted"].size == levelled.tail["sorted"].size == unmatched.size
    assert not np.allclose(matched.tail["sorted"], unmatched)


def reference_detector(fsdd, n=MIN_KEPT):
    """SyntheticVoice calibrated on n embedded FSDD takes (the profile arrays it reads)."""
    kept = fsdd[:n]
    return SyntheticVoice({"cal_synthetic_voice": voice_scores(kept),
                           "ref_audio_bounds": np.cumsum([0] + [len(a) for a in kept])})


def vowels():
    """A phrase of four synthesised vowels with pauses of digital silence (a synthesiser's file), about 1.9 s: judged
    in segments against a reference of digit takes."""
    pause = np.zeros(1600)
    return np.concatenate([part for f0 in (120, 140, 110, 130) for part in (pulse_vowel(f0, f0 + 15, seconds=0.25),
                                                                              pause)])


class Recordings:
    def __init__(self, recordings):
        self._recordings = recordings

    def recordings(self):
        return self._recordings


def test_the_outside_calibration_part_is_plain_arrays_of_recorded_speech_with_a_sidecar():
    path = resources_dir().joinpath(*synthetic_voice.OUTSIDE)
    with np.load(path, allow_pickle=False) as data:
        assert set(data.files) == {"features", "floor_db"} and data["features"].shape[1] == N_FEATURES
        assert data["features"].shape[0] > 1000 and data["floor_db"].dtype == np.float32
    scores, deepest = synthetic_voice.outside_part()
    assert -80 < deepest < -50 and np.isfinite(scores).all()
    sidecar = json.loads(path.with_suffix(".json").read_text())
    assert "coqui-ai/TTS" in sidecar["source"] and "lj" not in sidecar["speakers"]


def test_a_synthesised_vowel_written_to_a_file_is_judged_against_the_reference_alone_and_stays_in_its_tail(fsdd):
    from engine.detectors import calibration

    detector = reference_detector(fsdd)
    vowel = vowels()
    assert synthetic_voice.recorded_floor(vowel) < detector.deepest_floor
    assert detector.tail_of(vowel) is detector.tail
    p = calibration.tail_probability(detector.tail, detector.scores(Recordings([vowel])))
    assert p[0] < 1e-3


def test_continuous_speech_with_a_recorders_floor_is_calibrated_on_outside_speech_too_which_only_raises_its_p(fsdd):
    from engine.detectors import calibration

    detector = reference_detector(fsdd)
    rng = np.random.default_rng(0)
    vowel = vowels()
    hiss = rng.normal(0, 10 ** (-50 / 20) * np.sqrt(np.mean(vowel ** 2)), vowel.size)
    recorded = [vowel + hiss] + fsdd[MIN_KEPT:MIN_KEPT + 40]
    assert all(synthetic_voice.recorded_floor(a) >= detector.deepest_floor for a in recorded)
    assert detector.tail_of(recorded[0]) is detector.outside_tail
    words = [take for take in recorded[1:] if take.size < 1.5 * detector.segment_length]
    assert len(words) > 30 and all(detector.tail_of(take) is detector.tail for take in words)  # judged whole
    widened = calibration.tail_probability(detector.tail, detector.scores(Recordings(recorded)))
    detector.tail_of = lambda audio: detector.tail
    alone = calibration.tail_probability(detector.tail, detector.scores(Recordings(recorded)))
    assert (widened >= alone).all() and widened[0] > 10 * alone[0]


def test_continuous_speech_under_a_studios_floor_deeper_than_any_outside_clip_is_widened_digital_silence_is_not(fsdd):
    detector = reference_detector(fsdd)
    _, outside_deepest = synthetic_voice.outside_part()
    vowel = vowels()
    level = np.sqrt(np.mean(vowel ** 2))
    rng = np.random.default_rng(1)
    studio, deeper = (vowel + rng.normal(0, 10 ** (db / 20) * level, vowel.size) for db in (-65, -85))
    assert synthetic_voice.STUDIO_FLOOR_DB < synthetic_voice.recorded_floor(studio) < outside_deepest
    assert detector.tail_of(studio) is detector.outside_tail
    assert synthetic_voice.recorded_floor(deeper) < synthetic_voice.STUDIO_FLOOR_DB
    assert detector.tail_of(deeper) is detector.tail and detector.tail_of(vowel) is detector.tail


def test_a_score_judged_against_a_wider_calibration_is_read_back_with_the_narrower_at_that_p():
    from engine.detectors import calibration, segments

    narrow = calibration.tail_model(np.linspace(-3, 1, 200))
    wide = calibration.union_tail_model([np.linspace(-3, 1, 200), np.linspace(-2, 6, 300)])
    for found in ([4.0], [0.5, 4.0, -1.0]):
        score, p, k = segments.corrected(wide, found, read_with=narrow)
        assert found[k] == 4.0 and score <= 4.0
        assert p > len(found) * calibration.tail_probability(narrow, [4.0])[0]
        assert calibration.tail_probability(narrow, [score])[0] == pytest.approx(p, rel=0.05)


def test_speech_frames_of_a_segment_are_counted_at_the_whole_recordings_level_not_the_segments_own():
    rng = np.random.default_rng(3)
    background = 1e-3 * rng.normal(size=4000)  # about 50 dB below the vowel
    clip = np.concatenate([background, pulse_vowel(120, 135, seconds=0.5)])
    counts = synthetic_voice.segment_speech_frames(clip, [4000])
    assert counts[0] == 0 and counts[1] > 30
    assert synthetic_voice.segment_speech_frames(background, [])[0] > 30  # its own loud frames: all of it
    assert synthetic_voice.segment_speech_frames(np.zeros(100), [50]).tolist() == [0, 0]


def test_a_segment_too_short_to_judge_scores_zero_as_silence_does_and_a_take_keeps_its_score(fsdd):
    detector = reference_detector(fsdd)
    rng = np.random.default_rng(4)
    frames = synthetic_voice.MIN_SEGMENT_FRAMES
    background = 1e-3 * rng.normal(size=detector.segment_length)
    onset = np.concatenate([background[:-frames * synthetic_voice.HOP // 2],
                            pulse_vowel(120, 125, seconds=frames * synthetic_voice.HOP / 2 / RATE)])
    word = pulse_vowel(120, 135, seconds=detector.segment_length / RATE)
    for before in (background, onset):  # the background alone; a word's first few frames after it
        clip = np.concatenate([before, word])
        found = [before, word]
        scores = voice_scores(found)
        assert scores[0] != 0  # brought to one level alone, it would be read
        judged = detector.read_segments(clip, found, scores)
        assert judged[0] == 0 and judged[1] == pytest.approx(scores[1])
    assert detector.read_segments(word, [word], np.array([5.0])).tolist() == [5.0]  # a recording judged whole


def test_every_segment_of_a_synthesised_phrase_holds_enough_speech_to_be_judged(fsdd):
    detector = reference_detector(fsdd)
    phrase = vowels()
    from engine.detectors import segments

    found = segments.split(phrase, detector.segment_length)
    assert len(found) >= 3
    scores = voice_scores(found)
    assert detector.read_segments(phrase, found, scores) == pytest.approx(scores)


def sped_up(audio, factor):
    """A recording played `factor` times faster at the same rate: its pitch and formants `factor` times higher."""
    return signal.resample_poly(audio, 10, int(round(10 * factor)))


def test_voiced_pitch_reads_a_speakers_pitch_twice_as_high_at_twice_the_speed_and_none_where_nothing_is_voiced(fsdd):
    from engine.detectors.synthetic_voice import voiced_pitch

    takes = fsdd[::50]
    pitches = np.array([voiced_pitch(take) for take in takes], dtype=float)
    assert ((pitches > 60) & (pitches < 200)).all()  # the FSDD speakers: men
    doubled = np.array([voiced_pitch(sped_up(take, 2)) for take in takes], dtype=float)  # None: nan
    assert np.isfinite(doubled).sum() >= 6 and np.nanmedian(doubled / pitches) == pytest.approx(2, rel=0.05)
    assert voiced_pitch(np.random.default_rng(1).standard_normal(4000)) is None  # a fricative's noise has no period
    assert voiced_pitch(np.zeros(4000)) is None and voiced_pitch(None) is None


def pitched_reference(recordings):
    """synthetic-voice's profile arrays over its kept reference `recordings`, with them as the case keeps them."""
    bounds = np.cumsum([0] + [len(a) for a in recordings])
    return {"cal_synthetic_voice": voice_scores(recordings), MODEL_KEY: np.array(model_digest()),
            "ref_audio": np.concatenate(recordings).astype(np.float32), "ref_audio_bounds": bounds,
            "ref_audio_group": np.arange(len(recordings))}


def test_it_stands_aside_saying_why_for_a_voice_pitched_above_every_reference_recording(fsdd):
    from engine.detectors.synthetic_voice import voiced_pitch

    reference = fsdd[:MIN_KEPT]
    detector = SyntheticVoice(pitched_reference(reference))
    assert detector.pitch_ceiling == pytest.approx(max(voiced_pitch(take) for take in reference))
    take = next(t for t in fsdd[MIN_KEPT:] if 2 * voiced_pitch(t) > detector.pitch_ceiling * 1.1)
    high = sped_up(take, 2)  # a voice an octave above the take's: a child's, against men's
    assert detector.informative(types.SimpleNamespace(audio=take))
    assert not detector.informative(types.SimpleNamespace(audio=high))
    words = detector.reason(Recordings([high]), 0, 6.0, 1e-4)
    assert "stands aside, weight 0" in words and "above every reference recording" in words
    assert "stands aside" not in detector.reason(Recordings([take]), 0, 6.0, 1e-4)
    # a profile that keeps no recordings has no pitch to compare with: the detector speaks
    bare = {k: v for k, v in pitched_reference(reference).items() if k not in ("ref_audio", "ref_audio_group")}
    assert SyntheticVoice(bare).pitch_ceiling is None
    assert SyntheticVoice(bare).informative(types.SimpleNamespace(audio=high))


def test_a_voice_above_the_reference_pitch_written_with_a_synthesisers_floor_is_judged_a_recorded_one_is_not(fsdd):
    reference = fsdd[:MIN_KEPT]
    detector = SyntheticVoice(pitched_reference(reference))

    def written(take):
        """An octave above the take, its quiet 20 ms frames (below a tenth of the loudest's RMS) brought down by
        80 dB: a synthesiser's near-silence between its sounds instead of the recorder's."""
        high = sped_up(take, 2)[: len(take) // 2 // 160 * 160]
        rms = np.sqrt(np.mean(high.reshape(-1, 160) ** 2, axis=1))
        return high * np.repeat(np.where(rms >= 0.1 * rms.max(), 1.0, 1e-4), 160)

    high = next(w for w in map(written, fsdd[MIN_KEPT:]) if synthetic_voice.voiced_pitch(w) > detector.pitch_ceiling
                and synthetic_voice.recorded_floor(w) < detector.deepest_floor)
    recorded = high + np.random.default_rng(0).normal(0, 10 ** (-50 / 20) * np.sqrt(np.mean(high ** 2)), high.size)
    assert synthetic_voice.voiced_pitch(recorded) > detector.pitch_ceiling
    assert synthetic_voice.recorded_floor(recorded) >= detector.deepest_floor
    # written with a synthesiser's floor: judged as a voice below the ceiling is
    assert detector.informative(types.SimpleNamespace(audio=high))
    assert "stands aside" not in detector.reason(Recordings([high]), 0, 6.0, 1e-4)
    # the same voice under a recorder's floor: its calibration holds no such voice, so it stands aside
    assert not detector.informative(types.SimpleNamespace(audio=recorded))
    assert "its floor is a recorder's" in detector.reason(Recordings([recorded]), 0, 6.0, 1e-4)


def test_a_synthesised_word_padded_with_digital_silence_is_judged_whole_not_in_halves(fsdd):
    detector = reference_detector(fsdd)
    word = pulse_vowel(120, 135, seconds=0.7 * detector.segment_length / RATE)
    silence = np.zeros(int(0.8 * detector.segment_length))
    padded = np.concatenate([silence, word, silence])  # 2.3 reference lengths, as a synthesiser pads a slow word
    assert round(padded.size / detector.segment_length) == 2
    batch = Recordings([padded])
    assert detector.scores(batch)[0] == pytest.approx(voice_scores([padded])[0])  # its score judged whole
    assert detector.segment_note(batch, 0) == ""
    phrase = vowels()  # four vowels with pauses: continuous speech, still judged in segments
    assert detector.scores(Recordings([phrase]))[0] != pytest.approx(voice_scores([phrase])[0])


def test_a_band_limited_word_written_with_a_synthesisers_floor_is_judged_a_recorded_one_and_a_codecs_stand_aside(
        fsdd, fsdd_channel):
    """A band limit puts synthetic-voice aside for a recorder's file (its model reads real band-limited speech otherwise
    than a low-pass of the reference); a PCM file whose floor above 1 kHz lies deeper than a studio's is a synthesiser
    writing to a file, whose weak upper band is its voice's (SVOX Pico), and is judged against the reference as
    calibrated; under a codec, which writes its own floor, it stands aside as before."""
    from engine.detectors.channel_limits import BAND_LIMIT_MOVES_VOICE
    from engine.detectors.channels import StandAside, VoiceAsideUnlessWritten

    detector = SyntheticVoice(pitched_reference(fsdd[:MIN_KEPT]))
    aside = VoiceAsideUnlessWritten(detector, BAND_LIMIT_MOVES_VOICE)

    def written(take):
        """The take low-passed at 2 kHz, its quiet 20 ms frames (below a tenth of the loudest's RMS) brought down by
        80 dB: a synthesiser's near-silence between its sounds instead of the recorder's."""
        low = signal.sosfiltfilt(signal.butter(8, 2000, fs=RATE, output="sos"), take)[: len(take) // 160 * 160]
        rms = np.sqrt(np.mean(low.reshape(-1, 160) ** 2, axis=1))
        return low * np.repeat(np.where(rms >= 0.1 * rms.max(), 1.0, 1e-4), 160)

    word = next(w for w in map(written, fsdd[MIN_KEPT:]) if synthetic_voice.recorded_floor(w) < detector.deepest_floor)
    recorded = word + signal.sosfiltfilt(signal.butter(8, 2000, fs=RATE, output="sos"), np.random.default_rng(0).normal(
        0, 10 ** (-40 / 20) * np.sqrt(np.mean(word ** 2)), word.size))  # the room's floor, through the same band
    assert synthetic_voice.recorded_floor(recorded) >= detector.deepest_floor
    assert aside.informative(types.SimpleNamespace(audio=word))
    assert "judged as full-band" in aside.reason(Recordings([word]), 0, 6.0, 1e-4)
    assert not aside.informative(types.SimpleNamespace(audio=recorded))
    assert "stands aside, weight 0" in aside.reason(Recordings([recorded]), 0, 6.0, 1e-4)
    assert not aside.informative(types.SimpleNamespace(audio=None))
    # which the channel gives: a PCM file's band limit this reading, a codec's the plain stand-aside
    pcm = [d for d in fsdd_channel(("audio", None, None, 3400, None), few=True)[0] if d.name == "synthetic-voice"]
    coded = [d for d in fsdd_channel(("audio", "ULAW", None, 3400, None), few=True)[0] if d.name == "synthetic-voice"]
    assert [type(d) for d in pcm] == [VoiceAsideUnlessWritten] and [type(d) for d in coded] == [StandAside]


def test_a_low_pass_lowers_the_models_reading_of_real_takes(fsdd):
    """The ground for judging a band-limited PCM file against the full-band reference: real takes low-passed at
    LOW_PASS_LOWERS_FROM_HZ and at a telephone's 3.4 kHz, saved as 16-bit, score lower than as recorded, not higher."""
    from engine.detectors.synthetic_voice import LOW_PASS_LOWERS_FROM_HZ

    takes = fsdd[::20]
    plain = voice_scores(takes)
    for edge in (LOW_PASS_LOWERS_FROM_HZ, 3400):
        low = signal.firwin(255, edge, fs=RATE, window=("kaiser", 8.0))
        lowered = voice_scores([np.round(signal.fftconvolve(take, low, mode="same") * 32768) / 32768
                                for take in takes]) - plain
        assert np.median(lowered) < -1.0 and np.mean(lowered < 0) >= 0.8


def test_a_band_limit_at_two_and_a_half_khz_or_above_is_judged_against_the_full_band_reference(fsdd, fsdd_channel):
    """Under a band limit at LOW_PASS_LOWERS_FROM_HZ or above read in a PCM file with no added noise, synthetic-voice
    speaks, against the reference as calibrated, whatever the file's floor (SVOX Pico resampled to 8 kHz reads as
    band-limited at 2.9-3.4 kHz over a floor a recorder could leave); below that edge or over added noise a recorder's
    floor keeps it aside."""
    from engine.detectors.channel_limits import BAND_LIMIT_MOVES_VOICE
    from engine.detectors.channels import VoiceAsideUnlessWritten

    detector = SyntheticVoice(pitched_reference(fsdd[:MIN_KEPT]))
    take = signal.sosfiltfilt(signal.butter(8, 3200, fs=RATE, output="sos"), fsdd[MIN_KEPT])
    assert synthetic_voice.recorded_floor(take) >= detector.deepest_floor  # a recorder's floor
    samples = types.SimpleNamespace(audio=take)
    edge = VoiceAsideUnlessWritten(detector, BAND_LIMIT_MOVES_VOICE, 3200)
    assert edge.informative(samples)
    assert "judged against the full-band reference" in edge.reason(Recordings([take]), 0, 6.0, 1e-4)
    for aside in (VoiceAsideUnlessWritten(detector, BAND_LIMIT_MOVES_VOICE, 1500),
                  VoiceAsideUnlessWritten(detector, BAND_LIMIT_MOVES_VOICE, 3200, noisy=True)):
        assert not aside.informative(samples)
        assert "stands aside, weight 0" in aside.reason(Recordings([take]), 0, 6.0, 1e-4)
    # which the channel gives: a PCM file's band limit at 3.4 kHz speaks for it
    pcm = next(d for d in fsdd_channel(("audio", None, None, 3400, None), few=True)[0] if d.name == "synthetic-voice")
    assert pcm.informative(samples)


def fricative_word():
    """A vowel between two stretches of hiss near its level (a short fricative-heavy word, as "six" or "seven"), and
    the vowel alone."""
    vowel = pulse_vowel(120, 135, seconds=0.25)
    hiss = np.random.default_rng(0).standard_normal(800) * vowel.std()
    return np.concatenate([hiss, vowel, hiss]), vowel


def test_a_words_voiced_frames_read_alone_score_as_its_vowel_does_where_its_hiss_dilutes_the_whole_word():
    word, vowel = fricative_word()
    whole, alone = voice_scores([word, vowel])
    brief = pulse_vowel(120, 130, seconds=0.1)
    voiced_word, voiced_vowel, hiss, brief = voiced_scores([word, vowel, word[:800], brief])
    assert alone > 10 and whole < alone - 8  # the hiss's frames dilute the vowel's
    assert voiced_word == pytest.approx(alone, abs=2) and voiced_vowel == pytest.approx(alone, abs=1e-9)
    assert np.isnan(hiss) and np.isnan(brief)  # nothing voiced; fewer than MIN_VOICED_READ voiced frames


def voiced_reference_detector(fsdd, n=150, voiced=True, short=True):
    """SyntheticVoice calibrated on n embedded FSDD takes, read whole and (`voiced`) over their voiced frames, those of
    MIN_VOICED_READ or more and (`short`: a profile made since the forty-seventh pass) apart those of
    MIN_SHORT_VOICED_READ or more."""
    kept = fsdd[:n]
    profile = {"cal_synthetic_voice": voice_scores(kept), MODEL_KEY: np.array(model_digest()),
               "ref_audio_bounds": np.cumsum([0] + [len(a) for a in kept])}
    if not voiced:
        return SyntheticVoice(profile)
    for key, least in ((VOICED_KEY, MIN_VOICED_READ), (SHORT_VOICED_KEY, MIN_SHORT_VOICED_READ))[:2 if short else 1]:
        read = voiced_scores(kept, least)
        assert np.isfinite(read).sum() >= MIN_KEPT
        profile[key] = read[np.isfinite(read)]
    return SyntheticVoice(profile)


def short_fricative_word():
    """A vowel of 0.13 s between two stretches of hiss: 11 voiced frames, as SVOX Pico's "six" holds."""
    vowel = pulse_vowel(120, 135, seconds=0.13)
    hiss = np.random.default_rng(0).standard_normal(800) * vowel.std()
    return np.concatenate([hiss, vowel, hiss])


def test_a_short_words_few_voiced_frames_are_read_against_the_reference_takes_read_from_as_few(fsdd):
    from engine.detectors.calibration import tail_probability

    word = short_fricative_word()
    assert MIN_SHORT_VOICED_READ <= 11 < MIN_VOICED_READ
    assert np.isnan(voiced_scores([word])[0]) and np.isfinite(voiced_scores([word], MIN_SHORT_VOICED_READ)[0])
    detector = voiced_reference_detector(fsdd)
    batch = Recordings([word])
    score = detector.scores(batch)[0]
    voiced = tail_probability(detector.short_voiced_tail, voiced_scores([word], MIN_SHORT_VOICED_READ))[0]
    assert tail_probability(detector.tail, [score])[0] == pytest.approx(min(1, 2 * min(whole_p(detector, word),
                                                                                      voiced)), rel=1e-6)
    assert tail_probability(detector.tail, [score])[0] < whole_p(detector, word) / 100  # its vowel decides
    assert f"reference recordings holding {MIN_SHORT_VOICED_READ} or more" in detector.voiced_note(batch, 0)
    # a word of MIN_VOICED_READ or more is read against the other calibration, as before
    long_word, _ = fricative_word()
    assert detector.voiced_reading(long_word)[1] is detector.voiced_tail
    # a profile made before the short words' calibration: the whole word alone
    older = voiced_reference_detector(fsdd, short=False)
    assert older.short_voiced_tail is None and older.voiced_reading(word) is None
    assert older.scores(batch)[0] == pytest.approx(voice_scores([word])[0]) and older.voiced_note(batch, 0) == ""


def test_a_word_is_judged_by_the_smaller_of_its_two_readings_tail_probabilities_doubled(fsdd):
    from engine.detectors.calibration import tail_probability

    detector = voiced_reference_detector(fsdd)
    word, _ = fricative_word()
    take = fsdd[-1]
    batch = Recordings([word, take])
    scores = detector.scores(batch)
    for g, audio in enumerate((word, take)):
        whole = tail_probability(detector.tail, voice_scores([audio]))[0]
        voiced = tail_probability(detector.voiced_tail, voiced_scores([audio]))[0]
        assert tail_probability(detector.tail, [scores[g]])[0] == pytest.approx(min(1, 2 * min(whole, voiced)),
                                                                                rel=1e-6)
    assert tail_probability(detector.tail, [scores[0]])[0] < whole_p(detector, word) / 100  # its vowel decides
    assert "voiced frames alone" in detector.reason(batch, 0, scores[0], 1e-4)
    older = voiced_reference_detector(fsdd, voiced=False)  # a profile made before it: the whole word alone
    assert older.voiced_tail is None and older.scores(Recordings([word]))[0] == pytest.approx(voice_scores([word])[0])


def whole_p(detector, audio):
    from engine.detectors.calibration import tail_probability

    return tail_probability(detector.tail, voice_scores([audio]))[0]


def test_a_phrase_judged_in_segments_is_not_read_over_its_voiced_frames(fsdd):
    detector = voiced_reference_detector(fsdd)
    phrase = vowels()
    batch = Recordings([phrase])
    older = voiced_reference_detector(fsdd, voiced=False)
    assert detector.scores(batch)[0] == pytest.approx(older.scores(Recordings([phrase]))[0], abs=1e-9)
    assert detector.voiced_note(batch, 0) == ""


def test_a_calibration_holds_the_voiced_reading_only_where_asked(fsdd):
    out = SyntheticVoice.calibrate(fsdd[:20])
    read = voiced_scores(fsdd[:20])
    assert np.allclose(out[VOICED_KEY], read[np.isfinite(read)], atol=1e-9)
    short = voiced_scores(fsdd[:20], MIN_SHORT_VOICED_READ)
    assert np.allclose(out[SHORT_VOICED_KEY], short[np.isfinite(short)], atol=1e-9)
    assert out[SHORT_VOICED_KEY].size >= out[VOICED_KEY].size
    assert not {VOICED_KEY, SHORT_VOICED_KEY} & set(SyntheticVoice.calibrate(fsdd[:3], voiced=False))
    # a profile made before the short words' calibration gets none through a channel either (channels.py)
    older = SyntheticVoice.calibrate(fsdd[:3], short=False)
    assert VOICED_KEY in older and SHORT_VOICED_KEY not in older


def test_the_calibration_reads_the_voiced_frames_once_for_both_least_numbers_as_each_alone(fsdd):
    from engine.detectors.synthetic_voice import counted_voiced_scores

    kept = fsdd[:40] + [short_fricative_word()]
    scores, counts = counted_voiced_scores(kept)
    calibrated = SyntheticVoice.calibrate(kept)
    for key, least in ((VOICED_KEY, MIN_VOICED_READ), (SHORT_VOICED_KEY, MIN_SHORT_VOICED_READ)):
        alone = voiced_scores(kept, least)
        np.testing.assert_array_equal(np.isfinite(alone), counts >= least)
        np.testing.assert_allclose(calibrated[key], alone[np.isfinite(alone)], rtol=1e-12)
    assert counts[-1] == 11 and np.isfinite(scores[-1])
