"""Artefacts of older cases are brought to the current format once, when the case is opened
(engine/case_upgrades.py): audited, re-hashed so `case verify` stays green, and with the
same verdicts as before."""
import json
import shutil

import numpy as np
import pytest
from PIL import Image

import main
from engine import case as case_store, case_upgrades, case_verify, case_workflows
from engine.detectors import learned

DIGITS_REFERENCE = "builtin:digits[0:200]"
TINY = ["--batch-size", "32", "--threads", "1"]
# What this tool's artefacts hold that those of the last tool before format 1 did not.
NEW_KEYS = {"reference.npz": ("texture_version",), "_cnn.npz": ("unclipped",), "_logistic.npz": ("pooled",)}


def old_format(path, arrays):
    """The arrays as the tool before format 1 wrote them (for this case, the same values)."""
    for suffix, keys in NEW_KEYS.items():
        if str(path).endswith(suffix):
            return {k: v for k, v in arrays.items() if k not in keys}
    return arrays


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("runs")
    assert main.main(["train", "gan", "--data", "builtin:digits[0:160]", "--out", str(base / "gan"), "--steps", "3",
                      "--width", "8", "--z-dim", "8", *TINY]) == 0
    assert main.main(["train", "classifier", "--real", "builtin:digits[0:160]", "--fake", f"gan={base / 'gan'}",
                      "--out", str(base / "clf"), "--steps", "5", "--architecture", "logreg", *TINY]) == 0
    return base


def make_case(case_dir, runs):
    case_workflows.new_case(str(case_dir), DIGITS_REFERENCE, name="upgrade")
    for run in ("gan", "clf"):
        case_workflows.register_run(str(case_dir), str(runs / run))


@pytest.fixture(scope="module")
def cases(runs, tmp_path_factory):
    """(a case made by this tool, the same case as the tool before format 1 made it: schema 4,
    no artefact format recorded, artefacts without the arrays format 1 spells out)."""
    base = tmp_path_factory.mktemp("cases")
    make_case(base / "current", runs)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(case_store, "MIGRATIONS", case_store.MIGRATIONS[:4])
        mp.setattr(case_store, "SCHEMA_VERSION", 4)
        mp.setattr(case_store, "SEALED_TABLES", case_store.INTEGRITY_TABLES)
        mp.setattr(case_store.Case, "runs", lambda case, kind=None: [  # schema 4 retires no run
            case_store._decode(row, "run") for row in case.conn.execute("SELECT * FROM run ORDER BY id")
            if kind in (None, row["kind"])])
        mp.setattr(case_workflows, "record_current_format", lambda case: None)
        mp.setattr(case_workflows, "upgrade_case", lambda case: None)
        save = case_workflows.save_arrays
        mp.setattr(case_workflows, "save_arrays", lambda path, arrays: save(path, old_format(path, arrays)))
        mp.setattr(learned, "texture_version", lambda profile: int(profile.get("texture_version", 1)))
        make_case(base / "old", runs)
    return base / "current", base / "old"


@pytest.fixture
def evidence(tmp_path, runs):
    from engine.data.specs import load_spec
    from engine.runs import sample_run

    paths = []
    real = load_spec("builtin:digits[1500:1503]").x[:, 0]
    fake = sample_run(str(runs / "gan"), 2, 7)[0][:, 0]
    for i, m in enumerate(np.concatenate([real, fake])):
        path = tmp_path / f"file_{i}.png"
        Image.fromarray(np.round(np.clip(m, 0, 1) * 255).astype(np.uint8)).save(path)
        paths.append(str(path))
    return paths


def verdicts(case_dir, paths, out):
    assert main.main(["verdict", *paths, "--case", str(case_dir), "--json", str(out)]) == 0
    result = json.loads(out.read_text())
    for f in result["files"]:
        f.pop("sha256")
    return result


def upgrade_rows(case_dir):
    with case_store.open_case(str(case_dir)) as case:
        return [json.loads(r["params_json"]) for r in case.audit_log() if r["action"] == "artefacts_upgraded"]


def test_an_old_case_is_upgraded_once_audited_verified_and_judges_alike(cases, evidence, tmp_path):
    current, old = cases
    copy = tmp_path / "old"
    shutil.copytree(old, copy)
    with case_store.open_case(str(copy)) as case:  # the bare store: schema migrated, artefacts as found
        assert case.artefact_format() == 0
        before = {a["path"]: a["sha256"] for a in case.artefacts()}

    assert verdicts(copy, evidence, tmp_path / "a.json") == verdicts(current, evidence, tmp_path / "b.json")
    with case_workflows.open_case(str(copy)) as case:  # a second opening changes nothing
        assert case.artefact_format() == case_upgrades.ARTEFACT_FORMAT
        result = case_verify.verify_case(case)
        assert result["ok"], result["problems"]
        after = {a["path"]: a for a in case.artefacts()}
    (row,) = upgrade_rows(copy)
    assert row["version"] == case_upgrades.ARTEFACT_FORMAT and row["skipped"] == []
    rewritten = {a["path"]: a for a in row["artefacts"]}
    assert sorted(rewritten) == sorted(["profiles/reference.npz", "profiles/run1_logistic.npz", "profiles/run2_cnn.npz"])
    for path, entry in rewritten.items():
        assert entry["sha256_before"] == before[path] and entry["sha256_after"] == after[path]["sha256"] != before[path]
        assert after[path]["on_upgrade"] == 1 and entry["changes"]
    from engine.npz import load_arrays

    assert int(load_arrays(copy / "profiles/reference.npz")["texture_version"]) == 1
    assert bool(load_arrays(copy / "profiles/run2_cnn.npz")["unclipped"]) is False
    assert bool(load_arrays(copy / "profiles/run1_logistic.npz")["pooled"]) is True


