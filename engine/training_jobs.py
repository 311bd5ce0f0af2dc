"""Training jobs: dataset specs -> arrays -> training/ trainers -> run folders.

Each job is `job(params, state)` (engine.jobs protocol) so the command line runs it with a
progress bar and the GUI runs it through `QtJob`. params is the job's options dataclass
(engine/training_options.py), or a mapping of its field names (`as_options`). torch is
imported only inside the functions (through training/).
"""
import hashlib
import os

import numpy as np

from engine.errors import InputError
from engine.options import as_options
from engine.runs import is_run_folder, load_modules, sample_run
from engine.training_divergence import WithDivergence
from engine.training_options import (ClassifierOptions, FgsmOptions, GanOptions, GenerateOptions, InverseOptions,
                                     RoundsOptions)


def array_sha256(x):
    """SHA-256 of an array's float32 C-order bytes and shape (the training data's identity)."""
    x = np.ascontiguousarray(x, dtype=np.float32)
    digest = hashlib.sha256(repr(x.shape).encode())
    digest.update(memoryview(x).cast("B"))
    return digest.hexdigest()


def load_set(spec, name=None):
    from engine.data.specs import load_spec

    return load_spec(spec, name=name)


def data_info(spec, sample_set):
    return {"spec": spec, "sha256": array_sha256(sample_set.x), "n": sample_set.n,
            "shape": list(sample_set.shape), "modality": sample_set.modality, "levels": sample_set.levels}


def device_for(request, cpu_threads=None):
    from training.device import DeviceUnavailable, choose_device

    try:
        return choose_device(request or "auto", cpu_threads)
    except DeviceUnavailable as err:
        raise InputError(f"--device {request}", str(err)) from None


def open_run_folder(out, resume, data_hash=None):
    """Refuses to overwrite a run; on --resume, refuses a run trained on other data."""
    from training.runfolder import RunFolder

    run = RunFolder(out)
    if os.path.exists(out) and not os.path.isdir(out):
        raise InputError(out, "not a folder")
    if run.exists() and not resume:
        raise InputError(out, "already holds a training run; pass --resume to continue it, or choose a new folder")
    if run.exists() and data_hash is not None:
        recorded = run.read().get("data", {}).get("sha256")
        if recorded and recorded != data_hash:
            raise InputError(out, "--resume with different training data than the run was started on")
    return run


def check_case_fits(params, spec, sample_set):
    """With --case: the data must fit the case's reference, or the run could not be registered."""
    if params.case:
        from engine.case_workflows import check_data_fits

        check_data_fits(params.case, spec, sample_set.modality, sample_set.shape, sample_set.levels)


def case_judges_at_one_loudness(case_dir):
    """Whether a case brings speech evidence to one loudness before judging it (its profile records
    level_version): a classifier trained for it must learn maps at that loudness, as the zoo's does."""
    if not case_dir:
        return False
    from engine.case_workflows import open_case

    with open_case(case_dir) as case:
        return "level_version" in case.profile()


def finish_run(result, params, state):
    """Turns a cancelled run into engine.jobs.Cancelled and registers a finished run in a case."""
    if result.get("status") == "cancelled":
        state.check()
    if params.case and result.get("status") == "finished":
        from engine.case_workflows import register_run

        register_run(params.case, params.out)
    return result


def run_name(params):
    return params.name or os.path.basename(os.path.abspath(params.out))


def loop_params(params, steps, info):
    return {"steps": steps, "resume": params.resume, "run_info": info, "log_every": params.log_every,
            "checkpoint_every": params.checkpoint_every, "preview_every": params.preview_every}


def at_least_one(params, *names):
    """Refuses a count below 1 (`--epochs 0` would train nothing)."""
    for name in names:
        if getattr(params, name) < 1:
            raise InputError(f"--{name.replace('_', '-')}", "must be at least 1")


def _config_or_input_error(source, make, *args, **kwargs):
    try:
        return make(*args, **kwargs)
    except ValueError as err:
        raise InputError(source, str(err)) from None


# --- GAN ------------------------------------------------------------------------------


