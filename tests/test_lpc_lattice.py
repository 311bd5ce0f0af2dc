"""lpc-lattice (engine/detectors/lpc_lattice.py): an integer LPC filter run as flite runs it on a mu-law
excitation hits the lattice and a continuous excitation does not; the tail probability is the binomial tail at
the calibration's upper bound on the hit rate, monotone in the hits and never below what that bound gives; a longer
recording reads windows in proportion to its length, up to a cap; reading stops early only where that keeps it
valid; recordings without a readable window (8-bit steps, mu-law samples) stand aside, and so do files written by a
lossy codec or at another rate unless upsampled from 8 kHz (no content above 4.8 kHz), whose 8 kHz reading still
hits; the screened reading decides each window as the plain LLL reading does; a 16-bit file written at 16 kHz with
content above 4.8 kHz is read as written, at order 16, and only a quiet residual on the lattice hits there; at either
rate a drift that a real recursion predicts within its rounding never hits (at 8 kHz where the profile's calibration
was counted so); coefficients on a coarse grid (a scaled 8-bit grid's) do not hit; nor does a chance fit's loud residual
(quiet band-limited noise's)."""
import shutil
import subprocess
from dataclasses import replace

import numpy as np
import pytest

from engine.detectors import calibration, lpc_lattice
from engine.detectors.batch import Batch
from engine.detectors.lpc_lattice import LATTICE, ORDER, Q, RMS_MIN, LpcLattice, window_fit

def fixed_point_lpc(excitation, c):
    """flite's lpc_resynth_fixedpoint with one set of integer coefficients c (Q14) over integer excitation."""
    y = np.zeros(excitation.size, dtype=np.int64)
    for n in range(excitation.size):
        past = y[max(0, n - c.size):n][::-1]
        s = int(Q * excitation[n] + int(np.dot(c[:past.size], past)))
        y[n] = abs(s) // Q * (1 if s >= 0 else -1)  # C's integer division truncates towards zero
    return y


@pytest.fixture(scope="module")
def vowels():
    """(coded, plain): an order-10 vowel filter run as flite runs it on a mu-law-valued excitation, and on the
    same continuous excitation rounded to 16 bits (int64 samples)."""
    from scipy import signal

    rng = np.random.default_rng(1)
    poles = [0.97 * np.exp(2j * np.pi * f / 8000) for f in (500, 1500, 2500, 3300, 3800)]
    a = np.real(np.poly(np.concatenate([poles, np.conj(poles)])))
    c = np.round(-a[1:] * Q).astype(np.int64)
    pulses = np.zeros(800)
    pulses[::84] = 100.0  # a quiet vowel: the residual within the lattice's finest steps
    continuous = signal.lfilter([1.0], [1.0, -0.5], pulses + rng.normal(0, 12, pulses.size))
    quantised = LATTICE[np.argmin(np.abs(continuous[:, None] - LATTICE[None, :]), axis=1)]
    return fixed_point_lpc(quantised, c), fixed_point_lpc(np.round(continuous), c)


def test_an_lpc_filter_on_mulaw_excitation_hits_the_lattice_and_on_continuous_excitation_does_not(vowels):
    coded, plain = vowels
    found, windows, _ = lpc_lattice.hits(coded / 32768.0)
    assert windows == 30 and found >= 10  # LLL finds the coefficients in many windows (13 of 30 here)
    # a continuous residual this quiet (a few lattice steps) hits now and then (0-2 of 30 over seeds 0-2)
    assert lpc_lattice.hits(plain / 32768.0)[0] <= 2
    assert window_fit(coded, 175)[1] >= RMS_MIN


def test_the_tail_probability_is_the_binomial_tail_at_the_upper_bound_and_monotone_in_the_hits():
    q = lpc_lattice.q_upper(0, 1500)
    assert q == pytest.approx(1 - 0.05 ** (1 / 1500), rel=1e-6)  # the one-sided 95 % bound with no hit
    assert lpc_lattice.q_upper(3, 1500) > 3 / 1500 and lpc_lattice.q_upper(3, 1500) > q
    p = lpc_lattice.tail(np.arange(31), 30, q)
    assert p[0] == 1.0 and np.all(np.diff(p) < 0)
    assert p[1] == pytest.approx(1 - (1 - q) ** 30) and p[30] == pytest.approx(q ** 30)
    for k in range(1, 31):  # never below what any smaller hit rate gives: the bound is the conservative side
        assert p[k] >= lpc_lattice.tail(k, 30, q / 2)


