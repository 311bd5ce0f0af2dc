"""Choosing the compute device once, with a CPU fallback, and the CPU thread count.

On CPU, torch uses half the cores by default (at least one): with every core busy
(a shared machine, the GUI, a second run) OpenMP's spinning barriers make 2 threads on a
2-core machine ~17x slower than 1 (measured: 1.36 s vs 0.08 s per MNIST DCGAN step).
"""
import os


class DeviceUnavailable(RuntimeError):
    """The user asked for a device this machine does not have."""


DEVICE_CHOICES = ("auto", "cpu", "cuda")


def choose_device(request="auto", cpu_threads=None):
    """Returns a torch.device for "auto" (CUDA when present, else CPU), "cpu" or "cuda"; on CPU
    also sets torch's thread count (cpu_threads, default half the cores)."""
    import torch

    if request not in DEVICE_CHOICES:
        raise DeviceUnavailable(f"unknown device {request!r}; choose one of {', '.join(DEVICE_CHOICES)}")
    if request != "cpu" and torch.cuda.is_available():
        return torch.device("cuda")
    if request == "cuda":
        raise DeviceUnavailable("CUDA was requested but no CUDA device is available (use --device auto or cpu)")
    torch.set_num_threads(cpu_threads or max(1, (os.cpu_count() or 2) // 2))
    return torch.device("cpu")
