"""`main.py analyze`: the Table-1 style table, the DESIGN.md JSON, plots, and one-line errors."""
import json
import pathlib
import subprocess
import sys

import pytest

import main

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_analyze_prints_the_table_and_writes_the_design_json(tmp_path, capsys):
    out = tmp_path / "analysis.json"
    rc = main.main(["analyze", "--reference", "builtin:digits[0:400]", "--compare",
                    "held=builtin:digits[400:800]", "noise=baseline:bernoulli", "self=builtin:digits[0:400]",
                    "--json", str(out)])
    assert rc == 0
    data = json.loads(out.read_text())
    assert data["reference"] == {"name": "builtin:digits[0:400]", "n": 400, "modality": "image"}
    assert [r["name"] for r in data["results"]] == ["held", "noise", "self"]
    for r in data["results"]:
        assert {"name", "n", "intensity", "centroid", "slope"} <= r.keys()
        assert {"ks_statistic", "ks_pvalue", "jsd"} <= r["intensity"].keys()
    held, noise, itself = data["results"]
    assert itself["intensity"]["ks_statistic"] == 0.0 and itself["intensity"]["jsd"] == 0.0
    assert noise["intensity"]["jsd"] > held["intensity"]["jsd"]
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("reference: builtin:digits[0:400]")
    assert "KS statistic" in lines[1] and "JSD" in lines[1]
    assert lines[4].split()[:4] == ["self", "400", "0", "1"]


def test_analyze_writes_plot_files(tmp_path):
    plots = tmp_path / "plots"
    rc = main.main(["analyze", "--reference", "builtin:digits[0:200]", "--compare", "b=baseline:bernoulli",
                    "--plots", str(plots)])
    assert rc == 0
    names = sorted(p.name for p in plots.iterdir())
    assert names == ["centroid_moments.png", "intensity_ecdf.png", "intensity_histograms.png", "slope_moments.png"]
    assert all((plots / n).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for n in names)


def test_music_analysis_reports_violations_durations_and_their_plot(tmp_path, capsys):
    out, plots = tmp_path / "bach.json", tmp_path / "plots"
    rc = main.main(["analyze", "--reference", "builtin:bach[0:8]", "--compare", "self=builtin:bach[0:8]",
                    "noise=baseline:bernoulli", "--json", str(out), "--plots", str(plots)])
    assert rc == 0
    itself, noise = json.loads(out.read_text())["results"]
    assert itself["violations"] == 0 and noise["violations"] > 0.9 * noise["transitions"]
    assert {"ks_statistic", "ks_pvalue", "jsd"} <= noise["durations"].keys()
    assert "violations" in capsys.readouterr().out.splitlines()[1]
    assert (plots / "note_durations.png").is_file()


def run_cli(*args):
    return subprocess.run([sys.executable, "main.py", "analyze", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.parametrize("case", ["missing", "corrupt", "unknown builtin", "mistyped slice", "other modality"])
def test_bad_input_is_one_line_and_exit_code_2(tmp_path, case):
    corrupt = tmp_path / "broken.npy"
    corrupt.write_bytes(b"\x93NUMPY\x01\x00garbage")
    spec = {"missing": str(tmp_path / "nowhere.png"), "corrupt": str(corrupt),
            "unknown builtin": "builtin:nosuchset", "mistyped slice": "builtin:digits[0:1e2]",
            "other modality": "builtin:fsdd[0:2]"}[case]
    result = run_cli("--reference", "builtin:digits[0:50]", "--compare", f"x={spec}")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and (spec in errors[0] or "nosuchset" in errors[0])
    reason = {"mistyped slice": "[start:stop]", "other modality": "must share a modality"}.get(case, "")
    assert reason in errors[0]


def test_two_sets_given_one_name_are_refused_before_loading():
    """Their rows, JSON results and plot legends would not tell the sets apart."""
    result = run_cli("--reference", "builtin:digits[0:50]", "--compare", "x=builtin:digits[50:60]",
                     "x=builtin:digits[60:70]")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1] == (
        "error: --compare: the name 'x' is given to more than one set (each needs its own)")
