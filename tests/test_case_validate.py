"""`case validate`: leave-one-source-out false-positive rates, leave-one-family-out detection,
stored in the case (artefact + audit row) and shown in the report's limitations section."""
import json
import os

import numpy as np
import pytest

import main
from engine import case as case_store, case_workflows
from engine.data.specs import load_spec
from engine.jobs import JobState
from engine.selftest import rates, sources as sources_module
from engine.selftest.runs import family_of, seen_files

REFERENCE = "builtin:digits[0:200]"
TINY_GAN = ["--width", "8", "--z-dim", "8", "--batch-size", "32", "--threads", "1", "--steps", "3"]


@pytest.fixture(scope="module")
def two_family_case(tmp_path_factory):
    """A digits case with two GAN families (plain GAN, LSGAN with tanh) and a classifier
    trained on the first GAN's samples, all registered."""
    base = tmp_path_factory.mktemp("validate")
    case_dir = str(base / "case")
    case_workflows.new_case(case_dir, REFERENCE, name="validate")
    fit = "builtin:digits[0:160]"
    assert main.main(["train", "gan", "--data", fit, "--out", str(base / "g1"), *TINY_GAN, "--case", case_dir]) == 0
    assert main.main(["train", "gan", "--data", fit, "--out", str(base / "g2"), "--loss", "lsgan", "--activation",
                      "tanh", *TINY_GAN, "--case", case_dir]) == 0
    assert main.main(["train", "classifier", "--real", fit, "--fake", f"g1={base / 'g1'}", "--out", str(base / "clf"),
                      "--steps", "3", "--architecture", "logreg", "--threads", "1", "--case", case_dir]) == 0
    out = base / "validate.json"
    assert main.main(["case", "validate", case_dir, "--json", str(out), "--samples", "20"]) == 0
    return case_dir, json.loads(out.read_text())


def test_the_json_has_the_contract_keys_and_measures_every_source_and_family(two_family_case):
    case_dir, result = two_family_case
    assert [f["family"] for f in result["families"]] == ["gan loss, sigmoid output", "lsgan loss, tanh output"]
    for f in result["families"]:
        assert set(f) >= {"family", "detected", "n", "detection_rate", "interval"}
        assert f["n"] == 20 and 0 <= f["detected"] <= 20
        assert f["interval"][0] <= f["detected"] / 20 <= f["interval"][1]
        assert 0 <= f["detected_registered"] <= 20  # the same files, every family registered
    assert len(result["sources"]) == 5 and sum(s["n"] for s in result["sources"]) == 200
    for s in result["sources"]:
        assert set(s) >= {"source", "false_positive_rate", "n", "interval"}
        assert s["false_positive_rate"] == pytest.approx(s["false_positives"] / s["n"])
    assert result["alpha"] == 0.01 and result["families_note"] is None


def test_a_family_the_classifier_was_trained_on_is_judged_without_it(two_family_case):
    _, result = two_family_case
    first, second = result["families"]
    assert [d["detector"] for d in first["left_out_detectors"]] == ["cnn:clf"]
    assert "cnn:clf" not in first["detectors"] and "cnn:clf" in second["detectors"]
    # the pooled logistic regression is refitted on the other family only
    assert "logistic:g2" in first["detectors"] and "logistic:g1" in second["detectors"]


def test_the_result_is_a_hashed_artefact_with_an_audit_row_the_report_shows(two_family_case):
    from engine.case_verify import verify_case
    from engine.report.limitations import self_test_rows

    case_dir, result = two_family_case
    with case_store.open_case(case_dir) as case:
        rows = [r for r in case.audit_log() if r["action"] == "case_validated"]
        assert len(rows) == 1 and json.loads(rows[0]["params_json"])["path"] == result["stored"]
        assert [a["role"] for a in case.artefacts()].count("self-test") == 1
        assert verify_case(case)["ok"]
        shown = self_test_rows(case.audit_log())
    assert len(shown) == 2 + 5 and shown[0][0].startswith("family gan loss")
    with open(os.path.join(case_dir, result["stored"]), encoding="utf-8") as fh:
        assert json.load(fh)["sources"] == result["sources"]


