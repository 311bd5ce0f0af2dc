"""The sample view shows every modality's detail after every other one (issue #16, defect 1:
after a speech file every image or MIDI failed with pyqtgraph's 'len(X) must be len(Y)+1')."""
import itertools

import numpy as np
import pytest

from gui.session import Evidence


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """One file per kind of detail: a PNG, a short WAV (shorter than the histogram's [0,1]
    axis, which is what broke), a MIDI file and a speech generator's .npy mel maps."""
    import pretty_midi
    import soundfile
    from PIL import Image

    folder = tmp_path_factory.mktemp("orders")
    png = folder / "digit.png"
    Image.fromarray((np.random.default_rng(0).random((8, 8)) * 255).astype(np.uint8)).save(png)
    wav = folder / "short.wav"
    soundfile.write(wav, (0.3 * np.sin(np.arange(2000) / 5.0)).astype(np.float32), 8000)
    midi = pretty_midi.PrettyMIDI()
    piano = pretty_midi.Instrument(program=0)
    piano.notes += [pretty_midi.Note(velocity=100, pitch=60 + (i % 5), start=i * 0.25, end=i * 0.25 + 0.25)
                    for i in range(16)]
    midi.instruments.append(piano)
    mid = folder / "tune.mid"
    midi.write(str(mid))
    npy = folder / "generated_mels.npy"
    np.save(npy, np.random.default_rng(1).random((3, 1, 64, 32)).astype(np.float32))
    return {"image": str(png), "speech": str(wav), "music": str(mid), "speech-array": str(npy)}


def entry_for(path):
    from engine.data.loaders import load_path
    from gui.tasks.evidence import adopt_case_modality

    speech_reference = {"modality": "speech", "shape": [1, 64, 32]}
    return Evidence(path, adopt_case_modality(load_path(path), speech_reference), None)


def every_ordered_pair(kinds):
    """A walk through the kinds that shows each one right after each other one (an Euler
    circuit of the complete directed graph), starting and ending on the first."""
    unused = {kind: [other for other in kinds if other != kind] for kind in kinds}
    walk, stack = [], [kinds[0]]
    while stack:
        if unused[stack[-1]]:
            stack.append(unused[stack[-1]].pop())
        else:
            walk.append(stack.pop())
    return walk[::-1]


def test_every_detail_after_every_other(gui_window, no_threads_left, qtbot, files, monkeypatch):
    from gui import playback

    monkeypatch.setattr(playback, "_backend", lambda: (None, "Playback unavailable: no device in tests"))
    errors = []
    monkeypatch.setattr("sys.excepthook", lambda *exc: errors.append(exc))
    kinds = list(files)
    walk = every_ordered_pair(kinds)
    assert {pair for pair in zip(walk, walk[1:])} == set(itertools.permutations(kinds, 2))
    view = gui_window.sample_view
    gui_window.show_view("sample")
    lower_titles = {"image": "Pixel intensity histogram", "speech": "Waveform", "music": "Velocity histogram",
                    "speech-array": "Intensity histogram"}
    for kind in walk:
        view.detail = None
        view.show_entry(entry_for(files[kind]))
        qtbot.waitUntil(lambda: view.detail is not None and gui_window.jobs.is_idle(), timeout=30000)
        assert not errors, errors
        assert "computing" not in view.title.text(), kind
        assert view.lower_plot.titleLabel.text.startswith(lower_titles[kind]), (kind, view.lower_plot.titleLabel.text)
        modality = kind.split("-")[0]
        assert view.detail["modality"] == modality
        waveform_x = view.waveform_curve.xData
        if kind == "speech":
            assert waveform_x is not None and len(waveform_x) == 2000
        else:  # nothing of an earlier file stays under this one's histogram
            assert waveform_x is None or len(waveform_x) == 0, kind
            assert view.histogram_curve.xData.size == view.histogram_curve.yData.size + 1
        assert view.colorbar.isVisible() == (modality != "image")
        if modality == "speech":
            assert view.image.image.shape == (64, view.detail["map"].shape[-1])
            assert view.map_plot.getAxis("left").labelText.startswith("frequency (Hz")
            # recordings and generated maps alike (defect 5): frequency grows upwards, time in seconds
            assert not view.map_plot.vb.yInverted() and view.map_plot.getAxis("bottom").labelText == "time (s)"
            hz = [float(label) for _, label in sorted(view.map_plot.getAxis("left")._tickLevels[0])]
            assert len(hz) > 3 and hz == sorted(hz)
        if kind == "speech":  # the waveform shares the spectrogram's time axis
            assert view.lower_plot.vb.linkedView(0) is view.map_plot.vb
        else:
            assert view.lower_plot.vb.linkedView(0) is None
        assert view.map_plot.vb.yInverted() == (modality == "image")  # images as read: row 0 at the top


def test_generated_mel_maps_read_as_speech_in_a_speech_case(files):
    entry = entry_for(files["speech-array"])
    assert entry.modality == "speech" and entry.sampleset.meta["modality_from_reference"]


def test_the_readout_names_the_value_under_the_mouse(gui_window, no_threads_left, qtbot, files, monkeypatch):
    from gui import playback
    from gui.sample_view import scene_point

    monkeypatch.setattr(playback, "_backend", lambda: (None, "Playback unavailable: no device in tests"))
    view = gui_window.sample_view
    gui_window.show_view("sample")
    for kind, expected in (("image", "intensity"), ("music", "velocity"), ("speech", "dB")):
        view.detail = None
        view.show_entry(entry_for(files[kind]))
        qtbot.waitUntil(lambda: view.detail is not None and gui_window.jobs.is_idle(), timeout=30000)
        x = 0.1 if kind == "speech" else 2.5
        y = 60.5 if kind == "music" else 3.5
        view._mouse_moved(scene_point(view.map_plot, x, y))
        assert expected in view.readout.text(), (kind, view.readout.text())
    assert view.map_value(-5.0, 3.5) is None
    at = view.detail["map_start_seconds"] + 0.1
    text = view.map_value(at, 3.5)
    row, column = 3, int(0.1 / view.detail["seconds_per_column"])
    assert f"{view.detail['db'][row, column]:.1f} dB" in text and text.startswith(f"{at:.2f} s")


def test_a_late_word_s_map_is_drawn_where_its_patch_lies_on_the_waveform(gui_window, no_threads_left, qtbot, tmp_path,
                                                                           monkeypatch):
    import soundfile

    from gui import playback
    from tests.test_patch_placement import RATE, clip

    monkeypatch.setattr(playback, "_backend", lambda: (None, "Playback unavailable: no device in tests"))
    path = tmp_path / "late.wav"
    soundfile.write(str(path), clip(0.75), RATE, subtype="PCM_16")
    view = gui_window.sample_view
    gui_window.show_view("sample")
    view.detail = None
    view.show_entry(entry_for(str(path)))
    qtbot.waitUntil(lambda: view.detail is not None and gui_window.jobs.is_idle(), timeout=30000)
    start = view.detail["map_start_seconds"]
    assert start == pytest.approx(0.36, abs=0.02)  # the 0.36 s of background before the word's patch
    assert view.image.mapRectToParent(view.image.boundingRect()).left() == pytest.approx(start, abs=1e-6)
    assert view.map_value(start - 0.05, 3.5) is None and view.map_value(0.8, 3.5).startswith("0.80 s")
