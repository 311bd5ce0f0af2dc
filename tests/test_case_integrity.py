"""Evidence you can defend (#11): artefact hashes re-verified before use, the audit hash
chain and row seals, evidence intake by content, registration that fits the case,
atomic `case new` and registration under kill -9, concurrent verdicts, exit codes."""
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

import numpy as np
import pytest
from PIL import Image

import main
from engine import case as case_store, case_workflows, case_verify
from engine.errors import InputError

DIGITS_REFERENCE = "builtin:digits[0:200]"
TINY_GAN = ["--width", "8", "--z-dim", "8", "--batch-size", "32", "--threads", "1"]
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A digits case and a tiny logistic classifier run that fits it (built once, copied per test)."""
    base = tmp_path_factory.mktemp("template")
    case_workflows.new_case(str(base / "case"), DIGITS_REFERENCE, name="integrity")
    assert main.main(["train", "gan", "--data", "builtin:digits[0:160]", "--out", str(base / "gan"), "--steps", "2",
                      *TINY_GAN]) == 0
    assert main.main(["train", "classifier", "--real", "builtin:digits[0:160]", "--fake", f"gan={base / 'gan'}",
                      "--out", str(base / "clf"), "--steps", "5", "--architecture", "logreg", "--threads", "1"]) == 0
    return base


@pytest.fixture
def case_dir(template, tmp_path):
    shutil.copytree(template / "case", tmp_path / "case")
    return tmp_path / "case"


@pytest.fixture
def registered(template, case_dir):
    case_workflows.register_run(str(case_dir), str(template / "clf"))
    return case_dir


@pytest.fixture
def evidence(tmp_path):
    from engine.data.specs import load_spec

    paths = []
    for i, m in enumerate(load_spec("builtin:digits[1500:1503]").x[:, 0]):
        path = tmp_path / f"real_{i}.png"
        Image.fromarray(np.round(m * 255).astype(np.uint8)).save(path)
        paths.append(path)
    return paths


def problems(case_dir):
    with case_store.open_case(str(case_dir)) as case:
        return case_verify.verify_case(case)["problems"]


def one_line(err, text):
    """The error is one line holding `text` (progress bars aside) and no traceback."""
    lines = [line for line in err.splitlines() if line.startswith(("error:", "integrity failure:"))]
    return len(lines) == 1 and text in lines[0] and "Traceback" not in err


def flip_byte(path, offset=-5):
    data = bytearray(path.read_bytes())
    data[offset] ^= 0xFF
    path.write_bytes(bytes(data))


def raw_sql(case_dir, *statements):
    """Edits the database by hand, as an attacker would (triggers dropped first)."""
    conn = sqlite3.connect(case_dir / "case.sqlite")
    conn.execute("DROP TRIGGER IF EXISTS audit_no_update")
    conn.execute("DROP TRIGGER IF EXISTS audit_no_delete")
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


# --- artefacts ------------------------------------------------------------------------


def test_a_fresh_case_with_a_registered_run_verifies(registered, capsys):
    assert main.main(["case", "verify", str(registered)]) == 0
    assert "verified" in capsys.readouterr().out
    with case_store.open_case(str(registered)) as case:
        roles = sorted(a["role"] for a in case.artefacts())
    assert roles == ["calibration cnn", "checkpoint", "checkpoint sidecar", "reference profile"]


@pytest.mark.parametrize("target", ["reference profile", "calibration cnn", "checkpoint", "checkpoint sidecar"])
def test_a_hand_edited_artefact_refuses_verdicts_and_is_flagged(case_dir, template, evidence, target, tmp_path,
                                                                 capsys):
    run = tmp_path / "clf"  # a copy: the tests share the template's run folder
    shutil.copytree(template / "clf", run)
    case_workflows.register_run(str(case_dir), str(run))
    with case_store.open_case(str(case_dir)) as case:
        (path,) = [case.path(a["path"]) for a in case.artefacts() if a["role"] == target]
    registered = case_dir
    flip_byte(tmp_path / path, -3)
    rc = main.main(["verdict", str(evidence[0]), "--case", str(registered)])
    err = capsys.readouterr().err
    assert rc == 3 and one_line(err, "modified since it was recorded")
    assert main.main(["case", "verify", str(registered)]) == 3
    assert "INTEGRITY" in capsys.readouterr().out
    with case_store.open_case(str(registered)) as case:
        assert case.evidence() == []  # nothing judged with a changed artefact


def test_a_calibration_whose_hash_was_re_recorded_by_hand_is_refused(registered, evidence, capsys):
    """An edited artefact whose new hash was written into the artefact table by hand: the
    row's seal in the audit log no longer matches, and verdicts are refused."""
    with case_store.open_case(str(registered)) as case:
        (cal,) = [a for a in case.artefacts() if a["role"] == "calibration cnn"]
    np.savez(registered / cal["path"], cal=np.array([1e308, -1e308, 1e308]), unclipped=np.array(True))
    digest = case_store._file_hash(registered / cal["path"])
    raw_sql(registered, f"UPDATE artefact SET sha256 = '{digest}' WHERE id = {cal['id']}")
    rc = main.main(["verdict", str(evidence[0]), "--case", str(registered)])
    assert rc == 3 and one_line(capsys.readouterr().err, f"artefact row {cal['id']}: edited after it was recorded")
    assert any("artefact row" in p and "edited" in p for p in problems(registered))


