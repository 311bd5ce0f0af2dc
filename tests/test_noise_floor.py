"""The noise-floor detector (engine/detectors/noise_floor.py): synthesised speech written to a
file falls silent, a microphone recording does not. A case on 200 FSDD recordings (the
detector's conformal floor 1/201 lets it decide at alpha = 1 %);
real evidence: FSDD recordings of digits the reference does not hold; synthetic evidence:
espeak-ng saying digits (skipped where espeak-ng is not installed)."""
import io
import shutil
import subprocess

import numpy as np
import pytest
import soundfile

from engine import case_workflows
from engine.data.builtins import corpus_files
from engine.data.loaders import load_path
from engine.detectors.noise_floor import PLAUSIBLE_DB, NoiseFloor, depth_scores, floor_depth
from engine.verdict import judge
from tests.audio_channels import gate

HELD_OUT = range(300, 306)  # digit 7: not in the reference's first 200 files


@pytest.fixture(scope="module")
def speech_case(tmp_path_factory, without_lpc_lattice):
    root = tmp_path_factory.mktemp("noise-floor")
    case_workflows.new_case(str(root / "case"), "builtin:fsdd[0:200]")
    return str(root / "case")


def fsdd_audio(k):
    return soundfile.read(corpus_files("fsdd")[k], dtype="float64")[0]


def through(audio, subtype="PCM_16", fmt="WAV"):
    buffer = io.BytesIO()
    soundfile.write(buffer, np.clip(audio, -1, 1), 8000, subtype=subtype, format=fmt)
    buffer.seek(0)
    return soundfile.read(buffer, dtype="float64")[0]


def noise_floor_of(result):
    return [f["detectors"]["noise-floor"] for f in result["files"]]


def test_depth_is_gain_invariant_and_noise_only_makes_it_shallower():
    rng = np.random.default_rng(0)
    for k in HELD_OUT:
        audio = fsdd_audio(k)
        depth = floor_depth(audio)[0]
        # requantised to 16 bits at each gain (x2 clips the peaks): within 1.5 dB
        # (quantisation noise only raises the floor) ...
        for gain in (0.5, 2.0):
            assert floor_depth(through(audio * gain))[0] == pytest.approx(depth, abs=1.5)
        # ... and where a tenth of the level takes the floor down to 16-bit rounding, it reads shallower, not deeper
        assert floor_depth(through(audio * 0.1))[0] <= depth + 1.5
        noisy = audio + rng.normal(0, np.sqrt(np.mean(audio ** 2) / 1000), audio.size)  # 30 dB SNR
        assert floor_depth(noisy)[0] <= depth + 0.5
        assert depth_scores([depth])[0] == 0  # a microphone's floor, however quiet the room, scores 0


def test_digital_silence_inside_and_a_constant_offset_read_as_no_floor_at_all():
    voice = fsdd_audio(300)
    gapped = np.concatenate([voice[:2000], np.zeros(4000), voice[2000:]])  # a pause made exactly silent
    depth, silent, padding, _ = floor_depth(gapped)
    assert depth > 250 and silent > 0.3 and padding < 160  # (a real file may start with a few equal samples)
    assert depth_scores([depth])[0] == pytest.approx(depth - PLAUSIBLE_DB)
    assert floor_depth(gapped + 2 ** -12)[0] > 250  # A-law's zero: one step off 0, constant
    assert floor_depth(np.zeros(800))[:2] == (0.0, 1.0)  # nothing recorded, nothing to say


def test_a_converter_held_at_its_limit_is_not_read_as_digital_silence():
    voice = fsdd_audio(300)
    held = np.concatenate([voice[:2000], np.full(4000, 32766 / 32768), voice[2000:]])  # a recorder saturating
    depth, silent, _, aside = floor_depth(held)
    assert depth == pytest.approx(floor_depth(voice)[0], abs=3) and silent == 0 and aside >= 4000
    quieter, silent = floor_depth(held * 0.1)[:2]  # at any gain after it (a tenth: the 16-bit step's rounding)
    assert quieter <= PLAUSIBLE_DB and silent == 0
    offset = np.concatenate([voice[:2000], np.full(4000, 0.1 * np.abs(voice).max()), voice[2000:]])
    assert floor_depth(offset)[0] > 250  # a tenth of the peak is no converter's limit: a constant still counts


