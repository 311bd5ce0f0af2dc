"""Every reproducible item at the quick scale, against its budget: at most 10 minutes of CPU on
one core (the quick scale's promise on a 2-core laptop; torch uses half the cores). Wall time is
printed beside it: on a shared machine it is longer than the CPU time.

Run: .venv/bin/python -m pytest tests/benchmarks/test_bench_reproduce.py -s -o addopts=""
(about an hour on a quiet 2-core machine; each item alone: `-k ID`).
"""
import time

import pytest

pytest.importorskip("torch")

from engine.jobs import JobState  # noqa: E402
from engine.reproduce.job import reproduce_job  # noqa: E402
from engine.reproduce.registry import list_items  # noqa: E402

BUDGET_CPU_SECONDS = 600


@pytest.mark.parametrize("item_id", [item.id for item in list_items()])
def test_quick_scale_fits_its_budget(item_id, tmp_path):
    started = time.monotonic()
    document = reproduce_job({"id": item_id, "scale": "quick", "device": "cpu", "out": str(tmp_path)}, JobState())
    wall = time.monotonic() - started
    print(f"\n{item_id}: {document['cpu_seconds']:.0f} s CPU (budget {BUDGET_CPU_SECONDS}), {wall:.0f} s wall")
    for row in document["rows"]:
        print(f"  {row['name']}: paper {row['paper']} ours {row['ours']}")
    assert document["cpu_seconds"] <= BUDGET_CPU_SECONDS
    if item_id == "tequilagan-table1-mnist":
        bernoulli = next(r for r in document["rows"] if r["name"] == "bernoulli")
        assert bernoulli["ours"]["jsd"] == pytest.approx(0.0785009, rel=0.10)