def test_the_report_shows_the_self_test_table(two_family_case, tmp_path):
    from engine.report import write_report
    from tests.test_report import pdf_text

    case_dir, _ = two_family_case
    write_report(str(tmp_path / "r.pdf"), [case_dir])
    text = pdf_text(tmp_path / "r.pdf")
    assert "Self-test not run" not in text
    assert "real source images 1-40 (left out)" in text and "lsgan loss, tanh output" in text


def test_a_generated_sample_the_loader_refuses_is_counted_and_the_self_test_goes_on(two_family_case, tmp_path,
                                                                                      monkeypatch, capsys):
    """A generator may write a file no verdict can read (a piano roll with no note is a MIDI file without notes):
    the self-test counts it as refused, with the loader's reason, and measures the rest."""
    import shutil

    from engine.report.limitations import self_test_rows
    from engine.selftest import families as families_module

    write = families_module.generated_files

    def with_an_unreadable_one(runs, n, modality, folder):
        paths, formats = write(runs, n - 1, modality, folder)
        broken = os.path.join(folder, "broken.png")
        with open(broken, "wb") as fh:
            fh.write(b"\x89PNG\r\n\x1a\n" + b"\0" * 20)
        return paths + [broken], formats

    monkeypatch.setattr(families_module, "generated_files", with_an_unreadable_one)
    case_dir = str(tmp_path / "case")
    shutil.copytree(two_family_case[0], case_dir)
    out = tmp_path / "st.json"
    assert main.main(["case", "validate", case_dir, "--json", str(out), "--samples", "20"]) == 0
    printed = capsys.readouterr().out
    for f in json.loads(out.read_text())["families"]:
        assert f["n"] == 19 and f["refused"] == 1 and len(f["refused_reasons"]) == 1
        assert 0 <= f["detected"] <= 19
    assert "and 1 generated file refused as evidence, not judged" in printed
    with case_store.open_case(case_dir) as case:
        assert "1 more refused as evidence" in self_test_rows(case.audit_log())[0][1]


def test_a_held_out_source_is_judged_by_a_profile_built_without_its_files(monkeypatch):
    ref = load_spec("builtin:digits[0:60]")
    built = []
    real_build = sources_module.build_profile

    def spy(subset, **options):
        built.append(set(subset.items))
        return real_build(subset, **options)

    monkeypatch.setattr(sources_module, "build_profile", spy)
    result = sources_module.leave_one_source_out(ref, "builtin:digits[0:60]", [], [], 0.01, JobState())
    assert len(built) == len(result["sources"]) == 5
    for items, source in zip(built, result["sources"]):
        judged = {ref.items[f] for f in source["held_out_files"]}
        assert judged and not judged & items  # by construction: no judged file in the profile
        assert len(items) + source["files"] == ref.n
        assert source["profile_files"] == len(items)


def test_a_case_without_runs_says_families_are_not_measurable(tmp_path, capsys):
    case_dir = str(tmp_path / "case")
    case_workflows.new_case(case_dir, "builtin:digits[0:100]")
    out = tmp_path / "v.json"
    assert main.main(["case", "validate", case_dir, "--json", str(out)]) == 0
    result = json.loads(out.read_text())
    assert result["families"] == [] and "needs at least two registered generator families" in result["families_note"]
    assert "needs at least two registered generator families" in capsys.readouterr().out
    from engine.report.limitations import self_test_rows

    with case_store.open_case(case_dir) as case:
        rows = self_test_rows(case.audit_log())
    assert "needs at least two" in rows[0][1] and len(rows) == 6


def test_speech_sources_are_speakers_read_from_fsdd_names():
    _, found, how = sources_module.sources_of(load_spec("builtin:fsdd[0:40]"))
    assert "speakers" in how
    assert [name for name, _ in found] == ["speaker george", "speaker jackson", "speaker lucas", "speaker nicolas"]
    assert sum(files.size for _, files in found) == 40


def test_a_changed_reference_and_a_bad_case_are_refused(tmp_path, capsys):
    assert main.main(["case", "validate", str(tmp_path)]) == 2
    assert "not a case folder" in capsys.readouterr().err
    from engine.case import IntegrityFailure
    from engine.selftest import load_reference

    record = {"spec": "builtin:digits[0:10]", "n": 11, "sample_shape": "[1, 8, 8]", "files_json": "[]"}
    with pytest.raises(IntegrityFailure):
        load_reference(record)


