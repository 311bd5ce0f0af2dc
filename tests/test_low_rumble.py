"""Speech under a low rumble (engine/detectors/low_rumble.py): where a recording's floor below 500 Hz lies above the
reference recordings' median there and WALL_DB or more above its floor at 500-1000 Hz, synthetic-voice judges the
recording high-passed, calibrated on the reference recordings high-passed alike."""
import numpy as np

from engine.detectors import aside_marks, far_field, low_rumble
from engine.detectors.channel_keys import channel_key
from engine.detectors.channels import StandAside, channel_detectors
from engine.detectors.synthetic_voice import VOICED_KEY, voice_scores
from tests.test_far_field import Named

RATE = 8000
# the reference's median, 99th and 90th percentile floors per band (0-500, 500-1000, 1000-2000, 2000-4000 Hz) and,
# last, of the broadband floor
GATE = np.array([[-29.0, -40.0, -41.0, -42.0, -45.0],
                 [-12.0, -24.0, -23.0, -21.0, -27.5],
                 [-17.0, -30.0, -31.0, -25.0, -34.0]])
PCM = {"subtype": "PCM_16", "native_sample_rate": 8000, "lossy": False, "bandwidth_hz": 4000}
RUMBLE = (low_rumble.LOW_RUMBLE, -29.0, low_rumble.LOW_CUT_HZ)


def key(levels, gate=GATE, **channel):
    return channel_key({"channel": {**PCM, **channel, "noise_db": list(levels)}}, gate)


def vowel(seconds, rng, f0=120.0):
    """A voiced sound: harmonics of f0 to 3.5 kHz, falling 6 dB per octave, with a little vibrato."""
    t = np.arange(int(seconds * RATE)) / RATE
    phase = 2 * np.pi * np.cumsum(f0 * (1 + 0.02 * np.sin(2 * np.pi * 5 * t))) / RATE
    return sum(np.sin(k * phase + rng.uniform(0, 6.3)) / k for k in range(1, int(3500 / f0)))


def rumble(n, rng, corner_hz=200.0):
    """Gaussian noise with nothing above `corner_hz`."""
    spectrum = np.fft.rfft(rng.normal(size=n))
    spectrum[np.fft.rfftfreq(n, 1 / RATE) > corner_hz] = 0
    return np.fft.irfft(spectrum, n)


def profile_of(recordings):
    """The profile arrays a speech case keeps of its reference recordings (profile.reference_audio reads them)."""
    bounds = np.concatenate([[0], np.cumsum([r.size for r in recordings])])
    return {"ref_audio": np.concatenate(recordings).astype(np.float32), "ref_audio_bounds": bounds,
            "ref_audio_group": np.arange(len(recordings))}


def test_a_low_rumble_is_read_where_the_floor_below_500_hz_lies_above_the_references_median_behind_a_wall():
    assert key([-31.0, -50.0, -50.0, -50.0]) is None  # below the reference's median
    # pink-like: the band above within WALL_DB (its pauses' noise read instead: tests/test_noisy_pauses.py)
    assert aside_marks.last(key([-22.0, -31.0, -33.0, -36.0])) != low_rumble.LOW_RUMBLE
    assert aside_marks.last(key([-24.0, -34.0, -50.0, -50.0])) == low_rumble.LOW_RUMBLE  # WALL_DB exactly
    vehicle = key([-14.0, -55.0, -60.0, -60.0])  # high below 500 Hz, nothing above
    assert vehicle == ("audio", None, None, None, None, RUMBLE)
    assert aside_marks.last(vehicle) == low_rumble.LOW_RUMBLE and aside_marks.unmarked(vehicle) is None
    loud = key([-8.0, -50.0, -50.0, -50.0])  # above the added-noise gate too: the noise channel's key, then the part
    assert loud[:5] == ("audio", None, None, None, (-6, None, None, None)) and loud[5] == RUMBLE
    assert aside_marks.unmarked(loud) == loud[:5]


def test_the_cutoff_rises_to_1000_hz_where_the_rumble_reaches_past_500_hz():
    assert key([-14.0, -41.0, -60.0, -60.0])[-1][2] == low_rumble.LOW_CUT_HZ  # at 500-1000 Hz below the median (-40)
    assert key([-14.0, -39.0, -60.0, -60.0])[-1][2] == low_rumble.HIGH_CUT_HZ  # above it


