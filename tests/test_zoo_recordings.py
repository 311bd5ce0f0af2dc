"""The speech zoo's waveform families (signal-processing and TTS-like fakes) kept as 16-bit recordings: stored in
their runs, written as WAV by `generate`, judged as WAV by `case validate` (so the detectors that read a waveform
speak), and a zoo run from before recordings were kept (mel patches only) still generates and validates."""
import json
import os

import numpy as np
import pytest

import main
from engine import case_workflows
from engine.data.specs import load_spec
from engine.jobs import JobState
from engine.zoo import cleanup, job
from engine.zoo.families import PCM_FULL_SCALE, RecordingPool, as_pcm16, pcm_patches
from engine.zoo.job import zoo_job

REFERENCE = "builtin:fsdd[0:40]"
WAVEFORM_DETECTOR = "noise-floor"  # reads the recording's waveform; a tiny speech case holds it (the others need 100)


def patches_only(family_output):
    """family_output as the zoo wrote it before recordings were kept: the patches alone."""
    return lambda *args: [(variant, x, None) for variant, x, _ in family_output(*args)]


@pytest.fixture(scope="module")
def speech_zoo(tmp_path_factory):
    """A tiny speech case whose zoo holds time-stretch as an older zoo stored it (patches only), then griffin-lim
    kept as recordings and a GAN; and its self-test (6 samples per family)."""
    case_dir = str(tmp_path_factory.mktemp("speech-zoo") / "case")
    case_workflows.new_case(case_dir, REFERENCE, name="speech zoo")
    params = {"dir": case_dir, "budget": 0.05, "device": "cpu", "threads": 1}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(job, "family_output", patches_only(job.family_output))
        zoo_job(dict(params, families=["time-stretch"]), JobState())
    zoo_job(dict(params, families=["griffin-lim", "gan-standard"]), JobState())
    out = case_dir + "-validate.json"
    assert main.main(["case", "validate", case_dir, "--json", out, "--samples", "6"]) == 0
    with open(out, encoding="utf-8") as fh:
        families = {f["family"]: f for f in json.load(fh)["families"]}
    return case_dir, families


def run_dir(case_dir, name):
    return os.path.join(case_dir, "runs", "zoo", name)


def test_generate_on_a_recording_family_writes_16_bit_wavs_whose_patches_are_the_run_s(speech_zoo, tmp_path, capsys):
    import soundfile

    from engine.runs import stored_recordings, stored_samples

    case_dir, _ = speech_zoo
    run = run_dir(case_dir, "griffin-lim-clean")
    out = tmp_path / "wav"
    assert main.main(["generate", run, "--n", "3", "--out", str(out), "--seed", "2"]) == 0
    assert json.loads(capsys.readouterr().out)["format"] == "wav"
    paths = sorted(out.iterdir())
    assert [p.name for p in paths] == ["sample_0.wav", "sample_1.wav", "sample_2.wav"]
    recordings, rate, _ = stored_recordings(run, 3, 2)
    pool = stored_samples(run, 10_000)[0]
    for path, stored in zip(paths, recordings):
        info = soundfile.info(str(path))
        assert (info.samplerate, info.subtype, info.channels) == (8000, "PCM_16", 1) and rate == 8000
        pcm, _ = soundfile.read(str(path), dtype="int16")
        assert np.array_equal(pcm, stored)  # the stored samples, not a float's rescaling of them
        read = load_spec(str(path)).x  # as a verdict reads the file
        # the classifier trained on these patches (to float32 rounding: a BLAS may sum the mel bands in another order)
        assert any(np.allclose(read[0], patch, rtol=0, atol=1e-6) for patch in pool)
    capsys.readouterr()
    assert main.main(["generate", run, "--n", "100000", "--out", str(tmp_path / "more")]) == 2
    assert "stored recordings" in capsys.readouterr().err


def test_the_self_test_judges_a_recording_family_as_wav_with_the_waveform_detectors_speaking(speech_zoo):
    _, families = speech_zoo
    kept = families["griffin-lim"]
    assert kept["written_as"] == ["WAV", "WAV"] and kept["written_as_note"] is None
    assert kept["n"] == 6 and kept["spoke_on"][WAVEFORM_DETECTOR] == 6  # mute on .npy patches
    gan = families["gan-standard"]  # a neural family's output stays a mel map
    assert gan["written_as"] == ["NPY", "NPY"] and gan["spoke_on"][WAVEFORM_DETECTOR] == 0


