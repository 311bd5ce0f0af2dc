"""The modality table (engine/modality.py) and the window's displays (gui/modality_display.py):
one entry per modality, a one-line refusal of an unknown name, and the files `generate`
writes per modality read back as the same maps."""
import numpy as np
import pytest

from engine.data.loaders import load_path
from engine.errors import InputError
from engine.modality import MODALITIES, modality
from engine.training_jobs import write_samples


def test_every_modality_has_one_entry_and_one_display():
    from gui.modality_display import DISPLAYS

    assert set(DISPLAYS) == set(MODALITIES)
    assert [modality(name).name for name in MODALITIES] == list(MODALITIES)


def test_an_unknown_modality_is_refused_in_one_line_naming_where_it_was_read():
    with pytest.raises(InputError) as err:
        modality("video", source="run/run.json")
    assert str(err.value) == "run/run.json: unknown modality 'video' (one of image, speech, music)"
    from gui.modality_display import display

    with pytest.raises(InputError):
        display("speech\n")


def test_generated_samples_are_written_as_files_of_their_modality(tmp_path):
    rng = np.random.default_rng(0)
    grey = np.rint(rng.random((2, 1, 8, 8)) * 255).astype(np.float32) / 255
    colour = np.rint(rng.random((1, 3, 8, 8)) * 255).astype(np.float32) / 255
    mel = rng.random((2, 1, 64, 16)).astype(np.float32)
    roll = np.zeros((1, 1, 128, 32), np.float32)
    roll[0, 0, 60, 0:4] = roll[0, 0, 64, 4:12] = 100 / 127

    for name, x, suffix in (("image", grey, ".png"), ("image", colour, ".png"), ("speech", mel, ".npy"),
                            ("music", roll, ".mid")):
        folder = tmp_path / f"{name}{x.shape[1]}"
        paths = write_samples(str(folder), x, name)
        assert [p.rsplit("/", 1)[1] for p in paths] == [f"sample_{i}{suffix}" for i in range(len(x))]
        for path, sample in zip(paths, x):
            back = load_path(path)
            assert back.modality == ("image" if suffix == ".npy" else name)  # a bare array until a case adopts it
            np.testing.assert_allclose(back.x[0, :, :, :sample.shape[-1]], sample, atol=1e-6)
    whole = write_samples(str(tmp_path / "all.npy"), mel, "speech")
    np.testing.assert_array_equal(np.load(whole[0], allow_pickle=False), mel)