def detector(hits_per_recording=0, recordings=50, windows=30, floor=lpc_lattice.ROUNDING_FLOOR):
    """The detector of a profile whose calibration counted `hits_per_recording` of `windows` on each recording, read
    with `floor` (None: a profile counted before the speech rate's floor, which records none)."""
    counts = np.tile([hits_per_recording, windows], (recordings, 1))
    floor_array = {} if floor is None else {"lpc_lattice_floor": np.array(floor)}
    return LpcLattice({"cal_lpc_lattice": counts, "modality": np.array("speech"), **floor_array})


def test_scores_are_minus_log10_of_the_tail_and_reading_stops_only_below_stop_p(vowels):
    coded, plain = vowels
    d = detector()
    assert d.q == lpc_lattice.q_upper(0, 1500)
    audio = [coded / 32768.0, plain / 32768.0]
    scores = d.scores(Batch(np.zeros((2, 1)), np.arange(2), audio=audio))
    p = calibration.tail_probability(d.tail, scores)
    ((found, windows, read, wide),), (plain_read,) = d.read(Batch(np.zeros((2, 1)), np.arange(2), audio=audio))
    assert found >= 3 and not wide and p[0] < 1e-6 and p[1] > 1e-3 and plain_read[0] <= 2
    assert p[0] == pytest.approx(max(float(lpc_lattice.tail(found, windows, d.q)), lpc_lattice.FLOOR))
    if read < windows:  # stopped: the hits read already give p below STOP_P, more hits only lower it
        assert lpc_lattice.tail(found, windows, d.q) < lpc_lattice.STOP_P
    full = lpc_lattice.hits(audio[0])
    assert full[0] >= found and full[1] == windows
    assert f"{p[0]:.2g}" in d.reason(d._seen[0], 0, float(scores[0]), float(p[0]))


def test_a_longer_recording_reads_windows_in_proportion_to_its_length(vowels):
    coded, _ = vowels
    assert len(lpc_lattice.candidate_windows(coded)) == lpc_lattice.WINDOWS  # 0.1 s: a digit's 30, as before
    second = np.tile(coded, 10)  # 1 s: twice a digit's half second
    assert len(lpc_lattice.candidate_windows(second)) == 2 * lpc_lattice.WINDOWS
    assert len(lpc_lattice.candidate_windows(np.tile(coded, 100))) == lpc_lattice.MAX_WINDOWS  # 10 s: the cap
    d = detector()
    found, windows, _ = lpc_lattice.hits(second / 32768.0, d.q)
    assert windows == 2 * lpc_lattice.WINDOWS and found >= 1
    # the same share of hits over twice the windows is far stronger evidence (3 of 30 against 6 of 60)
    assert lpc_lattice.tail(6, 60, d.q) < lpc_lattice.tail(3, 30, d.q) / 10


def test_a_reference_with_hits_raises_the_bound_and_so_every_tail_probability():
    clean, hitting = detector(0), detector(1, recordings=10)
    assert hitting.q > clean.q
    assert lpc_lattice.tail(3, 30, hitting.q) > lpc_lattice.tail(3, 30, clean.q)


def test_recordings_without_a_readable_window_stand_aside(vowels):
    from types import SimpleNamespace

    coded, _ = vowels
    eight_bit = np.round(coded / 256.0) * 256 / 32768.0  # an 8-bit recorder's multiples of 256
    mulaw = LATTICE[np.argmin(np.abs(coded[:, None] - LATTICE[None, :]), axis=1)] / 32768.0  # mu-law samples
    d = detector()
    assert d.informative(SimpleNamespace(audio=coded / 32768.0))
    for audio in (eight_bit, mulaw, None, np.zeros(4000)):
        assert not d.informative(SimpleNamespace(audio=audio))
    assert lpc_lattice.hits(eight_bit) == (0, 0, 0) and lpc_lattice.hits(mulaw) == (0, 0, 0)
    assert LpcLattice.calibrate([eight_bit] * 30) == {}  # too few windows to bound the hit rate: no detector
    wide = {"lossy": False, "native_sample_rate": 16000, "bandwidth_hz": 7400}  # content above 4 kHz: native
    upsampled = {"lossy": False, "native_sample_rate": 44100, "bandwidth_hz": 3900}
    for channel in ({"lossy": True, "native_sample_rate": 8000}, wide, {**upsampled, "lossy": True},
                    {"lossy": False, "native_sample_rate": 16000}, {**upsampled, "native_sample_rate": 6000}):
        assert not d.informative(SimpleNamespace(audio=coded / 32768.0, meta={"channel": channel}))  # codec, resampler
    for channel in ({"lossy": False, "native_sample_rate": 8000}, upsampled):
        assert d.informative(SimpleNamespace(audio=coded / 32768.0, meta={"channel": channel}))


