"""Resumable minibatch order: a seeded permutation per epoch, addressed by a batch counter.

The order depends only on (seed, counter), so restoring the counter from a checkpoint
continues exactly where a killed run stopped, without storing any permutation.
"""
import math

import numpy as np


def infer_in_batches(model, x, batch_size=512):
    """model(x) for intensities x (array or tensor) as one CPU tensor, batch by batch on the
    model's device under inference mode; the model's train/eval mode is restored after."""
    import torch

    device = next(model.parameters()).device
    was_training = model.training
    model.eval()
    x = np.asarray(x, dtype=np.float32)
    if not x.flags.writeable:  # e.g. an array from Ray's object store: torch warns on read-only memory
        x = x.copy()
    x = torch.from_numpy(x)
    with torch.inference_mode():
        out = torch.cat([model(x[i : i + batch_size].to(device)).cpu() for i in range(0, len(x), batch_size)])
    model.train(was_training)
    return out


class EpochBatches:
    def __init__(self, n, batch_size, seed):
        self.n, self.batch_size, self.seed = int(n), int(batch_size), int(seed)
        self.per_epoch = math.ceil(self.n / self.batch_size)
        self.count = 0
        self._epoch, self._perm = -1, None

    @property
    def epochs(self):
        return self.count / self.per_epoch

    def next(self):
        """Indices (a LongTensor) of the next batch."""
        import torch

        epoch, index = divmod(self.count, self.per_epoch)
        if epoch != self._epoch:
            generator = torch.Generator().manual_seed(self.seed * 1_000_003 + epoch)
            self._perm, self._epoch = torch.randperm(self.n, generator=generator), epoch
        self.count += 1
        return self._perm[index * self.batch_size : (index + 1) * self.batch_size]

    def restart_epoch(self):
        """Forgets the cached permutation (after the seed changed)."""
        self._epoch = -1