def test_padding_on_a_real_recording_is_set_aside_and_its_own_floor_read():
    for k in HELD_OUT:
        voice = through(fsdd_audio(k))
        depth = floor_depth(voice)[0]
        for lead, trail in ((2000, 2000), (800, 0), (0, max(0, 8000 - voice.size))):  # 1 s as speech-command sets
            padded = np.concatenate([np.zeros(lead), voice, np.zeros(trail)])
            assert floor_depth(padded)[0] == pytest.approx(depth, abs=0.5)  # the frame grid shifts
            assert lead + trail <= floor_depth(padded)[2] < lead + trail + 160
        assert floor_depth(np.concatenate([np.full(2000, 2 ** -12), voice]))[0] == pytest.approx(depth, abs=0.5)
        # an 8-bit recorder's own steady silence (one step below 0) at the end, then the padding
        steady = np.concatenate([voice, np.full(200, -2 ** -7), np.zeros(2000)])
        assert floor_depth(steady)[0] <= PLAUSIBLE_DB and floor_depth(steady)[2] >= 2200


def tone_with_pause(floor_db, seed=0):
    """A 200 Hz tone (0.3 peak) over a white floor `floor_db` below its peak (None: no floor), 1 s at 8 kHz with
    a pause (floor only) over 0.4-0.7 s, and the pause's mask."""
    t = np.arange(8000) / 8000
    pause = (t >= 0.4) & (t < 0.7)
    tone = np.where(pause, 0.0, 0.3 * np.sin(2 * np.pi * 200 * t))
    floor = 0.0 if floor_db is None else np.random.default_rng(seed).normal(0, 0.3 * 10 ** (-floor_db / 20), t.size)
    return tone + floor, pause


def test_silence_a_signal_stops_into_is_not_padding():
    # a synthesiser's word stopping into a faint tail (a resampler's ringing, 90-150 dB down over 50 ms), then
    # exact zeros: the 20 ms next to the zeros lie beyond any microphone's floor, so the run stays and scores
    word = tone_with_pause(None)[0][:3200]
    tail = 0.3 * np.logspace(-4.5, -7.5, 400) * np.random.default_rng(0).standard_normal(400)
    depth, silent, padding, gated = floor_depth(np.concatenate([word, tail, np.zeros(3000)]))
    assert depth > 250 and padding < 160 and gated == 0


def test_a_long_sentences_closing_silence_is_read_though_under_a_tenth_of_its_frames():
    # 3.5 s of a voiced sound with no floor (its quietest syllable gaps 35 dB down), stopping into a faint tail and
    # 0.25 s of exact zeros: the zeros are 6 % of the frames, under the quietest tenth, yet no microphone wrote them
    t = np.arange(28000) / 8000
    syllables = 10 ** (-35 / 20) + (1 - 10 ** (-35 / 20)) * (0.5 + 0.5 * np.sin(2 * np.pi * 3 * t)) ** 2
    sentence = 0.3 * syllables * np.sin(2 * np.pi * 150 * t + 3 * np.sin(2 * np.pi * 0.7 * t))
    tail = 0.3 * np.logspace(-4.5, -7.5, 400) * np.random.default_rng(0).standard_normal(400)
    depth, silent, padding, gated = floor_depth(np.concatenate([sentence, tail, np.zeros(2000)]))
    assert depth > 250 and 0 < silent < 0.1 and padding < 160 and gated == 0
    assert floor_depth(sentence)[0] < PLAUSIBLE_DB  # the sound alone: its quietest tenth
    detector = NoiseFloor({"cal_noise_floor": np.zeros(200), "noise_floor_depth_max": np.array(60.0)})
    words = detector.recording_reason(np.concatenate([sentence, tail, np.zeros(2000)]), None, 0, 1.0, 0.005)
    assert "the digital silence of the recording lies 300 dB" in words
    # through mu-law the zeros are the codec's (a loud take's floor is written so): read by their share alone
    assert floor_depth(through(np.concatenate([sentence, tail, np.zeros(2000)]), "ULAW"))[0] < PLAUSIBLE_DB


def test_a_dropout_of_a_few_frames_inside_a_take_is_not_its_floor():
    # 70 ms of exact zeros inside a real take (a dropped packet, an editor's cut): fewer than MIN_SILENT_FRAMES frames
    voice = np.concatenate([fsdd_audio(k) for k in range(300, 306)])
    dropped = np.concatenate([voice[:6000], np.zeros(560), voice[6000:]])
    depth, silent, _, _ = floor_depth(dropped)
    assert 0 < silent and depth < PLAUSIBLE_DB


def test_a_floor_through_a_slow_release_gate_is_not_read_as_digital_silence():
    for floor_db in (50, 65):  # a room's floor; a quiet room's (FSDD's quietest)
        # a hard gate 30 dB below the peak: its gain falls over a 20 ms release, then exact zeros
        gated = through(gate(tone_with_pause(floor_db)[0], -30.0))
        assert np.all(gated[5000:5600] == 0)  # closed
        depth, silent, padding, aside = floor_depth(gated)
        assert depth <= PLAUSIBLE_DB and aside > 2000  # the release and its zeros set aside
        assert depth_scores([depth])[0] == 0