@pytest.mark.skipif(shutil.which("flite") is None, reason="needs flite")
def test_flite_kal_is_flagged(tmp_path):
    from engine.data.loaders import load_path

    path = str(tmp_path / "seven.wav")
    subprocess.run(["flite", "-voice", "kal", "-t", "seven", "-o", path], check=True, capture_output=True)
    found, windows, _ = lpc_lattice.hits(load_path(path).audio, detector().q)
    assert windows >= 10 and lpc_lattice.tail(found, windows, detector().q) < 1e-4


def test_a_recording_upsampled_and_read_back_at_8_khz_still_hits():
    """A voice whose excitation has no content near 4 kHz (as kal's, recorded through an anti-aliasing filter),
    upsampled to 16 and 44.1 kHz and read back at 8 kHz (soxr, as the loader reads it), keeps its hits; the same
    filter on a continuous excitation does not hit either way."""
    from scipy import signal

    from engine.detectors.channel_media import audio_through

    rng = np.random.default_rng(1)
    poles = [0.97 * np.exp(2j * np.pi * f / 8000) for f in (500, 1500, 2500, 3000, 3300)]
    c = np.round(-np.real(np.poly(np.concatenate([poles, np.conj(poles)])))[1:] * Q).astype(np.int64)
    pulses = np.zeros(1600)
    pulses[::84] = 100.0
    continuous = signal.lfilter([1.0], [1.0, -0.5], pulses + rng.normal(0, 12, pulses.size))
    continuous = signal.filtfilt(*signal.butter(6, 2500 / 4000), continuous)
    quantised = LATTICE[np.argmin(np.abs(continuous[:, None] - LATTICE[None, :]), axis=1)]
    coded, plain = fixed_point_lpc(quantised, c) / 32768.0, fixed_point_lpc(np.round(continuous), c) / 32768.0
    assert lpc_lattice.hits(coded)[0] >= 8
    for rate in (16000, 44100):
        found = [lpc_lattice.hits(audio_through(y, ("audio", None, rate, None, None))) for y in (coded, plain)]
        assert found[0][0] >= 8 and found[0][1] >= 20 and found[1][0] == 0


@pytest.mark.skipif(shutil.which("flite") is None, reason="flite is not installed on this machine")
def test_the_screened_reading_decides_as_the_plain_lll_reading_on_kal_and_a_real_recording(tmp_path):
    from engine.data.builtins import corpus_files
    from engine.data.loaders import load_path
    from tests.benchmarks.test_bench_lpc_lattice_speed import baseline_hit, baseline_window_fit

    path = str(tmp_path / "seven.wav")
    subprocess.run(["flite", "-voice", "kal", "-t", "seven", "-o", path], check=True, capture_output=True)
    screened = found = 0
    for path, picks in ((path, (0, 7, 9, 12, 21)), (corpus_files("fsdd")[130], range(0, 30, 3))):
        y = lpc_lattice.samples_16bit(load_path(path).audio)
        starts = lpc_lattice.candidate_windows(y)
        for s in (starts[i] for i in picks):
            plain = baseline_window_fit(y, s)
            assert window_fit(y, s) == plain[:2]  # the same LLL and the same candidates: bit-identical, not close
            assert lpc_lattice.hit(y, s) == baseline_hit(y, s)
            screened += lpc_lattice.least_squares_rms(y, s) > lpc_lattice.RMS_MAX
            found += lpc_lattice.hit(y, s)
    assert screened >= 3 and found >= 2  # both sides of the screen, and kal's hits, were read


