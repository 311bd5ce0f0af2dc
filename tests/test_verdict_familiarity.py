"""The familiarity detectors (engine/detectors/familiarity.py): a few real chorales against
first- and second-order chains over their chord events and over chords sliced every eighth or
quarter note (tests/synthetic_music.py), a reference piece replayed, profiles made before the
statistic's versions 2 and 3, and the invariances they claim."""
import numpy as np
import pytest

from engine.data.specs import load_spec
from engine.detectors import familiarity, suite, tunes
from engine.detectors.profile import cross_fitted, item_groups
from tests import synthetic_music
from tests.detector_checks import judged
from tests.music_invariances import (assert_tempo_and_resolution_change_nothing,
                                     assert_transposition_and_velocity_change_nothing)

BAR = synthetic_music.BAR


@pytest.fixture(scope="module")
def chorales():
    ref = load_spec("builtin:bach[0:120]")
    groups, n = item_groups(ref.items, ref.n)
    detector = familiarity.Familiarity(familiarity.Familiarity.fit(ref, groups, n, cross_fitted))
    sliced = familiarity.SliceFamiliarity(familiarity.SliceFamiliarity.fit(ref, groups, n, cross_fitted))
    held = load_spec("builtin:bach[300:320]")
    return detector, sliced, synthetic_music.file_rolls(ref.x, groups), (held.x, item_groups(held.items, held.n)[0])


@pytest.fixture(scope="module")
def pairs_profile():
    """A profile as `case new` made it before version 3: the chord-event pairs alone, version 2."""
    ref = load_spec("builtin:bach[0:120]")
    groups, n = item_groups(ref.items, ref.n)
    index, cal, _ = familiarity.fitted(ref, groups, n, (familiarity.PAIRS,))
    return {"modality": np.array("music"), "familiarity_hashes": index[0], "familiarity_sources": index[1],
            "familiarity_starts": index[2], "cal_familiarity": cal[:, 0], "familiarity_version": np.array(2)}


def test_held_out_chorales_pass_and_a_short_first_order_chain_is_flagged(chorales):
    detector, _, pieces, held = chorales
    _, _, p_real = judged(detector, *held)
    assert np.count_nonzero(p_real > 0.05) >= 18, p_real  # 20 held-out chorales
    chains = synthetic_music.chord_chain(pieces, 1, 20, steps=8 * BAR)
    batch, scores, p_chain = judged(detector, *synthetic_music.as_batch(chains))
    # version 1 (every pair counted, calibrated alike): 15 of these 20 at 1e-4, 13 at 1e-6
    assert np.count_nonzero(p_chain <= 1e-6) >= 19, p_chain
    worst = int(np.argmax(scores))
    reason = detector.reason(batch, worst, scores[worst], p_chain[worst])
    assert reason.startswith("familiarity: ") and "that its closest reference piece lacks occur" in reason


def test_a_chain_finds_every_pair_its_closest_piece_lacks_and_a_real_chorale_about_half(chorales):
    detector, _, pieces, held = chorales
    for roll in synthetic_music.chord_chain(pieces, 1, 5, steps=8 * BAR, seed=3):
        k, n, _ = familiarity.share_and_score(familiarity.grams_of(roll), detector.index)
        assert n >= 10 and k >= n - 1, (k, n)
    counts = [familiarity.share_and_score(familiarity.grams_of(r), detector.index)[:2]
              for r in synthetic_music.file_rolls(*held)]
    shares = [k / n for k, n in counts if n > 0]  # a chorale the reference holds twice has none left
    assert len(shares) >= 18 and 0.3 < np.median(shares) < 0.7, counts


def test_a_reference_piece_replayed_is_not_familiar_beyond_itself(chorales):
    detector, sliced, pieces, _ = chorales
    batch = synthetic_music.as_batch(pieces[10:14])
    for d in (detector, sliced):
        _, scores, p = judged(d, *batch)
        assert np.all(p > 0.05), (d.name, scores, p)


