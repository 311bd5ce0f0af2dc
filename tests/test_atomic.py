"""Atomic artefact writes: the old file survives a failed write, and no temporary is left."""
import pytest

from engine.atomic import atomic_output


def test_atomic_output_replaces_the_file_on_success(tmp_path):
    path = tmp_path / "sub" / "out.txt"
    with atomic_output(path) as tmp, open(tmp, "w") as fh:
        fh.write("new")
    assert path.read_text() == "new"
    assert [p.name for p in path.parent.iterdir()] == ["out.txt"]


def test_atomic_output_keeps_the_old_file_when_the_write_fails(tmp_path):
    path = tmp_path / "out.txt"
    path.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_output(path) as tmp, open(tmp, "w") as fh:
            fh.write("half")
            raise RuntimeError("crash")
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]