def test_real_takes_through_noise_suppressors_keep_a_microphones_floor():
    # a quiet room's takes (FSDD lucas) whose pauses a suppressor takes below one 16-bit step: the rounded residual
    # lies 72-79 dB below their loud frames, as a synthesiser's near-silence does, and is read at four steps
    from tests.noise_suppressors import band_gain, spectral_gate, wiener

    takes = [k for k, path in enumerate(corpus_files("fsdd")) if path.endswith(("0_lucas_9.wav", "4_lucas_7.wav",
                                                                                "5_lucas_1.wav", "8_lucas_0.wav"))]
    assert len(takes) == 4
    for k in takes:
        audio = fsdd_audio(k)
        for suppressed in (wiener(audio, -np.inf), spectral_gate(audio, 1.5), band_gain(audio, -30.0)):
            assert floor_depth(through(suppressed))[0] <= PLAUSIBLE_DB


def test_a_floor_at_a_16_bit_step_is_read_at_four_steps_and_digital_silence_still_counts():
    recorded, pause = tone_with_pause(65)
    quiet = recorded / 3  # a quiet speaker: 0.1 peak over a floor 65 dB down
    suppressed = through(np.where(pause, quiet * 0.15, quiet))  # the pause's floor 16 dB further down, then 16 bits
    assert np.any(suppressed[pause] != 0) and np.abs(suppressed[pause]).max() <= 2 * 2 ** -15  # rounded to a step
    assert floor_depth(suppressed)[0] == pytest.approx(10 * np.log10(0.1 ** 2 / 2 / (4 * 2 ** -15) ** 2), abs=1.0)
    assert floor_depth(suppressed)[0] <= PLAUSIBLE_DB
    assert floor_depth(through(np.where(pause, 0.0, quiet)))[0] > 250  # the pause made exact digital silence
    assert floor_depth(np.where(pause, quiet * 1e-3, quiet))[0] > 100  # a float file's floor far below a step


def take_at_16_khz(pause_floor):
    """A tone 0.3 peak for 0.4 s, then a pause holding `pause_floor` (samples at 16 kHz), brought to 8 kHz."""
    from engine.data.representations import to_speech_rate

    t = np.arange(16000) / 16000
    pause = t >= 0.4
    return to_speech_rate(np.where(pause, pause_floor, 0.3 * np.sin(2 * np.pi * 220 * t)), 16000).astype(np.float64)


def lone_steps():
    """One 16-bit step (alternating sign) per 20 ms at 16 kHz: a suppressor's residue rounded to 16 bits."""
    steps = np.zeros(16000)
    steps[::320] = 2 ** -15 * (-1) ** np.arange(50)
    return steps


def test_lone_16_bit_steps_of_a_wider_rates_pause_are_read_as_rounding_at_that_rate():
    """A 16-bit file written at 16 kHz whose pause holds one step per 20 ms: brought to 8 kHz its floor reads about
    0.04 step RMS, below the 8-kHz bound SUB_STEP, so the 8-kHz reading takes it for a floor beyond any microphone;
    read at the file's own rate it is 16-bit rounding, at four steps. A float file's floor far below a step stays
    deep at any rate."""
    from engine.detectors.noise_floor import SUB_STEP, sub_step

    assert sub_step(8000) == SUB_STEP and sub_step(16000) == pytest.approx(SUB_STEP / 2)
    read = take_at_16_khz(lone_steps())
    assert floor_depth(read)[0] > PLAUSIBLE_DB
    depth = floor_depth(read, 16000)[0]
    assert depth == pytest.approx(10 * np.log10(0.3 ** 2 / 2 / (4 * 2 ** -15) ** 2), abs=1.5)
    assert depth <= PLAUSIBLE_DB
    floated = take_at_16_khz(1e-3 * 2 ** -15 * np.sin(np.arange(16000) / 5))
    assert floor_depth(floated, 16000)[0] > 100


def test_a_channels_noise_floor_reads_its_evidence_at_the_rate_it_was_calibrated_for():
    rng = np.random.default_rng(3)
    reference = [0.2 * np.sin(np.linspace(0, 300, 8000)) + rng.normal(0, 1e-3, 8000) for _ in range(3)]
    evidence = [take_at_16_khz(lone_steps())]
    at_8k, at_16k = NoiseFloor(NoiseFloor.calibrate(reference)), NoiseFloor(NoiseFloor.calibrate(reference, 16000))
    assert (at_8k.rate, at_16k.rate) == (8000, 16000)
    assert at_8k.score_recordings(evidence)[0] > 0 and at_16k.score_recordings(evidence)[0] == 0


