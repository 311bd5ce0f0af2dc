"""A case folder keeps working when it is copied, moved or opened through a symlink: run
folders and artefacts inside it are stored relative to it (engine/case.py `Case.stored_path`),
an older case's absolute paths are rewritten once on opening (schema migration 6, audited),
and integrity does not weaken: a file changed after the copy is still refused (exit 3)."""
import json
import os
import shutil

import numpy as np
import pytest
from PIL import Image

import main
from engine import case as case_store

REFERENCE = "builtin:digits[0:200]"
TINY = ["--steps", "3", "--width", "8", "--z-dim", "8", "--batch-size", "32", "--threads", "1"]


def make_case(case_dir, outside):
    """A case with a GAN and a classifier trained inside its folder and a GAN registered from outside it."""
    assert main.main(["case", "new", str(case_dir), "--reference", REFERENCE]) == 0
    assert main.main(["train", "gan", "--data", "builtin:digits[0:160]", "--out", str(case_dir / "runs" / "gan"),
                      "--case", str(case_dir), *TINY]) == 0
    assert main.main(["train", "classifier", "--real", "builtin:digits[0:160]", "--fake",
                      f"gan={case_dir / 'runs' / 'gan'}", "--out", str(case_dir / "runs" / "clf"),
                      "--architecture", "logreg", "--case", str(case_dir), *TINY[:2], *TINY[-4:]]) == 0
    assert main.main(["train", "gan", "--data", "builtin:digits[0:160]", "--out", str(outside), "--seed", "3",
                      "--loss", "lsgan", "--case", str(case_dir), *TINY]) == 0


