"""How the window shows each modality: one display object per modality, looked up by name.

An image is shown as it is, one sample at a time (row 0 at the top, grey or RGB pixels);
speech as its mel spectrogram in dB over seconds and Hz, with the recording's waveform
below and playback; music as a piano roll (velocity over sixteenth-note steps and MIDI
pitches) with the chord transitions the case's reference never makes marked, and MIDI
synthesis for playback. Speech and music files are shown whole, their patches side by side.

Each display says what the sample-detail task computes for a file (`detail`, run in the
worker thread: numpy and engine calls only) and how the sample view draws it (`draw`,
`value_at`, in the window's thread on the view's pyqtgraph items). What the modalities
share in the engine (writers, report figures, which detectors apply) is engine/modality.py.
Importing this module loads neither Qt nor the engine's analysis modules.
"""
import math

import numpy as np

from engine.modality import modality

PREVIEW_PATCHES = 4  # speech / music thumbnails show the first few patches side by side
THUMBNAIL = 96  # thumbnail tiles are THUMBNAIL x THUMBNAIL pixels
TILE_GREY = 30  # the tile's background behind a thumbnail that does not fill it
MIDI_RENDER_RATE = 22050
AUDIO_FORMATS = ("WAV", "FLAC", "OGG")  # the loaders' format labels of recordings
DB_RANGE = 80.0  # the spectrogram's colour scale spans this many dB below its loudest bin
NOTE_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
HZ_TICKS = (100, 250, 500, 1000, 1500, 2000, 3000, 4000)


def _viridis_lut():
    """A 256-entry RGB table through viridis' key colours (no matplotlib at start-up)."""
    keys = np.array([[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]], float)
    positions = np.linspace(0.0, 1.0, len(keys))
    ramp = np.linspace(0.0, 1.0, 256)
    return np.stack([np.interp(ramp, positions, keys[:, c]) for c in range(3)], axis=1).astype(np.uint8)


VIRIDIS = _viridis_lut()


def _levels(sample):
    """(channels, rows, cols) in [0,1] -> uint8 levels 0..255 (NaN as 0)."""
    sample = np.clip(np.nan_to_num(np.asarray(sample, dtype=np.float32)), 0.0, 1.0)
    return np.round(sample * 255).astype(np.uint8)


