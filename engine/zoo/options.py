"""The options of `case zoo`, declared once for the command line and the window."""
from dataclasses import dataclass

from engine.training_options import option

CPU_BUDGET_MINUTES = 10.0  # a laptop CPU: the whole zoo, classifier included, in about this time
CUDA_BUDGET_SCALE = 3.0  # on a GPU the same default buys more steps and gets three times the time
MAX_BUDGET_MINUTES = 24 * 60.0


@dataclass(frozen=True)
class ZooOptions:
    budget: float = option(None, f"minutes for the whole zoo (default {CPU_BUDGET_MINUTES:g} on a CPU, "
                                 f"{CPU_BUDGET_MINUTES * CUDA_BUDGET_SCALE:g} with CUDA)")
    families: tuple = option((), "families to train, comma-separated (default: every family of the case's modality)")
    seed: int = option(0, "seed of every family's training and sampling")
    device: str = option("auto", "where the neural families train", ("auto", "cpu", "cuda"))


def budget_seconds(budget, device_type):
    """The budget in seconds: `budget` minutes, or the default for the device ("cpu" / "cuda")."""
    minutes = CPU_BUDGET_MINUTES * (CUDA_BUDGET_SCALE if device_type == "cuda" else 1.0) if budget is None else budget
    return 60.0 * float(minutes)


def check_budget(budget):
    """A one-line refusal (ValueError) of a budget that is not a positive number of minutes."""
    if budget is None:
        return
    if not isinstance(budget, (int, float)) or isinstance(budget, bool) or not 0 < budget <= MAX_BUDGET_MINUTES:
        raise ValueError(f"must be a number of minutes in (0, {MAX_BUDGET_MINUTES:g}], got {budget!r}")