def train_gan_job(params, state):
    """params: GanOptions. On resume the run's recorded options win over those given (the
    checkpoint is of that model)."""
    from training.gan import GANTrainer, gan_config, steps_for_epochs
    from training.loop import run_training

    params = as_options(GanOptions, params)
    at_least_one(params, "epochs")
    data = load_set(params.data)
    check_case_fits(params, params.data, data)
    info = data_info(params.data, data)
    run = open_run_folder(params.out, params.resume, info["sha256"])
    options = {k: getattr(params, k) for k in ("loss", "activation", "architecture", "width", "z_dim", "batch_size",
                                               "seed", "binarize", "lr", "betas")}
    if params.resume and run.exists():  # a resumed run keeps the model it was started with
        saved = run.read().get("config") or {}
        options = {k: saved.get(k, value) for k, value in options.items()}
    config = _config_or_input_error("train gan", gan_config, data.shape, **options)
    steps = 1 if params.dry_run else (params.steps or steps_for_epochs(data.n, config, params.epochs))
    device = device_for(params.device, params.threads)
    trainer = GANTrainer(data.x, config, device)
    state = WithDivergence(state, data)  # live KS / JSD to the data over the steps
    run_info = {"kind": "gan", "name": run_name(params),
                "data": info, "modality": data.modality, "device": str(device),
                "dry_run": params.dry_run}
    result = run_training(trainer, params.out, loop_params(params, steps, run_info), state)
    return finish_run(result, params, state)


# --- generated outputs -----------------------------------------------------------------


def check_samples_out(out):
    """Refuses, before any work, an OUT naming a media file (out.wav, out.png): samples go to OUT.npy or
    to a folder of one file per sample, and a folder so named would pass for one file."""
    from engine.data.sniff import KNOWN_EXTENSIONS

    suffix = os.path.splitext(out)[1].lower()
    if suffix in KNOWN_EXTENSIONS and suffix != ".npy" and not os.path.isdir(out):
        raise InputError(out, f"names a {suffix} file; give OUT.npy or a folder (one file per sample)")


def write_samples(out, x, modality):
    """Writes intensities (n, c, h, w) in [0,1]: OUT.npy as one array, else a folder of files of
    the modality (engine.modality: PNG images, mel patches as .npy arrays, MIDI from piano rolls).
    Returns the paths."""
    from engine.data.writers import write_npy
    from engine.modality import modality as modality_named

    if out.lower().endswith(".npy"):
        write_npy(out, x)
        return [out]
    kind = modality_named(modality)
    return write_each(out, x, kind.suffix, kind.write)


def write_recordings(out, recordings, rate):
    """16-bit recordings (int16 arrays) at `rate` Hz as a folder of WAV files; returns the paths."""
    from engine.data.writers import write_wav

    return write_each(out, recordings, ".wav", lambda path, pcm: write_wav(path, pcm, rate))


def write_each(out, samples, suffix, write):
    """Each sample as its own file OUT/sample_<i><suffix> (write(path, sample)); returns the paths."""
    os.makedirs(out, exist_ok=True)
    width = len(str(len(samples) - 1))
    paths = [os.path.join(out, f"sample_{i:0{width}d}{suffix}") for i in range(len(samples))]
    for path, sample in zip(paths, samples):
        write(path, sample)
    return paths


def generate_job(params, state):
    """params: GenerateOptions. Returns a summary dict. A GAN samples n fresh latents; a zoo run
    (`case zoo`) holds a stored pool of samples and gives n of them, drawn without replacement
    (seeded), or refuses when it holds fewer. A zoo run kept as recordings (engine/runs.py RECORDINGS)
    writes n of them into a folder as WAV files (OUT.npy: their mel patches, as for any run)."""
    from engine.runs import stored_recordings
    from training.activations import clip_fraction

    params = as_options(GenerateOptions, params)
    n = int(params.n)
    if n < 1:
        raise InputError("--n", "must be at least 1")
    check_samples_out(params.out)
    state.progress(0.0, "sampling")
    recorded = None if params.out.lower().endswith(".npy") else stored_recordings(params.run, n, params.seed)
    if recorded is not None:
        recordings, rate, run = recorded
        if len(recordings) < n:
            raise InputError(params.run, f"a zoo run holds {len(recordings)} stored recordings, drawn without "
                                         f"replacement: --n at most {len(recordings)}")
        paths = write_recordings(params.out, recordings, rate)
        state.progress(1.0, f"{n} recordings written")
        return {"run": params.run, "n": n, "out": params.out, "files": len(paths), "clipped_fraction": 0.0,
                "modality": run.get("modality", "speech"), "format": "wav", "sample_rate": rate}
    x, run = sample_run(params.run, n, params.seed)
    if len(x) < n:
        raise InputError(params.run, f"a zoo run holds {len(x)} stored samples, drawn without replacement: "
                                     f"--n at most {len(x)}")
    clipped = clip_fraction(x)
    paths = write_samples(params.out, np.clip(x, 0, 1), run.get("modality", "image"))
    state.progress(1.0, f"{n} samples written")
    return {"run": params.run, "n": n, "out": params.out, "files": len(paths), "clipped_fraction": clipped,
            "modality": run.get("modality", "image")}


# --- classifier -----------------------------------------------------------------------