@pytest.mark.filterwarnings("ignore:overflow encountered")
def test_extreme_values_in_an_unverified_calibration_give_one_line_not_a_traceback(registered, evidence,
                                                                                   monkeypatch, capsys):
    """Defence in depth (a case upgraded with an artefact already edited): values no
    calibration produces end the verdict with one line."""
    monkeypatch.setattr(case_store, "require_artefact", lambda *a: None)
    monkeypatch.setattr(case_verify, "verify_artefacts", lambda case: [])
    with case_store.open_case(str(registered)) as case:
        (cal,) = [a for a in case.artefacts() if a["role"] == "calibration cnn"]
    for values in ([1e308, -1e308, 1e308], [np.inf, 0.0], [1e300] * 50):
        np.savez(registered / cal["path"], cal=np.array(values), unclipped=np.array(True))
        rc = main.main(["verdict", str(evidence[0]), "--case", str(registered)])
        err = capsys.readouterr().err
        assert "Traceback" not in err and rc in (0, 2), (values, err)
    # the reference profile's checkerboard calibration at 1e308: 10 ** score overflowed in a reason
    profile = case_store.Case(str(registered), None).path("profiles", "reference.npz")
    from engine.npz import load_arrays, save_arrays

    arrays = load_arrays(profile)
    save_arrays(profile, {**arrays, "cal_checkerboard": np.full_like(arrays["cal_checkerboard"], 1e308)})
    rc = main.main(["verdict", str(evidence[0]), "--case", str(registered)])
    assert rc == 2 and one_line(capsys.readouterr().err, "values out of range")


def test_a_newer_checkpoint_in_a_registered_run_folder_is_flagged(registered, template, tmp_path, evidence, capsys):
    run = tmp_path / "clf"
    shutil.copytree(template / "clf", run)
    shutil.rmtree(registered)
    shutil.copytree(template / "case", registered)
    case_workflows.register_run(str(registered), str(run))
    latest = max(run.glob("checkpoint-*.safetensors"))
    for ext in (".safetensors", ".json"):
        shutil.copy(str(latest)[: -len(".safetensors")] + ext, run / f"checkpoint-99999999{ext}")
    assert main.main(["verdict", str(evidence[0]), "--case", str(registered)]) == 3
    assert "replaced" in capsys.readouterr().err


# --- the audit chain and sealed rows --------------------------------------------------


