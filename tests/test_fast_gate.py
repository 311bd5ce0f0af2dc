"""A noise gate releasing within a few milliseconds (engine/detectors/gate_release.py, MIN_RELEASE_SECONDS): a real
take so gated is not read as a synthesiser's digital silence by noise-floor, a synthesiser's stop into its zeros
(at most 9 ms from speech to silence) still is."""
import numpy as np

from engine.data.builtins import corpus_files
from engine.detectors.gate_release import MIN_RELEASE_SECONDS
from engine.detectors.noise_floor import PLAUSIBLE_DB, floor_depth
from tests.noise_suppressors import fast_gate
from tests.test_noise_floor import fsdd_audio, through, tone_with_pause

RATE = 8000


def test_real_takes_through_a_fast_gate_keep_a_microphones_floor():
    # FSDD takes (the quiet room's and george's) whose pauses a gate with a 5 ms release time writes as zeros: its gain
    # takes the speech's tail down over 9-28 ms; read as a synthesiser's stop, 10 of these 20 readings went beyond it
    names = ("0_lucas_0", "0_lucas_1", "2_lucas_6", "3_lucas_0", "5_lucas_4", "9_lucas_2", "2_george_1", "8_george_0",
             "8_george_2", "8_george_9")
    takes = [k for k, path in enumerate(corpus_files("fsdd")) if path.endswith(tuple(n + ".wav" for n in names))]
    assert len(takes) == len(names)
    for k in takes:
        for threshold_db in (-30.0, -20.0):
            gated = through(fast_gate(fsdd_audio(k), threshold_db))
            assert np.mean(gated == 0) > 0.05  # the gate wrote zeros
            assert floor_depth(gated)[0] <= PLAUSIBLE_DB


def test_a_synthesisers_stop_within_the_release_still_reads_as_digital_silence():
    # a word whose last cycles decay over 6 ms (MBROLA's longest stops: 9 ms) into exact zeros
    word, pause = tone_with_pause(None)
    stop = np.flatnonzero(pause)[0]
    decay = int(0.006 * RATE)
    word[stop - decay:stop] *= np.logspace(0, -4, decay)
    assert decay < MIN_RELEASE_SECONDS * RATE
    depth, silent, _, aside = floor_depth(through(word))
    assert depth > 250 and silent > 0.2 and aside == 0