def test_profiles_made_before_version_3_load_and_judge_as_they_did(chorales, pairs_profile):
    detector, _, pieces, _ = chorales
    x, groups = synthetic_music.as_batch(synthetic_music.chord_chain(pieces, 1, 6, steps=8 * BAR))
    rolls = synthetic_music.file_rolls(x, groups)
    v1 = {key: value for key, value in pairs_profile.items() if key != "familiarity_version"}
    for version, profile in ((2, pairs_profile), (1, v1)):
        assert familiarity.Familiarity.present(profile)
        old = familiarity.Familiarity(profile)
        assert old.version == version and old.combination is None
        # the score of version 1 and 2: the pairs' signed squared logit, on the pairs' own calibration
        expected = [familiarity.share_and_score(familiarity.grams_of(r), old.index, version)[2] for r in rolls]
        _, scores, p = judged(old, x, groups)
        assert scores == pytest.approx(expected, rel=1e-12)
        tail = familiarity.calibration.tail_model(profile["cal_familiarity"])
        assert p == pytest.approx(familiarity.calibration.tail_probability(tail, expected), rel=1e-12)
        reason = old.reason(suite.Batch(x, groups), 0, scores[0], p[0])
        assert "sequences of three" not in old.method + reason and reason.startswith("familiarity: ")
    # version 1 counted every pair, which the pairs only the closest piece holds dilute
    assert np.all(judged(familiarity.Familiarity(v1), x, groups)[1] < judged(familiarity.Familiarity(pairs_profile), x, groups)[1])
    assert detector.version == familiarity.VERSION == 4
    assert not familiarity.Familiarity.present({"modality": np.array("music")})
    assert not familiarity.SliceFamiliarity.present(pairs_profile)


def test_a_second_order_chain_finds_every_triple_its_closest_piece_lacks_and_a_real_chorale_few(chorales):
    detector, _, pieces, held = chorales
    found = np.zeros(2, dtype=int)
    for roll in synthetic_music.chord_chain(pieces, 2, 10, steps=8 * BAR, seed=5):
        k, n, _ = familiarity.share_and_score(familiarity.grams_of(roll, familiarity.TRIPLES), detector.index)
        assert k >= n - 1, (k, n)  # an order-2 chain writes only triples of its corpus (the file's end cuts its last chord)
        found += (k, n)
    assert found[1] >= 30 and found[0] >= 0.95 * found[1], found
    counts = [familiarity.share_and_score(familiarity.grams_of(r, familiarity.TRIPLES), detector.index)[:2]
              for r in synthetic_music.file_rolls(*held)]
    shares = [k / n for k, n in counts if n > 0]
    assert len(shares) >= 18 and np.median(shares) < 0.4 and max(shares) < 0.8, counts


def test_the_triples_view_flags_chains_that_splice_pieces_where_pairs_say_nothing(chorales, pairs_profile):
    detector, _, pieces, held = chorales
    views = detector.combination
    chains = synthetic_music.chord_chain(pieces, 2, 40, steps=8 * BAR, seed=6)
    spliced = [r for r in chains if views.counts(r)[1][1] >= 8]  # a replay of one piece has no triple to count
    assert len(spliced) >= 10
    p = familiarity.calibration.tail_probability(views.tails[1], [views.counts(r)[1][2] for r in spliced])
    assert np.count_nonzero(p <= 1e-3) >= 0.9 * len(spliced), p
    real = [views.counts(r)[1][2] for r in synthetic_music.file_rolls(*held)]
    assert np.count_nonzero(familiarity.calibration.tail_probability(views.tails[1], real) > 0.01) >= 18
    # an order-3 chain whose pairs its closest piece all holds, but not its triples
    third = synthetic_music.chord_chain(pieces, 3, 60, steps=8 * BAR, seed=6)
    only_triples = [r for r in third if views.counts(r)[0][1] == 0 and views.counts(r)[1][1] >= 5]
    assert only_triples
    batch, scores, p = judged(detector, *synthetic_music.as_batch(only_triples))
    assert np.all(p <= 0.005) and np.all(judged(familiarity.Familiarity(pairs_profile), *synthetic_music.as_batch(
        only_triples))[2] > 0.05), p
    assert "sequences of three of successive chords that its closest reference piece lacks" in detector.reason(
        batch, 0, scores[0], p[0])