class ModalityDisplay:
    """What every display has: `histogram_title`, `shown(x, index)` and `preview(x)` (the maps
    drawn of a file's samples), `rgb(sample)` (its pixels), `thumbnail(sample)`, `detail(...)` (what the task
    adds for a file), `draw(view, detail)`, `cell(detail, x, y)` and `describe(detail, row, column)`."""

    browses_samples = False  # the spin box picks one sample of a multi-sample file
    playable = True
    smooth_thumbnail = True  # thumbnails scaled smoothly (images keep sharp pixels)
    seconds_axis = False  # the map's x axis is in seconds (the waveform below can share it)

    def cell(self, detail, x, y):
        """(column, row) of the map at view coordinates (x, y)."""
        return int(np.floor(x)), int(np.floor(y))

    def thumbnail(self, sample, size=THUMBNAIL):
        """(size, size, 3) uint8: the sample's pixels scaled to fit (aspect kept), centred on a
        dark tile. Made in the worker thread, so the window only wraps the bytes in a pixmap."""
        from PIL import Image

        rgb = self.rgb(sample)
        rows, cols = rgb.shape[:2]
        width = rows and size * cols // rows  # as Qt's KeepAspectRatio sizes it
        width, height = (width, size) if width <= size else (size, size * rows // cols)
        scaled = Image.fromarray(rgb).resize((max(width, 1), max(height, 1)), Image.Resampling.BILINEAR
                                             if self.smooth_thumbnail else Image.Resampling.NEAREST)
        tile = np.full((size, size, 3), TILE_GREY, dtype=np.uint8)
        top, left = (size - scaled.height) // 2, (size - scaled.width) // 2
        tile[top:top + scaled.height, left:left + scaled.width] = np.asarray(scaled)
        return tile


class TimeDisplay(ModalityDisplay):
    """Speech and music: whole files (patches joined along time), low rows at the bottom in viridis."""

    def shown(self, x, index):
        """The (channels, rows, cols) map the sample view draws of a file's samples `x`."""
        return np.concatenate(list(x), axis=-1)

    def preview(self, x):
        """The map drawn as the file's thumbnail."""
        return np.concatenate(list(x[:PREVIEW_PATCHES]), axis=-1)

    def rgb(self, sample):
        """(rows, cols, 3) uint8 pixels of a map, row 0 (the lowest band or pitch) at the bottom."""
        return np.ascontiguousarray(VIRIDIS[_levels(sample)[0][::-1]])

    def draw(self, view, detail):
        """Puts the detail's map on the sample view's plot (`view.map_plot`, `view.image`)."""
        plot = view.map_plot
        plot.getAxis("left").setTicks(None)
        plot.invertY(False)  # lowest band / pitch at the bottom
        plot.setAspectLocked(False)
        view.image.setLookupTable(VIRIDIS)
        self.draw_values(view, detail)


class ImageDisplay(ModalityDisplay):
    """One image at a time, row 0 at the top, grey or RGB; nothing to play."""

    browses_samples = True
    playable = False
    smooth_thumbnail = False
    histogram_title = "Pixel intensity histogram"

    def shown(self, x, index):
        return x[index]

    def preview(self, x):
        return x[0]

    def rgb(self, sample):
        """(rows, cols, 3) uint8: grey repeated, or the RGB channels; row 0 at the top."""
        levels = _levels(sample)
        if levels.shape[0] == 3:
            return np.ascontiguousarray(levels.transpose(1, 2, 0))
        return np.ascontiguousarray(np.repeat(levels[0][:, :, None], 3, axis=2))

    def detail(self, sampleset, shown, path, profile):
        return {}

    def draw(self, view, detail):
        plot = view.map_plot
        plot.getAxis("left").setTicks(None)
        view.image.setLookupTable(None)
        view.image.setImage(self.rgb(detail["map"]), autoLevels=False, levels=(0, 255))
        view.image.setRect(0, 0, detail["map"].shape[-1], detail["map"].shape[-2])
        plot.invertY(True)  # row 0 at the top, as images are read
        plot.setAspectLocked(True)
        plot.setLabel("bottom", "pixel column")
        plot.setLabel("left", "pixel row")
        view.colorbar.hide()

    def describe(self, detail, row, column):
        shown = ", ".join(f"{v:.3f}" for v in detail["map"][:, row, column])
        return f"row {row}, column {column}: intensity {shown} (of 1)"


class SpeechDisplay(TimeDisplay):
    """Mel maps (recorded or generated) as power in dB over seconds and Hz; recordings add
    their waveform (sharing the time axis) and playback."""

    seconds_axis = True
    histogram_title = "Intensity histogram"

    def detail(self, sampleset, shown, path, profile):
        out = self.axes(shown)
        if sampleset.meta.get("format") in AUDIO_FORMATS:
            out.update(self.waveform(path, sampleset.meta.get("channel") or {}))
        return out

    @staticmethod
    def axes(shown):
        """The mel map as power in dB (inverting the stored log(1 + 1000 M) / scale), columns in
        seconds and the bands' centre frequencies in Hz."""
        from engine.data.representations import COMPRESSION, HOP, MEL_SCALE, N_MELS, SPEECH_RATE, hz_to_mel, mel_to_hz

        power = np.expm1(shown[0].astype(np.float64) * MEL_SCALE) / COMPRESSION
        db = 10.0 * np.log10(np.maximum(power, 1e-12))
        top = float(db.max()) if db.size else 0.0
        edges_mel = np.linspace(hz_to_mel(0.0), hz_to_mel(SPEECH_RATE / 2), N_MELS + 2)
        return {"db": np.maximum(db, top - DB_RANGE).astype(np.float32), "db_levels": (top - DB_RANGE, top),
                "band_hz": mel_to_hz(edges_mel[1:-1]), "seconds_per_column": HOP / SPEECH_RATE,
                "map_start_seconds": 0.0}

    @staticmethod
    def waveform(path, channel):
        """The recording's waveform, and where on its time axis the map starts: after the padding the map leaves out
        (engine/data/padding.py) and the seconds before its whole patches (representations.patch_offset)."""
        from engine.data.loaders import load_recording
        from engine.data.padding import speech_bounds
        from engine.data.representations import SPEECH_RATE, to_speech_rate
        from gui.playback import audio_unavailable

        audio, rate = load_recording(path)
        seconds = np.arange(audio.size, dtype=np.float64) / rate
        padding = speech_bounds(to_speech_rate(audio, rate))[0] / SPEECH_RATE
        return {"map_start_seconds": padding + channel.get("mel_seconds_before_patches", 0.0),
                "lower": {"kind": "waveform", "x": seconds, "y": audio, "x_label": "time (s)",
                          "y_label": "amplitude", "title": "Waveform", "reference": None},
                "audio": None if audio_unavailable() else (audio, rate),
                "cursor": (np.array([0.0, audio.size / rate]),) * 2}  # the map's time axis is in seconds too

    def draw_values(self, view, detail):
        plot, left = view.map_plot, view.map_plot.getAxis("left")
        values, levels = detail["db"], detail["db_levels"]
        bands, columns = values.shape
        view.image.setImage(values, autoLevels=False, levels=levels)
        view.image.setRect(detail["map_start_seconds"], 0.0, columns * detail["seconds_per_column"], bands)
        plot.setLabel("bottom", "time (s)")
        plot.setLabel("left", "frequency (Hz, mel bands)")
        centres = detail["band_hz"]
        left.setTicks([[(float(np.interp(hz, centres, np.arange(bands))) + 0.5, f"{hz:g}")
                        for hz in HZ_TICKS if centres[0] <= hz <= centres[-1]]])
        view.show_colorbar(levels, "power (dB)")

    def cell(self, detail, x, y):
        return math.floor((x - detail["map_start_seconds"]) / detail["seconds_per_column"]), int(y)

    def describe(self, detail, row, column):
        seconds = detail["map_start_seconds"] + column * detail["seconds_per_column"]
        return (f"{seconds:.2f} s, band {row} (≈{detail['band_hz'][row]:.0f} Hz): "
                f"{detail['db'][row, column]:.1f} dB (map intensity {detail['map'][0, row, column]:.3f})")


class MusicDisplay(TimeDisplay):
    """Piano rolls with the chord transitions the case's reference never makes marked above
    their notes; MIDI files are synthesised for playback."""

    histogram_title = "Velocity histogram"

    def detail(self, sampleset, shown, path, profile):
        out = self.violations(profile, shown)
        if sampleset.meta.get("format") == "MIDI":
            out.update(self.synthesis(path))
        return out

    @staticmethod
    def violations(profile, shown):
        """Violating chroma transitions against the case's reference, marked above their notes."""
        sounding = np.flatnonzero(shown[0].max(axis=1) > 0)
        out = {"focus_rows": (float(sounding.min()) - 2, float(sounding.max()) + 4) if sounding.size else None}
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

    @staticmethod
    def synthesis(path):
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

    def draw_values(self, view, detail):
        plot = view.map_plot
        values = detail["map"][0]
        view.image.setImage(values, autoLevels=False, levels=(0.0, 1.0))
        view.image.setRect(0, 0, values.shape[1], values.shape[0])
        plot.setLabel("bottom", "step (sixteenth note)")
        plot.setLabel("left", "MIDI pitch")
        view.show_colorbar((0.0, 1.0), "velocity / 127")

    def describe(self, detail, row, column):
        name = f"{NOTE_NAMES[row % 12]}{row // 12 - 1}"
        return f"step {column}, pitch {row} ({name}): velocity {detail['map'][0, row, column] * 127:.0f} / 127"


DISPLAYS = {"image": ImageDisplay(), "speech": SpeechDisplay(), "music": MusicDisplay()}


def display(name):
    """The display of the modality called `name` (InputError for a name engine/modality.py does not know)."""
    return DISPLAYS[modality(name).name]