def test_edited_deleted_and_inserted_audit_rows_are_flagged(case_dir, capsys):
    assert problems(case_dir) == []
    with case_store.open_case(str(case_dir)) as case:
        n = len(case.audit_log())
    edited = case_dir.parent / "edited"
    for name, statement, expected in [
        ("edited", "UPDATE audit SET params_json = '{}' WHERE id = 2", "audit row 2 (reference_added): edited"),
        ("deleted", "DELETE FROM audit WHERE id = 2", "audit row 3"),
        ("inserted", "INSERT INTO audit (id, time, action, params_json, operator, prev_hash, hash) "
                     f"VALUES ({n + 1}, '2020-01-01T00:00:00+00:00', 'verdict', '{{}}', 'x', 'y', 'z')",
         f"audit row {n + 1} (verdict): does not follow"),
        ("inserted without hash", "INSERT INTO audit (time, action, params_json) VALUES ('2020', 'x', '{}')",
         "no hash, inserted outside the tool"),
    ]:
        shutil.rmtree(edited, ignore_errors=True)
        shutil.copytree(case_dir, edited)
        raw_sql(edited, statement)
        found = problems(edited)
        assert any(expected in p for p in found), (name, found)
        assert main.main(["case", "verify", str(edited)]) == 3
        assert "INTEGRITY" in capsys.readouterr().out


def test_audit_rows_carry_the_operator(case_dir):
    import getpass

    with case_store.open_case(str(case_dir)) as case:
        assert {e["operator"] for e in case.audit_log()} == {getpass.getuser()}


def test_hand_edited_verdict_and_evidence_rows_are_flagged_and_the_report_exits_3(case_dir, evidence, tmp_path,
                                                                                  capsys):
    assert main.main(["verdict", str(evidence[0]), "--case", str(case_dir)]) == 0
    # flip the label and the score, whatever the verdict was (a clean real digit can score exactly 0)
    raw_sql(case_dir, "UPDATE verdict SET label = CASE label WHEN 'real' THEN 'generated' ELSE 'real' END, "
                      "score = 1.0 - score",
            "INSERT INTO evidence (path, sha256, size, modality, intake_time) VALUES ('/x', 'aa', 1, 'image', 't')")
    found = problems(case_dir)
    assert any(p.startswith("verdict row 1: edited") for p in found)
    assert any(p.startswith("evidence row 2: not recorded in the audit log") for p in found)
    out = tmp_path / "r.pdf"
    assert main.main(["report", "--case", str(case_dir), "--out", str(out)]) == 3
    assert out.read_bytes().startswith(b"%PDF")
    assert "INTEGRITY FAILURE" in capsys.readouterr().out


def test_a_malformed_verdict_row_is_flagged_in_a_written_report(case_dir, evidence, tmp_path, capsys):
    assert main.main(["verdict", str(evidence[0]), "--case", str(case_dir)]) == 0
    raw_sql(case_dir, "UPDATE verdict SET reasons_json = '{broken'")
    out = tmp_path / "r.pdf"
    assert main.main(["report", "--case", str(case_dir), "--out", str(out)]) == 3  # written, flagged
    assert "Traceback" not in capsys.readouterr().err
    from test_report import pdf_text

    assert "malformed reasons_json" in pdf_text(out)
    rc = main.main(["verdict", str(evidence[1]), "--case", str(case_dir)])  # other readers: one line
    assert rc == 0
    with case_store.open_case(str(case_dir)) as case, pytest.raises(case_store.IntegrityFailure, match="malformed"):
        case.verdicts()


def test_an_older_case_is_sealed_on_upgrade_and_its_old_rows_stay_checked(tmp_path):
    case_dir = tmp_path / "old"
    (case_dir / "profiles").mkdir(parents=True)
    (case_dir / "profiles" / "reference.npz").write_bytes(b"profile bytes")
    conn = sqlite3.connect(case_dir / "case.sqlite")
    for script in case_store.MIGRATIONS[:3]:
        conn.executescript(script)
    conn.execute("PRAGMA user_version = 3")
    conn.execute("INSERT INTO audit (time, action, params_json) VALUES ('2024-01-01', 'case_created', '{}')")
    conn.execute("INSERT INTO reference (name, spec, modality, n, sample_shape, files_json, profile_path, "
                 "profile_sha256, created) VALUES ('r', 's', 'image', 1, '[1, 8, 8]', '[]', 'profiles/reference.npz', "
                 f"'{case_store._file_hash(case_dir / 'profiles' / 'reference.npz')}', '2024-01-01')")
    conn.commit()
    conn.close()
    assert problems(case_dir) == []
    with case_store.open_case(str(case_dir)) as case:
        actions = [e["action"] for e in case.audit_log()]
        assert actions[:2] == ["case_created", "integrity_upgrade"]
        assert [a["role"] for a in case.artefacts()] == ["reference profile"]
    raw_sql(case_dir, "UPDATE reference SET spec = 'elsewhere' WHERE id = 1")  # a row from before the upgrade
    assert any("reference row 1: edited" in p for p in problems(case_dir))
    raw_sql(case_dir, "UPDATE audit SET action = 'other' WHERE id = 1")
    assert any("does not follow the start of the log" in p for p in problems(case_dir))


