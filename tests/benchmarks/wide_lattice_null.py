"""lpc-lattice's wide-band null, measured again: the wide reading's hits and windows (lpc_lattice.wide_hits) over the
200 real 16 kHz Speech Commands clips listed in tests/benchmarks/data/wide_lattice_null.txt, read from the
PICO-tinyML-benchmark snapshot; the total is what WIDE_NULL holds (docs/studies.md, "flite's kal16 read at its own
rate", thirty-seventh pass). Not part of the product.

    python tests/benchmarks/wide_lattice_null.py [--mirrors /work/.mirror]
"""
import argparse
import io
import os
import subprocess

import numpy as np
import soundfile

from engine.detectors import lpc_lattice

LIST = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "wide_lattice_null.txt")
REPOSITORY = "thegtagamer+PICO-tinyML-benchmark"


def clip(mirrors, path):
    """A listed clip's 16-bit samples and rate, read from the snapshot's git objects."""
    data = subprocess.run(["git", "-C", os.path.join(mirrors, REPOSITORY, "repo"), "show", f"HEAD:{path}"],
                          check=True, capture_output=True).stdout
    samples, rate = soundfile.read(io.BytesIO(data), dtype="int16")
    return samples, rate


def main(mirrors):
    paths = [line.strip() for line in open(LIST) if line.strip() and not line.startswith("#")]
    found = windows = 0
    for path in paths:
        samples, rate = clip(mirrors, path)
        if samples.ndim > 1 or rate != lpc_lattice.WIDEBAND_RATE:
            print(f"{path}: skipped ({rate} Hz, {samples.ndim} dimensions)")
            continue
        hits, offered, _ = lpc_lattice.wide_hits(np.asarray(samples))
        found, windows = found + hits, windows + offered
    print(f"{len(paths)} clips: {found} hits in {windows} windows (WIDE_NULL holds {lpc_lattice.WIDE_NULL}); "
          f"95 % bound on a window's hit rate {lpc_lattice.q_upper(found, windows):.2g}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirrors", default="/work/.mirror")
    main(parser.parse_args().mirrors)
