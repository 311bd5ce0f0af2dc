"""Clipping read at a recording's native rate (engine/data/clipping.py): flat tops at its extremes make it
clipped; a recording reaching its peak once, or an 8-bit recorder's coarse steps far below full scale, do not."""
import numpy as np

from engine.data.clipping import MIN_RUNS, clipping, flat_tops, held, on_rails, reason

RATE = 8000


def voice(gain, seed=0):
    """A vowel-like signal (harmonics of 120 Hz with a slow swell, light noise) times `gain`, saturated at 16-bit
    full scale and rounded as a recorder or an editor writes it."""
    rng = np.random.default_rng(seed)
    t = np.arange(RATE) / RATE
    x = sum(np.sin(2 * np.pi * 120 * k * t + k) / k for k in range(1, 8)) * (0.6 + 0.4 * np.sin(2 * np.pi * 2 * t))
    x = 0.4 * x / np.abs(x).max() + rng.normal(0, 1e-3, t.size)
    return np.clip(np.round(x * gain * 32768), -32768, 32767) / 32768


def test_a_recording_pushed_past_full_scale_reads_as_clipped():
    for gain in (3, 4, 8):  # (its peaks lie at 0.4 of full scale: x2 does not reach it)
        found = clipping(voice(gain))
        assert found is not None and found["flat_tops"] >= MIN_RUNS
        assert found["level"] > 0.99 and 0 < found["share"] < 0.5
    assert "pulse-grid stands aside" in reason({"clipping": clipping(voice(4))})


def test_clipping_scaled_down_afterwards_still_reads_at_its_own_extremes():
    quieter = voice(4) * 0.5  # an editor's normalisation after the recorder clipped
    assert clipping(quieter) is not None


def test_unclipped_and_coarse_recordings_do_not():
    assert clipping(voice(1)) is None and clipping(voice(2)) is None and reason({}) is None
    coarse = np.round(voice(1) * 0.25 * 128) / 128  # an 8-bit recorder's steps, peaks repeating far below full scale
    assert clipping(coarse) is None  # its extremes repeat in runs, but far below full scale
    assert flat_tops(np.array([0.0, 0.5, 0.9, 0.5, 0.0, -0.9, 0.0]))[0] == 0  # peaks reached once each


def test_the_rails_are_marked_only_where_a_recording_clips_and_a_held_limit_only_at_a_quarter_of_full_scale():
    clipped = voice(4)
    rails = on_rails(clipped)
    assert rails.any() and np.all(np.abs(clipped[rails]) >= 0.99) and not on_rails(voice(1)).any()
    start_up = np.r_[np.full(400, 32766 / 32768), voice(1)]  # a recorder saturating as it starts
    for gain in (1.0, 0.1):  # at any gain after it
        assert held(start_up * gain, 160)[:400].all() and not held(start_up * gain, 160)[400:].any()
        assert on_rails(clipped * gain).any()
    offset = np.r_[np.full(400, 0.05), voice(1)]  # a constant far below the speech's peak, and digital silence
    assert not held(offset, 160).any() and not held(np.zeros(800), 160).any()


def test_the_console_says_how_a_clipped_recording_was_read(fsdd_case, channels_on_few_kept, tmp_path, capsys):
    """The analyst at the command line is told, under the verdict, that pulse-grid stood aside for the clipping."""
    import soundfile

    import main

    path = tmp_path / "clipped.wav"
    soundfile.write(str(path), voice(gain=4.0), RATE, subtype="PCM_16")
    assert main.main(["verdict", str(path), "--case", fsdd_case]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("    read: clipped: ")]
    assert len(lines) == 1 and "pulse-grid stands aside" in lines[0]
