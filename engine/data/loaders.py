"""Evidence files and folders -> SampleSet.

`load_path(path)` reads one file once, hashes those bytes, recognises the format from
its content (engine.data.sniff) and decodes it. `load_folder(path, select)` loads the
files of a folder in name order (not recursing), keeps the good ones and lists the bad
ones in `rejected` and on stderr, one line each.

A folder mixing modalities or sample shapes keeps the majority (by sample count; a tie
goes to the file that comes first by name) and rejects the other files with the reason,
so one stray file never spoils an analysis; a folder with no usable file is an InputError.
"""
import math
import os
import re
import sys

import numpy as np

from engine.data import limits
from engine.data.formats import array, audio, cifar, idx, image, midi
from engine.data.hashing import file_record
from engine.data.sampleset import SampleSet
from engine.data.selection import selected
from engine.data.sniff import sniff
from engine.errors import InputError, is_utf8, shown

DECODERS = {"image": image, "array": array, "idx": idx, "cifar": cifar, "audio": audio, "midi": midi}
SUMMED_META = ("clipped_values",)
MAX_LEVELS = 1 << 20


def read_file(path):
    """The bytes of a regular evidence file, checked on the descriptor opened without blocking
    (a file swapped for a FIFO after a path check would otherwise block forever)."""
    import stat

    if not os.path.lexists(path):
        raise InputError(path, "no such file or folder")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as fh:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise InputError(path, "not a regular file")
            limits.check_at_most(path, "file size", info.st_size, limits.MAX_FILE_BYTES, " bytes")
            return fh.read(limits.MAX_FILE_BYTES + 1)
    except OSError as err:
        raise InputError(path, f"cannot read: {err.strerror or err}") from None


# A decoder's message may name the Python object it read from ("cannot identify image file
# <_io.BytesIO object at 0x7f...>"): noise to an analyst, and different on every run.
OBJECT_REPR = re.compile(r"\s*<[\w.]+ object at 0x[0-9a-fA-F]+>")


def one_line(err):
    text = " ".join(OBJECT_REPR.sub("", str(err)).split())
    if isinstance(err, EOFError):
        return f"truncated (unexpected end of data{': ' + text if text else ''})"
    return text or type(err).__name__


def guarded(path, kind, decode, *args):
    """decode(*args), with any failure on outside data turned into one line naming the file."""
    try:
        return decode(*args)
    except (InputError, KeyboardInterrupt):
        raise
    except MemoryError:
        raise InputError(path, f"{kind.label} file does not fit in memory") from None
    except Exception as err:  # any decoder failure on outside data is a bad file, reported in one line
        raise InputError(path, f"corrupt or unreadable {kind.label} file: {one_line(err)}") from None


def load_path(path):
    """One evidence file -> SampleSet (files = its SHA-256 record), or InputError(path, reason)."""
    path = str(path)
    data = read_file(path)
    kind = sniff(path, data)
    sample_set = guarded(path, kind, DECODERS[kind.decoder].decode, path, data, kind)
    sample_set.files = [file_record(path, data)] + sample_set.files
    return sample_set


def load_recording(path):
    """The samples of an audio file (mono float32, rate) for waveforms and playback, checked
    like load_path."""
    return _read_raw(path, "audio", "a recording", lambda path, data: audio.read_recording(path, data)[:2])


def load_midi(path):
    """A MIDI file as a limit-checked pretty_midi.PrettyMIDI (for synthesis and timing)."""
    return _read_raw(path, "midi", "a MIDI file", midi.parse)


def _read_raw(path, decoder, what, read):
    path = str(path)
    data = read_file(path)
    kind = sniff(path, data)
    if kind.decoder != decoder:
        raise InputError(path, f"not {what} ({kind.label})")
    return guarded(path, kind, read, path, data)


def folder_entries(folder):
    """Visible entries of a folder sorted by name (hidden files such as .DS_Store are skipped)."""
    try:
        names = sorted(name for name in os.listdir(folder) if not name.startswith("."))
    except OSError as err:
        raise InputError(folder, f"cannot list folder: {err.strerror or err}") from None
    limits.check_at_most(folder, "number of files", len(names), limits.MAX_FOLDER_FILES)
    return [os.path.join(folder, name) for name in names]


def merged_levels(levels):
    """A common intensity grid (8-bit k/255 lies on the 16-bit grid k/65535), or None."""
    if any(level is None for level in levels):
        return None
    common = math.lcm(*levels)
    return common if common <= MAX_LEVELS else None


def merged_meta(metas):
    """Keys that agree keep their value, counts in SUMMED_META add up, the rest become sorted lists."""
    merged = {}
    for key in dict.fromkeys(k for meta in metas for k in meta):
        values = [meta[key] for meta in metas if key in meta]
        if key in SUMMED_META:
            merged[key] = sum(values)
        elif all(value == values[0] for value in values):
            merged[key] = values[0]
        else:
            merged[key] = sorted(set(map(str, values)))
    return merged


def merge_sets(name, sets, rejected=()):
    """Concatenates SampleSets of one modality and sample shape into one (x is always a new array)."""
    labels = [s.labels for s in sets]
    x = np.concatenate([s.x for s in sets])
    meta = merged_meta([s.meta for s in sets])
    if "clipped_values" in meta:
        meta["clipped_fraction"] = meta["clipped_values"] / x.size
    return SampleSet(
        name=name, modality=sets[0].modality, x=x,
        levels=merged_levels([s.levels for s in sets]),
        items=[item for s in sets for item in s.items],
        files=[record for s in sets for record in s.files],
        rejected=list(rejected) + [r for s in sets for r in s.rejected],
        meta=meta,
        labels=np.concatenate(labels) if all(lab is not None for lab in labels) else None,
    )


def majority(sets):
    """The (modality, shape) holding most samples; ties go to the earliest file."""
    counts = {}
    for s in sets:
        counts[(s.modality, s.shape)] = counts.get((s.modality, s.shape), 0) + s.n
    return max(counts, key=counts.get)


def load_folder(folder, select=slice(None), name=None, spec=None):
    """The files of a folder (sorted by name, then `select`ed) -> one SampleSet; an empty selection is
    refused naming `spec` (the spec as typed, slice included)."""
    folder = str(folder)
    entries = folder_entries(folder)
    if not entries:
        raise InputError(folder, "the folder holds no files")
    entries = selected(entries, select, spec or folder, "files")
    loaded, rejected = [], []
    for path in entries:
        if not is_utf8(path):
            rejected.append({"path": shown(path), "reason": "file name is not valid UTF-8"})
        elif os.path.isdir(path):
            rejected.append({"path": path, "reason": "sub-folder (folders are not searched recursively)"})
        else:
            try:
                loaded.append(load_path(path))
            except InputError as err:
                rejected.append({"path": err.source, "reason": err.reason})
    if loaded:
        modality, shape = majority(loaded)
        for s in loaded:
            if (s.modality, s.shape) != (modality, shape):
                rejected.append({"path": s.name, "reason": f"{s.modality} samples of shape {s.shape} differ from "
                                                           f"the folder's majority: {modality} of shape {shape}"})
        loaded = [s for s in loaded if (s.modality, s.shape) == (modality, shape)]
    rejected.sort(key=lambda entry: entry["path"])
    for entry in rejected:
        print(f"warning: skipped {shown(entry['path'])}: {entry['reason']}", file=sys.stderr)
    if not loaded:
        raise InputError(folder, f"no usable file in folder ({len(rejected)} rejected)")
    limits.check_set_size(folder, sum(s.n for s in loaded), int(np.prod(loaded[0].shape)))
    return merge_sets(name or folder, loaded, rejected)
