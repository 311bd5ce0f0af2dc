"""KS and JSD of a training run's previews to its data, added to the job's partial results."""
import numpy as np
import pytest


class Recorder:
    cancelled = False

    def __init__(self):
        self.partials = []

    def partial(self, result):
        self.partials.append(result)


def test_divergence_matches_the_sample_statistics_within_a_bin():
    from engine.analysis.stats import jsd, ks_2samp
    from engine.training_divergence import divergence

    rng = np.random.default_rng(0)
    a, b = rng.random(5000) ** 2, rng.random(4000)
    counts = [np.histogram(x, bins=100, range=(0, 1))[0] for x in (a, b)]
    result = divergence(*counts)
    assert result["jsd"] == pytest.approx(jsd(a, b), abs=1e-12)  # the papers' JSD is on these histograms
    exact = ks_2samp(a, b)[0]
    # read at the bin edges: never above the exact statistic, below it by at most one bin's mass
    assert exact - 0.02 <= result["ks"] <= exact + 1e-12
    same = divergence(counts[0], counts[0])
    assert same["ks"] == 0 and same["jsd"] == 0


def test_every_partial_carries_the_newest_previews_divergence_and_its_step():
    from engine.data.sampleset import SampleSet
    from engine.training_divergence import WithDivergence

    data = SampleSet(name="d", modality="image", x=np.linspace(0, 1, 64, dtype=np.float32).reshape(1, 1, 8, 8),
                     levels=None)
    recorder = Recorder()
    state = WithDivergence(recorder, data)
    assert state.cancelled is False  # the wrapped state's attributes pass through
    state.partial({"step": 5, "losses": {"g": 1.0}})
    first = np.histogram(np.full(64, 0.5), bins=100, range=(0, 1))[0]
    state.partial({"step": 25, "losses": {"g": 1.0}, "histogram": first})
    state.partial({"step": 30, "losses": {"g": 0.9}, "histogram": first})
    second = np.histogram(np.linspace(0, 1, 64), bins=100, range=(0, 1))[0]
    state.partial({"step": 50, "losses": {"g": 0.8}, "histogram": second})
    steps = [p.get("divergence", {}).get("step") for p in recorder.partials]
    assert steps == [None, 25, 25, 50]
    assert recorder.partials[1]["divergence"]["ks"] == pytest.approx(0.5, abs=0.02)
    assert recorder.partials[3]["divergence"]["jsd"] < recorder.partials[1]["divergence"]["jsd"]
    # the training data's histogram, computed once, goes out with every partial after a preview
    reference = np.histogram(np.linspace(0, 1, 64), bins=100, range=(0, 1))[0]
    assert "reference_histogram" not in recorder.partials[0]
    assert all(np.array_equal(p["reference_histogram"], reference) for p in recorder.partials[1:])
    assert recorder.partials[1]["reference_histogram"] is recorder.partials[3]["reference_histogram"]


def test_a_gan_run_histograms_its_training_data_once(monkeypatch, tmp_path):
    from engine import training_divergence
    from engine.analysis import stats
    from engine.jobs import JobState
    from engine.training_jobs import train_gan_job

    calls = []
    histogram = stats.histogram
    monkeypatch.setattr(stats, "histogram", lambda x, **kw: calls.append(x.size) or histogram(x, **kw))
    state = JobState()
    train_gan_job({"data": "builtin:digits[0:64]", "out": str(tmp_path / "gan"), "steps": 2, "width": 8,
                   "z_dim": 8, "batch_size": 32, "threads": 1, "log_every": 1, "preview_every": 1}, state)
    assert calls == [64 * 64] and training_divergence.HIST_BINS == len(state.partials[-1]["reference_histogram"])