def test_a_channel_at_another_rate_calibrates_the_lattice_on_the_reference_resampled_there_and_back():
    """channels.channel_calibration: the hit counts come from the reference through the file's rate and back (a
    file upsampled from 8 kHz is read at 8 kHz against them); a lossy codec or a band limit alone refits nothing."""
    from scipy import signal

    from engine.detectors.channel_media import audio_through
    from engine.detectors.channels import channel_calibration

    rng = np.random.default_rng(0)
    recordings = [signal.lfilter([1.0], [1.0, -0.9], rng.normal(0, 0.01, 8000)).astype(np.float32) for _ in range(24)]
    profile = {"ref_audio": np.concatenate(recordings), "ref_audio_bounds": np.arange(25) * 8000,
               "ref_audio_group": np.arange(24), "n_fit_files": 12, "cal_lpc_lattice": np.zeros((1, 2), np.int64)}
    key = ("audio", None, 16000, None, None)
    refit = channel_calibration([], profile, key)
    found = refit["profile:cal_lpc_lattice"]
    expected = LpcLattice.calibrate([audio_through(a, key) for a in recordings])["cal_lpc_lattice"]
    np.testing.assert_array_equal(found, expected)
    assert float(refit["profile:lpc_lattice_floor"]) == lpc_lattice.ROUNDING_FLOOR  # counted with today's floor
    assert found[:, 1].sum() >= lpc_lattice.MIN_CALIBRATION_WINDOWS
    for other in (("audio", "ULAW", 16000, None, None), ("audio", None, None, 3000, None)):
        assert "profile:cal_lpc_lattice" not in channel_calibration([], profile, other)



def test_a_wide_band_recording_of_a_continuous_excitation_is_read_at_16_khz_and_does_not_hit():
    """An order-16 filter with formants up to 6.5 kHz on a continuous excitation, as a microphone's voice: read as
    written (content above 4.8 kHz), no window hits, and the detector reads it so and stands aside only for a lossy
    codec; the same file upsampled from 8 kHz (no content above 4 kHz) is not read at 16 kHz."""
    from types import SimpleNamespace

    import soxr
    from scipy import signal

    rng = np.random.default_rng(2)
    poles = [0.95 * np.exp(2j * np.pi * f / 16000) for f in (400, 1200, 2200, 3200, 4200, 5200, 6000, 6500)]
    a = np.real(np.poly(np.concatenate([poles, np.conj(poles)])))
    pulses = np.zeros(8000)
    pulses[::160] = 3000.0
    y = np.round(signal.lfilter([1.0], a, pulses + rng.normal(0, 300, pulses.size)))
    y = np.round(y * 8000 / np.abs(y).max()).astype(np.int16)
    from engine.data.channels import effective_bandwidth
    from engine.data.sampleset import NativeAudio

    native = NativeAudio(16000, y, effective_bandwidth(y / 32768.0, 16000))
    upsampled = np.round(soxr.resample(soxr.resample(y / 32768.0, 16000, 8000), 8000, 16000) * 32768).astype(np.int16)
    upsampled = NativeAudio(16000, upsampled, effective_bandwidth(upsampled / 32768.0, 16000))
    assert lpc_lattice.reads_wide(native) and not lpc_lattice.reads_wide(upsampled)
    assert not lpc_lattice.reads_wide(None) and not lpc_lattice.reads_wide(NativeAudio(22050, y, 7000))
    found, windows, _ = lpc_lattice.wide_hits(y)
    assert windows == lpc_lattice.window_budget(y.size, lpc_lattice.WIDE.span) == 60 and found == 0
    d = detector()
    audio = soxr.resample(y / 32768.0, 16000, 8000)
    batch = Batch(np.zeros((1, 1)), np.arange(1), audio=[audio], native=[native])
    assert d.read(batch)[0][0][3] and calibration.tail_probability(d.tail, d.scores(batch))[0] == 1.0
    channel = {"lossy": False, "native_sample_rate": 16000, "bandwidth_hz": 7000}
    assert d.informative(SimpleNamespace(audio=audio, native_audio=native, meta={"channel": channel}))
    assert not d.informative(SimpleNamespace(audio=audio, native_audio=native,
                                             meta={"channel": {**channel, "lossy": True}}))


def test_a_drift_predicted_within_its_rounding_is_not_searched_at_16_khz():
    """A slow drift with no speech in it (a 30 Hz swing of 40 about -60, as Speech Commands speaker fa446c16's
    microphone leaves between words): the integer order-16 fit puts most of its windows on the lattice (the level
    leaking through as a constant residual), but a real recursion predicts every window to within its rounding, below
    the wide reading's floor, so none hits; flite kal16's windows lie above it (the kal16 test below)."""
    t = np.arange(8000) / 16000
    y = np.round(-60 + 40 * np.sin(2 * np.pi * 30 * t)).astype(np.int64)
    starts = lpc_lattice.candidate_windows(y, lpc_lattice.WIDE)
    fits = [window_fit(y, s, lpc_lattice.WIDE_ORDER) for s in starts]
    on_lattice = [share >= lpc_lattice.WIDE_ON_LATTICE and RMS_MIN <= rms <= lpc_lattice.WIDE_RMS_MAX
                  for share, rms in fits]
    assert len(starts) == 60 and sum(on_lattice) >= 10
    assert max(lpc_lattice.least_squares_rms(y, s, lpc_lattice.WIDE_ORDER) for s in starts) < lpc_lattice.ROUNDING_FLOOR
    assert lpc_lattice.wide_hits(y)[0] == 0