def test_a_calibration_row_deleted_by_hand_is_flagged(registered):
    assert problems(registered) == []
    raw_sql(registered, "DELETE FROM calibration")  # its detector would vanish from every verdict
    assert any("calibration row" in p and "deleted" in p for p in problems(registered))


# --- verdict fingerprints -------------------------------------------------------------


def test_verdicts_store_the_detector_fingerprint_and_a_report_flags_an_older_set(case_dir, template, evidence,
                                                                              tmp_path):
    from engine.report import write_report

    assert main.main(["verdict", str(evidence[0]), "--case", str(case_dir)]) == 0
    with case_store.open_case(str(case_dir)) as case:
        (before,) = case.verdicts()
    assert len(before["fingerprint"]) == 64
    case_workflows.register_run(str(case_dir), str(template / "clf"))  # the detector set changes
    out = tmp_path / "r.pdf"
    assert write_report(str(out), [str(case_dir)])["integrity_ok"]
    from test_report import pdf_text

    assert "older detector set" in pdf_text(out)


# --- evidence intake by content -------------------------------------------------------


def test_a_modified_file_is_refused_on_re_verdict_with_exit_3(case_dir, evidence, tmp_path, capsys):
    assert main.main(["verdict", str(evidence[0]), "--case", str(case_dir)]) == 0
    with Image.open(evidence[0]) as img:
        pixels = np.array(img)
    pixels[0, 0] ^= 0xFF
    Image.fromarray(pixels).save(evidence[0])
    out = tmp_path / "v.json"
    assert main.main(["verdict", str(evidence[0]), "--case", str(case_dir), "--json", str(out)]) == 3
    assert "MODIFIED" in capsys.readouterr().out
    (entry,) = json.loads(out.read_text())["files"]
    assert entry["integrity"] == "modified" and entry["label"] is None
    with case_store.open_case(str(case_dir)) as case:
        assert len(case.evidence()) == 1 and len(case.verdicts()) == 1  # never judged as new evidence


def test_a_byte_identical_copy_is_recorded_as_a_duplicate(case_dir, evidence, tmp_path, capsys):
    copy = tmp_path / "renamed.png"
    shutil.copy(evidence[0], copy)
    assert main.main(["verdict", str(evidence[0]), "--case", str(case_dir)]) == 0
    out = tmp_path / "v.json"
    assert main.main(["verdict", str(copy), "--case", str(case_dir), "--json", str(out)]) == 0
    assert "duplicate of" in capsys.readouterr().out
    (entry,) = json.loads(out.read_text())["files"]
    assert entry["integrity"] == "duplicate" and entry["duplicate_of"] == str(evidence[0])
    with case_store.open_case(str(case_dir)) as case:
        first, second = case.evidence()
    assert second["duplicate_of"] == first["id"]


def test_three_concurrent_verdict_processes_on_the_same_files_all_succeed(case_dir, evidence):
    command = [sys.executable, os.path.join(ROOT, "main.py"), "verdict", *map(str, evidence), "--case", str(case_dir)]
    procs = [subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(3)]
    outcomes = [(p.wait(timeout=180), p.stderr.read()) for p in procs]
    for p in procs:
        p.stdout.close()
        p.stderr.close()
    assert all(rc == 0 for rc, _ in outcomes), outcomes
    with case_store.open_case(str(case_dir)) as case:
        assert len(case.evidence()) == 3
        assert case.conn.execute("SELECT COUNT(*) FROM verdict").fetchone()[0] == 9
    assert problems(case_dir) == []


