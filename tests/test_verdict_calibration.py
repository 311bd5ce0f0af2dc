"""Calibration: tail probabilities, the combination rule, labels, the logistic regression."""
import numpy as np

from engine.detectors import calibration, statistical


def test_tail_probability_is_conformal_in_the_bulk_and_decreasing_in_the_tail():
    cal = np.arange(100, dtype=float)
    model = calibration.tail_model(cal)
    p = calibration.tail_probability(model, [0.0, 50.0, 95.0, 99.0, 150.0, 300.0])
    assert p[0] == 1.0
    assert abs(p[1] - 51 / 101) < 1e-12
    assert np.all(np.diff(p) < 0)
    assert p[-1] < 1e-6


def test_a_score_far_below_a_narrow_tail_is_in_the_bulk_without_overflow(recwarn):
    model = calibration.tail_model(np.concatenate([np.zeros(95), 1e-3 * np.arange(1, 6)]))
    assert 0 < model["tau"] < 1e-2
    p = calibration.tail_probability(model, [-1e4, 0.0])
    assert list(p) == [1.0, 1.0]
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


def test_tail_probability_gives_about_alpha_false_positives_on_fresh_real_scores():
    rng = np.random.default_rng(1)
    model = calibration.tail_model(rng.chisquare(5, 2000))
    fresh = calibration.tail_probability(model, rng.chisquare(5, 20000))
    assert 0.005 < np.mean(fresh <= 0.01) < 0.02


def test_score_threshold_matches_tail_probability():
    rng = np.random.default_rng(2)
    model = calibration.tail_model(rng.normal(size=500))
    t = calibration.score_threshold(model, 0.001)
    assert calibration.tail_probability(model, [t * 1.001])[0] <= 0.001 + 1e-9
    # in the conformal bulk: scores above the threshold reach alpha, the threshold itself does not
    bulk = calibration.tail_model(np.arange(20.0))
    t = calibration.score_threshold(bulk, 0.5)
    assert calibration.tail_probability(bulk, [t + 0.01])[0] <= 0.5 < calibration.tail_probability(bulk, [t])[0]


def test_combine_is_weighted_bonferroni_and_names_the_decisive_detector():
    p, k = calibration.combine([0.5, 0.002, 0.3], [1 / 3, 1 / 3, 1 / 3])
    assert (round(p, 12), k) == (0.006, 1)
    assert calibration.combine([0.9, 0.8], [0.5, 0.5])[0] == 1.0
    # the decisive detector is the smallest p / weight, not the smallest p
    assert calibration.combine([0.004, 0.003], [0.5, 0.25]) == (0.008, 0)


def test_learned_detectors_share_one_weight_and_weights_sum_to_one():
    w = calibration.share_weights([False, False, True, True, True])
    assert np.allclose(w, [1 / 3, 1 / 3, 1 / 9, 1 / 9, 1 / 9])
    assert np.allclose(calibration.share_weights([False, False]), [0.5, 0.5])
    # registering another run does not change a reference detector's share
    assert calibration.share_weights([False, False, True])[0] == calibration.share_weights([False, False, True, True])[0]
    for flags in ([True], [False], [False, True, True, False]):
        assert abs(calibration.share_weights(flags).sum() - 1) < 1e-12


def test_a_detector_of_several_statistics_takes_a_share_per_statistic_and_the_learned_keep_one():
    w = calibration.share_weights([False, False, True, True], shares=[6, 1, 1, 1])
    assert np.allclose(w, [6 / 8, 1 / 8, 1 / 16, 1 / 16])
    assert np.allclose(calibration.share_weights([False, False], shares=[1, 1]), calibration.share_weights([False, False]))
    # with floors the proportions of the shares are kept above each floor's need, the sum at most 1
    w = calibration.share_weights([False, False, False], [1e-15, 1e-15, 1 / 301], alpha=0.01, shares=[6, 1, 1])
    assert w.sum() <= 1 + 1e-12 and w[2] >= (1 / 301) / 0.01 and abs(w[0] / w[1] - 6) < 1e-6


def test_a_detector_whose_floor_its_share_cannot_reach_gets_the_weight_to_decide_alone():
    # grid on 300 calibration files that all tie: its best tail probability is 1/301,
    # above alpha * 1/4; the CNN on 60 tied files (1/61) cannot reach 1% at any weight.
    grid, cnn = calibration.tail_model(np.zeros(300)), calibration.tail_model(np.full(60, -13.8))
    assert calibration.tail_floor(grid) == 1 / 301 and calibration.tail_floor(cnn) == 1 / 61
    floors = [1 / 301, 1e-15, 1e-15, 1 / 61]
    w = calibration.share_weights([False, False, False, True], floors, alpha=0.01)
    assert abs(w.sum() - 1) < 1e-12 and w[3] == 0.0
    assert w[0] * 0.01 >= 1 / 301 and np.isclose(w[1], w[2])
    assert calibration.score_threshold(grid, 0.01 * w[0]) == 0.0  # any file off the grid
    assert calibration.score_threshold(cnn, 0.01 * 0.25) == np.inf
    # a file off the grid, like every generated chorale, is now decided by the grid alone
    assert calibration.label_for(calibration.combine([1 / 301, 0.5, 0.5, 0.02], w)[0], 0.01) == "generated"
    # at a rate every floor fits under, the plain shares stay
    assert np.array_equal(calibration.share_weights([False, False, False, True], floors, alpha=0.1),
                          calibration.share_weights([False, False, False, True]))
    # floors that cannot all be met: the largest is given up, the rest fit
    assert np.allclose(calibration.share_weights([False] * 3, [0.006, 0.007, 1e-15], alpha=0.01),
                       [0.6 * (1 + 1e-9), 0.0, 1 - 0.6 * (1 + 1e-9)])


