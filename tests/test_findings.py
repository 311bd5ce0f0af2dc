"""The words of a verdict (engine/findings.py): the strength scale at its boundaries, the
reason of a file consistent with real files, attribution withheld below chance."""
import pytest

from engine import findings
from engine.detectors.calibration import INCONCLUSIVE_FACTOR


@pytest.mark.parametrize("p, words", [
    (0.5, "no support"), (0.0500001, "no support"), (0.05, "weak support"), (0.0100001, "weak support"),
    (0.01, "moderate support"), (0.0010001, "moderate support"), (0.001, "moderately strong support"),
    (0.0001, "strong support"), (1.0001e-6, "strong support"), (1e-6, "very strong support"),
    (1e-15, "very strong support"),
])
def test_strength_scale_at_its_boundaries(p, words):
    assert findings.strength(p) == words
    assert findings.strength_text(p).startswith(words) and f"{p:.2g}" in findings.strength_text(p)


def test_strength_agrees_with_the_labels_at_the_default_rate():
    # generated at p <= alpha, real above 5 alpha: the scale's bands sit on those bounds
    assert findings.strength(findings.DEFAULT_ALPHA) == "moderate support"
    assert findings.strength(INCONCLUSIVE_FACTOR * findings.DEFAULT_ALPHA * 1.0001) == "no support"


def verdict(label, detectors, attribution=None, reasons=("rule", "decisive detector said so")):
    return {"label": label, "score": 0.5, "reasons": list(reasons), "attribution": attribution,
            "detectors": {"alpha": 0.01, **detectors}}


def test_combined_tail_probability_is_recomputed_from_the_stored_detectors():
    v = verdict("inconclusive", {"a": {"score": 1, "tail_probability": 0.004, "weight": 0.5},
                                 "b": {"score": 1, "tail_probability": 0.3, "weight": 0.5}})
    assert findings.tail_probability(v) == pytest.approx(0.008)


def test_a_file_consistent_with_real_files_is_explained_by_its_closest_detector_not_as_decided():
    v = verdict("real", {"grid": {"score": 0, "tail_probability": 0.001, "weight": 0.0},  # mute: left out
                         "features": {"score": 3, "tail_probability": 0.2, "weight": 0.5},
                         "chroma": {"score": 3, "tail_probability": 0.09, "weight": 0.5}})
    line = findings.reason_line(v)
    assert line.startswith("no detector exceeded its threshold; closest: chroma")
    assert "0.005" in line  # its threshold alpha * weight
    described = findings.describe(v)
    assert described["finding"] == "Consistent with real files" and described["strength"] == "no support"


def test_generated_file_gives_the_decisive_detectors_reason():
    v = verdict("generated", {"features": {"score": 90, "tail_probability": 1e-9, "weight": 1.0}})
    assert findings.reason_line(v) == "decisive detector said so"
    assert findings.describe(v)["strength"] == "very strong support"


def test_a_detector_standing_aside_in_its_own_words_is_named_and_others_are_not():
    v = verdict("real", {"replay": {"score": 4, "tail_probability": 1e-12, "weight": 0.0},
                         "grid": {"score": 0, "tail_probability": 0.5, "weight": 0.0},
                         "chroma": {"score": 1, "tail_probability": 0.4, "weight": 0.5}},
                reasons=("rule", "chroma: as the reference", "replay: stands aside: the file is a verbatim excerpt of "
                         "reference piece bwv300.mid; its counts", "grid: velocities are a performance's"))
    assert findings.stood_aside(v) == ["replay stands aside: the file is a verbatim excerpt of reference piece "
                                       "bwv300.mid; its counts"]
    weighed = verdict("real", {"replay": {"score": 4, "tail_probability": 0.3, "weight": 0.5}},
                      reasons=("rule", "replay: stands aside: stale words"))
    assert findings.stood_aside(weighed) == []  # a detector that was weighed did not stand aside


CLASSIFIER = {"labels": ["real", "gan-a", "gan-b"], "confusion_matrix": [[50, 0, 0], [0, 45, 5], [0, 10, 40]]}


def test_attribution_withheld_below_chance_among_the_generators():
    v = verdict("generated", {}, attribution={"generator": "gan-a", "probability": 0.55})
    found = findings.attribution(v, [CLASSIFIER])
    assert not found["shown"] and "chance" in found["text"]  # 0.55 < 1/2 + margin


def test_attribution_shown_above_chance_with_its_measured_precision():
    v = verdict("generated", {}, attribution={"generator": "gan-a", "probability": 0.9})
    found = findings.attribution(v, [CLASSIFIER])
    assert found["shown"] and "45 of 55" in found["text"]


def test_attribution_withheld_when_not_calibrated_or_only_one_generator_or_not_generated():
    v = verdict("generated", {}, attribution={"generator": "gan-a", "probability": 0.99})
    assert not findings.attribution(v, [])["shown"]  # no test results for the classifier
    one = {"labels": ["real", "gan-a"], "confusion_matrix": [[5, 0], [0, 5]]}
    assert not findings.attribution(v, [one])["shown"]
    assert findings.attribution(dict(v, label="inconclusive"), [CLASSIFIER]) is None
