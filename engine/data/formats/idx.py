"""MNIST IDX files, raw or gzip-compressed.

Header: two zero bytes, the element type, the number of dimensions, then one big-endian
uint32 per dimension; the data that follows must have exactly the announced length.
Images are (n, h, w) or (n, h, w, channels); uint8 gives k/255 (levels 255). When an
images file `X-images-idx3-ubyte[.gz]` has a sibling `X-labels-idx1-ubyte[.gz]` with as
many entries, its labels become SampleSet.labels and the file is hashed into `files`.
"""
import gzip
import io
import os

import numpy as np

from engine.data import limits, sniff
from engine.data.formats.array import as_maps
from engine.data.hashing import file_record
from engine.data.sampleset import SampleSet
from engine.errors import InputError

LABELS_MAGIC = b"\0\0\x08\x01"


def gunzip(path, data):
    """Decompresses the IDX header first and then only as much as it announces (plus one byte, to
    notice extra data), at most MAX_FILE_BYTES: a gzip bomb is refused, not inflated."""
    with gzip.GzipFile(fileobj=io.BytesIO(data)) as fh:
        head = fh.read(4)
        if sniff.is_idx_header(head):
            head += fh.read(4 * head[3])
            dims = np.frombuffer(head, ">u4", offset=4) if len(head) == 4 + 4 * head[3] else ()
            body = int(np.prod(dims, dtype=np.int64)) * np.dtype(sniff.IDX_TYPES[head[2]]).itemsize
            check_header_size(path, dims)
        else:
            body = limits.MAX_FILE_BYTES
        raw = head + fh.read(min(body, limits.MAX_FILE_BYTES) + 1)
    limits.check_at_most(path, "decompressed size", len(raw), limits.MAX_FILE_BYTES, " bytes")
    return raw


def check_header_size(path, dims):
    """Refuses announced dimensions the limits forbid (before reading or allocating the data)."""
    if len(dims):
        limits.check_set_size(path, int(dims[0]), int(np.prod(dims[1:], dtype=np.int64)))
        limits.check_decoded_size(path, int(np.prod(dims, dtype=np.int64)), "array size")


def parse_idx(path, raw):
    """The array an IDX byte string describes, validated against its header."""
    if not sniff.is_idx_header(raw):
        raise InputError(path, "not an IDX file (bad magic number)")
    dtype = np.dtype(sniff.IDX_TYPES[raw[2]])
    ndim = raw[3]
    start = 4 + 4 * ndim
    if len(raw) < start:
        raise InputError(path, "truncated IDX header")
    dims = tuple(int(d) for d in np.frombuffer(raw, ">u4", count=ndim, offset=4))
    if 0 in dims:
        raise InputError(path, f"IDX header announces an empty array {dims}")
    check_header_size(path, dims)
    expected = int(np.prod(dims, dtype=np.int64)) * dtype.itemsize
    found = len(raw) - start
    if found < expected:
        raise InputError(path, f"truncated: the header announces {dims} ({expected} bytes) but {found} bytes follow")
    if found > expected:
        raise InputError(path, f"{found - expected} unexpected bytes after the {dims} data the header announces")
    return np.frombuffer(raw, dtype, offset=start).reshape(dims)


def read_idx(path, data):
    return parse_idx(path, gunzip(path, data) if data[:2] == b"\x1f\x8b" else data)


def sibling_labels(path, n):
    """(labels, file record) from the matching labels file next to an images file, or (None, None)."""
    folder, name = os.path.split(str(path))
    if "images-idx3" not in name:
        return None, None
    candidate = os.path.join(folder, name.replace("images-idx3", "labels-idx1"))
    if not os.path.isfile(candidate) or os.path.getsize(candidate) > limits.MAX_FILE_BYTES:
        return None, None
    with open(candidate, "rb") as fh:
        data = fh.read()
    try:
        labels = read_idx(candidate, data)
    except (InputError, OSError, EOFError):
        return None, None
    if labels.shape != (n,) or labels.dtype != np.uint8:
        return None, None
    return labels.astype(np.int64), file_record(candidate, data)


def decode(path, data, kind):
    array = read_idx(path, data)
    if array.ndim == 1:
        raise InputError(path, f"IDX file holds {array.shape[0]} labels, not images")
    if array.ndim == 2:
        raise InputError(path, f"IDX file holds a {array.shape} matrix, not images (n, h, w)")
    if array.ndim == 4:
        array = np.moveaxis(array, -1, 1)  # IDX stores channels last
    x, levels, _ = as_maps(path, array)  # IDX images are (n, h, w) bytes: nothing to say
    labels, labels_record = sibling_labels(path, x.shape[0])
    meta = {"format": kind.label, "dtype": str(array.dtype)}
    if labels_record:
        meta["labels_from"] = labels_record["path"]
    sample_set = SampleSet(
        name=str(path), modality="image", x=x, levels=levels,
        items=[f"{path}[{i}]" for i in range(x.shape[0])], meta=meta, labels=labels,
    )
    sample_set.files = [labels_record] if labels_record else []
    return sample_set
