"""The whole-file readings of tests/benchmarks/chain_walk.py on chords built in memory."""
import numpy as np

from engine.detectors import copying
from engine.detectors.familiarity import SliceFamiliarity, grams_of
from tests.benchmarks.chain_walk import (PAIRS_VIEW, ChordModels, IntervalModel, TunePairs, far_windows,
                                         quarter_chords, voice_intervals)
from tests.benchmarks.chorale_excerpts import chord_roll

C_MAJOR = [(48, 64, 67, 72), (53, 65, 69, 72), (55, 62, 67, 71), (48, 64, 67, 72)]
F_SHARP_MAJOR = [tuple(p + 6 for p in chord) for chord in C_MAJOR]


def test_a_splice_into_a_far_key_puts_its_windows_far_from_the_files_key():
    assert far_windows(C_MAJOR * 8) == 0.0
    # 7 windows of two bars: the last two bars in F sharp put the windows holding them far from C
    assert far_windows(C_MAJOR * 6 + F_SHARP_MAJOR * 2) == 2 / 7
    assert far_windows(C_MAJOR * 5 + F_SHARP_MAJOR * 3) > 2 / 7
    assert far_windows(F_SHARP_MAJOR * 8) == 0.0  # one key anywhere


def test_a_second_order_model_gains_on_steps_that_follow_two_chords_and_loses_on_a_first_order_splice():
    a, b, c, x, y = [(48 + k, 52 + k, 55 + k) for k in (0, 2, 4, 5, 7)]
    # after (a, b) always c, after (x, b) always y: b alone does not say which
    models = ChordModels([[a, b, c, x, b, y] * 4] * 3)
    real, spliced = [a, b, c, x, b, y] * 2, [a, b, y, x, b, c] * 2
    assert models.order_gain(real) > 0.2
    assert models.order_gain(spliced) < models.order_gain(real) - 0.5
    assert abs(models.without(0).order_gain(real) - models.order_gain(real)) < 0.2  # two pieces still hold it


def test_voice_intervals_pair_each_voices_successive_steps_and_skip_chords_of_other_sizes():
    chords = [(48, 55, 64, 72), (47, 55, 62, 74), (45, 57, 64, 72), (48, 60), (48, 55, 64, 72)]
    found = voice_intervals(chords)
    assert sorted(found) == sorted([(-1, -2), (0, 2), (-2, 2), (2, -2)])
    model = IntervalModel([chords * 3])
    assert model.gain(chords) > 0


def test_another_setting_of_the_files_tune_is_set_aside_with_the_piece_holding_most_of_its_pairs():
    tune = [72, 74, 76, 77, 79, 77, 76, 74, 72, 71, 72, 74, 76, 74, 72, 71] * 2

    def chords(seed, soprano):  # four pitches over a bass of the seed's
        bass = np.random.default_rng(seed).integers(40, 52, len(soprano))
        return [tuple(sorted({int(b), int(b) + 7, s - 12, s})) for b, s in zip(bass, soprano)]

    piece = chords(1, tune)
    elsewhere = chords(3, np.random.default_rng(4).integers(60, 84, len(tune)).tolist())  # no tune shared
    holds_most = piece[:20] + elsewhere[20:]  # the piece's first 20 chords verbatim: 19 of its pairs
    other_setting = chords(2, tune)[:20] + piece[20:]  # its tune set again, ending as it does: 11 of its pairs
    reference = [piece, holds_most, other_setting, elsewhere]
    rolls = [chord_roll(c, 4) > 0 for c in reference]
    view = SliceFamiliarity.views[PAIRS_VIEW]
    index = copying.index_of([[grams_of(r, view)] for r in rolls], np.arange(len(rolls)))
    # judged as reference file 0, against the others: with only the piece holding most of its pairs set aside, the
    # other setting finds 11 of the 12 left; with the tune's settings set aside too, one pair is left, found nowhere
    closest_only = TunePairs(index, [[()] * len(tune)] * len(reference)).score(rolls[0], piece, leave_out=0)
    tune_aside = TunePairs(index, [quarter_chords(r) for r in rolls]).score(rolls[0], piece, leave_out=0)
    assert closest_only > 3
    assert tune_aside < 0
