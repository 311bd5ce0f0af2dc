"""Embedded datasets (`builtin:NAME`), read from resources/ (see resources/README.md).

- mnist:  the MNIST test set, 10,000 28x28 digits with labels (levels 255).
- digits: scikit-learn's 1,797 8x8 digits, values 0..16 divided by 16 (levels 16), labels.
- fsdd:   400 Free Spoken Digit recordings (4 speakers x 10 digits x takes 0-9) -> mel patches;
          `fsdd/SPEAKER` (george, jackson, lucas, nicolas) takes one speaker's recordings,
          so that a speaker can be held out (files are named DIGIT_SPEAKER_TAKE.wav).
- bach:   music21's Bach chorales as MIDI (velocity 127) -> piano-roll patches (levels 1).

`select` (a slice) picks images of mnist/digits, and FILES of fsdd/bach (sorted by name)
before they are cut into patches, so one recording or chorale never lands on both sides
of a split. Decoded data are cached in-process only; callers get copies.
"""
import gzip
import os
import pathlib
import sys
from functools import lru_cache

import numpy as np

from engine.data import loaders
from engine.data.sampleset import SampleSet
from engine.data.selection import selected
from engine.errors import InputError

NAMES = ("mnist", "digits", "fsdd", "bach")
DIGIT_LEVELS = 16


def resources_dir():
    """resources/ beside the source tree, or inside a PyInstaller bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    return pathlib.Path(bundle, "resources") if bundle else pathlib.Path(__file__).resolve().parents[2] / "resources"


def read_only(sample_set):
    sample_set.x.flags.writeable = False
    return sample_set


@lru_cache(maxsize=None)
def cached_file(path):
    return read_only(loaders.load_path(path))


@lru_cache(maxsize=None)
def cached_array_set(name):
    if name == "mnist":
        return read_only(loaders.load_path(str(resources_dir() / "mnist" / "t10k-images-idx3-ubyte.gz")))
    with gzip.open(resources_dir() / "digits" / "digits.csv.gz", "rt") as fh:
        table = np.loadtxt(fh, delimiter=",", dtype=np.uint8)
    x = (table[:, :-1].reshape(-1, 1, 8, 8) / np.float32(DIGIT_LEVELS)).astype(np.float32)
    return read_only(SampleSet(name="builtin:digits", modality="image", x=x, levels=DIGIT_LEVELS,
                               meta={"format": "scikit-learn digits (UCI optdigits)"},
                               labels=table[:, -1].astype(np.int64)))


def corpus_files(name, speaker=None):
    folder = resources_dir() / name
    suffix = ".wav" if name == "fsdd" else ".mid"
    files = sorted(f for f in os.listdir(folder) if f.endswith(suffix))
    if speaker is not None:
        files = [f for f in files if f.split("_")[1:2] == [speaker]]
    return [str(folder / f) for f in files]


def as_builtin(sample_set, source, items):
    """Names items after the built-in (not the install folder) and drops install-specific file records."""
    sample_set.items = items
    sample_set.files = []
    sample_set.meta["source"] = source
    return sample_set


def load_builtin(name, select=slice(None), set_name=None, spec=None):
    """builtin:NAME (or builtin:fsdd/SPEAKER), optionally `select`ed -> SampleSet; an empty selection is
    refused naming `spec` (the spec as typed, slice included)."""
    source = f"builtin:{name}"
    name, _, speaker = name.partition("/")
    if name not in NAMES or (speaker and name != "fsdd"):
        raise InputError(source, f"unknown built-in dataset (available: {', '.join(NAMES)}, fsdd/SPEAKER)")
    if name in ("mnist", "digits"):
        full = cached_array_set(name)
        indices = selected(range(full.n), select, spec or source, "images")
        return as_builtin(full.subset(select, name=set_name or source), source, [f"{source}[{i}]" for i in indices])
    files = corpus_files(name, speaker or None)
    if not files:
        raise InputError(source, "no recordings of that speaker (george, jackson, lucas, nicolas)")
    chosen = selected(files, select, spec or source, "files")
    merged = loaders.merge_sets(set_name or source, [cached_file(path) for path in chosen])
    return as_builtin(merged, source, [f"{source}/{os.path.basename(item)}" for item in merged.items])
