"""Channel calibrations kept in the case (engine/detectors/channel_store.py): a later batch through the same channel
reuses the stored arrays (same scores, no recalibration), a changed file refuses verdicts, another channel gets its
own, a union names every calibration it is built from, and a case that cannot store one still judges. A small
digits case: each test takes about a second (at most 2 s under load)."""
import logging
import shutil

import numpy as np
import pytest
from PIL import Image

import main
from engine import case as case_store, case_workflows
from engine.data.loaders import load_path
from engine.data.specs import load_spec
from engine.detectors import calibration, channel_keys, channel_store, channels, suite
from engine.verdict import judge


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    path = tmp_path_factory.mktemp("store") / "case"
    case_workflows.new_case(str(path), "builtin:mnist[0:300]")
    return path


@pytest.fixture
def case_dir(template, tmp_path):
    shutil.copytree(template, tmp_path / "case")
    return str(tmp_path / "case")


def jpegs(folder, quality, start=9000, n=3):
    pixels = (load_spec(f"builtin:mnist[{start}:{start + n}]").x[:, 0] * 255).round().astype(np.uint8)
    paths = []
    for k, digit in enumerate(pixels):
        paths.append(str(folder / f"q{quality}-{start + k}.jpg"))
        Image.fromarray(digit).save(paths[-1], quality=quality)
    return paths


def stored(case_dir):
    with case_store.open_case(case_dir) as case:
        return [a["path"] for a in case.artefacts() if a["role"] == channel_store.ROLE]


def test_a_second_batch_through_the_same_jpeg_channel_reuses_the_stored_calibration(case_dir, tmp_path, monkeypatch):
    first = judge(case_dir, jpegs(tmp_path, 90))["files"]
    (path,) = stored(case_dir)
    assert all(f["channel"]["calibration"] == [f"computed and stored as {path}"] for f in first)
    monkeypatch.setattr(channels, "channelled_reference", lambda *a: pytest.fail("recalibrated"))
    again = judge(case_dir, jpegs(tmp_path, 90))["files"]
    assert all(f["channel"]["calibration"] == [f"reused {path}"] for f in again)
    assert [f["detectors"] for f in again] == [f["detectors"] for f in first]  # the same arrays: the same scores
    assert [f["score"] for f in again] == [f["score"] for f in first]
    with case_store.open_case(case_dir) as case:
        audit = [row for row in case.audit_log() if row["action"] == "channel_calibration_stored"]
    assert len(audit) == 1 and path in audit[0]["params_json"] and "quality 90" in audit[0]["params_json"]


def test_another_jpeg_quality_computes_its_own_calibration(case_dir, tmp_path):
    judge(case_dir, jpegs(tmp_path, 90, n=1))
    verdict = judge(case_dir, jpegs(tmp_path, 75, n=1))["files"][0]
    assert len(stored(case_dir)) == 2 and verdict["channel"]["calibration"][0].startswith("computed and stored")


def test_a_changed_stored_calibration_refuses_verdicts_and_case_verify_lists_it(case_dir, tmp_path, capsys):
    judge(case_dir, jpegs(tmp_path, 90, n=1))
    assert main.main(["case", "verify", case_dir]) == 0
    (path,) = stored(case_dir)
    arrays = dict(np.load(f"{case_dir}/{path}"))
    arrays["profile:cal_outlier"] = arrays["profile:cal_outlier"] * 0.5  # a calibration made to pass more files
    np.savez(f"{case_dir}/{path}", **arrays)
    capsys.readouterr()
    assert main.main(["verdict", jpegs(tmp_path, 90, start=9100, n=1)[0], "--case", case_dir]) == 3
    assert f"modified since it was recorded ({channel_store.ROLE}); verdicts refused" in capsys.readouterr().err
    assert main.main(["case", "verify", case_dir]) == 3
    assert path in capsys.readouterr().out


def test_a_case_that_cannot_store_the_calibration_still_judges(case_dir, tmp_path, caplog):
    with open(f"{case_dir}/{channel_store.FOLDER}", "w"):  # a file where the folder would go: writing fails
        pass
    with caplog.at_level(logging.WARNING, logger=channel_store.__name__):
        verdict = judge(case_dir, jpegs(tmp_path, 90, n=1))["files"][0]
    assert verdict["label"] and verdict["channel"]["calibration"][0].startswith("computed, not stored")
    assert stored(case_dir) == [] and "not stored in the case" in caplog.text


