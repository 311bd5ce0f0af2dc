"""The case store: schema and migrations, transactions, the append-only audit log,
evidence intake and re-verification, run registration checks."""
import hashlib
import json
import sqlite3

import pytest

from engine import case as case_store, case_workflows
from engine.errors import InputError


@pytest.fixture
def case(tmp_path):
    with case_store.create_case(tmp_path / "c", name="unit") as c:
        yield c


def test_create_case_makes_folders_wal_and_current_schema(tmp_path):
    with case_store.create_case(tmp_path / "c") as c:
        assert c.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert c.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert c.conn.execute("PRAGMA user_version").fetchone()[0] == case_store.SCHEMA_VERSION
        assert len(c.case_id) == 12
    for sub in case_store.ARTEFACT_DIRS:
        assert (tmp_path / "c" / sub).is_dir()


def test_create_case_refuses_an_existing_case(tmp_path):
    case_store.create_case(tmp_path / "c").close()
    with pytest.raises(InputError, match="already exists"):
        case_store.create_case(tmp_path / "c")


def test_open_case_migrates_an_older_schema(tmp_path):
    db = tmp_path / "case.sqlite"
    conn = sqlite3.connect(db)
    conn.executescript(case_store.MIGRATIONS[0])
    conn.execute("PRAGMA user_version = 1")
    conn.close()
    with case_store.open_case(tmp_path) as c:
        assert c.conn.execute("PRAGMA user_version").fetchone()[0] == case_store.SCHEMA_VERSION
        c.conn.execute("SELECT run_id, detector, path FROM calibration").fetchall()
        c.conn.execute("SELECT data_json FROM run").fetchall()


def test_open_case_rejects_a_folder_without_a_case(tmp_path):
    with pytest.raises(InputError, match="not a case folder"):
        case_store.open_case(tmp_path)


def test_audit_log_rejects_update_and_delete(case):
    case.log("something", {"a": 1})
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        case.conn.execute("UPDATE audit SET action = 'x'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        case.conn.execute("DELETE FROM audit")
    assert [e["action"] for e in case.audit_log()] == ["case_created", "something"]


def test_failed_transaction_leaves_neither_change_nor_audit_row(case, tmp_path):
    before = len(case.audit_log())
    with pytest.raises(RuntimeError):
        with case.transaction("meant_to_fail", {}) as db:
            db.execute("INSERT INTO meta (key, value) VALUES ('k', 'v')")
            raise RuntimeError("boom")
    assert "k" not in case.meta()
    assert len(case.audit_log()) == before


def test_intake_records_hash_and_reuses_the_row_for_the_same_content(case, tmp_path):
    f = tmp_path / "e.bin"
    f.write_bytes(b"evidence")
    first = case_store.intake(case, f, "image")
    again = case_store.intake(case, f, "image")
    assert first["id"] == again["id"]
    assert first["sha256"] == hashlib.sha256(b"evidence").hexdigest()
    assert first["size"] == 8


def test_verify_evidence_flags_a_changed_byte_and_logs_it(case, tmp_path):
    f = tmp_path / "e.bin"
    f.write_bytes(b"evidence")
    case_store.intake(case, f, "image")
    f.write_bytes(b"evidencE")
    (result,) = case_store.verify_evidence(case)
    assert result["status"] == "modified"
    entry = case.audit_log()[-1]
    assert entry["action"] == "evidence_verified"
    assert json.loads(entry["params_json"])["mismatches"][0]["status"] == "modified"


def test_verify_evidence_flags_a_missing_file(case, tmp_path):
    f = tmp_path / "e.bin"
    f.write_bytes(b"evidence")
    case_store.intake(case, f, "image")
    f.unlink()
    assert case_store.verify_evidence(case)[0]["status"] == "missing"


def test_verdict_label_is_constrained(case, tmp_path):
    f = tmp_path / "e.bin"
    f.write_bytes(b"x")
    bad = {"path": str(f), "modality": "image", "label": "error", "score": 0.5, "reasons": [], "attribution": None}
    with pytest.raises(sqlite3.IntegrityError):
        case_store.record_verdict(case, f, bad, {}, "fingerprint")
    assert case.evidence() == []  # the intake rolled back with the verdict


def test_register_run_rejects_unknown_kind_and_missing_model(tmp_path):
    case_store.create_case(tmp_path / "c").close()
    run = tmp_path / "run"
    run.mkdir()
    (run / "run.json").write_text(json.dumps({"kind": "mystery", "status": "finished"}))
    with pytest.raises(InputError, match="unknown run kind"):
        case_workflows.register_run(tmp_path / "c", run)
    (run / "run.json").write_text(json.dumps({"kind": "gan", "status": "finished"}))
    with pytest.raises(InputError, match="no safetensors"):
        case_workflows.register_run(tmp_path / "c", run)
    (run / "run.json").write_text("{broken")
    with pytest.raises(InputError, match="not a readable training run"):
        case_workflows.register_run(tmp_path / "c", run)
