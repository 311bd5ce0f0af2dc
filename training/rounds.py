"""Sequential GAN-vs-classifier rounds (004).

Iteration i: (1) a pool of independently initialised GANs is trained on the real data;
for i > 0 each generator must also fool frozen classifiers of earlier iterations, with
the "fool-all" loss (Eq. 2: `classifiers` classifiers of *every* earlier iteration, Eq. 5
when more than one) or the "memoryless" loss (Eq. 3: those of iteration i−1 only), the
two terms weighted 1/(1+φ) and φ/(1+φ) (Eq. 4). (2) Classifiers (real vs generated) are
trained on samples of disjoint subsets of the pool; C_0..C_{t−1} are the ones later
generators must fool, the rest stay held out.

matrix[a][b] is the accuracy of iteration-a classifiers on generated samples only of
iteration-b generators they never saw (Table 4 of 004); for b > a, only classifiers the
generators were not trained to fool count. The generalisation curve (Fig. 3) is the
balanced accuracy on unseen real images and held-out iteration-0 generators of a
classifier trained on m = 1, 2, ... generators.
"""
import numpy as np

ROUNDS_DEFAULTS = {
    "iterations": 2,
    "generators": 4,
    "loss": "fool-all",
    "phi": 1.0,
    "classifiers": 1,  # t of Eq. 5: classifiers per earlier iteration the generators must fool
    "gan_steps": 300,
    "classifier_steps": 150,
    "samples_per_generator": 400,
    "seed": 0,
    "gan": {"width": 16, "z_dim": 32, "batch_size": 64},
    "classifier": {"architecture": "paper-classifier", "batch_size": 64},
}
ROUND_LOSSES = ("fool-all", "memoryless")


def rounds_config(**overrides):
    config = dict(ROUNDS_DEFAULTS, **{k: v for k, v in overrides.items() if v is not None})
    if config["loss"] not in ROUND_LOSSES:
        raise ValueError(f"unknown rounds loss {config['loss']!r}; choose one of {', '.join(ROUND_LOSSES)}")
    if config["generators"] < 2:
        raise ValueError("rounds need at least 2 generators per iteration (classifiers train on disjoint subsets)")
    if not 1 <= config["classifiers"] < config["generators"]:
        raise ValueError(f"--classifiers must be between 1 and {config['generators'] - 1} "
                         "(at least one classifier per iteration stays held out, each on its own generators)")
    # t classifiers to fool plus at least one held out, each on a disjoint subset of the pool.
    per = config["generators"] // (config["classifiers"] + 1)
    config["generators_per_classifier"] = per
    config["classifiers_per_iteration"] = config["generators"] // per
    if config["phi"] < 0:
        raise ValueError("phi must be >= 0")
    return config


def fool_targets(iteration, loss, t):
    """(iteration, classifier index) pairs a generator of `iteration` must fool (Eqs. 2, 3, 5)."""
    earlier = range(iteration) if loss == "fool-all" else range(max(iteration - 1, 0), iteration)
    return [(j, k) for j in earlier for k in range(t)]


def train_gan_task(x, config, steps, n_samples, fool=(), fool_weights=(1.0, 0.0), threads=None):
    """Trains one GAN; returns (generator state as numpy arrays, 2·n_samples intensities)."""
    import torch

    from training.gan import GANTrainer, sample_generator

    if threads:
        torch.set_num_threads(threads)
    classifiers = [(_classifier_model(arch, state), 0) for arch, state in fool]  # class 0 is "real"
    trainer = GANTrainer(x, config, "cpu", fool=classifiers, fool_weights=fool_weights)
    for _ in range(steps):
        trainer.step()
    z = torch.randn(2 * n_samples, config["z_dim"], generator=torch.Generator().manual_seed(config["seed"] + 17))
    samples = np.clip(sample_generator(trainer.G, z, config["activation"]), 0, 1)
    return {k: v.numpy() for k, v in trainer.G.state_dict().items()}, samples


def train_classifier_task(x, y, config, steps, threads=None):
    """Trains one real(0)-vs-generated(1) classifier on all of x; returns its state as numpy arrays."""
    import torch

    from training.classifier import ClassifierTrainer

    if threads:
        torch.set_num_threads(threads)
    trainer = ClassifierTrainer(x, y, dict(config, split=[1.0, 0.0, 0.0]), "cpu")
    for _ in range(steps):
        trainer.step()
    return {k: v.numpy() for k, v in trainer.model.state_dict().items()}


def _classifier_model(arch, state):
    import torch

    from training.models import build

    model = build(arch)
    model.load_state_dict({k: torch.tensor(v) for k, v in state.items()})  # Ray hands read-only arrays
    return model.eval()


def _accuracy(model, x, label):
    from training.classifier import predict

    return float(np.mean(predict(model, x).argmax(1) == label)) if len(x) else float("nan")


