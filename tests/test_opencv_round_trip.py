"""OpenCV's resize as matrices (engine/data/opencv_resize.py) and its round trip through a larger side read from a
digit's pixels (engine/data/opencv_round_trip.py, issues #18 and #14), against cv2.resize's own output kept in
tests/data/opencv_resize.npz (OpenCV is not a dependency)."""
import numpy as np
import pytest
from PIL import Image
from scipy import ndimage

from engine import verdict
from engine.case_workflows import new_case
from engine.data.opencv_resize import opencv_matrix
from engine.data import opencv_round_trip as round_trip_module
from engine.data.opencv_round_trip import ROUND_TRIP_RESIDUAL, opencv_round_trip, round_tripped_as
from engine.data.specs import load_spec
from engine.detectors.channel_keys import OPENCV_ROUND_TRIP, channel_key

OPENCV = "tests/data/opencv_resize.npz"


def test_linear_cubic_and_reductions_are_opencvs_own():
    made = np.load(OPENCV)
    for name in ("linear", "cubic"):
        up = opencv_matrix(28, 64, name)
        assert up @ made["x"] @ up.T == pytest.approx(made[f"float_{name}_64"], abs=1e-5), name
    for name in ("linear", "cubic", "area", "nearest"):  # reducing: no antialias but area's
        down = opencv_matrix(64, 28, name)
        assert down @ made["y"] @ down.T == pytest.approx(made[f"float_reduced_{name}"], abs=1e-5), name


def digits(start, stop):
    return np.rint(load_spec(f"builtin:mnist[{start}:{stop}]").x[:, 0] * 255).astype(np.uint8)


@pytest.mark.parametrize("up,down", [("cubic", "cubic"), ("cubic", "linear")])
def test_a_round_trip_through_64_is_read_and_reproduced(up, down):
    made = np.load(OPENCV)[f"digits_round_trip_{up}_64_{down}"]
    # the model is OpenCV's 8-bit output to within its weights' rounding (2 ** -11): a level off here and there
    again = round_tripped_as(digits(9070, 9073), up, 64, down)
    assert np.abs(again - made).max() <= 1 and np.mean(again != made) < 0.05
    for picture in made:
        found = opencv_round_trip(picture)
        assert (found["up"], found["down"], found["side"]) == (up, down, 64)
        assert found["residual"] <= ROUND_TRIP_RESIDUAL


def test_a_round_trip_slow_to_fit_is_read_at_its_side(monkeypatch):
    """Digits whose round trip clipped much overshoot: after the corrections every side gets, their own side fits only
    2.3-3.9 times better than a neighbouring one (unread); its further corrections take it to 0.003-0.02 grey levels."""
    tripped = round_tripped_as(digits(9000, 9023)[[0, 3, 21, 22]], "cubic", 64, "cubic").astype(np.uint8)
    for picture in tripped:
        found = opencv_round_trip(picture)
        assert (found["up"], found["down"], found["side"]) == ("cubic", "cubic", 64)
        assert found["residual"] <= 0.03
    monkeypatch.setattr(round_trip_module, "REFINE_STEPS", 0)
    assert all(opencv_round_trip(picture) is None for picture in tripped)


def test_clean_digits_and_a_blur_are_not_read():
    clean = digits(9100, 9110)
    blurred = np.rint(ndimage.gaussian_filter(clean.astype(float), (0, 0.8, 0.8))).astype(np.uint8)
    assert [opencv_round_trip(p) for p in np.concatenate([clean, blurred])] == [None] * 20


def test_a_round_tripped_digit_is_judged_against_the_reference_round_tripped(tmp_path):
    case = tmp_path / "case"
    new_case(str(case), "builtin:mnist[0:600]")
    paths = []
    for k, picture in enumerate(np.load(OPENCV)["digits_round_trip_cubic_64_cubic"]):
        paths.append(str(tmp_path / f"{k}.png"))
        Image.fromarray(picture).save(paths[-1])
    for found in verdict.judge(str(case), paths)["files"]:
        assert channel_key({"channel": found["channel"]}) == (OPENCV_ROUND_TRIP, "cubic", 64, "cubic")
        assert found["label"] != "generated"


def test_a_picture_of_few_levels_is_not_read_as_a_round_trip():
    """A flat haze of two levels (an untrained generator's 127 and 128) or a threshold's 0 and 255 is a fixed point of
    every round trip near the identity: nothing is read from it."""
    haze = np.full((8, 8), 127, dtype=np.uint8)
    haze[::3, 1::2] = 128
    threshold = np.zeros((28, 28), dtype=np.uint8)
    threshold[6:22, 12:16] = 255
    assert opencv_round_trip(haze) is None and opencv_round_trip(threshold) is None
