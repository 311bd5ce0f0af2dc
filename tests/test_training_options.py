"""Every job's options are declared once (engine/training_options.py, engine/options.py): the
command line and the training panel offer the training lab's own choices, with the same
defaults, and the jobs take the same dataclass."""
import dataclasses

import pytest

from engine.options import add_arguments, argparse_options, as_options, described, from_args, option
from engine.training_options import (ClassifierOptions, FgsmOptions, GanOptions, GenerateOptions, InverseOptions,
                                     RoundsOptions)
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


# --- every job's options: one dataclass for the command line, the panel and the job ---------------
# the sub-command of each options class and the least it needs on the command line
COMMANDS = {
    GanOptions: (["train", "gan", "--data", "d", "--out", "o"], {"data": "d", "out": "o"}),
    ClassifierOptions: (["train", "classifier", "--real", "r", "--fake", "a=x", "y", "--out", "o"],
                        {"real": "r", "fakes": (("a", "x"), ("y", "y")), "out": "o"}),
    InverseOptions: (["train", "inverse", "--generator", "g", "--out", "o"], {"generator": "g", "out": "o"}),
    RoundsOptions: (["train", "rounds", "--data", "d", "--out", "o"], {"data": "d", "out": "o"}),
    GenerateOptions: (["generate", "run", "--n", "3", "--out", "o"], {"run": "run", "n": 3, "out": "o"}),
    FgsmOptions: (["fgsm", "--classifier", "c", "--data", "d", "--eps", "0.1", "--out", "o"],
                  {"classifier": "c", "data": "d", "eps": 0.1, "out": "o"}),
}


def test_the_command_line_gives_each_job_its_options_with_their_defaults():
    from engine.cli import build_parser

    parser = build_parser()
    for options, (argv, given) in COMMANDS.items():
        args = parser.parse_args(argv)
        assert from_args(options, args) == options(**given), options.__name__
        assert args.func.__name__ in ("cmd_train_" + argv[1], "cmd_" + argv[0])


def test_the_command_line_keeps_its_flag_names():
    from engine.cli import build_parser

    args = build_parser().parse_args(["train", "gan", "--data", "d", "--out", "o", "--z-dim", "8", "--batch-size",
                                      "16", "--betas", "0.1", "0.2", "--dry-run", "--checkpoint-every", "5"])
    assert from_args(GanOptions, args) == GanOptions(data="d", out="o", z_dim=8, batch_size=16, betas=(0.1, 0.2),
                                                     dry_run=True, checkpoint_every=5)
    args = build_parser().parse_args(["train", "rounds", "--data", "d", "--out", "o", "--gan-steps", "3",
                                      "--executor", "process", "--workers", "1", "--phi", "0.5"])
    assert from_args(RoundsOptions, args) == RoundsOptions(data="d", out="o", gan_steps=3, executor="process",
                                                           workers=1, phi=0.5)


def test_a_program_passes_options_or_a_mapping_of_their_names():
    options = GanOptions(data="d", out="o")
    assert as_options(GanOptions, options) is options
    assert as_options(GanOptions, {"data": "d", "out": "o"}) == options
    with pytest.raises(TypeError, match="lose"):
        as_options(GanOptions, {"data": "d", "out": "o", "lose": "gan"})
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.loss = "lsgan"


def test_add_arguments_reads_positionals_tuples_parsers_and_flags():
    import argparse

    @dataclasses.dataclass(frozen=True, kw_only=True)
    class Toy:
        folder: str | None = option(None, "where", positional=True, metavar="DIR")
        pair: tuple[float, float] | None = option(None, "two numbers")
        words: tuple[str, ...] = option((), "a comma list", parse=lambda text: tuple(text.split(",")))
        named: tuple[str, ...] = option((), "one or more", flag="name", nargs="+")
        quiet: bool = option(False, "say less")
        budget: int = option(10, "minutes", choices=(10, 20))
        hidden: int = option(1, "set by programs", cli=False)

    parser = argparse.ArgumentParser()
    add_arguments(parser, Toy)
    toy = from_args(Toy, parser.parse_args(["f", "--pair", "1", "2.5", "--words", "a,b", "--name", "x", "y",
                                            "--quiet", "--budget", "20"]))
    assert toy == Toy(folder="f", pair=(1.0, 2.5), words=("a", "b"), named=("x", "y"), quiet=True, budget=20)
    assert from_args(Toy, parser.parse_args(["f"])) == Toy(folder="f")
    assert "minutes (default 10)" in parser.format_help() and "--hidden" not in parser.format_help()


