"""The mu-law residual of flite's diphone voices, read back through the LPC filter (docs/studies.md, "Speech
synthesis: flite's mu-law residual (2026-12-02, tenth pass)" and "flite's lattice as a detector (2026-12-02,
eleventh pass)").

The statistic is the `lpc-lattice` detector's (engine/detectors/lpc_lattice.py, whose docstring defines it):
per recording, the windows whose residual under integer order-10 LPC coefficients (found by LLL) lies within 1
of a mu-law value at 95 % of their samples, among up to 30 windows spread over it. This measures the hits per
file of sets of recordings, as the tenth pass did; tests/test_lpc_lattice.py holds its self-test.

    python tests/benchmarks/test_bench_mulaw_residual.py measure DIR|fsdd:SPEAKER:FIRST-LAST ...

The measurement needs the 8 kHz waveform's exact 16-bit values: resampled input (`kal16` at 16 kHz, festival's
voices written at other rates) loses them.
"""
import sys

import numpy as np

from engine.detectors.lpc_lattice import hits
from tests.benchmarks import test_bench_cycle_traits as traits
from tests.benchmarks.test_bench_unit_joins import files_of

FLAGGED = 2  # hits per recording above the real tuning sets' largest (1 hit in 300 recordings, twice)


def measure(specs):
    """Per set: the hits of each file, how many files read no window, and how many reach FLAGGED hits."""
    values = {}
    for spec in specs:
        counts = np.array([hits(traits.load(p))[:2] for p in files_of(spec)])
        values[spec] = counts[:, 0]
        print(f"{spec:45s} files {len(counts)}, no window read {int((counts[:, 1] == 0).sum())}, hits per file: "
              f"median {np.median(counts[:, 0]):.0f}, largest {counts[:, 0].max()}, windows hit "
              f"{counts[:, 0].sum()}/{counts[:, 1].sum()}, files with >= {FLAGGED} hits "
              f"{int((counts[:, 0] >= FLAGGED).sum())}/{len(counts)}", flush=True)
    return values


if __name__ == "__main__":
    if sys.argv[1] == "measure":
        measure(sys.argv[2:])
