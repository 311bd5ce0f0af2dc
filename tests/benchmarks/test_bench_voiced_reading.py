"""synthetic-voice's calibration reads each recording's voiced frames once for both of its least numbers of frames
(MIN_VOICED_READ and MIN_SHORT_VOICED_READ; `counted_voiced_scores`), where it read them once per number before
(the baseline, `voiced_scores` per number, as before the fifty-sixth pass). A channel's calibration runs it on every
kept reference recording through the channel, and a noisy file's batch makes two such calibrations. Rounds alternate
the two ways on FSDD takes 10-49 (none in builtin:fsdd); medians and their ratio. Scores must be identical.

    python tests/benchmarks/test_bench_voiced_reading.py [N] [ROUNDS]     # N FSDD takes (default 200)
    python -m pytest tests/benchmarks/test_bench_voiced_reading.py -s -o addopts=""
"""
import json
import sys
import time

import numpy as np

from tests.benchmarks.test_bench_shared_cycles import fsdd_takes


def baseline(recordings):
    """The calibration's three readings as before: the whole word, then the voiced frames once per least number."""
    from engine.detectors.synthetic_voice import (MIN_SHORT_VOICED_READ, MIN_VOICED_READ, SHORT_VOICED_KEY, VOICED_KEY,
                                                  voice_scores, voiced_scores)

    out = {"cal_synthetic_voice": voice_scores(recordings)}
    for key, least in ((VOICED_KEY, MIN_VOICED_READ), (SHORT_VOICED_KEY, MIN_SHORT_VOICED_READ)):
        read = voiced_scores(recordings, least)
        out[key] = read[np.isfinite(read)]
    return out


def compare(n=200, rounds=3):
    """{"before": median s, "after": median s, "ratio": after / before, ...}; the calibrations asserted identical."""
    from engine.detectors.synthetic_voice import SyntheticVoice

    recordings, times = fsdd_takes(n), {"before": [], "after": []}
    for _ in range(rounds):
        start = time.perf_counter()
        expected = baseline(recordings)
        times["before"].append(time.perf_counter() - start)
        start = time.perf_counter()
        found = SyntheticVoice.calibrate(recordings)
        times["after"].append(time.perf_counter() - start)
        for key, scores in expected.items():
            np.testing.assert_array_equal(found[key], scores)
    row = {k: float(np.median(v)) for k, v in times.items()}
    return {**row, "ratio": row["after"] / row["before"], "before_all": times["before"], "after_all": times["after"],
            "recordings": n}


def test_one_voiced_reading_calibrates_identically_and_faster():
    result = compare(n=60, rounds=2)
    print(json.dumps(result, indent=1))
    assert result["ratio"] < 0.85


if __name__ == "__main__":
    print(json.dumps(compare(*(int(a) for a in sys.argv[1:])), indent=1))