def test_a_drift_predicted_within_its_rounding_is_not_searched_at_8_khz_where_the_calibration_records_the_floor():
    """The same at the speech rate (Speech Commands speaker d1a4fb3f's drifting pauses, read at 8 kHz): a 15 Hz swing
    of 80 about -120 puts windows on the lattice without the floor, none with it. A profile records the floor its
    calibration was counted with and is read with it; one counted before the floor (no `lpc_lattice_floor`) is read as
    it was counted, every window searched."""
    t = np.arange(4000) / 8000
    y = np.round(-120 + 80 * np.sin(2 * np.pi * 15 * t)).astype(np.int64)
    assert lpc_lattice.sample_hits(y, reading=lpc_lattice.UNFLOORED)[0] >= 5
    assert lpc_lattice.sample_hits(y)[0] == 0
    batch = Batch(np.zeros((1, 1)), np.arange(1), audio=[y / 32768.0])
    assert detector().read(batch)[0][0][0] == 0 and detector(floor=None).read(batch)[0][0][0] >= 5
    assert "as this older calibration was counted" in detector(floor=None).method
    assert "as this older calibration was counted" not in detector().method
    assert LpcLattice.present({"cal_lpc_lattice": np.zeros((1, 2)), "modality": np.array("speech")})


@pytest.mark.skipif(shutil.which("flite") is None, reason="needs flite")
def test_flite_kal16_is_read_at_16_khz_and_flagged_and_a_step_of_noise_hides_it(tmp_path):
    """flite's kal16 writes its fixed-point recursion at 16 kHz: the loader keeps the samples as written, the
    detector reads them at order 16 and its tail probability against the real 16 kHz bound is tiny; the same samples
    moved by a random step of 1 (a dither) leave the lattice."""
    from engine.data.loaders import load_path

    path = str(tmp_path / "seven.wav")
    subprocess.run(["flite", "-voice", "kal16", "-t", "seven", "-o", path], check=True, capture_output=True)
    samples = load_path(path)
    native = samples.native_audio
    assert native is not None and lpc_lattice.reads_wide(native) and native.samples.size > 8000
    d = detector()
    batch = Batch(np.zeros((1, 1)), np.arange(1), audio=[samples.audio], native=[native])
    p = calibration.tail_probability(d.tail, d.scores(batch))[0]
    (found, windows, _, wide), = d.read(batch)[0]
    assert wide and found >= 3 and p < 1e-4 and "16 kHz" in d.reason(batch, 0, 0.0, float(p))
    dithered = native.samples + np.random.default_rng(0).integers(-1, 2, native.samples.size)
    assert lpc_lattice.wide_hits(dithered)[0] <= 1


def test_a_scaled_eight_bit_grid_under_a_smooth_remainder_does_not_hit(monkeypatch):
    """An 8-bit recorder's quiet stretch (a few steps of 256) under a noise reducer's floor gain of 12 dB (steps of 64)
    plus a slow remainder, as ffmpeg's afftdn writes it: integer coefficients on the multiples of Q / 8 put nearly
    every window's residual on the lattice through the grid; such coefficients do not hit, a vocal tract's do."""
    from scipy import signal

    rng = np.random.default_rng(0)
    n = np.arange(4000)
    steps = np.round(signal.lfilter([1.0], [1.0, -0.5], rng.normal(0, 80, n.size)) / 256)
    remainder = 100 * np.sin(2 * np.pi * 150 * n / 8000 + 1) * np.sin(2 * np.pi * 7 * n / 8000)
    y = np.round(64 * steps + remainder).astype(np.int64)
    loose = replace(lpc_lattice.NARROW, screen=100.0, rms_max=np.inf)  # without RMS_MAX, which hides most of them too
    assert lpc_lattice.sample_hits(y, reading=loose)[0] <= 2
    assert lpc_lattice.on_coefficient_grid(2048 * np.array([13, -1, -2, -4, 1, -1, 1, 2, 1, -2]) + 300)
    poles = [0.97 * np.exp(2j * np.pi * f / 8000) for f in (500, 1500, 2500, 3300, 3800)]
    vocal_tract = np.round(-np.real(np.poly(np.concatenate([poles, np.conj(poles)])))[1:] * Q)
    assert not lpc_lattice.on_coefficient_grid(vocal_tract)
    monkeypatch.setattr(lpc_lattice, "COEFFICIENT_GRIDS", ())  # as read before: such a window hits
    assert lpc_lattice.sample_hits(y, reading=loose)[0] >= 20


