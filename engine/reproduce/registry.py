"""The one registry of reproducible items (torchvision's `register_model` / `list_models` /
`get_model`): paper modules register their items on import; nothing else lists them."""
import importlib
from dataclasses import dataclass, field
from typing import Callable

from engine.errors import InputError

PAPER_MODULES = ("engine.reproduce.tequilagan", "engine.reproduce.authorship", "engine.reproduce.rounds")
SCALES = ("tiny", "quick", "paper")  # tiny: tests only (seconds); quick: <= 10 min on 2 CPU cores
PAPERS = {
    "000": "TequilaGAN: how to easily identify GAN samples (000)",
    "003": "Generative-model authorship (003)",
    "004": "Sequential GAN-vs-classifier rounds (004)",
}


@dataclass(frozen=True)
class Item:
    id: str
    title: str
    paper: str  # a key of PAPERS
    run: Callable  # run(params, state) -> {"rows": [...], "notes": [...], extra keys}
    sizes: dict  # scale -> the sizes that scale uses
    # scale -> seconds: quick as measured (CPU time, one core), paper as estimated for a GPU
    expected_seconds: dict = field(default_factory=dict)
    figure: Callable | None = None  # figure(fig, subplot_spec, result): its plot (default: paper-vs-ours bars)
    figure_metric: str | None = None  # the metric the default bars show


_ITEMS = {}


def register(item):
    if item.id in _ITEMS:
        raise ValueError(f"reproducible item {item.id!r} registered twice")
    if item.paper not in PAPERS:
        raise ValueError(f"{item.id}: unknown paper {item.paper!r}")
    _ITEMS[item.id] = item
    return item


def _load():
    for module in PAPER_MODULES:
        importlib.import_module(module)


def list_items():
    _load()
    return [_ITEMS[key] for key in sorted(_ITEMS, key=lambda k: (_ITEMS[k].paper, k))]


def get_item(item_id):
    _load()
    if item_id not in _ITEMS:
        raise InputError(item_id, f"unknown reproducible item (see `main.py reproduce --list`: "
                                  f"{', '.join(sorted(_ITEMS))})")
    return _ITEMS[item_id]


def sizes_for(item, scale):
    if scale not in item.sizes:
        raise InputError(f"--scale {scale}", f"{item.id} has no such scale (choose one of "
                                             f"{', '.join(s for s in SCALES if s in item.sizes and s != 'tiny')})")
    return item.sizes[scale]
