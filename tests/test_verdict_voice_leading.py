"""The voice-leading detector (engine/detectors/voice_leading.py): its statistics on rolls written
by hand, a few real chorales against per-voice chains and a block-chord harmoniser
(tests/synthetic_voices.py), and the invariances it claims (transposition, velocity, tempo,
MIDI resolution)."""
import numpy as np
import pytest

from engine.data.builtins import corpus_files
from engine.data.specs import load_spec
from engine.detectors import suite, voice_leading
from engine.detectors.profile import cross_fitted, item_groups
from engine.detectors.quarter_grid import sampled
from tests import synthetic_music, synthetic_voices
from tests.detector_checks import judged
from tests.music_invariances import (assert_tempo_and_resolution_change_nothing,
                                     assert_transposition_and_velocity_change_nothing)

PARALLELS, NON_CHORD, LONG_DISSONANCE, METRIC, STRAY, AT_ONCE, THIN = range(7)


def roll_of(chords, length=4, steps=None):
    """A boolean roll holding each chord (a list of MIDI pitches) for `length` steps in turn."""
    roll = np.zeros((128, steps or length * len(chords)), dtype=bool)
    for k, chord in enumerate(chords):
        roll[list(chord), k * length:(k + 1) * length] = True
    return roll


def test_parallel_fifths_and_octaves_are_counted_and_contrary_motion_is_not():
    parallel = voice_leading.statistics_of(roll_of([(48, 55, 64, 72), (50, 57, 65, 74)]))
    # bass-tenor a fifth, bass-soprano two octaves, both moving up by a tone: two parallels in one transition
    assert parallel[PARALLELS] == 2
    contrary = voice_leading.statistics_of(roll_of([(48, 55, 64, 72), (53, 57, 65, 69)]))
    assert contrary[PARALLELS] == 0


def test_parallels_out_of_a_chord_held_a_half_note_are_not_counted_where_the_profile_says_so(profile):
    """A new phrase after a fermata may start with every voice a fourth higher (bwv353): not a fault there; the same
    move out of a quarter-note chord is; a profile made before counts both."""
    phrase = [(50, 54, 62, 69), (55, 59, 67, 74), (55, 59, 67, 74)]  # D major, then every voice up a fourth
    fermata = np.concatenate([roll_of(phrase[:1], length=voice_leading.PHRASE_END), roll_of(phrase[1:], length=28)],
                             axis=1)
    quarter = roll_of(phrase)
    assert voice_leading.statistics_of(fermata, phrase_ends=True)[PARALLELS] == 0
    assert voice_leading.statistics_of(quarter, phrase_ends=True)[PARALLELS] == 3  # three pairs in one transition
    assert voice_leading.statistics_of(fermata)[PARALLELS] == 3
    assert voice_leading.VoiceLeading(profile).phrase_ends
    older = voice_leading.VoiceLeading({k: v for k, v in profile.items() if k != "voice_leading_phrase_ends"})
    batch = suite.Batch(*synthetic_music.as_batch([fermata]))
    assert older.scores(batch)[0] > voice_leading.VoiceLeading(profile).scores(batch)[0]
    assert "a phrase's end" in voice_leading.VoiceLeading(profile).reason(batch, 0, 1.0, 0.5)
    assert "a phrase's end" not in older.reason(batch, 0, 1.0, 0.5)


def test_non_chord_beats_and_long_dissonance():
    wide = voice_leading.statistics_of(roll_of([(48, 55, 60, 79)] * 4))  # a C major chord, however spaced
    assert wide[NON_CHORD] == 0 and wide[LONG_DISSONANCE] == 0
    cluster = voice_leading.statistics_of(roll_of([(48, 60, 61, 62)] * 4))  # C, C#, D held: no chord holds them
    assert cluster[NON_CHORD] == 1 and cluster[LONG_DISSONANCE] == 1
    passing = roll_of([(48, 55, 64, 72)] * 4)
    passing[74, 2] = True  # a sixteenth-note passing tone off the beat is no dissonance on a beat
    assert voice_leading.statistics_of(passing)[NON_CHORD] == 0


