"""The streamed batch KS/JSD equals the statistics of the concatenated values."""
import numpy as np
import pytest
from scipy import stats as scipy_stats

from engine.analysis.stats import jsd, ks_2samp
from engine.batch_stats import BatchDistribution


@pytest.mark.parametrize("kind", ["continuous", "8-bit grid with ties", "small batch"])
def test_streamed_ks_and_jsd_equal_those_of_all_values_at_once(kind, monkeypatch):
    rng = np.random.default_rng(1)
    if kind == "continuous":
        reference = rng.beta(2, 5, 3000).astype(np.float32)
        parts = [rng.beta(2, 4, size).astype(np.float32) for size in (5000, 17, 40_000)]
    elif kind == "8-bit grid with ties":
        reference = (rng.integers(0, 256, 2000) / 255).astype(np.float32)
        parts = [(rng.integers(0, 200, size) / 255).astype(np.float32) for size in (3000, 9000)]
    else:
        reference = rng.random(500).astype(np.float32)
        parts = [rng.random(30).astype(np.float32), rng.random(20).astype(np.float32)]
    monkeypatch.setattr("engine.batch_stats.CHUNK", 4096)  # several chunks per file
    batch = BatchDistribution(reference)
    for part in parts:
        batch.add(part)
    values = np.concatenate(parts)
    d, p = batch.ks()
    expected_d, expected_p = ks_2samp(values, reference)
    assert d == pytest.approx(scipy_stats.ks_2samp(values, reference).statistic, abs=1e-12)
    assert d == pytest.approx(expected_d, abs=1e-12) and p == pytest.approx(expected_p, rel=1e-9, abs=1e-300)
    assert batch.jsd() == pytest.approx(jsd(values, reference), abs=1e-12)


def test_memory_kept_is_sized_by_the_reference_not_the_batch():
    for m in (5000, 100):  # above and below EXACT_MAX_EN reference values
        batch = BatchDistribution(np.linspace(0, 1, m, dtype=np.float32))
        for _ in range(30):
            batch.add(np.random.default_rng(0).random(50_000).astype(np.float32))
        assert batch.small is None and batch.n == 1_500_000
        assert batch.below.size == batch.at_or_below.size == m + 1
        assert 0 <= batch.ks()[1] <= 1