def load_named_set(name, spec, n_default, seed):
    """(x, info) of a spec, or of n_default samples of a generator run folder (a GAN, or up to
    n_default of a zoo run's stored samples; clipped to [0,1])."""
    from engine.runs import GENERATOR_KINDS, read_run_json, sample_run

    if os.path.isdir(spec) and is_run_folder(spec) and read_run_json(spec).get("kind") in GENERATOR_KINDS:
        x = np.clip(sample_run(spec, n_default, seed)[0], 0, 1)
        return x, {"spec": spec, "sampled_from_run": True, "n": len(x), "sha256": array_sha256(x), "seed": seed}
    data = load_set(spec, name=name)
    return data.x, data_info(spec, data)


def train_classifier_job(params, state):
    """params: ClassifierOptions (epochs | steps at most: training stops earlier on the validation
    loss; max_seconds: a time budget). A fake spec may be a generator run folder: it is sampled (as
    many as real, or fake_per_class). normalise_level: speech maps at one loudness, each real file
    and each generated sample on its own, as a level-normalising case judges evidence."""
    from engine.data.representations import normalise_level
    from engine.detectors import resampling
    from engine.detectors.profile import item_groups
    from training.classifier import ClassifierTrainer, classifier_config
    from training.loop import run_training

    params = as_options(ClassifierOptions, params)
    at_least_one(params, "epochs")
    if not params.fakes:
        raise InputError("--fake", "at least one NAME=SPEC is needed")
    seed = params.seed
    real = load_set(params.real, name="real")
    check_case_fits(params, params.real, real)
    per_class = params.per_class or real.n
    fake_per_class = params.fake_per_class or per_class
    at_one_loudness = params.normalise_level or case_judges_at_one_loudness(params.case)
    level = normalise_level if at_one_loudness else (lambda x, groups: x)
    real_x, real_info = level(real.x, item_groups(real.items, real.n)[0])[:per_class], data_info(params.real, real)
    if params.resampled_real and resampling.applies(real):
        real_info["resampled_copies"] = len(real_x)
        real_x = resampling.with_resampled_copies(real_x, real.levels, seed)
    sets = [("real", real_x, real_info)]
    for i, (name, spec) in enumerate(params.fakes):
        x, info = load_named_set(name, spec, fake_per_class, seed + 1 + i)
        if tuple(x.shape[1:]) != real.shape:
            raise InputError(spec, f"samples of shape {tuple(x.shape[1:])} do not match the real set's {real.shape}")
        x = level(x, np.arange(len(x)))
        sets.append((name, x[:fake_per_class], info))
    labels = ["real", "generated"] if params.binary else [name for name, *_ in sets]
    if len(set(labels)) != len(labels):
        raise InputError("--fake", "names must be distinct and not 'real'")
    x = np.concatenate([s[1] for s in sets])
    y = np.concatenate([np.full(len(s[1]), min(i, len(labels) - 1)) for i, s in enumerate(sets)])
    info = {"sets": {name: dict(info, used=len(xs)) for name, xs, info in sets}, "sha256": array_sha256(x),
            "level_normalised": bool(at_one_loudness)}
    open_run_folder(params.out, params.resume, info["sha256"])
    config = _config_or_input_error("train classifier", classifier_config, real.shape, labels,
                                    architecture=params.architecture, seed=seed, batch_size=params.batch_size,
                                    lr=params.lr, patience=params.patience)
    device = device_for(params.device, params.threads)
    trainer = ClassifierTrainer(x, y, config, device)
    if params.max_seconds:  # a time budget (case zoo): stops as if converged
        from training.loop import TimeLimited

        trainer = TimeLimited(trainer, params.max_seconds)
    steps = params.steps or trainer.batches.per_epoch * params.epochs
    run_info = {"kind": "classifier", "name": run_name(params),
                "data": info, "modality": real.modality, "device": str(device)}
    result = run_training(trainer, params.out, loop_params(params, steps, run_info), state)
    return finish_run(result, params, state)


# --- inverse model --------------------------------------------------------------------