def test_a_current_case_is_not_rewritten(cases, tmp_path):
    current, _ = cases
    with case_workflows.open_case(str(current)) as case:
        assert case.artefact_format() == case_upgrades.ARTEFACT_FORMAT
    assert upgrade_rows(current) == []


def test_an_edited_artefact_is_never_rewritten_by_the_upgrade(cases, evidence, tmp_path, capsys):
    """Upgrading would record the edited bytes' hash and launder the edit: it is left alone, noted
    in the upgrade's audit row, and verdicts stay refused."""
    copy = tmp_path / "old"
    shutil.copytree(cases[1], copy)
    cal = copy / "profiles/run2_cnn.npz"
    data = bytearray(cal.read_bytes())
    data[-5] ^= 0xFF
    cal.write_bytes(bytes(data))
    assert main.main(["verdict", evidence[0], "--case", str(copy)]) == 3
    (row,) = upgrade_rows(copy)
    assert row["skipped"] == [{"path": "profiles/run2_cnn.npz", "reason": "modified since it was recorded"}]
    assert "profiles/run2_cnn.npz" not in [a["path"] for a in row["artefacts"]]
    with case_store.open_case(str(copy)) as case:
        assert [p for p in case_verify.verify_case(case)["problems"] if "run2_cnn" in p]


def test_an_upgrade_failing_at_its_commit_puts_the_old_bytes_back(cases, tmp_path, monkeypatch):
    """The rewritten files are moved into place just before the commit; a failure there
    leaves the artefacts and their records as they were, and the next opening tries again."""
    copy = tmp_path / "old"
    shutil.copytree(cases[1], copy)
    before = {p.name: p.read_bytes() for p in (copy / "profiles").iterdir()}
    append = case_store._append_audit

    def fail_upgrade(conn, action, params):
        if action == "artefacts_upgraded":
            assert {p.name: p.read_bytes() for p in (copy / "profiles").iterdir()} != before  # moved in
            raise OSError("disk full")
        append(conn, action, params)

    monkeypatch.setattr(case_store, "_append_audit", fail_upgrade)
    with pytest.raises(OSError):
        case_workflows.open_case(str(copy))
    monkeypatch.setattr(case_store, "_append_audit", append)
    assert {p.name: p.read_bytes() for p in (copy / "profiles").iterdir()} == before
    with case_store.open_case(str(copy)) as case:
        assert case.artefact_format() == 0 and case_verify.verify_case(case)["ok"]
    with case_workflows.open_case(str(copy)) as case:
        assert case.artefact_format() == case_upgrades.ARTEFACT_FORMAT and case_verify.verify_case(case)["ok"]


def test_a_logistic_model_from_before_pooling_and_texture_stays_a_detector_of_its_own():
    """One model per GAN, fitted on the features alone: each keeps its detector after the upgrade."""
    arrays = {"mean": np.zeros(3), "scale": np.ones(3), "coef": np.ones(3), "intercept": np.array(0.0),
              "cal": np.linspace(-1, 1, 9)}
    upgraded, changes = case_upgrades.logistic_upgrade(arrays, {"name": "gan-a"})
    assert int(upgraded["texture"]) == 0 and bool(upgraded["pooled"]) is False and list(upgraded["generators"]) == ["gan-a"]
    detector = learned.logistic_detector({"name": "gan-a"}, upgraded)
    assert detector.name == "logistic:gan-a" and detector.texture_version == 0
    assert case_upgrades.logistic_upgrade(upgraded, {"name": "gan-a"}) is None  # once


def test_a_verdict_hashes_each_artefact_once(cases, evidence, tmp_path, monkeypatch):
    """A verdict checks every artefact before it loads any; loading them does not hash them again."""
    copy = tmp_path / "current"
    shutil.copytree(cases[0], copy)
    with case_store.open_case(str(copy)) as case:
        artefacts = {case.path(a["path"]) for a in case.artefacts()}
    hashed = []
    file_hash = case_store._file_hash
    monkeypatch.setattr(case_store, "_file_hash", lambda path: hashed.append(str(path)) or file_hash(path))
    assert main.main(["verdict", evidence[0], "--case", str(copy)]) == 0
    counts = {path: hashed.count(path) for path in artefacts}
    assert set(counts.values()) == {1}, counts
