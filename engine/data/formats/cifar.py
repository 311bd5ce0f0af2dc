"""CIFAR-10 binary batches (`data_batch_1.bin`, `test_batch.bin`): 3073-byte records of one
label byte (0..9) and a 32x32 RGB image stored as 1024 red, 1024 green, 1024 blue bytes.
The Python "pickled" CIFAR batches are never read (DESIGN.md: no unpickling)."""
import numpy as np

from engine.data import limits
from engine.data.sampleset import SampleSet
from engine.errors import InputError

RECORD = 3073
CLASSES = 10


def decode(path, data, kind):
    n, remainder = divmod(len(data), RECORD)
    if remainder:
        raise InputError(path, f"not a CIFAR-10 batch: {len(data)} bytes is not a whole number "
                               f"of {RECORD}-byte records")
    limits.check_set_size(path, n, RECORD - 1)
    limits.check_decoded_size(path, n * (RECORD - 1))
    records = np.frombuffer(data, np.uint8).reshape(n, RECORD)
    labels = records[:, 0]
    bad = np.flatnonzero(labels >= CLASSES)
    if bad.size:
        raise InputError(path, f"not a CIFAR-10 batch: record {bad[0]} has label byte {labels[bad[0]]} (expected 0..9)")
    x = records[:, 1:].reshape(n, 3, 32, 32).astype(np.float32) / 255
    return SampleSet(
        name=str(path), modality="image", x=x, levels=255,
        items=[f"{path}[{i}]" for i in range(n)], meta={"format": kind.label, "format_levels": 255},
        labels=labels.astype(np.int64),
    )