def test_a_detector_of_weight_zero_never_decides():
    assert calibration.combine([0.001, 0.2], [0.0, 1.0]) == (0.2, 1)


def test_labels_follow_alpha_and_inconclusive_band():
    assert calibration.label_for(0.01, 0.01) == "generated"
    assert calibration.label_for(0.03, 0.01) == "inconclusive"
    assert calibration.label_for(0.06, 0.01) == "real"


def test_a_file_no_detector_could_read_is_inconclusive_not_real():
    """Every detector at weight 0 (each stood aside for the file): p = 1 tested nothing, so it is no finding of real."""
    assert calibration.label_for(1.0, 0.01, [0.0, 0.0]) == "inconclusive"
    assert calibration.label_for(1.0, 0.01, [0.0, 1.0]) == "real"
    p, _ = calibration.combine([0.5, 0.001], [0.0, 0.0])
    assert p == 1.0 and calibration.label_for(p, 0.01, [0.0, 0.0]) == "inconclusive"


def test_group_mean_averages_patches_per_file():
    groups = np.array([0, 0, 1, 2, 2, 2])
    values = np.array([1.0, 3.0, 5.0, 0.0, 3.0, 6.0])
    assert calibration.group_mean(values, groups).tolist() == [2.0, 5.0, 3.0]
    both = calibration.group_mean(np.stack([values, -values], 1), groups)
    assert both[:, 1].tolist() == [-2.0, -5.0, -3.0]


def test_logistic_regression_separates_shifted_features():
    rng = np.random.default_rng(3)
    real, fake = rng.normal(size=(300, 4)), rng.normal(size=(300, 4)) + [1.5, 0, 0, 0]
    model = statistical.fit_logistic(real, fake)
    accuracy = (np.mean(statistical.logistic_logits(model, real) < 0) + np.mean(statistical.logistic_logits(model, fake) > 0)) / 2
    assert accuracy > 0.7
    assert abs(model["coef"][0]) > 3 * np.abs(model["coef"][1:]).max()


def test_outlier_scores_grow_with_distance_from_the_reference():
    rng = np.random.default_rng(4)
    model = statistical.fit_outlier(rng.normal(size=(500, 3)))
    near, far = statistical.outlier_scores(model, np.array([[0.0, 0, 0], [4.0, 4, 4]]))
    assert near < 1 < 10 < far


class _Bound:
    """A stand-in detector: a tail model on n calibration files, calibrated like the waveform detectors."""

    def __init__(self, scores, calibration_kind=None):
        from engine.detectors.detector import KEPT_RECORDINGS

        self.tail = calibration.tail_model(scores)
        self.calibration = calibration_kind or KEPT_RECORDINGS


def test_binary_detectors_on_the_same_recordings_share_one_weight():
    from engine.detectors import suite
    from engine.detectors.detector import EVERY_FILE

    graded = [_Bound(np.linspace(0, 1, 500)) for _ in range(3)]
    bounds = [_Bound(np.zeros(500)) for _ in range(3)]
    alone = suite.weights(graded + bounds[:1], 0.01)
    w = suite.weights(graded + bounds, 0.01)
    # each bound carries the union's whole weight, enough to decide at its floor 1/501, and adding
    # bounds to the union leaves the graded detectors' shares as they were with one
    assert np.allclose(w[3:], w[3]) and w[3] * 0.01 >= 1 / 501
    assert np.allclose(w[:3], alone[:3])
    assert abs(w[:4].sum() - 1) < 1e-9
    # a bound calibrated on other files (another count, or not the kept recordings) stands alone
    other = suite.weights(graded + bounds[:2] + [_Bound(np.zeros(400))], 0.01)
    assert other[5] != other[3] and other[:3].sum() < w[:3].sum()
    image = suite.weights(graded + bounds[:2] + [_Bound(np.zeros(500), EVERY_FILE)], 0.01)
    assert image[:3].sum() < w[:3].sum()
    # a bound that a file's format silences leaves the union to the others
    assert np.allclose(suite.weights(graded + bounds, 0.01, [True] * 4 + [False] * 2)[:4], w[:4])


def test_a_union_of_bounds_keeps_the_false_positive_rate_of_the_whole_verdict():
    # real files scored by three graded detectors and three bounds that a real file passes one time
    # in 1500 each (independently, the worst case for a union); each trial calibrates all six on 499
    # fresh files and judges one more: the share of real files labelled generated stays below alpha.
    from engine.detectors import suite

    rng = np.random.default_rng(3)
    n, trials, alpha, rate = 499, 3000, 0.01, 1 / 1500
    generated = 0
    for _ in range(trials):
        graded = rng.normal(size=(n + 1, 3))
        bounds = (rng.random((n + 1, 3)) < rate).astype(float)
        detectors = [_Bound(column[:n]) for column in np.hstack([graded, bounds]).T]
        file = np.concatenate([graded[n], bounds[n]])
        p = [calibration.tail_probability(d.tail, [s])[0] for d, s in zip(detectors, file)]
        generated += calibration.combine(p, suite.weights(detectors, alpha))[0] <= alpha
    assert generated / trials <= alpha + 3 * np.sqrt(alpha / trials)