def test_the_option_form_makes_a_widget_holding_each_fields_default(qapp):
    from PySide6.QtWidgets import QComboBox, QLineEdit, QSpinBox

    from gui import option_form

    for options in COMMANDS:
        for found in dataclasses.fields(options):
            if not found.metadata["cli"]:
                continue
            widget = option_form.make_widget(options, found.name)
            assert widget.toolTip()[:1].isupper(), (options.__name__, found.name)
            empty = None if option_form.value_type(options, found.name) in (int, float) else ""
            assert option_form.value(widget, options, found.name) == (
                empty if found.default is None else found.default), (options.__name__, found.name)
    assert isinstance(option_form.make_widget(RoundsOptions, "loss"), QComboBox)
    assert isinstance(option_form.make_widget(GanOptions, "steps"), QLineEdit)  # no default: empty is None
    spin = option_form.make_widget(RoundsOptions, "generators")
    assert isinstance(spin, QSpinBox) and (spin.minimum(), spin.maximum()) == (2, 64)
    fakes = option_form.make_widget(ClassifierOptions, "fakes")
    fakes.setText("a=x, y")
    assert option_form.value(fakes, ClassifierOptions, "fakes") == (("a", "x"), ("y", "y"))
    steps = option_form.make_widget(GanOptions, "steps")
    steps.setText("many")
    with pytest.raises(ValueError):
        option_form.value(steps, GanOptions, "steps")


def test_the_panel_builds_each_kinds_options_from_its_rows(gui_window, tmp_path):
    from gui.training_panel import FORM_ROWS, KINDS, SAME_ROW

    offered = {SAME_ROW.get(name, name) for _, options, names in KINDS.values() for name in names}
    assert offered == set(FORM_ROWS), "each field a kind offers has its place in the form"
    panel = gui_window.training_panel
    panel.kind.setCurrentText("rounds")
    assert panel.fields["epochs"].isHidden() and not panel.fields["iterations"].isHidden()  # rounds have no epochs
    assert panel.loss.currentText() == RoundsOptions().loss and panel.loss.toolTip().startswith("How new GANs")
    panel.data.setText("builtin:digits[0:10]")
    panel.out.setText(str(tmp_path / "r"))
    panel.fields["generators"].setValue(6)
    assert panel.params(resume=False) == RoundsOptions(data="builtin:digits[0:10]", out=str(tmp_path / "r"),
                                                       generators=6, device=panel.device.currentText())
    panel.kind.setCurrentText("classifier")
    panel.fields["fakes"].setText("g=run1 run2")
    options = panel.params(resume=False)
    assert isinstance(options, ClassifierOptions) and options.real == "builtin:digits[0:10]"
    assert options.fakes == (("g", "run1"), ("run2", "run2")) and options.epochs == 5  # the row's value
    assert options.log_every == 5 and options.case is None
    panel.kind.setCurrentText("GAN")
    assert not panel.fields["epochs"].isHidden() and panel.fields["iterations"].isHidden()
    panel.fields["seed"].setValue(7)
    assert panel.params(resume=False).seed == 7 and panel.params(resume=False).loss == GanOptions().loss


def test_a_count_below_one_is_one_line_and_exit_code_2(tmp_path, capsys):
    import main

    assert main.main(["train", "gan", "--data", "builtin:digits", "--out", str(tmp_path / "g"), "--epochs", "0"]) == 2
    assert capsys.readouterr().err.strip() == "error: --epochs: must be at least 1"
    assert main.main(["train", "inverse", "--generator", str(tmp_path), "--out", str(tmp_path / "i"),
                      "--n-negatives", "0"]) == 2
    assert capsys.readouterr().err.strip() == "error: --n-negatives: must be at least 1"
