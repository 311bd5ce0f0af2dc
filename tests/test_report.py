"""PDF reports: every page carries the case ID and a page number, evidence hashes are
re-verified (the tamper test), several cases share one PDF, music sections mark
forbidden transitions."""
import base64
import json
import re
import zlib

import numpy as np
import pytest

import main
from engine import case as case_store
from engine.data.specs import load_spec
from engine.data.writers import write_png
from engine.detectors import specification
from engine.report import write_report
from engine.verdict import judge


def pdf_text(path):
    """The decompressed content streams of a reportlab PDF (its page text operators)."""
    data = open(path, "rb").read()
    assert data.startswith(b"%PDF")
    out = []
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        raw = match.group(1).strip()
        if raw.endswith(b"~>"):
            raw = base64.a85decode(raw[:-2])
        try:
            out.append(zlib.decompress(raw).decode("latin-1"))
        except zlib.error:
            continue  # an image
    return "\n".join(out)


@pytest.fixture
def judged_case(tmp_path):
    """A case on 300 MNIST digits with verdicts on two PNG files."""
    case_dir = tmp_path / "case"
    case_store.new_case(str(case_dir), "builtin:mnist[0:300]", name="report-test")
    files = []
    for i, sample in enumerate(load_spec("builtin:mnist[9000:9002]").x):
        files.append(tmp_path / f"e{i}.png")
        write_png(str(files[-1]), sample[0])
    judge(str(case_dir), [str(f) for f in files])
    with case_store.open_case(str(case_dir)) as case:
        case_id = case.case_id
    return case_dir, files, case_id


def test_report_has_case_id_and_page_number_on_every_page(judged_case, tmp_path, capsys):
    case_dir, files, case_id = judged_case
    out = tmp_path / "r.pdf"
    assert main.main(["report", "--case", str(case_dir), "--out", str(out), "--analyst", "A. Analyst"]) == 0
    assert "case verified" in capsys.readouterr().out
    text = pdf_text(out)
    pages = text.count("(page ")
    assert pages >= 5
    assert text.count(f"Case {case_id}") == pages
    for name in ("Evidence and integrity", "Verdict summary", "Methods", "Audit log", "A. Analyst"):
        assert name in text
    with case_store.open_case(str(case_dir)) as case:
        (row,) = case.conn.execute("SELECT integrity_ok FROM report").fetchall()
        assert row[0] == 1


def test_changing_one_byte_of_evidence_is_flagged_in_report_and_log(judged_case, tmp_path, capsys):
    case_dir, files, _ = judged_case
    data = bytearray(files[1].read_bytes())
    data[-5] ^= 0xFF
    files[1].write_bytes(bytes(data))
    out = tmp_path / "tampered.pdf"
    assert main.main(["report", "--case", str(case_dir), "--out", str(out)]) == 3  # written, flagged
    assert "INTEGRITY FAILURE" in capsys.readouterr().out
    text = pdf_text(out)
    assert "INTEGRITY FAILURE" in text and "MODIFIED SINCE INTAKE" in text
    with case_store.open_case(str(case_dir)) as case:
        checks = [json.loads(e["params_json"]) for e in case.audit_log() if e["action"] == "evidence_verified"]
        assert [m["path"] for m in checks[-1]["mismatches"]] == [str(files[1])]
        assert case.conn.execute("SELECT integrity_ok FROM report").fetchone()[0] == 0


def test_verdict_report_option_writes_the_pdf(judged_case, tmp_path):
    case_dir, files, _ = judged_case
    out = tmp_path / "v.pdf"
    assert main.main(["verdict", str(files[0]), "--case", str(case_dir), "--report", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")


def test_one_pdf_holds_several_cases_each_page_naming_its_own(judged_case, tmp_path):
    case_dir, _, first_id = judged_case
    other = tmp_path / "other"
    case_store.new_case(str(other), "builtin:digits[0:60]", name="other")
    with case_store.open_case(str(other)) as case:
        second_id = case.case_id
    out = tmp_path / "both.pdf"
    result = write_report(str(out), [str(case_dir), str(other)])
    text = pdf_text(out)
    assert result["cases"] == 2
    assert text.count(f"Case {first_id}") + text.count(f"Case {second_id}") == text.count("(page ")
    assert text.count(f"Case {second_id}") >= 3


def test_violating_transitions_finds_the_step_of_a_forbidden_chord_change():
    from engine.analysis.specifications import chroma_transition_spec

    roll = np.zeros((1, 128, 6), np.float32)
    roll[0, 60, :3] = 1  # C held ...
    roll[0, 62, 3:] = 1  # ... then D held
    reference = np.zeros((1, 1, 128, 6), np.float32)
    reference[0, 0, 60, :] = 1  # only C -> C is ever seen
    steps, codes = specification.violating_transitions(roll, chroma_transition_spec(reference))
    assert steps.tolist() == [2, 3, 4]  # C -> D, then D -> D twice


def test_analyze_report_option_writes_tables_and_figures(tmp_path):
    out, js = tmp_path / "a.pdf", tmp_path / "a.json"
    rc = main.main(["analyze", "--reference", "builtin:digits[0:100]", "--compare", "b=baseline:bernoulli",
                    "--report", str(out), "--json", str(js)])
    assert rc == 0
    text = pdf_text(out)
    assert "intensity histograms" in text and "centroid mean" in text
    assert text.count("(page ") >= 4  # the table page and one page per figure
    assert "plots" not in json.loads(js.read_text())  # the figures were drawn for the report only