def test_chains_over_chords_sliced_every_eighth_or_quarter_note_are_flagged_by_slice_familiarity(chorales):
    detector, sliced, pieces, held = chorales
    _, _, p_real = judged(sliced, *held)
    assert np.count_nonzero(p_real > 0.05) >= 18, p_real
    for step, view in ((4, "quarter"), (2, "eighth")):
        chains = synthetic_music.sliced_chain(pieces, step, 10, seed=step)
        batch, scores, p = judged(sliced, *synthetic_music.as_batch(chains))
        assert np.count_nonzero(p <= 0.001) >= 9, (step, p)
        assert f"successive {view} notes" in sliced.reason(batch, 0, scores[0], p[0])
        # without the passing notes the chain's chord events are not the corpus'
        assert np.count_nonzero(judged(detector, *synthetic_music.as_batch(chains))[2] <= 0.001) <= 2


def test_each_detector_is_its_number_of_views_times_their_smallest_tail_probability(chorales):
    detector, sliced, pieces, _ = chorales
    rolls = synthetic_music.sliced_chain(pieces, 4, 3, seed=9) + synthetic_music.chord_chain(pieces, 2, 3, seed=9) + pieces[:3]
    x, groups = synthetic_music.as_batch(rolls)
    for d in (detector, sliced):
        _, scores, p = judged(d, x, groups)
        for g, roll in enumerate(rolls):
            views = d.combination
            view_p = [familiarity.calibration.tail_probability(t, [c[2]])[0] for t, c in zip(views.tails, views.counts(roll))]
            assert p[g] == pytest.approx(min(1.0, len(views.views) * min(view_p)), rel=1e-9)


# before the forty-sixth pass, and before the forty-eighth
UNTUNED = tuple(v._replace(tune=False, bridged=False) for v in familiarity.SliceFamiliarity.views)
UNBRIDGED = tuple(v._replace(bridged=False) for v in familiarity.SliceFamiliarity.views)


def sliced_before(views):
    """slice-familiarity as a profile made with `views` holds it: the tunes' index where a view sets the tune
    aside, no bridged flag."""
    ref = load_spec("builtin:bach[0:120]")
    groups, n = item_groups(ref.items, ref.n)
    index, cal, tune_index = familiarity.fitted(ref, groups, n, views)
    arrays = (*index, cal) + (tune_index if tune_index is not None else ())
    return familiarity.SliceFamiliarity(dict(zip(familiarity.SliceFamiliarity.arrays, arrays)))


@pytest.fixture(scope="module")
def pairs_only_sliced():
    """slice-familiarity as a profile made before the quarter-note triples holds it: pairs on eighths and quarters."""
    return sliced_before(UNTUNED[:2])


@pytest.fixture(scope="module")
def before_tunes():
    """slice-familiarity as a profile made before the quarter pairs set the file's tune aside holds it."""
    return sliced_before(UNTUNED)


