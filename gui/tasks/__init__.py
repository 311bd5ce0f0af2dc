"""The window's background tasks: job functions `job(params, state)` run through QtJob.

Each one only strings engine calls together and packs their results as plain data
(dicts, lists, arrays) for the views; the analysis itself lives in the engine. Engine
modules are imported inside the jobs, in the worker thread, so the window starts
without them. One module per view: case, evidence, sample, compare, rounds.
"""
from engine.analysis.profile import HIST_BINS  # noqa: F401  (numpy only: cheap at window start)
