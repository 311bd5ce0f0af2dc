"""Sample-detail task: what the sample view draws for one evidence file."""
import numpy as np

from gui.tasks import HIST_BINS

MIDI_RENDER_RATE = 22050
AUDIO_FORMATS = ("WAV", "FLAC", "OGG")  # the loaders' format labels of recordings
DB_RANGE = 80.0  # the spectrogram's colour scale spans this many dB below its loudest bin


def sample_detail_job(params, state):
    """What the sample view draws for one file: its map, the lower plot, violations, audio.

    Speech and music show the whole file (its patches side by side), images the chosen
    one. Speech maps (recorded or generated) are drawn as power in dB over seconds and Hz;
    recordings get their waveform and playback, MIDI files their synthesis; maps that came
    from arrays have no sound and get the intensity histogram, with the case reference's
    beside it when a case is open.
    """
    sampleset = params["sampleset"]
    modality, source = sampleset.modality, sampleset.meta.get("format")
    shown = sampleset.x[params["index"]] if modality == "image" else np.concatenate(list(sampleset.x), axis=-1)
    detail = {"modality": modality, "map": shown, "violations": np.zeros((0, 2)), "audio": None,
              "cursor": (np.zeros(1), np.zeros(1)), "note": "", "focus_rows": None,
              "lower": _histogram(shown, sampleset.levels, modality, _reference_histogram(params.get("case_dir"), modality))}
    if modality == "speech":
        detail.update(_speech_axes(shown))
        if source in AUDIO_FORMATS:
            detail.update(_waveform(params["path"]))
    if modality == "music":
        detail.update(_violations(params.get("case_dir"), shown))
        if source == "MIDI":
            detail.update(_render_midi(params["path"]))
    state.progress(1.0, "detail ready")
    return detail


def _histogram(shown, levels, modality, reference):
    from engine.analysis.stats import histogram

    counts = histogram(shown.reshape(-1), bins=HIST_BINS, range=(0.0, 1.0), levels=levels)
    title = {"image": "Pixel intensity histogram", "speech": "Intensity histogram", "music": "Velocity histogram"}
    density = counts / max(counts.sum(), 1) * HIST_BINS
    return {"kind": "histogram", "x": np.linspace(0.0, 1.0, HIST_BINS + 1), "y": density, "x_label": "intensity",
            "y_label": "density", "title": title[modality] + (" (black: the case reference)" if reference is not None
                                                               else ""),
            "reference": reference}


def _reference_histogram(case_dir, modality):
    """The case reference's intensity density (100 bins on [0,1]) from its profile, or None
    (no case, or a reference of another modality)."""
    profile = _case_profile(case_dir)
    if profile is None or "hist" not in profile or str(profile.get("modality")) != modality:
        return None
    counts = np.asarray(profile["hist"], dtype=np.float64)  # the reference's 100-bin histogram on [0,1]
    return counts / max(counts.sum(), 1.0) * counts.size


def _speech_axes(shown):
    """The mel map as power in dB (inverting the stored log(1 + 1000 M) / scale), columns in
    seconds and the bands' centre frequencies in Hz."""
    from engine.data.representations import COMPRESSION, HOP, MEL_SCALE, N_MELS, SPEECH_RATE, hz_to_mel, mel_to_hz

    power = np.expm1(shown[0].astype(np.float64) * MEL_SCALE) / COMPRESSION
    db = 10.0 * np.log10(np.maximum(power, 1e-12))
    top = float(db.max()) if db.size else 0.0
    edges_mel = np.linspace(hz_to_mel(0.0), hz_to_mel(SPEECH_RATE / 2), N_MELS + 2)
    return {"db": np.maximum(db, top - DB_RANGE).astype(np.float32), "db_levels": (top - DB_RANGE, top),
            "band_hz": mel_to_hz(edges_mel[1:-1]), "seconds_per_column": HOP / SPEECH_RATE}


def _waveform(path):
    from engine.data.loaders import load_recording
    from gui.playback import audio_unavailable

    audio, rate = load_recording(path)
    seconds = np.arange(audio.size, dtype=np.float64) / rate
    return {"lower": {"kind": "waveform", "x": seconds, "y": audio, "x_label": "time (s)", "y_label": "amplitude",
                      "title": "Waveform", "reference": None},
            "audio": None if audio_unavailable() else (audio, rate),
            "cursor": (np.array([0.0, audio.size / rate]),) * 2}  # the map's time axis is in seconds too


def _violations(case_dir, shown):
    """Violating chroma transitions against the case's reference, marked above their notes."""
    sounding = np.flatnonzero(shown[0].max(axis=1) > 0)
    out = {"focus_rows": (float(sounding.min()) - 2, float(sounding.max()) + 4) if sounding.size else None}
    profile = _case_profile(case_dir)
    spec = profile.get("chroma_spec") if profile is not None else None
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


def _case_profile(case_dir):
    if not case_dir:
        return None
    from engine.case import open_case
    from engine.errors import InputError

    with open_case(case_dir) as case:
        try:
            return case.profile(verify=False)  # drawn as it is; verdicts and reports flag a changed one
        except InputError:  # a case without a reference yet
            return None


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
