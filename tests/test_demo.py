"""`main.py demo --quick`: three cases built, detectors trained and registered, verdicts
on held-out real and generated files, one report covering all three cases."""
import json

import pytest

import main
from engine import case as case_store, case_workflows
from engine.demo import QUICK
from engine.modality import MODALITIES


@pytest.mark.slow
def test_quick_demo_builds_cases_verdicts_and_one_report(tmp_path, capsys):
    out = tmp_path / "demo"
    assert main.main(["demo", "--out", str(out), "--quick", "--device", "cpu"]) == 0
    assert "demo report:" in capsys.readouterr().out
    assert (out / "report.pdf").read_bytes().startswith(b"%PDF")
    summary = json.loads((out / "summary.json").read_text())
    assert sorted(summary) == sorted(MODALITIES)
    for modality in MODALITIES:
        counts = summary[modality]
        assert sum(counts["real"].values()) == QUICK["evidence"]
        # Two training steps make generators whose output no detector mistakes for real data.
        assert counts["generated"]["real"] == 0
        if modality != "music":
            # Music is judged by bounded note detectors; the quick case's 25 chorales are too few
            # to certify 1% over four of them, so its generated files may stay inconclusive.
            assert counts["generated"]["generated"] == QUICK["evidence"]
        verdicts = json.loads((out / f"verdicts-{modality}.json").read_text())
        assert verdicts["batch"]["rejected"] == []
        with case_store.open_case(str(out / f"case-{modality}")) as case:
            kinds = sorted(r["kind"] for r in case.runs())
            assert kinds == (["classifier", "gan", "inverse"] if modality == "image" else ["classifier", "gan"])
            assert all(r["files"] and all(len(h) == 64 for h in r["files"].values()) for r in case.runs())
            assert any(e["action"] == "report" for e in case.audit_log())
    gan = out / "case-image" / "runs" / "gan"
    with case_store.open_case(str(out / "case-image")) as case:
        before = [r["id"] for r in case.runs()]
    again = case_workflows.register_run(str(out / "case-image"), str(gan))
    with case_store.open_case(str(out / "case-image")) as case:
        assert [r["id"] for r in case.runs()] == before and again["id"] in before
    image = json.loads((out / "verdicts-image.json").read_text())
    names = {d["name"].split(":")[0] for d in image["batch"]["detectors"]}
    assert names == {"features", "grid", "checkerboard", "faint-background", "faint-speck", "placement", "box-size",
                     "stroke-ramp", "shoulder", "shoulder-placement", "edge-shoulder", "weak-traits", "clean-up",
                     "logistic", "cnn", "inverse"}
