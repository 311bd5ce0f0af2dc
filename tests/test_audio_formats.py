"""Real evidence re-encoded in audio formats common for recordings (docs/studies.md, "Audio formats: 8-bit PCM,
ADPCM, G.721, FLAC, Opus"): each is read as its codec, the reference is passed through that codec (whatever
container holds it), a lossless FLAC is judged exactly as the WAV it came from, and real recordings through
each lossy format keep their label. Small case: 60 FSDD recordings."""
import numpy as np
import pytest
import soundfile

from engine.data.builtins import corpus_files
from engine.data.channels import LOSSY_AUDIO_SUBTYPES
from engine.data.loaders import load_path
from engine.detectors.channel_keys import channel_key
from engine.detectors.channel_media import CODEC_CONTAINERS, audio_through
from engine.detectors.channel_words import describe
from engine.verdict import judge
from tests.audio_formats_written import FORMATS, encoded
from tests.test_quiet_codecs import speech_case  # noqa: F401 (the fixture: a case on 60 FSDD recordings)

LOSSY = [name for name, (subtype, *_) in FORMATS.items() if subtype in LOSSY_AUDIO_SUBTYPES]
HELD_OUT = (301, 336)  # lucas and nicolas (an 8-bit recorder), digits the case does not hold


def fsdd_audio(k):
    return soundfile.read(corpus_files("fsdd")[k], dtype="float64")[0]


def written(tmp_path, k, name, gain=1.0):
    data, ext = encoded(fsdd_audio(k), name, gain)
    path = tmp_path / f"{name}_{gain}_{k}.{ext}"
    path.write_bytes(data)
    return str(path)


def test_each_lossy_format_is_a_channel_named_by_its_codec(tmp_path):
    assert {"pcm_u8", "flac_s8", "ima_adpcm", "ms_adpcm", "g721", "opus", "opus_low"} <= set(LOSSY)
    for name in LOSSY:
        key = channel_key(load_path(written(tmp_path, 0, name)).meta)
        assert key[:2] == ("audio", FORMATS[name][0]) and f"codec {FORMATS[name][0]}" in describe(key), name


@pytest.mark.parametrize("subtype", [s for s in LOSSY_AUDIO_SUBTYPES
                                     if any(soundfile.check_format(c, s) for c in CODEC_CONTAINERS + ("OGG", "MP3"))
                                     and not s.startswith("DWVW")])  # libsndfile reads DWVW, writes none
def test_the_reference_passes_every_codec_libsndfile_can_write(subtype):
    audio = fsdd_audio(0).astype(np.float32)
    through = audio_through(audio, ("audio", subtype, None, None, None))
    n = min(audio.size, through.size)
    assert through.size >= audio.size - 1 and 0 < np.abs(through[:n] - audio[:n]).max() < 0.5, subtype


def test_an_8bit_flac_file_is_judged_against_the_reference_through_8bit_pcm(speech_case, tmp_path):
    # PCM_S8 has no WAV form: writing the reference as WAV failed the whole verdict
    found = judge(speech_case, [written(tmp_path, HELD_OUT[0], "flac_s8")])["files"][0]
    assert "codec PCM_S8" in found["channel"]["assumed"] and found["label"] != "generated"


@pytest.mark.parametrize("same", [("pcm16", "flac16", "FLAC PCM_16"), ("pcm16", "aiff16", "AIFF PCM_16"),
                                  ("pcm16", "au16", "AU PCM_16"), ("ulaw", "au_ulaw", "AU ULAW")])
def test_another_container_of_the_same_codec_is_judged_exactly_as_its_wav(speech_case, tmp_path, same):
    wav_name, other_name, codec = same
    paths = [written(tmp_path, k, name) for name in (wav_name, other_name) for k in HELD_OUT]
    files = judge(speech_case, paths)["files"]
    for wav, other in zip(files[:2], files[2:]):
        assert other["channel"]["codec"] == codec and other["label"] == wav["label"]
        assert other["channel"]["assumed"] == wav["channel"]["assumed"]
        for name, found in wav["detectors"].items():
            assert other["detectors"][name]["tail_probability"] == pytest.approx(found["tail_probability"], rel=1e-6)


@pytest.mark.parametrize("names", [("pcm_u8", "ima_adpcm", "ms_adpcm"), ("g721", "opus_low")])
def test_real_recordings_through_each_lossy_format_stay_real(speech_case, tmp_path, names):
    paths = [written(tmp_path, k, name) for name in names for k in HELD_OUT]
    files = judge(speech_case, paths)["files"]
    for f, path in zip(files, paths):
        assert f"codec {FORMATS[path.split('/')[-1].rsplit('_', 2)[0]][0]}" in f["channel"]["assumed"]
    assert [f["label"] for f in files].count("generated") == 0


def test_a_quiet_8bit_recording_is_judged_at_its_level_with_noise_floor_aside(speech_case, tmp_path):
    # rounded to the nearest 8-bit step, a quiet real recording's pauses are digital silence, which noise-floor
    # alone would call synthetic against a reference that libsndfile's 8-bit WAV rounds down
    paths = [written(tmp_path, k, "pcm_u8_nearest", 0.1) for k in HELD_OUT]
    files = judge(speech_case, paths)["files"]
    for f in files:
        assert "codec PCM_U8" in f["channel"]["assumed"] and "quiet recording" in f["channel"]["assumed"]
        assert f["detectors"]["noise-floor"]["weight"] == 0 and f["label"] != "generated"
