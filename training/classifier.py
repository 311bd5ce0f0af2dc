"""Attribution / authorship classifiers (003): real vs generated, or generator 1..n + real.

The samples are split once (seeded) into train / validation / test; `step()` is one
minibatch of cross-entropy on the train split; `evaluate()` reports validation and test
accuracy and the test confusion matrix (rows: true label, columns: predicted label).
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

    def step(self):
        import torch.nn.functional as F

        idx = self.train_idx[self.batches.next().numpy()]
        logits = self.model(self.x[idx].to(self.device))
        target = self.y[idx].to(self.device)
        loss = F.cross_entropy(logits, target)
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        self.opt.step()
        self.step_count += 1
        return {"loss": float(loss.detach()), "batch_accuracy": float((logits.argmax(1) == target).float().mean())}

    def accuracy(self, idx):
        predicted = predict(self.model, self.x[idx]).argmax(1)
        return predicted, float(np.mean(predicted == self.y[idx].numpy())) if len(idx) else float("nan")

    def evaluate(self):
        _, val_acc = self.accuracy(self.val_idx)
        predicted, test_acc = self.accuracy(self.test_idx)
        labels = self.config["labels"]
        matrix = confusion_matrix(self.y[self.test_idx].numpy(), predicted, len(labels))
        return {"test_accuracy": test_acc, "validation_accuracy": val_acc, "labels": labels,
                "confusion_matrix": matrix.tolist(), "n_train": len(self.train_idx),
                "n_validation": len(self.val_idx), "n_test": len(self.test_idx), "steps": self.step_count}

    def preview(self):
        return None

    def checkpoint(self):
        tensors = {**module_tensors("C", self.model), **rng_tensors("rng", self.rng)}
        t, meta = optimizer_tensors("opt.C", self.opt)
        tensors.update(t)
        sidecar = {"kind": "classifier", "config": self.config, "step_count": self.step_count,
                   "batch_count": self.batches.count, "optimizers": {"C": meta},
                   "architectures": {"C": self.config["model"]}}
        return tensors, sidecar

    def restore(self, tensors, sidecar):
        load_module_tensors("C", self.model, tensors)
        load_optimizer_tensors("opt.C", self.opt, tensors, sidecar["optimizers"]["C"])
        load_rng_tensors("rng", self.rng, tensors)
        self.step_count, self.batches.count = sidecar["step_count"], sidecar["batch_count"]

    def perturb(self, k):
        self.batches.seed += 1000 * k
        self.batches.restart_epoch()