def test_a_row_another_process_commits_between_the_seal_check_reads_is_not_flagged(case_dir):
    """Two verdict processes on one case: one records a calibration while the other checks the seals. The check
    reads the audit log, then the tables; a commit between the two reads looked like a row inserted by hand."""
    with case_store.open_case(str(case_dir)) as case, case_store.open_case(str(case_dir)) as other:
        read_log = case.audit_log

        def log_then_other_commits():
            rows = read_log()
            with other.transaction("calibration_added", {}):
                case_store.record_artefact(other, "profiles/extra.npz", "test", digest="0" * 64)
            return rows

        case.audit_log = log_then_other_commits
        assert case_verify.verify_rows(case, ("artefact",)) == []
        del case.audit_log
        assert case_verify.verify_rows(case, ("artefact",)) == []
        assert not case.conn.in_transaction


def test_a_case_locked_by_another_process_says_so_in_one_line(case_dir, evidence, monkeypatch, capsys):
    monkeypatch.setattr(case_store, "BUSY_TIMEOUT_S", 0.05)
    monkeypatch.setattr(case_store, "BUSY_RETRIES", 1)
    holder = sqlite3.connect(case_dir / "case.sqlite", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        assert main.main(["verdict", str(evidence[0]), "--case", str(case_dir)]) == 2
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    err = capsys.readouterr().err
    assert one_line(err, "case in use by another process")


def test_nothing_judged_is_never_exit_0(case_dir, tmp_path, capsys):
    assert main.main(["verdict", str(tmp_path / "missing.png"), "--case", str(case_dir)]) == 2
    assert "nothing judged" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main.main(["verdict", str(tmp_path / "empty"), "--case", str(case_dir)]) == 2
    err = capsys.readouterr().err
    assert one_line(err, "no files to judge")


# --- registration ---------------------------------------------------------------------


def test_a_run_that_does_not_fit_the_case_is_refused_with_nothing_written(template, tmp_path, capsys):
    mnist = tmp_path / "mnist"
    case_workflows.new_case(str(mnist), "builtin:mnist[0:60]")
    with case_store.open_case(str(mnist)) as case:
        before = len(case.audit_log())
    assert main.main(["case", "register", str(mnist), str(template / "gan")]) == 2
    err = capsys.readouterr().err
    assert one_line(err, "shape (1, 8, 8)") and "(1, 28, 28)" in err
    # refused before training, too
    assert main.main(["train", "gan", "--data", "builtin:digits[0:60]", "--out", str(tmp_path / "g"), "--steps", "1",
                      "--case", str(mnist), *TINY_GAN]) == 2
    assert not (tmp_path / "g").exists()
    with case_store.open_case(str(mnist)) as case:
        assert case.runs() == [] and len(case.audit_log()) == before


def test_a_run_on_another_value_grid_or_modality_is_refused(registered):
    with case_store.open_case(str(registered)) as case:
        sidecar = {"config": {"shape": [1, 8, 8]}}
        with pytest.raises(InputError, match="values lie on 255 levels, the case reference's on 16 levels"):
            case_workflows.check_run_fits(case, {"modality": "image", "data": {"levels": 255}}, sidecar, "run")
        with pytest.raises(InputError, match="samples are music, the case reference is image"):
            case_workflows.check_run_fits(case, {"modality": "music", "data": {}}, sidecar, "run")
        case_workflows.check_run_fits(case, {"modality": "image", "data": {"levels": 16}}, sidecar, "run")


def _killed_at(work, delay):
    """Runs work() in a forked child and SIGKILLs it after `delay` seconds (if still running).
    Returns the child's exit status (None when it was killed)."""
    pid = os.fork()
    if pid == 0:  # the child: no pytest teardown, ever
        code = 1
        try:
            work()
            code = 0
        except BaseException:
            import traceback

            traceback.print_exc()
        finally:
            os._exit(code)
    deadline = time.monotonic() + delay
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.002)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return None


def _timed(work):
    started = time.monotonic()
    assert _killed_at(work, 120) == 0, "the uninterrupted run failed"
    return time.monotonic() - started


