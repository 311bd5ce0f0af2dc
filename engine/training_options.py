"""The options of the learning lab's jobs (train gan / classifier / inverse / rounds, generate,
fgsm), one frozen dataclass each (engine/options.py): the single source of their names,
defaults, choices and help. The command line's sub-parsers (engine/cli.py) and the window's
training panel (gui/training_panel.py) are built from them, and the jobs
(engine/training_jobs.py) take them. Choices and defaults are the training lab's own
constants, so a new loss, activation or architecture in training/ reaches both without
being typed again. Light imports only: the command line builds its parser from these on
every run, the window at start-up.
"""
from dataclasses import dataclass

from engine.options import option
from training.activations import ACTIVATIONS
from training.classifier import CLASSIFIER_ARCHITECTURES, CLASSIFIER_DEFAULTS
from training.device import DEVICE_CHOICES
from training.executors import EXECUTORS
from training.gan import ARCHITECTURES, GAN_DEFAULTS
from training.inverse import INVERSE_DEFAULTS
from training.losses import LOSSES
from training.rounds import ROUND_LOSSES, ROUNDS_DEFAULTS

DEVICE_HELP = "auto: the GPU when there is one, else the CPU"
SEED_HELP = "random seed: the same seed and data give the same run"
SEED_BOUNDS = (0, 2**31 - 1)
THREADS_HELP = "CPU threads (default: half the cores)"


def named_set(text):
    """One NAME=SPEC word -> (name, spec) (a bare SPEC names itself)."""
    from engine.data.specs import named_spec

    return named_spec(text)


@dataclass(frozen=True, kw_only=True)
class RunOptions:
    """What every training run that writes a run folder takes (GAN, classifier, inverse model)."""

    out: str | None = option(None, "the run folder (run.json, checkpoints)", required=True, metavar="RUN_DIR",
                             label="Run folder")
    epochs: int = option(5, "passes over the training data", bounds=(1, 10000))
    steps: int | None = option(None, "training steps (overrides --epochs)")
    seed: int = option(0, SEED_HELP, bounds=SEED_BOUNDS)
    device: str = option("auto", DEVICE_HELP, choices=DEVICE_CHOICES)
    threads: int | None = option(None, THREADS_HELP)
    resume: bool = option(False, "continue from the run folder's last checkpoint")
    case: str | None = option(None, "register the finished run in this case", metavar="DIR")
    checkpoint_every: int = option(200, "steps between checkpoints")
    preview_every: int = option(200, "steps between preview grids")
    log_every: int = option(10, "steps between metric lines (metrics.jsonl)", cli=False)
    name: str | None = option(None, "the run's name (default: its folder's name)", cli=False)


@dataclass(frozen=True, kw_only=True)
class GanOptions(RunOptions):
    """`train gan` (model defaults: training.gan.GAN_DEFAULTS; lr and betas: the loss's own)."""

    data: str | None = option(None, "the real training data (a dataset spec)", required=True, metavar="SPEC")
    loss: str = option(GAN_DEFAULTS["loss"], "the GAN loss", choices=LOSSES)
    activation: str = option(GAN_DEFAULTS["activation"], "the generator's output activation", choices=ACTIVATIONS,
                             label="Output activation")
    architecture: str = option(GAN_DEFAULTS["architecture"],
                               "dcgan: shape-adaptive DCGAN; paper: the GAN of 003 Figs. 1-2", choices=ARCHITECTURES)
    binarize: bool = option(False, "threshold the real data at 0.5")
    dry_run: bool = option(False, "one training step, to check the setup")
    width: int = option(GAN_DEFAULTS["width"], "base channel width of the DCGAN")
    z_dim: int = option(GAN_DEFAULTS["z_dim"], "latent size")
    batch_size: int = option(GAN_DEFAULTS["batch_size"], "samples per training step")
    lr: float | None = option(None, "Adam learning rate (default: the loss's own, 2e-4; wgan-gp 1e-4)")
    betas: tuple[float, float] | None = option(None, "Adam betas (default: the loss's own, 0.5 0.999; "
                                                     "wgan-gp 0.0 0.9)", metavar=("B1", "B2"))


@dataclass(frozen=True, kw_only=True)
class ClassifierOptions(RunOptions):
    """`train classifier` (defaults: training.classifier.CLASSIFIER_DEFAULTS)."""

    real: str | None = option(None, "the real data (a dataset spec)", required=True, metavar="SPEC", label="Data")
    fakes: tuple[tuple[str, str], ...] = option(
        (), "generated sets, NAME=SPEC; a SPEC may be a generator run folder (GAN or zoo; sampled, as many as "
        "real)", required=True,
        flag="fake", metavar="NAME=SPEC", nargs="+", parse=named_set, label="Generated sets")
    architecture: str = option(CLASSIFIER_DEFAULTS["architecture"], "the classifier's model",
                               choices=CLASSIFIER_ARCHITECTURES)
    binary: bool = option(False, "two classes: real vs generated (all fakes merged)")
    per_class: int | None = option(None, "at most this many samples per set (default: the real count)")
    fake_per_class: int | None = option(None, "at most this many samples per generated set (default: per_class)",
                                        cli=False)
    normalise_level: bool = option(False, "speech maps at one loudness, each file and generated sample on its own "
                                          "(as a level-normalising case judges evidence)", cli=False)
    max_seconds: float | None = option(None, "a time budget: training stops as if converged", cli=False)
    resampled_real: bool = option(False, "for figures on a blank background: the real side also holds as many copies "
                                         "rotated, rescaled or shifted with interpolation (what the case calibrates "
                                         "learned detectors on), so that interpolation is learned as real")
    patience: int = option(CLASSIFIER_DEFAULTS["patience"],
                           "stop after this many epochs without a lower (class-balanced) validation loss and keep "
                           "the best weights (0: run all epochs; --epochs caps)")
    epochs: int = option(100, "passes over the training data at most (training stops earlier on the validation "
                              "loss)", bounds=(1, 10000))
    batch_size: int = option(CLASSIFIER_DEFAULTS["batch_size"], "samples per training step")
    lr: float = option(CLASSIFIER_DEFAULTS["lr"], "Adam learning rate")


