"""A gate closed before the first word (engine/detectors/gate_release.py, closed_start): a gated real take written
at 44.1 kHz keeps its zeros before the first word, which the resampler to the speech rate lays faint pre-ringing
into, so they are neither padding nor a release; noise-floor does not read that stretch, and a synthesiser's stop
into its zeros after its speech is still read. Through AAC (PyAV's encoder, as the reference passes it) a stop that
the codec draws out past MIN_RELEASE_SECONDS is read as a stop (`smeared_stop`), a 5 ms gate's release as a gate."""
import numpy as np
import soxr

from engine.data.builtins import corpus_files
from engine.data.padding import frame_powers, loud_power
from engine.data.representations import to_speech_rate
from engine.detectors.channel_media import audio_through
from engine.detectors.gate_release import MIN_RELEASE_SECONDS, ZERO_RUN_SECONDS, closed_start, releases, smeared_stop
from engine.detectors.noise_floor import PLAUSIBLE_DB, floor_depth
from tests.audio_channels import gate
from tests.noise_suppressors import fast_gate
from tests.test_noise_floor import fsdd_audio, tone_with_pause

RATE, WRITTEN = 8000, 44100


def as_read_at_44k(audio):
    """`audio` (8 kHz) written as a 16-bit file at 44.1 kHz and read back at the speech rate as the verdict reads it."""
    up = np.round(np.clip(soxr.resample(audio, RATE, WRITTEN), -1, 1) * 32767) / 32767
    return np.asarray(to_speech_rate(up.astype(np.float32), WRITTEN), dtype=np.float64)


def test_real_takes_gated_before_their_first_word_keep_a_microphones_floor_at_44k():
    # FSDD takes (the quiet room's and george's) through a gate at -30 dB re their peak: read from the start, their
    # zeros and the resampler's ringing in them read 150-300 dB (67 of 200 lucas and george takes 0-9 beyond 70 dB)
    names = ("0_lucas_5", "2_lucas_1", "5_lucas_2", "9_lucas_9", "1_george_5", "3_george_7", "4_george_8")
    takes = [k for k, path in enumerate(corpus_files("fsdd")) if path.endswith(tuple(n + ".wav" for n in names))]
    assert len(takes) == len(names)
    for k in takes:
        gated = gate(fsdd_audio(k), -30.0)
        assert np.all(gated[:int(ZERO_RUN_SECONDS * RATE)] == 0)  # the gate was closed before the first word
        read = as_read_at_44k(gated)
        depth, _, _, aside = floor_depth(read)
        assert depth <= PLAUSIBLE_DB
        assert aside >= closed_start(read, loud_power(frame_powers(read))) >= ZERO_RUN_SECONDS * RATE


def test_a_synthesisers_zeros_after_its_speech_still_read_at_44k():
    # a word after 0.213 s of zeros, stopping into 0.297 s of exact zeros (no length a script pads to): the start is
    # set aside, the stop is read
    word, pause = tone_with_pause(None)
    word = np.concatenate([np.zeros(int(0.213 * RATE)), word[:np.flatnonzero(pause)[0]], np.zeros(int(0.297 * RATE))])
    read = as_read_at_44k(word)
    depth, silent, _, aside = floor_depth(read)
    assert depth > 250 and silent > 0.2
    assert aside >= closed_start(read, loud_power(frame_powers(read))) >= 0.15 * RATE


def test_a_recording_sounding_from_its_start_has_no_closed_start():
    recorded = tone_with_pause(50.0)[0]  # a microphone's floor 50 dB down from the first sample
    assert closed_start(recorded, loud_power(frame_powers(recorded))) == 0


AAC_44K = ("audio", "AAC", WRITTEN, None, None)  # the channel key of a 44.1 kHz AAC file: 64 kbit/s


def takes(names):
    found = [k for k, path in enumerate(corpus_files("fsdd")) if path.endswith(tuple(n + ".wav" for n in names))]
    assert len(found) == len(names)
    return found


def long_releases(read):
    """[(release length in samples, read as a codec's smear of a stop)] of `read`'s releases of MIN_RELEASE_SECONDS
    or more."""
    loud = loud_power(frame_powers(read))
    return [(silence - last, smeared_stop(read, loud, last, silence)) for last, silence, _ in releases(read, loud)
            if last is not None and silence - last >= MIN_RELEASE_SECONDS * RATE]


def test_a_stop_aac_draws_out_is_read_as_a_stop():
    # takes cut at their loudest 20 ms into exact zeros, as a synthesiser stops: AAC at 44.1 kHz draws the stop out to
    # 24-32 ms (a 5 ms gate's release length), and the level holds its noise for a block, then drops
    for k in takes(("0_george_3", "0_jackson_5")):
        audio = fsdd_audio(k)
        cut = int(np.argmax(np.convolve(audio ** 2, np.ones(160), "same"))) + 80
        read = np.asarray(audio_through(np.concatenate([np.zeros(800), audio[:cut], np.zeros(2400)]), AAC_44K),
                          dtype=np.float64)
        assert [smeared for _, smeared in long_releases(read)] == [True]
        assert floor_depth(read)[0] > 250  # its zeros are read


def test_a_fast_gates_release_through_aac_is_still_a_gates():
    # FSDD takes through a gate with a 5 ms release time, then AAC at 44.1 kHz: each release its gain draws out
    # falls steadily from the speech, so none is read as a stop
    found = []
    for k in takes(("0_lucas_0", "2_lucas_6", "5_lucas_4", "2_george_1", "8_george_0", "8_george_9")):
        for threshold_db in (-30.0, -20.0):
            read = np.asarray(audio_through(fast_gate(fsdd_audio(k), threshold_db), AAC_44K), dtype=np.float64)
            found += long_releases(read)
    assert found and not any(smeared for _, smeared in found)