def test_an_older_zoo_run_with_patches_only_still_validates_generates_and_verifies(speech_zoo, tmp_path, capsys):
    from engine.runs import stored_recordings

    case_dir, families = speech_zoo
    old = families["time-stretch"]
    assert old["written_as"] == ["NPY", "NPY"] and old["n"] == 6
    assert old["spoke_on"][WAVEFORM_DETECTOR] == 0 and "only mel patches" in old["written_as_note"]
    run = run_dir(case_dir, "time-stretch")
    assert stored_recordings(run, 3) is None
    assert main.main(["generate", run, "--n", "2", "--out", str(tmp_path / "old")]) == 0
    assert sorted(p.name for p in (tmp_path / "old").iterdir()) == ["sample_0.npy", "sample_1.npy"]
    assert main.main(["case", "verify", case_dir]) == 0
    assert "verified" in capsys.readouterr().out


def test_a_recording_pool_draws_whole_recordings_up_to_n_patches_and_stores_them_unclipped():
    pool = RecordingPool()
    rng = np.random.default_rng(0)
    for seconds in (0.5, 0.5, 1.5, 0.5):  # 1, 1, 2, 1 patches
        pool.add(0.1 * rng.standard_normal(int(8000 * seconds)))
    pool.add(np.full(4000, 2.5) * np.sin(np.arange(4000)))  # louder than full scale
    counts = [len(p) for p in pool.patches]
    assert counts == [1, 1, 2, 1, 1]
    for n in (1, 2, 3, 6):
        picked = pool.draw(n, 7)
        assert (sum(counts[i] for i in picked) <= n or len(picked) == 1) and list(picked) == sorted(picked)
        assert len(pool(n, 7)) == min(n, sum(counts[i] for i in picked))
    assert len(pool.draw(6, 7)) == 5
    loud = pool.recordings[-1]
    assert loud.dtype == np.int16 and np.abs(loud.astype(int)).max() == PCM_FULL_SCALE - 1  # scaled, not clipped
    assert np.corrcoef(loud, np.sin(np.arange(4000)))[0, 1] > 0.9999
    assert np.array_equal(pool.patches[-1], pcm_patches(as_pcm16(np.full(4000, 2.5) * np.sin(np.arange(4000)))))


def test_a_recording_s_cleaned_copy_has_its_noise_floor_gated_on_the_waveform():
    rng = np.random.default_rng(1)
    t = np.arange(8000) / 8000
    tone = np.where(t < 0.5, 0.3 * np.sin(2 * np.pi * 440 * t), 0.0)
    noisy = tone + 3e-4 * rng.standard_normal(t.size)
    gated = cleanup.gate_recording(noisy, 0.25)
    assert np.std(gated[5000:]) < 0.1 * np.std(noisy[5000:])  # the floor after the tone
    assert np.corrcoef(gated[500:3500], tone[500:3500])[0, 1] > 0.99  # the tone kept
    cleaned, = cleanup.clean_recordings([as_pcm16(noisy)], np.random.default_rng(0))
    assert cleaned.shape == noisy.shape and np.std(cleaned[5000:]) < 0.1 * np.std(noisy[5000:])  # any level of GATE


@pytest.mark.parametrize("change", ["rate", "lengths"])
def test_stored_recordings_that_disagree_with_their_record_are_one_line_and_exit_2(change, tmp_path, capsys):
    pcm = [as_pcm16(0.1 * np.sin(np.arange(n) / 3.0)) for n in (4000, 5000)]
    x = np.concatenate([pcm_patches(r) for r in pcm])
    config = {"family": "griffin-lim", "shape": list(x.shape[1:]), "recording_rate": 3 if change == "rate" else 8000}
    run = str(tmp_path / "run")
    job.write_generator_run(run, x, config, {"name": "zoo-griffin-lim", "modality": "speech"},
                            pcm if change == "rate" else [pcm[0][:-1], pcm[1]])
    if change == "lengths":  # the samples end to end one short of the lengths recorded
        from safetensors.numpy import load_file, save_file

        path = os.path.join(run, "checkpoint-00000001.safetensors")
        tensors = load_file(path)
        tensors["recording_lengths"] = np.array([4000, 5000], dtype=np.int64)
        save_file(tensors, path)
    assert main.main(["generate", run, "--n", "1", "--out", str(tmp_path / "out")]) == 2
    err = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error:")]
    assert len(err) == 1 and "stored recordings are not 16-bit samples" in err[0]
