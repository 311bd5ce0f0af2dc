"""Compare, rounds and sample views draw what the engine computed (pytest-qt, offscreen)."""
import json

import numpy as np
import pytest

from gui.session import Evidence


def test_compare_view_draws_curves_and_the_ks_jsd_table(gui_window, no_threads_left, qtbot):
    from engine.analysis.compare import compare_sets
    from engine.data.specs import load_spec

    view = gui_window.compare_view
    view.run_comparison("builtin:digits[0:200]", ["bern=baseline:bernoulli"])
    qtbot.waitUntil(lambda: view.table.rowCount() == 1, timeout=30000)
    qtbot.waitUntil(gui_window.jobs.is_idle, timeout=30000)
    for key in ("hist", "hist_mid", "ecdf", "centroid", "slope"):
        for name in ("builtin:digits[0:200]", "bern"):
            x, y = view.curves[(key, name)].getData()
            assert x is not None and len(x) > 1 and np.isfinite(y).any(), (key, name)
    reference = load_spec("builtin:digits[0:200]")
    expected = compare_sets(reference, load_spec("baseline:bernoulli", name="bern", reference=reference))
    assert view.table.item(0, 0).text() == "bern"
    assert float(view.table.item(0, 2).text()) == pytest.approx(expected["intensity"]["ks_statistic"], abs=1e-4)
    assert float(view.table.item(0, 4).text()) == pytest.approx(expected["intensity"]["jsd"], abs=1e-4)


def test_compare_view_reports_a_bad_spec(gui_window, no_threads_left, qtbot, tmp_path):
    view = gui_window.compare_view
    view.run_comparison("builtin:digits[0:50]", [f"x={tmp_path / 'missing.png'}"])
    qtbot.waitUntil(lambda: "failed" in view.status.text(), timeout=30000)
    qtbot.waitUntil(gui_window.jobs.is_idle, timeout=10000)
    assert "missing.png" in view.status.text()


def test_rounds_view_shows_the_matrix_and_the_generalisation_curve(gui_window, no_threads_left, qtbot, tmp_path):
    rounds = {"matrix": [[0.9, 0.4], [0.8, 0.95]],
              "generalization": [{"generators": 1, "accuracy": 0.7}, {"generators": 2, "accuracy": 0.8}]}
    (tmp_path / "rounds.json").write_text(json.dumps(rounds))
    view = gui_window.rounds_view
    view.load(str(tmp_path))
    qtbot.waitUntil(lambda: view.heatmap.image is not None, timeout=10000)
    np.testing.assert_allclose(view.heatmap.image, rounds["matrix"])
    assert [label.toPlainText() for label in view.labels] == ["0.90", "0.40", "0.80", "0.95"]
    np.testing.assert_allclose(view.curve.getData()[1], [0.7, 0.8])


def test_rounds_view_refuses_a_broken_file(gui_window, no_threads_left, qtbot, tmp_path):
    (tmp_path / "rounds.json").write_text('{"matrix": "nope"}')
    gui_window.rounds_view.load(str(tmp_path))
    qtbot.waitUntil(lambda: "Cannot read" in gui_window.rounds_view.status.text(), timeout=10000)


def test_speech_sample_shows_mel_and_waveform_and_explains_disabled_playback(gui_window, no_threads_left, qtbot,
                                                                            tmp_path, monkeypatch):
    import soundfile

    from engine.data.loaders import load_path
    from gui import playback

    monkeypatch.setattr(playback, "_backend", lambda: (None, "Playback unavailable: PortAudio library not found"))
    rate = 8000
    t = np.arange(rate, dtype=np.float32) / rate
    path = tmp_path / "tone.wav"
    soundfile.write(path, 0.5 * np.sin(2 * np.pi * 440 * t), rate)
    entry = Evidence(str(path), load_path(str(path)), None)
    view = gui_window.sample_view
    gui_window.show_view("sample")
    view.show_entry(entry)
    qtbot.waitUntil(lambda: view.detail is not None, timeout=20000)
    qtbot.waitUntil(gui_window.jobs.is_idle, timeout=10000)
    assert view.image.image.shape[0] == 64  # mel bands
    assert view.colorbar.isVisible() and "dB" in view.colorbar.axis.labelText
    x, y = view.waveform_curve.xData, view.waveform_curve.yData  # (getData clips to the view)
    assert x[-1] == pytest.approx(1.0, abs=1e-3) and np.abs(y).max() == pytest.approx(0.5, abs=1e-3)
    assert not view.play_button.isEnabled()
    assert "PortAudio" in view.play_button.toolTip()


def test_image_sample_shows_its_pixel_histogram(gui_window, no_threads_left, qtbot):
    from engine.data.specs import load_spec

    sampleset = load_spec("builtin:digits[0:3]")
    view = gui_window.sample_view
    gui_window.show_view("sample")
    view.show_entry(Evidence("digits", sampleset, None))
    qtbot.waitUntil(lambda: view.detail is not None, timeout=20000)
    view.index.setValue(2)
    qtbot.waitUntil(lambda: gui_window.jobs.is_idle() and view.detail["map"] is not None
                    and np.array_equal(view.detail["map"], sampleset.x[2]), timeout=20000)
    edges, density = view.histogram_curve.getData()
    assert (density * np.diff(edges)).sum() == pytest.approx(1.0)
    assert not view.play_button.isEnabled()


class FakeSoundDevice:
    """Stands in for sounddevice: records what would have played."""

    def __init__(self):
        self.played, self.stops = [], 0

    def play(self, audio, rate):
        self.played.append((len(audio), rate))

    def stop(self):
        self.stops += 1


def test_play_moves_the_cursor_and_stops_at_the_end(gui_window, no_threads_left, qtbot, tmp_path, monkeypatch):
    import soundfile

    from engine.data.loaders import load_path
    from gui import playback

    device = FakeSoundDevice()
    monkeypatch.setattr(playback, "_backend", lambda: (device, None))
    rate = 8000
    path = tmp_path / "short.wav"
    soundfile.write(path, 0.3 * np.sin(np.arange(rate // 2) / 5.0).astype(np.float32), rate)  # 0.5 s
    view = gui_window.sample_view
    gui_window.show_view("sample")
    view.show_entry(Evidence(str(path), load_path(str(path)), None))
    qtbot.waitUntil(lambda: view.detail is not None and gui_window.jobs.is_idle(), timeout=20000)
    assert view.play_button.isEnabled()
    positions = []
    view.player.position.connect(positions.append)
    view.play_button.click()
    assert device.played == [(rate // 2, rate)]
    assert view.map_cursor.isVisible()
    qtbot.waitUntil(lambda: not view.player.is_playing(), timeout=5000)
    assert positions == sorted(positions) and positions[-1] == pytest.approx(0.5)
    assert view.map_cursor.value() == pytest.approx(positions[-1], abs=1e-6)  # the map's x axis is in seconds
    assert not view.map_cursor.isVisible() and device.stops == 1
