"""The replay detector (engine/detectors/replay.py): high-order chord chains that replay part of one
reference chorale, truncated replays, duplicates of whole pieces, held-out chorales, verbatim excerpts (set aside),
and the invariances it claims."""
from types import SimpleNamespace

import numpy as np
import pytest

from engine.data.sniff import MIDI
from engine.data.specs import load_spec
from engine.detectors import calibration, replay, suite
from engine.detectors.copying import Copying
from engine.detectors.profile import build_profile, cross_fitted, item_groups
from tests import synthetic_music
from tests.detector_checks import judged
from tests.music_invariances import (assert_tempo_and_resolution_change_nothing,
                                     assert_transposition_and_velocity_change_nothing)

BAR = synthetic_music.BAR


@pytest.fixture(scope="module")
def chorales():
    ref = load_spec("builtin:bach[0:120]")
    groups, n = item_groups(ref.items, ref.n)
    # replay reads copying's index of the reference from the profile
    detector = replay.Replay({**Copying.fit(ref, groups, n, cross_fitted), **replay.Replay.fit(ref, groups, n, cross_fitted)})
    held = load_spec("builtin:bach[300:330]")
    return detector, synthetic_music.file_rolls(ref.x, groups), (held.x, item_groups(held.items, held.n)[0])


def test_an_order_4_chain_is_flagged_and_held_out_chorales_pass(chorales):
    detector, pieces, held = chorales
    _, _, p_real = judged(detector, *held)
    assert np.count_nonzero(p_real > 0.05) >= 29, p_real  # 30 held-out chorales
    assert p_real.min() > 1e-3, p_real
    batch, scores, p_chain = judged(detector, *synthetic_music.as_batch(
        synthetic_music.chord_chain(pieces, 4, 30, steps=8 * BAR, seed=4)))
    # most replay one chorale from its start and stop; a chain that replays a whole 8-bar piece cannot be told
    assert np.count_nonzero(p_chain <= 1e-4) >= 25, p_chain
    worst = int(np.argmax(scores))
    reason = detector.reason(batch, worst, scores[worst], p_chain[worst])
    # the highest score is a replay that never jumped: the piece's notes, set aside (test below), its counts stated
    assert reason.startswith("replay: stands aside: the file is a verbatim excerpt of reference piece ") and ".mid" in reason
    assert "that the file lacks, and the file has 0 that no reference piece has" in reason


def midi_file(x):
    """What `informative` reads of a MIDI file: its patches and format."""
    return SimpleNamespace(x=x, meta={"format": MIDI.label})


def stands_aside(detector, roll):
    return not detector.informative(midi_file(synthetic_music.as_batch([roll])[0]))


def test_part_of_a_piece_scores_as_a_replay_and_stands_aside_as_a_verbatim_excerpt(chorales):
    detector, pieces, _ = chorales
    long_piece = next(r for r in pieces if r.shape[1] >= 4 * 64)
    parts = [long_piece[:, :128], long_piece, long_piece[:, 64:192]]
    x, groups = synthetic_music.as_batch(parts)
    batch, scores, p = judged(detector, x, groups)
    assert p[0] <= 1e-4 and p[2] <= 1e-4, p  # its first eight bars, eight bars from its middle
    assert scores[1] <= 0 and p[1] > 0.05, (scores, p)  # the whole piece: a duplicate, nothing missing
    # each is that piece's notes, as a user's excerpt would be: replay says so and stands aside
    assert all(stands_aside(detector, part) for part in parts)
    assert detector.reason(batch, 0, scores[0], p[0]).startswith("replay: stands aside: the file is a verbatim excerpt")


def test_a_splice_of_two_pieces_is_judged_and_flagged(chorales):
    detector, pieces, _ = chorales
    a, b = [r for r in pieces if r.shape[1] >= 4 * 64][:2]
    splice = np.concatenate([a[:, :128], b[:, 64:192]], axis=1)  # eight bars of one piece, then eight of another
    assert not stands_aside(detector, splice)
    batch, scores, p = judged(detector, *synthetic_music.as_batch([splice]))
    assert p[0] <= 1e-3, p
    assert detector.reason(batch, 0, scores[0], p[0]).startswith("replay: its closest reference piece, ")


