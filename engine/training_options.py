"""The options of the training jobs (so far `train gan`), declared once: the command line (engine/cli.py) and the
window's training panel (gui/training_panel.py) read their defaults, choices and help here,
and the choices are the training lab's own constants, so a new loss or output activation in
training/ reaches both without being typed again. Light imports only: the command line
builds its parser from this on every run, the window at start-up.
"""
from dataclasses import dataclass, field, fields

from training.activations import ACTIVATIONS
from training.gan import ARCHITECTURES, GAN_DEFAULTS
from training.losses import LOSSES


def option(default, help, choices=None):
    return field(default=default, metadata={"help": help, "choices": choices})


@dataclass(frozen=True)
class GanOptions:
    """`train gan`: the options with a fixed set of choices (defaults: training.gan.GAN_DEFAULTS)."""

    loss: str = option(GAN_DEFAULTS["loss"], "the GAN loss", LOSSES)
    activation: str = option(GAN_DEFAULTS["activation"], "the generator's output activation", ACTIVATIONS)
    architecture: str = option(GAN_DEFAULTS["architecture"],
                               "dcgan: shape-adaptive DCGAN; paper: the GAN of 003 Figs. 1-2", ARCHITECTURES)


def described(options, name):
    """(default, choices, help) of one field of an options dataclass."""
    found = {f.name: f for f in fields(options)}[name]
    return found.default, found.metadata["choices"], found.metadata["help"]


def argparse_options(options, name):
    """The add_argument keywords of one field: its default, choices and help."""
    default, choices, text = described(options, name)
    return {"default": default, "choices": choices, "help": text}
