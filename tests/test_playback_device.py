"""Playback through the real audio stack: gui/playback.py -> sounddevice -> PortAudio -> ALSA.

The device is ALSA's `file` plugin over its `null` device, set up by an .asoundrc in a
temporary HOME (ALSA reads ~/.asoundrc): everything played is written to a file, so the
test hears what reached the device, sample for sample. Skipped, with the window's own
reason, where PortAudio is not installed (Debian: libportaudio2) or there is no ALSA.
"""
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RATE = 16000
PLAYER = textwrap.dedent("""
    import sys
    import numpy as np
    from PySide6.QtCore import QCoreApplication, QTimer
    app = QCoreApplication([])
    from gui import playback
    reason = playback.audio_unavailable()
    if reason:
        print("UNAVAILABLE", reason)
        sys.exit(0)
    tone = np.load(sys.argv[1])
    player = playback.Player()
    positions = []
    player.position.connect(positions.append)
    player.stopped.connect(app.quit)
    player.play(tone, int(sys.argv[2]))
    QTimer.singleShot(10000, app.quit)
    app.exec()
    print("POSITIONS", " ".join(f"{p:.4f}" for p in positions), "PLAYING", player.is_playing())
""")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the ALSA file device exists on Linux only")
def test_a_tone_played_by_the_player_reaches_the_alsa_device_sample_for_sample(tmp_path):
    captured = tmp_path / "played.raw"
    (tmp_path / ".asoundrc").write_text(
        f'pcm.!default {{\n  type file\n  slave.pcm "null"\n  file "{captured}"\n  format "raw"\n}}\n')
    tone = (0.5 * np.sin(2 * np.pi * 440 * np.arange(RATE // 2) / RATE)).astype(np.float32)
    np.save(tmp_path / "tone.npy", tone)
    env = dict(os.environ, HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path), PYTHONPATH=ROOT)
    done = subprocess.run([sys.executable, "-c", PLAYER, str(tmp_path / "tone.npy"), str(RATE)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    if done.stdout.startswith("UNAVAILABLE"):
        pytest.skip(done.stdout.strip())  # e.g. "Playback unavailable: PortAudio library not found"
    words = done.stdout.split()
    positions = [float(w) for w in words[words.index("POSITIONS") + 1:words.index("PLAYING")]]
    assert words[-1] == "False"  # stopped by itself at the end of the buffer
    assert positions == sorted(positions) and positions[-1] == pytest.approx(len(tone) / RATE)
    assert len(positions) >= 5  # the cursor moved while it played (~30 ticks a second)
    # PortAudio hands ALSA 32-bit floats; the device got the tone whole, after some leading silence
    played = np.frombuffer(captured.read_bytes(), dtype="<f4")
    start = int(np.flatnonzero(played)[0]) - 1  # the tone's first sample is 0.0
    assert np.array_equal(played[start:start + len(tone)], tone)
    assert not played[start + len(tone):].any()
