"""Verdicts end to end on tiny data: a case on 400 MNIST digits, PNG and .npy evidence,
through the engine and through the command line (exit codes, JSON keys)."""
import json
import os
import shutil

import numpy as np
import pytest

import main
from engine import case as case_store, case_workflows
from engine.data.specs import load_spec
from engine.data.writers import write_png
from engine.verdict import judge

REFERENCE = "builtin:mnist[0:400]"
FILE_KEYS = {"path", "sha256", "modality", "label", "score", "reasons", "attribution"}


@pytest.fixture(scope="module")
def case_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("verdict")
    case_workflows.new_case(str(root / "case"), REFERENCE, name="verdict-test")
    return root / "case"


@pytest.fixture(scope="module")
def evidence(tmp_path_factory):
    """Held-out real PNGs, noise PNGs, a float .npy of real digits, and broken files."""
    root = tmp_path_factory.mktemp("evidence")
    held_out = load_spec("builtin:mnist[9000:9010]").x
    real = [root / f"real{i}.png" for i in range(len(held_out))]
    for path, sample in zip(real, held_out):
        write_png(str(path), sample[0])
    rng = np.random.default_rng(0)
    noise = [root / f"noise{i}.png" for i in range(3)]
    for path in noise:
        write_png(str(path), rng.uniform(0, 1, (28, 28)).astype(np.float32))
    floats = root / "floats.npy"
    np.save(floats, np.clip(held_out[:2] + 0.003, 0, 1).astype(np.float32))
    broken = root / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 20)
    wrong_shape = root / "wrong_shape.npy"
    np.save(wrong_shape, np.zeros((2, 1, 8, 8), np.float32))
    return {"real": real, "noise": noise, "floats": floats, "broken": broken, "wrong_shape": wrong_shape}


def by_name(result):
    return {f["path"].rsplit("/", 1)[-1]: f for f in result["files"]}


def test_verdict_labels_noise_generated_and_held_out_real_mostly_real(case_dir, evidence):
    result = judge(str(case_dir), [str(p) for p in evidence["real"] + evidence["noise"]])
    files = by_name(result)
    assert all(files[p.name]["label"] == "generated" for p in evidence["noise"])
    assert sum(files[p.name]["label"] == "generated" for p in evidence["real"]) <= 1
    assert all(0.0 <= f["score"] <= 1.0 for f in result["files"])


def test_verdict_flags_float_values_off_the_8bit_grid_and_says_why(case_dir, evidence):
    (verdict,) = judge(str(case_dir), [str(evidence["floats"])])["files"]
    assert verdict["label"] == "generated"
    grid_reason = next(r for r in verdict["reasons"] if r.startswith("grid:"))
    assert "off the 8-bit grid" in grid_reason and "float output of a generator" in grid_reason
    assert verdict["patches"] == 2


def test_a_png_gives_the_grid_no_weight_and_a_float_array_does(case_dir, evidence):
    files = by_name(judge(str(case_dir), [str(evidence["real"][0]), str(evidence["floats"])]))
    png, floats = files[evidence["real"][0].name]["detectors"], files["floats.npy"]["detectors"]
    # an 8-bit PNG is on the k/255 grid whatever made it: the others share the weight
    assert png["grid"]["weight"] == 0 and abs(sum(d["weight"] for d in png.values()) - 1) < 1e-12
    assert floats["grid"]["weight"] > 0 and abs(sum(d["weight"] for d in floats.values()) - 1) < 1e-12
    assert png["features"]["weight"] > floats["features"]["weight"]
    speaking = sum(d["weight"] > 0 for d in png.values())
    assert speaking == len(png) - 1  # grid stands aside, and the summary counts the others
    assert f"over {speaking} detectors" in files[evidence["real"][0].name]["reasons"][0]


def test_broken_and_mismatched_files_are_rejected_and_the_others_judged(case_dir, evidence):
    paths = [evidence["broken"], evidence["real"][0], evidence["wrong_shape"], evidence["noise"][0]]
    result = judge(str(case_dir), [str(p) for p in paths])
    assert sorted(by_name(result)) == sorted([evidence["real"][0].name, evidence["noise"][0].name])
    rejected = {r["path"].rsplit("/", 1)[-1]: r["reason"] for r in result["batch"]["rejected"]}
    assert set(rejected) == {"broken.png", "wrong_shape.npy"}
    assert rejected["wrong_shape.npy"].startswith("a picture of 8 x 8, smaller than the case reference's 28 x 28")
    with case_store.open_case(str(case_dir)) as case:
        recorded = {row["path"].rsplit("/", 1)[-1] for row in case.evidence()}
        assert "broken.png" not in recorded and "wrong_shape.npy" not in recorded
        last = case.audit_log()[-1]
        assert last["action"] == "verdict_batch"
        assert len(json.loads(last["params_json"])["rejected"]) == 2