def test_long_notes_off_one_position_in_the_bar_raise_the_metric_statistic():
    steady = roll_of([(48, 55, 64, 72), (53, 57, 65, 69)] * 4, length=8)  # half notes on beats 1 and 3
    assert voice_leading.statistics_of(steady)[METRIC] == 0
    shifted = np.concatenate([roll_of([(43, 59, 62, 67)], length=4), steady], axis=1)  # every half note now on 2 and 4
    assert voice_leading.statistics_of(shifted)[METRIC] == 0  # a pickup moves the bar, not the regularity
    drifting = np.concatenate([steady[:, :32], roll_of([(50, 57, 65, 74)], length=4), steady[:, 32:]], axis=1)
    assert voice_leading.statistics_of(drifting)[METRIC] > 0.3


def test_a_stray_pitch_off_the_chord_is_counted_and_voices_meeting_on_a_pitch_are_not():
    stray = voice_leading.statistics_of(roll_of([(48, 55, 64, 72), (48, 55, 61, 64, 72), (48, 55, 64, 72)]))
    assert stray[STRAY] == pytest.approx(0.5)  # C# added, then dropped back to the C major chord: one of two
    meeting = voice_leading.statistics_of(roll_of([(48, 55, 64, 72), (48, 60, 64), (43, 55, 62, 71)]))
    assert meeting[STRAY] == 0  # tenor and alto meet on c', still C major; then a G major chord in four
    held = voice_leading.statistics_of(roll_of([(48, 55, 61, 64, 72), (48, 55, 61, 64, 72)]))
    assert held[STRAY] == 0  # a cluster held without a change in the number of pitches is non-chord beats' matter


def test_stray_pitches_read_the_same_at_any_time_scale():
    rng = np.random.default_rng(0)
    frames = rng.random((128, 24)) < 0.04  # a pitch drawn on its own in each quarter frame
    roll = np.repeat(frames, 4, axis=1)
    slower = np.repeat(frames, 8, axis=1)  # the same frames read at twice their quarters
    assert voice_leading.statistics_of(roll)[STRAY] > 0.3
    assert voice_leading.statistics_of(slower)[STRAY] == pytest.approx(voice_leading.statistics_of(roll)[STRAY])


@pytest.fixture(scope="module")
def profile():
    ref = load_spec("builtin:bach[0:60]")
    groups, n = item_groups(ref.items, ref.n)
    return voice_leading.VoiceLeading.fit(ref, groups, n, cross_fitted)


@pytest.fixture(scope="module")
def detector(profile):
    return voice_leading.VoiceLeading(profile)



def test_real_chorales_pass_and_per_voice_chains_and_block_chords_are_flagged(detector):
    held = load_spec("builtin:bach[300:320]")
    held_groups, _ = item_groups(held.items, held.n)
    _, _, p_real = judged(detector, held.x, held_groups)
    assert np.count_nonzero(p_real > 0.05) >= 18, p_real  # 20 held-out chorales
    voices = synthetic_voices.read_voices(corpus_files("bach")[:60])
    batch, scores, p_chain = judged(detector, *synthetic_music.as_batch(synthetic_voices.voice_chain(voices, 2, 20)))
    assert np.count_nonzero(p_chain <= 0.05) >= 18, p_chain  # a 60-chorale reference: a wide calibrated tail
    worst = int(np.argmax(scores))
    reason = detector.reason(batch, worst, scores[worst], p_chain[worst])
    assert reason.startswith("voice-leading: furthest from the reference in ") and "parallel fifths or octaves" in reason
    _, _, p_block = judged(detector, *synthetic_music.as_batch(synthetic_voices.harmonised_melody(voices, 1, 20)))
    assert np.count_nonzero(p_block <= 0.05) >= 15, p_block