def test_runs_training_data_is_placed_in_the_reference_order():
    gan = {"data": {"spec": "builtin:mnist[0:800]"}}
    elsewhere = {"data": {"sets": {"real": {"spec": "builtin:digits[0:100]"}}}}
    seen = seen_files([gan, elsewhere], "builtin:mnist[500:1500]", 1000)
    assert seen[:300].all() and not seen[300:].any()
    assert seen_files([{"data": {"spec": "builtin:mnist[-100:]"}}], "builtin:mnist[0:10]", 10).all()
    assert family_of({"name": "r", "config": {"loss": "wgan-gp", "activation": "linear"}}) == \
        "wgan-gp loss, linear output"
    assert family_of({"name": "r", "config": {"family": "vae"}}) == "vae"


def test_clopper_pearson_interval():
    assert rates.clopper_pearson(0, 200)[1] == pytest.approx(1 - 0.025 ** (1 / 200), abs=1e-6)
    low, high = rates.clopper_pearson(5, 100)
    assert low == pytest.approx(0.01643, abs=1e-4) and high == pytest.approx(0.11284, abs=1e-4)
    assert rates.clopper_pearson(0, 0) == [0.0, 1.0]
    assert np.isclose(rates.clopper_pearson(20, 20)[1], 1.0)


def test_a_cancelled_self_test_stores_nothing_and_a_changed_profile_exits_3(tmp_path):
    from engine.jobs import Cancelled
    from engine.selftest import validate_job

    case_dir = str(tmp_path / "case")
    case_workflows.new_case(case_dir, "builtin:digits[0:60]")
    state = JobState()
    state.cancel()
    with pytest.raises(Cancelled):
        validate_job({"case": case_dir}, state)
    with case_store.open_case(case_dir) as case:
        assert not [r for r in case.audit_log() if r["action"] == "case_validated"]
    assert not os.path.exists(os.path.join(case_dir, "validation"))
    profile = os.path.join(case_dir, "profiles", "reference.npz")
    with open(profile, "ab") as fh:
        fh.write(b"\0")
    assert main.main(["case", "validate", case_dir]) == 3


def test_an_edited_self_test_result_is_flagged_but_does_not_stop_verdicts(two_family_case, tmp_path):
    import shutil

    from engine.case_verify import verify_case
    from engine.verdict import judge

    case_dir, result = two_family_case
    copy = str(tmp_path / "case")
    shutil.copytree(case_dir, copy)
    with open(os.path.join(copy, result["stored"]), "a", encoding="utf-8") as fh:
        fh.write(" ")
    with case_store.open_case(copy) as case:
        problems = verify_case(case)["problems"]
    assert any("self-test" in p for p in problems)
    evidence = tmp_path / "e.npy"
    np.save(evidence, load_spec("builtin:digits[1700:1701]").x)
    assert judge(copy, [str(evidence)])["files"][0]["label"] in ("generated", "real", "inconclusive")


def test_the_window_shows_the_case_self_test(gui_window, no_threads_left, qtbot, two_family_case, tmp_path):
    from PySide6.QtCore import Qt

    case_dir, _ = two_family_case
    bare = str(tmp_path / "bare")
    case_workflows.new_case(bare, REFERENCE, name="bare")
    explorer = gui_window.case_explorer

    def self_test_lines(case):
        gui_window.open_case(case)
        qtbot.waitUntil(lambda: gui_window.session.case_dir == os.path.abspath(case), timeout=20000)
        qtbot.waitUntil(gui_window.jobs.is_idle, timeout=30000)
        section = explorer.tree.findItems("Self-test", Qt.MatchExactly)[0]
        return [(section.child(k).text(0), section.child(k).text(1)) for k in range(section.childCount())]

    lines = self_test_lines(case_dir)
    assert any(what.startswith("family gan loss") and "detected" in result for what, result in lines)
    assert any(what.startswith("real source") for what, _ in lines)
    assert self_test_lines(bare)[0][0] == "not run"