def test_quarter_note_triples_flag_higher_order_chains_over_quarter_chords_in_a_large_reference():
    """The larger the reference, the more of a real chorale's quarter steps other pieces make (pairs' tails grow
    heavier) while its triples stay its own: in `bach[0:300]` a third-order chain over quarter chords is flagged
    by its triples, hardly by its pairs (in `bach[0:120]` the pairs flag as many)."""
    ref = load_spec("builtin:bach[0:300]")
    groups, n = item_groups(ref.items, ref.n)
    profile = familiarity.SliceFamiliarity.fit(ref, groups, n, cross_fitted)
    sliced = familiarity.SliceFamiliarity(profile)
    cal = profile["cal_slice_familiarity"]
    pairs_only = familiarity.SliceFamiliarity({**profile, "cal_slice_familiarity": cal[:, :2]})
    pieces = synthetic_music.file_rolls(ref.x, groups)[:240]
    x, groups = synthetic_music.as_batch(synthetic_music.sliced_chain(pieces, 4, 20, steps=8 * BAR, seed=7, order=3))
    batch, scores, p = judged(sliced, x, groups)
    flagged, before = np.count_nonzero(p <= 1e-3), np.count_nonzero(judged(pairs_only, x, groups)[2] <= 1e-3)
    assert flagged >= 8 and before <= 3, (flagged, before)
    held = load_spec("builtin:bach[300:320]")
    _, _, p_real = judged(sliced, held.x, item_groups(held.items, held.n)[0])
    assert np.count_nonzero(p_real > 0.05) >= 18, p_real
    worst = int(np.argmin(p))
    assert "sequences of three of chords on successive quarter notes" in sliced.reason(batch, worst, scores[worst],
                                                                                        p[worst])


def test_profiles_made_before_the_quarter_triples_judge_with_their_two_views(chorales, pairs_only_sliced,
                                                                            before_tunes):
    _, sliced, pieces, held = chorales
    assert len(pairs_only_sliced.views) == 2 and len(sliced.views) == 3
    rolls = synthetic_music.file_rolls(*held)[:3] + synthetic_music.sliced_chain(pieces, 4, 3, seed=9)
    _, _, p = judged(pairs_only_sliced, *synthetic_music.as_batch(rolls))
    for g, roll in enumerate(rolls):
        view_p = [familiarity.calibration.tail_probability(t, [c[2]])[0] for t, c in
                  zip(before_tunes.combination.tails[:2], before_tunes.combination.counts(roll)[:2])]
        assert p[g] == pytest.approx(min(1.0, 2 * min(view_p)), rel=1e-9)


def test_each_detector_takes_one_share_of_the_combination_per_view(chorales, pairs_only_sliced, pairs_profile):
    """k views, each a test a detector of its own could make, weigh as k one-share detectors would: a view's
    threshold is alpha * share / total either way, where one share for the detector thinned each view twice (its
    Bonferroni factor k and the single share)."""
    detector, sliced, _, _ = chorales
    older = familiarity.Familiarity(pairs_profile)
    assert (detector.shares, sliced.shares, pairs_only_sliced.shares, older.shares) == (2, 3, 2, 1)
    weights = suite.weights([detector, sliced, older], familiarity.calibration.DEFAULT_ALPHA)
    assert weights == pytest.approx(np.array([2, 3, 1]) / 6)


def most_shared_tune(pieces):
    """(k, j): the two reference pieces sharing most stretches of the soprano's steps (one tune set twice)."""
    codes = [tunes.stretches(r) for r in pieces]
    shared = np.array([[np.intersect1d(a, b).size if i != j else 0 for j, b in enumerate(codes)]
                       for i, a in enumerate(codes)])
    return np.unravel_index(shared.argmax(), shared.shape)


def test_tune_stretches_read_the_sopranos_steps_up_to_transposition_and_repeats():
    roll = np.zeros((128, 18 * 4), dtype=bool)
    melody = [60, 62, 64, 64, 65, 67, 65, 64, 62, 60, 59, 60, 62, 64, 62, 60, 60, 60]
    for t, pitch in enumerate(melody):
        roll[[pitch, pitch - 9, pitch - 17], 4 * t:4 * t + 4] = True  # the soprano on top of two lower voices
    codes = tunes.stretches(roll)
    assert codes.size == 14 - tunes.STEPS + 1  # 17 steps, three repeated notes merged
    assert np.array_equal(tunes.stretches(np.roll(roll, 5, axis=0)), codes)
    changed = roll.copy()
    changed[[67, 58], 20:24], changed[[65, 56], 20:24] = False, True  # one note of the sixth beat lowered
    assert 0 < np.intersect1d(tunes.stretches(changed), codes).size < codes.size
    assert tunes.stretches(roll[:, :6 * 4]).size == 0  # fewer than STEPS steps: no stretch