def test_batch_holds_ks_and_jsd_against_the_reference(case_dir, evidence):
    batch = judge(str(case_dir), [str(p) for p in evidence["noise"]])["batch"]
    assert batch["labels"]["generated"] == 3
    assert batch["intensity"]["ks_pvalue"] < 1e-6
    assert 0 < batch["intensity"]["jsd"] <= 1
    assert batch["alpha"] == 0.01 and batch["inconclusive_band"] == [0.01, 0.05]


def test_batch_lists_each_detector_with_its_weight_and_threshold_at_its_share(case_dir, evidence):
    from engine.detectors import calibration
    from engine.npz import load_arrays
    from engine.verdict import case_detectors

    batch = judge(str(case_dir), [str(p) for p in evidence["noise"]])["batch"]
    weights = [d["weight"] for d in batch["detectors"]]
    assert abs(sum(weights) - 1) < 1e-12 and all(w > 0 for w in weights)
    with case_store.open_case(str(case_dir)) as case:
        detectors = case_detectors(case, load_arrays(case.path(case.reference()["profile_path"])))
    for listed, detector in zip(batch["detectors"], detectors):
        assert listed["threshold"] == calibration.score_threshold(detector.tail, 0.01 * listed["weight"])


def test_a_stricter_false_positive_rate_moves_labels_away_from_generated(case_dir, evidence, tmp_path):
    # real digits, and the same rotated by a few degrees: the image detectors take the larger of
    # their tail probabilities against clean and against resampled reference files, so a clean
    # digit's is rarely small, and the rotated ones bring tail probabilities spread over (0, 1)
    from tests.synthetic_images import rotate

    rotated = rotate(load_spec("builtin:mnist[9000:9010]").x, 8)
    for i, sample in enumerate(rotated):
        write_png(str(tmp_path / f"rotated{i}.png"), sample[0])
    paths = [str(p) for p in evidence["real"]] + [str(tmp_path / f"rotated{i}.png") for i in range(len(rotated))]
    loose = judge(str(case_dir), paths, alpha=0.9)["files"]
    strict = judge(str(case_dir), paths, alpha=0.001)["files"]
    assert sum(f["label"] == "generated" for f in strict) <= sum(f["label"] == "generated" for f in loose)
    assert sum(f["label"] == "generated" for f in loose) >= 1


def test_cli_verdict_writes_the_design_json(case_dir, evidence, tmp_path, capsys):
    out = tmp_path / "v.json"
    rc = main.main(["verdict", str(evidence["real"][1]), str(evidence["broken"]), "--case", str(case_dir),
                    "--json", str(out)])
    assert rc == 2  # a file was refused: not all judged (README, exit codes); the JSON is written
    data = json.loads(out.read_text())
    assert set(data) == {"files", "batch"}
    (entry,) = data["files"]
    assert FILE_KEYS <= set(entry)
    assert entry["label"] in ("generated", "real", "inconclusive")
    assert entry["attribution"] is None
    assert data["batch"]["rejected"][0]["path"].endswith("broken.png")
    assert "rejected" in capsys.readouterr().out


def test_cli_verdict_without_a_case_is_one_line_and_exit_2(evidence, tmp_path, capsys):
    rc = main.main(["verdict", str(evidence["real"][0]), "--case", str(tmp_path / "nocase")])
    err = capsys.readouterr().err
    assert rc == 2
    assert err.startswith("error:") and "not a case folder" in err and err.count("\n") == 1


def test_cli_verdict_rejects_a_false_positive_rate_outside_0_1(case_dir, evidence, capsys):
    assert main.main(["verdict", str(evidence["real"][0]), "--case", str(case_dir), "--fpr", "1.5"]) == 2
    assert "--fpr" in capsys.readouterr().err


def test_cli_case_new_reports_the_fitting_spec_and_a_bad_spec_leaves_no_case(tmp_path, capsys):
    assert main.main(["case", "new", str(tmp_path / "ok"), "--reference", "builtin:digits[0:50]"]) == 0
    assert "builtin:digits[0:40]" in capsys.readouterr().out
    assert main.main(["case", "new", str(tmp_path / "bad"), "--reference", str(tmp_path / "missing.png")]) == 2
    assert not (tmp_path / "bad" / case_store.DB_NAME).exists()


