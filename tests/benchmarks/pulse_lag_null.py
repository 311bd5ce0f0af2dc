"""pulse-grid's lag reading on real 16 kHz speech: near_whole_z (engine/detectors/pulse_grid.py) of the 200 Speech
Commands clips listed in tests/benchmarks/data/wide_lattice_null.txt (speakers no evaluation set uses), read from
the PICO-tinyML-benchmark snapshot. The reading is scored against the binomial chance of a whole-sample lag value's
lags lying near it (2 LAG_NEAR, one vote per value), so a voice's z should pass c at most a share exp(-c) of the clips;
this counts them (docs/studies.md, "SVOX Pico's pulses matched by their shapes", thirty-eighth pass, and "Pulse lags
counted per value", thirty-ninth pass). Not part of the product.

    python tests/benchmarks/pulse_lag_null.py [--mirrors /work/.mirror]
"""
import argparse
import os

import numpy as np

from engine.data.representations import to_speech_rate
from engine.data.sampleset import NativeAudio
from engine.detectors.cycles import cycle_runs
from engine.detectors.pulse_grid import MIN_INTERVALS, native_lag_intervals, near_whole_z
from tests.benchmarks.wide_lattice_null import LIST, clip


def main(mirrors):
    paths = [line.strip() for line in open(LIST) if line.strip() and not line.startswith("#")]
    z = []
    for path in paths:
        samples, rate = clip(mirrors, path)
        runs = cycle_runs(to_speech_rate(samples / 32768.0, rate))
        lags = native_lag_intervals(NativeAudio(rate, samples, rate // 2), runs)
        z.append(near_whole_z(lags))
        print(f"{path}\t{lags.size}\t{z[-1]:.2f}")
    z = np.array(z)
    print(f"{len(paths)} clips (z 0 with fewer than {MIN_INTERVALS} lags): median z {np.median(z):.2f}, "
          f"max {z.max():.2f}; above 3: {(z > 3).sum()} (exp(-3) of them: {len(z) * np.exp(-3):.1f}), "
          f"above 5: {(z > 5).sum()} ({len(z) * np.exp(-5):.2f}), above 7: {(z > 7).sum()} ({len(z) * np.exp(-7):.2f})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirrors", default="/work/.mirror")
    main(parser.parse_args().mirrors)
