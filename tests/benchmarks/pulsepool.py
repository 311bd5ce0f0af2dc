"""The fiftieth pass's untouched sets for pulse-grid's pooled, loop-robust speech-rate reading (named in
tests/benchmarks/data/pulsepool_untouched.md before they were built; docs/studies.md, "A loop-robust pooled pulse grid
at the speech rate"): new words by flite, festival and Pico through `sox -r 8000 -b 16`, and FSDD takes 30-39 as
stored, through mu-law and take 30 looped 5 and 10 times. sox draws its dither anew each run, so a rebuild differs
from the judged files in the low bits of every resampled or mu-law file (the loops and takes as stored are the same).

    PYTHONPATH=. python tests/benchmarks/pulsepool.py build OUT_DIR
    python main.py verdict OUT_DIR/* --case COPY_OF_CASE --json OUT.json
    PYTHONPATH=. python tests/benchmarks/synthsweep.py table OUT.json
"""
import os
import sys
import tempfile

import numpy as np
import soundfile

from tests.benchmarks.synth_low import run
from tests.benchmarks.synthsweep import SPEAKERS, say
from tests.benchmarks.test_bench_cycle_traits import FSDD

ENGLISH = "tenth dozen million double minus plus percent billion twice triple dollar".split()
GERMAN = "hundert tausend Million erste zweite dritte vierte halb doppelt minus Dutzend".split()
VOICES = ([("flite", v, ENGLISH) for v in ("awb", "slt", "rms", "kal16")]
          + [("festival", v, ENGLISH) for v in ("cmu_us_slt_arctic_hts", "kal_diphone", "ked_diphone", "rab_diphone")]
          + [("pico", "en-US", ENGLISH), ("pico", "en-GB", ENGLISH), ("pico", "de-DE", GERMAN)])
TAKES = range(30, 40)
LOOPED_TAKE, LOOPS = 30, (5, 10)


def build(out):
    with tempfile.TemporaryDirectory() as tmp:
        for engine, voice, words in VOICES:
            folder = os.path.join(out, f"{engine}-{voice}-8k")
            os.makedirs(folder, exist_ok=True)
            for k, word in enumerate(words):
                path = os.path.join(tmp, f"{engine}-{voice}-{k}.wav")
                say(engine, voice, word, path)
                run("sox", path, "-r", "8000", "-b", "16", os.path.join(folder, f"{k:02d}_{word}.wav"))
    folders = {name: os.path.join(out, name) for name in
               ("fsdd-30-39", "fsdd-30-39-mulaw", *(f"fsdd-30-loop{n}" for n in LOOPS))}
    for folder in folders.values():
        os.makedirs(folder, exist_ok=True)
    for speaker in SPEAKERS:
        for digit in range(10):
            for take in TAKES:
                name = f"{digit}_{speaker}_{take}.wav"
                source = os.path.join(FSDD, name)
                run("cp", source, folders["fsdd-30-39"])
                run("sox", source, "-e", "mu-law", os.path.join(folders["fsdd-30-39-mulaw"], name))
                if take == LOOPED_TAKE:
                    x, rate = soundfile.read(source, dtype="float64")
                    for n in LOOPS:
                        soundfile.write(os.path.join(folders[f"fsdd-30-loop{n}"], name), np.tile(x, n), rate,
                                        subtype="PCM_16")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "build":
        build(sys.argv[2])
    else:
        sys.exit(__doc__)