def test_a_loop_inside_one_piece_is_judged_and_flagged_and_a_join_the_piece_lacks_stands_aside(chorales):
    detector, pieces, _ = chorales
    # bar form A A B written out: a chain of order 3 or 4 at the end of the second A may go on with A again (the
    # piece holds that context before the second A), so it writes A A A: the piece's n-grams at two alignments
    f = next(i for i, r in enumerate(pieces) if r.shape[1] == 192 and np.array_equal(r[:, :64], r[:, 64:128]))
    loop = np.concatenate([pieces[f][:, :128], pieces[f][:, :64]], axis=1)
    grams = replay.copying.all_grams(loop)
    _, _, top = replay.copying.placed(grams[0], detector.index[:3])
    assert replay.off_alignment(grams[0], detector.index, top, 0) >= replay.JUMP_MIN
    assert not stands_aside(detector, loop)
    batch, scores, p = judged(detector, *synthetic_music.as_batch([loop]))
    assert p[0] <= 1e-3, p
    assert "only at another place than the rest (it jumps inside it)" in detector.reason(batch, 0, scores[0], p[0])
    # the piece's first four bars twice where the piece goes on otherwise (an edition that repeats a section the
    # reference does not): the join is no context of the piece, its n-grams new, and the file a verbatim excerpt
    g = next(i for i, r in enumerate(pieces) if r.shape[1] >= 192 and not np.array_equal(r[:, :64], r[:, 64:128]))
    again = np.concatenate([pieces[g][:, :64], pieces[g][:, :64]], axis=1)
    assert stands_aside(detector, again)
    grams = replay.copying.all_grams(again)
    elsewhere, closest, top = replay.copying.placed(grams[0], detector.index[:3])
    assert replay.off_alignment(grams[0], detector.index, top, 0) >= replay.JUMP_MIN
    assert np.count_nonzero(~(elsewhere | closest)) > replay.JOIN_NEW
    # a reprise of the first section past the piece's stored bars (its roll drops a piece's last bars) is found only
    # at the piece's start, which is no jump: the file runs on where the reference cannot follow
    reprise = np.concatenate([pieces[f], pieces[f][:, :64]], axis=1)
    assert replay.off_alignment(replay.copying.all_grams(reprise)[0], detector.index, f, 0) == 0
    # a stretch of one alignment, repeats inside it included, is one excerpt
    assert replay.off_alignment(replay.copying.all_grams(pieces[f][:, 32:160])[0], detector.index, f, 0) == 0


def found_off_piece(roll, detector):
    """Per view, the n-grams the reference holds off the roll's closest piece, and of them those off_piece counts."""
    out = []
    for view, grams in enumerate(replay.copying.all_grams(roll)):
        elsewhere, closest, top = replay.copying.placed(grams, detector.index[:3])
        out.append((int(np.count_nonzero(elsewhere & ~closest)),
                    replay.off_piece(grams, detector.index, view, elsewhere, closest, top)))
    return out


def test_closing_bars_past_the_stored_roll_stand_aside_and_a_replay_run_on_into_another_piece_is_judged(chorales):
    detector, pieces, _ = chorales
    # the reference's rolls drop a piece's bars after its last whole 4-bar patch: a user's excerpt of its closing
    # bars runs on past what the reference holds of it, and a cadence there may be one other pieces hold (a few
    # n-grams found elsewhere): two bars of another piece's opening stand for that cadence here
    f = 0
    cadence = next(np.concatenate([pieces[f][:, -128:], r[:, :2 * BAR]], axis=1) for r in pieces[1:]
                   if 0 < found_off_piece(np.concatenate([pieces[f][:, -128:], r[:, :2 * BAR]], axis=1), detector)[0][0]
                   < replay.JUMP_MIN)
    found = found_off_piece(cadence, detector)
    assert found[0][0] > 0 and all(counted == 0 for _, counted in found), found  # found elsewhere, not counted
    assert stands_aside(detector, cadence)
    # a replay that runs on past the piece's stored end into four bars of another piece is judged, as before
    run_on = np.concatenate([pieces[f][:, -128:], pieces[2][:, :4 * BAR]], axis=1)
    assert min(counted for _, counted in found_off_piece(run_on, detector)) >= replay.JUMP_MIN
    assert not stands_aside(detector, run_on)
    # the same cadence placed inside the piece's stored bars counts: a splice, judged
    inside = np.concatenate([pieces[f][:, -128:-2 * BAR], cadence[:, -2 * BAR:], pieces[f][:, -2 * BAR:]], axis=1)
    assert not stands_aside(detector, inside)


