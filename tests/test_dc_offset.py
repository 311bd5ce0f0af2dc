"""A recorder's DC offset read and removed before a recording is judged (engine/data/dc_offset.py): a take written
5 % of full scale off zero is judged as the take itself, with the reading stated; the reference's own small offsets,
a synthesiser's exact silence and a script's padding are left as written."""
import numpy as np
import soundfile

from engine.data import dc_offset
from engine.data.loaders import load_path
from engine.data.padding import STEP_16

TAKE = "resources/fsdd/0_george_0.wav"


def take():
    audio, rate = soundfile.read(TAKE, dtype="float64")
    return audio, rate


def written(path, audio, rate):
    soundfile.write(str(path), np.clip(audio, -1, 1 - STEP_16), rate, subtype="PCM_16")
    return str(path)


def test_an_offset_is_removed_in_whole_16_bit_steps_and_the_padding_stays_silent():
    audio, rate = take()
    padded = np.concatenate([np.zeros(2000), np.round((audio + 0.05) / STEP_16) * STEP_16, np.zeros(2000)])
    out, offset = dc_offset.removed(padded.astype(np.float32), rate)
    assert abs(offset - 0.05) < 0.005 and offset / STEP_16 == round(offset / STEP_16)
    assert np.all(out[:2000] == 0) and np.all(out[-2000:] == 0)  # a script's padding, as written
    assert abs(float(np.mean(out[2000:-2000], dtype=np.float64))) < abs(np.mean(audio)) + STEP_16
    steps = out.astype(np.float64) / STEP_16
    assert np.array_equal(steps, np.round(steps))  # still on the 16-bit lattice
    assert "+0.050 of full scale" in dc_offset.reason({"dc_offset": offset})


def test_silence_written_at_the_offset_comes_back_to_zero():
    audio, rate = take()
    shifted = np.round((np.concatenate([np.zeros(2000), audio, np.zeros(2000)]) + 0.03) / STEP_16) * STEP_16
    out, offset = dc_offset.removed(shifted.astype(np.float32), rate)  # the offset under the silence too
    assert np.all(out[:2000] == 0) and np.all(out[-2000:] == 0)


def test_offsets_within_the_references_spread_and_exact_silence_are_left_as_written():
    audio, rate = take()
    for small in (0.0, 0.008, -0.008):  # FSDD's nicolas records every take about 0.008 off zero
        shifted = (audio + small).astype(np.float32)
        out, offset = dc_offset.removed(shifted, rate)
        assert offset is None and out is shifted
    synthesised = np.concatenate([audio, np.zeros(3000), audio]).astype(np.float32)  # a pause of exact zeros
    assert dc_offset.removed(synthesised, rate)[1] is None
    assert dc_offset.reason({}) is None


def test_a_take_off_zero_is_read_as_the_take_itself(tmp_path):
    audio, rate = take()
    as_recorded = load_path(written(tmp_path / "take.wav", audio, rate))
    off_zero = load_path(written(tmp_path / "off_zero.wav", audio - 0.05, rate))
    assert abs(off_zero.meta["channel"]["dc_offset"] + 0.05) < 0.005
    assert "dc_offset" not in as_recorded.meta["channel"]
    # the offset carried the lowest mel band; removed, the map is the take's within the take's own mean
    assert np.abs(off_zero.x - as_recorded.x).max() < 0.005
    assert np.abs(off_zero.audio - as_recorded.audio).max() < 0.001


def test_the_console_says_the_offset_was_removed(fsdd_case, channels_on_few_kept, tmp_path, capsys):
    import main

    audio, rate = take()
    path = written(tmp_path / "off_zero.wav", audio + 0.05, rate)
    assert main.main(["verdict", path, "--case", fsdd_case]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("    read: a recorder's DC")]
    assert len(lines) == 1 and "judged with the offset removed" in lines[0]
