"""Sample-detail task: what the sample view draws for one evidence file."""
import numpy as np

from gui.tasks import HIST_BINS

MIDI_RENDER_RATE = 22050


AUDIO_FORMATS = ("WAV", "FLAC", "OGG")  # the loaders' format labels of recordings


def sample_detail_job(params, state):
    """What the sample view draws for one file: its map, the lower plot, violations, audio.

    Speech and music show the whole file (its patches side by side), images the chosen
    one. Recordings get their waveform and playback; MIDI files their synthesis; maps
    that came from arrays have no sound and get the intensity histogram.
    """
    sampleset = params["sampleset"]
    modality, source = sampleset.modality, sampleset.meta.get("format")
    shown = sampleset.x[params["index"]] if modality == "image" else np.concatenate(list(sampleset.x), axis=-1)
    detail = {"modality": modality, "map": shown, "violations": np.zeros((0, 2)), "audio": None,
              "cursor": (np.zeros(1), np.zeros(1)), "note": "", "focus_rows": None,
              "lower": _histogram(shown, sampleset.levels, modality)}
    if modality == "speech" and source in AUDIO_FORMATS:
        detail.update(_speech_detail(params["path"]))
    if modality == "music":
        detail.update(_violations(params.get("case_dir"), shown))
        if source == "MIDI":
            detail.update(_render_midi(params["path"]))
    state.progress(1.0, "detail ready")
    return detail


def _histogram(shown, levels, modality):
    from engine.analysis.stats import histogram

    counts = histogram(shown.reshape(-1), bins=HIST_BINS, range=(0.0, 1.0), levels=levels)
    title = {"image": "Pixel intensity histogram", "speech": "Intensity histogram", "music": "Velocity histogram"}
    return {"kind": "histogram", "x": np.linspace(0.0, 1.0, HIST_BINS + 1), "y": counts, "x_label": "intensity",
            "title": title[modality]}


def _speech_detail(path):
    from engine.data.representations import HOP, SPEECH_RATE
    from gui.playback import audio_unavailable

    from engine.data.loaders import load_recording

    audio, rate = load_recording(path)
    seconds = np.arange(audio.size, dtype=np.float64) / rate
    columns_per_second = SPEECH_RATE / HOP
    return {"lower": {"kind": "waveform", "x": seconds, "y": audio, "x_label": "seconds", "title": "Waveform"},
            "audio": None if audio_unavailable() else (audio, rate),
            "cursor": (np.array([0.0, seconds[-1]]), np.array([0.0, seconds[-1] * columns_per_second]))}


def _violations(case_dir, shown):
    """Violating chroma transitions against the case's reference, marked above their notes."""
    sounding = np.flatnonzero(shown[0].max(axis=1) > 0)
    out = {"focus_rows": (float(sounding.min()) - 2, float(sounding.max()) + 4) if sounding.size else None}
    spec = _case_chroma_spec(case_dir)
    if spec is None:
        out["note"] = "open a music case to mark violating transitions"
        return out
    from engine.analysis.specifications import describe_transition
    from engine.detectors.specification import violating_transitions

    steps, codes = violating_transitions(shown, spec)
    active = shown[0] >= 0.5
    # Mark each violation just above the highest note it moves to.
    tops = active.shape[0] - 1 - np.argmax(active[::-1, steps + 1], axis=0)
    out["violations"] = np.stack([steps + 1.0, tops + 2.0], axis=1) if steps.size else np.zeros((0, 2))
    examples = "; ".join(f"step {t}: {describe_transition(c)}" for t, c in zip(steps[:3], codes[:3]))
    out["note"] = f"{steps.size} violating chroma transition(s)" + (f" ({examples})" if examples else "")
    return out


def _case_chroma_spec(case_dir):
    if not case_dir:
        return None
    from engine.npz import load_arrays
    from engine.case import open_case

    with open_case(case_dir) as case:
        profile = load_arrays(case.path(case.reference()["profile_path"]))
    return profile.get("chroma_spec")


def _render_midi(path):
    """pretty_midi's synthesizer over the (limit-checked) file, and the seconds -> roll step map.

    Skipped without an audio device: nothing could play it.
    """
    from engine.data.loaders import load_midi
    from engine.data.representations import STEPS_PER_QUARTER, quarters_at
    from gui.playback import audio_unavailable

    if audio_unavailable():
        return {}
    midi = load_midi(path)
    audio = midi.synthesize(fs=MIDI_RENDER_RATE).astype(np.float32)
    audio /= max(1e-9, float(np.abs(audio).max()))
    seconds = np.linspace(0.0, audio.size / MIDI_RENDER_RATE, 512)
    return {"audio": (audio, MIDI_RENDER_RATE), "cursor": (seconds, quarters_at(midi, seconds) * STEPS_PER_QUARTER)}
