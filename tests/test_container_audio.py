"""Phone recordings as AAC in MP4/M4A or raw ADTS and AMR-NB in 3GP or raw .amr (engine/data/formats/container_audio.py):
read by content, told apart from MP3, limits held while decoding, broken files and AMR-WB refused in one line, and the
channel named AAC (its bitrate read: tests/test_aac_bitrate.py) or AMR-NB at its mode. The files are written by
PyAV itself (no ffmpeg binary needed)."""
import io
import os
import shutil
import subprocess

import numpy as np
import pytest
import soundfile

from engine.data import limits
from engine.data.builtins import corpus_files
from engine.data.formats.container_audio import encoded
from engine.data.loaders import load_path, load_recording
from engine.data.sniff import ADTS, MP3, MP4, kind_by_content
from engine.detectors.channel_keys import channel_key
from engine.detectors.channel_words import describe
from engine.errors import InputError
from engine.verdict import judge
from tests.test_quiet_codecs import speech_case  # noqa: F401 (the fixture: a case on 60 FSDD recordings)

HELD_OUT = (301, 336)  # lucas and nicolas, digits the case does not hold


def fsdd_audio(k):
    return soundfile.read(corpus_files("fsdd")[k], dtype="float32")[0]


def written(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def refused(path):
    with pytest.raises(InputError) as err:
        load_path(path)
    text = str(err.value)
    assert "\n" not in text and path in text
    return text


@pytest.mark.parametrize("container,name", [("ipod", "a.m4a"), ("mp4", "a.mp4"), ("adts", "a.aac")])
def test_aac_decodes_at_its_rate_length_and_level(tmp_path, container, name):
    source = fsdd_audio(0)
    path = written(tmp_path, name, encoded(source, 8000, 64000, container))
    mono, rate = load_recording(path)
    assert rate == 8000 and mono.dtype == np.float32
    if container == "adts":  # no length stated: the encoder's priming frame and last frame's padding are kept
        assert source.size <= mono.size <= source.size + 2 * 1024
        mono = mono[1024:1024 + source.size]
    else:  # an MP4 states the length without them
        assert mono.size == source.size
    level = lambda a: 20 * np.log10(np.sqrt(np.mean(np.square(a, dtype=np.float64))))
    assert level(mono) == pytest.approx(level(source), abs=1.0)
    assert np.corrcoef(mono, source)[0, 1] > 0.9  # the same recording, in place


def test_adts_and_mp3_frame_syncs_are_told_apart(tmp_path):
    adts = encoded(fsdd_audio(0), 8000, 64000, "adts")
    buffer = io.BytesIO()
    soundfile.write(buffer, fsdd_audio(0), 8000, format="MP3", subtype="MPEG_LAYER_III")
    mp3 = buffer.getvalue()  # libsndfile starts with a bare frame (MPEG 2.5 layer III at 8 kHz: sync 0xFFE)
    tagged = b"ID3\x04\x00\x00\x00\x00\x00\x00" + mp3  # an empty ID3v2 tag before it
    assert kind_by_content(adts) is ADTS and kind_by_content(mp3) is MP3 and kind_by_content(tagged) is MP3
    assert kind_by_content(encoded(fsdd_audio(0), 8000, 64000, "ipod")) is MP4
    assert "extension .mp3 says MP3" in refused(written(tmp_path, "adts.mp3", adts))
    assert "extension .aac says AAC (ADTS)" in refused(written(tmp_path, "mp3.aac", mp3))


def test_an_mp4_with_video_is_read_for_its_audio_and_one_without_audio_is_refused(tmp_path):
    import av

    def movie(with_audio):
        buffer = io.BytesIO()
        with av.open(buffer, mode="w", format="mp4") as out:
            video = out.add_stream("mpeg4", rate=10)
            video.width, video.height, video.pix_fmt = 32, 32, "yuv420p"
            sound = out.add_stream("aac", rate=8000, layout="mono") if with_audio else None
            source = fsdd_audio(0)
            for k in range(3):
                frame = av.VideoFrame.from_ndarray(np.full((32, 32, 3), 40 * k, dtype=np.uint8), format="rgb24")
                frame.pts = k
                out.mux(video.encode(frame))
            if sound is not None:
                for start in range(0, source.size, 1024):
                    chunk = av.AudioFrame.from_ndarray(source[None, start:start + 1024], format="flt", layout="mono")
                    chunk.sample_rate, chunk.pts = 8000, start
                    out.mux(sound.encode(chunk))
                out.mux(sound.encode(None))
            out.mux(video.encode(None))
        return buffer.getvalue()

    mono, rate = load_recording(written(tmp_path, "call.mp4", movie(True)))
    assert rate == 8000 and mono.size == fsdd_audio(0).size
    assert "holds no audio stream" in refused(written(tmp_path, "silent.mp4", movie(False)))


def test_truncated_and_mislabelled_files_are_refused_in_one_line(tmp_path):
    data = encoded(fsdd_audio(0), 8000, 64000, "ipod")
    assert "corrupt or truncated" in refused(written(tmp_path, "cut.m4a", data[: len(data) // 2]))
    assert "not a MP4/M4A file" in refused(written(tmp_path, "notes.m4a", b"a voice memo, honest\n"))
    # an ADTS stream cut inside a frame decodes what is whole; cut inside the first header, nothing
    header = encoded(fsdd_audio(0), 8000, 64000, "adts")[:5]
    assert "corrupt or truncated" in refused(written(tmp_path, "cut.aac", header))


@pytest.mark.parametrize("container,mode", [("amr", 12200), ("3gp", 4750), ("3gp", 7950)])
def test_amr_nb_decodes_at_8_khz_with_its_duration_and_mode(tmp_path, container, mode):
    source = fsdd_audio(0)
    path = written(tmp_path, f"memo.{container}", encoded(source, 8000, mode, container, "amr_nb"))
    mono, rate = load_recording(path)
    assert rate == 8000 and mono.dtype == np.float32
    assert abs(mono.size - source.size) <= 2 * 160  # whole 20 ms frames, and a raw .amr states no length
    level = lambda a: 20 * np.log10(np.sqrt(np.mean(np.square(a, dtype=np.float64))))
    assert level(mono) == pytest.approx(level(source), abs=1.5)
    # the same recording, behind the codec's 5 ms delay
    assert max(np.corrcoef(mono[lag:lag + 2000], source[:2000])[0, 1] for lag in range(0, 80)) > 0.6
    meta = load_path(path).meta
    assert meta["format"] == ("AMR" if container == "amr" else "MP4/M4A")
    assert meta["channel"]["subtype"] == f"AMR_NB_{mode}" and meta["channel"]["lossy"]
    key = channel_key(meta)
    assert key[:3] == ("audio", f"AMR_NB_{mode}", None)  # 8 kHz: the speech rate, no resampling channel
    assert f"AMR-NB encoder at the file's commonest mode, {mode / 1000:g} kbit/s" in describe(key)


def test_an_amr_nb_stream_is_named_by_its_commonest_speech_mode():
    from engine.data.formats.container_audio import amr_nb_encoding

    # frame types: 5 is 7.95 kbit/s, 7 is 12.2, 8 comfort noise, 15 no data (neither is a mode)
    assert amr_nb_encoding([5] * 6 + [7] * 2 + [8] * 9 + [15] * 3) == "AMR_NB_7950"
    assert amr_nb_encoding([8, 15, 15]) == "AMR_NB_12200"  # no speech frame states a mode: the recorders' default


def test_truncated_amr_and_amr_wb_are_refused_in_one_line(tmp_path):
    data = encoded(fsdd_audio(0), 8000, 12200, "amr", "amr_nb")
    assert "corrupt or truncated" in refused(written(tmp_path, "cut.amr", data[: len(data) // 2]))
    assert "not a AMR file" in refused(written(tmp_path, "notes.amr", b"a voice memo, honest\n"))
    no_data = b"#!AMR-WB\n" + b"\x7c" * 20  # AMR-WB frames of type 15 (no data): no encoder here to write speech
    assert "AMR-WB is not read" in refused(written(tmp_path, "wide.amr", no_data))


def test_a_3gp_without_audio_is_refused(tmp_path):
    import av

    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format="3gp") as out:  # MPEG-4 Part 2 video alone in a phone's container
        video = out.add_stream("mpeg4", rate=10)
        video.width, video.height, video.pix_fmt = 32, 32, "yuv420p"
        frame = av.VideoFrame.from_ndarray(np.zeros((32, 32, 3), dtype=np.uint8), format="rgb24")
        frame.pts = 0
        out.mux(video.encode(frame))
        out.mux(video.encode(None))
    assert "holds no audio stream" in refused(written(tmp_path, "clip.3gp", buffer.getvalue()))


def with_duration(data, seconds_scale):
    """M4A bytes whose mvhd and mdhd durations (version 0 boxes) are scaled: a header that lies."""
    out = bytearray(data)
    for box, at in ((b"mvhd", 16), (b"mdhd", 16)):  # after the box name: version/flags, two times, timescale
        i = out.index(box) + 4
        duration = int.from_bytes(out[i + at:i + at + 4], "big")
        out[i + at:i + at + 4] = int(duration * seconds_scale).to_bytes(4, "big")
    return bytes(out)


def test_the_limits_hold_from_the_header_and_while_decoding(tmp_path, monkeypatch):
    long = np.tile(fsdd_audio(0), 8)  # 2.4 s
    m4a, adts = (encoded(long, 8000, 64000, container) for container in ("ipod", "adts"))
    monkeypatch.setattr(limits, "MAX_AUDIO_SECONDS", 1.0)
    assert "duration 2.4 s exceeds the limit of 1 s" in refused(written(tmp_path, "long.m4a", m4a))
    # ADTS states no length, and an MP4 whose header understates it: decoding stops at the limit
    assert "decoded duration" in refused(written(tmp_path, "long.aac", adts))
    assert "decoded duration" in refused(written(tmp_path, "liar.m4a", with_duration(m4a, 0.1)))
    monkeypatch.setattr(limits, "MAX_AUDIO_SECONDS", 600.0)
    monkeypatch.setattr(limits, "MAX_DECODED_VALUES", 8000)
    assert "samples x channels" in refused(written(tmp_path, "big.m4a", m4a))
    assert "decoded samples x channels" in refused(written(tmp_path, "big.aac", adts))


def test_the_channel_is_recorded_as_aac_and_is_lossy(tmp_path):
    meta = load_path(written(tmp_path, "memo.m4a", encoded(fsdd_audio(0), 16000, 64000))).meta
    channel = meta["channel"]
    assert meta["format"] == "MP4/M4A" and channel["subtype"] == "AAC" and channel["lossy"]
    assert channel["native_sample_rate"] == 16000
    key = channel_key(meta)
    assert key[:3] == ("audio", "AAC", 16000) and "codec AAC" in describe(key)


def test_real_recordings_through_aac_32_are_judged_real(speech_case, tmp_path):
    paths = [written(tmp_path, f"{k}.m4a", encoded(fsdd_audio(k), 8000, 32000)) for k in HELD_OUT]
    files = judge(speech_case, paths)["files"]
    for f in files:  # the file's 32 kbit/s read; judged against the reference through AAC at 64 kbit/s
        assert f["channel"]["aac_bitrate"]["bit_rate"] == pytest.approx(32000, rel=0.35)
        assert "codec AAC" in f["channel"]["assumed"] and f["label"] == "real", f["reasons"]


@pytest.fixture(scope="module")
def takes_0_to_7_case(tmp_path_factory, without_lpc_lattice):
    """A case on builtin:fsdd's takes 0-7 (320 recordings), so its takes 8 and 9 are real recordings it never saw, of
    every digit and speaker. Not the 60-recording `speech_case`: it holds no speech detector that speaks under AMR-NB
    but checkerboard (features stands aside there, and the others need kept recordings it does not hold)."""
    import shutil

    from engine import case_workflows

    folder = tmp_path_factory.mktemp("takes-0-7")
    for path in corpus_files("fsdd"):
        if int(path.rsplit("_", 1)[1].split(".")[0]) < 8:
            shutil.copy(path, folder)
    case = str(tmp_path_factory.mktemp("takes-0-7-case") / "case")
    case_workflows.new_case(case, str(folder))
    return case


def test_real_recordings_through_amr_nb_are_judged_real(takes_0_to_7_case, tmp_path, mode=12200):
    """At 12.2 kbit/s, the mode phones record at (a file's own mode is the channel; every mode's real takes are
    measured in docs/studies.md, the stand-aside rule is tested below)."""
    unseen = [p for p in corpus_files("fsdd") if int(p.rsplit("_", 1)[1].split(".")[0]) >= 8][::7]  # 12 of 80
    paths = [written(tmp_path, f"{k}.3gp", encoded(soundfile.read(p, dtype="float32")[0], 8000, mode, "3gp",
                                                   "amr_nb")) for k, p in enumerate(unseen)]
    files = judge(takes_0_to_7_case, paths)["files"]
    for f in files:
        assert f"codec AMR_NB_{mode}" in f["channel"]["assumed"] and f["label"] == "real", f["reasons"]
        assert f["detectors"]["mel-inversion"]["weight"] == 0


@pytest.mark.parametrize("mode", [4750, 5900, 6700, 7950, 12200])
def test_under_each_amr_nb_mode_the_measured_detectors_stand_aside(fsdd_channel, mode):
    """mel-inversion, features and repeated-cycle stand aside at every mode (docs/studies.md, twenty-first and
    twenty-second passes), and so do pulse-grid and cycle-jitter: the codec's pitch lags make a steady voice's period
    repeat and its pulse intervals one value (thirty-sixth pass, "A quiet floor through G.711"), and checkerboard: its
    frames put a period-2 pattern into a quiet recorder's lowest mel bands (fifty-fourth pass)."""
    from engine.detectors.channels import StandAside

    detectors, note = fsdd_channel(("audio", f"AMR_NB_{mode}", None, None, None), few=True)
    assert "OpenCORE's AMR-NB encoder" in note
    aside = {d.name for d in detectors if isinstance(d, StandAside)}
    assert aside == {"repeated-cycle", "mel-inversion", "features", "pulse-grid", "cycle-jitter", "checkerboard"}
    why = {d.name: d.why for d in detectors if isinstance(d, StandAside)}
    assert "a steady voice's pulse intervals on one value" in why["pulse-grid"]
    assert "re-synthesises each pitch period" in why["cycle-jitter"]


@pytest.mark.skipif(shutil.which("espeak-ng") is None or not os.path.isdir("/usr/share/mbrola/us1"),
                    reason="espeak-ng or MBROLA's us1 voice is not installed on this machine")
def test_an_mbrola_digits_constant_period_survives_amr_nb_at_4_75_and_6_7_but_not_5_9(tmp_path):
    """What cycle-jitter's rule per mode rests on (docs/studies.md, twenty-second pass): the tuning set's MBROLA
    us1 "six" below PLAUSIBLE_PERCENT through 4.75 and 6.7 kbit/s, not through 5.9; a real take far above at each
    (cycle-jitter's score counts only jitter below the bound)."""
    import soxr

    from engine.data.representations import to_speech_rate
    from engine.detectors.cycle_jitter import PLAUSIBLE_PERCENT, jitter

    source = tmp_path / "six.wav"
    subprocess.run(["espeak-ng", "-v", "mb-us1", "-w", str(source), "six"], check=True, capture_output=True)
    audio, rate = soundfile.read(source, dtype="float32")
    real = fsdd_audio(320)  # 8_george_0: 61 second differences measured clean

    def through(audio, rate, mode):
        path = written(tmp_path, f"{mode}.3gp", encoded(soxr.resample(audio, rate, 8000), 8000, mode, "3gp", "amr_nb"))
        return jitter(to_speech_rate(*load_recording(path)))[0]

    for mode, kept in ((4750, True), (5900, False), (6700, True)):
        synthesised = through(audio, rate, mode)  # None at 5.9: too few steady cycles left to measure
        assert (synthesised is not None and synthesised < PLAUSIBLE_PERCENT) == kept, mode
        assert through(real, 8000, mode) > 3 * PLAUSIBLE_PERCENT, mode


def test_under_aac_repeated_cycle_stands_aside_and_mel_inversion_is_recalibrated(fsdd_channel):
    from engine.detectors.channels import StandAside

    detectors, note = fsdd_channel(("audio", "AAC", None, None, None), few=True)
    found = {d.name: d for d in detectors}
    assert isinstance(found["repeated-cycle"], StandAside)  # AAC re-synthesises the waveform: no exact repeat left
    assert not isinstance(found["mel-inversion"], StandAside)  # Griffin-Lim's smooth band survives AAC
    assert "codec AAC" in note
