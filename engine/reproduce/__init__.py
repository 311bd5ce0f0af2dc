"""Reproducible tables and figures of the three papers (`main.py reproduce`, the Reproduce panel).

One registry (`registry.py`) lists every item; each item lives in the module of its paper
(`tequilagan.py`, `authorship.py`, `rounds.py`) with its sizes per scale, the paper's values
as data and a job `run(params, state)` (engine.jobs protocol) that returns the rows.
`job.reproduce_job` runs an item and writes `OUT/ID.json`, `OUT/ID.pdf` and `OUT/ID.png`.
"""
