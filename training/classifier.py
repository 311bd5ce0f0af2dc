"""Attribution / authorship classifiers (003): real vs generated, or generator 1..n + real.

The samples are split once (seeded) into train / validation / test; `step()` is one
minibatch of cross-entropy on the train split; `evaluate()` reports validation and test
accuracy and the test confusion matrix (rows: true label, columns: predicted label).

Training runs to convergence: the cross-entropy weighs each class by n / (k · n_class) of
the train split (`balance`), so a minority of generated samples is not outvoted by real
ones; after every epoch the (equally weighted) validation loss is measured, the best
weights are kept, and `converged` turns true after `patience` epochs without improvement
(0: never). `evaluate()` and the final checkpoint use the best weights.
"""
import numpy as np

from training.batches import EpochBatches, infer_in_batches
from training.models import build
from training.state import (load_module_tensors, load_optimizer_tensors, load_rng_tensors, module_tensors,
                            optimizer_tensors, rng_tensors)

CLASSIFIER_ARCHITECTURES = ("paper-classifier", "logreg", "cnn")
CLASSIFIER_DEFAULTS = {
    "architecture": "paper-classifier",
    "batch_size": 64,
    "lr": 1e-3,
    "seed": 0,
    "split": [0.7, 0.15, 0.15],
    "balance": True,
    "patience": 5,
}


def classifier_config(shape, labels, **overrides):
    unknown = set(overrides) - set(CLASSIFIER_DEFAULTS)
    if unknown:
        raise ValueError(f"unknown classifier options: {', '.join(sorted(unknown))}")
    config = dict(CLASSIFIER_DEFAULTS, **{k: v for k, v in overrides.items() if v is not None})
    if config["architecture"] not in CLASSIFIER_ARCHITECTURES:
        raise ValueError(f"unknown classifier architecture {config['architecture']!r}; "
                         f"choose one of {', '.join(CLASSIFIER_ARCHITECTURES)}")
    config.update(shape=[int(s) for s in shape], labels=list(labels))
    config["model"] = {"kind": config["architecture"], "shape": config["shape"], "n_classes": len(labels)}
    return config


def split_indices(n, fractions, seed):
    """(train, validation, test) index arrays of a seeded permutation of range(n)."""
    perm = np.random.default_rng(seed).permutation(n)
    cut1 = int(round(fractions[0] * n))
    cut2 = cut1 + int(round(fractions[1] * n))
    return perm[:cut1], perm[cut1:cut2], perm[cut2:]


def confusion_matrix(true, predicted, n_classes):
    return np.bincount(true * n_classes + predicted, minlength=n_classes * n_classes).reshape(n_classes, n_classes)


def log_probabilities(model, x, batch_size=512):
    """Log class probabilities (n, k), float64, for intensities x (array or tensor), under
    inference mode. Unlike probabilities they keep a confident model's margins apart."""
    import torch

    return torch.log_softmax(infer_in_batches(model, x, batch_size).double(), 1).numpy()


def predict(model, x, batch_size=512):
    """Class probabilities (n, k) for intensities x (array or tensor), under inference mode."""
    return np.exp(log_probabilities(model, x, batch_size))