def test_a_suppressors_floor_at_two_or_three_steps_under_speech_near_full_scale_is_a_microphones():
    """A browser's suppressor leaves a floor of 1.7-2.7 16-bit steps RMS under speech gain-controlled near full scale
    (Speech Commands): 70-76 dB down read at two steps, within PLAUSIBLE_DB read at four."""
    t = np.arange(8000) / 8000
    pause = (t >= 0.4) & (t < 0.7)
    loud = np.where(pause, 0.0, 0.4 * np.sin(2 * np.pi * 200 * t))  # loud frames 11 dB below full scale
    residual = np.random.default_rng(0).normal(0, 2.5 * 2 ** -15, t.size)  # 2.5 steps RMS
    suppressed = through(loud + residual)
    assert 10 * np.log10(0.4 ** 2 / 2 / (2.5 * 2 ** -15) ** 2) > PLAUSIBLE_DB  # beyond it at two steps
    assert floor_depth(suppressed)[0] == pytest.approx(10 * np.log10(0.4 ** 2 / 2 / (4 * 2 ** -15) ** 2), abs=1.0)
    assert floor_depth(suppressed)[0] <= PLAUSIBLE_DB


def test_a_floor_g711_writes_as_silence_is_read_at_its_first_decision_level():
    """mu-law and A-law write a floor below 4 and 16 (16-bit units) as 0 or one code: a pause of exact zeros reads at
    that level, within PLAUSIBLE_DB under a tone 0.3 peak, where the same pause as 16-bit PCM reads as digital
    silence; under speech near full scale mu-law's level still lies beyond it."""
    recorded, pause = tone_with_pause(65)
    silenced = np.where(pause, 0.0, recorded)
    assert floor_depth(through(silenced))[0] > 250
    for subtype, level in (("ULAW", 4), ("ALAW", 16)):
        depth = floor_depth(through(silenced, subtype))[0]
        assert depth == pytest.approx(10 * np.log10(0.3 ** 2 / 2 / (level * 2 ** -15) ** 2), abs=1.0)
        assert depth <= PLAUSIBLE_DB
        detector = NoiseFloor({"cal_noise_floor": np.zeros(200), "noise_floor_depth_max": np.array(60.0)})
        words = detector.recording_reason(through(silenced, subtype), None, 0, 0.0, 1.0)
        assert "within what a microphone records" in words and "first decision level" in words
    assert floor_depth(through(silenced * 3.2, "ULAW"))[0] > PLAUSIBLE_DB  # loud frames near full scale


def test_an_abrupt_stop_into_zeros_is_read_as_digital_silence():
    recorded, pause = tone_with_pause(65)
    cut = through(np.where(pause, 0.0, recorded))  # the floor stops with the tone
    ringing = cut.copy()  # a resampler's faint ringing 90-150 dB down over the first 40 ms of the zeros
    ringing[3200:3520] = 0.3 * np.logspace(-4.5, -7.5, 320) * np.random.default_rng(1).standard_normal(320)
    for audio in (cut, ringing):
        depth, silent, padding, aside = floor_depth(audio)
        assert depth > 250 and silent > 0.2 and aside == 0


def test_real_recordings_through_gain_and_codecs_do_not_fire_it(speech_case, tmp_path):
    paths = []
    for k in HELD_OUT:
        for gain, subtype in ((1.0, "PCM_16"), (0.1, "PCM_16"), (2.0, "PCM_16"), (1.0, "ULAW"), (1.0, "GSM610")):
            path = tmp_path / f"{k}_{gain}_{subtype}.wav"
            soundfile.write(str(path), np.clip(fsdd_audio(k) * gain, -1, 1), 8000, subtype=subtype)
            paths.append(str(path))
    result = judge(speech_case, paths)
    for entry, found in zip(noise_floor_of(result), result["files"]):
        assert entry["weight"] > 0
        assert entry["tail_probability"] > 0.01 * entry["weight"], found["path"]
    assert [f["label"] for f in result["files"]].count("generated") == 0


