"""compare_sets / compare_profiles: the analyze JSON "results" entry, on small real data."""
import io

import numpy as np
import pytest

from engine.analysis.compare import compare_profiles, compare_sets
from engine.analysis.features import MOMENTS
from engine.analysis.profile import load_profile, profile, save_profile
from engine.data.baselines import draw_baseline
from engine.data.specs import load_spec
from engine.errors import InputError

TEST_KEYS = {"ks_statistic", "ks_pvalue", "jsd"}


@pytest.fixture(scope="module")
def mnist():
    return load_spec("builtin:mnist[0:600]"), load_spec("builtin:mnist[600:1200]")


def test_entry_has_the_design_keys_with_one_test_per_moment(mnist):
    reference, other = mnist
    entry = compare_sets(reference, other)
    assert entry["name"] == other.name and entry["n"] == 600
    assert TEST_KEYS <= entry["intensity"].keys()
    for feature in ("centroid", "slope"):
        assert set(entry[feature]) == set(MOMENTS)
        assert all(entry[feature][m].keys() == TEST_KEYS for m in MOMENTS)
    assert "violations" not in entry


def test_reference_against_itself_is_ks_zero_p_one_jsd_zero(mnist):
    reference, _ = mnist
    entry = compare_sets(reference, reference)
    tests = [entry["intensity"]] + [entry[f][m] for f in ("centroid", "slope") for m in MOMENTS]
    for t in tests:
        assert (t["ks_statistic"], t["ks_pvalue"], t["jsd"]) == (0.0, 1.0, 0.0)


def test_held_out_digits_are_far_closer_than_the_bernoulli_baseline(mnist):
    reference, held_out = mnist
    ref = profile(reference)
    near = compare_profiles(ref, profile(held_out))["intensity"]
    far = compare_profiles(ref, profile(draw_baseline("bernoulli", reference)))["intensity"]
    assert far["jsd"] > 10 * near["jsd"]
    assert far["ks_statistic"] > 2 * near["ks_statistic"]


def test_music_entry_counts_violations_and_compares_durations():
    reference = load_spec("builtin:bach[0:12]")
    held_out = load_spec("builtin:bach[12:16]")
    ref = profile(reference)
    itself = compare_profiles(ref, ref)
    assert itself["violations"] == 0 and itself["durations"]["ks_statistic"] == 0.0
    near = compare_profiles(ref, profile(held_out))
    noise = compare_profiles(ref, profile(draw_baseline("bernoulli", reference)))
    assert 0 < near["violations"] < 0.5 * near["transitions"]
    assert noise["violations"] > 0.9 * noise["transitions"]
    assert noise["durations"]["ks_statistic"] > near["durations"]["ks_statistic"]


def test_a_saved_profile_reloads_without_pickle_and_compares_identically(mnist, tmp_path):
    reference, other = mnist
    path = tmp_path / "reference.npz"
    save_profile(path, profile(reference))
    assert compare_profiles(load_profile(path), profile(other)) == compare_sets(reference, other)


def test_loading_something_that_is_not_a_profile_is_an_input_error(tmp_path):
    path = tmp_path / "bad.npz"
    path.write_bytes(b"not a zip")
    with pytest.raises(InputError):
        load_profile(path)
    buffer = io.BytesIO()
    np.savez(buffer, x=np.zeros(3))
    (tmp_path / "other.npz").write_bytes(buffer.getvalue())
    with pytest.raises(InputError, match="missing"):
        load_profile(tmp_path / "other.npz")
