"""Rounds task: read rounds.json (training/rounds.py) for the rounds view."""
import os

import numpy as np


def read_rounds_job(params, state):
    """rounds.json -> the accuracy matrix and the generalisation curve (training/rounds.py).

    matrix[a][b]: accuracy of iteration-a classifiers on iteration-b generators they never
    saw; generalization: balanced accuracy against the number of training generators.
    """
    import json

    from engine.errors import InputError

    path = params["path"]
    path = os.path.join(path, "rounds.json") if os.path.isdir(path) else path
    try:
        with open(path, encoding="utf-8") as fh:
            rounds = json.load(fh)
        matrix = np.asarray(rounds["matrix"], dtype=np.float64)
        curve = np.asarray([(p["generators"], p["accuracy"]) for p in rounds.get("generalization", [])],
                           dtype=np.float64).reshape(-1, 2)
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise InputError(path, f"not a readable rounds.json ({err})") from None
    if matrix.ndim != 2 or matrix.size == 0:
        raise InputError(path, f"the accuracy matrix must be 2-D, got shape {matrix.shape}")
    return {"path": path, "matrix": matrix, "generalization": (curve[:, 0], curve[:, 1])}
