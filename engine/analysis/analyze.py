"""The analyze job: a reference and sets to compare -> the analyze JSON of DESIGN.md.

`analyze_job(params, state)` follows the job protocol (engine/jobs.py), so the command line
and the GUI run the same function. params: {"reference": SPEC, "compare": [(NAME, SPEC), ...],
"plots": DIR or None}.
"""
import numpy as np

from engine.analysis.compare import compare_profiles
from engine.analysis.profile import profile
from engine.errors import InputError


def analyze_job(params, state):
    from engine.data.specs import load_compared, load_spec

    compare = list(params["compare"])
    names = [name for name, _ in compare]
    repeated = next((name for name in names if names.count(name) > 1), None)
    if repeated is not None:  # its rows, JSON results and plot legends would not tell the sets apart
        raise InputError("--compare", f"the name '{repeated}' is given to more than one set (each needs its own)")
    steps = len(compare) + 1
    state.progress(0.0, f"reference {params['reference']}")
    reference = load_spec(params["reference"])
    ref_profile = profile(reference)
    results, profiles = [], []
    for number, (name, spec) in enumerate(compare, start=1):
        state.check()
        state.progress(number / steps, name)
        other = profile(load_compared(spec, name, reference))
        other["name"] = np.asarray(name)
        result = compare_profiles(ref_profile, other)
        state.partial(result)
        results.append(result)
        if params.get("plots"):
            profiles.append(other)
    out = {"reference": {"name": reference.name, "n": reference.n, "modality": reference.modality},
           "results": results}
    if params.get("plots"):
        from engine.analysis.plots import write_plots

        state.progress(1 - 0.5 / steps, "plots")
        out["plots"] = write_plots(params["plots"], ref_profile, profiles)
    state.progress(1.0, "done")
    return out