def test_verdict_on_a_copied_case_needs_no_reference_data(case_dir, evidence, tmp_path, monkeypatch):
    copy = tmp_path / "copy"
    shutil.copytree(case_dir, copy)

    def no_reference(*args, **kwargs):
        raise AssertionError("the verdict re-read the reference")

    monkeypatch.setattr("engine.data.specs.load_spec", no_reference)
    assert judge(str(copy), [str(evidence["noise"][0])])["files"][0]["label"] == "generated"


def test_verdicts_arrive_chunk_by_chunk_and_do_not_depend_on_the_chunking(case_dir, evidence, monkeypatch):
    from engine import verdict
    from engine.jobs import JobState

    paths = [str(p) for p in evidence["real"][:3] + evidence["noise"]]
    whole = judge(str(case_dir), paths)
    monkeypatch.setattr(verdict, "CHUNK_FILES", 2)
    state = JobState()
    chunked = judge(str(case_dir), paths, state=state)
    assert [len(p["files"]) for p in state.partials] == [2, 4, 6]
    assert [(f["path"], f["label"], f["score"]) for f in chunked["files"]] == \
        [(f["path"], f["label"], f["score"]) for f in whole["files"]]


def test_evidence_folders_are_walked_into_sub_folders_without_hidden_files(tmp_path):
    from engine.data.walk import evidence_files

    for rel in ("b.png", "sub/a.png", "sub/deeper/c.png", ".hidden/d.png", "sub/.e.png"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b"")
    found = [os.path.relpath(p, tmp_path) for p in evidence_files([str(tmp_path)])[0]]
    assert found == ["b.png", "sub/a.png", "sub/deeper/c.png"]


def test_links_that_loop_or_point_at_folders_are_rejected_with_a_reason_and_the_walk_goes_on(tmp_path):
    from engine.data.walk import evidence_files

    (tmp_path / "sub").mkdir()
    (tmp_path / "a.png").write_bytes(b"")
    (tmp_path / "loop_a").symlink_to(tmp_path / "loop_b")
    (tmp_path / "loop_b").symlink_to(tmp_path / "loop_a")
    (tmp_path / "to_sub").symlink_to(tmp_path / "sub")
    (tmp_path / "to_file.png").symlink_to(tmp_path / "a.png")
    found, rejected = evidence_files([str(tmp_path)])
    assert [os.path.basename(p) for p in found] == ["a.png", "to_file.png"]
    reasons = {os.path.basename(r["path"]): r["reason"] for r in rejected}
    assert reasons["to_sub"] == "link to a folder (not followed)"
    assert reasons["loop_a"].startswith("link cannot be resolved") and reasons["loop_b"] == reasons["loop_a"]
    from engine.data.loaders import load_path
    from engine.errors import InputError

    with pytest.raises(InputError, match="cannot read: "):  # named directly: not "no such file"
        load_path(str(tmp_path / "loop_a"))


def test_real_digits_saved_as_8bit_png_are_not_called_generated_by_the_k16_grid(tmp_path):
    """The digits lie on k/16, which an 8-bit PNG cannot hold: a real digit saved as PNG is
    off that grid whatever made it, so the grid detector stands aside for it."""
    case_workflows.new_case(str(tmp_path / "case"), "builtin:digits[0:300]")
    held_out = load_spec("builtin:digits[1500:1520]").x
    paths = []
    for i, sample in enumerate(held_out):
        paths.append(tmp_path / f"digit{i}.png")
        write_png(str(paths[-1]), sample[0])
    files = judge(str(tmp_path / "case"), [str(p) for p in paths])["files"]
    assert all(f["detectors"]["grid"]["weight"] == 0 for f in files)
    assert sum(f["label"] == "generated" for f in files) <= 1


def test_cli_verdict_speaks_the_reports_words_never_a_bare_score(case_dir, evidence, tmp_path, capsys):
    from engine import findings

    out = tmp_path / "v.json"
    paths = [evidence["real"][2], evidence["noise"][0]]
    assert main.main(["verdict", *map(str, paths), "--case", str(case_dir), "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "score" not in printed.lower()
    data = json.loads(out.read_text())
    for entry in data["files"]:
        words = dict(findings.describe(entry), reason=findings.reason_line(entry, width=1000))
        assert FILE_KEYS <= set(entry)  # the contract's keys stay
        assert f"{words['finding']}: {entry['path']}" in printed
        assert f"strength of evidence that it was generated: {words['strength_text']}" in printed
        assert f"decisive reason: {words['reason']}" in printed
        assert (entry["finding"], entry["strength_of_evidence"], entry["decisive_reason"]) == (
            words["finding"], words["strength_text"], words["reason"])
    noise = next(e for e in data["files"] if e["path"].endswith("noise0.png"))
    assert noise["finding"] == "Generated" and "tail probability" in noise["strength_of_evidence"]
