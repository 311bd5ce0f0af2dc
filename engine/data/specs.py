"""Dataset specs (DESIGN.md, "Command line contract") -> SampleSet.

A spec is a file, a folder of files, `builtin:NAME` or `baseline:KIND`, optionally
followed by a Python-style slice `[start:stop]`, `[start:]` or `[:stop]` (negative
bounds count from the end) over the source's items in a deterministic order: the
samples of one file in file order, the FILES of a folder or built-in corpus sorted by
name (cut into patches after slicing), the draws of a baseline. A path that exists as
written wins over reading its end as a slice.

Arrays carry no modality unless an .npz records one; when such an array has the
reference's sample shape it takes the reference's modality (generated mel or piano-roll
patches saved as .npy compare as speech or music).
"""
import os
import re

import numpy as np

from engine.data import baselines, builtins, loaders
from engine.data.formats.array import adopted
from engine.data.selection import selected
from engine.errors import InputError
from engine.modality import modality as modality_of

SLICE = re.compile(r"^(?P<source>.+)\[(?P<start>-?\d*):(?P<stop>-?\d*)\]$")
SLICE_LIKE = re.compile(r"\[[^\[\]]*\]?$")  # what a mistyped slice looks like: [1e3:], [::2], [a:b], [5], [


def named_spec(text):
    """Parses NAME=SPEC (a bare SPEC is named after itself)."""
    name, sep, spec = text.partition("=")
    if not sep or not name or ":" in name or "/" in name:
        return text, text
    return name, spec


def split_slice(spec):
    """(source, slice) of a spec; slice(None) when it has no slice suffix."""
    match = SLICE.match(spec)
    if os.path.exists(spec):
        return spec, slice(None)
    if not match:
        mistyped = SLICE_LIKE.search(spec)
        if mistyped:
            raise InputError(spec, f"malformed slice '{mistyped[0]}': expected [start:stop] with whole numbers "
                                   "(either may be left out; no step)")
        return spec, slice(None)
    bound = lambda text: int(text) if text else None  # noqa: E731
    return match["source"], slice(bound(match["start"]), bound(match["stop"]))


def select_samples(spec, sample_set, select, name):
    if select == slice(None):
        sample_set.name = name
        return sample_set
    indices = selected(np.arange(sample_set.n), select, spec, "samples")
    return sample_set.subset(indices, name=name)


def adopt_reference_modality(sample_set, reference):
    if reference is None or sample_set.meta.get("modality_recorded") is not False:
        return sample_set
    sample_set = adopted(sample_set, reference.modality, reference.shape, modality_of(reference.modality).sizes_read)
    if sample_set.shape == reference.shape:
        sample_set.meta["modality_from_reference"] = True
    return sample_set


def load_compared(spec, name, reference):
    """A set to compare with the SampleSet `reference`, loaded as load_spec does; refused when its
    modality differs (a mel-spectrogram's intensities against a digit's measure nothing)."""
    other = load_spec(spec, name=name, reference=reference)
    if other.modality != reference.modality:
        raise InputError(spec, f"holds {other.modality} samples and the reference ({reference.name}) "
                               f"{reference.modality}: sets compared must share a modality")
    return other


def load_spec(spec, name=None, reference=None):
    """A dataset spec -> SampleSet named `name` (default: the spec), or InputError naming what failed.

    `reference` (a SampleSet) is needed by baselines and lends its modality to arrays.
    """
    spec = str(spec).strip()
    if not spec:
        raise InputError("(empty spec)", "no dataset given")
    name = name or spec
    source, select = split_slice(spec)
    scheme, _, rest = source.partition(":")
    if scheme == "builtin" and not os.path.exists(source):
        return builtins.load_builtin(rest, select, set_name=name, spec=spec)
    if scheme == "baseline" and not os.path.exists(source):
        return select_samples(spec, baselines.draw_baseline(rest, reference), select, name)
    if os.path.isdir(source):
        return adopt_reference_modality(loaders.load_folder(source, select, name=name, spec=spec), reference)
    return adopt_reference_modality(select_samples(spec, loaders.load_path(source), select, name), reference)
