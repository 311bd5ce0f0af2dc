"""What a channel costs the detectors, as the report's limitations and `case validate` say it
(engine/detectors/channel_limits.py CHANNEL_LIMITS): each measured loss is named where a user reads it."""
from engine.detectors.channel_limits import CHANNEL_LIMITS
from engine.report.limitations import BLIND_SPOTS


def _entry(modality, words):
    found = [(channel, lost) for channel, lost in CHANNEL_LIMITS[modality] if all(w in channel for w in words)]
    assert len(found) == 1, f"one {modality} entry names {words}: {[c for c, _ in found]}"
    return found[0]


def test_every_entry_is_a_channel_and_what_it_costs_in_words():
    for modality, entries in CHANNEL_LIMITS.items():
        for channel, lost in entries:
            assert isinstance(channel, str) and isinstance(lost, str) and channel and lost, modality


def test_opus_24_and_vorbis_q2_name_the_voices_they_cost():
    channel, lost = _entry("speech", ("Opus 24 kbit/s", "Vorbis quality 2"))
    for voice in ("flite kal", "festival kal_diphone", "Griffin-Lim", "Pico", "espeak-ng"):
        assert voice in lost, voice
    for detector in ("lpc-lattice", "repeated-cycle", "mel-inversion"):  # the traits that stand aside there
        assert detector in lost, detector
    assert "weak evidence" in lost


def test_white_noise_at_10_db_names_the_far_field_reading_and_its_cost():
    _, lost = _entry("speech", ("far-field",))
    assert "white noise at 10 dB" in lost and "0 of 54 caught" in lost


def test_the_report_lists_the_speech_entries():
    text = " ".join(BLIND_SPOTS["speech"])
    channel, lost = _entry("speech", ("Opus 24 kbit/s",))
    assert f"{channel}: {lost}" in text


def test_opus_and_vorbis_say_from_which_bitrate_and_quality_mel_inversion_is_kept():
    from engine.detectors.channel_losses import OPUS_INVERSION_MIN, VORBIS_INVERSION_MIN

    channel, lost = _entry("speech", ("mel-inversion kept",))
    assert f"{OPUS_INVERSION_MIN // 1000} kbit/s" in channel and f"quality {VORBIS_INVERSION_MIN}" in channel
    assert "stands aside" in lost and "not read" in lost and "Griffin-Lim" in lost


def test_an_editors_clean_ups_name_the_traits_each_synthesiser_loses():
    for words in (("noise reduction", "afftdn"), ("band filter", "loudnorm")):
        channel, lost = _entry("speech", words)
        for voice in ("flite `kal`", "MBROLA", "festival", "espeak-ng", "pico2wave"):
            assert voice in lost, (words, voice)
        assert "lpc-lattice" in lost and "Real outside digits" in lost, words  # the trait lost; the real side
    _, lost = _entry("speech", ("noise reduction",))
    assert "repeated-cycle" in lost and "noise-floor" in lost


def test_the_channel_matrix_says_which_traits_each_channel_costs_synthesisers_and_real_clips():
    """The fifty-seventh pass's matrix: each channel names the detectors whose traits it erases, the real side's
    cost, and how far a label through it is evidence (docs/studies.md, "Synthesisers through the channel matrix")."""
    said = {("telephone's chain",): ("noise-floor", "pulse-grid", "repeated-cycle", "weak evidence"),
            ("GSM 06.10 (FFmpeg's libgsm",): ("pulse-grid", "repeated-cycle", "cycle-jitter", "real clips"),
            ("G.726 at 16 and 32",): ("repeated-cycle", "exact cycles of its own", "no evidence"),
            ("codec2",): ("vocoder", "real clips", "neither label is evidence"),
            ("Opus at 8 and 16",): ("pulse-grid", "repeated-cycle", "real clips"),
            ("MP3 at 8 kHz",): ("pulse-grid", "weak evidence"),
            ("8 kHz and back to 16 kHz",): ("every trait survives", "real clips"),
            ("white or pink noise at 20 or 30 dB",): ("noise-floor", "synthetic-voice", "repeated-cycle", "features"),
            ("loudnorm at its defaults",): ("pulse-grid", "192 kHz", "real clips")}
    for words, phrases in said.items():
        _, lost = _entry("speech", words)
        for phrase in phrases:
            assert phrase.lower() in lost.lower(), (words, phrase)


def test_noise_in_the_pauses_names_features_and_what_it_costs():
    channel, lost = _entry("speech", ("noise in a recording's pauses",))
    assert "median" in channel and "features stands aside" in lost and "noisy_pauses.py" in lost
    assert "synthesised phrases" in lost and "labels unchanged" in lost
