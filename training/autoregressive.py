"""An autoregressive generator over the rows (images) or columns (spectrogram frames, piano-roll
steps) of an intensity map: a GRU reads the previous rows and predicts each value of the next
row as one of `levels` quantisation levels (categorical, the values of a row independent
given the rows before), a row-wise relative of PixelRNN (van den Oord et al., 2016). Sampling
draws row after row, so its texture is that of a likelihood model, not of a GAN.
"""
import numpy as np

AR_DEFAULTS = {"hidden": 128, "levels": 16, "axis": "rows", "batch_size": 32, "lr": 2e-3, "seed": 0}


def to_sequences(x, axis):
    """(n, c, h, w) -> (n, steps, width): rows (steps = h) or columns (steps = w) as the sequence."""
    x = np.asarray(x, dtype=np.float32)
    if axis == "rows":
        return x.transpose(0, 2, 1, 3).reshape(len(x), x.shape[2], -1)
    return x.transpose(0, 3, 1, 2).reshape(len(x), x.shape[3], -1)


def from_sequences(seq, shape, axis):
    c, h, w = shape
    if axis == "rows":
        return seq.reshape(len(seq), h, c, w).transpose(0, 2, 1, 3)
    return seq.reshape(len(seq), w, c, h).transpose(0, 2, 3, 1)


def build_row_gru(width, hidden, levels):
    """The model: a GRU over rows and a linear read-out to width x levels logits."""
    import torch.nn as nn

    return nn.ModuleDict({"gru": nn.GRU(width, hidden, batch_first=True), "out": nn.Linear(hidden, width * levels)})


class AutoregressiveTrainer:
    """One `step()` = one minibatch of teacher-forced cross-entropy over every row."""

    def __init__(self, x, config=None, device="cpu"):
        import torch

        self.config = dict(AR_DEFAULTS, **(config or {}))
        if self.config["axis"] not in ("rows", "columns"):
            raise ValueError(f"axis must be rows or columns, not {self.config['axis']!r}")
        self.device = torch.device(device)
        self.shape = tuple(x.shape[1:])
        torch.manual_seed(self.config["seed"])
        levels = int(self.config["levels"])
        seq = to_sequences(np.clip(x, 0, 1), self.config["axis"])
        self.codes = torch.from_numpy(np.rint(seq * (levels - 1)).astype(np.int64))
        self.steps, self.width = seq.shape[1], seq.shape[2]
        self.model = build_row_gru(self.width, self.config["hidden"], levels).to(self.device)
        self.opt = torch.optim.Adam(self.model.parameters(), lr=self.config["lr"])
        self.rng = torch.Generator().manual_seed(self.config["seed"])
        self.step_count = 0

    def _logits(self, values, hidden=None):
        out, hidden = self.model["gru"](values, hidden)
        logits = self.model["out"](out)
        return logits.view(*logits.shape[:2], self.width, int(self.config["levels"])), hidden

    def step(self):
        import torch
        import torch.nn.functional as F

        levels = int(self.config["levels"])
        idx = torch.randint(len(self.codes), (self.config["batch_size"],), generator=self.rng)
        codes = self.codes[idx].to(self.device)
        values = codes.float() / (levels - 1)
        previous = torch.cat([torch.zeros_like(values[:, :1]), values[:, :-1]], dim=1)  # row t sees rows < t
        logits, _ = self._logits(previous)
        loss = F.cross_entropy(logits.reshape(-1, levels), codes.reshape(-1))
        self.opt.zero_grad()
        loss.backward()
        self.opt.step()
        self.step_count += 1
        return {"loss": float(loss.detach())}

    def sample(self, n, seed=0):
        """(n, c, h, w) float32 in [0,1] on the model's `levels` grid, drawn row by row."""
        import torch

        levels = int(self.config["levels"])
        gen = torch.Generator().manual_seed(int(seed))
        rows, hidden = [], None
        current = torch.zeros(int(n), 1, self.width, device=self.device)
        with torch.inference_mode():
            for _ in range(self.steps):
                logits, hidden = self._logits(current, hidden)
                probs = torch.softmax(logits[:, 0].double().cpu(), dim=-1).reshape(-1, levels)
                codes = torch.multinomial(probs, 1, generator=gen).view(int(n), self.width)
                current = (codes.float() / (levels - 1)).unsqueeze(1).to(self.device)
                rows.append(current.cpu().numpy())
        return from_sequences(np.concatenate(rows, axis=1), self.shape, self.config["axis"]).astype(np.float32)
