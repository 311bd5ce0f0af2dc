"""The mel-inversion detector (engine/detectors/mel_inversion.py): Griffin-Lim inversion of a mel
spectrogram leaves the 2-3.8 kHz spectrum smoother than any recording's. Real FSDD takes, their
Griffin-Lim copies made as the product's zoo makes them (mel power, pseudo-inverse, Griffin-Lim at
n_fft 1024 and hop 160) and by librosa at another resolution, and a case on the 400 embedded FSDD recordings."""
import numpy as np
import pytest
import soundfile

from engine import case_workflows
from engine.data import representations
from engine.data.builtins import corpus_files
from engine.detectors import channels, suite
from engine.detectors.channel_keys import OPUS_INVERSION, VORBIS_QUALITY
from engine.detectors.channel_losses import OPUS_INVERSION_MIN, VORBIS_INVERSION_MIN
from engine.detectors.channels import StandAside
from engine.detectors.mel_inversion import PLAUSIBLE_DB, MelInversion, inversion_scores, roughness
from engine.verdict import judge
from tests.conftest import kept_few
from training.speech_fakes import griffin_lim

TAKES = (3, 45, 107, 152, 208, 261, 318, 377)  # spread over the four speakers and the digits


def read(path):
    audio, rate = soundfile.read(path, dtype="float64")
    assert rate == representations.SPEECH_RATE
    return audio


def inverted(audio):
    """The recording's 64-band mel power taken back to linear frequency and inverted by Griffin-Lim, as the zoo's
    griffin-lim family does (engine/zoo/families.py), without its smoothing."""
    basis = representations.mel_filterbank().astype(np.float64)
    power = np.maximum(np.linalg.pinv(basis) @ representations.mel_power(audio).astype(np.float64), 0.0)
    return griffin_lim(np.sqrt(power), representations.N_FFT, representations.HOP, iterations=32).astype(np.float64)


def librosa_inverted(audio, n_fft, hop):
    """librosa's mel_to_audio of the recording's 64-band mel power at another STFT resolution."""
    import librosa

    rate = representations.SPEECH_RATE
    mel = librosa.feature.melspectrogram(y=audio, sr=rate, n_fft=n_fft, hop_length=hop, n_mels=64, fmax=rate / 2)
    return librosa.feature.inverse.mel_to_audio(mel, sr=rate, n_fft=n_fft, hop_length=hop, fmax=rate / 2, n_iter=32)


@pytest.fixture(scope="module")
def takes():
    return [read(corpus_files("fsdd")[k]) for k in TAKES]


def test_griffin_lim_copies_score_and_the_recordings_do_not(takes):
    assert np.all(inversion_scores(takes) == 0)
    copies = [inverted(audio) for audio in takes]
    assert np.all(inversion_scores(copies) > 0)
    assert all(roughness(copy)[1] == representations.N_FFT for copy in copies)  # read at the inversion's n_fft


def test_an_inversion_at_another_resolution_is_read_at_its_own(takes):
    copy = librosa_inverted(takes[0], 2048, 256)
    value, n_fft = roughness(copy)
    assert n_fft == 2048 and value < PLAUSIBLE_DB


def test_gain_and_silence_leave_it_alone(takes):
    assert roughness(takes[1] * 0.01)[0] == pytest.approx(roughness(takes[1])[0], abs=1e-6)
    assert inversion_scores([np.zeros(4000), None]).tolist() == [0.0, 0.0]


