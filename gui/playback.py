"""Audio playback through sounddevice, with a position clock for playback cursors.

sounddevice needs the PortAudio library and an output device; either may be missing
(a server, a CI runner, a frozen app without the library). `audio_unavailable()`
says why in one line, and the views disable their Play buttons with that tooltip.
"""
import functools
import time

from PySide6.QtCore import QObject, QTimer, Signal, Slot


@functools.lru_cache(maxsize=1)
def _backend():
    """(sounddevice module, None) when audio works, else (None, reason)."""
    try:
        import sounddevice
    except OSError as exc:  # PortAudio library missing
        return None, f"Playback unavailable: {exc}"
    except ImportError as exc:
        return None, f"Playback unavailable: sounddevice is not installed ({exc})"
    try:
        sounddevice.query_devices(kind="output")
    except Exception as exc:  # PortAudioError and friends: no output device
        return None, f"Playback unavailable: no audio output device ({exc})"
    return sounddevice, None


def audio_unavailable():
    """None when audio can play, else the reason (for tooltips)."""
    return _backend()[1]


class Player(QObject):
    """Plays one buffer at a time; `position` ticks ~30 times a second while playing."""

    position = Signal(float)  # seconds from the start of the buffer
    stopped = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._started = None
        self._duration = 0.0
        self._timer = QTimer(self)
        self._timer.setInterval(33)
        self._timer.timeout.connect(self._tick)

    def is_playing(self):
        return self._started is not None

    def play(self, audio, sample_rate):
        backend, reason = _backend()
        if backend is None:
            raise RuntimeError(reason)
        self.stop()
        backend.play(audio, int(sample_rate))
        self._duration = len(audio) / float(sample_rate)
        self._started = time.monotonic()
        self._timer.start()

    def stop(self):
        if self._started is None:
            return
        backend, _ = _backend()
        if backend is not None:
            backend.stop()
        self._started = None
        self._timer.stop()
        self.stopped.emit()

    @Slot()
    def _tick(self):
        elapsed = time.monotonic() - self._started
        if elapsed >= self._duration:
            self.position.emit(self._duration)
            self.stop()
        else:
            self.position.emit(elapsed)
