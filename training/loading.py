"""Rebuilding trained modules from a run folder's latest checkpoint (safetensors + JSON sidecar),
validated first (training/files.py) since a run folder may come from outside."""
from training.files import UnsafeRunFile, check_sidecar
from training.models import build
from training.runfolder import RunFolder
from training.state import load_module_tensors


class RunUnreadable(ValueError):
    """A run folder without a usable checkpoint or without the requested model."""


def load_run(run_dir):
    """(sidecar, tensors) of a run's latest checkpoint."""
    run = RunFolder(run_dir)
    try:
        loaded = run.load_checkpoint()
    except (OSError, ValueError) as err:
        raise RunUnreadable(f"unreadable checkpoint ({err})") from None
    if loaded is None:
        raise RunUnreadable("no checkpoint in this run folder")
    tensors, sidecar = loaded
    return sidecar, tensors


def load_module(sidecar, tensors, role, device="cpu"):
    """The module `role` ("G", "D", "C", "E") of a checkpoint, in eval mode."""
    try:
        check_sidecar(sidecar, [role])
    except UnsafeRunFile as err:
        raise RunUnreadable(str(err)) from None
    module = build(sidecar["architectures"][role])
    try:
        load_module_tensors(role, module, tensors)
    except RuntimeError as err:
        raise RunUnreadable(f"checkpoint does not match its architecture ({str(err).splitlines()[0]})") from None
    return module.to(device).eval()