def run_rounds(x_real, config, executor, progress=lambda fraction, message: None, threads=None):
    """Runs the rounds on real intensities (n, c, h, w); returns the rounds.json dict (plus
    "previews": one sample array per iteration, for the caller to draw)."""
    from training.classifier import classifier_config
    from training.gan import gan_config

    x_real = np.asarray(x_real, dtype=np.float32)
    rng = np.random.default_rng(config["seed"])
    perm = rng.permutation(len(x_real))
    real_train, real_test = x_real[perm[: len(perm) // 2]], x_real[perm[len(perm) // 2 :]]
    shape, n_gen, n = x_real.shape[1:], config["generators"], config["samples_per_generator"]
    per, n_cls, t = config["generators_per_classifier"], config["classifiers_per_iteration"], config["classifiers"]
    c_config = classifier_config(shape, ["real", "generated"], seed=config["seed"], **config["classifier"])
    c_arch = c_config["model"]
    phi = config["phi"]
    weights = (1 / (1 + phi), phi / (1 + phi))
    tasks_total = config["iterations"] * (n_gen + n_cls) + max(n_gen - n_gen // 2, 0)
    tasks_done = [0]

    def done(message):
        def on_done(_count):
            tasks_done[0] += 1
            progress(tasks_done[0] / tasks_total, message)
        return on_done

    iterations = []  # per iteration: {"samples": [(train, test) per generator], "classifiers": [(state, gen ids)]}
    for i in range(config["iterations"]):
        targets = fool_targets(i, config["loss"], t) if i else []
        fool = [(c_arch, iterations[j]["classifiers"][k][0]) for j, k in targets]
        jobs = [{"x": real_train, "steps": config["gan_steps"], "n_samples": n, "threads": threads,
                 "config": gan_config(shape, seed=config["seed"] * 1000 + i * 100 + g, **config["gan"]),
                 "fool": fool, "fool_weights": weights if fool else (1.0, 0.0)} for g in range(n_gen)]
        results = executor.map(train_gan_task, jobs, done(f"iteration {i}: GANs"))
        samples = [(s[:n], s[n:]) for _, s in results]
        subsets = [list(range(k * per, (k + 1) * per)) for k in range(n_cls)]
        c_jobs = [_classifier_job(real_train, [samples[g][0] for g in ids], c_config, config, i * 10 + k, threads)
                  for k, ids in enumerate(subsets)]
        states = executor.map(train_classifier_task, c_jobs, done(f"iteration {i}: classifiers"))
        iterations.append({"samples": samples, "classifiers": list(zip(states, subsets)), "fooled": targets})

    matrix, real_accuracy = [], []
    for a, it_a in enumerate(iterations):
        models = [(_classifier_model(c_arch, state), ids, k) for k, (state, ids) in enumerate(it_a["classifiers"])]
        real_accuracy.append(float(np.mean([_accuracy(m, real_test, 0) for m, _, _ in models])))
        row = []
        for b, it_b in enumerate(iterations):
            scores = [_accuracy(m, it_b["samples"][g][1], 1)
                      for m, ids, k in models if (a, k) not in it_b["fooled"]
                      for g in range(n_gen) if b != a or g not in ids]
            row.append(float(np.mean(scores)))
        matrix.append(row)

    curve = _generalization(iterations[0]["samples"], real_train, real_test, c_config, c_arch, config, executor,
                            done("generalisation curve"), threads)
    return {
        "config": config,
        "matrix": matrix,
        "matrix_axes": {"rows": "classifier iteration", "columns": "generator iteration",
                        "value": "accuracy on generated samples of unseen generators"},
        "real_accuracy": real_accuracy,
        "fool_targets": [[list(p) for p in it["fooled"]] for it in iterations],
        "generalization": curve,
        "previews": [it["samples"][0][1][:16] for it in iterations],
    }


def _classifier_job(real_train, fakes, c_config, config, seed_offset, threads):
    """A balanced real/generated training set for one classifier."""
    fakes = np.concatenate(fakes)
    rng = np.random.default_rng(config["seed"] + 7 + seed_offset)
    real = real_train[rng.choice(len(real_train), size=len(fakes), replace=len(fakes) > len(real_train))]
    x = np.concatenate([real, fakes])
    y = np.concatenate([np.zeros(len(real), np.int64), np.ones(len(fakes), np.int64)])
    return {"x": x, "y": y, "config": dict(c_config, seed=config["seed"] + seed_offset),
            "steps": config["classifier_steps"], "threads": threads}


def _generalization(samples, real_train, real_test, c_config, c_arch, config, executor, on_done, threads):
    """Fig. 3: balanced accuracy on unseen real + held-out generators vs number of training generators."""
    n_gen = len(samples)
    held = list(range(n_gen // 2, n_gen))
    counts = list(range(1, n_gen - len(held) + 1))
    jobs = [_classifier_job(real_train, [samples[g][0] for g in range(m)], c_config, config, 500 + m, threads)
            for m in counts]
    states = executor.map(train_classifier_task, jobs, on_done)
    held_fakes = np.concatenate([samples[g][1] for g in held])
    curve = []
    for m, state in zip(counts, states):
        model = _classifier_model(c_arch, state)
        accuracy = (_accuracy(model, real_test, 0) + _accuracy(model, held_fakes, 1)) / 2
        curve.append({"generators": m, "accuracy": accuracy})
    return curve