@dataclass(frozen=True, kw_only=True)
class InverseOptions(RunOptions):
    """`train inverse` (defaults: training.inverse.INVERSE_DEFAULTS)."""

    generator: str | None = option(None, "the GAN run folder whose generator the inverse model learns to invert",
                                   required=True, metavar="RUN_DIR", label="Generator run")
    real: str | None = option(None, "negatives for the threshold: a dataset or another GAN run folder "
                                    "(default: the GAN's training data)", metavar="SPEC")
    n_negatives: int = option(2000, "real samples used for the threshold")
    refine_steps: int = option(INVERSE_DEFAULTS["refine_steps"], "Adam steps refining E(x) on ||x - G(z)||^2 "
                               "before the distance is measured (0: the paper's plain G(E(x)))")
    epochs: int = option(5, "passes over 10,000 generated pairs", bounds=(1, 10000))
    batch_size: int = option(INVERSE_DEFAULTS["batch_size"], "samples per training step")
    lr: float = option(INVERSE_DEFAULTS["lr"], "Adam learning rate")


@dataclass(frozen=True, kw_only=True)
class RoundsOptions:
    """`train rounds`: sequential GAN-vs-classifier rounds of 004 (defaults: training.rounds.ROUNDS_DEFAULTS)."""

    data: str | None = option(None, "the real training data (a dataset spec)", required=True, metavar="SPEC")
    out: str | None = option(None, "the rounds folder (rounds.json, a preview per iteration)", required=True,
                             metavar="DIR", label="Run folder")
    iterations: int = option(ROUNDS_DEFAULTS["iterations"], "GAN-vs-classifier iterations", bounds=(1, 50))
    generators: int = option(ROUNDS_DEFAULTS["generators"], "GANs per iteration", bounds=(2, 64),
                             label="GANs per iteration")
    loss: str = option(ROUNDS_DEFAULTS["loss"], "how new GANs are trained against the earlier classifiers "
                       "(Eq. 2 fool-all, Eq. 3 memoryless)", choices=ROUND_LOSSES)
    phi: float = option(ROUNDS_DEFAULTS["phi"], "classifier weight, normalised as in Eq. 4")
    classifiers: int = option(ROUNDS_DEFAULTS["classifiers"], "classifiers of each earlier iteration to fool (Eq. 5)")
    gan_steps: int = option(ROUNDS_DEFAULTS["gan_steps"], "generator steps per GAN")
    classifier_steps: int = option(ROUNDS_DEFAULTS["classifier_steps"], "steps per classifier")
    samples_per_generator: int = option(ROUNDS_DEFAULTS["samples_per_generator"],
                                        "samples drawn from each GAN for the classifiers", cli=False)
    gan: dict | None = option(None, "the pool's GAN options (default: training.rounds.ROUNDS_DEFAULTS)", cli=False)
    seed: int = option(0, SEED_HELP, bounds=SEED_BOUNDS)
    device: str = option("auto", DEVICE_HELP + " (rounds train their pools on the CPU)", choices=DEVICE_CHOICES)
    executor: str = option("sequential", "where the pools train", choices=EXECUTORS)
    workers: int | None = option(None, "processes for --executor process (default 2)")
    threads: int | None = option(None, "CPU threads with the sequential executor (default: half the cores)")


@dataclass(frozen=True, kw_only=True)
class GenerateOptions:
    """`generate`: samples of a trained GAN run, or of a zoo run's stored pool."""

    run: str | None = option(None, "the GAN run folder, or a zoo run's (runs/zoo/<family> of a case: its stored "
                                   "samples, at most as many as it holds)", positional=True, metavar="RUN_DIR")
    n: int | None = option(None, "how many samples", required=True)
    out: str | None = option(None, "OUT.npy, or a folder of PNG / MIDI / .npy by modality (WAV from a zoo run kept as "
                                   "recordings)", required=True,
                             metavar="OUT")
    seed: int = option(0, "latent seed: the same seed gives the same samples")


@dataclass(frozen=True, kw_only=True)
class FgsmOptions:
    """`fgsm`: adversarial samples against a trained classifier."""

    classifier: str | None = option(None, "the classifier run folder", required=True, metavar="RUN_DIR")
    data: str | None = option(None, "the samples to perturb (a dataset spec)", required=True, metavar="SPEC")
    eps: float | None = option(None, "step size in intensity units", required=True)
    target: str | None = option(None, "push samples towards this label (e.g. real); default: away from their own",
                                metavar="LABEL")
    out: str | None = option(None, "OUT.npy or a folder", required=True, metavar="OUT")
