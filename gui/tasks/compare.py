"""Compare tasks: reference vs sets (engine.analysis), and the training data's histogram."""
import numpy as np

from engine.analysis.features import MOMENTS
from gui.tasks import HIST_BINS

ECDF_POINTS = 1000  # the ECDF is drawn through at most this many points


def compare_job(params, state):
    """Reference vs sets: compare_profiles' statistics plus the curves the compare view draws."""
    from engine.analysis.compare import compare_profiles
    from engine.analysis.profile import profile
    from engine.data.specs import load_compared, load_spec

    steps = len(params["others"]) + 2
    state.progress(0.0, f"profiling the reference {params['reference']}")
    reference = load_spec(params["reference"])
    profiles = [profile(reference)]
    results = []
    for number, (name, spec) in enumerate(params["others"], start=1):
        state.check()
        state.progress(number / steps, f"loading and comparing {name}")
        profiles.append(profile(load_compared(spec, name, reference)))
        results.append(compare_profiles(profiles[0], profiles[-1]))
    state.progress(1 - 1 / steps, "curves for the plots")
    moment_edges = {key: _pooled_edges([p[key] for p in profiles]) for key in ("centroid", "slope")}
    plots = [_plot_data(p, moment_edges) for p in profiles]
    state.progress(1.0, "comparison done")
    return {
        "reference": {"name": reference.name, "n": reference.n, "modality": reference.modality, "plots": plots[0]},
        "sets": [{"name": result["name"], "n": result["n"], "result": result, "plots": plot}
                 for result, plot in zip(results, plots[1:])],
        "moment_names": list(MOMENTS),
    }


def _pooled_edges(per_set):
    """Per moment, histogram edges spanning every set's finite values (so curves share bins)."""
    values = np.concatenate(per_set, axis=0)
    edges = []
    for column in values.T:
        column = column[np.isfinite(column)]
        low, high = (float(column.min()), float(column.max())) if column.size else (0.0, 1.0)
        edges.append(np.linspace(low, high if high > low else low + 1.0, HIST_BINS // 2 + 1))
    return edges


def _density(counts, edges):
    counts = np.asarray(counts, dtype=np.float64)
    return counts / max(counts.sum(), 1.0) / np.diff(edges)


def _plot_data(prof, moment_edges):
    from engine.analysis.profile import FULL_RANGE, MID_RANGE
    from engine.analysis.stats import Distribution, histogram

    full = np.linspace(*FULL_RANGE, HIST_BINS + 1)
    mid = np.linspace(*MID_RANGE, HIST_BINS + 1)
    out = {"hist": (full, _density(prof["intensity_hist"], full)),
           "hist_mid": (mid, _density(prof["intensity_hist_mid"], mid)),
           "ecdf": Distribution.from_arrays(prof, "intensity_").ecdf(max_points=ECDF_POINTS)}
    for key in ("centroid", "slope"):
        out[key] = {}
        for k, name in enumerate(MOMENTS):
            edges = moment_edges[key][k]
            column = prof[key][:, k]
            counts = histogram(column[np.isfinite(column)], bins=edges.size - 1, range=(edges[0], edges[-1]))
            out[key][name] = (edges, _density(counts, edges))
    return out

