"""The options of `case zoo`, declared once (engine/options.py) for the command line and the window."""
from dataclasses import dataclass

from engine.options import option
from engine.training_options import DEVICE_HELP, SEED_BOUNDS, SEED_HELP, THREADS_HELP
from engine.zoo.families import FAMILIES
from training.device import DEVICE_CHOICES

CPU_BUDGET_MINUTES = 10.0  # a laptop CPU: the whole zoo, classifier included, in about this time
CUDA_BUDGET_SCALE = 3.0  # on a GPU the same default buys more steps and gets three times the time
MAX_BUDGET_MINUTES = 24 * 60.0


def comma_list(text):
    """One command-line word "a,b" -> ("a", "b") (blanks and empty names dropped)."""
    return tuple(name.strip() for name in text.split(",") if name.strip())


@dataclass(frozen=True, kw_only=True)
class ZooOptions:
    """`case zoo` (the families: engine/zoo/families.py FAMILIES)."""

    dir: str | None = option(None, "the case folder", positional=True, metavar="DIR")
    budget: float | None = option(None, f"minutes for the whole zoo (default {CPU_BUDGET_MINUTES:g} on a CPU, "
                                        f"{CPU_BUDGET_MINUTES * CUDA_BUDGET_SCALE:g} with CUDA)", metavar="MINUTES")
    families: tuple[str, ...] = option((), "families to train, comma-separated (default: every family of the "
                                           f"case's modality): {', '.join(FAMILIES)}", parse=comma_list,
                                       metavar="LIST")
    seed: int = option(0, SEED_HELP, bounds=SEED_BOUNDS)
    device: str = option("auto", DEVICE_HELP, choices=DEVICE_CHOICES)
    threads: int | None = option(None, THREADS_HELP, cli=False)
    pool: int | None = option(None, "samples stored per run (default: job.POOL, at most job.POOL_BYTES)", cli=False)


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
