"""PNG figures of an analysis (matplotlib, Agg): intensity histograms on [0,1] and [0.11,0.88],
intensity ECDFs, the distributions of centroid and slope moments, and note durations."""
import os

import numpy as np

from engine.analysis.features import MOMENTS
from engine.atomic import atomic_output
from engine.analysis.profile import FULL_RANGE, HIST_BINS, MID_RANGE
from engine.analysis.stats import Distribution

ECDF_POINTS = 2000
REFERENCE_COLOUR = "tab:green"  # the papers draw the reference in green
OTHER_COLOURS = ("tab:blue", "tab:orange", "tab:red", "tab:purple", "tab:brown", "tab:pink", "tab:gray",
                 "tab:olive", "tab:cyan")


def write_plots(out_dir, reference, others):
    """Writes the figures for a reference profile and the compared profiles; returns their paths."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    os.makedirs(out_dir, exist_ok=True)
    sets = [reference] + list(others)
    figures = {
        "intensity_histograms.png": _histograms(plt, sets),
        "intensity_ecdf.png": _ecdfs(plt, sets),
        "centroid_moments.png": _moments(plt, sets, "centroid"),
        "slope_moments.png": _moments(plt, sets, "slope"),
    }
    if all("durations_counts" in s for s in sets):
        figures["note_durations.png"] = _durations(plt, sets)
    paths = []
    for filename, fig in figures.items():
        path = os.path.abspath(os.path.join(out_dir, filename))
        with atomic_output(path) as tmp:
            fig.savefig(tmp, format="png", dpi=110)
        plt.close(fig)
        paths.append(path)
    return paths


def _style(i):
    if i == 0:
        return {"color": REFERENCE_COLOUR, "linewidth": 2.0}
    return {"color": OTHER_COLOURS[(i - 1) % len(OTHER_COLOURS)], "linewidth": 1.2}


def _label(s, i):
    return f"{s['name']} (reference)" if i == 0 else str(s["name"])


def _histograms(plt, sets):
    fig, axes = plt.subplots(2, 1, figsize=(8, 6.5))
    for ax, key, span in ((axes[0], "intensity_hist", FULL_RANGE), (axes[1], "intensity_hist_mid", MID_RANGE)):
        edges = np.linspace(*span, HIST_BINS + 1)
        for i, s in enumerate(sets):
            counts = np.asarray(s[key], np.float64)
            ax.stairs(counts / max(counts.sum(), 1.0), edges, label=_label(s, i), **_style(i))
        ax.set_title(f"intensity, {HIST_BINS} bins on [{span[0]}, {span[1]}]")
        ax.set_ylabel("fraction of values")
        if any(np.any(np.asarray(s[key]) > 0) for s in sets):  # a log axis needs a positive value
            ax.set_yscale("log")
    axes[0].legend(fontsize="small")
    fig.tight_layout()
    return fig


def _ecdfs(plt, sets):
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for i, s in enumerate(sets):
        x, f = Distribution.from_arrays(s, "intensity_").ecdf(max_points=ECDF_POINTS)
        ax.step(x, f, where="post", label=_label(s, i), **_style(i))
    ax.set_xlabel("intensity")
    ax.set_ylabel("empirical CDF")
    ax.legend(fontsize="small")
    fig.tight_layout()
    return fig


def _moments(plt, sets, key):
    fig, axes = plt.subplots(1, len(MOMENTS), figsize=(14, 3.6))
    for k, (ax, moment) in enumerate(zip(axes, MOMENTS)):
        columns = [np.asarray(s[key])[:, k] for s in sets]
        columns = [c[np.isfinite(c)] for c in columns]
        pooled = np.concatenate(columns)
        if pooled.size == 0:
            ax.set_title(f"{key} {moment}: undefined")
            continue
        edges = np.histogram_bin_edges(pooled, HIST_BINS // 2)
        for i, (s, c) in enumerate(zip(sets, columns)):
            counts = np.histogram(c, edges)[0].astype(np.float64)
            ax.stairs(counts / max(counts.sum(), 1.0), edges, label=_label(s, i), **_style(i))
        ax.set_title(f"{key} {moment}")
    axes[0].set_ylabel("fraction of samples")
    axes[0].legend(fontsize="small")
    fig.tight_layout()
    return fig


def _durations(plt, sets):
    fig, ax = plt.subplots(figsize=(8, 4.5))
    longest = max(np.asarray(s["durations_counts"]).size for s in sets)
    edges = np.arange(longest + 1) - 0.5
    for i, s in enumerate(sets):
        counts = np.pad(np.asarray(s["durations_counts"], np.float64), (0, longest - s["durations_counts"].size))
        ax.stairs(counts / max(counts.sum(), 1.0), edges, label=_label(s, i), **_style(i))
    ax.set_xlabel("note duration (steps)")
    ax.set_ylabel("fraction of notes")
    ax.legend(fontsize="small")
    fig.tight_layout()
    return fig
