"""A codec read from the samples of a recording decoded and re-saved as 16-bit PCM (engine/data/audio_history.py):
the file is judged against the reference through that codec, and the verdict says the channel was inferred
from the samples. Small case: 60 FSDD recordings."""
import io

import numpy as np
import pytest
import soundfile

from engine import case_workflows
from engine.data.audio_history import codec_history
from engine.data.builtins import corpus_files
from engine.data.loaders import load_path
from engine.detectors.channel_keys import channel_key, codec_from_samples, quiet_level
from engine.detectors.channel_words import describe
from engine.verdict import judge


def fsdd_audio(k):
    return soundfile.read(corpus_files("fsdd")[k], dtype="float64")[0]


def encoded(audio, subtype, fmt="WAV"):
    buffer = io.BytesIO()
    soundfile.write(buffer, np.clip(audio, -1, 1), 8000, subtype=subtype, format=fmt)
    return buffer.getvalue()


def decoded(audio, subtype, fmt="WAV"):
    """`audio` through the codec, decoded, written as 16-bit PCM WAV and read back (float, as the loader reads it)."""
    pcm = soundfile.read(io.BytesIO(encoded(audio, subtype, fmt)), dtype="float64")[0]
    return soundfile.read(io.BytesIO(encoded(pcm, "PCM_16")), dtype="float32")[0]


def numpy_mulaw(audio):
    """mu-law (mu 255) companding done in numpy at 8 bits: compressed, rounded to 127 steps a side, expanded."""
    compressed = np.round(np.sign(audio) * np.log1p(255 * np.abs(audio)) / np.log1p(255) * 127) / 127
    return np.sign(compressed) * np.expm1(np.abs(compressed) * np.log1p(255)) / 255


@pytest.fixture(scope="module")
def speech_case(tmp_path_factory):
    root = tmp_path_factory.mktemp("audio-history")
    case_workflows.new_case(str(root / "case"), "builtin:fsdd[0:60]")
    return str(root / "case")


def test_each_decoded_codec_is_read_from_the_samples():
    audio = fsdd_audio(300)  # lucas
    assert codec_history(decoded(audio, "ULAW"))["codec"] == "G.711 mu-law"
    assert codec_history(decoded(audio, "ALAW"))["codec"] == "G.711 A-law"
    assert codec_history(decoded(audio, "GSM610"))["codec"] == "GSM 06.10"
    companded = soundfile.read(io.BytesIO(encoded(numpy_mulaw(audio), "PCM_16")), dtype="float32")[0]
    assert codec_history(companded)["subtype"] == "ULAW"
    # after a gain in float (a normalisation) the mu-law grid is still read, at that gain
    assert codec_history(np.round(decoded(audio, "ULAW") * 0.7 * 32768) / 32768)["gain"] == pytest.approx(0.7, abs=0.01)
    assert codec_history(decoded(audio, "MPEG_LAYER_III", "MP3")) is None  # no grid: not read


def test_clean_recordings_are_not_read_as_decoded():
    # three speakers recorded with 16 bits, one (nicolas) with an 8-bit recorder; quiet, and requantised to 8 bits
    for k in (0, 55, 110, 165, 220, 275, 310, 345, 370, 399):
        audio = fsdd_audio(k)
        for version in (audio, audio * 0.1, np.round(audio * 128) / 128):
            pcm = soundfile.read(io.BytesIO(encoded(version, "PCM_16")), dtype="float32")[0]
            assert codec_history(pcm) is None, (k, codec_history(pcm))


def test_a_decoded_file_gets_the_codecs_channel_marked_as_read_from_the_samples(tmp_path):
    audio = fsdd_audio(300)
    (tmp_path / "mulaw.wav").write_bytes(encoded(decoded(audio, "ULAW"), "PCM_16"))
    (tmp_path / "container.wav").write_bytes(encoded(audio, "ULAW"))
    inferred = channel_key(load_path(str(tmp_path / "mulaw.wav")).meta)
    container = channel_key(load_path(str(tmp_path / "container.wav")).meta)
    assert inferred[:-1] == container == ("audio", "ULAW", None, None, None)  # the same reference channel
    assert codec_from_samples(inferred) == "G.711 mu-law" and codec_from_samples(container) is None
    assert quiet_level(inferred) is None and "inferred from the samples" in describe(inferred)
    (tmp_path / "quiet.wav").write_bytes(encoded(decoded(audio * 0.1, "GSM610"), "PCM_16"))
    quiet = channel_key(load_path(str(tmp_path / "quiet.wav")).meta)
    assert quiet[1] == "GSM610" and quiet_level(quiet) is not None and codec_from_samples(quiet) == "GSM 06.10"


def test_a_verdict_on_a_decoded_file_names_the_inferred_channel(speech_case, tmp_path):
    paths = []
    for k in (303, 306):  # lucas, digits not in the case
        paths.append(str(tmp_path / f"{k}.wav"))
        (tmp_path / f"{k}.wav").write_bytes(encoded(decoded(fsdd_audio(k), "ULAW"), "PCM_16"))
    files = judge(speech_case, paths)["files"]
    for f in files:
        assert f["channel"]["codec_history"]["codec"] == "G.711 mu-law" and f["channel"]["subtype"] == "PCM_16"
        assert "codec ULAW inferred from the samples" in f["channel"]["assumed"]
        assert any("inferred from the samples" in reason for reason in f["reasons"])
        assert f["label"] != "generated"


def test_decoded_adpcm_is_read_from_its_decoders_chain(tmp_path):
    # MS and IMA ADPCM leave no grid; each sample follows from the ones before it and a 4-bit code (real takes
    # of a quiet room decoded from MS ADPCM and judged against the clean calibration: 6 of 10 labelled generated)
    audio = fsdd_audio(300)
    for subtype, name in (("MS_ADPCM", "MS ADPCM"), ("IMA_ADPCM", "IMA ADPCM")):
        for version in (audio, audio * 0.1, audio / np.abs(audio).max() * 0.95):  # as recorded, quiet, normalised
            pcm = decoded(version, subtype)
            assert codec_history(pcm)["codec"] == name
            assert codec_history(pcm[123:])["codec"] == name  # cut after decoding, mid-block
        exact = soundfile.read(io.BytesIO(encoded(audio, subtype)), dtype="int16")[0] / 32768  # an integer decoder
        assert codec_history(exact)["codec"] == name
        (tmp_path / f"{subtype}.wav").write_bytes(encoded(decoded(audio, subtype), "PCM_16"))
        (tmp_path / f"{subtype}-container.wav").write_bytes(encoded(audio, subtype))
        inferred, container = (channel_key(load_path(str(tmp_path / f)).meta) for f in (f"{subtype}.wav",
                                                                                         f"{subtype}-container.wav"))
        assert inferred[:-1] == container == ("audio", subtype, None, None, None)
        assert codec_from_samples(inferred) == name
    for codec, fmt in (("MPEG_LAYER_III", "MP3"), ("VORBIS", "OGG"), ("G721_32", "WAV")):  # decoded, no chain
        assert codec_history(decoded(audio, codec, fmt)) is None
