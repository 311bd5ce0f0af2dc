"""The native copy (engine/detectors/native_copy.py), read by repeated-cycle: a stretch of a 16-bit file's samples as
written equal, sample for sample, to the one a pitch period before it (festival's 16-kHz diphone voices writing a
stored frame again in a word's lead-in) is a copy no microphone makes; a room's noise, digital silence and a
constant are not. A file written at 16 kHz with a lead-in of one frame written two and a half times (too short a
repeat for the speech rate's reading), the same with fresh noise, and a case on the 400 embedded FSDD recordings."""
import numpy as np
import soundfile

from engine.data.sampleset import NativeAudio
from engine.detectors.native_copy import COPY_BITS, exact_copy, step_bits
from engine.detectors.repeated_cycle import MAX_SCORE, PLAUSIBLE, repeat_scores
from engine.verdict import judge
from tests.test_cycle_jitter import voiced

RATE = 16000
LAG = 161  # samples: no whole number of 8 kHz samples, so the speech rate's resampler does not keep the copy


def with_lead_in(copied_frame, seed=0):
    """16-bit samples at RATE: 0.1 s of a room's faint noise (or, copied, one LAG-sample frame of it written two and a
    half times and then fresh noise), 45 dB under a 0.5 s vowel that follows."""
    rng = np.random.default_rng(seed)
    vowel = np.repeat(voiced(seconds=0.5, sigma=0.005, seed=seed), 2)  # a vowel at 8 kHz, held to 16 kHz
    level = np.sqrt(np.mean(vowel ** 2)) * 10 ** (-45 / 20)
    noise = np.convolve(rng.normal(0, 1, int(0.1 * RATE)), np.ones(3) / 3, "same")
    if copied_frame:
        noise[:int(2.5 * LAG)] = np.resize(noise[:LAG], int(2.5 * LAG))
    lead = noise * level / np.sqrt(np.mean(noise ** 2))
    return np.round(np.concatenate([lead, vowel, np.zeros(800)]) * 32767).astype(np.int16)