def test_two_batches_storing_the_same_channel_record_it_once(case_dir, tmp_path):
    """The second batch to finish computing keeps its arrays for itself; the case holds the first's, verified."""
    with case_store.open_case(case_dir) as case:
        profile = case.profile()
        detectors = suite.profile_detectors(profile)
        key = channel_keys.channel_key(load_path(jpegs(tmp_path, 90, n=1)[0]).meta)
        lines = []
        first, second = (channel_store.ChannelStore(case, detectors, (), lines.append) for _ in range(2))

        def computed_while_the_other_batch_stores_it():
            first.calibration(key, False, lambda: channels.channel_calibration(detectors, profile, key))
            return channels.channel_calibration(detectors, profile, key)

        second.calibration(key, False, computed_while_the_other_batch_stores_it)
    (path,) = stored(case_dir)
    assert lines == [f"computed and stored as {path}", f"computed; another batch stored it meanwhile as {path}"]
    assert main.main(["case", "verify", case_dir]) == 0


class LearnedStandIn:
    """A learned detector's interface (engine/detectors/learned.py): a model kept, its tail refitted per channel."""
    learned, name, method = True, "cnn:stand-in", "mean pixel"

    def __init__(self, profile):
        self.tail = calibration.tail_model(self.scores(suite.Batch(profile["cal_x"], profile["cal_x_group"])))

    def scores(self, batch):
        return batch.file_mean(batch.x.reshape(len(batch.x), -1).mean(1))


def test_a_learned_detectors_tail_is_stored_and_rebuilt_the_same(case_dir, tmp_path):
    with case_store.open_case(case_dir) as case:
        profile = case.profile()
        detectors = suite.profile_detectors(profile) + [LearnedStandIn(profile)]
        key = channel_keys.channel_key(load_path(jpegs(tmp_path, 90, n=1)[0]).meta)
        store = channel_store.ChannelStore(case, detectors, ())
        computed = channels.channel_detectors(detectors, profile, key, store=store)[0][-1].tail
        assert store.path(key, False) != channel_store.ChannelStore(case, detectors[:-1], ()).path(key, False)
    with case_store.open_case(case_dir) as case:
        reused = channels.channel_detectors(detectors, profile, key,
                                            store=channel_store.ChannelStore(case, detectors, ()))[0][-1].tail
    assert computed["threshold"] == reused["threshold"] and computed["tau"] == reused["tau"]
    np.testing.assert_array_equal(computed["sorted"], reused["sorted"])
    assert not np.array_equal(computed["sorted"], detectors[-1].tail["sorted"])  # refitted on the JPEG'd files


def test_a_resized_then_jpeg_file_names_both_calibrations_its_union_is_built_from(case_dir, tmp_path):
    from tests.test_jpeg_history import through_jpeg
    from tests.test_resize_history import resized

    judge(case_dir, jpegs(tmp_path, 90, n=1))
    (alone,) = stored(case_dir)
    digit = (load_spec("builtin:mnist[9970:9971]").x[0, 0] * 255).round().astype(np.uint8)
    (tmp_path / "r.jpg").write_bytes(through_jpeg(resized(digit, 20, Image.BILINEAR), 90))
    verdict = judge(case_dir, [str(tmp_path / "r.jpg")])["files"][0]
    (union,) = set(stored(case_dir)) - {alone}
    assert verdict["channel"]["calibration"] == [f"computed and stored as {union}", f"reused {alone}"]


def test_the_name_follows_the_channel_the_gain_control_and_the_code_version(case_dir, monkeypatch):
    key = ("JPEG", ((0, tuple(range(64))),), np.int64(2))  # a numpy number, as a read may leave one
    with case_store.open_case(case_dir) as case:
        path = channel_store.ChannelStore(case, [], ()).path
        names = {path(key, False), path(key, True), path(key[:2] + (1,), False)}
        monkeypatch.setattr(channel_store, "VERSION", channel_store.VERSION + 1)
        names.add(channel_store.ChannelStore(case, [], ()).path(key, False))
    assert len(names) == 4 and all(n.startswith(f"{channel_store.FOLDER}/") for n in names)