def test_the_quarter_pairs_set_aside_a_copied_piece_and_its_tunes_settings_not_a_chains_pieces(chorales,
                                                                                               before_tunes):
    """A file copying one reference piece: that piece and the other settings of its tune hold its pairs, all set
    aside; a first-order chain over quarter chords spreads its pairs over many pieces and keeps most of them."""
    _, sliced, pieces, _ = chorales
    views, view = sliced.combination, sliced.views[1]
    assert view.tune and not before_tunes.views[1].tune
    k, j = most_shared_tune(pieces)
    grams, codes = familiarity.grams_of(pieces[k], view), tunes.stretches(pieces[k])
    settings = tunes.settings(codes, views.tune_index)
    assert {k, j} <= set(settings.tolist())
    assert familiarity.share_and_score(grams, views.index, view=view, settings=settings) == (0, 0, 0.0)
    # another edition of piece k, which the reference lacks: the pairs the other setting j holds are not counted
    others = familiarity.without(views.index, k)
    counted = ~familiarity.held_aside(grams[0], others, np.setdiff1d(settings, k))
    assert not np.isin(grams[0][counted], others[0][others[1] == j]).any()
    _, n, _ = familiarity.share_and_score(grams, others, view=view, settings=np.setdiff1d(settings, k))
    _, n_before, _ = familiarity.share_and_score(grams, others, view=UNTUNED[1])
    assert n < n_before, (n, n_before)
    for roll in synthetic_music.sliced_chain(pieces, 4, 8, steps=8 * BAR, seed=3):
        total = familiarity.grams_of(roll, view)[0].size
        found, n, score = views.counts(roll)[1]
        assert n >= max(familiarity.LEFT_FLOOR, total // 3) and found >= n - 1, (found, n, total)
        # the same chain cut to two bars keeps fewer than LEFT_FLOOR pairs: no evidence, however familiar
        short = roll[:, :2 * BAR]
        assert views.counts(short)[1][1] < familiarity.LEFT_FLOOR and views.counts(short)[1][2] == 0.0


def test_quarter_triples_found_nowhere_inside_a_stretch_copied_from_one_piece_are_not_counted(chorales):
    """A chain over another edition's chords copies a stretch of a piece with a chord the reference lacks: the
    triples through that chord are found nowhere, and counted they would read as a real piece's new ones. Between
    triples that one piece holds at one shift they are not counted; at a file's end, or between two pieces'
    stretches (a real piece's new steps, a splice), they are. A profile made before reads its triples as calibrated."""
    _, sliced, pieces, _ = chorales
    view, index = sliced.views[2], sliced.combination.index
    assert view.bridged
    quarter = familiarity.copying.BEAT
    copied = pieces[5][:, :16 * quarter].copy()
    copied[:, 8 * quarter] = False
    copied[[30, 31, 33, 44], 8 * quarter] = True  # quarter 8: a cluster no chorale sounds
    grams = familiarity.grams_of(copied, view)
    assert np.flatnonzero(familiarity.bridged(grams, index)).tolist() == [6, 7, 8]  # the triples through quarter 8
    _, n, _ = familiarity.share_and_score(grams, index, view=view)
    _, n_counted, _ = familiarity.share_and_score(grams, index, view=view._replace(bridged=False))
    assert (n, n_counted) == (0, 3)  # the piece's own triples set aside, the three through the cluster bridged
    at_end = copied[:, :9 * quarter + 1]  # the cluster's triples run to the file's end
    assert not familiarity.bridged(familiarity.grams_of(at_end, view), index).any()
    spliced = np.concatenate([pieces[5][:, :8 * quarter], copied[:, 8 * quarter:9 * quarter],
                              pieces[9][:, 8 * quarter:16 * quarter]], axis=1)
    assert not familiarity.bridged(familiarity.grams_of(spliced, view), index).any()
    before = sliced_before(UNBRIDGED)
    assert before.views[1].tune and not before.views[2].bridged


def test_scores_do_not_change_with_transposition_or_velocity(chorales):
    detector, sliced, pieces, held = chorales
    rolls = synthetic_music.file_rolls(*held)[:4] + synthetic_music.chord_chain(pieces, 1, 4) + \
        synthetic_music.sliced_chain(pieces, 4, 2)
    x, groups = synthetic_music.as_batch(rolls)
    for d in (detector, sliced):
        assert_transposition_and_velocity_change_nothing(d, x, groups)


def test_tempo_and_resolution_change_nothing(chorales, tmp_path):
    detector, sliced, _, _ = chorales
    for d in (detector, sliced):
        assert_tempo_and_resolution_change_nothing(d, tmp_path)


def test_closing_bars_past_the_stored_roll_are_not_counted_from_version_4(chorales):
    detector, _, pieces, held = chorales
    # a piece's roll ends at its last whole 4-bar patch: its closing bars run on past what the reference holds, and a
    # cadence there is found in other pieces (two bars of another piece's opening stand for it here)
    closing = np.concatenate([pieces[0][:, -128:], pieces[2][:, :2 * BAR]], axis=1)
    grams = familiarity.grams_of(closing)
    k_all, n_all, _ = familiarity.share_and_score(grams, detector.index, view=familiarity.PAIRS)
    k, n, _ = familiarity.share_and_score(grams, detector.index, view=familiarity.PAIRS._replace(past_end=True))
    assert k_all > k and n_all > n, (k_all, n_all, k, n)
    assert all(view.past_end for view in detector.views)
    # inside the piece's stored bars the same chords count (a splice)
    inside = np.concatenate([pieces[0][:, :128], pieces[2][:, :2 * BAR], pieces[0][:, 128:192]], axis=1)
    inner = familiarity.grams_of(inside)
    assert (familiarity.share_and_score(inner, detector.index, view=familiarity.PAIRS._replace(past_end=True))[:2]
            == familiarity.share_and_score(inner, detector.index, view=familiarity.PAIRS)[:2])
    # a chorale the reference lacks shares a few formulas with its closest piece, whose alignment says nothing of
    # where the file stands in it: counted as before
    for roll in synthetic_music.file_rolls(*held)[:10]:
        grams = familiarity.grams_of(roll)
        assert (familiarity.share_and_score(grams, detector.index, view=familiarity.PAIRS._replace(past_end=True))[:2]
                == familiarity.share_and_score(grams, detector.index, view=familiarity.PAIRS)[:2])


def test_a_version_3_profile_counts_what_lies_past_the_stored_bars_as_calibrated(chorales):
    ref = load_spec("builtin:bach[0:60]")
    groups, n = item_groups(ref.items, ref.n)
    index, cal, _ = familiarity.fitted(ref, groups, n, (familiarity.PAIRS, familiarity.TRIPLES))
    old = familiarity.Familiarity(dict(zip(familiarity.Familiarity.arrays, (*index, cal, np.array(3)))))
    assert old.combination is not None and not any(view.past_end for view in old.views)
    held = load_spec("builtin:bach[300:305]")
    x, g = held.x, item_groups(held.items, held.n)[0]
    expected = old.combination.scores(synthetic_music.file_rolls(x, g))
    assert judged(old, x, g)[1] == pytest.approx(expected, rel=1e-12)