def old_stored_path(case, path):
    """How the tool before schema 6 stored paths: run folders absolute, files inside the case relative."""
    path = os.path.abspath(case.path(path))
    rel = os.path.relpath(path, case.dir)
    return path if os.path.isdir(path) or rel.startswith("..") else rel


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(a current case, the same case as the tool before schema 6 made it, the folder of its evidence)."""
    base = tmp_path_factory.mktemp("relocation")
    make_case(base / "case", base / "outside-gan")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(case_store, "MIGRATIONS", case_store.MIGRATIONS[:5])
        mp.setattr(case_store, "SCHEMA_VERSION", 5)
        mp.setattr(case_store.Case, "stored_path", old_stored_path)
        make_case(base / "old", base / "old-outside-gan")
    from engine.data.specs import load_spec
    from engine.runs import sample_run

    evidence = base / "evidence"
    evidence.mkdir()
    maps = np.concatenate([load_spec("builtin:digits[1500:1503]").x[:, 0],
                           sample_run(str(base / "case" / "runs" / "gan"), 2, 7)[0][:, 0]])
    for i, m in enumerate(maps):
        Image.fromarray(np.round(np.clip(m, 0, 1) * 255).astype(np.uint8)).save(evidence / f"file_{i}.png")
    return base / "case", base / "old", evidence


def verdicts(case_dir, evidence, out, expect=0):
    assert main.main(["verdict", str(evidence), "--case", str(case_dir), "--json", str(out)]) == expect
    if expect:
        return None  # a changed artefact refuses every verdict
    return [(os.path.basename(f["path"]), f["label"], f["score"], f["attribution"])
            for f in json.loads(out.read_text())["files"]]


def stored_runs(case_dir):
    with case_store.open_case(str(case_dir)) as case:
        return {row["name"]: row["run_dir"] for row in case.conn.execute("SELECT name, run_dir FROM run")}


def relocations(built, tmp_path):
    """The case copied, moved (a copy moved away) and symlinked, each a fresh folder."""
    original = built[0]
    copied = tmp_path / "copied"
    shutil.copytree(original, copied)
    shutil.copytree(original, tmp_path / "before-move")
    moved = tmp_path / "elsewhere" / "moved"
    moved.parent.mkdir()
    shutil.move(str(tmp_path / "before-move"), str(moved))
    link = tmp_path / "link"
    os.symlink(original, link)
    return {"copy": copied, "move": moved, "symlink": link}


def test_a_copied_moved_or_symlinked_case_judges_like_the_original_and_verifies(built, tmp_path):
    original, _, evidence = built
    runs = stored_runs(original)
    assert runs["gan"] == os.path.join("runs", "gan") and runs["clf"] == os.path.join("runs", "clf")
    assert os.path.isabs(runs["outside-gan"])  # registered from outside the case: kept where it is
    expected = verdicts(original, evidence, tmp_path / "original.json")
    assert {label for _, label, _, _ in expected} >= {"generated"}
    for how, folder in relocations(built, tmp_path).items():
        assert verdicts(folder, evidence, tmp_path / f"{how}.json") == expected, how
        assert main.main(["case", "verify", str(folder)]) == 0, how


def test_a_copy_loads_its_own_files_and_a_change_after_the_copy_is_refused(built, tmp_path, capsys):
    original, _, evidence = built
    folders = relocations(built, tmp_path)
    checkpoint = sorted((folders["copy"] / "runs" / "gan").glob("checkpoint-*.safetensors"))[-1]  # the registered one
    with open(checkpoint, "ab") as fh:
        fh.write(b"\0")
    capsys.readouterr()
    verdicts(folders["copy"], evidence, tmp_path / "tampered.json", expect=3)
    assert f"{checkpoint}: modified since it was recorded" in capsys.readouterr().err
    assert main.main(["case", "verify", str(folders["copy"])]) == 3
    assert main.main(["verdict", str(evidence), "--case", str(original)]) == 0  # the original is untouched
    assert main.main(["verdict", str(evidence), "--case", str(folders["move"])]) == 0
    with open(folders["move"] / "profiles" / "run1_logistic.npz", "ab") as fh:  # and after a move
        fh.write(b"\0")
    verdicts(folders["move"], evidence, tmp_path / "tampered-move.json", expect=3)


def test_the_self_test_of_a_copy_leaves_out_the_classifier_trained_on_the_copys_own_generator(built, tmp_path):
    copied = relocations(built, tmp_path)["copy"]  # the original's runs are still there
    out = tmp_path / "validate.json"
    assert main.main(["case", "validate", str(copied), "--samples", "8", "--json", str(out)]) == 0
    families = {f["family"]: f for f in json.loads(out.read_text())["families"]}
    assert sorted(families) == ["gan loss, sigmoid output", "lsgan loss, sigmoid output"]
    assert [d["detector"] for d in families["gan loss, sigmoid output"]["left_out_detectors"]] == ["cnn:clf"]
    assert "cnn:clf" in families["lsgan loss, sigmoid output"]["detectors"]


def test_a_run_from_outside_the_case_is_needed_where_it_was_registered(built, tmp_path, capsys):
    _, _, evidence = built
    moved = relocations(built, tmp_path)["move"]
    outside = stored_runs(moved)["outside-gan"]
    capsys.readouterr()
    assert main.main(["case", "register", str(moved), outside]) == 0  # the same model again: nothing changes
    assert "outside the case folder" in capsys.readouterr().out
    hidden = tmp_path / "hidden"
    os.rename(outside, hidden)
    try:
        capsys.readouterr()
        verdicts(moved, evidence, tmp_path / "missing.json", expect=3)
        assert f"{outside}" in capsys.readouterr().err
    finally:
        os.rename(hidden, outside)


def test_an_older_case_with_absolute_run_folders_is_upgraded_once_even_after_a_copy(built, tmp_path):
    original, old, evidence = built
    assert os.path.isabs(stored_runs_raw(old)["gan"])
    copied = tmp_path / "old-copy"
    shutil.copytree(old, copied)  # copied before the upgrade: its rows still name the first folder
    expected = verdicts(old, evidence, tmp_path / "old.json")
    assert verdicts(copied, evidence, tmp_path / "old-copy.json") == expected
    runs = stored_runs(copied)
    assert runs["gan"] == os.path.join("runs", "gan") and runs["clf"] == os.path.join("runs", "clf")
    assert os.path.isabs(runs["old-outside-gan"])
    with case_store.open_case(str(copied)) as case:
        rows = [json.loads(r["params_json"]) for r in case.audit_log() if r["action"] == "paths_made_relative"]
        paths = [a["path"] for a in case.artefacts()]
    (row,) = rows
    assert {(r["before"], r["after"]) for r in row["runs"]} == {
        (str(old / "runs" / "gan"), os.path.join("runs", "gan")), (str(old / "runs" / "clf"), os.path.join("runs", "clf"))}
    assert row["runs_outside_the_case"] == [str(old.parent / "old-outside-gan")]
    assert all(not os.path.isabs(p) or p.startswith(str(old.parent / "old-outside-gan")) for p in paths)
    assert main.main(["case", "verify", str(copied)]) == 0
    shutil.rmtree(old / "runs" / "gan")  # the copy no longer reads the first folder's runs
    assert verdicts(copied, evidence, tmp_path / "again.json") == expected


def stored_runs_raw(case_dir):
    """The run folders as stored, read without opening (and so migrating) the case."""
    import sqlite3

    conn = sqlite3.connect(case_dir / case_store.DB_NAME)
    try:
        return dict(conn.execute("SELECT name, run_dir FROM run").fetchall())
    finally:
        conn.close()
