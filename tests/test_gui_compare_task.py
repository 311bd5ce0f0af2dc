"""The window's compare task (gui/tasks/compare.py): the reference against sets, in the job protocol, no Qt."""
import pytest

from engine.errors import InputError
from engine.jobs import JobState
from gui.tasks.compare import compare_job


def test_compare_job_returns_each_sets_statistics_and_curves():
    result = compare_job({"reference": "builtin:digits[0:200]", "others": [("held out", "builtin:digits[200:400]")]},
                         JobState())
    assert result["reference"]["modality"] == "image" and [s["name"] for s in result["sets"]] == ["held out"]
    assert 0 <= result["sets"][0]["result"]["intensity"]["ks_statistic"] <= 1


def test_compare_job_refuses_a_set_of_another_modality_naming_it():
    with pytest.raises(InputError, match=r"^builtin:fsdd\[0:2\]: holds speech samples .* must share a modality"):
        compare_job({"reference": "builtin:digits[0:50]", "others": [("speech", "builtin:fsdd[0:2]")]}, JobState())