def test_a_low_rumble_under_far_field_noise_keeps_both_readings_far_field_last():
    both = key([-2.0, -14.0, -14.0, -14.0])
    assert both[5] == (low_rumble.LOW_RUMBLE, -29.0, low_rumble.HIGH_CUT_HZ)
    assert aside_marks.last(both) == far_field.FAR_FIELD
    assert aside_marks.last(aside_marks.unmarked(both)) == low_rumble.LOW_RUMBLE


def test_without_the_gate_or_a_floor_read_no_rumble_is_read():
    assert key([-6.0, -60.0, -60.0, -60.0], gate=None) is None
    assert channel_key({"channel": dict(PCM)}, GATE) is None


def test_the_high_pass_takes_the_rumble_off_and_keeps_the_speech_band():
    t = np.arange(RATE) / RATE
    low, high = np.sin(2 * np.pi * 100 * t), np.sin(2 * np.pi * 1500 * t)
    middle = slice(RATE // 4, 3 * RATE // 4)  # (the filter's edges aside)
    assert np.mean(low_rumble.high_passed(low, 500)[middle] ** 2) < 1e-7 * np.mean(low[middle] ** 2)  # -70 dB
    assert np.mean(low_rumble.high_passed(low, 1000)[middle] ** 2) < 1e-7 * np.mean(low[middle] ** 2)
    kept = np.mean(low_rumble.high_passed(high, 500)[middle] ** 2) / np.mean(high[middle] ** 2)
    assert abs(10 * np.log10(kept)) < 0.1
    assert low_rumble.high_passed(None, 500) is None
    assert np.array_equal(low_rumble.high_passed(np.ones(5), 500), np.ones(5))  # too short to filter: as it is


def test_synthetic_voice_judges_high_passed_calibrated_on_the_reference_high_passed():
    rng = np.random.default_rng(1)
    reference = [np.concatenate([np.zeros(800), vowel(0.5, rng, f0), np.zeros(800)]) + 1e-3 * rng.normal(size=5600)
                 for f0 in (100.0, 120.0, 150.0, 180.0)]
    detectors = [Named(name) for name in ("features", "noise-floor", "synthetic-voice")]
    asked, stored = [], []

    class Store:  # the case's channel store: the calibration asked for under the whole key, computed once
        def calibration(self, k, agc, compute):
            stored.append((k, agc))
            return compute()

    def for_channel(k):  # as the verdict's cache: every key through channel_detectors, the plain channels stubbed
        if aside_marks.last(k) == low_rumble.LOW_RUMBLE:
            held = {**profile_of(reference), VOICED_KEY: np.linspace(-3.0, 3.0, 200)}  # a voiced reading's calibration
            return channel_detectors(detectors, held, k, for_channel=for_channel, store=Store())
        asked.append(k)
        return detectors, None if k is None else "channel added noise: ..."

    vehicle = key([-14.0, -55.0, -60.0, -60.0])
    out, note = for_channel(vehicle)
    assert asked == [None] and stored == [(vehicle, False)]
    assert type(out[0]) is StandAside and out[0].detector is detectors[0]  # features: the rumble fills the mel map
    assert out[1] is detectors[1] and isinstance(out[2], low_rumble.HighPassedVoice)
    assert out[2].name == "synthetic-voice" and out[2].cut_hz == 500
    expected = np.sort(voice_scores([low_rumble.high_passed(r.astype(np.float32), 500) for r in reference]))
    assert np.allclose(out[2].tail["sorted"], expected, atol=1e-6)  # (the profile keeps float32)
    assert out[2].voiced_tail is None  # the profile's voiced reading, calibrated unfiltered, is not read
    assert note == ("under a low rumble: synthetic-voice judges the recording high-passed at 500 Hz; features stands "
                    "aside")
    word = reference[1] + rumble(reference[1].size, rng)
    assert np.allclose(out[2].score_recordings([word]), voice_scores([low_rumble.high_passed(word, 500)]), atol=1e-9)
    assert "high-passed at 500 Hz" in out[2].method


def test_where_the_channel_sets_synthetic_voice_aside_it_stays_aside():
    detectors = [Named("features"), StandAside(Named("synthetic-voice"), "band-limited")]

    def for_channel(k):
        if aside_marks.last(k) == low_rumble.LOW_RUMBLE:
            return channel_detectors(detectors, {}, k, for_channel=for_channel)
        return detectors, "channel band-limited to 3000 Hz: ..."

    out, note = for_channel(key([-14.0, -55.0, -60.0, -60.0]))
    assert out[1] is detectors[1] and type(out[0]) is StandAside and out[0].detector is detectors[0]
    assert note == "channel band-limited to 3000 Hz: ...; under a low rumble: features stands aside"


def test_a_padded_word_under_a_rumble_is_not_read_as_continuous_speech():
    rng = np.random.default_rng(2)
    reference = [vowel(0.5, rng, f0) + 1e-3 * rng.normal(size=4000) for f0 in (100.0, 130.0, 160.0)]
    profile = {**profile_of(reference), "cal_synthetic_voice": np.linspace(-3.0, 3.0, 200)}
    voice = low_rumble.HighPassedVoice(profile, 500, -29.0)
    word = np.concatenate([np.zeros(8000), vowel(0.4, rng), np.zeros(8000)])
    noise = rumble(word.size, rng)
    word = word + 0.5 * noise * np.sqrt(np.mean(word ** 2) / np.mean(noise ** 2))
    word = word + 3e-3 * rng.normal(size=word.size)  # a recorder's floor above 1 kHz
    from engine.detectors.synthetic_voice import SyntheticVoice

    assert SyntheticVoice(profile).widened(word)  # the rumble alone counts as speech unfiltered
    assert not voice.widened(word)


def test_under_a_rumble_a_segment_of_rumble_alone_is_too_short_to_judge_as_the_high_passed_recording_shows():
    from engine.detectors.synthetic_voice import MIN_SEGMENT_FRAMES, SyntheticVoice, segment_speech_frames

    rng = np.random.default_rng(5)
    reference = [vowel(0.5, rng, f0) + 1e-3 * rng.normal(size=4000) for f0 in (100.0, 130.0, 160.0)]
    profile = {**profile_of(reference), "cal_synthetic_voice": np.linspace(-3.0, 3.0, 200)}
    voice = low_rumble.HighPassedVoice(profile, 500, -29.0)
    word = vowel(0.5, rng)
    noise = rumble(4000 + word.size, rng)
    clip = np.concatenate([np.zeros(4000), word]) + 0.5 * noise * np.sqrt(np.mean(word ** 2) / np.mean(noise ** 2))
    found = [clip[:4000], clip[4000:]]
    assert segment_speech_frames(clip, [4000])[0] >= MIN_SEGMENT_FRAMES  # unfiltered the rumble alone is speech
    scores = np.array([4.0, 1.0])
    assert voice.read_segments(clip, found, scores).tolist() == [0.0, 1.0]
    assert SyntheticVoice(profile).read_segments(clip, found, scores).tolist() == [4.0, 1.0]


def test_under_a_rumble_a_band_limit_puts_synthetic_voice_aside_even_for_a_synthesisers_floor():
    from engine.detectors.channels import VoiceAsideUnlessWritten

    voice = Named("synthetic-voice")
    detectors = [Named("features"), VoiceAsideUnlessWritten(voice, "band-limited")]

    def for_channel(k):
        if aside_marks.last(k) == low_rumble.LOW_RUMBLE:
            return channel_detectors(detectors, {}, k, for_channel=for_channel)
        return detectors, "channel band-limited to 3000 Hz: ..."

    out, _ = for_channel(key([-14.0, -55.0, -60.0, -60.0]))
    assert type(out[1]) is StandAside and out[1].detector is voice and out[1].why == "band-limited"


def test_under_a_rumble_features_stands_aside_and_says_why_where_it_spoke():
    """A rumble fills the lowest mel bands of every frame with faint cells (an overdriven recorder's command words):
    features stands aside with the reading's reason; where the channel already set it aside it keeps that reason."""
    detectors = [Named("features"), Named("checkerboard"), Named("noise-floor")]

    def for_channel(k):
        if aside_marks.last(k) == low_rumble.LOW_RUMBLE:
            return channel_detectors(detectors, {}, k, for_channel=for_channel)
        return detectors, None

    rumbling = key([-15.0, -32.0, -32.0, -36.0])
    assert aside_marks.last(rumbling) == low_rumble.LOW_RUMBLE
    out, note = for_channel(rumbling)
    assert type(out[0]) is StandAside and "rumble fills the lowest mel bands" in out[0].why
    assert out[1:] == detectors[1:]  # checkerboard and the waveform detectors still judge
    assert note == "under a low rumble: features stands aside"
    already = [StandAside(Named("features"), "AMR-NB"), Named("noise-floor")]
    out, _ = channel_detectors(already, {}, rumbling, for_channel=lambda k: (already, None))
    assert out[0] is already[0] and out[0].why == "AMR-NB"
    plain = key([-35.0, -50.0, -55.0, -60.0])  # no wall between the bands: no rumble, features judges
    assert aside_marks.last(plain) != low_rumble.LOW_RUMBLE