class ClassifierTrainer:
    def __init__(self, x, y, config, device="cpu"):
        """x: (n, c, h, w) intensities; y: (n,) class indices into config["labels"]."""
        import torch

        self.config, self.device = config, torch.device(device)
        torch.manual_seed(config["seed"])
        self.model = build(config["model"]).to(self.device)
        self.opt = torch.optim.Adam(self.model.parameters(), lr=config["lr"])
        self.x = torch.from_numpy(np.asarray(x, dtype=np.float32))
        self.y = torch.from_numpy(np.asarray(y, dtype=np.int64))
        self.train_idx, self.val_idx, self.test_idx = split_indices(len(x), config["split"], config["seed"])
        self.batches = EpochBatches(len(self.train_idx), config["batch_size"], config["seed"])
        self.rng = torch.Generator().manual_seed(config["seed"])
        self.samples_per_step = config["batch_size"]
        self.step_count = 0
        self.class_weights = self._class_weights().to(self.device)
        # early stopping on the validation loss (checkpointed with the best weights)
        self.best = {"loss": float("inf"), "epochs_since": 0, "state": None}

    def _class_weights(self):
        import torch

        k = len(self.config["labels"])
        if not self.config.get("balance", False) or not len(self.train_idx):
            return torch.ones(k)
        counts = np.bincount(self.y[self.train_idx].numpy(), minlength=k).astype(np.float64)
        weights = np.where(counts > 0, len(self.train_idx) / (k * np.maximum(counts, 1)), 0.0)
        return torch.tensor(weights, dtype=torch.float32)

    @property
    def converged(self):
        patience = self.config.get("patience", 0)
        return bool(patience) and self.best["epochs_since"] >= patience

    def step(self):
        import torch.nn.functional as F

        idx = self.train_idx[self.batches.next().numpy()]
        logits = self.model(self.x[idx].to(self.device))
        target = self.y[idx].to(self.device)
        loss = F.cross_entropy(logits, target, weight=self.class_weights)
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        self.opt.step()
        self.step_count += 1
        out = {"loss": float(loss.detach()), "batch_accuracy": float((logits.argmax(1) == target).float().mean())}
        if self.config.get("patience") and len(self.val_idx) and self.batches.count % self.batches.per_epoch == 0:
            out["validation_loss"] = self._end_of_epoch()
        return out

    def validation_loss(self):
        import torch

        log_p = torch.from_numpy(log_probabilities(self.model, self.x[self.val_idx]))
        weights = self.class_weights.cpu().double()
        y = self.y[self.val_idx]
        return float(-(weights[y] * log_p[torch.arange(len(y)), y]).sum() / weights[y].sum())

    def _end_of_epoch(self):
        loss = self.validation_loss()
        if loss < self.best["loss"]:
            state = {k: v.detach().clone() for k, v in self.model.state_dict().items()}
            self.best = {"loss": loss, "epochs_since": 0, "state": state}
        else:
            self.best["epochs_since"] += 1
        return loss

    def accuracy(self, idx):
        predicted = predict(self.model, self.x[idx]).argmax(1)
        return predicted, float(np.mean(predicted == self.y[idx].numpy())) if len(idx) else float("nan")

    def evaluate(self):
        if self.best["state"] is not None:
            self.model.load_state_dict(self.best["state"])
        _, val_acc = self.accuracy(self.val_idx)
        predicted, test_acc = self.accuracy(self.test_idx)
        labels = self.config["labels"]
        matrix = confusion_matrix(self.y[self.test_idx].numpy(), predicted, len(labels))
        return {"test_accuracy": test_acc, "validation_accuracy": val_acc, "labels": labels,
                "confusion_matrix": matrix.tolist(), "n_train": len(self.train_idx),
                "n_validation": len(self.val_idx), "n_test": len(self.test_idx), "steps": self.step_count,
                "epochs": round(self.batches.epochs, 3), "best_validation_loss": _finite_or_none(self.best["loss"]),
                "stopped_early": self.converged}

    def preview(self):
        return None

    def checkpoint(self):
        tensors = {**module_tensors("C", self.model), **rng_tensors("rng", self.rng)}
        if self.best["state"] is not None:
            tensors.update({f"best.C.{k}": v for k, v in self.best["state"].items()})
        t, meta = optimizer_tensors("opt.C", self.opt)
        tensors.update(t)
        sidecar = {"kind": "classifier", "config": self.config, "step_count": self.step_count,
                   "batch_count": self.batches.count, "optimizers": {"C": meta},
                   "architectures": {"C": self.config["model"]},
                   "early_stopping": {"best_loss": _finite_or_none(self.best["loss"]),
                                      "epochs_since": self.best["epochs_since"]}}
        return tensors, sidecar

    def restore(self, tensors, sidecar):
        load_module_tensors("C", self.model, tensors)
        load_optimizer_tensors("opt.C", self.opt, tensors, sidecar["optimizers"]["C"])
        load_rng_tensors("rng", self.rng, tensors)
        self.step_count, self.batches.count = sidecar["step_count"], sidecar["batch_count"]
        stopping = sidecar.get("early_stopping", {})
        best = {k[len("best.C."):]: v.clone() for k, v in tensors.items() if k.startswith("best.C.")}
        best_loss = stopping.get("best_loss")
        self.best = {"loss": float("inf") if best_loss is None else best_loss,
                     "epochs_since": stopping.get("epochs_since", 0), "state": best or None}

    def perturb(self, k):
        self.batches.seed += 1000 * k
        self.batches.restart_epoch()


def _finite_or_none(value):
    """JSON has no infinity: "no validation loss yet" is null."""
    return value if np.isfinite(value) else None