def train_inverse_job(params, state):
    """params: InverseOptions; the negatives (`real`) are a spec or another GAN run folder, sampled
    as in 003's GAN1-vs-GAN2 test (default: the GAN's training data)."""
    from training.inverse import InverseTrainer, inverse_config
    from training.loop import run_training

    params = as_options(InverseOptions, params)
    at_least_one(params, "epochs", "n_negatives")
    gan_run, gan_sidecar, modules = load_modules(params.generator, ["G"], "gan")
    real_spec = params.real or gan_run.get("data", {}).get("spec")
    if not real_spec:
        raise InputError(params.generator, "the run records no training data; pass --real SPEC")
    n_negatives = params.n_negatives
    negatives, negatives_info = load_named_set("real", real_spec, n_negatives, params.seed + 1)
    negatives = negatives[:n_negatives]
    if list(negatives.shape[1:]) != list(gan_sidecar["config"]["shape"]):
        raise InputError(real_spec, f"shape {tuple(negatives.shape[1:])} does not match the generator's "
                                    f"{tuple(gan_sidecar['config']['shape'])}")
    info = {"generator_run": os.path.abspath(params.generator), "real": negatives_info,
            "sha256": array_sha256(negatives)}
    open_run_folder(params.out, params.resume, info["sha256"])
    config = inverse_config(gan_sidecar["config"], seed=params.seed, batch_size=params.batch_size, lr=params.lr,
                            refine_steps=params.refine_steps)
    device = device_for(params.device, params.threads)
    trainer = InverseTrainer(modules["G"], negatives, config, device)
    pairs_per_epoch = int(np.ceil(10_000 / config["batch_size"]))
    steps = params.steps or pairs_per_epoch * params.epochs
    run_info = {"kind": "inverse", "name": run_name(params),
                "data": info, "modality": gan_run.get("modality", "image"), "device": str(device)}
    result = run_training(trainer, params.out, loop_params(params, steps, run_info), state)
    return finish_run(result, params, state)


# --- FGSM -----------------------------------------------------------------------------


def fgsm_job(params, state):
    """params: FgsmOptions. Writes the adversarial samples; returns the classifier's label counts
    before and after."""
    from training.classifier import predict
    from training.fgsm import fgsm

    params = as_options(FgsmOptions, params)
    eps = float(params.eps)
    if not 0 < eps <= 1:
        raise InputError("--eps", "must be in (0, 1] (intensity units)")
    check_samples_out(params.out)
    run, sidecar, modules = load_modules(params.classifier, ["C"], "classifier")
    labels = sidecar["config"]["labels"]
    target = params.target
    if target is not None and target not in labels:
        raise InputError("--target", f"unknown label {target!r}; the classifier knows {', '.join(labels)}")
    data = load_set(params.data)
    if list(data.shape) != list(sidecar["config"]["shape"]):
        raise InputError(params.data, f"shape {data.shape} does not match the classifier's "
                                         f"{tuple(sidecar['config']['shape'])}")
    state.progress(0.0, "computing gradients")
    model = modules["C"]
    adversarial = fgsm(model, data.x, eps, None if target is None else labels.index(target))
    before, after = predict(model, data.x).argmax(1), predict(model, adversarial).argmax(1)
    paths = write_samples(params.out, adversarial, data.modality)
    state.progress(1.0, "done")
    return {"n": data.n, "eps": eps, "target": target, "out": params.out, "files": len(paths),
            "predicted_before": label_counts(before, labels), "predicted_after": label_counts(after, labels),
            "changed_fraction": float(np.mean(before != after)),
            "mean_abs_perturbation": float(np.mean(np.abs(adversarial - data.x)))}


def label_counts(predicted, labels):
    return {label: int(np.sum(predicted == i)) for i, label in enumerate(labels)}


# --- sequential rounds ----------------------------------------------------------------


def train_rounds_job(params, state):
    """params: RoundsOptions (device: CPU only, the pools train on CPU). Writes OUT/rounds.json
    and OUT/iteration-I.png; returns the rounds dict."""
    from training.executors import make_executor
    from training.grid import make_grid, save_png
    from training.rounds import rounds_config, run_rounds
    from training.runfolder import write_json_atomic

    params = as_options(RoundsOptions, params)
    data = load_set(params.data)
    options = {k: getattr(params, k) for k in ("iterations", "generators", "loss", "phi", "classifiers", "gan_steps",
                                               "classifier_steps", "samples_per_generator", "gan", "seed")}
    config = _config_or_input_error("train rounds", rounds_config, **options)
    if params.device == "cuda":
        raise InputError("--device cuda", "rounds train their pools on CPU processes; use --device cpu or auto")
    device_for("cpu", params.threads)
    try:
        executor = make_executor(params.executor, params.workers)
    except ImportError:
        raise InputError("--executor ray", "Ray is not installed (pip install 'ganforensics[cluster]')") from None

    def progress(fraction, message):
        state.progress(fraction, message)
        state.check()

    threads = 1 if params.executor == "process" else None
    result = run_rounds(data.x, config, executor, progress, threads)
    out = os.path.abspath(params.out)
    os.makedirs(out, exist_ok=True)
    for i, samples in enumerate(result.pop("previews")):
        save_png(os.path.join(out, f"iteration-{i}.png"), make_grid(samples))
    result.update(kind="rounds", data=data_info(params.data, data), executor=params.executor)
    write_json_atomic(os.path.join(out, "rounds.json"), result)
    return result