def _kill_points(duration, n=20, seed=11):
    """n points spread over the run (the last ones after it ended), jittered, and one at three times its length:
    a run slowed by a busy machine still ends before some kill, so both outcomes are exercised."""
    rng = np.random.default_rng(seed)
    return [duration * (i + rng.random()) / (n - 2) for i in range(n)] + [3 * duration]


def test_kill_9_during_registration_then_rerun_gives_a_consistent_case(template, tmp_path):
    def fresh(i):
        target = tmp_path / f"c{i}"
        shutil.copytree(template / "case", target)
        return target

    def register(target):
        import torch

        torch.set_num_threads(1)
        case_workflows.register_run(str(target), str(template / "clf"))

    duration = _timed(lambda: register(fresh("timing")))
    outcomes = set()
    for i, delay in enumerate(_kill_points(duration)):
        target = fresh(i)
        _killed_at(lambda: register(target), delay)
        with case_store.open_case(str(target)) as case:
            runs, calibrations = case.runs(), case.conn.execute("SELECT * FROM calibration").fetchall()
        assert len(runs) == len(calibrations) <= 1, "a run registered but not calibrated"
        outcomes.add(len(runs))
        assert problems(target) == []
        case_workflows.register_run(str(target), str(template / "clf"))  # the rerun completes it
        with case_store.open_case(str(target)) as case:
            assert len(case.runs()) == 1 and len(case.artefacts()) == 4
        assert problems(target) == []
    assert outcomes == {0, 1}, "kill points should fall both before and after the commit"


def test_kill_9_during_case_new_then_rerun_gives_a_consistent_case(tmp_path):
    spec = "builtin:digits[0:120]"

    def create(target):
        case_workflows.new_case(str(target), spec)

    duration = _timed(lambda: create(tmp_path / "timing"))
    outcomes = set()
    for i, delay in enumerate(_kill_points(duration)):
        target = tmp_path / f"c{i}"
        _killed_at(lambda: create(target), delay)
        published = (target / "case.sqlite").exists()
        outcomes.add(published)
        if published:  # a case exists only complete
            assert problems(target) == []
            with pytest.raises(InputError, match="already exists"):
                create(target)
        else:
            create(target)  # the rerun starts afresh
        with case_store.open_case(str(target)) as case:
            assert case.reference()["spec"] == spec
        assert problems(target) == []
        assert not list(tmp_path.glob(f".c{i}.new-*")), "a staging folder was left behind"
    assert outcomes == {False, True}


# --- the window -----------------------------------------------------------------------


def test_opening_cases_in_the_window_writes_nothing_into_another_case(gui_window, no_threads_left, qtbot,
                                                                     template, evidence, tmp_path):
    from engine.verdict import judge

    first, second = tmp_path / "first", tmp_path / "second"
    shutil.copytree(template / "case", first)
    shutil.copytree(template / "case", second)
    judge(str(first), [str(p) for p in evidence])

    def actions(case_dir):
        with case_store.open_case(str(case_dir)) as case:
            return [(e["action"], e["params_json"]) for e in case.audit_log()]

    before_first, before_second = actions(first), actions(second)
    session = gui_window.session
    gui_window.open_case(str(first))
    qtbot.waitUntil(lambda: len(session.evidence) == 3, timeout=30000)
    qtbot.waitUntil(gui_window.jobs.is_idle, timeout=30000)
    gui_window.open_case(str(second))
    qtbot.waitUntil(lambda: session.case_dir == str(second), timeout=30000)
    qtbot.waitUntil(gui_window.jobs.is_idle, timeout=30000)
    assert not len(session.evidence)  # the first case's files are not judged in the second
    gui_window.open_case(str(first))
    qtbot.waitUntil(lambda: len(session.evidence) == 3, timeout=30000)
    qtbot.waitUntil(gui_window.jobs.is_idle, timeout=30000)
    assert actions(second) == before_second
    assert actions(first) == before_first  # reopening shows the recorded verdicts, logs none again


