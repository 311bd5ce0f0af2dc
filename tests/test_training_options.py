"""`train gan`'s options are declared once (engine/training_options.py): the command line and
the training panel offer the training lab's own choices, with the same defaults."""
import pytest

from engine.options import argparse_options, described
from engine.training_options import GanOptions
from training.activations import ACTIVATIONS
from training.gan import ARCHITECTURES, GAN_DEFAULTS
from training.losses import LOSSES

CHOICES = {"loss": LOSSES, "activation": ACTIVATIONS, "architecture": ARCHITECTURES}


def test_the_options_are_the_training_labs_choices_and_defaults():
    for name, choices in CHOICES.items():
        default, offered, text = described(GanOptions, name)
        assert offered == choices and default == GAN_DEFAULTS[name] and text
        assert default in offered
    assert GanOptions() == GanOptions(**{name: GAN_DEFAULTS[name] for name in CHOICES})


def test_the_command_line_reads_them():
    from engine.cli import build_parser  # the parser itself; product code reaches it only through main.py

    parser = build_parser()
    args = parser.parse_args(["train", "gan", "--data", "builtin:digits", "--out", "run"])
    assert {name: getattr(args, name) for name in CHOICES} == {name: GAN_DEFAULTS[name] for name in CHOICES}
    for name, choices in CHOICES.items():
        assert argparse_options(GanOptions, name)["choices"] == choices
        for choice in choices:
            chosen = parser.parse_args(["train", "gan", "--data", "d", "--out", "o", f"--{name}", choice])
            assert getattr(chosen, name) == choice


def test_the_command_line_refuses_another_choice(capsys):
    import main

    with pytest.raises(SystemExit) as exit_:  # argparse's own exit, status 2
        main.main(["train", "gan", "--data", "d", "--out", "o", "--loss", "hinge"])
    assert exit_.value.code == 2
    assert "invalid choice: 'hinge'" in capsys.readouterr().err


def test_the_training_panel_reads_them(gui_window):
    panel = gui_window.training_panel
    panel.kind.setCurrentText("rounds")
    panel.kind.setCurrentText("GAN")
    items = lambda combo: tuple(combo.itemText(i) for i in range(combo.count()))  # noqa: E731
    assert items(panel.loss) == LOSSES and panel.loss.currentText() == GAN_DEFAULTS["loss"]
    assert items(panel.activation) == ACTIVATIONS and panel.activation.currentText() == GAN_DEFAULTS["activation"]
    assert panel.activation.toolTip() == "The generator's output activation"