def test_it_stands_aside_for_mel_patches_without_a_waveform(speech_case, tmp_path):
    path = tmp_path / "patches.npy"
    np.save(path, load_path(corpus_files("fsdd")[300]).x)
    result = judge(speech_case, [str(path)])
    assert noise_floor_of(result)[0]["weight"] == 0
    assert any("no waveform" in reason for reason in result["files"][0]["reasons"])


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed on this machine")
def test_espeak_ng_digits_are_labelled_generated_by_their_floor_and_real_ones_are_not(speech_case, tmp_path):
    synthetic = []
    for k, (word, voice) in enumerate((("seven", "en"), ("eight", "en-us"), ("three", "en+m3"))):
        path = tmp_path / f"espeak{k}.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-w", str(path), word], check=True, capture_output=True)
        synthetic.append(str(path))
    real = [str(corpus_files("fsdd")[k]) for k in HELD_OUT]
    result = judge(speech_case, synthetic + real)
    labels = [f["label"] for f in result["files"]]
    assert labels[:3] == ["generated"] * 3
    assert labels[3:].count("generated") == 0
    floor = next(r for r in result["files"][0]["reasons"] if r.startswith("noise-floor:"))
    entry = result["files"][0]["detectors"]["noise-floor"]
    assert "digital silence" in floor and entry["tail_probability"] <= 0.01 * entry["weight"]  # decides on its own


def test_a_profile_without_reference_recordings_has_no_noise_floor():
    from engine.data.specs import load_spec
    from engine.detectors.batch import Reference
    from engine.detectors.folds import cross_fitted
    from engine.detectors.profile import item_groups

    ref = load_spec("builtin:fsdd[0:10]")
    groups, n_groups = item_groups(ref.items, ref.n)
    assert NoiseFloor.fit(Reference(ref, groups), groups, n_groups, cross_fitted) == {}


def klatt_word(trail, rate=22050, total=14330, lead=242, seed=0):
    """espeak-ng's Klatt voice saying a word at 22.05 kHz: its aspiration noise carries up to an abrupt stop into its
    silence (the 20 ms before the zeros within a microphone's depth of the loud frames), `lead` zeros before, the rest
    of `total` samples after (14,330: 2.5 samples off a round 0.65 s, as `five` at 190 words a minute)."""
    rng = np.random.default_rng(seed)
    n = total - lead - trail
    t = np.arange(n) / rate
    word = 0.3 * np.sin(2 * np.pi * 150 * t) * np.hanning(n) ** 0.2 + rng.normal(0, 0.01, n)
    return np.concatenate([np.zeros(lead), np.round(word * 32767) / 32767, np.zeros(trail)])


def test_a_file_read_as_written_keeps_the_runs_its_own_samples_kept_though_round_at_the_speech_rate():
    """The padding of a file kept as written is read on its samples (representations.to_speech_rate); its 8 kHz
    conversion, 5,199 samples long, lies within the one sample round_length allows of 0.65 s there, so read again at
    8 kHz its silence was taken for a script's padding to a round clip length. Read as judged_as_written (what the
    detector does for a file the batch keeps as written) it stays; a script's zeros found on the samples as written
    are still set aside, and a real recording's floor reads the same either way."""
    from engine.data import representations
    from engine.data.padding import unpadded
    from engine.data.sampleset import NativeAudio
    from engine.detectors import suite

    spoken = klatt_word(trail=5711)
    assert unpadded(spoken, 22050) == (0, spoken.size)
    converted = representations.to_speech_rate(spoken, 22050)
    assert converted.size == 5199
    assert floor_depth(converted, 22050)[0] < PLAUSIBLE_DB  # on main: read as padded to 0.65 s
    assert floor_depth(converted, 22050, judged_as_written=True)[0] > PLAUSIBLE_DB
    # through the detector: a file the batch keeps as written is so read, one it does not keep is read as before
    detector = NoiseFloor(NoiseFloor.calibrate([fsdd_audio(k) for k in range(3)], 22050))
    native = NativeAudio(22050, np.round(spoken * 32767).astype(np.int16), 8000)
    batch = suite.Batch(np.zeros((2, 1)), np.arange(2), audio=[converted, converted], native=[native, None])
    kept, not_kept = detector.scores(batch)
    assert kept > 0 and not_kept == 0
    assert "beyond any microphone recording" in detector.recording_reason(converted, batch, 0, kept, 0.002)
    # a script's round padding after a recording with a microphone's floor, found as written, is still padding
    rng = np.random.default_rng(1)
    take = 0.2 * np.sin(np.linspace(0, 900, 8000)) + rng.normal(0, 1e-3, 8000)
    script = np.concatenate([take, np.zeros(int(0.25 * 22050))])
    padded = representations.to_speech_rate(script, 22050)
    assert floor_depth(padded, 22050, judged_as_written=True)[0] == pytest.approx(floor_depth(padded, 22050)[0])
    assert floor_depth(padded, 22050, judged_as_written=True)[0] < PLAUSIBLE_DB
