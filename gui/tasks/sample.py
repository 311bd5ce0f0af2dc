"""Sample-detail task: what the sample view draws for one evidence file."""
import numpy as np

from gui.modality_display import display
from gui.tasks import HIST_BINS


def sample_detail_job(params, state):
    """What the sample view draws for one file: its map, the lower plot, violations, audio.

    The file's modality display (gui/modality_display.py) picks the map (speech and music
    show the whole file, its patches side by side, images the chosen one) and adds its own:
    speech maps (recorded or generated) as power in dB over seconds and Hz, recordings with
    their waveform and playback, MIDI files with their synthesis and violating transitions.
    Maps that came from arrays have no sound and keep the intensity histogram, with the case
    reference's beside it when a case is open.
    """
    sampleset = params["sampleset"]
    modality = sampleset.modality
    shows = display(modality)
    shown = shows.shown(sampleset.x, params["index"])
    profile = _case_profile(params.get("case_dir"))
    detail = {"modality": modality, "map": shown, "violations": np.zeros((0, 2)), "audio": None,
              "cursor": (np.zeros(1), np.zeros(1)), "note": "", "focus_rows": None,
              "lower": _histogram(shown, sampleset.levels, shows.histogram_title,
                                  _reference_histogram(profile, modality))}
    detail.update(shows.detail(sampleset, shown, params["path"], profile))
    state.progress(1.0, "detail ready")
    return detail


def _histogram(shown, levels, title, reference):
    from engine.analysis.stats import histogram

    counts = histogram(shown.reshape(-1), bins=HIST_BINS, range=(0.0, 1.0), levels=levels)
    density = counts / max(counts.sum(), 1) * HIST_BINS
    return {"kind": "histogram", "x": np.linspace(0.0, 1.0, HIST_BINS + 1), "y": density, "x_label": "intensity",
            "y_label": "density", "title": title + (" (grey: the case reference)" if reference is not None else ""),
            "reference": reference}


def _reference_histogram(profile, modality):
    """The case reference's intensity density (100 bins on [0,1]) from its profile, or None
    (no case, or a reference of another modality)."""
    if profile is None or "hist" not in profile or str(profile.get("modality")) != modality:
        return None
    counts = np.asarray(profile["hist"], dtype=np.float64)  # the reference's 100-bin histogram on [0,1]
    return counts / max(counts.sum(), 1.0) * counts.size


def _case_profile(case_dir):
    if not case_dir:
        return None
    from engine.case_workflows import open_case
    from engine.errors import InputError

    with open_case(case_dir) as case:
        try:
            return case.profile(verify=False)  # drawn as it is; verdicts and reports flag a changed one
        except InputError:  # a case without a reference yet
            return None