def test_a_frame_written_again_is_an_exact_copy_and_a_rooms_noise_is_not():
    bits, start, length, lag = exact_copy(NativeAudio(RATE, with_lead_in(True), RATE // 2))
    assert bits >= COPY_BITS and lag == LAG and start == LAG and length >= LAG
    assert exact_copy(NativeAudio(RATE, with_lead_in(False), RATE // 2)) is None


def test_a_clipped_voices_equal_samples_are_no_copy_but_a_frame_in_its_quiet_lead_in_is():
    t = np.arange(RATE // 2)
    wave = sum(np.sin(2 * np.pi * k * t / LAG + k * k) / k for k in range(1, 12))  # a period of LAG samples
    clipped = np.round(np.clip(3 * wave / np.abs(wave).max(), -1, 1) * 32767).astype(np.int16)  # saturated, noiseless
    assert exact_copy(NativeAudio(RATE, clipped, RATE // 2)) is None  # its cycles repeat exactly, at the clip
    copied = with_lead_in(True)
    copied[-800 - RATE // 4:-800] = np.clip(copied[-800 - RATE // 4:-800].astype(np.int64) * 8, -32768, 32767)
    assert exact_copy(NativeAudio(RATE, copied, RATE // 2))[3] == LAG  # the lead-in's frame, far below the clip


def test_a_clipped_voice_resampled_after_the_clip_is_no_copy_but_a_quiet_frame_still_is():
    """loudnorm writes an overdriven recording at 192 kHz: no flat top is left to read, but the resampler writes the
    clipped cycles' equal runs again as equal samples, near the file's peak; a stored frame in a pause lies far below."""
    from scipy import signal

    t = np.arange(RATE // 2)
    wave = sum(np.sin(2 * np.pi * k * t / LAG + k * k) / k for k in range(1, 12))
    clipped = np.clip(3 * wave / np.abs(wave).max(), -1, 1)
    rng = np.random.default_rng(3)
    clipped[::LAG * 7] += 1e-3 * rng.normal(size=clipped[::LAG * 7].size)  # a few cycles differ, as a voice's do
    upsampled = signal.resample_poly(clipped, 3, 1) * 0.7  # at 48 kHz: the flat tops ring, the copies stay
    samples = np.round(upsampled * 32767).astype(np.int16)
    assert exact_copy(NativeAudio(3 * RATE, samples, RATE // 2)) is None
    copied = with_lead_in(True)
    copied[-800 - RATE // 4:-800] = np.round(copied[-800 - RATE // 4:-800] * 0.9).astype(np.int16)
    assert exact_copy(NativeAudio(RATE, copied, RATE // 2))[3] == LAG  # the lead-in's frame, 45 dB under the peak


def test_silence_a_constant_and_a_square_wave_carry_no_bits_whatever_they_repeat():
    square = np.tile(np.r_[np.full(40, 3), np.full(40, -3)], 40).astype(np.int16)
    for samples in (np.zeros(RATE, np.int16), np.full(RATE, 7, np.int16), square):
        assert exact_copy(NativeAudio(RATE, samples, RATE // 2)) is None
    # copied over 40 periods it is credited with one lag's worth of steps, not forty periods' (past COPY_BITS)
    assert step_bits(square) > COPY_BITS
    assert exact_copy(NativeAudio(RATE, np.zeros(10, np.int16), RATE // 2)) is None  # shorter than a period


def test_a_copy_the_speech_rate_misses_is_labelled_by_repeated_cycle_as_written(fsdd_case, tmp_path):
    copy, noisy = tmp_path / "copy.wav", tmp_path / "noisy.wav"
    soundfile.write(str(copy), with_lead_in(True, seed=3), RATE, subtype="PCM_16")
    soundfile.write(str(noisy), with_lead_in(False, seed=3), RATE, subtype="PCM_16")
    at_speech_rate = repeat_scores([soundfile.read(str(copy))[0][::2]])[0]
    assert at_speech_rate < PLAUSIBLE  # the speech rate's reading alone does not count it
    generated, genuine = judge(fsdd_case, [str(copy), str(noisy)])["files"]
    entry = generated["detectors"]["repeated-cycle"]
    assert entry["score"] == MAX_SCORE and entry["tail_probability"] <= 0.01 * entry["weight"]
    assert any(r.startswith("repeated-cycle:") and "exactly" in r for r in generated["reasons"])
    assert genuine["detectors"]["repeated-cycle"]["score"] < PLAUSIBLE


def test_a_recorders_chance_repeat_upsampled_from_the_speech_rate_is_no_copy(monkeypatch):
    # an 8-bit recorder's silence at 8 kHz with lone steps that repeat a period apart (a few bits of steps, far below
    # COPY_BITS), upsampled to 16 kHz: the resampler repeats it with its steps spread over many values (a direct
    # convolution, so a repeated input gives bit-identical output on any CPU)
    from engine.detectors import native_copy
    from tests.test_recorder_clicks import interpolated_by_two

    rng = np.random.default_rng(5)
    clicks = np.where(rng.random(80) < 0.05, rng.choice([-1.0, 1.0], 80), 0.0) / 128  # one period of lone 8-bit steps
    word = 0.3 * rng.normal(size=800)  # the recording's sound, far above its silence's steps (native_copy.LOUD)
    source = np.concatenate([np.zeros(400), np.tile(clicks, 6), np.zeros(400), word])
    assert step_bits(np.round(source[400:480] * 32767)) < COPY_BITS / 2
    upsampled = np.round(interpolated_by_two(source) * 32768).astype(np.int16)
    assert exact_copy(NativeAudio(RATE, upsampled, 4000)) is None  # bandwidth read at 4 kHz: upsampled
    monkeypatch.setattr(native_copy, "WIDE_BAND_CONTENT_HZ", 0)  # read as if it were wide-band, as before
    assert exact_copy(NativeAudio(RATE, upsampled, 4000)) is not None
