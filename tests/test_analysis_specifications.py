"""Chroma, transition specifications, violations and note durations on hand-made piano rolls."""
import numpy as np

from engine.analysis.specifications import (
    STATES, chroma, chroma_states, chroma_transition_spec, count_violations, describe_transition,
    note_durations, transition_counts, violations_per_sample,
)


def roll(steps, notes):
    """One (1, 1, 128, steps) roll; notes: (pitch, first step, last step exclusive, intensity)."""
    x = np.zeros((1, 1, 128, steps), np.float32)
    for pitch, start, stop, value in notes:
        x[0, 0, pitch, start:stop] = value
    return x


def test_chroma_folds_octaves_and_thresholds_above_one_half():
    x = roll(4, [(60, 0, 2, 1.0), (72, 1, 3, 1.0), (64, 0, 4, 0.5), (67, 0, 4, 0.51), (127, 3, 4, 1.0)])
    c = chroma(x)[0]
    assert c.shape == (12, 4)
    np.testing.assert_array_equal(c[0], [True, True, True, False])  # C from 60 and 72
    assert not c[4].any()  # E at exactly 0.5 is not above the threshold
    assert c[7].all()  # G
    assert c[127 % 12, 3]  # the top pitch (G9) folds too
    np.testing.assert_array_equal(chroma_states(x)[0], [1 | 128, 1 | 128, 1 | 128, 128])


def test_transition_spec_holds_the_pairs_of_chroma_states_seen():
    x = roll(3, [(60, 0, 1, 1.0), (62, 1, 3, 1.0)])  # C -> D -> D
    c_state, d_state = 1, 4
    np.testing.assert_array_equal(chroma_transition_spec(x),
                                  sorted([c_state * STATES + d_state, d_state * STATES + d_state]))
    assert describe_transition(c_state * STATES + d_state) == "C -> D"
    assert describe_transition(0) == "- -> -"


def test_a_reference_does_not_violate_its_own_specification_and_new_transitions_do():
    reference = np.concatenate([roll(8, [(60, 0, 4, 1.0), (64, 4, 8, 1.0)]),
                                roll(8, [(67, 0, 8, 1.0)])])
    spec = chroma_transition_spec(reference)
    assert count_violations(reference, spec) == 0
    other = np.concatenate([roll(8, [(60, 0, 4, 1.0), (67, 4, 8, 1.0)]),  # C -> G is new: 1 violation
                            roll(8, [(61, 0, 8, 1.0)])])  # C# held: 7 new self-transitions
    np.testing.assert_array_equal(violations_per_sample(other, spec), [1, 7])
    assert count_violations(other, spec) == 8
    codes, counts = transition_counts(other)
    assert counts.sum() == 2 * 7


def test_note_durations_are_run_lengths_without_runs_cut_by_the_patch_edges():
    x = roll(10, [(60, 0, 3, 1.0),  # touches the first step: left out
                  (60, 4, 6, 1.0),  # 2
                  (62, 1, 2, 1.0),  # 1
                  (62, 3, 9, 1.0),  # 6
                  (64, 7, 10, 1.0),  # touches the last step: left out
                  (65, 0, 10, 1.0)])  # the whole patch: left out
    twice = np.concatenate([x, x])
    np.testing.assert_array_equal(np.sort(note_durations(twice)), [1, 1, 2, 2, 6, 6])
    assert note_durations(np.zeros((2, 1, 128, 5), np.float32)).size == 0