def test_pitches_drawn_on_their_own_stray_more_than_any_held_out_chorale():
    # a frame model's Bernoulli per pitch, imitated: each quarter chord of a held-out chorale loses each pitch at
    # 20 % and gains one at 50 %, drawn at random near it (the JSB LSTM strays on 17-53 % of its chords)
    held = load_spec("builtin:bach[300:320]")
    rolls = synthetic_music.file_rolls(held.x, item_groups(held.items, held.n)[0])
    rng = np.random.default_rng(1)
    drawn = []
    for roll in rolls:
        frames = roll[:, ::4] & (rng.random((128, roll.shape[1] // 4)) > 0.2)
        for t in np.flatnonzero(rng.random(frames.shape[1]) < 0.5):
            frames[int(rng.integers(55, 80)), t] = True
        drawn.append(np.repeat(frames, 4, axis=1))
    real = voice_leading.roll_statistics(rolls)[:, STRAY]
    assert real.max() < 0.2 and np.median(real) < 0.05
    assert voice_leading.roll_statistics(drawn)[:, STRAY].min() > real.max()


def test_voices_leaving_three_at_once_are_counted_and_one_or_two_are_not():
    # C major in four, the tenor and alto resting (two at once), back to four, then three voices dropping inside a
    # chord (only the bass left) and coming back: two of four transitions change by three
    roll = roll_of([(48, 55, 64, 72), (48, 72), (48, 55, 64, 72), (48,), (48, 55, 64, 72)])
    assert voice_leading.statistics_of(roll)[AT_ONCE] == pytest.approx(0.5)
    assert voice_leading.statistics_of(roll)[STRAY] == 0  # every sonority fits the chord: stray pitches is blind
    alternating = roll_of([(36,), (48, 55, 64)] * 6)  # a keyboard figure: one pitch, then three (bwv846 sampled)
    assert voice_leading.statistics_of(alternating)[AT_ONCE] == 0
    slower = np.repeat(roll, 2, axis=1)
    assert voice_leading.statistics_of(slower)[AT_ONCE] == pytest.approx(0.5)


def test_time_sounding_fewer_than_four_pitches_is_counted_at_any_time_scale():
    # four voices, two meeting on one pitch (three sound) for a quarter, a rest of everything (not sounding), then a
    # voice dropped for two quarters: three of the six sounding quarters sound fewer than four
    roll = roll_of([(48, 55, 64, 72), (48, 60, 72), (), (48, 55, 64, 72), (48, 64, 72), (48, 64, 72), (48, 55, 64, 72)])
    assert voice_leading.statistics_of(roll)[THIN] == pytest.approx(3 / 6)
    assert voice_leading.statistics_of(np.repeat(roll, 2, axis=1))[THIN] == pytest.approx(3 / 6)
    full = roll_of([(48, 55, 64, 72), (43, 55, 62, 71, 74)])  # five pitches (an instrument above) is not thin
    assert voice_leading.statistics_of(full)[THIN] == 0


def test_voices_dropped_one_at_a_time_sound_thinner_than_any_held_out_chorale_on_the_quarter_grid():
    # a Transformer over JSB's quarter chords drops voices inside the chord, one or two at a time (voices at once
    # and stray pitches blind to it): each quarter chord of a held-out chorale, sampled, loses each pitch at 20 %
    held = load_spec("builtin:bach[300:320]")
    rolls = [sampled(r) for r in synthetic_music.file_rolls(held.x, item_groups(held.items, held.n)[0])]
    rng = np.random.default_rng(2)
    drawn = [np.repeat(r[:, ::4] & (rng.random((128, r.shape[1] // 4)) > 0.2), 4, axis=1)[:, :r.shape[1]]
             for r in rolls]
    real = voice_leading.roll_statistics(rolls)[:, THIN]
    assert np.median(real) < 0.2
    assert voice_leading.roll_statistics(drawn)[:, THIN].min() > real.max()


def test_a_profile_holding_every_statistic_caps_each_excess(detector):
    """One rule broken as no chorale does weighs at most CAP squared; an older profile's sum stays uncapped."""
    assert len(detector.centre) == detector.shares == 7 and f"capped at {voice_leading.CAP:g}" in detector.method
    stats = np.array(detector.centre)[None].repeat(2, axis=0)
    stats[0, THIN] = detector.centre[THIN] + 100 * detector.spread[THIN]  # one rule, far past the cap
    stats[1, [STRAY, AT_ONCE, THIN]] += 5 * detector.spread[[STRAY, AT_ONCE, THIN]]  # three rules, each within it
    capped = voice_leading.combined(stats, detector.centre, detector.spread)
    assert capped == pytest.approx([voice_leading.CAP ** 2, 75])
    six = voice_leading.combined(stats, detector.centre[:6], detector.spread[:6])
    stats[0, AT_ONCE] = detector.centre[AT_ONCE] + 100 * detector.spread[AT_ONCE]
    assert voice_leading.combined(stats, detector.centre[:6], detector.spread[:6])[0] == pytest.approx(1e4)
    assert six[1] == pytest.approx(50)


@pytest.mark.parametrize("held, words", [(4, "four"), (5, "five"), (6, "six")])
def test_a_profile_made_before_a_statistic_was_added_is_judged_on_those_it_holds(detector, held, words):
    batch_x = load_spec("builtin:bach[300:306]")
    groups, _ = item_groups(batch_x.items, batch_x.n)
    batch = suite.Batch(batch_x.x, groups)
    older = voice_leading.VoiceLeading({"voice_leading_centre": detector.centre[:held],
                                        "voice_leading_spread": detector.spread[:held],
                                        "cal_voice_leading": detector.tail["sorted"]})
    stats = voice_leading.file_statistics(batch_x.x, groups)[:, :held]
    expected = (np.maximum((stats - detector.centre[:held]) / detector.spread[:held], 0) ** 2).sum(axis=1)
    assert np.allclose(older.scores(batch), expected)
    assert f"{words} part-writing statistics" in older.method and "seven" in detector.method
    reason = older.reason(batch, 0, float(older.scores(batch)[0]), 0.5)
    assert ("three or more" in older.method + reason) == (held == 6)
    assert ("another number of pitches" in reason) == (held >= 5)
    assert "fewer than four" not in older.method + reason and "capped" not in older.method
    assert older.shares == held and detector.shares == len(voice_leading.STATISTICS)


def test_voice_leading_takes_one_share_per_statistic_in_the_combination(detector):
    """Seven part-writing rules in one score weigh as seven detectors would (calibration.share_weights)."""
    from engine.detectors.tonality import Tonality

    class Other:  # a one-statistic detector with a fitted tail
        tail, shares = detector.tail, 1

    tonality = object.__new__(Tonality)
    tonality.tail = detector.tail
    weights = suite.weights([detector, tonality, Other(), Other()], 0.01)
    assert np.allclose(weights, np.array([7, 3, 1, 1]) / 12)


def test_scores_do_not_change_with_transposition_or_velocity(detector):
    held = load_spec("builtin:bach[300:306]")
    groups, _ = item_groups(held.items, held.n)
    voices = synthetic_voices.read_voices(corpus_files("bach")[:20])
    x, groups = synthetic_music.as_batch(synthetic_music.file_rolls(held.x, groups)
                                         + synthetic_voices.voice_chain(voices, 1, 4))
    assert_transposition_and_velocity_change_nothing(detector, x, groups)


def test_tempo_and_resolution_change_nothing(detector, tmp_path):
    assert_tempo_and_resolution_change_nothing(detector, tmp_path)


@pytest.fixture(scope="module")
def with_copying(profile):
    """The profile with copying's index of the same reference, as `case new` writes it."""
    from engine.detectors.copying import Copying

    ref = load_spec("builtin:bach[0:60]")
    groups, n = item_groups(ref.items, ref.n)
    return {**profile, **Copying.fit(ref, groups, n, cross_fitted)}, synthetic_music.file_rolls(ref.x, groups)


def test_a_verbatim_excerpt_of_a_reference_piece_stands_aside_and_a_model_s_file_does_not(with_copying):
    from types import SimpleNamespace

    profile, pieces = with_copying
    detector = voice_leading.VoiceLeading(profile)

    def judged_at_all(d, roll):
        return d.informative(SimpleNamespace(x=synthetic_music.as_batch([roll])[0], meta={}))

    piece = next(r for r in pieces if r.shape[1] >= 4 * 64)
    excerpt = piece[:, 64:192]  # eight bars from its fifth: that piece's notes, which the reference holds
    assert not judged_at_all(detector, excerpt)
    assert not judged_at_all(voice_leading.VoiceLeading.on_quarter_grid(profile), excerpt)
    batch, scores, p = judged(detector, *synthetic_music.as_batch([excerpt]))
    assert detector.reason(batch, 0, scores[0], p[0]).startswith(
        "voice-leading: stands aside: the file is a verbatim excerpt of reference piece ")
    held = load_spec("builtin:bach[300:306]")
    held_rolls = synthetic_music.file_rolls(held.x, item_groups(held.items, held.n)[0])
    assert all(judged_at_all(detector, r[:, :128]) for r in held_rolls)  # pieces the reference lacks are judged
    voices = synthetic_voices.read_voices(corpus_files("bach")[:60])
    chains = synthetic_voices.voice_chain(voices, 2, 5)
    assert all(judged_at_all(detector, r) for r in chains)
    # a profile made before the flag judges every file
    older = {k: v for k, v in profile.items() if k != "voice_leading_excerpts"}
    assert judged_at_all(voice_leading.VoiceLeading(older), excerpt)


def test_a_chorale_with_instruments_is_judged_on_its_choir_too_where_the_profile_says_so(profile):
    import os

    from engine.data.loaders import load_path

    samples = load_path(os.path.join(os.path.dirname(__file__), "..", "resources", "bach", "bwv79.3.mid"))
    batch = suite.Batch(samples.x, np.zeros(samples.n, dtype=np.int64))
    detector = voice_leading.VoiceLeading(profile)
    written = detector.scores(batch)[0]  # no choir read apart: all parts
    batch.choir = [samples.choir]
    both = detector.scores(batch)[0]
    assert both < written / 3, (both, written)  # horns over a resting choir read as a fifth voice
    reason = detector.reason(batch, 0, both, 0.5)
    assert "its other parts: Horn 1, Horn 2, Timpani, Continuo), the lower score applying: its choir;" in reason
    older = voice_leading.VoiceLeading({k: v for k, v in profile.items() if k != "voice_leading_choir"})
    assert older.scores(batch)[0] == written  # a profile made before reads all parts alone
    assert "choir" not in older.reason(batch, 0, written, 0.5)


def test_a_short_file_s_shares_are_drawn_towards_the_reference_s_rate_by_their_events(profile):
    """The same parallels per transition in 13 transitions and in 69: the short file's share is drawn further towards
    the reference's pooled rate; a profile made before reads the shares as they are (fifty-sixth pass)."""
    a, parallel, b = (48, 55, 64, 72), (50, 57, 65, 74), (53, 57, 65, 69)
    short = roll_of([a, parallel, a, b, a, b, a, parallel, a, b, a, b, a, b])
    long = np.concatenate([short] * 5, axis=1)
    (raw_short, events_short), (raw_long, events_long) = (voice_leading.counted_statistics(r, True)
                                                          for r in (short, long))
    assert events_short[PARALLELS] == 13 and events_long[PARALLELS] == 69
    assert raw_short[PARALLELS] == pytest.approx(raw_long[PARALLELS], abs=0.05)
    none = np.zeros(len(voice_leading.STATISTICS))
    drawn_short = voice_leading.shrunk(raw_short, events_short, none)[PARALLELS]
    drawn_long = voice_leading.shrunk(raw_long, events_long, none)[PARALLELS]
    assert drawn_short < 0.7 * raw_short[PARALLELS] and drawn_short < drawn_long < raw_long[PARALLELS]
    assert drawn_long > 0.85 * raw_long[PARALLELS]

    pooled = profile["voice_leading_pooled"]
    assert pooled.shape == (len(voice_leading.STATISTICS),) and np.all((pooled >= 0) & (pooled <= 1))
    detector = voice_leading.VoiceLeading(profile)
    expected = voice_leading.combined(voice_leading.shrunk(raw_short, events_short, pooled)[None], detector.centre,
                                      detector.spread)[0]
    assert detector.roll_score(short) == pytest.approx(expected)
    older = voice_leading.VoiceLeading({k: v for k, v in profile.items()
                                        if k not in ("voice_leading_pooled", "voice_leading_quarter_pooled")})
    assert older.pooled is None
    assert older.roll_score(short) == pytest.approx(
        voice_leading.combined(raw_short[None], older.centre, older.spread)[0])
    quarter = voice_leading.VoiceLeading.on_quarter_grid(profile)
    assert np.array_equal(quarter.pooled, profile["voice_leading_quarter_pooled"])
    patch = np.zeros((128, 64), dtype=bool)  # one 4-bar patch, the file's last bar silent
    patch[:, :short.shape[1]] = short
    batch = suite.Batch(*synthetic_music.as_batch([patch.astype(np.float32)]))
    assert "over 13 transitions" in detector.reason(batch, 0, 1.0, 0.5)