def test_counts_of_a_truncated_replay(chorales):
    detector, pieces, _ = chorales
    f = next(i for i, r in enumerate(pieces) if r.shape[1] >= 4 * 64)
    grams = replay.copying.all_grams(pieces[f][:, :128])
    score, view, missing, new, top = replay.file_score(grams, detector.index, detector.lengths)
    assert new == 0 and missing > 0 and score == pytest.approx(np.log((missing + 0.5) / 0.5))
    assert top == f or detector.names[top] != detector.names[f]  # the piece itself, or a duplicate of it


def test_a_piece_without_its_written_out_repeat_is_not_a_replay_but_was_before_the_gap_rule(chorales):
    detector, pieces, _ = chorales
    # bar form A A B written out in the reference (most chorales are); an edition that does not write the repeat out
    # (JSB chorales' bwv114.7) lacks only the n-grams spanning the join of the two A's
    f = next(i for i, r in enumerate(pieces) if r.shape[1] == 192 and np.array_equal(r[:, :64], r[:, 64:128]))
    a_b = np.concatenate([pieces[f][:, :64], pieces[f][:, 128:]], axis=1)
    _, scores, p = judged(detector, *synthetic_music.as_batch([a_b]))
    assert scores[0] <= 0 and p[0] > 0.05, (scores, p)
    found = replay.counts(replay.copying.all_grams(a_b), detector.index, detector.lengths)
    assert [missing for missing, _, _ in found] == [0, 0]
    # a profile made before the rule holds no views: each view lacks its spanning n-grams, as before
    plain = replay.counts(replay.copying.all_grams(a_b), detector.index[:3], detector.lengths)
    assert min(missing for missing, _, _ in plain) >= replay.copying.N - 1


def test_a_profile_without_replay_views_keeps_the_plain_count(chorales):
    detector, _, _ = chorales
    profile = {"copying_hashes": detector.index[0], "copying_sources": detector.index[1],
               "copying_starts": detector.index[2], "copying_names": np.asarray(detector.names),
               "replay_lengths": detector.lengths, "cal_replay": detector.tail["sorted"], "modality": "music"}
    assert replay.Replay.present(profile)
    assert len(replay.Replay(profile).index) == 3 and len(detector.index) == 4


def test_scores_do_not_change_with_transposition_velocity_tempo_or_resolution(chorales, tmp_path):
    detector, pieces, held = chorales
    rolls = synthetic_music.file_rolls(*held)[:4] + synthetic_music.chord_chain(pieces, 4, 4, steps=8 * BAR)
    assert_transposition_and_velocity_change_nothing(detector, *synthetic_music.as_batch(rolls))
    assert_tempo_and_resolution_change_nothing(detector, tmp_path)


def case_labels(detectors, x, groups, alpha=0.01):
    """Per file, (label, decisive detector's name) by the case's weighted Bonferroni rule, each file's detectors
    weighted as a verdict weighs them (those not informative about it at 0)."""
    batch = suite.Batch(x, groups)
    p = np.stack([calibration.tail_probability(d.tail, d.scores(batch)) for d in detectors], axis=1)
    files = [midi_file(x[groups == g]) for g in range(int(groups.max()) + 1)]
    weights = [suite.weights(detectors, alpha, suite.informative(detectors, f)) for f in files]
    return [(calibration.label_for(p_file, alpha), detectors[k].name)
            for p_file, k in (calibration.combine(row, w) for row, w in zip(p, weights))]


def test_the_case_s_rule_labels_jumping_order_4_chains_generated_and_held_out_chorales_real(chorales):
    _, pieces, held = chorales
    detectors = suite.profile_detectors(build_profile(load_spec("builtin:bach[0:120]")))
    assert "replay" in [d.name for d in detectors]
    assert all(label != "generated" for label, _ in case_labels(detectors, *held))
    rolls = synthetic_music.chord_chain(pieces, 4, 30, steps=8 * BAR, seed=5)
    found = case_labels(detectors, *synthetic_music.as_batch(rolls))
    aside = [stands_aside(next(d for d in detectors if d.name == "replay"), roll) for roll in rolls]
    judged_labels = [label for (label, _), a in zip(found, aside) if not a]
    # measured: over 120 chorales an 8-bar order-4 chain mostly replays one piece without a jump (24 of 30, which
    # replay sets aside: they are that piece's notes); the 6 that jump are all labelled generated
    assert len(judged_labels) >= 4 and all(label == "generated" for label in judged_labels), (found, aside)
