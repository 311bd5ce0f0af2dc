"""Broken evidence on the command line: one line naming the file and the reason, exit code 2, no traceback."""
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]


def analyze(*args):
    return subprocess.run([sys.executable, "main.py", "analyze", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def error_lines(stderr):
    """The error lines (the console progress bar shares stderr)."""
    return [line for line in stderr.replace("\r", "\n").splitlines() if line.startswith("error:")]


def test_corrupt_reference_file_exits_2_with_one_line(tmp_path):
    bad = tmp_path / "evidence.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 10)
    out = analyze("--reference", str(bad), "--compare", "b=baseline:bernoulli", "--json", str(tmp_path / "a.json"))
    assert out.returncode == 2
    lines = error_lines(out.stderr)
    assert len(lines) == 1 and lines[0].startswith(f"error: {bad}: corrupt or unreadable PNG file"), out.stderr
    assert "Traceback" not in out.stderr and not (tmp_path / "a.json").exists()


@pytest.mark.parametrize("spec, reason", [
    ("builtin:digits[5000:]", "the slice selects none of its 1797 images (it starts past the end)"),
    ("builtin:digits[5:2]", "the slice selects none of its 1797 images (it stops before it starts)"),
    ("builtin:digits[5]", "malformed slice '[5]': expected [start:stop] with whole numbers (either may be left out; "
                          "no step)"),
])
def test_bad_slice_of_a_builtin_exits_2_naming_the_spec_as_typed(spec, reason):
    out = analyze("--reference", spec, "--compare", "b=baseline:bernoulli")
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert error_lines(out.stderr) == [f"error: {spec}: {reason}"]