def test_a_griffin_lim_copy_is_labelled_generated_by_it_and_channels_make_it_stand_aside(fsdd_case, fsdd_channel,
                                                                                         tmp_path, takes):
    path = tmp_path / "inverted.wav"
    soundfile.write(str(path), inverted(takes[2]), representations.SPEECH_RATE, subtype="PCM_16")
    result = judge(fsdd_case, [str(path), corpus_files("fsdd")[TAKES[2]]])
    generated, genuine = result["files"]
    entry = generated["detectors"]["mel-inversion"]
    assert generated["label"] == "generated" and entry["tail_probability"] <= 0.01 * entry["weight"]
    assert any(r.startswith("mel-inversion:") and "Griffin-Lim" in r for r in generated["reasons"])
    assert genuine["detectors"]["mel-inversion"]["score"] == 0 and genuine["label"] != "generated"

    for key, aside in ((("audio", "GSM610", None, None, None), True), (("audio", "OPUS", None, None, None), True),
                       (("audio", None, None, 3400, None), True), (("audio", "ULAW", None, None, None), False)):
        found = [d for d in fsdd_channel(key, few=True)[0] if d.name == "mel-inversion"]
        assert len(found) == 1 and isinstance(found[0], StandAside) == aside, key


def test_under_opus_and_vorbis_it_is_kept_from_the_bitrate_read_and_the_calibration_is_the_channels_own(
        fsdd_channel, fsdd_case_template):
    below = ("audio", "OPUS", None, None, None)
    above = below + ((OPUS_INVERSION, OPUS_INVERSION_MIN),)
    (aside,) = [d for d in fsdd_channel(below, few=True)[0] if d.name == "mel-inversion"]
    assert isinstance(aside, StandAside) and f"packets carry {OPUS_INVERSION_MIN // 1000} kbit/s" in aside.why
    (kept,) = [d for d in fsdd_channel(above, few=True)[0] if d.name == "mel-inversion"]
    assert not isinstance(kept, StandAside)
    vorbis = ("audio", "VORBIS", None, None, None)
    for quality, aside in ((VORBIS_INVERSION_MIN - 1, True), (VORBIS_INVERSION_MIN, False)):
        (found,) = [d for d in fsdd_channel(vorbis + ((VORBIS_QUALITY, quality),), few=True)[0]
                    if d.name == "mel-inversion"]
        assert isinstance(found, StandAside) == aside, quality
        assert not aside or f"kept from quality {VORBIS_INVERSION_MIN}" in found.why
    # the part decides the stand-aside only: the store is asked for the key without it, whose arrays are reused
    asked = []

    class Store:
        def calibration(self, key, agc, compute):
            asked.append(key)
            return compute()

    with case_workflows.open_case(fsdd_case_template) as case:
        profile = kept_few(case.profile())
    channels.channel_detectors(suite.profile_detectors(profile), profile, above, store=Store())
    assert asked == [below]


def test_a_profile_made_before_it_has_no_mel_inversion(fsdd_case):
    with case_workflows.open_case(fsdd_case) as case:
        profile = dict(case.profile())
    assert MelInversion.present(profile)
    del profile["cal_mel_inversion"]
    assert not MelInversion.present(profile)
    assert "mel-inversion" not in [d.name for d in suite.profile_detectors(profile)]


def test_the_bounds_share_one_weight_clean_and_through_a_channel(fsdd_case, fsdd_channel):
    # noise-floor, cycle-jitter and mel-inversion: each passed by no kept recording, one union test; a
    # fourth floor weight had left noise-floor none in this 400-recording case
    from engine.report.case_part import CasePart
    from engine.report.pdf import Document

    with case_workflows.open_case(fsdd_case) as case:
        profile = case.profile()
        rows = CasePart(Document("t", "A. Analyst", "s"), case, "A. Analyst", 0.01, "today", False).method_rows()
    bounds = ("noise-floor", "cycle-jitter", "mel-inversion")
    for key in (None, ("audio", "ULAW", None, None, None)):
        detectors = suite.profile_detectors(profile) if key is None else fsdd_channel(key)[0]
        weights = dict(zip([d.name for d in detectors], suite.weights(detectors, 0.01)))
        shared = {weights[name] for name in bounds}
        assert len(shared) == 1 and shared.pop() * 0.01 >= 1 / 401, key
        assert sum(w for name, w in weights.items() if name not in bounds[1:]) == pytest.approx(1, abs=1e-6)
    row = next(r for r in rows if r[0] == "mel-inversion")
    assert "one union with noise-floor, cycle-jitter, sharing its weight" in row[1]