def test_a_chance_fit_in_quiet_band_limited_noise_leaves_a_loud_residual_and_does_not_hit():
    """Quiet noise through an editor's band filter at 10 kHz, read at 8 kHz as a file taken for upsampled from it: the
    search puts a few windows on the lattice with coefficients far from their least-squares fit, whose residual is
    louder than RMS_MAX (36-60 here); flite's excitation is quieter, so such a fit does not hit."""
    import soxr
    from scipy import signal

    noise = np.random.default_rng(0).normal(0, 1, 20000)
    band = signal.lfilter(*signal.butter(2, [100, 3400], btype="band", fs=10000), noise)
    y = np.round(soxr.resample(20 * band / np.std(band) / 32768, 10000, 8000) * 32768).astype(np.int64)
    starts = lpc_lattice.candidate_windows(y)[20:40]
    fits = [lpc_lattice.window_solution(y, s)[:2] for s in starts]
    chance = [rms for share, rms in fits if share >= lpc_lattice.ON_LATTICE and rms >= RMS_MIN]
    assert chance and min(chance) > lpc_lattice.RMS_MAX  # on the lattice by chance (2 of these 20), loudly
    assert not any(lpc_lattice.hit(y, s) for s in starts)


@pytest.mark.skipif(shutil.which("flite") is None, reason="needs flite")
def test_a_16_khz_file_with_nothing_above_4_8_khz_is_read_both_ways_so_kal16s_four_is_flagged_and_a_real_take_not(
        tmp_path):
    """flite kal16 saying "four" holds nothing above 4.8 kHz, so its channel reads it as upsampled from 8 kHz, where
    kal16 leaves no lattice; read both ways (reads_both) its samples as written hit at order 16 and the larger score,
    less log10(2), flags it, and the reason names both readings. A real 8 kHz take upsampled to 16 kHz is read both
    ways too and hits neither way. A file with content above 4.8 kHz is read once, WIDE."""
    import soxr

    import soundfile

    from engine.data.builtins import corpus_files
    from engine.data.channels import effective_bandwidth
    from engine.data.loaders import load_path
    from engine.data.sampleset import NativeAudio

    path = str(tmp_path / "four.wav")
    subprocess.run(["flite", "-voice", "kal16", "-t", "four", "-o", path], check=True, capture_output=True)
    samples = load_path(path)
    native = samples.native_audio
    assert native is not None and lpc_lattice.reads_both(native) and not lpc_lattice.reads_wide(native)
    real = soundfile.read(corpus_files("fsdd")[0], dtype="float64")[0]
    upsampled = np.round(np.clip(soxr.resample(real, 8000, 16000), -1, 1 - 2 ** -15) * 32768).astype(np.int16)
    upsampled = NativeAudio(16000, upsampled, effective_bandwidth(upsampled / 32768.0, 16000))
    assert lpc_lattice.reads_both(upsampled)
    d = detector()
    batch = Batch(np.zeros((2, 1)), np.arange(2), audio=[samples.audio, real], native=[native, upsampled])
    readings = d.read(batch)
    assert [[wide for *_, wide in r] for r in readings] == [[False, True], [False, True]]
    (narrow, _, _, _), (wide, windows, _, _) = readings[0]
    assert wide >= 3 and narrow == 0
    scores = d.scores(batch)
    np.testing.assert_allclose(scores[0], d.reading_score(wide, windows, True) - np.log10(2), rtol=1e-9)
    p = calibration.tail_probability(d.tail, scores)
    assert p[0] < 1e-4 and p[1] == 1.0
    reason = d.reason(batch, 0, float(scores[0]), float(p[0]))
    assert "read both ways" in reason and "as written at 16 kHz" in reason and "the reference" in reason
    wideband = NativeAudio(16000, native.samples, 7000)
    assert len(d.read_recording(samples.audio, wideband)) == 1 and not lpc_lattice.reads_both(wideband)