def test_an_unreadable_evidence_file_is_flagged_in_the_report_without_a_traceback(case_dir, evidence, tmp_path,
                                                                                  monkeypatch, capsys):
    assert main.main(["verdict", str(evidence[0]), "--case", str(case_dir)]) == 0
    real_hash = case_store._file_hash

    def denied(path):
        if str(path) == str(evidence[0]):
            raise PermissionError(13, "Permission denied", str(path))
        return real_hash(path)

    monkeypatch.setattr(case_store, "_file_hash", denied)
    out = tmp_path / "r.pdf"
    assert main.main(["report", "--case", str(case_dir), "--out", str(out)]) == 3
    assert "Traceback" not in capsys.readouterr().err
    from test_report import pdf_text

    assert "UNREADABLE" in pdf_text(out)


def test_case_new_completes_a_half_made_case_of_an_older_version(tmp_path):
    case_store.create_case(tmp_path / "half").close()  # what an interrupted older `case new` left
    case_workflows.new_case(str(tmp_path / "half"), "builtin:digits[0:120]")
    assert problems(tmp_path / "half") == []
    with pytest.raises(InputError, match="already exists"):
        case_workflows.new_case(str(tmp_path / "half"), "builtin:digits[0:120]")


def test_an_older_case_with_a_registered_run_is_upgraded_and_still_judges(registered, template, evidence, tmp_path):
    """Schema 3 (before #11): the run's checkpoint keeps the hash recorded at registration;
    its sidecar and calibration are hashed on upgrade and marked so."""
    old = tmp_path / "old"
    shutil.copytree(registered / "profiles", old / "profiles")
    with case_store.open_case(str(registered)) as case:
        ref, (run,) = case.reference(), case.runs()
        meta = case.meta()
    conn = sqlite3.connect(old / "case.sqlite")
    for script in case_store.MIGRATIONS[:3]:
        conn.executescript(script)
    conn.execute("PRAGMA user_version = 3")
    conn.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", meta.items())
    conn.execute("INSERT INTO audit (time, action, params_json) VALUES ('2024-01-01', 'case_created', '{}')")
    conn.execute("INSERT INTO reference (name, spec, modality, n, sample_shape, files_json, profile_path, "
                 "profile_sha256, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 [ref[k] for k in ("name", "spec", "modality", "n", "sample_shape", "files_json", "profile_path",
                                   "profile_sha256", "created")])
    conn.execute("INSERT INTO run (kind, name, run_dir, config_json, metrics_json, files_json, registered, data_json)"
                 " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (run["kind"], run["name"], run["run_dir"],
                                                      json.dumps(run["config"]), json.dumps(run["metrics"]),
                                                      json.dumps(run["files"]), run["registered"], "{}"))
    conn.execute("INSERT INTO calibration (run_id, detector, path) VALUES (1, 'cnn', 'profiles/run1_cnn.npz')")
    conn.commit()
    conn.close()
    assert problems(old) == []
    with case_store.open_case(str(old)) as case:
        upgraded = {a["role"]: a["on_upgrade"] for a in case.artefacts()}
    assert upgraded == {"reference profile": 0, "calibration cnn": 1, "checkpoint": 0, "checkpoint sidecar": 1}
    assert main.main(["verdict", str(evidence[0]), "--case", str(old)]) == 0


def test_a_sidecar_is_hashed_as_stored_and_read_defensively(template, case_dir, tmp_path):
    from engine.case import latest_checkpoint

    run = tmp_path / "clf"
    shutil.copytree(template / "clf", run)
    sidecar = latest_checkpoint(str(run)) + ".json"
    text = open(sidecar, encoding="utf-8").read()
    with open(sidecar, "w", encoding="utf-8", newline="\r\n") as fh:  # CRLF on disk: hashed as it is
        fh.write(json.dumps(json.loads(text), indent=1))
    case_workflows.register_run(str(case_dir), str(run))
    assert problems(case_dir) == []
    with open(sidecar, "w", encoding="utf-8") as fh:
        fh.write("[" * 5000 + "]" * 5000)
    with pytest.raises(InputError, match="nests deeper"):
        case_workflows.register_run(str(case_dir), str(run))
